// Sending to the collector with a fake fetch and a fake clock: batching, acknowledgement,
// 413 splitting, Retry-After, backoff without giving up, 400 drops, auth stops, the beacon.
import assert from "node:assert/strict";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { MemoryBackend, Queue } from "../src/queue.js";
import { Transport, backoffMs, retryAfterMs } from "../src/transport.js";

class FakeClock {
  constructor() {
    this.t = 1_700_000_000_000;
    this.timers = new Map();
    this.next = 1;
  }
  now() {
    return this.t;
  }
  setTimeout(fn, ms) {
    const id = this.next++;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(id) {
    this.timers.delete(id);
  }
  /** Advance time, running due timers in order and letting their promises settle. */
  async advance(ms) {
    const end = this.t + ms;
    for (let guard = 0; guard < 10_000; guard += 1) {
      const due = [...this.timers].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
      await settle();
    }
    this.t = end;
  }
}

async function settle() {
  for (let i = 0; i < 30; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

function response(status, body = {}, headers = {}) {
  return {
    status,
    headers: { get: (name) => headers[name] ?? headers[name.toLowerCase()] ?? null },
    json: async () => body,
  };
}

/** A collector double: answers with `answer(batch, call)`; records every request. */
function fakeFetch(answer) {
  const calls = [];
  const fetch = async (url, init) => {
    let text = init.body;
    if (init.headers["Content-Encoding"] === "gzip") text = gunzipSync(Buffer.from(init.body)).toString("utf8");
    const batch = JSON.parse(text);
    const call = { url, init, batch };
    calls.push(call);
    const out = answer(batch, calls.length);
    if (out instanceof Error) throw out;
    return out;
  };
  return { fetch, calls };
}

const ok = (batch) => response(200, { batch_id: batch.batch_id, accepted: batch.events.length, duplicates: [], quarantined: [] });

let n = 0;
function makeGap(range) {
  return { kind: "gap", event_id: `gap${(n += 1)}`, seq: 0, device_id: "dev_1", payload: { ...range } };
}

async function setup(answer, options = {}) {
  const clock = new FakeClock();
  const queue = new Queue({ backend: new MemoryBackend(), makeGap });
  const { fetch, calls } = fakeFetch(answer);
  const auth = [];
  const transport = new Transport({
    endpoint: "http://127.0.0.1:9/",
    token: "wpd_test",
    queue,
    fetch,
    clock,
    random: () => 1,
    compress: false,
    makeGap,
    onAuthError: (status, code) => auth.push([status, code]),
    ...options,
  });
  const add = async (count) => {
    for (let i = 0; i < count; i += 1) {
      await queue.append({ kind: "click", event_id: `e${(n += 1)}`, seq: 0, device_id: "dev_1", payload: {} });
    }
  };
  return { clock, queue, transport, calls, add, auth };
}

test("flush sends everything in batches bounded by events", async () => {
  const { transport, calls, add } = await setup(ok, { maxBatchEvents: 200 });
  await add(450);
  const result = await transport.flush();
  assert.deepEqual(result, { sent: 450, queued: 0 });
  assert.deepEqual(calls.map((c) => c.batch.events.length), [200, 200, 50]);
  const first = calls[0];
  assert.equal(first.url, "http://127.0.0.1:9/v1/ingest/batch");
  assert.equal(first.init.headers.Authorization, "Bearer wpd_test");
  assert.deepEqual(first.batch.agent, { name: "workprint-web", version: "0.1.0", os: "" });
  assert.match(first.batch.sent_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.deepEqual(calls.flatMap((c) => c.batch.events.map((e) => e.seq)), Array.from({ length: 450 }, (_, i) => i + 1));
});

test("batches are bounded by bytes too, and small ones use keepalive", async () => {
  const { transport, calls, add } = await setup(ok, { maxBatchBytes: 1024 });
  await add(40);
  await transport.flush();
  assert.ok(calls.length > 1);
  assert.ok(calls.every((c) => c.init.body.length < 1024 + 400));
  assert.ok(calls.every((c) => c.init.keepalive === true));
});

test("duplicates and quarantined events count as acknowledged", async () => {
  const { transport, add, queue } = await setup((batch) =>
    response(200, { accepted: 1, duplicates: [batch.events[1].event_id], quarantined: [{ index: 2, code: "schema_violation" }] }),
  );
  await add(3);
  const warn = console.warn;
  console.warn = () => {};
  try {
    assert.deepEqual(await transport.flush(), { sent: 3, queued: 0 });
  } finally {
    console.warn = warn;
  }
  assert.equal((await queue.usage()).count, 0);
});

test("413 splits the batch in halves until it fits; nothing is lost", async () => {
  const { transport, calls, add } = await setup((batch) => (batch.events.length > 50 ? response(413, { code: "batch_too_large" }) : ok(batch)));
  await add(200);
  assert.deepEqual(await transport.flush(), { sent: 200, queued: 0 });
  assert.deepEqual(calls.slice(0, 3).map((c) => c.batch.events.length), [200, 100, 50]);
  const seqs = calls.filter((c) => c.batch.events.length <= 50).flatMap((c) => c.batch.events.map((e) => e.seq));
  assert.deepEqual(seqs, Array.from({ length: 200 }, (_, i) => i + 1));
});

test("a single event the collector finds too large is dropped into a gap", async () => {
  const { transport, add, queue } = await setup((batch) =>
    batch.events[0].kind === "gap" ? ok(batch) : response(413, { code: "batch_too_large" }),
  );
  await add(1);
  const warn = console.warn;
  console.warn = () => {};
  try {
    await transport.flush();
    await transport.flush();
  } finally {
    console.warn = warn;
  }
  assert.equal((await queue.usage()).count, 0);
  assert.equal(transport.sent, 1);
});

test("429 waits as Retry-After says; a full batch does not cut the wait short", async () => {
  const { clock, transport, calls, add } = await setup((batch, call) =>
    call === 1 ? response(429, { code: "overloaded" }, { "Retry-After": "7" }) : ok(batch),
  );
  await add(5);
  transport.start();
  await clock.advance(3000); // first flush interval: the 429
  assert.equal(calls.length, 1);
  assert.deepEqual(transport.lastError, { status: 429, code: "overloaded" });
  transport.kick();
  await clock.advance(6900);
  assert.equal(calls.length, 1);
  await clock.advance(200);
  assert.equal(calls.length, 2);
  assert.equal(transport.sent, 5);
  assert.equal(transport.lastError, null);
  transport.stop();
});

test("503 with an HTTP-date Retry-After", async () => {
  const clock = new FakeClock();
  const date = new Date(clock.now() + 30_000).toUTCString();
  assert.ok(Math.abs(retryAfterMs(date, clock.now()) - 30_000) <= 1000);
  assert.equal(retryAfterMs("120", 0), 120_000);
  assert.equal(retryAfterMs(null, 0), 5000);
  assert.equal(retryAfterMs("99999", 0), 600_000);
});

test("network errors and 5xx back off exponentially, capped, and never give up", async () => {
  let failures = 0;
  const { clock, transport, calls, add } = await setup((batch) => {
    if (failures < 12) {
      failures += 1;
      return failures % 2 ? new TypeError("Failed to fetch") : response(500, { code: "internal_error" });
    }
    return ok(batch);
  });
  await add(3);
  transport.start();
  const times = [];
  for (let i = 0; i < 13 && transport.sent === 0; i += 1) {
    const before = calls.length;
    await clock.advance(1000);
    for (let guard = 0; guard < 200 && calls.length === before; guard += 1) await clock.advance(1000);
    times.push(clock.now());
  }
  assert.equal(transport.sent, 3);
  assert.equal(calls.length, 13);
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  assert.ok(gaps.every((g) => g <= 61_000), "delays are capped at 60 s");
  assert.ok(gaps[5] > gaps[0], "delays grow");
  transport.stop();
});

test("backoff delays: full jitter under a doubling, capped ceiling", () => {
  assert.equal(backoffMs(1, () => 0.999999), 999);
  assert.equal(backoffMs(3, () => 0.999999), 3999);
  assert.equal(backoffMs(20, () => 0.999999), 59999);
  assert.equal(backoffMs(20, () => 0), 500);
});

test("400 drops the batch, warns once without content, and records the range as a gap", async () => {
  const { transport, calls, add, queue } = await setup((batch) =>
    batch.events.every((e) => e.kind === "gap") ? ok(batch) : response(400, { code: "body_invalid" }),
  );
  await add(4);
  const lines = [];
  const warn = console.warn;
  console.warn = (line) => lines.push(line);
  try {
    await transport.flush();
  } finally {
    console.warn = warn;
  }
  assert.equal(lines.length, 1);
  assert.ok(!lines[0].includes("click"));
  const gap = calls.at(-1).batch.events[0];
  assert.deepEqual(gap.payload, { from_seq: 1, to_seq: 4, count: 4, reason: "dropped" });
  assert.equal((await queue.usage()).count, 0);
});

for (const [status, code] of [[401, "token_invalid"], [403, "consent_missing"], [410, "device_revoked"]]) {
  test(`${status} stops sending and keeps the queue until unblocked`, async () => {
    let allowed = false;
    const { transport, calls, add, queue, auth } = await setup((batch) => (allowed ? ok(batch) : response(status, { code })));
    await add(3);
    await transport.flush();
    await transport.flush();
    assert.equal(calls.length, 1);
    assert.equal(transport.blocked, true);
    assert.deepEqual(transport.lastError, { status, code });
    assert.deepEqual(auth, [[status, code]]);
    assert.equal((await queue.usage()).count, 3);
    allowed = true;
    transport.unblock();
    await transport.flush();
    assert.equal(transport.sent, 3);
  });
}

test("the collector's hints bound batch size", async () => {
  const { transport, calls, add } = await setup((batch) => ({
    ...ok(batch),
    json: async () => ({ accepted: batch.events.length, duplicates: [], quarantined: [], hints: { max_batch_events: 10, flush_interval_ms: 1000 } }),
  }));
  await add(35);
  await transport.flush();
  assert.deepEqual(calls.map((c) => c.batch.events.length), [35]);
  await add(35);
  await transport.flush();
  assert.deepEqual(calls.slice(1).map((c) => c.batch.events.length), [10, 10, 10, 5]);
  assert.equal(transport.flushIntervalMs, 1000);
});

test("gzip through CompressionStream when available", async () => {
  const { transport, calls, add } = await setup(ok, { compress: true });
  await add(50);
  await transport.flush();
  assert.equal(calls[0].init.headers["Content-Encoding"], "gzip");
  assert.equal(calls[0].batch.events.length, 50);
});

test("415 falls back to plain JSON", async () => {
  const { transport, calls, add } = await setup((batch, call) => (call === 1 ? response(415, { code: "encoding_unsupported" }) : ok(batch)), {
    compress: true,
  });
  await add(50);
  await transport.flush();
  assert.equal(calls[1].init.headers["Content-Encoding"], undefined);
  assert.equal(transport.sent, 50);
});

test("a retried batch keeps its batch_id", async () => {
  const { transport, calls, add } = await setup((batch, call) => (call === 1 ? new TypeError("offline") : ok(batch)));
  await add(2);
  await transport.flush();
  await transport.flush();
  assert.equal(calls[0].batch.batch_id, calls[1].batch.batch_id);
});

test("the beacon repeats this tab's unacknowledged events as text/plain with the token", async () => {
  const beacons = [];
  const { transport, add, queue } = await setup(ok, { sendBeacon: (url, blob) => (beacons.push([url, blob]), true) });
  await add(3);
  assert.equal(transport.beacon(), true);
  const [url, blob] = beacons[0];
  assert.equal(url, "http://127.0.0.1:9/v1/ingest/beacon");
  assert.equal(blob.type, "text/plain");
  const body = JSON.parse(await blob.text());
  assert.equal(body.token, "wpd_test");
  assert.deepEqual(body.batch.events.map((e) => e.seq), [1, 2, 3]);
  assert.equal((await queue.usage()).count, 3, "beaconed events stay queued");
});

test("each event goes into at most one beacon of a tab; a refused beacon is retried", async () => {
  const beacons = [];
  let accept = false;
  const sendBeacon = (url, blob) => (accept ? (beacons.push(blob), true) : false);
  const { transport, add } = await setup(ok, { sendBeacon });
  await add(2);
  assert.equal(transport.beacon(), false, "the browser refused it");
  accept = true;
  assert.equal(transport.beacon(), true);
  assert.equal(transport.beacon(), false, "nothing new: no second beacon");
  await add(1);
  assert.equal(transport.beacon(), true);
  const seqs = await Promise.all(beacons.map(async (b) => JSON.parse(await b.text()).batch.events.map((e) => e.seq)));
  assert.deepEqual(seqs, [[1, 2], [3]]);
});
