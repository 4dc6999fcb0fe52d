/**
 * The capture policy in the browser: reading the document `GET /v1/policy` serves, and
 * deciding the mode of the page.
 *
 * The page's mode is the mode of the origin rule whose origin equals the page's origin
 * (normalised as `normalise_origin` in `workprint/privacy/policy.py` does: lower case, default
 * port dropped), else the policy's `default_mode` (`off` unless an administrator chose
 * otherwise). Title rules can only make it stricter. Desktop app rules are not consulted for
 * web pages: an app rule such as `*` must never switch on capture of every web site.
 *
 * A policy that cannot be read means mode `off`: nothing is captured without a policy.
 */

export const MODES = ["off", "metadata", "redacted", "full"];
const RANK = Object.fromEntries(MODES.map((m, i) => [m, i]));
const DEFAULT_PORTS = { http: "80", https: "443" };

/** The stricter of two modes. */
export function strictest(a, b) {
  return RANK[a] <= RANK[b] ? a : b;
}

/** `scheme://host[:port]` in lower case, default port dropped; throws when not an origin. */
export function normaliseOrigin(value) {
  const m = /^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]+)(?::([0-9]*))?/.exec(value);
  if (m === null || !m[2]) throw new Error("not an origin");
  const scheme = m[1].toLowerCase();
  const host = m[2].toLowerCase();
  const port = m[3] ? String(Number(m[3])) : "";
  const keep = port && port !== DEFAULT_PORTS[scheme];
  return `${scheme}://${host}${keep ? `:${port}` : ""}`;
}

function isMode(value) {
  return typeof value === "string" && value in RANK;
}

/** A title pattern of the policy (Python syntax) as a JavaScript RegExp, or null. */
function compileTitle(pattern) {
  let source = pattern;
  let flags = "u";
  const inline = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    if (inline[1].includes("i")) flags += "i";
    if (inline[1].includes("s")) flags += "s";
    if (inline[1].includes("m")) flags += "m";
  }
  try {
    return new RegExp(source, flags);
  } catch {
    return null;
  }
}

/**
 * The policy document in a form the SDK uses, from the JSON body of `GET /v1/policy`;
 * null when the body is not a policy (the caller then captures nothing).
 */
export function readPolicy(body) {
  const doc = body && typeof body === "object" && body.document && typeof body.document === "object" ? body.document : body;
  if (!doc || typeof doc !== "object" || !Number.isInteger(doc.version) || !isMode(doc.default_mode ?? "off")) return null;
  if (!Array.isArray(doc.origins ?? []) || !Array.isArray(doc.titles ?? [])) return null;
  const origins = [];
  for (const rule of doc.origins ?? []) {
    if (!rule || !isMode(rule.mode) || typeof rule.origin !== "string") return null;
    let origin;
    try {
      origin = normaliseOrigin(rule.origin);
    } catch {
      continue;
    }
    const allow = Array.isArray(rule.allow_query) ? rule.allow_query.filter((q) => typeof q === "string") : [];
    origins.push({ origin, mode: rule.mode, allowQuery: new Set(allow) });
  }
  const titles = [];
  for (const rule of doc.titles ?? []) {
    if (!rule || !isMode(rule.mode) || typeof rule.pattern !== "string") return null;
    // A pattern JavaScript cannot compile is taken to match: it can only make capture stricter.
    titles.push({ regex: compileTitle(rule.pattern), mode: rule.mode });
  }
  const fields = {};
  for (const [path, action] of Object.entries(doc.fields && typeof doc.fields === "object" ? doc.fields : {})) {
    if (action === "keep" || action === "redact" || action === "drop") fields[path] = action;
  }
  return { version: doc.version, defaultMode: doc.default_mode ?? "off", origins, titles, fields };
}

function ruleFor(policy, url) {
  let origin;
  try {
    origin = normaliseOrigin(url);
  } catch {
    return null;
  }
  return policy.origins.find((r) => r.origin === origin) ?? null;
}

/** The capture mode of a page: its origin's rule, else the default; titles only lower it. */
export function modeFor(policy, { url, title }) {
  if (!policy) return "off";
  const rule = ruleFor(policy, url);
  let mode = rule ? rule.mode : policy.defaultMode;
  if (title) {
    for (const t of policy.titles) {
      const hit = t.regex === null || t.regex.test(title);
      if (hit) mode = strictest(mode, t.mode);
    }
  }
  return mode;
}

/** Query parameters the policy keeps for the URL's origin (usually none). */
export function allowedQuery(policy, url) {
  const rule = policy ? ruleFor(policy, url) : null;
  return rule ? rule.allowQuery : new Set();
}
