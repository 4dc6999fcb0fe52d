/**
 * Workprint extension: the toolbar popup. It shows whether Workprint is recording, what it
 * does on the current tab (its mode, paused or not, events waiting and sent), and a button
 * that pauses or resumes recording in every tab at once.
 *
 * Opened as a tab of its own (`chrome-extension://<id>/popup.html`), it describes the tab
 * used last before it.
 */

import { countsLine, overall, siteLine } from "./lib/messages.js";
import { setPaused } from "./lib/state.js";

const $ = (id) => document.getElementById(id);

async function describedTab() {
  const self = await chrome.tabs.getCurrent();
  if (!self) {
    const [active] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
    return active ?? null;
  }
  const others = (await chrome.tabs.query({})).filter((tab) => tab.id !== self.id);
  others.sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0));
  return others[0] ?? null;
}

async function tabState(tab) {
  if (!tab || tab.id === undefined) return null;
  try {
    return (await chrome.tabs.sendMessage(tab.id, { type: "wp:state" }, { frameId: 0 })) ?? null;
  } catch {
    return null; // no content script there: not an allowed site
  }
}

let paused = false;

async function render() {
  const saved = await chrome.storage.local.get(["token", "paused", "status"]);
  const connected = Boolean(saved.token);
  paused = saved.paused === true;
  const view = overall({ connected, paused, status: saved.status });
  $("headline").textContent = view.headline;
  $("headline").classList.toggle("paused", view.paused);
  $("detail").textContent = view.detail;
  const state = connected ? await tabState(await describedTab()) : null;
  $("site").textContent = connected ? siteLine(state, paused) : "";
  $("counts").textContent = countsLine(state);
  const toggle = $("toggle");
  toggle.hidden = !connected;
  toggle.textContent = paused ? "Resume recording" : "Pause recording everywhere";
  toggle.classList.toggle("secondary", !paused);
}

$("toggle").addEventListener("click", async () => {
  await setPaused(!paused);
  await render();
});
$("settings").addEventListener("click", () => chrome.runtime.openOptionsPage());
chrome.storage.onChanged.addListener(() => render());
setInterval(render, 1000);
render();
