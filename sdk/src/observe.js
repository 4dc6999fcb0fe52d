/**
 * `observe` snapshots: the visible interactive elements of the page, each with a per-snapshot
 * `eid`, so a step of a dataset can say "the person chose element 17 among these 40".
 *
 * Listed: the controls (`INTERACTIVE`), and the page's status and alert regions, whose text
 * says what the last action did.
 *
 * A snapshot is taken when the page settles: after navigation, and after DOM changes or
 * scrolling have been quiet for `settleMs` (at most `4 * settleMs` after the first change of a
 * busy page). The recorder turns a snapshot identical to the previous one into
 * `{"same_as": <previous event id>}`, so unchanged pages cost a few bytes.
 *
 * Elements inside `data-wp-block` are left out entirely; secret fields (passwords, card data,
 * one-time codes) and fields edited while capture was paused are listed without a `value`.
 *
 * An action on an element the latest snapshot does not hold takes a snapshot first (so the
 * action's observation contains its target). When that action is an edit (a field's text
 * committed, an option chosen), the snapshot shows the element's value from before the edit:
 * the observation of a step is the page as the person found it.
 */

import { INTERACTIVE, accessibleName, attrsOf, bboxOf, frameOf, isBlocked, isSecretField, roleOf, selectorOf, visibleText } from "./target.js";

const MAX_ELEMENTS = 500;
/** Status and alert regions: not controls, but where a page says what an action did
 * ("Contact saved", "Email is required"). A step's observation needs them: without them a
 * record's page looks the same before and after the change the task asked for. */
export const ANNOUNCED = "[role=status],[role=alert]";
const LISTED = `${INTERACTIVE},${ANNOUNCED}`;
const MAX_OPTIONS = 500;
// As many as elements: a select of every contact of a CRM is what a person picks from, and a
// shorter list left the one the task names out of most snapshots.
const NO_VALUE_TYPES = new Set(["button", "submit", "reset", "image", "file", "password", "hidden"]);

function visible(el, width, height) {
  const r = el.getBoundingClientRect();
  if (r.width <= 0 || r.height <= 0) return false;
  if (r.right <= 0 || r.bottom <= 0 || r.left >= width || r.top >= height) return false;
  if (typeof el.checkVisibility === "function") {
    return el.checkVisibility({ checkOpacity: false, checkVisibilityCSS: true });
  }
  const style = getComputedStyle(el);
  return style.visibility !== "hidden" && style.display !== "none";
}

function optionLabel(option) {
  return (option.label || option.textContent || "").replace(/\s+/g, " ").trim();
}

/** The current value of a form control, when one may be kept at all. */
function valueOf(el, hideValue) {
  if (isSecretField(el) || hideValue(el)) return null;
  const tag = el.tagName.toLowerCase();
  if (tag === "select") {
    const chosen = [...el.selectedOptions].map(optionLabel).filter(Boolean);
    return chosen.length ? chosen.join(", ") : null;
  }
  if (tag === "textarea") return el.value || null;
  if (tag === "input") {
    const type = (el.getAttribute("type") || "text").toLowerCase();
    if (type === "checkbox" || type === "radio") return el.checked ? "checked" : "unchecked";
    if (NO_VALUE_TYPES.has(type)) return null;
    return el.value || null;
  }
  return null;
}

/**
 * The value a form control had before the edit now being recorded: the value it had when it
 * got the focus (`focused`, as `Capture` remembers it), else the one the page was served with
 * (`defaultValue`, the options marked `selected`). A snapshot taken for an action on the
 * control must show the page as the person found it, not with the action already done.
 */
export function valueBefore(el, focused) {
  const tag = el.tagName.toLowerCase();
  if (tag === "select") {
    const options = [...el.options];
    let chosen = focused !== undefined ? options.filter((o) => o.value === focused) : options.filter((o) => o.defaultSelected);
    if (!chosen.length && !el.multiple && options.length && focused === undefined) chosen = [options[0]];
    const labels = chosen.map(optionLabel).filter(Boolean);
    return labels.length ? labels.join(", ") : null;
  }
  if (tag === "textarea" || tag === "input") {
    const type = (el.getAttribute("type") || "text").toLowerCase();
    if (tag === "input" && (type === "checkbox" || type === "radio")) return el.defaultChecked ? "checked" : "unchecked";
    const text = focused !== undefined ? focused : el.defaultValue;
    return text || null;
  }
  return null;
}

/** One element's descriptor (raw; the privacy step treats its text). `before` replaces the
 * element's current value by the one it had before an edit being recorded (see valueBefore). */
export function elementOf(el, eid, hideValue = () => false, before = undefined) {
  const tag = el.tagName.toLowerCase();
  const out = { eid, tag };
  const role = roleOf(el);
  if (role) out.role = role;
  const name = accessibleName(el);
  if (name) out.name = name;
  if (tag !== "input" && tag !== "select" && tag !== "textarea") {
    const text = visibleText(el, 256);
    if (text) out.text = text;
  }
  out.selector = selectorOf(el);
  const attrs = attrsOf(el);
  if (attrs) out.attrs = attrs;
  out.bbox = bboxOf(el);
  const frame = frameOf();
  if (frame) out.frame = frame;
  const value = before !== undefined && valueOf(el, hideValue) !== null ? before : valueOf(el, hideValue);
  if (value) out.value = value;
  if (tag === "select" && !isSecretField(el) && !hideValue(el)) {
    out.options = [...el.options].slice(0, MAX_OPTIONS).map(optionLabel);
  }
  if (el.disabled || el.getAttribute("aria-disabled") === "true") out.disabled = true;
  return out;
}

/**
 * The visible interactive elements of `doc`, and a map element -> eid for targets.
 * @returns {{elements: object[], viewport: [number, number], eids: WeakMap<Element, number>}}
 */
export function snapshot(doc = document, hideValue = () => false, edited = null) {
  const win = doc.defaultView;
  const width = win.innerWidth;
  const height = win.innerHeight;
  const elements = [];
  const eids = new WeakMap();
  for (const el of doc.querySelectorAll(LISTED)) {
    if (elements.length >= MAX_ELEMENTS) break;
    if (isBlocked(el) || !visible(el, width, height)) continue;
    const eid = elements.length;
    const before = edited && edited.el === el ? edited.value : undefined;
    elements.push(elementOf(el, eid, hideValue, before));
    eids.set(el, eid);
  }
  return { elements, viewport: [width, height], eids };
}

/** Calls `onSettle()` when the DOM has been quiet for `settleMs` after a change. */
export class Settler {
  constructor({ settleMs, onSettle, doc = document }) {
    this.settleMs = settleMs;
    this.onSettle = onSettle;
    this.doc = doc;
    this.timer = null;
    this.firstAt = 0;
    this.observer = null;
  }

  start() {
    const MO = this.doc.defaultView.MutationObserver;
    this.observer = new MO(() => this.poke());
    this.observer.observe(this.doc, { subtree: true, childList: true, attributes: true, characterData: true });
  }

  /** Something changed: snapshot once things are quiet (bounded wait on busy pages). */
  poke() {
    const now = Date.now();
    if (this.timer === null) this.firstAt = now;
    else clearTimeout(this.timer);
    const latest = this.firstAt + this.settleMs * 4;
    const wait = Math.max(0, Math.min(this.settleMs, latest - now));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.onSettle();
    }, wait);
  }

  /** A snapshot now if one is waiting for the page to settle (a task ends: its last state
   * belongs to it, not to whatever comes next). */
  flush() {
    if (this.timer === null) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.onSettle();
  }

  stop() {
    if (this.observer) this.observer.disconnect();
    this.observer = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
