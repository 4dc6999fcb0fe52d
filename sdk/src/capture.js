/**
 * DOM listeners that turn what a person does into semantic events (DESIGN.md section 2):
 * clicks, double and right clicks, one `type` per committed field value (on change or blur,
 * never per key), shortcuts and special keys, merged scrolls, `<select>` choices, form
 * submits, navigations (initial load, links, `history.pushState`/`replaceState`, back and
 * forward, hash changes) and tab visibility. Listeners are passive and in the capture phase,
 * so the page's own handlers cannot hide events from them and are never slowed by them.
 *
 * Nothing is emitted for the SDK's own badge, and sensitive fields (see `target.js`) give no
 * `type`, `select` or content-bearing `key` events at all. A field edited while the person
 * had paused capture is "tainted": its value stays out of every event and snapshot until the
 * field is emptied, so text typed during a pause never surfaces after resuming.
 */

import { actionable, closestAcross, isSensitive } from "./target.js";

const SPECIAL_KEYS = new Set(["Enter", "Escape", "Tab"]);
const MODIFIER_KEYS = new Set(["Control", "Alt", "Shift", "Meta", "AltGraph", "CapsLock", "Fn", "OS", "Dead"]);
const NO_TYPE_INPUTS = new Set(["checkbox", "radio", "file", "submit", "button", "reset", "image", "hidden", "password"]);
function isTextField(el) {
  const tag = el.tagName.toLowerCase();
  return tag === "textarea" || (tag === "input" && !NO_TYPE_INPUTS.has((el.getAttribute("type") || "text").toLowerCase()));
}
const SCROLL_SETTLE_MS = 300;
const LINK_WINDOW_MS = 2000;
/** A click with no pointer behind it (`detail` 0) this soon after Enter or Space is the
 * browser's own: implicit form submission clicks the submit button, a focused button is
 * clicked by the key. The key is the person's action; the click is its effect. */
const KEY_CLICK_MS = 1000;
const LEAVE_WINDOW_MS = 10000;

/** The canonical name of a shortcut or special key (`ctrl+s`, `shift+Tab`), or null. */
export function keyCombo(e) {
  if (e.isComposing || MODIFIER_KEYS.has(e.key) || !e.key || e.key === "Unidentified") return null;
  const command = e.ctrlKey || e.altKey || e.metaKey;
  if (!command && !SPECIAL_KEYS.has(e.key)) return null;
  const mods = [];
  if (e.ctrlKey) mods.push("ctrl");
  if (e.altKey) mods.push("alt");
  if (e.shiftKey) mods.push("shift");
  if (e.metaKey) mods.push("meta");
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (key === " ") mods.push("Space");
  else mods.push(key);
  return mods.join("+").slice(0, 64);
}

function elementTarget(e) {
  const path = typeof e.composedPath === "function" ? e.composedPath() : [];
  const first = path.find((n) => n && n.nodeType === 1) ?? e.target;
  return first && first.nodeType === 1 ? first : null;
}

export class Capture {
  /**
   * @param {{emit: Function, describe: (el: Element) => object, navigated: Function,
   *   poke: Function, visible: Function, isOwn: (el: Element) => boolean,
   *   isPaused: () => boolean}} sink
   */
  constructor(sink, win = window) {
    this.sink = sink;
    this.win = win;
    this.doc = win.document;
    this.listeners = [];
    this.focusValues = new WeakMap();
    this.tainted = new WeakSet();
    this.scroll = null;
    this.scrollTimer = null;
    this.scrollPositions = new WeakMap();
    this.lastHref = win.location.href;
    this.history = null;
    this.lastLink = null;
    this.leaving = null;
    this.activatingKeyAt = null;
  }

  /** Remember that the page is about to be left for `url` (a link followed, a form sent, a
   * navigation the browser announced). */
  leavingFor(url, newTab = false) {
    if (newTab || !url) return;
    try {
      const to = new URL(String(url), this.win.location.href);
      this.leaving = { sameOrigin: to.origin === this.win.location.origin, at: Date.now() };
    } catch {
      this.leaving = null;
    }
  }

  /** True when the page is being left for another page of its own origin (whose SDK will
   * send this tab's queue): decided by the last link, form or navigation seen. */
  leavingForSameOrigin() {
    const l = this.leaving;
    return Boolean(l && l.sameOrigin && Date.now() - l.at < LEAVE_WINDOW_MS);
  }

  on(target, type, fn) {
    const handler = (e) => {
      try {
        fn(e);
      } catch {
        console.warn(`[workprint] ${type} handler failed`);
      }
    };
    target.addEventListener(type, handler, { capture: true, passive: true });
    this.listeners.push([target, type, handler]);
  }

