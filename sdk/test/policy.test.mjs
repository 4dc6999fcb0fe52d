// Policy reading and mode resolution, and the privacy step of an event under each mode.
import assert from "node:assert/strict";
import { test } from "node:test";
import { allowedQuery, modeFor, normaliseOrigin, readPolicy, strictest } from "../src/policy.js";
import { applyPrivacy, truncate } from "../src/privacy.js";
import { Vault } from "../src/redact.js";

const DOC = {
  version: 3,
  default_mode: "off",
  apps: [{ match: "*", mode: "full" }],
  origins: [
    { origin: "http://127.0.0.1:8800", mode: "redacted", allow_query: ["stage"] },
    { origin: "HTTPS://Meta.Example.com:443", mode: "metadata" },
    { origin: "https://test.example.com", mode: "full" },
  ],
  titles: [{ pattern: "(?i)password|private", mode: "off" }, { pattern: "Payroll", mode: "metadata" }],
  fields: { "context.window_title": "drop" },
  deny_list: { sources: [] },
};

const ORIGINS = [
  ["lower case, default port dropped", "HTTPS://Crm.Example.com:443/x?y#z", "https://crm.example.com"],
  ["other port kept", "http://127.0.0.1:8800/path", "http://127.0.0.1:8800"],
  ["http default port", "http://a.example:80", "http://a.example"],
  ["userinfo ignored", "https://u:p@a.example/", "https://a.example"],
];

for (const [id, url, expected] of ORIGINS) {
  test(`normaliseOrigin: ${id}`, () => assert.equal(normaliseOrigin(url), expected));
}

test("normaliseOrigin refuses what is not an origin", () => {
  assert.throws(() => normaliseOrigin("/relative/path"));
  assert.throws(() => normaliseOrigin("mailto:jane@example.com"));
});

const MODES = [
  ["origin rule", "http://127.0.0.1:8800/deals", "Deals", "redacted"],
  ["origin rule after normalising", "https://meta.example.com/x", "Home", "metadata"],
  ["unlisted origin: the default", "https://other.example.com/", "Home", "off"],
  ["app rules never apply to pages", "https://other.example.com/", "", "off"],
  ["title rule lowers", "http://127.0.0.1:8800/reset", "Reset your PASSWORD", "off"],
  ["title rule lowers to metadata", "https://test.example.com/", "Payroll", "metadata"],
  ["title rule never raises", "https://meta.example.com/", "Payroll", "metadata"],
];

for (const [id, url, title, expected] of MODES) {
  test(`modeFor: ${id}`, () => assert.equal(modeFor(readPolicy(DOC), { url, title }), expected));
}

test("no policy, or an unreadable one, means off", () => {
  assert.equal(modeFor(null, { url: "http://127.0.0.1:8800/" }), "off");
  assert.equal(modeFor(readPolicy({ version: 1, toml: "version = 1" }), { url: "http://127.0.0.1:8800/" }), "off");
  assert.equal(readPolicy({ default_mode: "full" }), null);
  assert.equal(readPolicy({ version: 2, default_mode: "loud" }), null);
  assert.equal(readPolicy("nonsense"), null);
});

test("a policy wrapped as {document: ...} is read too", () => {
  assert.equal(modeFor(readPolicy({ document: DOC }), { url: "http://127.0.0.1:8800/" }), "redacted");
});

test("a title pattern JavaScript cannot compile counts as matching (stricter)", () => {
  const policy = readPolicy({ ...DOC, titles: [{ pattern: "(?P<x>a)", mode: "metadata" }] });
  assert.equal(modeFor(policy, { url: "http://127.0.0.1:8800/", title: "anything" }), "metadata");
});

test("allowed query parameters are per origin", () => {
  const policy = readPolicy(DOC);
  assert.deepEqual([...allowedQuery(policy, "http://127.0.0.1:8800/x")], ["stage"]);
  assert.deepEqual([...allowedQuery(policy, "https://meta.example.com/x")], []);
});

test("strictest", () => {
  assert.equal(strictest("full", "metadata"), "metadata");
  assert.equal(strictest("off", "redacted"), "off");
});

