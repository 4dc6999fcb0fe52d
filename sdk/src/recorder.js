/**
 * The recorder: one per page. It learns who it records for (`GET /v1/device`) and under which
 * policy (`GET /v1/policy`), decides the page's capture mode, runs the capture while the mode
 * is not `off` and the person has not paused, and turns every captured action into a v1 event:
 * envelope, privacy step (redaction under the mode, fail closed into a `gap`), then the queue,
 * from which the transport sends.
 *
 * What it keeps between page loads: the queue and the sequence counter (IndexedDB), the last
 * device and policy answers (the same store, keyed by a digest of the token, never the token),
 * and what `_session.js` keeps (the tab session, its redaction vault, the pause).
 */

import { WorkprintError, readConfig } from "./_config.js";
import { fetchDevice, fetchPolicy, isAuthFailure } from "./_remote.js";
import { hmacHex } from "./_sha256.js";
import { Capture } from "./capture.js";
import { Indicator } from "./indicator.js";
import { Settler, snapshot, valueBefore } from "./observe.js";
import { allowedQuery, modeFor, readPolicy } from "./policy.js";
import { applyPrivacy } from "./privacy.js";
import { Vault } from "./redact.js";
import { observedElements } from "./_snapshot.js";
import { Queue, openBackend } from "./queue.js";
import { PAUSED_KEY, TabSession } from "./_session.js";
import { INTERACTIVE, describe, isSensitive } from "./target.js";
import { Transport } from "./transport.js";
import { uuid7 } from "./uuid.js";

const STASH_PREFIX = "workprint:stash:";
const STASH_MAX = 200;

const OUTCOMES = new Set(["done", "abandoned", "failed"]);
/** Task markers held while the recorder starts (a page marks a task as soon as it loads). */
const EARLY_MAX = 50;
const RETRY_MS = [2000, 5000, 15000, 60000, 300000];

function navigationType(win) {
  try {
    const entry = win.performance.getEntriesByType("navigation")[0];
    if (entry && entry.type === "reload") return "reload";
    if (entry && entry.type === "back_forward") return "back_forward";
    if (entry && entry.type === "navigate") return win.document.referrer ? "link" : "typed";
  } catch {
    // older engines: fall through
  }
  return "other";
}

export class Recorder {
  constructor(options, win = window) {
    this.config = readConfig(options);
    this.win = win;
    this.doc = win.document;
    this.fetch = this.config.fetch ?? win.fetch.bind(win);
    this.tab = new TabSession(win);
    this.tokenKey = hmacHex(new TextEncoder().encode("workprint-cache"), this.config.token).slice(0, 32);
    this.sessionId = this.tab.id;
    this.vault = this.tab.vault;
    this.device = null;
    this.policy = null;
    this.policyEtag = null;
    this.blocked = null;
    this.paused = this.tab.paused;
    this.capture = null;
    this.settler = null;
    this.indicator = null;
    this.eids = new WeakMap();
    this.lastSnapshot = null;
    this.navigatedOnce = false;
    this.timers = new Set();
    this.retries = 0;
    this.listeners = [];
    this.stopped = false;
    this.lastError = null;
    this.connected = false;
    this.early = [];
  }

  // ------------------------------------------------------------------------ lifecycle

  async init() {
    const backend = await openBackend(this.config.storage, {
      indexedDB: this.config.indexedDB,
      dbName: this.config.dbName,
    });
    this.queue = new Queue({
      backend,
      maxEvents: this.config.maxQueueEvents,
      maxBytes: this.config.maxQueueBytes,
      makeGap: (range) => this.gapEvent(range),
    });
    this.transport = new Transport({
      endpoint: this.config.endpoint,
      token: this.config.token,
      queue: this.queue,
      fetch: this.fetch,
      maxBatchEvents: this.config.maxBatchEvents,
      maxBatchBytes: this.config.maxBatchBytes,
      flushIntervalMs: this.config.flushIntervalMs,
      os: this.platform(),
      makeGap: (range) => this.gapEvent(range),
      onAuthError: (status, code) => this.authFailed(status, code),
      onChange: () => {
        if (this.transport && this.transport.lastError === null && !this.blocked) this.lastError = null;
      },
      sendBeacon: this.win.navigator.sendBeacon ? (url, data) => this.win.navigator.sendBeacon(url, data) : null,
    });
    this.listen(this.win, "online", () => this.transport.kick(true));
    this.listen(this.win, "pagehide", () => this.hidden());
    this.listen(this.win, "storage", (e) => {
      if (e.key === PAUSED_KEY) this.setPaused(e.newValue === "1", false);
    });
    this.queue.onStored = (event) => this.unstash(event.event_id);
    await this.queue.usage().catch(() => undefined);
    await this.restoreStash().catch(() => undefined);
    await this.connect();
    this.connected = true;
    const early = this.early;
    this.early = [];
    for (const [kind, options] of early) this.mark(kind, options);
    this.every(this.config.policyRefreshMs, () => (this.blocked ? undefined : this.connect(false)));
    return this.state();
  }

