/**
 * Redaction of text in the browser: detected entities become typed placeholders numbered per
 * tab session (`<EMAIL_1>`), consistent within the session: the same value always gets the
 * same number. The vault remembers a keyed digest (HMAC-SHA-256 under a random per-session
 * key) of each value it numbered, never the value itself.
 *
 * Also here: the URL rule (origin and path kept, path segments with personal data replaced,
 * credentials and fragment dropped, query parameters only where the policy allows them, their
 * values redacted) and the selector rule (attribute values and `#id`s inside a CSS path
 * redacted). These mirror `workprint/privacy/redact.py`, which the collector applies again.
 */

import { hmacHex } from "./_sha256.js";
import { findAll } from "./detect/index.js";

/** A placeholder already in a text; never detected again (redacting twice changes nothing). */
export const PLACEHOLDER = /<[A-Z][A-Z0-9_]*_\d+>/g;

const MAX_NUMBERED = 20000;
const MEMO_SIZE = 5000;

function randomKeyHex() {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function hexBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Placeholder numbers of one tab session: (entity, keyed digest of value) -> n. */
export class Vault {
  /** @param {{key?: string, numbers?: Record<string, number>, next?: Record<string, number>}} [saved] */
  constructor(saved = {}) {
    this.keyHex = typeof saved.key === "string" && /^[0-9a-f]{64}$/.test(saved.key) ? saved.key : randomKeyHex();
    this.key = hexBytes(this.keyHex);
    this.numbers = new Map(Object.entries(saved.numbers ?? {}));
    this.next = new Map(Object.entries(saved.next ?? {}));
    this.memo = new Map();
    this.dirty = false;
  }

  placeholder(entity, value) {
    const digest = hmacHex(this.key, `${entity}\u0000${value}`).slice(0, 32);
    const id = `${entity}:${digest}`;
    let number = this.numbers.get(id);
    if (number === undefined) {
      number = (this.next.get(entity) ?? 0) + 1;
      this.next.set(entity, number);
      if (this.numbers.size < MAX_NUMBERED) this.numbers.set(id, number);
      this.dirty = true;
    }
    return `<${entity}_${number}>`;
  }

  remember(text, result, counts) {
    this.memo.set(text, [result, counts]);
    if (this.memo.size > MEMO_SIZE) this.memo.delete(this.memo.keys().next().value);
  }

  /** What may be kept in the tab's session storage: the key, digests and counters. */
  toJSON() {
    return { key: this.keyHex, numbers: Object.fromEntries(this.numbers), next: Object.fromEntries(this.next) };
  }
}

function addCounts(into, from) {
  for (const [entity, n] of Object.entries(from)) into[entity] = (into[entity] ?? 0) + n;
}

/**
 * `text` with every detected entity replaced by its placeholder; `counts` ({entity: n}) gets
 * what was replaced. Exceptions propagate: the caller drops the event (fail closed).
 */
export function redactText(text, vault, counts, detect = findAll) {
  if (!text) return text;
  const known = vault.memo.get(text);
  if (known !== undefined) {
    addCounts(counts, known[1]);
    return known[0];
  }
  const local = {};
  const kept = [...text.matchAll(PLACEHOLDER)].map((m) => [m.index, m.index + m[0].length]);
  const spans = detect(text).filter((s) => !kept.some(([a, b]) => s.start < b && a < s.end));
  let result = text;
  if (spans.length) {
    const out = [];
    let last = 0;
    for (const s of spans) {
      out.push(text.slice(last, s.start), vault.placeholder(s.entity, text.slice(s.start, s.end)));
      local[s.entity] = (local[s.entity] ?? 0) + 1;
      last = s.end;
    }
    out.push(text.slice(last));
    result = out.join("");
  }
  vault.remember(text, result, local);
  addCounts(counts, local);
  return result;
}

const ABSOLUTE = /^([a-zA-Z][a-zA-Z0-9+.\-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?/;
const RELATIVE = /^([^?#]*)(?:\?([^#]*))?/;

function decode(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function encode(value) {
  return encodeURIComponent(value).replace(/%3C/g, "<").replace(/%3E/g, ">");
}

function parseQuery(query) {
  if (!query) return [];
  return query
    .split("&")
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf("=");
      const k = eq === -1 ? pair : pair.slice(0, eq);
      const v = eq === -1 ? "" : pair.slice(eq + 1);
      return [decode(k.replace(/\+/g, " ")), decode(v.replace(/\+/g, " "))];
    });
}

/**
 * The URL as it may be kept under `mode` (`metadata`: origin only; `redacted`: origin and
 * redacted path; `full`: origin and path as is); fragment and credentials always dropped,
 * query parameters only those in `allowedQuery`, their values redacted unless `full`.
 */
export function redactUrl(url, { mode, allowedQuery = new Set(), vault, counts, detect = findAll }) {
  const abs = ABSOLUTE.exec(url);
  let origin = "";
  let path;
  let query;
  if (abs !== null) {
    let authority = abs[2];
    const at = authority.lastIndexOf("@");
    if (at !== -1) {
      counts.URL_CREDENTIALS = (counts.URL_CREDENTIALS ?? 0) + 1;
      authority = authority.slice(at + 1);
    }
    origin = `${abs[1].toLowerCase()}://${authority.toLowerCase()}`;
    path = abs[3];
    query = abs[4];
  } else {
    const rel = RELATIVE.exec(url);
    path = rel[1];
    query = rel[2];
  }
  if (mode === "metadata") return origin;
  if (mode !== "full") {
    path = path
      .split("/")
      .map((segment) => {
        const plain = decode(segment);
        const redacted = redactText(plain, vault, counts, detect);
        return redacted === plain ? segment : encode(redacted);
      })
      .join("/");
  }
  let kept = parseQuery(query).filter(([k]) => allowedQuery.has(k));
  if (mode !== "full") kept = kept.map(([k, v]) => [k, redactText(v, vault, counts, detect)]);
  const qs = kept.map(([k, v]) => `${encode(k)}=${encode(v)}`.replace(/%20/g, "+")).join("&");
  return `${origin}${path}${qs ? `?${qs}` : ""}`;
}

const SELECTOR_VALUE = /(=\s*)(["'])(.*?)\2/g;
const SELECTOR_ID = /#((?:\\.|[\w\-\u00a0-\uffff])+)/g;

/** A CSS path with attribute values and ids redacted; tags, roles and positions kept. */
export function redactSelector(selector, vault, counts, detect = findAll) {
  const values = selector.replace(SELECTOR_VALUE, (_m, eq, quote, value) => {
    return `${eq}${quote}${redactText(value, vault, counts, detect)}${quote}`;
  });
  return values.replace(SELECTOR_ID, (m, id) => {
    const plain = id.replace(/\\(.)/g, "$1");
    const redacted = redactText(plain, vault, counts, detect);
    return redacted === plain ? m : `#${redacted}`;
  });
}
