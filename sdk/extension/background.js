/**
 * Workprint extension: the service worker.
 *
 * It keeps the SDK injected into exactly the web origins the capture policy allows:
 *
 * - it fetches `GET /v1/policy` with the device token (at install and browser start, every
 *   few minutes through an alarm with `If-None-Match`, and when the options page asks);
 * - it registers one dynamic content script (`vendor/workprint.js` then `content.js`, at
 *   `document_start`, top frames only) whose matches are the allowed origins that the person
 *   granted host access to; no allowed origin, no registration;
 * - it hands the collector URL and the device token to a content script only when asked by
 *   message from a top frame of a normal (not incognito) tab on an allowed origin. Page
 *   JavaScript cannot read it: content scripts run in an isolated world.
 *
 * If the collector refuses the token (401, 403 consent missing, 410 revoked), the
 * registration is removed: nothing is injected until a later check succeeds.
 */

import { allowedOrigins, configFor, matchPattern, policyDocument } from "./lib/policy.js";
import { fetchPolicy, isAuthFailure } from "./lib/collector.js";
import { mirrorSession, readLocal, restrictStorage } from "./lib/state.js";

const SCRIPT_ID = "workprint-sdk";
const INJECTED_FILES = ["vendor/workprint.js", "content.js"];
const ALARM = "workprint-policy";
const REFRESH_MINUTES = 5;

let chain = Promise.resolve();

/** Run `fn` after every earlier task: policy checks and registrations never interleave. */
function serial(fn) {
  const next = chain.then(fn, fn);
  chain = next.catch(() => undefined);
  return next;
}

async function setup() {
  await restrictStorage();
  await mirrorSession();
  if (!(await chrome.alarms.get(ALARM))) {
    await chrome.alarms.create(ALARM, { periodInMinutes: REFRESH_MINUTES, delayInMinutes: REFRESH_MINUTES });
  }
  return refresh();
}

/** Fetch the policy (when connected) and match the registration to it; resolves with the status. */
async function refresh() {
  const saved = await readLocal();
  if (!saved.token || !saved.collector) {
    await unregister();
    await chrome.storage.local.set({ injected: [], needsAccess: [] });
    await mirrorSession();
    return { state: "not_connected" };
  }
  const answer = await fetchPolicy(fetch, saved.collector, saved.token, saved.policy ? saved.policyEtag : null);
  let policy = saved.policy ?? null;
  let status;
  if (answer.ok && answer.changed) {
    policy = policyDocument(answer.body) ? answer.body : null;
    await chrome.storage.local.set({ policy, policyEtag: policy ? answer.etag : null });
    status = policy ? { state: "ok", code: null, status: 200 } : { state: "unreachable", code: "policy_unreadable", status: 200 };
  } else if (answer.ok) {
    status = { state: "ok", code: null, status: 304 };
  } else if (isAuthFailure(answer.status)) {
    status = { state: "refused", code: answer.code ?? "auth", status: answer.status };
    policy = null;
  } else {
    // unreachable: keep injecting under the last policy; the SDK queues until it is back
    status = { state: "unreachable", code: answer.code ?? "http_error", status: answer.status };
  }
  status.checkedAt = Date.now();
  status.policyVersion = policy ? policyDocument(policy).version : null;
  await chrome.storage.local.set({ status });
  await register(policy);
  await mirrorSession();
  return status;
}

/** Register the content script for the allowed origins this extension has access to. */
async function register(policy) {
  const injected = [];
  const needsAccess = [];
  for (const origin of allowedOrigins(policy)) {
    const granted = await chrome.permissions.contains({ origins: [matchPattern(origin)] });
    (granted ? injected : needsAccess).push(origin);
  }
  await chrome.storage.local.set({ injected, needsAccess });
  if (!injected.length) {
    await unregister();
    return;
  }
  const script = {
    id: SCRIPT_ID,
    matches: injected.map(matchPattern),
    js: INJECTED_FILES,
    runAt: "document_start",
    allFrames: false,
    persistAcrossSessions: true,
  };
  const existing = await chrome.scripting.getRegisteredContentScripts({ ids: [SCRIPT_ID] });
  if (existing.length) await chrome.scripting.updateContentScripts([script]);
  else await chrome.scripting.registerContentScripts([script]);
}

async function unregister() {
  const existing = await chrome.scripting.getRegisteredContentScripts({ ids: [SCRIPT_ID] });
  if (existing.length) await chrome.scripting.unregisterContentScripts({ ids: [SCRIPT_ID] });
}

/** What a content script may start with, or why not (see `configFor`). */
async function answerContentScript(sender) {
  if (chrome.extension.inIncognitoContext) return { ok: false, code: "not_recorded" };
  return configFor(await readLocal(), sender);
}

function fromExtensionPage(sender) {
  return sender.id === chrome.runtime.id && typeof sender.url === "string" && sender.url.startsWith(chrome.runtime.getURL(""));
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id || !message || typeof message.type !== "string") return false;
  let answer = null;
  if (message.type === "wp:config") answer = answerContentScript(sender);
  else if (message.type === "wp:refresh" && fromExtensionPage(sender)) answer = serial(refresh);
  if (!answer) return false;
  answer.then(sendResponse, () => sendResponse({ ok: false, code: "internal" }));
  return true;
});

chrome.runtime.onInstalled.addListener(() => serial(setup));
chrome.runtime.onStartup.addListener(() => serial(setup));
chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === ALARM) serial(refresh);
});
chrome.permissions.onAdded.addListener(() => serial(refresh));
chrome.permissions.onRemoved.addListener(() => serial(refresh));

serial(restrictStorage);