const RAW = {
  kind: "type",
  context: { app: "crm", url: "http://127.0.0.1:8800/people/jane@example.com?stage=won&q=x#top", window_title: "Jane <jane@example.com>" },
  target: {
    tag: "input",
    role: "textbox",
    name: "Email of jane@example.com",
    selector: 'input[name="contact-email"]',
    attrs: { id: "email", name: "contact-email", type: "email", placeholder: "you@example.com", "aria-label": "Email" },
    bbox: [1, 2, 3, 4],
  },
  payload: { text: "write to jane@example.com or call +44 20 7946 0958", replaced: false },
};

test("redacted: text redacted, URL cleaned, vocabulary kept, counts reported", () => {
  const out = applyPrivacy(RAW, { mode: "redacted", allowedQuery: new Set(["stage"]), vault: new Vault() });
  assert.equal(out.context.url, "http://127.0.0.1:8800/people/<EMAIL_1>?stage=won");
  assert.equal(out.context.window_title, "Jane <<EMAIL_1>>");
  assert.equal(out.context.app, "crm");
  assert.equal(out.target.name, "Email of <EMAIL_1>");
  assert.equal(out.target.tag, "input");
  assert.equal(out.target.attrs.type, "email");
  assert.equal(out.target.attrs.placeholder, "<EMAIL_2>");
  assert.deepEqual(out.target.bbox, [1, 2, 3, 4]);
  assert.equal(out.payload.text, "write to <EMAIL_1> or call <PHONE_1>");
  assert.equal(out.payload.replaced, false);
  assert.deepEqual(out.redactions, { EMAIL: 5, PHONE: 1 });
});

test("metadata: no text, names, values, titles, ids or selectors; origin and vocabulary stay", () => {
  const out = applyPrivacy(RAW, { mode: "metadata", vault: new Vault() });
  assert.deepEqual(out.context, { app: "crm", url: "http://127.0.0.1:8800" });
  assert.deepEqual(out.target, { tag: "input", role: "textbox", attrs: { type: "email" }, bbox: [1, 2, 3, 4] });
  assert.deepEqual(out.payload, { text: "", replaced: false });
  assert.ok(!JSON.stringify(out).includes("jane"));
});

test("full: text as typed, URL still without query or fragment", () => {
  const out = applyPrivacy(RAW, { mode: "full", vault: new Vault() });
  assert.equal(out.payload.text, RAW.payload.text);
  assert.equal(out.context.url, "http://127.0.0.1:8800/people/jane@example.com");
});

test("the policy's field overrides apply on top of the mode", () => {
  const out = applyPrivacy(RAW, { mode: "full", fields: { "context.window_title": "drop", "type.text": "redact" }, vault: new Vault() });
  assert.equal(out.context.window_title, undefined);
  assert.equal(out.payload.text, "write to <EMAIL_1> or call <PHONE_1>");
});

test("observe elements: each element's text treated, options listed", () => {
  const raw = {
    kind: "observe",
    context: { app: "crm", url: "http://127.0.0.1:8800/" },
    payload: {
      elements: [{ eid: 0, tag: "select", name: "Owner", value: "jane@example.com", options: ["jane@example.com", "Sales"], bbox: [0, 0, 1, 1] }],
      viewport: [800, 600],
    },
  };
  const out = applyPrivacy(raw, { mode: "redacted", vault: new Vault() });
  assert.deepEqual(out.payload.elements[0].options, ["<EMAIL_1>", "Sales"]);
  assert.equal(out.payload.elements[0].value, "<EMAIL_1>");
  assert.deepEqual(out.payload.viewport, [800, 600]);
  const meta = applyPrivacy(raw, { mode: "metadata", vault: new Vault() });
  assert.deepEqual(meta.payload.elements[0], { eid: 0, tag: "select", bbox: [0, 0, 1, 1] });
});

test("closed vocabularies and ids pass through untouched", () => {
  const nav = applyPrivacy(
    { kind: "navigate", context: {}, payload: { from_url: "http://127.0.0.1:8800/a?x=1", transition: "history" } },
    { mode: "redacted", vault: new Vault() },
  );
  assert.deepEqual(nav.payload, { from_url: "http://127.0.0.1:8800/a", transition: "history" });
});

test("values are cut to the contract's bounds without splitting a surrogate pair", () => {
  const out = applyPrivacy({ kind: "type", context: {}, payload: { text: "a".repeat(70000) } }, { mode: "full", vault: new Vault() });
  assert.equal(out.payload.text.length, 65536);
  assert.equal(truncate("ab😀", 3), "ab");
});
