/**
 * Tables for the extension's pure modules: policy reading, collector calls (through a fake
 * fetch), and the sentences shown to the person. Run: `node --test sdk/extension/test/`.
 */

import assert from "node:assert/strict";
import { test } from "node:test";

import { collectorBase, enroll, fetchPolicy, isLoopback, normaliseCode } from "../lib/collector.js";
import { countsLine, enrollMessage, overall, siteLine } from "../lib/messages.js";
import {
  allowedOrigins,
  configFor,
  matchPattern,
  modeForOrigin,
  normaliseOrigin,
  originRules,
  policyDocument,
} from "../lib/policy.js";

const POLICY = {
  version: 4,
  default_mode: "redacted",
  origins: [
    { origin: "https://CRM.example.com:443", mode: "redacted", allow_query: [] },
    { origin: "http://127.0.0.1:8123", mode: "full" },
    { origin: "https://crm.example.com", mode: "off" },
    { origin: "https://hr.example.com", mode: "off" },
    { origin: "ftp://files.example.com", mode: "full" },
    { origin: "https://bad.example.com", mode: "everything" },
    { origin: "not a url", mode: "full" },
    null,
  ],
};

test("origins are normalised like the SDK does", () => {
  for (const [input, want] of [
    ["https://CRM.example.com:443/path?q=1", "https://crm.example.com"],
    ["http://127.0.0.1:8123", "http://127.0.0.1:8123"],
    ["http://[::1]:80/", "http://[::1]"],
  ]) {
    assert.equal(normaliseOrigin(input), want, input);
  }
  for (const bad of ["ftp://x.example", "chrome-extension://abc/", "nonsense"]) {
    assert.throws(() => normaliseOrigin(bad), bad);
  }
});

test("the first rule of an origin wins and bad rules are skipped", () => {
  assert.deepEqual([...originRules(POLICY)], [
    ["https://crm.example.com", "redacted"],
    ["http://127.0.0.1:8123", "full"],
    ["https://hr.example.com", "off"],
  ]);
  assert.deepEqual(allowedOrigins(POLICY), ["http://127.0.0.1:8123", "https://crm.example.com"]);
});

test("default_mode never widens injection", () => {
  assert.equal(modeForOrigin(POLICY, "https://unlisted.example.com/x"), "off");
  assert.equal(modeForOrigin(POLICY, "https://hr.example.com/"), "off");
  assert.equal(modeForOrigin(POLICY, "https://crm.example.com/deals/4"), "redacted");
  assert.equal(modeForOrigin(null, "https://crm.example.com/"), "off");
  assert.equal(modeForOrigin(POLICY, "about:blank"), "off");
});

test("policy bodies: bare or wrapped in document; anything else is none", () => {
  assert.equal(policyDocument({ document: POLICY }), POLICY);
  assert.equal(policyDocument(POLICY), POLICY);
  for (const bad of [null, "x", {}, { version: "4" }, { version: 1, origins: {} }]) {
    assert.equal(policyDocument(bad), null);
    assert.deepEqual(allowedOrigins(bad), []);
  }
});

test("match patterns keep the port", () => {
  assert.equal(matchPattern("http://127.0.0.1:8123"), "http://127.0.0.1:8123/*");
  assert.equal(matchPattern("https://crm.example.com:443"), "https://crm.example.com/*");
});

