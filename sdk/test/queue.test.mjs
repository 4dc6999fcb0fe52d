// The queue over IndexedDB (fake-indexeddb) and memory: survives a reload, allocates seq
// without reuse across instances, deletes only what is removed, evicts into a gap at quota.
import assert from "node:assert/strict";
import { test } from "node:test";
import { IDBFactory } from "fake-indexeddb";
import { MemoryBackend, Queue, openBackend } from "../src/queue.js";

let counter = 0;

function event(kind = "click", device = "dev_1") {
  counter += 1;
  return { kind, event_id: `e${counter}`, seq: 0, device_id: device, payload: {} };
}

function makeGap(range) {
  return { kind: "gap", event_id: `g${(counter += 1)}`, seq: 0, device_id: "dev_1", payload: { ...range } };
}

async function idbQueue(factory, options = {}) {
  const backend = await openBackend("indexeddb", { indexedDB: factory, dbName: "wp-test" });
  return new Queue({ backend, makeGap, ...options });
}

const BACKENDS = [
  ["indexeddb", (factory, options) => idbQueue(factory, options)],
  ["memory", async (_factory, options) => new Queue({ backend: new MemoryBackend(), makeGap, ...options })],
];

for (const [name, open] of BACKENDS) {
  test(`${name}: seq is monotonic from 1 and peek is oldest first`, async () => {
    const q = await open(new IDBFactory());
    for (let i = 0; i < 5; i += 1) await q.append(event());
    const records = await q.peek(3, 1 << 20);
    assert.deepEqual(records.map((r) => r.event.seq), [1, 2, 3]);
    assert.deepEqual(await q.usage(), { count: 5, bytes: (await q.peek(10, 1 << 20)).reduce((n, r) => n + r.size, 0) });
  });

  test(`${name}: remove deletes only the given records`, async () => {
    const q = await open(new IDBFactory());
    for (let i = 0; i < 4; i += 1) await q.append(event());
    const first = await q.peek(2, 1 << 20);
    await q.remove(first.map((r) => r.id));
    await q.remove(first.map((r) => r.id)); // already gone: ignored
    const rest = await q.peek(10, 1 << 20);
    assert.deepEqual(rest.map((r) => r.event.seq), [3, 4]);
    assert.equal((await q.usage()).count, 2);
  });

  test(`${name}: peek respects the byte budget but always returns one`, async () => {
    const q = await open(new IDBFactory());
    for (let i = 0; i < 3; i += 1) await q.append(event());
    assert.equal((await q.peek(10, 1)).length, 1);
  });

  test(`${name}: quota eviction becomes one gap with the evicted range`, async () => {
    const q = await open(new IDBFactory(), { maxEvents: 10, maxBytes: 1 << 20 });
    for (let i = 0; i < 12; i += 1) await q.append(event());
    const records = await q.peek(100, 1 << 20);
    assert.ok(records.length <= 10);
    const gaps = records.filter((r) => r.event.kind === "gap");
    assert.ok(gaps.length >= 1);
    assert.ok(gaps.every((g) => g.event.payload.reason === "quota_evicted"));
    assert.equal(gaps[0].event.payload.from_seq, 1);
    const kept = records.filter((r) => r.event.kind !== "gap").map((r) => r.event.seq);
    assert.ok(gaps.every((g) => g.event.payload.to_seq < Math.min(...kept)));
    // every seq ever allocated is either kept or inside a gap's range
    const all = new Set(records.map((r) => r.event.seq));
    for (const r of gaps) for (let s = r.event.payload.from_seq; s <= r.event.payload.to_seq; s += 1) all.add(s);
    const max = Math.max(...records.map((r) => r.event.seq));
    for (let s = 1; s <= max; s += 1) assert.ok(all.has(s), `seq ${s} lost without a gap`);
  });

  test(`${name}: a redaction-error gap gets its own seq as its range`, async () => {
    const q = await open(new IDBFactory());
    await q.append(event());
    const gap = { kind: "gap", event_id: "gx", seq: 0, device_id: "dev_1", payload: { reason: "redaction_error", count: 1 } };
    await q.append(gap);
    const [, stored] = await q.peek(10, 1 << 20);
    assert.deepEqual(stored.event.payload, { reason: "redaction_error", count: 1, from_seq: 2, to_seq: 2 });
  });
}

test("indexeddb: the queue survives a reload (a new instance on the same database)", async () => {
  const factory = new IDBFactory();
  const first = await idbQueue(factory);
  for (let i = 0; i < 3; i += 1) await first.append(event());
  first.close();
  const second = await idbQueue(factory);
  const records = await second.peek(10, 1 << 20);
  assert.deepEqual(records.map((r) => r.event.seq), [1, 2, 3]);
  await second.append(event());
  assert.equal((await second.peek(10, 1 << 20)).at(-1).event.seq, 4);
});

test("indexeddb: two tabs (instances) of one origin never reuse a seq", async () => {
  const factory = new IDBFactory();
  const a = await idbQueue(factory);
  const b = await idbQueue(factory);
  await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).append(event())));
  const seqs = (await a.peek(100, 1 << 20)).map((r) => r.event.seq).sort((x, y) => x - y);
  assert.deepEqual(seqs, Array.from({ length: 20 }, (_, i) => i + 1));
});

test("indexeddb: seq counters are per device", async () => {
  const q = await idbQueue(new IDBFactory());
  await q.append(event("click", "dev_a"));
  await q.append(event("click", "dev_b"));
  await q.append(event("click", "dev_a"));
  const seqs = (await q.peek(10, 1 << 20)).map((r) => [r.event.device_id, r.event.seq]);
  assert.deepEqual(seqs, [["dev_a", 1], ["dev_b", 1], ["dev_a", 2]]);
});

test("recent() holds this tab's unacknowledged events for the beacon", async () => {
  const q = new Queue({ backend: new MemoryBackend(), makeGap });
  for (let i = 0; i < 3; i += 1) await q.append(event());
  const records = await q.peek(1, 1 << 20);
  await q.remove(records.map((r) => r.id));
  assert.deepEqual(q.recent(1 << 20).map((e) => e.seq), [2, 3]);
  assert.equal(q.recent(10).length, 0);
});
