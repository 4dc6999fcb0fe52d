/**
 * The content script's decisions, run in a Node `vm` context with fake `chrome`, page and
 * SDK objects: what it starts, pauses, resumes and stops, and that it does nothing at all in
 * a private window. Run: `node --test sdk/extension/test/`.
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import vm from "node:vm";

const SOURCE = readFileSync(new URL("../content.js", import.meta.url), "utf8");
const CONFIG = { ok: true, endpoint: "http://127.0.0.1:9", token: "wpd_test_token_value_123456", tabId: 7, paused: false };

function fakeSdk() {
  const calls = [];
  let paused = false;
  return {
    calls,
    api: {
      init: async (options) => {
        calls.push(["init", options]);
        return {};
      },
      pause: () => {
        calls.push(["pause"]);
        paused = true;
      },
      resume: () => {
        calls.push(["resume"]);
        paused = false;
      },
      stop: () => calls.push(["stop"]),
      isPaused: () => paused,
      setBadgePaused: (value) => {
        paused = value;
      },
      state: () => ({ mode: "redacted", paused, queued: 2, sent: 5, lastError: null }),
    },
  };
}

/** Run content.js once; returns handles to drive it. */
async function load(options = {}) {
  const { incognito = false, top = true, sdk = fakeSdk(), stored = {} } = options;
  const reply = "reply" in options ? options.reply : CONFIG;
  const storageListeners = [];
  const messageListeners = [];
  const sent = [];
  const local = new Map(Object.entries(stored));
  const window = {
    localStorage: {
      getItem: (k) => (local.has(k) ? local.get(k) : null),
      setItem: (k, v) => local.set(k, String(v)),
      removeItem: (k) => local.delete(k),
    },
  };
  window.top = top ? window : {};
  const chrome = {
    extension: { inIncognitoContext: incognito },
    runtime: {
      id: "ext",
      sendMessage: async (message) => {
        sent.push(message);
        return reply;
      },
      onMessage: { addListener: (fn) => messageListeners.push(fn) },
    },
    storage: { onChanged: { addListener: (fn) => storageListeners.push(fn) } },
  };
  const context = vm.createContext({ chrome, window, Workprint: sdk.api, console: { warn: () => {} } });
  context.globalThis = context;
  vm.runInContext(SOURCE, context);
  await settle();
  return {
    sdk,
    sent,
    local,
    messageListeners,
    async session(changes) {
      for (const fn of storageListeners) fn(changes, "session");
      await settle();
    },
    ask() {
      let answer;
      for (const fn of messageListeners) fn({ type: "wp:state" }, { id: "ext" }, (a) => (answer = a));
      return answer;
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const names = (calls) => calls.map((c) => c[0]);

test("in a private window it does nothing at all", async () => {
  const run = await load({ incognito: true });
  assert.deepEqual(run.sent, []);
  assert.deepEqual(run.sdk.calls, []);
  assert.equal(run.messageListeners.length, 0);
});

test("in a frame it does nothing", async () => {
  const run = await load({ top: false });
  assert.deepEqual(run.sent, []);
});

test("it asks the service worker, then starts the SDK in this world", async () => {
  const run = await load();
  assert.deepEqual(JSON.parse(JSON.stringify(run.sent)), [{ type: "wp:config" }]);
  const [name, options] = run.sdk.calls[0];
  assert.equal(name, "init");
  assert.deepEqual({ ...options }, { endpoint: CONFIG.endpoint, token: CONFIG.token, tabId: 7, dbName: "workprint-extension" });
});

test("refused by the service worker: nothing starts", async () => {
  for (const reply of [{ ok: false, code: "origin_not_allowed" }, undefined, null]) {
    const run = await load({ reply });
    assert.deepEqual(run.sdk.calls, []);
    await run.session({ paused: { newValue: false } });
    assert.deepEqual(run.sdk.calls, []);
  }
});

test("a page opened during the global pause starts only on resume", async () => {
  const run = await load({ reply: { ...CONFIG, paused: true } });
  assert.deepEqual(run.sdk.calls, []);
  await run.session({ paused: { newValue: false } });
  assert.deepEqual(names(run.sdk.calls), ["init"]);
});

test("the global pause pauses and resumes a running page", async () => {
  const run = await load();
  await run.session({ paused: { newValue: true } });
  assert.deepEqual(names(run.sdk.calls), ["init", "pause"]);
  assert.equal(run.local.get("workprint-extension:paused"), "1");
  assert.equal(run.ask().paused, true);
  await run.session({ paused: { newValue: false } });
  assert.deepEqual(names(run.sdk.calls), ["init", "pause", "resume"]);
  assert.equal(run.local.has("workprint-extension:paused"), false);
});

test("a site paused from its own badge stays paused through a global pause and resume", async () => {
  const run = await load();
  run.sdk.api.setBadgePaused(true);
  await run.session({ paused: { newValue: true } });
  await run.session({ paused: { newValue: false } });
  assert.deepEqual(names(run.sdk.calls), ["init"]);
});

test("a later page resumes an origin the global pause left paused", async () => {
  const sdk = fakeSdk();
  sdk.api.setBadgePaused(true); // the SDK remembered the pause for the origin
  const run = await load({ sdk, stored: { "workprint-extension:paused": "1" } });
  assert.deepEqual(names(run.sdk.calls), ["init", "resume"]);
});

test("disconnecting stops the SDK for good", async () => {
  const run = await load();
  await run.session({ connected: { newValue: false } });
  await run.session({ paused: { newValue: false } });
  assert.deepEqual(names(run.sdk.calls), ["init", "stop"]);
});

test("the popup's question gets counts, never the token", async () => {
  const run = await load();
  const answer = run.ask();
  assert.deepEqual({ ...answer }, { running: true, paused: false, mode: "redacted", queued: 2, sent: 5, error: null });
  assert.ok(!JSON.stringify(answer).includes(CONFIG.token));
});