test("collector addresses: https, or http on this machine only", () => {
  const cases = [
    ["https://wp.example.com/", { ok: true, base: "https://wp.example.com", origin: "https://wp.example.com" }],
    [" https://wp.example.com/collector/ ", { ok: true, base: "https://wp.example.com/collector", origin: "https://wp.example.com" }],
    ["http://127.0.0.1:8787", { ok: true, base: "http://127.0.0.1:8787", origin: "http://127.0.0.1:8787" }],
    ["http://localhost:8787", { ok: true, base: "http://localhost:8787", origin: "http://localhost:8787" }],
    ["http://wp.example.com", { ok: false, code: "collector_https_required" }],
    ["https://user:pw@wp.example.com", { ok: false, code: "collector_url_invalid" }],
    ["https://wp.example.com/?x=1", { ok: false, code: "collector_url_invalid" }],
    ["wp.example.com", { ok: false, code: "collector_url_invalid" }],
    ["javascript:alert(1)", { ok: false, code: "collector_url_invalid" }],
    ["", { ok: false, code: "collector_url_invalid" }],
  ];
  for (const [input, want] of cases) assert.deepEqual(collectorBase(input), want, input);
  assert.equal(isLoopback("127.10.0.1"), true);
  assert.equal(isLoopback("128.0.0.1"), false);
});

test("enrollment codes are read however they were typed", () => {
  for (const input of ["WP-7KQ4-M2XD-9HTA", "wp 7kq4 m2xd 9hta", " wp7kq4m2xd9hta "]) {
    assert.equal(normaliseCode(input), "WP-7KQ4-M2XD-9HTA", input);
  }
  for (const bad of ["", "WP-7KQ4-M2XD", "WP-0KQ4-M2XD-9HTA", "XX-7KQ4-M2XD-9HTA", null]) {
    assert.equal(normaliseCode(bad), null, String(bad));
  }
});

function fakeFetch(status, body, headers = {}) {
  const calls = [];
  const fn = async (url, init) => {
    calls.push({ url, init });
    if (status === 0) throw new TypeError("Failed to fetch");
    return {
      status,
      headers: { get: (name) => headers[name] ?? null },
      json: async () => (typeof body === "string" ? JSON.parse(body) : body),
    };
  };
  fn.calls = calls;
  return fn;
}

const TOKEN = "wpd_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

test("enroll: the answers the options page can get", async () => {
  const ok = fakeFetch(200, { device_id: "dev_1", token: TOKEN });
  assert.deepEqual(await enroll(ok, "http://127.0.0.1:1", "WP-7KQ4-M2XD-9HTA"), { ok: true, deviceId: "dev_1", token: TOKEN });
  assert.equal(ok.calls[0].url, "http://127.0.0.1:1/v1/enroll");
  assert.equal(ok.calls[0].init.method, "POST");
  assert.equal(ok.calls[0].init.credentials, "omit");
  assert.deepEqual(JSON.parse(ok.calls[0].init.body), { code: "WP-7KQ4-M2XD-9HTA" });
  const table = [
    [fakeFetch(400, { code: "enrollment_code_invalid", detail: "x" }), { ok: false, status: 400, code: "enrollment_code_invalid" }],
    [fakeFetch(503, "not json{"), { ok: false, status: 503, code: null }],
    [fakeFetch(0), { ok: false, status: 0, code: "network" }],
    [fakeFetch(200, { device_id: "dev_1" }), { ok: false, status: 200, code: "enroll_unreadable" }],
    [fakeFetch(200, { device_id: "dev 1", token: TOKEN }), { ok: false, status: 200, code: "enroll_unreadable" }],
  ];
  for (const [fetchFn, want] of table) assert.deepEqual(await enroll(fetchFn, "http://x", "WP-7KQ4-M2XD-9HTA"), want);
});

test("policy fetch: ETag, 304, auth failures", async () => {
  const fresh = fakeFetch(200, POLICY, { ETag: '"v4"' });
  assert.deepEqual(await fetchPolicy(fresh, "http://x", TOKEN, null), { ok: true, changed: true, body: POLICY, etag: '"v4"' });
  assert.equal(fresh.calls[0].init.headers.Authorization, `Bearer ${TOKEN}`);
  assert.equal(fresh.calls[0].init.headers["If-None-Match"], undefined);
  const same = fakeFetch(304, null);
  assert.deepEqual(await fetchPolicy(same, "http://x", TOKEN, '"v4"'), { ok: true, changed: false });
  assert.equal(same.calls[0].init.headers["If-None-Match"], '"v4"');
  assert.deepEqual(await fetchPolicy(fakeFetch(410, { code: "device_revoked" }), "http://x", TOKEN, null), {
    ok: false,
    status: 410,
    code: "device_revoked",
  });
  assert.deepEqual(await fetchPolicy(fakeFetch(0), "http://x", TOKEN, null), { ok: false, status: 0, code: "network" });
});

