/**
 * The event queue: where events wait, in order, until the collector acknowledges them.
 *
 * Backed by IndexedDB (survives reloads, offline periods and collector outages) or by memory
 * (a seam for tests and for pages where IndexedDB is unavailable). Appending allocates the
 * event's `seq` from a counter per device kept in the same store, in the same transaction, so
 * several tabs of one origin never reuse a number. The queue is bounded by a quota (events and
 * bytes); when full, the oldest events are evicted and replaced by one `gap` event with reason
 * `quota_evicted` and the evicted sequence range, so the loss is explicit, never silent.
 *
 * Only `remove` deletes events, and the transport calls it only for what the collector
 * acknowledged. A copy of the events this tab appended and that are not yet acknowledged is
 * kept in memory for the page-hide beacon, which must be sent synchronously.
 */

import { openIdb } from "./_idb.js";

const encoder = new TextEncoder();

/** UTF-8 length of the event's JSON: what it costs on the wire and in the store. */
export function sizeOf(event) {
  return encoder.encode(JSON.stringify(event)).length;
}

class MemoryTx {
  constructor(backend) {
    this.b = backend;
  }

  async getMeta(key) {
    const value = this.b.meta.get(key);
    return value === undefined ? undefined : structuredClone(value);
  }

  async putMeta(key, value) {
    this.b.meta.set(key, structuredClone(value));
  }

  async addEvent(record) {
    this.b.lastId += 1;
    this.b.events.set(this.b.lastId, { ...record, id: this.b.lastId });
    return this.b.lastId;
  }

  async getEvent(id) {
    return this.b.events.get(id);
  }

  async deleteEvent(id) {
    this.b.events.delete(id);
  }

  async walk(visit) {
    for (const [id, record] of [...this.b.events]) {
      const step = visit(record);
      if (step === "stop") return;
      if (step === "delete") this.b.events.delete(id);
    }
  }
}

/** Everything in memory; transactions run one at a time. */
export class MemoryBackend {
  constructor() {
    this.events = new Map();
    this.meta = new Map();
    this.lastId = 0;
    this.tail = Promise.resolve();
    this.persistent = false;
  }

  run(_mode, fn) {
    const result = this.tail.then(() => fn(new MemoryTx(this)));
    this.tail = result.catch(() => undefined);
    return result;
  }

  close() {}
}

/** The backend for `storage` ("indexeddb" or "memory"); memory when IndexedDB fails to open. */
export async function openBackend(storage, { indexedDB: factory, dbName } = {}) {
  const idb = factory ?? globalThis.indexedDB;
  if (storage === "memory" || !idb) return new MemoryBackend();
  try {
    return await openIdb(idb, dbName);
  } catch {
    console.warn("[workprint] IndexedDB unavailable; queueing in memory");
    return new MemoryBackend();
  }
}

const GAP_RESERVE = 512;
const RECENT_MAX = 2000;

export class Queue {
  /**
   * @param {{backend: object, maxEvents?: number, maxBytes?: number,
   *          makeGap: (range: {from_seq: number, to_seq: number, count: number, reason: string}) => object}} options
   */
  constructor({ backend, maxEvents = 20000, maxBytes = 20 * 1024 * 1024, makeGap }) {
    this.backend = backend;
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
    this.makeGap = makeGap;
    this.tail = Promise.resolve();
    this.pending = 0;
    this.recentRecords = new Map();
    this.known = { count: 0, bytes: 0 };
    this.inflight = new Map();
    this.inflightKey = 0;
    this.onStored = null;
  }

  /** Events handed to `append` and not yet stored (oldest first): what a page being unloaded
   * would lose, since its storage transactions may never complete. */
  inflightEvents() {
    return [...this.inflight.values()];
  }

  /** The ids among `eventIds` of events in the queue now. */
  async present(eventIds) {
    const wanted = new Set(eventIds);
    const found = new Set();
    await this.backend.run("readonly", (tx) =>
      tx.walk((record) => {
        if (wanted.has(record.event.event_id)) found.add(record.event.event_id);
        return found.size === wanted.size ? "stop" : "next";
      }),
    );
    return found;
  }

  /**
   * Queue `event` (its `seq` is set here). A `gap` event whose payload has no range yet (a
   * redaction error) gets its own sequence number as the range. Appends run in call order.
   */
  append(event) {
    this.pending += 1;
    this.inflightKey += 1;
    const key = this.inflightKey;
    this.inflight.set(key, event);
    const done = this.tail.then(() => this.backend.run("readwrite", (tx) => this.appendIn(tx, event)));
    this.tail = done.catch(() => undefined);
    return done
      .then((result) => {
        this.inflight.delete(key);
        if (this.onStored) this.onStored(event);
        return result;
      })
      .finally(() => {
        this.pending -= 1;
      });
  }