  stop() {
    this.stopped = true;
    this.early = [];
    this.stopCapture();
    if (this.transport) this.transport.stop();
    for (const id of this.timers) clearTimeout(id);
    this.timers.clear();
    for (const [target, type, fn] of this.listeners) target.removeEventListener(type, fn);
    this.listeners = [];
    this.saveVault();
    if (this.queue) {
      const queue = this.queue;
      queue.idle().then(() => queue.close());
    }
  }

  listen(target, type, fn) {
    target.addEventListener(type, fn);
    this.listeners.push([target, type, fn]);
  }

  later(ms, fn) {
    const id = setTimeout(() => {
      this.timers.delete(id);
      if (!this.stopped) fn();
    }, ms);
    this.timers.add(id);
  }

  every(ms, fn) {
    this.later(ms, () => {
      Promise.resolve()
        .then(fn)
        .catch(() => console.warn("[workprint] refresh failed"))
        .finally(() => this.every(ms, fn));
    });
  }

  platform() {
    const nav = this.win.navigator;
    const value = (nav.userAgentData && nav.userAgentData.platform) || nav.platform || "";
    return String(value).slice(0, 64);
  }

  // ----------------------------------------------------------------- collector state

  /**
   * Device, then policy, then the mode. At start (`retry`) an unreachable collector is asked
   * again with growing delays; the periodic refresh (consent grants and policies change)
   * simply waits for its next turn.
   */
  async connect(retry = true) {
    const device = await fetchDevice(this.fetch, this.config.endpoint, this.config.token);
    if (device.ok) {
      this.device = device.device;
      this.blocked = null;
      this.lastError = null;
      this.retries = 0;
      this.queue.setMeta(`device:${this.tokenKey}`, device.device).catch(() => undefined);
      this.adoptHints(device.device.hints);
    } else if (isAuthFailure(device.status)) {
      this.authFailed(device.status, device.code);
      return;
    } else if (device.code === "origin_forbidden") {
      this.forbidden();
      this.apply();
      return;
    } else {
      this.lastError = { status: device.status, code: device.code ?? "device_unreachable" };
      if (!this.device) this.device = (await this.queue.getMeta(`device:${this.tokenKey}`).catch(() => null)) ?? null;
      if (retry) {
        const delay = RETRY_MS[Math.min(this.retries, RETRY_MS.length - 1)];
        this.retries += 1;
        this.later(delay, () => this.connect(!this.device));
      }
    }
    await this.refreshPolicy();
    this.apply();
    if (this.device && !this.blocked) {
      this.transport.unblock();
      if (this.transport.stopped) this.transport.start();
    }
  }

  adoptHints(hints) {
    if (hints.max_batch_events) this.transport.hintMax = hints.max_batch_events;
    if (hints.flush_interval_ms && hints.flush_interval_ms >= 500) this.transport.flushIntervalMs = hints.flush_interval_ms;
  }

  async refreshPolicy() {
    if (this.blocked) return;
    const cacheKey = `policy:${this.tokenKey}`;
    if (!this.policy) {
      const cached = await this.queue.getMeta(cacheKey).catch(() => null);
      if (cached) {
        this.policy = readPolicy(cached.body);
        this.policyEtag = cached.etag ?? null;
      }
    }
    const answer = await fetchPolicy(this.fetch, this.config.endpoint, this.config.token, this.policyEtag);
    if (answer.ok && answer.changed) {
      this.policy = readPolicy(answer.body);
      this.policyEtag = this.policy ? answer.etag : null;
      if (!this.policy) this.lastError = { status: 200, code: "policy_unreadable" };
      this.queue.setMeta(cacheKey, { body: answer.body, etag: this.policyEtag }).catch(() => undefined);
    } else if (!answer.ok && isAuthFailure(answer.status)) {
      this.authFailed(answer.status, answer.code);
    } else if (!answer.ok && answer.code === "origin_forbidden") {
      // The collector is up but no longer answers this origin: its mode became off.
      this.forbidden();
    }
  }

