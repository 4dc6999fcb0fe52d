// UUIDv7 ids: canonical format, embedded time, monotonic within and across milliseconds.
import assert from "node:assert/strict";
import { test } from "node:test";
import { UUID7_PATTERN, uuid7Factory } from "../src/uuid.js";

test("format is canonical lower-case v7 with the RFC variant", () => {
  const make = uuid7Factory();
  for (let i = 0; i < 1000; i += 1) assert.match(make(), UUID7_PATTERN);
});

test("the first 48 bits are the milliseconds", () => {
  const ms = 1_733_000_000_123;
  const id = uuid7Factory({ now: () => ms })();
  assert.equal(parseInt(id.slice(0, 8) + id.slice(9, 13), 16), ms);
});

test("monotonic within one millisecond, through counter overflow", () => {
  const make = uuid7Factory({ now: () => 1_700_000_000_000 });
  let previous = make();
  for (let i = 0; i < 10_000; i += 1) {
    const next = make();
    assert.ok(next > previous, `${next} <= ${previous}`);
    previous = next;
  }
});

test("a clock going backwards never makes ids go backwards", () => {
  const times = [5_000, 5_000, 4_000, 3_000, 6_000];
  const make = uuid7Factory({ now: () => times.shift() });
  const ids = Array.from({ length: 5 }, () => make());
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, 5);
});
