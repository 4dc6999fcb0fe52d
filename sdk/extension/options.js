/**
 * Workprint extension: the options page. Connecting happens once: the person enters the
 * collector's address and the one-time enrollment code from their administrator; the page
 * exchanges the code at `POST /v1/enroll` for a device token and keeps it in extension
 * storage. The token is never shown again, here or anywhere.
 *
 * Once connected, the page lists the sites the policy allows, asks for host access to those
 * the extension cannot reach yet, checks the policy on demand, and disconnects.
 */

import { collectorBase, enroll, normaliseCode } from "./lib/collector.js";
import { enrollMessage } from "./lib/messages.js";
import { matchPattern, originRules } from "./lib/policy.js";
import { forgetDevice, readLocal, refreshNow, saveEnrollment } from "./lib/state.js";

const $ = (id) => document.getElementById(id);

/** Allowed origins the extension has no host access to yet, as of the last render. */
let pendingAccess = [];

function say(text, error = false) {
  $("message").textContent = text;
  $("message").classList.toggle("error", error);
}

async function render() {
  const saved = await readLocal();
  const connected = Boolean(saved.token);
  $("connect").hidden = connected;
  $("connected").hidden = !connected;
  if (!connected) return;
  $("collector-shown").textContent = saved.collector;
  $("device-shown").textContent = saved.deviceId ?? "";
  const status = saved.status;
  let policyText = "The policy has not been checked yet.";
  if (status && status.state === "ok") policyText = `Policy version ${status.policyVersion}, checked ${new Date(status.checkedAt).toLocaleTimeString()}.`;
  else if (status && status.state === "refused") policyText = "The collector refuses this browser: nothing is recorded.";
  else if (status && status.state === "unreachable") policyText = "The collector could not be reached at the last check.";
  $("policy-shown").textContent = policyText;
  const injected = new Set(saved.injected ?? []);
  const list = $("sites");
  list.replaceChildren();
  let listed = 0;
  for (const [origin, mode] of originRules(saved.policy)) {
    if (mode === "off") continue;
    listed += 1;
    const item = document.createElement("li");
    const access = injected.has(origin) ? "recorded" : "needs your permission";
    item.textContent = `${origin}: ${mode}, ${access}`;
    list.append(item);
  }
  $("no-sites").hidden = listed > 0;
  const missing = saved.needsAccess ?? [];
  pendingAccess = missing;
  $("access-note").hidden = missing.length === 0;
  $("grant").hidden = missing.length === 0;
}

function connect(event) {
  event.preventDefault();
  const target = collectorBase($("collector").value);
  if (!target.ok) {
    say(enrollMessage(target.code), true);
    return;
  }
  const code = normaliseCode($("code").value);
  if (!code) {
    say(enrollMessage("code_invalid"), true);
    return;
  }
  $("connect-button").disabled = true;
  say("Connecting…");
  // Asked first, while the click still counts as the person's gesture.
  chrome.permissions
    .request({ origins: [matchPattern(target.origin)] })
    .then(async (granted) => {
      if (!granted) {
        say(enrollMessage("permission_denied"), true);
        return;
      }
      const answer = await enroll(fetch, target.base, code);
      if (!answer.ok) {
        say(enrollMessage(answer.code, answer.status), true);
        return;
      }
      await saveEnrollment({ collector: target.base, deviceId: answer.deviceId, token: answer.token });
      $("code").value = "";
      const status = await refreshNow();
      await render();
      say(
        status && status.state === "ok"
          ? "Connected. Workprint now records on the sites listed below; reload tabs that were already open."
          : "Connected, but the policy could not be read yet. Workprint will try again.",
      );
    })
    .catch(() => say(enrollMessage("network"), true))
    .finally(() => {
      $("connect-button").disabled = false;
    });
}

$("connect-form").addEventListener("submit", connect);
$("grant").addEventListener("click", () => {
  // The list is read at render time: the request must start within the click.
  chrome.permissions
    .request({ origins: pendingAccess.map(matchPattern) })
    .then(async (granted) => {
      if (granted) await refreshNow();
      await render();
      say(granted ? "Thank you. Reload the listed sites' tabs to start recording there." : "Nothing changed: permission was not given.");
    })
    .catch(() => say("Could not ask for permission.", true));
});
$("check").addEventListener("click", async () => {
  say("Checking…");
  const status = await refreshNow();
  await render();
  say(status && status.state === "ok" ? "The policy is up to date." : "The collector could not be asked; Workprint will try again.", !status || status.state !== "ok");
});
$("disconnect").addEventListener("click", async () => {
  await forgetDevice();
  await refreshNow();
  await render();
  say("Disconnected. This browser records nothing until you connect it again. Ask your administrator to revoke the device if you no longer use it.");
});

chrome.storage.onChanged.addListener((_changes, area) => {
  if (area === "local") render();
});
render();
