/**
 * The sentences the popup and the options page show the person, chosen from codes. They name
 * the problem and what to do; they never repeat a token, a code or a page's address.
 *
 * Pure functions only, checked by Node's test runner.
 */

const REFUSED = {
  consent_missing: "Recording is off: your consent to capture is missing or was withdrawn.",
  token_invalid: "Recording is off: the collector no longer knows this browser. Connect it again in Settings.",
  device_revoked: "Recording is off: this browser was disconnected by your administrator. Connect it again in Settings.",
};

const ENROLL = {
  collector_url_invalid: "Enter the collector's address, like https://workprint.example.com.",
  collector_https_required: "The collector's address must start with https:// (plain http only works on this computer).",
  code_invalid: "That does not look like an enrollment code. It looks like WP-XXXX-XXXX-XXXX.",
  enrollment_code_invalid: "That code is unknown, already used or expired. Ask your administrator for a new one.",
  permission_denied: "Workprint needs permission to reach the collector. Try again and allow it.",
  network: "Could not reach the collector at that address. Check it and your connection.",
  enroll_unreadable: "The collector's answer was not understood. Is the address right?",
};

/** `{headline, detail, paused}` for the extension as a whole. */
export function overall({ connected, paused, status }) {
  if (!connected) {
    return { headline: "Not connected", detail: "Open Settings to connect this browser with the code your administrator gave you.", paused: false };
  }
  if (status && status.state === "refused") {
    return { headline: "Not recording", detail: REFUSED[status.code] ?? "Recording is off: the collector refused this browser.", paused: false };
  }
  if (paused) {
    return { headline: "Paused everywhere", detail: "Nothing is recorded in any tab until you resume.", paused: true };
  }
  const detail =
    status && status.state === "unreachable"
      ? "The collector cannot be reached right now; what you do on allowed sites waits in this browser and is sent later."
      : "Only the sites your organisation lists are recorded, never private windows.";
  return { headline: "Recording on allowed sites", detail, paused: false };
}

/** One line about the tab the popup describes, from the content script's answer (or null). */
export function siteLine(tabState, globallyPaused) {
  if (!tabState) return "This page is not recorded.";
  if (!tabState.running) {
    return globallyPaused ? "This site is on the list; nothing is recorded while paused." : "This page is not recorded.";
  }
  if (tabState.mode === "off") return "This page is not recorded.";
  if (tabState.paused) return globallyPaused ? "Paused on this site." : "Paused on this site (from the badge on the page).";
  return `This site is recorded (mode: ${tabState.mode}).`;
}

/** The counts line for a recording tab, or an empty string. */
export function countsLine(tabState) {
  if (!tabState || !tabState.running) return "";
  const waiting = `${tabState.queued} waiting to be sent`;
  return `${waiting}, ${tabState.sent} sent from this tab.`;
}

/** What went wrong with a connection attempt. */
export function enrollMessage(code, status) {
  if (code && ENROLL[code]) return ENROLL[code];
  if (status === 503 || status === 429) return "The collector is busy. Try again in a minute.";
  return "The collector refused the code. Ask your administrator for a new one.";
}
