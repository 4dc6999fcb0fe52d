/**
 * The privacy step of every event, before it is queued: the contract's classification of each
 * text field (`TEXT_FIELDS`, generated from `workprint/core/events.py`) applied under the
 * page's capture mode, with the policy's per-field overrides on top, as the collector's
 * `redact_event` does:
 *
 * - `metadata`: free text, identifiers and selectors removed; URLs cut to their origin;
 *   kinds, timing, tags, roles and the app stay.
 * - `redacted`: every detector over free text and identifiers; URLs and selectors by their
 *   rules (see `redact.js`).
 * - `full`: text as typed (designated test accounts only); URLs still lose query and fragment.
 *
 * Values are then cut to the contract's length bounds, so the collector never quarantines an
 * event for its size. Any exception propagates: the caller replaces the event with a `gap`.
 */

import { TEXT_FIELDS } from "./_shared.js";
import { redactSelector, redactText, redactUrl } from "./redact.js";

const SHORT = 256;
const TEXT = 8192;
const LONG = 65536;

/** Maximum length per field path (the contract's ShortText / Text / LongText). */
const LIMITS = {
  "context.app": SHORT,
  "target.tag": SHORT,
  "target.role": SHORT,
  "target.frame": SHORT,
  "element.tag": SHORT,
  "element.role": SHORT,
  "element.frame": SHORT,
  "element.options": SHORT,
  "attrs.id": SHORT,
  "attrs.name": SHORT,
  "attrs.type": SHORT,
  "attrs.placeholder": SHORT,
  "attrs.aria_label": SHORT,
  "key.keys": 64,
  "task_start.task_id": SHORT,
  "task_end.task_id": SHORT,
  "type.text": LONG,
};

/** Closed vocabularies and ids the contract checks itself; never text. */
const PASS_THROUGH = new Set([
  "navigate.transition",
  "focus.scope",
  "pause.reason",
  "gap.reason",
  "task_end.outcome",
  "observe.same_as",
]);

/** Payload text fields the contract requires (dropped means empty, not absent). */
const REQUIRED = new Set(["type.text", "select.value", "task_start.label"]);

const ACTION = { full: "keep", redacted: "redact", metadata: "drop" };

/** Cut `value` to `max` UTF-16 units without splitting a surrogate pair. */
export function truncate(value, max) {
  if (value.length <= max) return value;
  let cut = value.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut;
}

class Job {
  constructor({ mode, fields, allowedQuery, vault, detect }) {
    this.mode = mode;
    this.fields = fields ?? {};
    this.allowedQuery = allowedQuery ?? new Set();
    this.vault = vault;
    this.detect = detect;
    this.counts = {};
  }

  /** The kept value of one string field, or null to drop it. */
  text(path, value) {
    if (PASS_THROUGH.has(path)) return value;
    const rule = TEXT_FIELDS[path] ?? "free_text";
    let out;
    if (rule === "vocabulary") out = value;
    else {
      const action = this.fields[path] ?? ACTION[this.mode] ?? "drop";
      if (rule === "url") {
        const mode = action === "drop" ? "metadata" : action === "keep" ? "full" : "redacted";
        out = redactUrl(value, { mode, allowedQuery: this.allowedQuery, vault: this.vault, counts: this.counts, detect: this.detect });
        if (out === "" && !REQUIRED.has(path)) out = null;
      } else if (path === "context.app" && action === "drop") out = value;
      else if (action === "keep") out = value;
      else if (action === "drop") out = REQUIRED.has(path) ? "" : null;
      else if (rule === "selector") out = redactSelector(value, this.vault, this.counts, this.detect);
      else out = redactText(value, this.vault, this.counts, this.detect);
    }
    return out === null ? null : truncate(out, LIMITS[path] ?? TEXT);
  }

  /** A copy of the object `obj` (role `owner`) with every string field treated. */
  walk(obj, owner) {
    const out = {};
    for (const [key, value] of Object.entries(obj)) {
      if (value === null || value === undefined) continue;
      const field = key === "aria-label" ? "aria_label" : key;
      const path = `${owner}.${field}`;
      if (typeof value === "string") {
        const kept = this.text(path, value);
        if (kept !== null) out[key] = kept;
      } else if (Array.isArray(value)) {
        if (key === "elements") out[key] = value.map((el) => this.walk(el, "element"));
        else if (value.every((v) => typeof v === "string")) {
          const kept = value.map((v) => this.text(path, v)).filter((v) => v !== null);
          if (kept.length || !value.length) out[key] = kept;
        } else out[key] = value;
      } else if (typeof value === "object") {
        out[key] = this.walk(value, key === "attrs" ? "attrs" : owner);
      } else out[key] = value;
    }
    return out;
  }
}

/**
 * The event's context, target and payload as they may be kept, and the counts of what was
 * replaced: `{context, target, payload, redactions}`.
 * @param {{kind: string, context?: object, target?: object|null, payload?: object}} event
 * @param {{mode: string, fields?: object, allowedQuery?: Set<string>, vault: object, detect?: Function}} options
 */
export function applyPrivacy(event, options) {
  const job = new Job(options);
  const context = event.context ? job.walk(event.context, "context") : undefined;
  const target = event.target ? job.walk(event.target, "target") : undefined;
  const payload = event.payload ? job.walk(event.payload, event.kind) : {};
  const redactions = Object.fromEntries(Object.entries(job.counts).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { context, target, payload, redactions };
}