  /** The policy no longer allows this origin: capture nothing, forget the cached policy. */
  forbidden() {
    this.policy = null;
    this.policyEtag = null;
    this.lastError = { status: 0, code: "origin_forbidden" };
    this.queue.setMeta(`policy:${this.tokenKey}`, null).catch(() => undefined);
  }

  /** The token may not send (401, 403, 410): stop capturing, keep the queue, check later. */
  authFailed(status, code) {
    const first = this.blocked === null;
    this.blocked = { status, code: code ?? "auth" };
    this.lastError = this.blocked;
    this.apply();
    if (first) this.later(this.config.deviceRecheckMs, () => this.recheck());
  }

  async recheck() {
    const device = await fetchDevice(this.fetch, this.config.endpoint, this.config.token);
    if (!device.ok) {
      if (isAuthFailure(device.status)) this.blocked = { status: device.status, code: device.code ?? "auth" };
      this.later(this.config.deviceRecheckMs, () => this.recheck());
      return;
    }
    this.blocked = null;
    this.lastError = null;
    this.retries = 0;
    await this.connect();
  }

  // ----------------------------------------------------------------------- the mode

  currentMode() {
    if (!this.policy || !this.device || this.blocked || this.stopped) return "off";
    return modeFor(this.policy, { url: this.win.location.href, title: this.doc.title });
  }

  /** Start or stop capturing to match the current mode, pause and authorisation. */
  apply() {
    if (this.currentMode() === "off") this.stopCapture();
    else this.startCapture();
    if (this.indicator) this.indicator.update({ mode: this.currentMode(), paused: this.paused });
  }

  startCapture() {
    if (this.capture) return;
    const sink = {
      emit: (kind, event) => this.emit(kind, event),
      describe: (el, edit = false) => {
        // An action on an element the latest snapshot does not hold (it scrolled into view,
        // it just appeared): snapshot first, so the action's observation contains its target;
        // for an edit, with the value the element had before it.
        if (!this.eids.has(el) && el.matches(INTERACTIVE) && !isSensitive(el)) {
          this.observeNow(edit ? { el, value: valueBefore(el, this.capture.focusedValue(el)) } : null);
        }
        return describe(el, this.eids);
      },
      navigated: (transition, from) => {
        this.emit("navigate", { payload: { from_url: from, transition } });
        this.lastSnapshot = null;
        if (this.settler) this.settler.poke();
      },
      poke: () => this.settler && this.settler.poke(),
      visible: (visible) => (visible ? this.settler && this.settler.poke() : this.hidden()),
      isOwn: (el) => Indicator.owns(el),
      isPaused: () => this.paused,
    };
    this.capture = new Capture(sink, this.win);
    this.capture.start();
    this.settler = new Settler({ settleMs: this.config.settleMs, onSettle: () => this.observeNow(), doc: this.doc });
    this.settler.start();
    if (this.config.indicator) {
      this.indicator = new Indicator({ onToggle: () => (this.paused ? this.resume() : this.pause()), doc: this.doc });
    }
    const ready = () => {
      if (!this.capture) return;
      if (this.indicator) this.indicator.update({ mode: this.currentMode(), paused: this.paused });
      this.settler.poke();
    };
    if (this.doc.readyState === "loading") this.listen(this.doc, "DOMContentLoaded", ready);
    else ready();
    if (!this.navigatedOnce) {
      this.navigatedOnce = true;
      const referrer = this.doc.referrer || undefined;
      this.emit("navigate", {
        payload: { from_url: referrer, transition: navigationType(this.win) },
        occurredAt: this.win.performance && this.win.performance.timeOrigin ? this.win.performance.timeOrigin : undefined,
      });
    }
  }

  stopCapture() {
    if (this.capture) this.capture.stop();
    if (this.settler) this.settler.stop();
    if (this.indicator) this.indicator.unmount();
    this.capture = null;
    this.settler = null;
    this.indicator = null;
  }

  hidden() {
    if (this.capture) this.capture.flushScroll();
    this.saveVault();
    this.stash();
    // Left for another page of this origin: that page's SDK sends the queue (compressed);
    // a beacon would only send the same events again, uncompressed.
    if (this.capture && this.capture.leavingForSameOrigin()) return;
    if (this.transport) this.transport.beacon();
  }

