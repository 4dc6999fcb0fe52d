/**
 * Sending queued events to the collector (`POST /v1/ingest/batch`), as DESIGN.md section 4
 * asks of every agent:
 *
 * - batches bounded by events and bytes, sent when the flush interval passes or a batch is
 *   full; gzip through `CompressionStream` when the browser has it (plain JSON after a 415);
 *   `keepalive` when the body is small enough for the browser to allow it;
 * - 200: every event of the batch is acknowledged (accepted, duplicate or quarantined) and
 *   removed from the queue; the collector's hints adjust batch size and interval;
 * - 413: the batch is split in halves and sent again;
 * - 429 and 503: wait as `Retry-After` says; other 5xx and network errors: exponential
 *   backoff with full jitter, capped, never giving up (the queue's quota is the only bound);
 * - 400: the body itself is undecodable and can never succeed: it is dropped (one console
 *   line, no content) and a `gap` event with reason `dropped` records the lost range;
 * - 401, 403, 410: sending stops, the queue is kept, and `onAuthError` lets the recorder
 *   check `GET /v1/device` again from time to time.
 *
 * The page-hide beacon (`POST /v1/ingest/beacon` through `navigator.sendBeacon`) repeats what
 * this tab has queued and not beaconed before; those events stay queued, and the collector
 * drops repeats by event id. The recorder skips it when the page is left for another page of
 * the same origin: that page's SDK sends the queue, compressed.
 */

import { uuid7 } from "./uuid.js";
import { VERSION } from "./version.js";

const KEEPALIVE_LIMIT = 60 * 1024;
const BEACON_LIMIT = 60 * 1024;
const COMPRESS_ABOVE = 2048;

/** Milliseconds to wait from a `Retry-After` header (seconds or an HTTP date), capped. */
export function retryAfterMs(header, nowMs, fallbackMs = 5000, capMs = 600000) {
  if (header === null || header === undefined || header === "") return fallbackMs;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.min(capMs, Math.max(0, seconds * 1000));
  const at = Date.parse(header);
  if (Number.isNaN(at)) return fallbackMs;
  return Math.min(capMs, Math.max(0, at - nowMs));
}

/** The n-th backoff delay (n >= 1): full jitter over min(cap, base * 2^(n-1)). */
export function backoffMs(attempt, random, baseMs = 1000, capMs = 60000) {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(baseMs / 2, Math.floor(random() * ceiling));
}

export const realClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
};