  async appendIn(tx, event) {
    const seqKey = `seq:${event.device_id}`;
    let seq = (await tx.getMeta(seqKey)) ?? 0;
    const usage = (await tx.getMeta("usage")) ?? { count: 0, bytes: 0 };
    event.seq = seq + 1;
    const size = sizeOf(event);
    const added = [];
    if (usage.count + 1 > this.maxEvents || usage.bytes + size > this.maxBytes) {
      const lost = { from: Infinity, to: -Infinity, count: 0, n: 0, bytes: 0 };
      await tx.walk((record) => {
        const fits =
          usage.count - lost.n + 2 <= this.maxEvents && usage.bytes - lost.bytes + size + GAP_RESERVE <= this.maxBytes;
        if (fits) return "stop";
        const e = record.event;
        lost.n += 1;
        lost.bytes += record.size;
        if (e.kind === "gap") {
          lost.from = Math.min(lost.from, e.payload.from_seq, e.seq);
          lost.to = Math.max(lost.to, e.payload.to_seq, e.seq);
          lost.count += e.payload.count ?? 0;
        } else {
          lost.from = Math.min(lost.from, e.seq);
          lost.to = Math.max(lost.to, e.seq);
          lost.count += 1;
        }
        this.recentRecords.delete(record.id);
        return "delete";
      });
      usage.count -= lost.n;
      usage.bytes -= lost.bytes;
      if (lost.n) {
        seq += 1;
        const gap = this.makeGap({ from_seq: lost.from, to_seq: lost.to, count: lost.count, reason: "quota_evicted" });
        gap.seq = seq;
        const gapSize = sizeOf(gap);
        const id = await tx.addEvent({ seq, size: gapSize, event: gap });
        added.push({ id, seq, size: gapSize, event: gap });
        usage.count += 1;
        usage.bytes += gapSize;
      }
    }
    seq += 1;
    event.seq = seq;
    if (event.kind === "gap" && event.payload.from_seq === undefined) {
      event.payload.from_seq = seq;
      event.payload.to_seq = seq;
    }
    const finalSize = sizeOf(event);
    const id = await tx.addEvent({ seq, size: finalSize, event });
    added.push({ id, seq, size: finalSize, event });
    usage.count += 1;
    usage.bytes += finalSize;
    await tx.putMeta(seqKey, seq);
    await tx.putMeta("usage", usage);
    this.known = { ...usage };
    for (const record of added) this.recentRecords.set(record.id, record);
    while (this.recentRecords.size > RECENT_MAX) this.recentRecords.delete(this.recentRecords.keys().next().value);
    return { id, seq };
  }

  /** The oldest records, at most `maxEvents` and `maxBytes` (but always one when any). */
  peek(maxEvents, maxBytes) {
    return this.backend.run("readonly", async (tx) => {
      const out = [];
      let bytes = 0;
      await tx.walk((record) => {
        if (out.length >= maxEvents || (out.length && bytes + record.size > maxBytes)) return "stop";
        out.push(record);
        bytes += record.size;
        return "next";
      });
      return out;
    });
  }

  /** Delete acknowledged records by id (ids already gone are ignored). */
  remove(ids) {
    const done = this.tail.then(() =>
      this.backend.run("readwrite", async (tx) => {
        const usage = (await tx.getMeta("usage")) ?? { count: 0, bytes: 0 };
        for (const id of ids) {
          const record = await tx.getEvent(id);
          this.recentRecords.delete(id);
          if (record === undefined) continue;
          await tx.deleteEvent(id);
          usage.count = Math.max(0, usage.count - 1);
          usage.bytes = Math.max(0, usage.bytes - record.size);
        }
        await tx.putMeta("usage", usage);
        this.known = { ...usage };
      }),
    );
    this.tail = done.catch(() => undefined);
    return done;
  }

  /** `{count, bytes}` queued (all tabs of the origin). */
  async usage() {
    const usage = await this.backend.run("readonly", async (tx) => (await tx.getMeta("usage")) ?? { count: 0, bytes: 0 });
    this.known = { ...usage };
    return usage;
  }

  /** Resolves when every append requested so far is stored. */
  idle() {
    return this.tail;
  }

  /** Events this tab queued and the collector has not yet acknowledged, oldest first, up to
   * `maxBytes` of JSON (for the synchronous page-hide beacon); with `afterId`, only those
   * queued after the record of that id. */
  recent(maxBytes, afterId = 0) {
    return this.recentRecordsAfter(maxBytes, afterId).map((r) => r.event);
  }

  /** Like `recent`, as queue records (`{id, seq, size, event}`). */
  recentRecordsAfter(maxBytes, afterId = 0) {
    const out = [];
    let bytes = 0;
    for (const record of this.recentRecords.values()) {
      if (record.id <= afterId) continue;
      if (bytes + record.size > maxBytes) break;
      out.push(record);
      bytes += record.size;
    }
    return out;
  }

  getMeta(key) {
    return this.backend.run("readonly", (tx) => tx.getMeta(key));
  }

  setMeta(key, value) {
    return this.backend.run("readwrite", (tx) => tx.putMeta(key, value));
  }

  close() {
    this.backend.close();
  }
}
