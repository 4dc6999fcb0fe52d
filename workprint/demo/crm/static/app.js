// Nexus CRM: small progressive enhancements. Every page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // "Delete" links open an in-page confirmation dialog instead of the confirmation page.
  for (const link of document.querySelectorAll("a[data-confirm-dialog]")) {
    const dialog = document.getElementById(link.dataset.confirmDialog);
    if (!dialog || typeof dialog.showModal !== "function") continue;
    link.addEventListener("click", (event) => {
      event.preventDefault();
      dialog.showModal();
      const cancel = dialog.querySelector("[data-close-dialog]");
      if (cancel) cancel.focus();
    });
  }
  for (const button of document.querySelectorAll("[data-close-dialog]")) {
    button.addEventListener("click", () => button.closest("dialog").close());
  }

  // A form is sent once: its submit buttons are disabled while the next page loads.
  for (const form of document.querySelectorAll("form[method=post]")) {
    form.addEventListener("submit", () => {
      for (const button of form.querySelectorAll("button[type=submit]")) {
        setTimeout(() => { button.disabled = true; }, 0);
      }
    });
  }

  // Coming back to a page from the history re-enables what the submit disabled.
  window.addEventListener("pageshow", () => {
    for (const button of document.querySelectorAll("button[type=submit]")) button.disabled = false;
  });

  // After a failed submit, move focus to the list of problems so it is read out first.
  const summary = document.querySelector(".error-summary[tabindex]");
  if (summary) summary.focus();

  // The account menu closes with Escape, as menus do.
  const menu = document.querySelector(".account-menu");
  if (menu) {
    menu.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  }
});