async function gzip(text) {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export class Transport {
  /**
   * @param {{endpoint: string, token: string, queue: object, fetch: Function,
   *   clock?: object, random?: () => number, maxBatchEvents?: number, maxBatchBytes?: number,
   *   flushIntervalMs?: number, compress?: boolean, os?: string, makeGap?: Function,
   *   onAuthError?: Function, onChange?: Function, sendBeacon?: Function}} options
   */
  constructor(options) {
    this.endpoint = options.endpoint.replace(/\/+$/, "");
    this.token = options.token;
    this.queue = options.queue;
    this.fetch = options.fetch;
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.maxBatchEvents = options.maxBatchEvents ?? 200;
    this.maxBatchBytes = options.maxBatchBytes ?? 512 * 1024;
    this.flushIntervalMs = options.flushIntervalMs ?? 3000;
    this.compress = options.compress ?? typeof CompressionStream === "function";
    this.agent = { name: "workprint-web", version: VERSION, os: options.os ?? "" };
    this.makeGap = options.makeGap ?? null;
    this.onAuthError = options.onAuthError ?? (() => {});
    this.onChange = options.onChange ?? (() => {});
    this.sendBeacon = options.sendBeacon ?? null;
    this.limit = this.maxBatchEvents;
    this.hintMax = Infinity;
    this.sent = 0;
    this.lastError = null;
    this.blocked = false;
    this.stopped = true;
    this.attempt = 0;
    this.timer = null;
    this.running = null;
    this.warned400 = false;
    this.lastBatch = { key: "", id: "" };
    this.waitUntil = 0;
    this.waitKind = null;
  }

  start() {
    this.stopped = false;
    this.schedule(this.flushIntervalMs);
  }

  stop() {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  schedule(ms) {
    if (this.stopped) return;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.pump()
        .catch(() => console.warn("[workprint] sending failed; retrying"))
        .then(() => {
          if (this.timer === null && !this.blocked) this.schedule(this.flushIntervalMs);
        });
    }, ms);
  }

  /**
   * Send soon: a batch filled up (`reset` false: a pending wait is kept), or the network came
   * back (`reset` true: a backoff wait is cut short; a `Retry-After` wait is still honoured).
   */
  kick(reset = false) {
    if (this.blocked || this.stopped) return;
    const now = this.clock.now();
    if (reset && this.waitKind === "backoff") {
      this.attempt = 0;
      this.waitUntil = 0;
    }
    if (now < this.waitUntil) return;
    this.schedule(0);
  }

  /** Allowed to send again after an authentication error was resolved. */
  unblock() {
    if (!this.blocked) return;
    this.blocked = false;
    this.lastError = null;
    this.onChange();
    this.kick();
  }

  /** Send everything queued now; resolves once the queue is empty or a send failed. */
  async flush() {
    await this.queue.idle();
    await this.pump();
    const usage = await this.queue.usage();
    return { sent: this.sent, queued: usage.count };
  }

  /** One sending run (never two at once): batches until empty, an error or a wait. */
  pump() {
    if (this.running === null) {
      this.running = this.drain().finally(() => {
        this.running = null;
      });
      return this.running;
    }
    return this.running.then(() => this.pump());
  }

  async drain() {
    while (!this.blocked) {
      const limit = Math.max(1, Math.min(this.limit, this.hintMax));
      const records = await this.queue.peek(limit, this.maxBatchBytes);
      if (!records.length) {
        this.limit = this.maxBatchEvents;
        return;
      }
      const outcome = await this.send(records);
      if (outcome.kind === "ok" || outcome.kind === "dropped") {
        this.attempt = 0;
        this.waitUntil = 0;
        this.waitKind = null;
        continue;
      }
      if (outcome.kind === "split") continue;
      if (outcome.kind === "wait") {
        this.waitUntil = this.clock.now() + outcome.ms;
        this.waitKind = outcome.why;
        this.schedule(outcome.ms);
        return;
      }
      return; // blocked
    }
  }

  batchId(records) {
    const key = `${records[0].id}:${records[records.length - 1].id}:${records.length}`;
    if (this.lastBatch.key !== key) this.lastBatch = { key, id: uuid7() };
    return this.lastBatch.id;
  }

  async send(records) {
    const batch = {
      batch_id: this.batchId(records),
      sent_at: new Date(this.clock.now()).toISOString(),
      agent: this.agent,
      events: records.map((r) => r.event),
    };
    const text = JSON.stringify(batch);
    const headers = { Authorization: `Bearer ${this.token}`, "Content-Type": "application/json" };
    let body = text;
    let length = text.length;
    if (this.compress && text.length > COMPRESS_ABOVE) {
      try {
        body = await gzip(text);
        length = body.length;
        headers["Content-Encoding"] = "gzip";
      } catch {
        this.compress = false;
        body = text;
      }
    }
    let response;
    try {
      response = await this.fetch(`${this.endpoint}/v1/ingest/batch`, {
        method: "POST",
        headers,
        body,
        keepalive: length < KEEPALIVE_LIMIT,
        credentials: "omit",
        mode: "cors",
      });
    } catch {
      return this.failed("network", 0);
    }
    const status = response.status;
    if (status === 200) return this.acknowledged(records, response);
    const code = await errorCode(response);
    if (status === 413) {
      if (records.length === 1) return this.drop(records, "dropped", status, code);
      this.limit = Math.max(1, Math.floor(records.length / 2));
      return { kind: "split" };
    }
    if (status === 415 && this.compress) {
      this.compress = false;
      return { kind: "split" };
    }
    if (status === 400) return this.drop(records, "dropped", status, code);
    if (status === 401 || status === 403 || status === 410) {
      this.blocked = true;
      this.lastError = { status, code: code ?? "auth" };
      this.onChange();
      this.onAuthError(status, code);
      return { kind: "blocked" };
    }
    if (status === 429 || status === 503) {
      this.lastError = { status, code: code ?? "unavailable" };
      this.onChange();
      const ms = retryAfterMs(response.headers.get("Retry-After"), this.clock.now());
      return { kind: "wait", why: "retry_after", ms };
    }
    return this.failed(code ?? "http_error", status);
  }

  failed(code, status) {
    this.attempt += 1;
    this.lastError = { status, code };
    this.onChange();
    return { kind: "wait", why: "backoff", ms: backoffMs(this.attempt, this.random) };
  }

  async acknowledged(records, response) {
    let answer = null;
    try {
      answer = await response.json();
    } catch {
      answer = null;
    }
    const quarantined = answer && Array.isArray(answer.quarantined) ? answer.quarantined.length : 0;
    if (quarantined) console.warn(`[workprint] collector quarantined ${quarantined} event(s)`);
    const hints = answer && answer.hints;
    if (hints && Number.isInteger(hints.max_batch_events) && hints.max_batch_events > 0) this.hintMax = hints.max_batch_events;
    if (hints && Number.isInteger(hints.flush_interval_ms) && hints.flush_interval_ms >= 500) {
      this.flushIntervalMs = hints.flush_interval_ms;
    }
    await this.queue.remove(records.map((r) => r.id));
    this.sent += records.length;
    this.lastError = null;
    this.onChange();
    return { kind: "ok" };
  }

  /** A batch that can never succeed: removed, and its range recorded as a `gap`. */
  async drop(records, reason, status, code) {
    if (!this.warned400) {
      console.warn(`[workprint] collector refused a batch (${status}); ${records.length} event(s) dropped`);
      this.warned400 = true;
    }
    this.lastError = { status, code: code ?? "body_invalid" };
    await this.queue.remove(records.map((r) => r.id));
    const data = records.filter((r) => r.event.kind !== "gap");
    if (this.makeGap && data.length) {
      const seqs = data.map((r) => r.seq);
      await this.queue.append(
        this.makeGap({ from_seq: Math.min(...seqs), to_seq: Math.max(...seqs), count: data.length, reason }),
      );
    }
    this.onChange();
    return { kind: "dropped" };
  }

  /** Repeat this tab's unacknowledged events through `sendBeacon` (page hide); true if handed
   * over. Each event goes into at most one beacon of this tab: the beacon only hurries along
   * what the queue keeps anyway (a page hidden twice, say a tab switch and then its close,
   * does not send the same snapshot twice). */
  beacon() {
    if (!this.sendBeacon || this.blocked) return false;
    const records = this.queue.recentRecordsAfter(BEACON_LIMIT, this.beaconedUpTo ?? 0);
    if (!records.length) return false;
    const events = records.map((r) => r.event);
    const batch = {
      batch_id: uuid7(),
      sent_at: new Date(this.clock.now()).toISOString(),
      agent: this.agent,
      events,
    };
    const blob = new Blob([JSON.stringify({ token: this.token, batch })], { type: "text/plain" });
    try {
      const sent = this.sendBeacon(`${this.endpoint}/v1/ingest/beacon`, blob);
      if (sent) this.beaconedUpTo = records[records.length - 1].id;
      return sent;
    } catch {
      return false;
    }
  }
}

async function errorCode(response) {
  try {
    const body = await response.json();
    return body && typeof body.code === "string" ? body.code : null;
  } catch {
    return null;
  }
}