  start() {
    const { doc, win } = this;
    this.on(doc, "click", (e) => this.pointer(e, e.detail >= 2 ? null : "click"));
    this.on(doc, "dblclick", (e) => this.pointer(e, "double_click"));
    this.on(doc, "contextmenu", (e) => this.pointer(e, "right_click"));
    this.on(doc, "focusin", (e) => this.focusIn(e));
    this.on(doc, "focusout", (e) => this.focusOut(e));
    this.on(doc, "input", (e) => this.input(e));
    this.on(doc, "change", (e) => this.change(e));
    this.on(doc, "keydown", (e) => this.key(e));
    this.on(doc, "submit", (e) => this.submit(e));
    this.on(doc, "scroll", (e) => this.scrolled(e));
    this.on(win, "popstate", () => this.navigated("back_forward"));
    this.on(win, "hashchange", () => this.navigated("link"));
    this.on(doc, "visibilitychange", () => {
      if (doc.visibilityState === "visible") this.sink.emit("focus", { payload: { scope: "tab" } });
      this.sink.visible(doc.visibilityState === "visible");
    });
    this.patchHistory();
    // In an extension's isolated world the patch above does not see the page's own calls;
    // the Navigation API (Chromium) reports them to every world.
    const nav = win.navigation;
    if (nav && typeof nav.addEventListener === "function") {
      this.on(nav, "navigate", (e) => {
        if (e && e.destination && !e.destination.sameDocument) this.leavingFor(e.destination.url);
      });
      this.on(nav, "currententrychange", (e) => {
        const type = e && e.navigationType;
        this.navigated(type === "traverse" ? "back_forward" : type === "reload" ? "reload" : "history");
      });
    }
  }

  stop() {
    for (const [target, type, handler] of this.listeners) target.removeEventListener(type, handler, { capture: true });
    this.listeners = [];
    this.flushScroll();
    if (this.history) {
      const h = this.win.history;
      if (h.pushState === this.history.push) h.pushState = this.history.origPush;
      if (h.replaceState === this.history.replace) h.replaceState = this.history.origReplace;
      this.history = null;
    }
  }

  patchHistory() {
    const h = this.win.history;
    const origPush = h.pushState;
    const origReplace = h.replaceState;
    const self = this;
    const push = function pushState(...args) {
      const out = origPush.apply(this, args);
      self.navigated("history");
      return out;
    };
    const replace = function replaceState(...args) {
      const out = origReplace.apply(this, args);
      self.navigated("history");
      return out;
    };
    h.pushState = push;
    h.replaceState = replace;
    this.history = { push, replace, origPush, origReplace };
  }

  /** The URL changed (SPA or back/forward): a `navigate` event when it really did. */
  navigated(transition) {
    const href = this.win.location.href;
    if (href === this.lastHref) return;
    const from = this.lastHref;
    this.lastHref = href;
    this.flushScroll();
    // A fragment link fires popstate before hashchange: the link just clicked tells them apart.
    const link = this.lastLink;
    const followed = link && link.href === href && Date.now() - link.at < LINK_WINDOW_MS;
    this.sink.navigated(followed ? "link" : transition, from);
  }

  resolve(e) {
    const raw = elementTarget(e);
    if (!raw || this.sink.isOwn(raw)) return null;
    return raw;
  }

  pointer(e, kind) {
    if (kind === null) return;
    const raw = this.resolve(e);
    if (!raw) return;
    const el = actionable(raw);
    if (kind === "click" && el.tagName.toLowerCase() === "a" && el.href) {
      this.lastLink = { href: String(el.href), at: Date.now() };
      const target = (el.getAttribute("target") || "").toLowerCase();
      const newTab = (target && target !== "_self") || e.ctrlKey || e.metaKey || e.shiftKey;
      this.leavingFor(el.href, newTab);
    }
    if (kind === "click" && this.fromKey(e)) return;
    this.sink.emit(kind, { target: this.sink.describe(el) });
  }

  /** True for a click that a key press made (see KEY_CLICK_MS): not a second action. */
  fromKey(e) {
    const at = this.activatingKeyAt;
    return e.detail === 0 && at !== null && e.timeStamp - at >= 0 && e.timeStamp - at <= KEY_CLICK_MS;
  }

  focusIn(e) {
    const el = this.resolve(e);
    if (!el || isSensitive(el)) return;
    if (el.isContentEditable) this.focusValues.set(el, el.innerText);
    else if ("value" in el && typeof el.value === "string") this.focusValues.set(el, el.value);
  }

  focusOut(e) {
    const el = this.resolve(e);
    if (!el || !el.isContentEditable || isSensitive(el) || this.tainted.has(el)) return;
    const editable = closestAcross(el, "[contenteditable]") ?? el;
    const before = this.focusValues.get(el) ?? "";
    const text = editable.innerText;
    if (text === before) return;
    this.typed(editable, text, before);
  }

  /** The value `el` had when it got the focus (undefined when it never had it here). */
  focusedValue(el) {
    return this.focusValues.get(el);
  }

  /** True while `el` holds an edit not yet recorded: its value differs from the one it had
   * when it got the focus (or when its last edit was recorded). */
  isEditing(el) {
    if (!el || !this.focusValues.has(el) || isSensitive(el)) return false;
    const now = el.isContentEditable ? el.innerText : "value" in el ? el.value : undefined;
    return typeof now === "string" && now !== this.focusValues.get(el);
  }

