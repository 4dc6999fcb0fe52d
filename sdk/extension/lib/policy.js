/**
 * The capture policy as the extension reads it: which web origins the SDK may be injected
 * into, and the match pattern Chrome needs for each.
 *
 * The collector answers browsers (CORS) only on origins the policy lists with a mode other
 * than `off`, so those are the only origins the extension injects into. The policy's
 * `default_mode` is deliberately not used to widen injection to every site: an origin has to
 * be listed. Title rules and per-field rules are applied by the SDK inside the page.
 *
 * Pure functions only: no `chrome.*` here, so Node's test runner can check them.
 */

const MODES = new Set(["off", "metadata", "redacted", "full"]);

/** `scheme://host[:port]` of a web URL, lower-cased, default port dropped; throws otherwise. */
export function normaliseOrigin(value) {
  const url = new URL(String(value));
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError("not a web origin");
  return url.origin;
}

/** The policy document inside a `GET /v1/policy` body (the body itself, or its `document`). */
export function policyDocument(body) {
  if (!body || typeof body !== "object") return null;
  const doc = body.document && typeof body.document === "object" ? body.document : body;
  if (!Number.isInteger(doc.version)) return null;
  if (doc.origins !== undefined && !Array.isArray(doc.origins)) return null;
  return doc;
}

/** Each listed origin with its mode, first rule winning (as in the SDK); bad rules skipped. */
export function originRules(body) {
  const doc = policyDocument(body);
  const rules = new Map();
  if (!doc) return rules;
  for (const rule of doc.origins ?? []) {
    if (!rule || typeof rule.origin !== "string" || !MODES.has(rule.mode)) continue;
    let origin;
    try {
      origin = normaliseOrigin(rule.origin);
    } catch {
      continue;
    }
    if (!rules.has(origin)) rules.set(origin, rule.mode);
  }
  return rules;
}

/** The capture mode of `origin` under the policy: its rule's, else `off`. */
export function modeForOrigin(body, origin) {
  let key;
  try {
    key = normaliseOrigin(origin);
  } catch {
    return "off";
  }
  return originRules(body).get(key) ?? "off";
}

/** The origins the SDK is injected into (mode not `off`), sorted. */
export function allowedOrigins(body) {
  return [...originRules(body)]
    .filter(([, mode]) => mode !== "off")
    .map(([origin]) => origin)
    .sort();
}

/** The Chrome match pattern of an origin, port included: `http://127.0.0.1:8080/*`. */
export function matchPattern(origin) {
  return `${normaliseOrigin(origin)}/*`;
}

/**
 * What the service worker answers a content script that asks for its configuration: the
 * collector, the token and the tab id only for the top frame of a normal (not incognito) tab
 * whose origin the policy allows and the registration covers; otherwise `{ok: false, code}`.
 * `saved` is what `chrome.storage.local` holds; `sender` is Chrome's `MessageSender`.
 */
export function configFor(saved, sender) {
  const tab = sender && sender.tab;
  if (!tab || tab.incognito !== false || sender.frameId !== 0) return { ok: false, code: "not_recorded" };
  let origin;
  try {
    origin = normaliseOrigin(sender.origin ?? sender.url);
  } catch {
    return { ok: false, code: "not_recorded" };
  }
  if (!saved.token || !saved.collector) return { ok: false, code: "not_connected" };
  if (saved.status && saved.status.state === "refused") return { ok: false, code: saved.status.code ?? "refused" };
  if (modeForOrigin(saved.policy, origin) === "off" || !(saved.injected ?? []).includes(origin)) {
    return { ok: false, code: "origin_not_allowed" };
  }
  return { ok: true, endpoint: saved.collector, token: saved.token, tabId: tab.id, paused: saved.paused === true };
}
