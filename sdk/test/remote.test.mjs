// Reading the device and the policy from the collector, and telling "collector down" from
// "this origin is no longer allowed" when the browser hides the answer.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fetchDevice, fetchPolicy, isAuthFailure } from "../src/_remote.js";

const json = (status, body, headers = {}) => ({ status, json: async () => body, headers: { get: (k) => headers[k] ?? null } });

function fake(routes) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push([url, init]);
    const route = routes[new URL(url).pathname];
    if (route === undefined || route instanceof Error) throw route ?? new TypeError("Failed to fetch");
    return typeof route === "function" ? route(init) : route;
  };
  return { fetch, calls };
}

const DEVICE = { device_id: "dev_1", consent: { grant_id: "g1", notice_version: "v1" }, hints: { max_batch_events: 1000, flush_interval_ms: 3000 } };

test("device: the answer, with the bearer token", async () => {
  const { fetch, calls } = fake({ "/v1/device": json(200, DEVICE) });
  const out = await fetchDevice(fetch, "http://c", "wpd_x");
  assert.deepEqual(out, { ok: true, device: DEVICE });
  assert.equal(calls[0][1].headers.Authorization, "Bearer wpd_x");
  assert.equal(calls[0][1].credentials, "omit");
});

test("device: refused tokens give their status and code", async () => {
  for (const [status, code] of [[401, "token_invalid"], [403, "consent_missing"], [410, "device_revoked"]]) {
    const { fetch } = fake({ "/v1/device": json(status, { code, detail: "x" }) });
    assert.deepEqual(await fetchDevice(fetch, "http://c", "t"), { ok: false, status, code });
    assert.equal(isAuthFailure(status), true);
  }
});

test("device: an answer that is not a device is refused", async () => {
  const { fetch } = fake({ "/v1/device": json(200, { device_id: "bad id!", consent: {} }) });
  assert.equal((await fetchDevice(fetch, "http://c", "t")).code, "device_unreadable");
});

test("no answer and no /healthz either: the collector is unreachable", async () => {
  const { fetch } = fake({});
  assert.deepEqual(await fetchDevice(fetch, "http://c", "t"), { ok: false, status: 0, code: "network" });
  assert.deepEqual(await fetchPolicy(fetch, "http://c", "t", null), { ok: false, status: 0, code: "network" });
});

test("no answer but /healthz reachable: the origin is no longer allowed", async () => {
  const { fetch, calls } = fake({ "/healthz": { status: 0, type: "opaque" } });
  assert.equal((await fetchPolicy(fetch, "http://c", "t", null)).code, "origin_forbidden");
  assert.equal(calls.at(-1)[1].mode, "no-cors");
});

test("policy: 200 with its ETag, 304 when unchanged", async () => {
  const doc = { version: 3, default_mode: "off", origins: [] };
  const { fetch, calls } = fake({
    "/v1/policy": (init) => (init.headers["If-None-Match"] === '"e1"' ? json(304, null) : json(200, doc, { ETag: '"e1"' })),
  });
  assert.deepEqual(await fetchPolicy(fetch, "http://c", "t", null), { ok: true, changed: true, body: doc, etag: '"e1"' });
  assert.deepEqual(await fetchPolicy(fetch, "http://c", "t", '"e1"'), { ok: true, changed: false });
  assert.equal(calls[1][1].headers["If-None-Match"], '"e1"');
});
