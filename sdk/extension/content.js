/**
 * Workprint extension: the content script. Chrome runs it at document start, in the
 * extension's isolated world, right after `vendor/workprint.js`, in top frames of the origins
 * the capture policy allows (the service worker registers it for those only).
 *
 * It asks the service worker for the collector URL and the device token by message (the page
 * cannot see either: the isolated world shares the DOM with the page, not its JavaScript),
 * then starts the SDK with them. The person's global pause lives in extension storage: while
 * it is on, the SDK is paused (or, in a page opened during the pause, never started); when it
 * goes off, recording resumes. In a private (incognito) window it does nothing at all.
 */
(() => {
  "use strict";

  // Never record in a private window, whatever the manifest says.
  if (chrome.extension.inIncognitoContext) return;
  if (window.top !== window) return;
  const api = globalThis.Workprint;
  if (!api || typeof api.init !== "function") return;

  // In the page's local storage: this origin was paused by the global pause, not by the
  // person using the badge on the page, so a global resume (even in a later page) resumes it.
  const MARK = "workprint-extension:paused";
  const DB_NAME = "workprint-extension";

  let config = null;
  let paused = true; // until the service worker says otherwise
  let running = false;
  let ended = false;

  function mark(value) {
    try {
      if (value === undefined) return window.localStorage.getItem(MARK) === "1";
      if (value) window.localStorage.setItem(MARK, "1");
      else window.localStorage.removeItem(MARK);
    } catch {
      // storage blocked on this page: the badge's own state is all there is
    }
    return false;
  }

  function pauseNow() {
    if (!api.isPaused()) {
      mark(true);
      api.pause();
    }
  }

  function resumeNow() {
    if (api.isPaused() && mark()) api.resume();
    mark(false);
  }

  async function start() {
    if (running || paused || ended || !config) return;
    running = true;
    try {
      await api.init({ endpoint: config.endpoint, token: config.token, tabId: config.tabId, dbName: DB_NAME });
    } catch (err) {
      running = false;
      console.warn(`[workprint] not started: ${err && err.code ? err.code : "error"}`);
      return;
    }
    if (ended) api.stop();
    else if (paused) pauseNow();
    else resumeNow();
  }

  function setPaused(value) {
    paused = value;
    if (!running) {
      start();
      return;
    }
    if (value) pauseNow();
    else resumeNow();
  }

  function end() {
    ended = true;
    if (running) api.stop();
    running = false;
  }

  chrome.storage.onChanged.addListener((changes, area) => {
    if (area !== "session") return;
    if (changes.connected && changes.connected.newValue === false) end();
    if (changes.paused && !ended) setPaused(changes.paused.newValue === true);
  });

  chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (sender.id !== chrome.runtime.id || !message || message.type !== "wp:state") return false;
    const state = api.state();
    sendResponse({
      running,
      paused: running ? state.paused : paused,
      mode: state.mode,
      queued: state.queued,
      sent: state.sent,
      error: state.lastError ? state.lastError.code ?? null : null,
    });
    return false;
  });

  chrome.runtime
    .sendMessage({ type: "wp:config" })
    .then((reply) => {
      if (!reply || !reply.ok || ended) return;
      config = reply;
      paused = reply.paused === true;
      start();
    })
    .catch(() => undefined);
})();