  /** A field edited while paused keeps its value out of every event until it is emptied. */
  input(e) {
    const el = this.resolve(e);
    if (!el) return;
    const empty = el.isContentEditable ? !el.innerText.trim() : "value" in el && el.value === "";
    if (this.sink.isPaused() && !empty) this.tainted.add(el);
    else if (empty) this.tainted.delete(el);
  }

  /** True for a field whose current value was (partly) typed while capture was paused. */
  isTainted(el) {
    return this.tainted.has(el);
  }

  change(e) {
    const el = this.resolve(e);
    if (!el || isSensitive(el)) return;
    if (this.sink.isPaused()) this.tainted.add(el);
    if (this.tainted.has(el)) return;
    const tag = el.tagName.toLowerCase();
    if (tag === "select") {
      const chosen = [...el.selectedOptions];
      const value = chosen.map((o) => (o.label || o.textContent || o.value).replace(/\s+/g, " ").trim()).join(", ");
      const payload = el.selectedIndex >= 0 ? { value, index: el.selectedIndex } : { value };
      this.sink.emit("select", { target: this.sink.describe(el, true), payload });
      this.focusValues.set(el, el.value); // recorded: no longer an edit in progress
      this.sink.poke();
      return;
    }
    if (isTextField(el)) this.commitText(el);
  }

  /** The field's text as a `type` event, once per change (the key that commits it, Enter or
   * Tab, must come after it, as the person did it; the browser's `change` comes later). */
  commitText(el) {
    const before = this.focusValues.get(el) ?? "";
    if (el.value === before) return;
    this.typed(el, el.value, before);
    this.focusValues.set(el, el.value);
  }

  typed(el, text, before) {
    const replaced = before !== "" && !text.startsWith(before);
    this.sink.emit("type", { target: this.sink.describe(el, true), payload: { text, replaced } });
    this.sink.poke();
  }

  key(e) {
    if (e.repeat) return;
    const keys = keyCombo(e);
    if (keys === null) return;
    this.activatingKeyAt = keys === "Enter" || keys === "Space" ? e.timeStamp : null;
    const raw = this.resolve(e);
    if (raw === null && elementTarget(e) !== null) return; // the SDK's own badge
    const el = raw ? actionable(raw) : null;
    if (el && isSensitive(el) && !SPECIAL_KEYS.has(e.key)) return;
    const commits = e.key === "Tab" || (e.key === "Enter" && el && el.tagName.toLowerCase() === "input");
    if (el && commits && isTextField(el) && !isSensitive(el) && !this.tainted.has(el) && !this.sink.isPaused()) {
      this.commitText(el);
    }
    this.sink.emit("key", { target: el ? this.sink.describe(el) : null, payload: { keys } });
  }

  submit(e) {
    const form = this.resolve(e);
    if (!form) return;
    const submitter = e.submitter;
    const action = (submitter && submitter.getAttribute("formaction")) || form.getAttribute("action") || this.win.location.href;
    const target = ((submitter && submitter.getAttribute("formtarget")) || form.getAttribute("target") || "").toLowerCase();
    this.leavingFor(action, Boolean(target && target !== "_self"));
    this.sink.emit("submit", { target: this.sink.describe(form) });
  }

  scrolled(e) {
    const t = e.target;
    const el = t === this.doc || t === this.doc.documentElement || t === this.doc.body ? null : t;
    if (el && (el.nodeType !== 1 || this.sink.isOwn(el))) return;
    // A single-line field scrolls its own text as the caret moves: typing, not scrolling.
    if (el && el.tagName.toLowerCase() === "input") return;
    const key = el ?? this.doc;
    const pos = el ? [el.scrollLeft, el.scrollTop] : [this.win.scrollX, this.win.scrollY];
    const last = this.scrollPositions.get(key) ?? pos;
    this.scrollPositions.set(key, pos);
    if (this.scroll && this.scroll.key !== key) this.flushScroll();
    const now = Date.now();
    if (!this.scroll) this.scroll = { key, el, dx: 0, dy: 0, first: now, last: now };
    this.scroll.dx += pos[0] - last[0];
    this.scroll.dy += pos[1] - last[1];
    this.scroll.last = now;
    if (this.scrollTimer !== null) clearTimeout(this.scrollTimer);
    this.scrollTimer = setTimeout(() => this.flushScroll(), SCROLL_SETTLE_MS);
  }

  /** Emit the merged scroll run, if any. */
  flushScroll() {
    if (this.scrollTimer !== null) clearTimeout(this.scrollTimer);
    this.scrollTimer = null;
    const run = this.scroll;
    this.scroll = null;
    if (!run || (!Math.round(run.dx) && !Math.round(run.dy))) return;
    this.sink.emit("scroll", {
      target: run.el ? this.sink.describe(run.el) : null,
      payload: { dx: Math.round(run.dx), dy: Math.round(run.dy) },
      occurredAt: run.first,
      durationMs: run.last - run.first,
    });
    this.sink.poke();
  }
}