  // ------------------------------------------------------------------------- stash

  get stashKey() {
    return `${STASH_PREFIX}${this.tokenKey}`;
  }

  readStash() {
    try {
      const events = JSON.parse(this.win.localStorage.getItem(this.stashKey) || "[]");
      return Array.isArray(events) ? events : [];
    } catch {
      return [];
    }
  }

  writeStash(events) {
    try {
      if (events.length) this.win.localStorage.setItem(this.stashKey, JSON.stringify(events));
      else this.win.localStorage.removeItem(this.stashKey);
    } catch {
      // storage unavailable or full: the events stay only where they were
    }
  }

  /** Page hide: events not yet in IndexedDB (the click that is unloading this page, say) are
   * kept synchronously in localStorage, already redacted, for the next page of this origin. */
  stash() {
    const events = this.queue ? this.queue.inflightEvents() : [];
    if (!events.length) return;
    const prior = this.readStash();
    const known = new Set(prior.map((e) => e.event_id));
    this.writeStash(prior.concat(events.filter((e) => !known.has(e.event_id))).slice(-STASH_MAX));
    this.stashed = true;
  }

  /** An event stored after all (the page lived on): out of the stash, never queued twice. */
  unstash(eventId) {
    if (!this.stashed) return;
    const prior = this.readStash();
    const rest = prior.filter((e) => e.event_id !== eventId);
    if (rest.length !== prior.length) this.writeStash(rest);
    this.stashed = rest.length > 0;
  }

  /** Start-up: queue what an earlier page of this origin stashed and did not store. */
  async restoreStash() {
    const events = this.readStash();
    if (!events.length) return;
    this.writeStash([]);
    const present = await this.queue.present(events.map((e) => e.event_id));
    for (const event of events) {
      if (!present.has(event.event_id)) await this.queue.append(event);
    }
  }

  // ------------------------------------------------------------------------- events

  observeNow(edited = null) {
    if (!this.capture || this.paused || this.doc.visibilityState === "hidden") return;
    const capture = this.capture;
    capture.navigated("other"); // a URL change no listener saw (it checks that one happened)
    const active = this.doc.activeElement;
    if (!edited && active && capture.isEditing(active)) {
      // The page settled while a field holds an edit not yet recorded: it is shown as it was
      // before, since the edit belongs to the action that will be recorded, not to the page.
      edited = { el: active, value: valueBefore(active, capture.focusedValue(active)) };
    }
    const snap = snapshot(this.doc, (el) => capture.isTainted(el), edited);
    this.emit("observe", { payload: { elements: snap.elements, viewport: snap.viewport } });
    this.eids = snap.eids;
  }

  /**
   * The elements an `observe` event would carry now, under the page's mode; read-only:
   * nothing is emitted, the snapshot's eids are not kept, and placeholders come from a copy
   * of the tab's vault (the same numbers for values already seen).
   */
  peekSnapshot() {
    const mode = this.currentMode();
    if (mode === "off" || !this.capture || this.paused) return [];
    const capture = this.capture;
    return observedElements(this.doc, {
      mode,
      fields: this.policy.fields,
      allowedQuery: allowedQuery(this.policy, this.win.location.href),
      vault: new Vault(this.vault.toJSON()),
      hideValue: (el) => capture.isTainted(el),
    });
  }

  /** Build, redact and queue one event (nothing while off, paused or stopped). */
  emit(kind, { target = null, payload = {}, occurredAt, durationMs = 0 } = {}) {
    if (this.paused && kind !== "pause") return;
    const mode = this.currentMode();
    if (mode === "off" || !this.capture) return;
    const href = this.win.location.href;
    const context = { app: this.config.app, url: href };
    if (this.doc.title) context.window_title = this.doc.title;
    if (this.config.tabId !== null) context.tab_id = this.config.tabId;
    let event;
    try {
      const kept = applyPrivacy(
        { kind, context, target, payload },
        { mode, fields: this.policy.fields, allowedQuery: allowedQuery(this.policy, href), vault: this.vault },
      );
      event = this.envelope(kind, occurredAt, durationMs, { mode, redactions: kept.redactions });
      event.context = kept.context;
      if (kept.target && Object.keys(kept.target).length) event.target = kept.target;
      event.payload = kept.payload;
      if (kind === "observe") this.dedupeSnapshot(event);
    } catch {
      console.warn("[workprint] redaction failed; event replaced by a gap");
      this.lastSnapshot = null;
      event = this.gapEvent({ reason: "redaction_error", count: 1 });
    }
    this.queue
      .append(event)
      .then(() => {
        if (this.queue.known.count >= this.transport.maxBatchEvents) this.transport.kick();
      })
      .catch(() => console.warn("[workprint] could not queue an event"));
    if (this.vault.dirty) this.saveVault();
  }