test("what the popup says", () => {
  assert.equal(overall({ connected: false }).headline, "Not connected");
  assert.equal(overall({ connected: true, paused: true }).headline, "Paused everywhere");
  assert.match(overall({ connected: true, paused: false, status: { state: "refused", code: "consent_missing" } }).detail, /consent/);
  assert.match(overall({ connected: true, paused: false, status: { state: "unreachable" } }).detail, /cannot be reached/);
  assert.equal(overall({ connected: true, paused: false, status: { state: "ok" } }).headline, "Recording on allowed sites");
  const running = { running: true, paused: false, mode: "redacted", queued: 3, sent: 12 };
  const cases = [
    [null, false, "This page is not recorded."],
    [{ running: false }, true, "This site is on the list; nothing is recorded while paused."],
    [running, false, "This site is recorded (mode: redacted)."],
    [{ ...running, paused: true }, true, "Paused on this site."],
    [{ ...running, paused: true }, false, "Paused on this site (from the badge on the page)."],
    [{ ...running, mode: "off" }, false, "This page is not recorded."],
  ];
  for (const [state, paused, want] of cases) assert.equal(siteLine(state, paused), want);
  assert.equal(countsLine(running), "3 waiting to be sent, 12 sent from this tab.");
  assert.equal(countsLine(null), "");
});

test("connection messages name the problem, never the code", () => {
  for (const code of ["enrollment_code_invalid", "network", "collector_https_required", "permission_denied", "nonsense", null]) {
    const text = enrollMessage(code, 400);
    assert.ok(text.length > 20);
    assert.doesNotMatch(text, /WP-[A-Z0-9]{4}-/);
  }
  assert.match(enrollMessage(null, 503), /busy/);
});

test("the token goes only to a top frame of a normal tab on an injected, allowed origin", () => {
  const saved = {
    collector: "http://127.0.0.1:8787",
    token: TOKEN,
    policy: POLICY,
    injected: ["https://crm.example.com"],
    paused: true,
    status: { state: "ok" },
  };
  const sender = { tab: { id: 3, incognito: false }, frameId: 0, origin: "https://crm.example.com", url: "https://crm.example.com/deals" };
  assert.deepEqual(configFor(saved, sender), { ok: true, endpoint: saved.collector, token: TOKEN, tabId: 3, paused: true });
  const refusals = [
    [saved, { ...sender, tab: { id: 3, incognito: true } }, "not_recorded"],
    [saved, { ...sender, tab: { id: 3 } }, "not_recorded"],
    [saved, { ...sender, tab: undefined }, "not_recorded"],
    [saved, { ...sender, frameId: 2 }, "not_recorded"],
    [saved, { ...sender, origin: "null", url: "about:blank" }, "not_recorded"],
    [saved, { ...sender, origin: "https://hr.example.com" }, "origin_not_allowed"],
    [saved, { ...sender, origin: "https://unlisted.example.com" }, "origin_not_allowed"],
    [saved, { ...sender, origin: "http://127.0.0.1:8123" }, "origin_not_allowed"], // allowed, no access
    [{ ...saved, token: undefined }, sender, "not_connected"],
    [{ ...saved, status: { state: "refused", code: "device_revoked" } }, sender, "device_revoked"],
    [{ ...saved, policy: null }, sender, "origin_not_allowed"],
  ];
  for (const [state, who, code] of refusals) {
    const answer = configFor(state, who);
    assert.deepEqual(answer, { ok: false, code }, JSON.stringify(who));
    assert.ok(!JSON.stringify(answer).includes(TOKEN));
  }
});
