/**
 * What the extension keeps, and in which storage area.
 *
 * `chrome.storage.local`, readable only by the extension's own pages and service worker (the
 * service worker restricts it at every start, where Chrome allows it):
 *
 * | key | value |
 * |---|---|
 * | `collector` | the collector's base URL |
 * | `token` | the device token; never shown, never logged, handed by the service worker only to content scripts on allowed origins |
 * | `deviceId` | the device id the collector gave at enrollment |
 * | `paused` | the person's global pause; survives restarts |
 * | `policy`, `policyEtag` | the last capture policy and its ETag |
 * | `status` | the outcome of the last policy check: `{state, code, status, checkedAt}` |
 * | `injected`, `needsAccess` | allowed origins the SDK is injected into / that lack host access |
 *
 * `chrome.storage.session`, which content scripts may read: `paused` (a copy of the local
 * flag) and `connected`. Content scripts watch it to pause, resume or stop.
 */

export const LOCAL_KEYS = Object.freeze([
  "collector",
  "token",
  "deviceId",
  "paused",
  "policy",
  "policyEtag",
  "status",
  "injected",
  "needsAccess",
]);

/** Keep the token and the policy away from content scripts; open the session copy to them. */
export async function restrictStorage() {
  try {
    await chrome.storage.local.setAccessLevel({ accessLevel: "TRUSTED_CONTEXTS" });
  } catch {
    // older Chrome: local storage stays readable by content scripts
  }
  await chrome.storage.session.setAccessLevel({ accessLevel: "TRUSTED_AND_UNTRUSTED_CONTEXTS" });
}

/** Everything kept locally (trusted contexts only). */
export function readLocal() {
  return chrome.storage.local.get([...LOCAL_KEYS]);
}

/** Copy what content scripts may know into session storage. */
export async function mirrorSession() {
  const { paused, token } = await chrome.storage.local.get(["paused", "token"]);
  await chrome.storage.session.set({ paused: paused === true, connected: Boolean(token) });
}

/** The global pause: every tab pauses or resumes through the session copy. */
export async function setPaused(paused) {
  await chrome.storage.local.set({ paused: Boolean(paused) });
  await chrome.storage.session.set({ paused: Boolean(paused) });
}

/** Forget the device: token, device id and policy go; the pause choice stays. */
export async function forgetDevice() {
  await chrome.storage.local.remove(["token", "deviceId", "policy", "policyEtag", "status", "injected", "needsAccess"]);
  await chrome.storage.session.set({ connected: false });
}

/** Store a new enrollment (the previous device's policy is dropped with it). */
export async function saveEnrollment({ collector, deviceId, token }) {
  await chrome.storage.local.remove(["policy", "policyEtag", "status", "injected", "needsAccess"]);
  await chrome.storage.local.set({ collector, deviceId, token });
  await chrome.storage.session.set({ connected: true });
}

/** Ask the service worker to fetch the policy now; resolves with its status. */
export function refreshNow() {
  return chrome.runtime.sendMessage({ type: "wp:refresh" });
}