  dedupeSnapshot(event) {
    const fingerprint = JSON.stringify([event.payload.elements, event.payload.viewport, event.context.url]);
    if (this.lastSnapshot && this.lastSnapshot.fingerprint === fingerprint) {
      event.payload = { same_as: this.lastSnapshot.id };
      event.privacy.redactions = {};
    } else {
      this.lastSnapshot = { fingerprint, id: event.event_id };
    }
  }

  envelope(kind, occurredAt, durationMs, { mode, redactions }) {
    const at = occurredAt ?? Date.now();
    const tz = Math.max(-1080, Math.min(1080, -new Date(at).getTimezoneOffset()));
    return {
      kind,
      event_id: uuid7(),
      seq: 0,
      stream: "web",
      device_id: this.device.device_id,
      session_id: this.sessionId,
      occurred_at: new Date(at).toISOString(),
      tz_offset_min: tz,
      duration_ms: Math.max(0, Math.round(durationMs)),
      privacy: { mode, policy_version: String(this.policy.version), redactions },
      consent: this.device.consent,
    };
  }

  /** A `gap` event with no text; the queue fills in a missing range with its own seq. */
  gapEvent({ from_seq, to_seq, count, reason }) {
    const event = this.envelope("gap", undefined, 0, { mode: "metadata", redactions: {} });
    event.payload = { from_seq, to_seq, reason, count };
    return event;
  }

  // ---------------------------------------------------------------------- public API

  setPaused(paused, persist) {
    this.paused = paused;
    if (persist) this.tab.paused = paused;
    if (this.indicator) this.indicator.update({ mode: this.currentMode(), paused });
    if (!paused && this.settler) {
      this.lastSnapshot = null;
      this.settler.poke();
    }
  }

  pause() {
    if (this.paused) return;
    if (this.capture) this.capture.flushScroll();
    this.emit("pause", { payload: { reason: "user" } });
    this.setPaused(true, true);
  }

  resume() {
    if (!this.paused) return;
    this.setPaused(false, true);
    this.emit("resume");
  }

  taskStart(label) {
    const id = uuid7();
    this.mark("task_start", { payload: { task_id: id, label: String(label ?? "") } });
    return id;
  }

  taskEnd(id, outcome = "done") {
    if (typeof id !== "string" || !id) throw new WorkprintError("task_invalid", "taskEnd needs the id taskStart returned");
    if (!OUTCOMES.has(outcome)) throw new WorkprintError("outcome_invalid", 'outcome must be "done", "abandoned" or "failed"');
    this.mark("task_end", { payload: { task_id: id, outcome } });
  }

  /**
   * A task marker. Before the collector has told this page's mode (the recorder is still
   * starting: a page that marks a task as soon as it loads, or a task that ends on the page
   * its last action opened), the marker is held with the time it was made and recorded once
   * the mode is known, or dropped if that mode is off; it is never lost silently to the race.
   */
  mark(kind, options) {
    if (!this.connected) {
      if (this.paused || this.stopped) return;
      if (this.early.length < EARLY_MAX) this.early.push([kind, { ...options, occurredAt: options.occurredAt ?? Date.now() }]);
      return;
    }
    // The page the task ended on is part of the task: take the snapshot that is waiting.
    if (kind === "task_end" && this.settler) this.settler.flush();
    this.emit(kind, options);
  }

  async flush() {
    if (!this.transport) return { sent: 0, queued: 0 };
    if (this.capture) this.capture.flushScroll();
    return this.transport.flush();
  }

  state() {
    return {
      mode: this.currentMode(),
      paused: this.paused,
      queued: this.queue ? this.queue.known.count : 0,
      sent: this.transport ? this.transport.sent : 0,
      lastError: this.blocked ?? this.lastError ?? (this.transport ? this.transport.lastError : null),
      deviceId: this.device ? this.device.device_id : null,
      sessionId: this.sessionId,
    };
  }

  saveVault() {
    this.tab.saveVault();
  }
}
