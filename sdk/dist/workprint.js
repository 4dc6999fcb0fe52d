(() => {
  var __defProp = Object.defineProperty;
  var __export = (target, all) => {
    for (var name9 in all)
      __defProp(target, name9, { get: all[name9], enumerable: true });
  };

  // src/_config.js
  var WorkprintError = class extends Error {
    /** @param {string} code machine-readable, e.g. `config_invalid` */
    constructor(code2, message) {
      super(message);
      this.name = "WorkprintError";
      this.code = code2;
    }
  };
  var DEFAULTS = {
    app: "browser",
    flushIntervalMs: 3e3,
    maxBatchEvents: 200,
    maxBatchBytes: 512 * 1024,
    indicator: true,
    settleMs: 400,
    storage: "indexeddb",
    maxQueueEvents: 2e4,
    maxQueueBytes: 20 * 1024 * 1024,
    policyRefreshMs: 5 * 60 * 1e3,
    deviceRecheckMs: 5 * 60 * 1e3,
    dbName: "workprint",
    tabId: null
  };
  function positive(options, key, min = 1) {
    const value = options[key] ?? DEFAULTS[key];
    if (!Number.isFinite(value) || value < min) {
      throw new WorkprintError("config_invalid", `${key} must be a number >= ${min}`);
    }
    return Math.floor(value);
  }
  function readConfig(options) {
    if (!options || typeof options !== "object") throw new WorkprintError("config_invalid", "init needs an options object");
    const endpoint = options.endpoint;
    if (typeof endpoint !== "string" || !/^https?:\/\/[^/?#\s]+/i.test(endpoint)) {
      throw new WorkprintError("config_invalid", "endpoint must be the collector's http(s) base URL");
    }
    if (typeof options.token !== "string" || !options.token.trim()) {
      throw new WorkprintError("config_invalid", "token (the device token) is required");
    }
    const storage = options.storage ?? DEFAULTS.storage;
    if (storage !== "indexeddb" && storage !== "memory") {
      throw new WorkprintError("config_invalid", 'storage must be "indexeddb" or "memory"');
    }
    const app = options.app ?? DEFAULTS.app;
    if (typeof app !== "string" || !app || app.length > 256) {
      throw new WorkprintError("config_invalid", "app must be a short identifier");
    }
    if (options.fetch !== void 0 && typeof options.fetch !== "function") {
      throw new WorkprintError("config_invalid", "fetch must be a function");
    }
    const tabId = options.tabId ?? DEFAULTS.tabId;
    if (tabId !== null && !(Number.isInteger(tabId) && tabId >= 0)) {
      throw new WorkprintError("config_invalid", "tabId must be a non-negative integer");
    }
    return Object.freeze({
      endpoint: endpoint.replace(/\/+$/, ""),
      token: options.token.trim(),
      app,
      flushIntervalMs: positive(options, "flushIntervalMs", 50),
      maxBatchEvents: positive(options, "maxBatchEvents"),
      maxBatchBytes: positive(options, "maxBatchBytes", 1024),
      indicator: options.indicator ?? DEFAULTS.indicator,
      settleMs: positive(options, "settleMs", 0),
      storage,
      fetch: options.fetch,
      indexedDB: options.indexedDB,
      maxQueueEvents: positive(options, "maxQueueEvents", 10),
      maxQueueBytes: positive(options, "maxQueueBytes", 64 * 1024),
      policyRefreshMs: positive(options, "policyRefreshMs", 1e3),
      deviceRecheckMs: positive(options, "deviceRecheckMs", 1e3),
      dbName: typeof options.dbName === "string" && options.dbName ? options.dbName : DEFAULTS.dbName,
      tabId
    });
  }

  // src/_remote.js
  var DEVICE_ID = /^[A-Za-z0-9_.:\-]{1,128}$/;
  async function code(response) {
    try {
      const body = await response.json();
      return body && typeof body.code === "string" ? body.code : null;
    } catch {
      return null;
    }
  }
  function get(fetch, url, token, extra = {}) {
    return fetch(url, {
      method: "GET",
      headers: { Authorization: `Bearer ${token}`, ...extra },
      credentials: "omit",
      cache: "no-store",
      mode: "cors"
    });
  }
  async function failure(fetch, endpoint) {
    try {
      await fetch(`${endpoint}/healthz`, { method: "GET", mode: "no-cors", credentials: "omit", cache: "no-store" });
    } catch {
      return { ok: false, status: 0, code: "network" };
    }
    return { ok: false, status: 0, code: "origin_forbidden" };
  }
  async function fetchDevice(fetch, endpoint, token) {
    let response;
    try {
      response = await get(fetch, `${endpoint}/v1/device`, token);
    } catch {
      return failure(fetch, endpoint);
    }
    if (response.status !== 200) return { ok: false, status: response.status, code: await code(response) };
    let body;
    try {
      body = await response.json();
    } catch {
      return { ok: false, status: 200, code: "device_unreadable" };
    }
    const consent = body && body.consent;
    if (!body || typeof body.device_id !== "string" || !DEVICE_ID.test(body.device_id) || !consent || typeof consent.grant_id !== "string" || typeof consent.notice_version !== "string") {
      return { ok: false, status: 200, code: "device_unreadable" };
    }
    const hints = body.hints && typeof body.hints === "object" ? body.hints : {};
    return {
      ok: true,
      device: {
        device_id: body.device_id,
        consent: { grant_id: consent.grant_id, notice_version: consent.notice_version },
        hints: {
          max_batch_events: Number.isInteger(hints.max_batch_events) ? hints.max_batch_events : null,
          flush_interval_ms: Number.isInteger(hints.flush_interval_ms) ? hints.flush_interval_ms : null
        }
      }
    };
  }
  async function fetchPolicy(fetch, endpoint, token, etag) {
    let response;
    try {
      response = await get(fetch, `${endpoint}/v1/policy`, token, etag ? { "If-None-Match": etag } : {});
    } catch {
      return failure(fetch, endpoint);
    }
    if (response.status === 304) return { ok: true, changed: false };
    if (response.status !== 200) return { ok: false, status: response.status, code: await code(response) };
    try {
      return { ok: true, changed: true, body: await response.json(), etag: response.headers.get("ETag") };
    } catch {
      return { ok: false, status: 200, code: "policy_unreadable" };
    }
  }
  var isAuthFailure = (status) => status === 401 || status === 403 || status === 410;

  // src/_sha256.js
  var K = new Uint32Array([
    1116352408,
    1899447441,
    3049323471,
    3921009573,
    961987163,
    1508970993,
    2453635748,
    2870763221,
    3624381080,
    310598401,
    607225278,
    1426881987,
    1925078388,
    2162078206,
    2614888103,
    3248222580,
    3835390401,
    4022224774,
    264347078,
    604807628,
    770255983,
    1249150122,
    1555081692,
    1996064986,
    2554220882,
    2821834349,
    2952996808,
    3210313671,
    3336571891,
    3584528711,
    113926993,
    338241895,
    666307205,
    773529912,
    1294757372,
    1396182291,
    1695183700,
    1986661051,
    2177026350,
    2456956037,
    2730485921,
    2820302411,
    3259730800,
    3345764771,
    3516065817,
    3600352804,
    4094571909,
    275423344,
    430227734,
    506948616,
    659060556,
    883997877,
    958139571,
    1322822218,
    1537002063,
    1747873779,
    1955562222,
    2024104815,
    2227730452,
    2361852424,
    2428436474,
    2756734187,
    3204031479,
    3329325298
  ]);
  var encoder = new TextEncoder();
  function sha256(data) {
    const bitLength = data.length * 8;
    const padded = new Uint8Array(data.length + 9 + 63 >> 6 << 6);
    padded.set(data);
    padded[data.length] = 128;
    const view = new DataView(padded.buffer);
    view.setUint32(padded.length - 8, Math.floor(bitLength / 4294967296));
    view.setUint32(padded.length - 4, bitLength >>> 0);
    const h = new Uint32Array([
      1779033703,
      3144134277,
      1013904242,
      2773480762,
      1359893119,
      2600822924,
      528734635,
      1541459225
    ]);
    const w = new Uint32Array(64);
    for (let off = 0; off < padded.length; off += 64) {
      for (let i = 0; i < 16; i += 1) w[i] = view.getUint32(off + i * 4);
      for (let i = 16; i < 64; i += 1) {
        const a2 = w[i - 15];
        const b2 = w[i - 2];
        const s0 = (a2 >>> 7 | a2 << 25) ^ (a2 >>> 18 | a2 << 14) ^ a2 >>> 3;
        const s1 = (b2 >>> 17 | b2 << 15) ^ (b2 >>> 19 | b2 << 13) ^ b2 >>> 10;
        w[i] = w[i - 16] + s0 + w[i - 7] + s1 >>> 0;
      }
      let [a, b, c, d, e, f, g, hh] = h;
      for (let i = 0; i < 64; i += 1) {
        const S1 = (e >>> 6 | e << 26) ^ (e >>> 11 | e << 21) ^ (e >>> 25 | e << 7);
        const ch = e & f ^ ~e & g;
        const t1 = hh + S1 + ch + K[i] + w[i] >>> 0;
        const S0 = (a >>> 2 | a << 30) ^ (a >>> 13 | a << 19) ^ (a >>> 22 | a << 10);
        const maj = a & b ^ a & c ^ b & c;
        const t2 = S0 + maj >>> 0;
        hh = g;
        g = f;
        f = e;
        e = d + t1 >>> 0;
        d = c;
        c = b;
        b = a;
        a = t1 + t2 >>> 0;
      }
      h[0] += a;
      h[1] += b;
      h[2] += c;
      h[3] += d;
      h[4] += e;
      h[5] += f;
      h[6] += g;
      h[7] += hh;
    }
    const out = new Uint8Array(32);
    const outView = new DataView(out.buffer);
    for (let i = 0; i < 8; i += 1) outView.setUint32(i * 4, h[i]);
    return out;
  }
  function hmacHex(key, message) {
    let k = key.length > 64 ? sha256(key) : key;
    const block = new Uint8Array(64);
    block.set(k);
    const inner = new Uint8Array(64);
    const outer = new Uint8Array(64 + 32);
    for (let i = 0; i < 64; i += 1) {
      inner[i] = block[i] ^ 54;
      outer[i] = block[i] ^ 92;
    }
    const msg = encoder.encode(message);
    const first = new Uint8Array(64 + msg.length);
    first.set(inner);
    first.set(msg, 64);
    outer.set(sha256(first), 64);
    k = sha256(outer);
    let hex = "";
    for (const byte of k) hex += byte.toString(16).padStart(2, "0");
    return hex;
  }

  // src/target.js
  var NAME_MAX = 256;
  var TEXT_MAX = 512;
  var SELECTOR_DEPTH = 12;
  var INTERACTIVE = "a[href],button,input:not([type=hidden]),select,textarea,summary,[contenteditable=''],[contenteditable=true],[role=button],[role=link],[role=checkbox],[role=radio],[role=tab],[role=menuitem],[role=option],[role=switch],[role=combobox],[role=textbox],[role=searchbox],[role=slider],[role=spinbutton],[tabindex]:not([tabindex='-1']),[onclick]";
  function closestAcross(el, selector) {
    let node = el;
    while (node) {
      if (node.nodeType === 1) {
        const hit = node.closest(selector);
        if (hit) return hit;
      }
      const root = node.getRootNode ? node.getRootNode() : null;
      node = root && root.host ? root.host : null;
    }
    return null;
  }
  function isBlocked(el) {
    return closestAcross(el, "[data-wp-block]") !== null;
  }
  function isSecretField(el) {
    if (!el || el.nodeType !== 1) return false;
    const tag = el.tagName.toLowerCase();
    if (tag !== "input" && tag !== "select" && tag !== "textarea") return false;
    const type = (el.getAttribute("type") || "").toLowerCase();
    if (tag === "input" && (type === "password" || type === "hidden")) return true;
    const tokens = (el.getAttribute("autocomplete") || "").toLowerCase().split(/\s+/);
    return tokens.some((t) => t.startsWith("cc-") || t === "one-time-code");
  }
  function isSensitive(el) {
    return isSecretField(el) || isBlocked(el);
  }
  var INPUT_ROLES = {
    button: "button",
    submit: "button",
    reset: "button",
    image: "button",
    checkbox: "checkbox",
    radio: "radio",
    range: "slider",
    number: "spinbutton",
    search: "searchbox"
  };
  var TAG_ROLES = {
    button: "button",
    textarea: "textbox",
    option: "option",
    summary: "button",
    form: "form",
    nav: "navigation",
    img: "img",
    h1: "heading",
    h2: "heading",
    h3: "heading",
    h4: "heading",
    h5: "heading",
    h6: "heading",
    li: "listitem",
    table: "table",
    dialog: "dialog",
    main: "main"
  };
  function roleOf(el) {
    const explicit = el.getAttribute("role");
    if (explicit) return explicit.trim().split(/\s+/)[0];
    const tag = el.tagName.toLowerCase();
    if (tag === "a") return el.hasAttribute("href") ? "link" : null;
    if (tag === "input") return INPUT_ROLES[(el.getAttribute("type") || "text").toLowerCase()] ?? "textbox";
    if (tag === "select") return el.multiple || el.size > 1 ? "listbox" : "combobox";
    if (el.isContentEditable) return "textbox";
    return TAG_ROLES[tag] ?? null;
  }
  var squash = (s) => s.replace(/\s+/g, " ").trim();
  function visibleText(el, max = TEXT_MAX) {
    const doc = el.ownerDocument;
    const walker = doc.createTreeWalker(el, 5, {
      acceptNode(node) {
        if (node.nodeType === 1) {
          const tag = node.tagName;
          if (tag === "SCRIPT" || tag === "STYLE" || tag === "NOSCRIPT" || tag === "TEMPLATE") return 2;
          if (node.hasAttribute("data-wp-block") || node.hidden) return 2;
          return 3;
        }
        return 1;
      }
    });
    let out = "";
    while (out.length < max * 2 && walker.nextNode()) out += ` ${walker.currentNode.nodeValue}`;
    return squash(out).slice(0, max);
  }
  function labelText(el) {
    const labels = el.labels ? [...el.labels] : [];
    return squash(labels.map((l) => visibleText(l, NAME_MAX)).join(" "));
  }
  function accessibleName(el) {
    const doc = el.ownerDocument;
    const labelledBy = el.getAttribute("aria-labelledby");
    if (labelledBy) {
      const text = labelledBy.split(/\s+/).map((id) => doc.getElementById(id)).filter((ref) => ref && !isBlocked(ref)).map((ref) => visibleText(ref, NAME_MAX)).join(" ");
      if (squash(text)) return squash(text).slice(0, NAME_MAX);
    }
    const aria = el.getAttribute("aria-label");
    if (aria && squash(aria)) return squash(aria).slice(0, NAME_MAX);
    const tag = el.tagName.toLowerCase();
    const type = (el.getAttribute("type") || "").toLowerCase();
    if (tag === "input" && ["button", "submit", "reset"].includes(type)) {
      return squash(el.value || (type === "submit" ? "Submit" : type === "reset" ? "Reset" : "")).slice(0, NAME_MAX) || null;
    }
    if (tag === "input" && type === "image") return squash(el.getAttribute("alt") || "") || null;
    if (tag === "input" || tag === "select" || tag === "textarea") {
      const label = labelText(el);
      if (label) return label.slice(0, NAME_MAX);
      const placeholder = el.getAttribute("placeholder");
      if (placeholder && squash(placeholder)) return squash(placeholder).slice(0, NAME_MAX);
    } else if (tag === "img") {
      return squash(el.getAttribute("alt") || "") || null;
    } else {
      const text = visibleText(el, NAME_MAX);
      if (text) return text;
    }
    const title = el.getAttribute("title");
    return title && squash(title) ? squash(title).slice(0, NAME_MAX) : null;
  }
  var cssEscape = (value) => globalThis.CSS && CSS.escape ? CSS.escape(value) : value.replace(/[^a-zA-Z0-9_\-]/g, (c) => `\\${c}`);
  function unique(doc, selector, el) {
    try {
      const hits = doc.querySelectorAll(selector);
      return hits.length === 1 && hits[0] === el;
    } catch {
      return false;
    }
  }
  function selectorOf(el) {
    const doc = el.ownerDocument;
    const root = el.getRootNode();
    const scope = root && root.querySelectorAll ? root : doc;
    if (el.id && unique(scope, `#${cssEscape(el.id)}`, el)) return `#${cssEscape(el.id)}`;
    const tag = el.tagName.toLowerCase();
    const nameAttr = el.getAttribute("name");
    if (nameAttr) {
      const sel = `${tag}[name="${nameAttr.replace(/["\\]/g, "\\$&")}"]`;
      if (unique(scope, sel, el)) return sel;
    }
    const parts = [];
    let node = el;
    for (let depth = 0; node && node.nodeType === 1 && depth < SELECTOR_DEPTH; depth += 1) {
      const t = node.tagName.toLowerCase();
      if (node !== el && node.id && unique(scope, `#${cssEscape(node.id)}`, node)) {
        parts.unshift(`#${cssEscape(node.id)}`);
        break;
      }
      if (t === "html" || t === "body") {
        parts.unshift(t);
        break;
      }
      const parent = node.parentElement;
      let part = t;
      if (parent) {
        const same = [...parent.children].filter((c) => c.tagName === node.tagName);
        if (same.length > 1) part += `:nth-of-type(${same.indexOf(node) + 1})`;
      }
      parts.unshift(part);
      node = parent;
    }
    return parts.join(" > ");
  }
  function hrefPath(el) {
    const raw = el.getAttribute("href");
    if (raw === null) return null;
    try {
      const url = new URL(raw, el.ownerDocument.baseURI);
      return url.protocol === "http:" || url.protocol === "https:" ? url.pathname : null;
    } catch {
      return null;
    }
  }
  function attrsOf(el) {
    const attrs = {};
    for (const key of ["id", "name", "type", "placeholder", "aria-label"]) {
      const value = el.getAttribute(key);
      if (value !== null && value !== "") attrs[key] = value;
    }
    if (el.tagName.toLowerCase() === "a") {
      const path = hrefPath(el);
      if (path) attrs.href = path;
    }
    return Object.keys(attrs).length ? attrs : null;
  }
  function bboxOf(el) {
    const r = el.getBoundingClientRect();
    return [Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)];
  }
  var frameName;
  function frameOf() {
    if (frameName !== void 0) return frameName;
    try {
      if (window === window.top) frameName = null;
      else frameName = window.frameElement ? selectorOf(window.frameElement) : "cross-origin";
    } catch {
      frameName = "cross-origin";
    }
    return frameName;
  }
  function actionable(el) {
    if (!el || el.nodeType !== 1) return null;
    return closestAcross(el, INTERACTIVE) ?? el;
  }
  function describe(el, eids) {
    const tag = el.tagName.toLowerCase();
    if (tag === "body" || tag === "html") return { tag, selector: tag };
    const role = roleOf(el);
    const target = { tag };
    if (role) target.role = role;
    if (isSensitive(el)) return target;
    const name9 = accessibleName(el);
    if (name9) target.name = name9;
    const tagIsField = tag === "input" || tag === "select" || tag === "textarea";
    if (!tagIsField) {
      const text = visibleText(el);
      if (text) target.text = text;
    }
    target.selector = selectorOf(el);
    const attrs = attrsOf(el);
    if (attrs) target.attrs = attrs;
    target.bbox = bboxOf(el);
    const frame = frameOf();
    if (frame) target.frame = frame;
    const eid = eids ? eids.get(el) : void 0;
    if (eid !== void 0) target.eid = eid;
    return target;
  }

  // src/capture.js
  var SPECIAL_KEYS = /* @__PURE__ */ new Set(["Enter", "Escape", "Tab"]);
  var MODIFIER_KEYS = /* @__PURE__ */ new Set(["Control", "Alt", "Shift", "Meta", "AltGraph", "CapsLock", "Fn", "OS", "Dead"]);
  var NO_TYPE_INPUTS = /* @__PURE__ */ new Set(["checkbox", "radio", "file", "submit", "button", "reset", "image", "hidden", "password"]);
  function isTextField(el) {
    const tag = el.tagName.toLowerCase();
    return tag === "textarea" || tag === "input" && !NO_TYPE_INPUTS.has((el.getAttribute("type") || "text").toLowerCase());
  }
  var SCROLL_SETTLE_MS = 300;
  var LINK_WINDOW_MS = 2e3;
  var KEY_CLICK_MS = 1e3;
  var LEAVE_WINDOW_MS = 1e4;
  function keyCombo(e) {
    if (e.isComposing || MODIFIER_KEYS.has(e.key) || !e.key || e.key === "Unidentified") return null;
    const command = e.ctrlKey || e.altKey || e.metaKey;
    if (!command && !SPECIAL_KEYS.has(e.key)) return null;
    const mods = [];
    if (e.ctrlKey) mods.push("ctrl");
    if (e.altKey) mods.push("alt");
    if (e.shiftKey) mods.push("shift");
    if (e.metaKey) mods.push("meta");
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    if (key === " ") mods.push("Space");
    else mods.push(key);
    return mods.join("+").slice(0, 64);
  }
  function elementTarget(e) {
    const path = typeof e.composedPath === "function" ? e.composedPath() : [];
    const first = path.find((n) => n && n.nodeType === 1) ?? e.target;
    return first && first.nodeType === 1 ? first : null;
  }
  var Capture = class {
    /**
     * @param {{emit: Function, describe: (el: Element) => object, navigated: Function,
     *   poke: Function, visible: Function, isOwn: (el: Element) => boolean,
     *   isPaused: () => boolean}} sink
     */
    constructor(sink, win = window) {
      this.sink = sink;
      this.win = win;
      this.doc = win.document;
      this.listeners = [];
      this.focusValues = /* @__PURE__ */ new WeakMap();
      this.tainted = /* @__PURE__ */ new WeakSet();
      this.scroll = null;
      this.scrollTimer = null;
      this.scrollPositions = /* @__PURE__ */ new WeakMap();
      this.lastHref = win.location.href;
      this.history = null;
      this.lastLink = null;
      this.leaving = null;
      this.activatingKeyAt = null;
    }
    /** Remember that the page is about to be left for `url` (a link followed, a form sent, a
     * navigation the browser announced). */
    leavingFor(url, newTab = false) {
      if (newTab || !url) return;
      try {
        const to = new URL(String(url), this.win.location.href);
        this.leaving = { sameOrigin: to.origin === this.win.location.origin, at: Date.now() };
      } catch {
        this.leaving = null;
      }
    }
    /** True when the page is being left for another page of its own origin (whose SDK will
     * send this tab's queue): decided by the last link, form or navigation seen. */
    leavingForSameOrigin() {
      const l = this.leaving;
      return Boolean(l && l.sameOrigin && Date.now() - l.at < LEAVE_WINDOW_MS);
    }
    on(target, type, fn) {
      const handler = (e) => {
        try {
          fn(e);
        } catch {
          console.warn(`[workprint] ${type} handler failed`);
        }
      };
      target.addEventListener(type, handler, { capture: true, passive: true });
      this.listeners.push([target, type, handler]);
    }
    start() {
      const { doc, win } = this;
      this.on(doc, "click", (e) => this.pointer(e, e.detail >= 2 ? null : "click"));
      this.on(doc, "dblclick", (e) => this.pointer(e, "double_click"));
      this.on(doc, "contextmenu", (e) => this.pointer(e, "right_click"));
      this.on(doc, "focusin", (e) => this.focusIn(e));
      this.on(doc, "focusout", (e) => this.focusOut(e));
      this.on(doc, "input", (e) => this.input(e));
      this.on(doc, "change", (e) => this.change(e));
      this.on(doc, "keydown", (e) => this.key(e));
      this.on(doc, "submit", (e) => this.submit(e));
      this.on(doc, "scroll", (e) => this.scrolled(e));
      this.on(win, "popstate", () => this.navigated("back_forward"));
      this.on(win, "hashchange", () => this.navigated("link"));
      this.on(doc, "visibilitychange", () => {
        if (doc.visibilityState === "visible") this.sink.emit("focus", { payload: { scope: "tab" } });
        this.sink.visible(doc.visibilityState === "visible");
      });
      this.patchHistory();
      const nav = win.navigation;
      if (nav && typeof nav.addEventListener === "function") {
        this.on(nav, "navigate", (e) => {
          if (e && e.destination && !e.destination.sameDocument) this.leavingFor(e.destination.url);
        });
        this.on(nav, "currententrychange", (e) => {
          const type = e && e.navigationType;
          this.navigated(type === "traverse" ? "back_forward" : type === "reload" ? "reload" : "history");
        });
      }
    }
    stop() {
      for (const [target, type, handler] of this.listeners) target.removeEventListener(type, handler, { capture: true });
      this.listeners = [];
      this.flushScroll();
      if (this.history) {
        const h = this.win.history;
        if (h.pushState === this.history.push) h.pushState = this.history.origPush;
        if (h.replaceState === this.history.replace) h.replaceState = this.history.origReplace;
        this.history = null;
      }
    }
    patchHistory() {
      const h = this.win.history;
      const origPush = h.pushState;
      const origReplace = h.replaceState;
      const self = this;
      const push = function pushState(...args) {
        const out = origPush.apply(this, args);
        self.navigated("history");
        return out;
      };
      const replace = function replaceState(...args) {
        const out = origReplace.apply(this, args);
        self.navigated("history");
        return out;
      };
      h.pushState = push;
      h.replaceState = replace;
      this.history = { push, replace, origPush, origReplace };
    }
    /** The URL changed (SPA or back/forward): a `navigate` event when it really did. */
    navigated(transition) {
      const href = this.win.location.href;
      if (href === this.lastHref) return;
      const from = this.lastHref;
      this.lastHref = href;
      this.flushScroll();
      const link = this.lastLink;
      const followed = link && link.href === href && Date.now() - link.at < LINK_WINDOW_MS;
      this.sink.navigated(followed ? "link" : transition, from);
    }
    resolve(e) {
      const raw = elementTarget(e);
      if (!raw || this.sink.isOwn(raw)) return null;
      return raw;
    }
    pointer(e, kind) {
      if (kind === null) return;
      const raw = this.resolve(e);
      if (!raw) return;
      const el = actionable(raw);
      if (kind === "click" && el.tagName.toLowerCase() === "a" && el.href) {
        this.lastLink = { href: String(el.href), at: Date.now() };
        const target = (el.getAttribute("target") || "").toLowerCase();
        const newTab = target && target !== "_self" || e.ctrlKey || e.metaKey || e.shiftKey;
        this.leavingFor(el.href, newTab);
      }
      if (kind === "click" && this.fromKey(e)) return;
      this.sink.emit(kind, { target: this.sink.describe(el) });
    }
    /** True for a click that a key press made (see KEY_CLICK_MS): not a second action. */
    fromKey(e) {
      const at = this.activatingKeyAt;
      return e.detail === 0 && at !== null && e.timeStamp - at >= 0 && e.timeStamp - at <= KEY_CLICK_MS;
    }
    focusIn(e) {
      const el = this.resolve(e);
      if (!el || isSensitive(el)) return;
      if (el.isContentEditable) this.focusValues.set(el, el.innerText);
      else if ("value" in el && typeof el.value === "string") this.focusValues.set(el, el.value);
    }
    focusOut(e) {
      const el = this.resolve(e);
      if (!el || !el.isContentEditable || isSensitive(el) || this.tainted.has(el)) return;
      const editable = closestAcross(el, "[contenteditable]") ?? el;
      const before = this.focusValues.get(el) ?? "";
      const text = editable.innerText;
      if (text === before) return;
      this.typed(editable, text, before);
    }
    /** The value `el` had when it got the focus (undefined when it never had it here). */
    focusedValue(el) {
      return this.focusValues.get(el);
    }
    /** True while `el` holds an edit not yet recorded: its value differs from the one it had
     * when it got the focus (or when its last edit was recorded). */
    isEditing(el) {
      if (!el || !this.focusValues.has(el) || isSensitive(el)) return false;
      const now = el.isContentEditable ? el.innerText : "value" in el ? el.value : void 0;
      return typeof now === "string" && now !== this.focusValues.get(el);
    }
    /** A field edited while paused keeps its value out of every event until it is emptied. */
    input(e) {
      const el = this.resolve(e);
      if (!el) return;
      const empty = el.isContentEditable ? !el.innerText.trim() : "value" in el && el.value === "";
      if (this.sink.isPaused() && !empty) this.tainted.add(el);
      else if (empty) this.tainted.delete(el);
    }
    /** True for a field whose current value was (partly) typed while capture was paused. */
    isTainted(el) {
      return this.tainted.has(el);
    }
    change(e) {
      const el = this.resolve(e);
      if (!el || isSensitive(el)) return;
      if (this.sink.isPaused()) this.tainted.add(el);
      if (this.tainted.has(el)) return;
      const tag = el.tagName.toLowerCase();
      if (tag === "select") {
        const chosen = [...el.selectedOptions];
        const value = chosen.map((o) => (o.label || o.textContent || o.value).replace(/\s+/g, " ").trim()).join(", ");
        const payload = el.selectedIndex >= 0 ? { value, index: el.selectedIndex } : { value };
        this.sink.emit("select", { target: this.sink.describe(el, true), payload });
        this.focusValues.set(el, el.value);
        this.sink.poke();
        return;
      }
      if (isTextField(el)) this.commitText(el);
    }
    /** The field's text as a `type` event, once per change (the key that commits it, Enter or
     * Tab, must come after it, as the person did it; the browser's `change` comes later). */
    commitText(el) {
      const before = this.focusValues.get(el) ?? "";
      if (el.value === before) return;
      this.typed(el, el.value, before);
      this.focusValues.set(el, el.value);
    }
    typed(el, text, before) {
      const replaced = before !== "" && !text.startsWith(before);
      this.sink.emit("type", { target: this.sink.describe(el, true), payload: { text, replaced } });
      this.sink.poke();
    }
    key(e) {
      if (e.repeat) return;
      const keys = keyCombo(e);
      if (keys === null) return;
      this.activatingKeyAt = keys === "Enter" || keys === "Space" ? e.timeStamp : null;
      const raw = this.resolve(e);
      if (raw === null && elementTarget(e) !== null) return;
      const el = raw ? actionable(raw) : null;
      if (el && isSensitive(el) && !SPECIAL_KEYS.has(e.key)) return;
      const commits = e.key === "Tab" || e.key === "Enter" && el && el.tagName.toLowerCase() === "input";
      if (el && commits && isTextField(el) && !isSensitive(el) && !this.tainted.has(el) && !this.sink.isPaused()) {
        this.commitText(el);
      }
      this.sink.emit("key", { target: el ? this.sink.describe(el) : null, payload: { keys } });
    }
    submit(e) {
      const form = this.resolve(e);
      if (!form) return;
      const submitter = e.submitter;
      const action = submitter && submitter.getAttribute("formaction") || form.getAttribute("action") || this.win.location.href;
      const target = (submitter && submitter.getAttribute("formtarget") || form.getAttribute("target") || "").toLowerCase();
      this.leavingFor(action, Boolean(target && target !== "_self"));
      this.sink.emit("submit", { target: this.sink.describe(form) });
    }
    scrolled(e) {
      const t = e.target;
      const el = t === this.doc || t === this.doc.documentElement || t === this.doc.body ? null : t;
      if (el && (el.nodeType !== 1 || this.sink.isOwn(el))) return;
      if (el && el.tagName.toLowerCase() === "input") return;
      const key = el ?? this.doc;
      const pos = el ? [el.scrollLeft, el.scrollTop] : [this.win.scrollX, this.win.scrollY];
      const last = this.scrollPositions.get(key) ?? pos;
      this.scrollPositions.set(key, pos);
      if (this.scroll && this.scroll.key !== key) this.flushScroll();
      const now = Date.now();
      if (!this.scroll) this.scroll = { key, el, dx: 0, dy: 0, first: now, last: now };
      this.scroll.dx += pos[0] - last[0];
      this.scroll.dy += pos[1] - last[1];
      this.scroll.last = now;
      if (this.scrollTimer !== null) clearTimeout(this.scrollTimer);
      this.scrollTimer = setTimeout(() => this.flushScroll(), SCROLL_SETTLE_MS);
    }
    /** Emit the merged scroll run, if any. */
    flushScroll() {
      if (this.scrollTimer !== null) clearTimeout(this.scrollTimer);
      this.scrollTimer = null;
      const run = this.scroll;
      this.scroll = null;
      if (!run || !Math.round(run.dx) && !Math.round(run.dy)) return;
      this.sink.emit("scroll", {
        target: run.el ? this.sink.describe(run.el) : null,
        payload: { dx: Math.round(run.dx), dy: Math.round(run.dy) },
        occurredAt: run.first,
        durationMs: run.last - run.first
      });
      this.sink.poke();
    }
  };

  // src/indicator.js
  var TAG = "workprint-indicator";
  var STYLE = `
:host { all: initial; }
.wp { position: fixed; bottom: 8px; right: 8px; z-index: 2147483647; display: flex; gap: 6px;
  align-items: center; font: 12px/1.2 system-ui, sans-serif; color: #fff; background: #1f2937e6;
  border-radius: 14px; padding: 4px 6px 4px 10px; box-shadow: 0 1px 4px #0004; max-width: 60vw; }
.wp.left { right: auto; left: 8px; }
.dot { width: 8px; height: 8px; border-radius: 50%; background: #ef4444; flex: none; }
.paused .dot { background: #9ca3af; }
button { all: unset; cursor: pointer; padding: 2px 8px; border-radius: 10px; background: #374151;
  font: inherit; color: inherit; }
button:focus-visible { outline: 2px solid #93c5fd; }
`;
  var Indicator = class {
    /** @param {{onToggle: () => void, doc?: Document}} options */
    constructor({ onToggle, doc = document }) {
      this.onToggle = onToggle;
      this.doc = doc;
      this.host = null;
      this.label = null;
      this.button = null;
    }
    mount() {
      if (this.host || !this.doc.body) return;
      const host = this.doc.createElement(TAG);
      host.setAttribute("data-wp-block", "");
      const root = host.attachShadow({ mode: "open" });
      const style = this.doc.createElement("style");
      style.textContent = STYLE;
      const box = this.doc.createElement("div");
      box.className = "wp";
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
      const dot = this.doc.createElement("span");
      dot.className = "dot";
      dot.setAttribute("aria-hidden", "true");
      const label = this.doc.createElement("span");
      label.className = "label";
      const button = this.doc.createElement("button");
      button.type = "button";
      button.addEventListener("click", (e) => {
        e.stopPropagation();
        this.onToggle();
      });
      const move = this.doc.createElement("button");
      move.type = "button";
      move.textContent = "⇆";
      move.setAttribute("aria-label", "Move the recording badge");
      move.addEventListener("click", (e) => {
        e.stopPropagation();
        box.classList.toggle("left");
      });
      box.append(dot, label, button, move);
      root.append(style, box);
      this.doc.body.append(host);
      this.host = host;
      this.box = box;
      this.label = label;
      this.button = button;
    }
    /** Show the current state: the mode being recorded, or paused. */
    update({ mode, paused }) {
      if (!this.host) this.mount();
      if (!this.host) return;
      this.label.textContent = paused ? "Recording paused" : `Recording on: ${mode}`;
      this.button.textContent = paused ? "Resume" : "Pause";
      this.button.setAttribute("aria-label", paused ? "Resume recording" : "Pause recording");
      this.box.classList.toggle("paused", paused);
    }
    /** True for the badge and what is inside it (events there are the person using the badge). */
    static owns(el) {
      return closestAcross(el, TAG) !== null;
    }
    unmount() {
      if (this.host) this.host.remove();
      this.host = null;
    }
  };

  // src/observe.js
  var MAX_ELEMENTS = 500;
  var ANNOUNCED = "[role=status],[role=alert]";
  var LISTED = `${INTERACTIVE},${ANNOUNCED}`;
  var MAX_OPTIONS = 500;
  var NO_VALUE_TYPES = /* @__PURE__ */ new Set(["button", "submit", "reset", "image", "file", "password", "hidden"]);
  function visible(el, width, height) {
    const r = el.getBoundingClientRect();
    if (r.width <= 0 || r.height <= 0) return false;
    if (r.right <= 0 || r.bottom <= 0 || r.left >= width || r.top >= height) return false;
    if (typeof el.checkVisibility === "function") {
      return el.checkVisibility({ checkOpacity: false, checkVisibilityCSS: true });
    }
    const style = getComputedStyle(el);
    return style.visibility !== "hidden" && style.display !== "none";
  }
  function optionLabel(option) {
    return (option.label || option.textContent || "").replace(/\s+/g, " ").trim();
  }
  function valueOf(el, hideValue) {
    if (isSecretField(el) || hideValue(el)) return null;
    const tag = el.tagName.toLowerCase();
    if (tag === "select") {
      const chosen = [...el.selectedOptions].map(optionLabel).filter(Boolean);
      return chosen.length ? chosen.join(", ") : null;
    }
    if (tag === "textarea") return el.value || null;
    if (tag === "input") {
      const type = (el.getAttribute("type") || "text").toLowerCase();
      if (type === "checkbox" || type === "radio") return el.checked ? "checked" : "unchecked";
      if (NO_VALUE_TYPES.has(type)) return null;
      return el.value || null;
    }
    return null;
  }
  function valueBefore(el, focused) {
    const tag = el.tagName.toLowerCase();
    if (tag === "select") {
      const options = [...el.options];
      let chosen = focused !== void 0 ? options.filter((o) => o.value === focused) : options.filter((o) => o.defaultSelected);
      if (!chosen.length && !el.multiple && options.length && focused === void 0) chosen = [options[0]];
      const labels = chosen.map(optionLabel).filter(Boolean);
      return labels.length ? labels.join(", ") : null;
    }
    if (tag === "textarea" || tag === "input") {
      const type = (el.getAttribute("type") || "text").toLowerCase();
      if (tag === "input" && (type === "checkbox" || type === "radio")) return el.defaultChecked ? "checked" : "unchecked";
      const text = focused !== void 0 ? focused : el.defaultValue;
      return text || null;
    }
    return null;
  }
  function elementOf(el, eid, hideValue = () => false, before = void 0) {
    const tag = el.tagName.toLowerCase();
    const out = { eid, tag };
    const role = roleOf(el);
    if (role) out.role = role;
    const name9 = accessibleName(el);
    if (name9) out.name = name9;
    if (tag !== "input" && tag !== "select" && tag !== "textarea") {
      const text = visibleText(el, 256);
      if (text) out.text = text;
    }
    out.selector = selectorOf(el);
    const attrs = attrsOf(el);
    if (attrs) out.attrs = attrs;
    out.bbox = bboxOf(el);
    const frame = frameOf();
    if (frame) out.frame = frame;
    const value = before !== void 0 && valueOf(el, hideValue) !== null ? before : valueOf(el, hideValue);
    if (value) out.value = value;
    if (tag === "select" && !isSecretField(el) && !hideValue(el)) {
      out.options = [...el.options].slice(0, MAX_OPTIONS).map(optionLabel);
    }
    if (el.disabled || el.getAttribute("aria-disabled") === "true") out.disabled = true;
    return out;
  }
  function snapshot(doc = document, hideValue = () => false, edited = null) {
    const win = doc.defaultView;
    const width = win.innerWidth;
    const height = win.innerHeight;
    const elements = [];
    const eids = /* @__PURE__ */ new WeakMap();
    for (const el of doc.querySelectorAll(LISTED)) {
      if (elements.length >= MAX_ELEMENTS) break;
      if (isBlocked(el) || !visible(el, width, height)) continue;
      const eid = elements.length;
      const before = edited && edited.el === el ? edited.value : void 0;
      elements.push(elementOf(el, eid, hideValue, before));
      eids.set(el, eid);
    }
    return { elements, viewport: [width, height], eids };
  }
  var Settler = class {
    constructor({ settleMs, onSettle, doc = document }) {
      this.settleMs = settleMs;
      this.onSettle = onSettle;
      this.doc = doc;
      this.timer = null;
      this.firstAt = 0;
      this.observer = null;
    }
    start() {
      const MO = this.doc.defaultView.MutationObserver;
      this.observer = new MO(() => this.poke());
      this.observer.observe(this.doc, { subtree: true, childList: true, attributes: true, characterData: true });
    }
    /** Something changed: snapshot once things are quiet (bounded wait on busy pages). */
    poke() {
      const now = Date.now();
      if (this.timer === null) this.firstAt = now;
      else clearTimeout(this.timer);
      const latest = this.firstAt + this.settleMs * 4;
      const wait = Math.max(0, Math.min(this.settleMs, latest - now));
      this.timer = setTimeout(() => {
        this.timer = null;
        this.onSettle();
      }, wait);
    }
    /** A snapshot now if one is waiting for the page to settle (a task ends: its last state
     * belongs to it, not to whatever comes next). */
    flush() {
      if (this.timer === null) return;
      clearTimeout(this.timer);
      this.timer = null;
      this.onSettle();
    }
    stop() {
      if (this.observer) this.observer.disconnect();
      this.observer = null;
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
    }
  };

  // src/policy.js
  var MODES = ["off", "metadata", "redacted", "full"];
  var RANK = Object.fromEntries(MODES.map((m, i) => [m, i]));
  var DEFAULT_PORTS = { http: "80", https: "443" };
  function strictest(a, b) {
    return RANK[a] <= RANK[b] ? a : b;
  }
  function normaliseOrigin(value) {
    const m = /^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]+)(?::([0-9]*))?/.exec(value);
    if (m === null || !m[2]) throw new Error("not an origin");
    const scheme = m[1].toLowerCase();
    const host = m[2].toLowerCase();
    const port = m[3] ? String(Number(m[3])) : "";
    const keep = port && port !== DEFAULT_PORTS[scheme];
    return `${scheme}://${host}${keep ? `:${port}` : ""}`;
  }
  function isMode(value) {
    return typeof value === "string" && value in RANK;
  }
  function compileTitle(pattern) {
    let source = pattern;
    let flags = "u";
    const inline = /^\(\?([aiLmsux]+)\)/.exec(source);
    if (inline) {
      source = source.slice(inline[0].length);
      if (inline[1].includes("i")) flags += "i";
      if (inline[1].includes("s")) flags += "s";
      if (inline[1].includes("m")) flags += "m";
    }
    try {
      return new RegExp(source, flags);
    } catch {
      return null;
    }
  }
  function readPolicy(body) {
    const doc = body && typeof body === "object" && body.document && typeof body.document === "object" ? body.document : body;
    if (!doc || typeof doc !== "object" || !Number.isInteger(doc.version) || !isMode(doc.default_mode ?? "off")) return null;
    if (!Array.isArray(doc.origins ?? []) || !Array.isArray(doc.titles ?? [])) return null;
    const origins = [];
    for (const rule of doc.origins ?? []) {
      if (!rule || !isMode(rule.mode) || typeof rule.origin !== "string") return null;
      let origin;
      try {
        origin = normaliseOrigin(rule.origin);
      } catch {
        continue;
      }
      const allow = Array.isArray(rule.allow_query) ? rule.allow_query.filter((q) => typeof q === "string") : [];
      origins.push({ origin, mode: rule.mode, allowQuery: new Set(allow) });
    }
    const titles = [];
    for (const rule of doc.titles ?? []) {
      if (!rule || !isMode(rule.mode) || typeof rule.pattern !== "string") return null;
      titles.push({ regex: compileTitle(rule.pattern), mode: rule.mode });
    }
    const fields = {};
    for (const [path, action] of Object.entries(doc.fields && typeof doc.fields === "object" ? doc.fields : {})) {
      if (action === "keep" || action === "redact" || action === "drop") fields[path] = action;
    }
    return { version: doc.version, defaultMode: doc.default_mode ?? "off", origins, titles, fields };
  }
  function ruleFor(policy, url) {
    let origin;
    try {
      origin = normaliseOrigin(url);
    } catch {
      return null;
    }
    return policy.origins.find((r) => r.origin === origin) ?? null;
  }
  function modeFor(policy, { url, title }) {
    if (!policy) return "off";
    const rule = ruleFor(policy, url);
    let mode = rule ? rule.mode : policy.defaultMode;
    if (title) {
      for (const t of policy.titles) {
        const hit = t.regex === null || t.regex.test(title);
        if (hit) mode = strictest(mode, t.mode);
      }
    }
    return mode;
  }
  function allowedQuery(policy, url) {
    const rule = policy ? ruleFor(policy, url) : null;
    return rule ? rule.allowQuery : /* @__PURE__ */ new Set();
  }

  // src/_shared.js
  var TEXT_FIELDS = { "agent.name": "vocabulary", "agent.os": "vocabulary", "agent.version": "vocabulary", "attrs.aria_label": "free_text", "attrs.href": "url", "attrs.id": "identifier", "attrs.name": "identifier", "attrs.placeholder": "free_text", "attrs.type": "vocabulary", "consent.grant_id": "vocabulary", "consent.notice_version": "vocabulary", "context.app": "identifier", "context.url": "url", "context.window_title": "free_text", "device_id": "vocabulary", "element.frame": "selector", "element.name": "free_text", "element.options": "free_text", "element.role": "vocabulary", "element.selector": "selector", "element.tag": "vocabulary", "element.text": "free_text", "element.value": "free_text", "key.keys": "vocabulary", "navigate.from_url": "url", "observe.same_as": "vocabulary", "privacy.policy_version": "vocabulary", "privacy.redactions": "vocabulary", "select.value": "free_text", "target.frame": "selector", "target.name": "free_text", "target.role": "vocabulary", "target.selector": "selector", "target.tag": "vocabulary", "target.text": "free_text", "task_end.task_id": "vocabulary", "task_start.label": "free_text", "task_start.task_id": "vocabulary", "type.text": "free_text" };
  var PROVIDER_RULES = [{ "check": null, "entity": "SECRET", "label": "AWS access key id", "pattern": "(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA)[A-Z0-9]{16}", "skip": 0, "triggers": ["AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AIPA", "ANPA", "ANVA", "AROA"] }, { "check": null, "entity": "SECRET", "label": "GitHub token", "pattern": "gh[pousr]_[A-Za-z0-9]{36,251}", "skip": 0, "triggers": ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"] }, { "check": null, "entity": "SECRET", "label": "GitHub fine-grained token", "pattern": "github_pat_[A-Za-z0-9_]{22,255}", "skip": 0, "triggers": ["github_pat_"] }, { "check": null, "entity": "SECRET", "label": "GitLab token", "pattern": "gl(?:pat|dt|rt|ptt|cbt|oas)-[A-Za-z0-9_\\-]{20,}", "skip": 0, "triggers": ["glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "gloas-"] }, { "check": null, "entity": "SECRET", "label": "Slack token", "pattern": "xox[abposre]-[A-Za-z0-9\\-]{10,}", "skip": 0, "triggers": ["xox"] }, { "check": null, "entity": "SECRET", "label": "Slack app token", "pattern": "xapp-\\d-[A-Za-z0-9\\-]{10,}", "skip": 0, "triggers": ["xapp-"] }, { "check": null, "entity": "SECRET", "label": "Slack webhook", "pattern": "hooks\\.slack\\.com/services/[A-Za-z0-9/]{20,}", "skip": 25, "triggers": ["hooks.slack.com"] }, { "check": null, "entity": "SECRET", "label": "Stripe key", "pattern": "(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}", "skip": 0, "triggers": ["sk_live_", "sk_test_", "rk_live_", "rk_test_"] }, { "check": null, "entity": "SECRET", "label": "Stripe webhook secret", "pattern": "whsec_[A-Za-z0-9]{24,}", "skip": 0, "triggers": ["whsec_"] }, { "check": null, "entity": "SECRET", "label": "Google API key", "pattern": "AIza[A-Za-z0-9_\\-]{35}", "skip": 0, "triggers": ["AIza"] }, { "check": null, "entity": "SECRET", "label": "Google OAuth client secret", "pattern": "GOCSPX-[A-Za-z0-9_\\-]{28}", "skip": 0, "triggers": ["GOCSPX-"] }, { "check": "openai", "entity": "SECRET", "label": "OpenAI/Anthropic key", "pattern": "sk-(?:proj-|svcacct-|admin-|ant-(?:api|admin)\\d\\d-)?[A-Za-z0-9_\\-]{20,}", "skip": 0, "triggers": ["sk-"] }, { "check": null, "entity": "SECRET", "label": "Twilio SID", "pattern": "(?:AC|SK)[0-9a-f]{32}", "skip": 0, "triggers": ["AC", "SK"] }, { "check": null, "entity": "SECRET", "label": "SendGrid key", "pattern": "SG\\.[A-Za-z0-9_\\-]{22}\\.[A-Za-z0-9_\\-]{43}", "skip": 0, "triggers": ["SG."] }, { "check": null, "entity": "SECRET", "label": "npm token", "pattern": "npm_[A-Za-z0-9]{36}", "skip": 0, "triggers": ["npm_"] }, { "check": null, "entity": "SECRET", "label": "PyPI token", "pattern": "pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\\-]{50,}", "skip": 0, "triggers": ["pypi-"] }, { "check": null, "entity": "SECRET", "label": "Hugging Face token", "pattern": "hf_[A-Za-z0-9]{34}", "skip": 0, "triggers": ["hf_"] }, { "check": null, "entity": "SECRET", "label": "Azure account key", "pattern": "AccountKey=[A-Za-z0-9+/=]{20,}", "skip": 11, "triggers": ["AccountKey="] }, { "check": null, "entity": "SECRET", "label": "Azure shared access key", "pattern": "SharedAccessKey=[A-Za-z0-9+/=]{20,}", "skip": 16, "triggers": ["SharedAccessKey="] }, { "check": "jwt", "entity": "JWT", "label": "JWT", "pattern": "eyJ[A-Za-z0-9_\\-]{8,}\\.(?:ey[A-Za-z0-9_\\-]+|e30)\\.[A-Za-z0-9_\\-]*", "skip": 0, "triggers": ["eyJ"] }];
  var PASSWORD_PARTS = ["pass", "passcode", "passphrase", "passwd", "password", "pw", "pwd"];
  var SECRET_PARTS = ["apikey", "credential", "credentials", "secret", "sessid", "session", "sessionid", "token"];
  var SECRET_ENDINGS = ["secret", "token", "apikey", "accesskey", "secretkey", "privatekey"];
  var KEY_QUALIFIERS = ["access", "account", "admin", "api", "app", "auth", "client", "consumer", "encryption", "license", "master", "private", "secret", "service", "shared", "signing", "storage", "subscription", "webhook", "x"];
  var URL_SECRET_PARTS = ["apikey", "assertion", "auth", "authorization", "bearer", "code", "credential", "credentials", "hmac", "jwt", "key", "otp", "pass", "passphrase", "passwd", "password", "pwd", "samlrequest", "samlresponse", "secret", "session", "sessionid", "sid", "sig", "signature", "ticket", "token"];
  var URL_SECRET_SUFFIXES = ["token", "secret", "password", "passwd", "signature", "apikey", "accesskey", "secretkey", "privatekey", "sessionid", "sessid", "credential", "credentials"];
  var IBAN_LENGTHS = { "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30 };
  var CARD_ISSUERS = [[4, 4, [13, 16, 19]], [51, 55, [16]], [2221, 2720, [16]], [34, 34, [15]], [37, 37, [15]], [300, 305, [14, 15, 16, 17, 18, 19]], [3095, 3095, [14, 15, 16, 17, 18, 19]], [36, 36, [14, 15, 16, 17, 18, 19]], [38, 39, [14, 15, 16, 17, 18, 19]], [6011, 6011, [16, 17, 18, 19]], [644, 649, [16, 17, 18, 19]], [65, 65, [16, 17, 18, 19]], [3528, 3589, [16, 17, 18, 19]], [2131, 2131, [15]], [1800, 1800, [15]], [62, 62, [16, 17, 18, 19]], [81, 82, [16]], [2200, 2204, [16, 17, 18, 19]], [50, 50, [12, 13, 14, 15, 16, 17, 18, 19]], [56, 69, [12, 13, 14, 15, 16, 17, 18, 19]], [60, 60, [16]], [9792, 9792, [16]]];
  var CARD_CUES = ["cards?", "credit", "debit", "visa", "master ?card", "amex", "american express", "maestro", "discover", "jcb", "diners", "union ?pay", "rupay", "cc", "ccn", "cc#", "pan", "kreditkarte", "karte", "carte", "cb", "tarjeta", "cart[ãa]o", "carta", "kaart", "creditcard", "betaalpas", "pinpas", "bankkarte", "girocard"];
  var RECORD_WORDS = ["order", "invoice", "inv", "ref", "reference", "po", "ticket", "case", "tracking", "shipment", "booking", "confirmation", "transaction", "txn", "receipt", "bestellung", "rechnung", "commande", "facture", "pedido", "factura", "ordine", "fattura", "bestelling", "factuur"];
  var PHONE_WORDS = "phones?|tel|mobile|mob|cell|fax|call|ring|sms|whatsapp|ph|reach|reachable|telefon|handy|mobil|mobilnummer|rufnummer|erreichbar|anrufen|t[ée]l[ée]phone|t[ée]l|portable|joindre|joignable|appeler|m[óo]vil|tel[ée]fono|llamar|ll[áa]mame|celular|telefone|ligar|mobiel|telefoon|bereikbaar|bellen|cellulare|chiamare|chiamami";
  var WEAK_PHONE_WORDS = "text|contact|number";
  var EMAIL_NOT_TLDS = ["bmp", "css", "gif", "ico", "jpeg", "jpg", "js", "json", "map", "md", "mjs", "png", "svg", "tif", "tiff", "ts", "txt", "webp"];
  var SSN_DUMMIES = ["078051120", "123456789", "219099999"];
  var NINO_BAD_PREFIXES = ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"];

  // src/detect/card.js
  var card_exports = {};
  __export(card_exports, {
    find: () => find,
    issuerKnown: () => issuerKnown,
    name: () => name
  });

  // src/detect/_checksums.js
  var LUHN_DOUBLED = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];
  function luhnOk(digits) {
    let total = 0;
    for (let i = 0; i < digits.length; i += 1) {
      const d = digits.charCodeAt(digits.length - 1 - i) - 48;
      total += i % 2 ? LUHN_DOUBLED[d] : d;
    }
    return total % 10 === 0;
  }
  function ibanMod97(iban) {
    const rearranged = iban.slice(4) + iban.slice(0, 4);
    let rest = 0;
    for (const ch of rearranged) {
      const value = parseInt(ch, 36);
      if (Number.isNaN(value)) return -1;
      const digits = String(value);
      for (const d of digits) rest = (rest * 10 + (d.charCodeAt(0) - 48)) % 97;
    }
    return rest;
  }
  var VERHOEFF_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
  ];
  var VERHOEFF_P = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]
  ];
  function verhoeffOk(digits) {
    let c = 0;
    for (let i = 0; i < digits.length; i += 1) {
      const d = digits.charCodeAt(digits.length - 1 - i) - 48;
      c = VERHOEFF_D[c][VERHOEFF_P[i % 8][d]];
    }
    return c === 0;
  }
  function bsnOk(digits) {
    if (digits.length !== 9) return false;
    let total = 0;
    for (let i = 0; i < 8; i += 1) total += (9 - i) * (digits.charCodeAt(i) - 48);
    total -= digits.charCodeAt(8) - 48;
    return total % 11 === 0 && digits !== "000000000";
  }
  var DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";
  function dniLetter(number) {
    return DNI_LETTERS[number % 23];
  }
  function nirOk(nir) {
    if (nir.length !== 15) return false;
    let body = nir.slice(0, 13).toUpperCase();
    if (body.slice(5, 7) === "2A") body = `${body.slice(0, 5)}19${body.slice(7)}`;
    else if (body.slice(5, 7) === "2B") body = `${body.slice(0, 5)}18${body.slice(7)}`;
    if (!/^[0-9]+$/.test(body) || !/^[0-9]+$/.test(nir.slice(13))) return false;
    let rest = 0;
    for (const d of body) rest = (rest * 10 + (d.charCodeAt(0) - 48)) % 97;
    return 97 - rest === Number(nir.slice(13));
  }
  function steuerIdOk(digits) {
    if (digits.length !== 11 || digits[0] === "0") return false;
    const counts = /* @__PURE__ */ new Map();
    for (const ch of digits.slice(0, 10)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    const repeated = [...counts.values()].filter((c) => c > 1);
    if (repeated.length !== 1 || repeated[0] > 3) return false;
    let product = 10;
    for (const ch of digits.slice(0, 10)) {
      const total = (ch.charCodeAt(0) - 48 + product) % 10 || 10;
      product = total * 2 % 11;
    }
    return (11 - product) % 10 === digits.charCodeAt(10) - 48;
  }
  function cpfOk(digits) {
    if (digits.length !== 11 || digits === digits[0].repeat(11)) return false;
    const nums = [...digits].map((ch) => ch.charCodeAt(0) - 48);
    for (const n of [9, 10]) {
      let total = 0;
      for (let i = 0; i < n; i += 1) total += nums[i] * (n + 1 - i);
      if (total * 10 % 11 % 10 !== nums[n]) return false;
    }
    return true;
  }
  var CF_ODD = [
    1,
    0,
    5,
    7,
    9,
    13,
    15,
    17,
    19,
    21,
    2,
    4,
    18,
    20,
    11,
    3,
    6,
    8,
    12,
    14,
    16,
    10,
    22,
    25,
    24,
    23
  ];
  function cfIndex(ch) {
    const code2 = ch.charCodeAt(0);
    return code2 >= 48 && code2 <= 57 ? code2 - 48 : code2 - 65;
  }
  function codiceFiscaleOk(cf) {
    if (cf.length !== 16 || !/^[A-Za-z0-9]+$/.test(cf)) return false;
    const upper = cf.toUpperCase();
    if (!/[A-Z]/.test(upper[15])) return false;
    let total = 0;
    for (let i = 0; i < 15; i += 1) {
      total += i % 2 === 0 ? CF_ODD[cfIndex(upper[i])] : cfIndex(upper[i]);
    }
    return String.fromCharCode(65 + total % 26) === upper[15];
  }
  function shannonEntropy(value) {
    const n = value.length;
    if (!n) return 0;
    const counts = /* @__PURE__ */ new Map();
    for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    let h = 0;
    for (const c of counts.values()) h -= c / n * Math.log2(c / n);
    return h;
  }

  // src/detect/_context.js
  var RECORD_LABEL = new RegExp(
    `\\b(?:${RECORD_WORDS.join("|")})(?: ?(?:no\\.?|nr\\.?|number|id|#))?[ ]?[:#]?[ ]?$`,
    "i"
  );
  function labelledAsRecord(text, start) {
    return RECORD_LABEL.test(text.slice(Math.max(0, start - 24), start));
  }

  // src/detect/_text.js
  var ALNUM = /^[\p{L}\p{N}]$/u;
  var ALPHA = /^\p{L}$/u;
  var UPPER = /^\p{Lu}$/u;
  var isAlnum = (ch) => ch !== void 0 && ALNUM.test(ch);
  var isAlpha = (ch) => ch !== void 0 && ALPHA.test(ch);
  var isUpper = (ch) => ch !== void 0 && UPPER.test(ch);
  function isAlnumAt(text, index) {
    return index >= 0 && index < text.length && isAlnum(text[index]);
  }
  function near(text, start, cue2, before = 40) {
    return cue2.test(text.slice(Math.max(0, start - before), start));
  }
  function matchAt(re, text, pos) {
    re.lastIndex = pos;
    return re.exec(text);
  }
  function* findIter(re, text, from = 0) {
    re.lastIndex = from;
    for (; ; ) {
      const m = re.exec(text);
      if (m === null) return;
      if (m[0] === "") re.lastIndex += 1;
      yield m;
    }
  }
  function span(start, end, entity, score = 1) {
    return { start, end, entity, score };
  }
  var allAlpha = (s) => s.length > 0 && /^\p{L}+$/u.test(s);
  var hasUpper = (s) => /\p{Lu}/u.test(s);
  var hasLower = (s) => /\p{Ll}/u.test(s);
  var hasDigit = (s) => /\p{Nd}/u.test(s);

  // src/detect/card.js
  var CANDIDATE = /(?<![\p{L}\p{N}_.,\-])[0-9]+(?:[ \-][0-9]+)*/gu;
  var GROUP = /[0-9]+/g;
  var ISSUERS = CARD_ISSUERS.map(([lo, hi, lengths]) => [lo, hi, new Set(lengths), String(lo).length]);
  var CUE = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${CARD_CUES.join("|")})(?![\\p{L}\\p{N}_])`, "iu");
  var CUE_WINDOW = 32;
  var MIN_DIGITS = 12;
  var MAX_DIGITS = 19;
  var name = "card";
  function issuerKnown(digits) {
    const n = digits.length;
    for (const [lo, hi, lengths, width] of ISSUERS) {
      if (!lengths.has(n)) continue;
      const prefix = Number(digits.slice(0, width));
      if (lo <= prefix && prefix <= hi) return true;
    }
    return false;
  }
  function find(text) {
    const spans = [];
    for (const m of findIter(CANDIDATE, text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (end - start < MIN_DIGITS) continue;
      const groups = [];
      for (const g of findIter(GROUP, m[0])) groups.push([start + g.index, start + g.index + g[0].length]);
      if (isAlnumAt(text, end) || decimalAfter(text, end)) groups.pop();
      spans.push(...runs(text, groups));
    }
    return spans;
  }
  function runs(text, groups) {
    const found = [];
    let i = 0;
    while (i < groups.length) {
      for (let j = Math.min(groups.length, i + 8) - 1; j >= i; j -= 1) {
        const whole = i === 0 && j === groups.length - 1;
        const s = check(text, groups[i][0], groups[j][1], j - i + 1, whole);
        if (s !== null) {
          found.push(s);
          i = j;
          break;
        }
      }
      i += 1;
    }
    return found;
  }
  function check(text, start, end, nGroups, whole) {
    const digits = text.slice(start, end).replace(/[ \-]/g, "");
    if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) return null;
    if (digits.length < 13 && !whole) return null;
    if (!luhnOk(digits) || digits === digits[0].repeat(digits.length)) return null;
    if (near(text, start, CUE, CUE_WINDOW)) return span(start, end, "CARD", 1);
    if (nGroups === 1 && labelledAsRecord(text, start)) return null;
    if (!issuerKnown(digits)) return null;
    return span(start, end, "CARD", nGroups > 1 ? 1 : 0.9);
  }
  function decimalAfter(text, end) {
    return end + 1 < text.length && ".,".includes(text[end]) && /[0-9]/.test(text[end + 1]);
  }

  // src/detect/email.js
  var email_exports = {};
  __export(email_exports, {
    find: () => find2,
    name: () => name2
  });
  var LOCAL_CHAR = /^[\p{L}\p{N}\p{M}_.%+'\-]$/u;
  var DOMAIN = /(?:[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}_\-]{0,61}[\p{L}\p{N}])?\.)+(\p{L}{2,63}|xn--[a-z0-9\-]{1,59})(?![\p{L}\p{N}\p{M}_\-])/iuy;
  var NOT_TLDS = new Set(EMAIL_NOT_TLDS);
  var name2 = "email";
  function find2(text) {
    const spans = [];
    let at = text.indexOf("@");
    while (at !== -1) {
      const found = atSign(text, at);
      if (found) spans.push(found);
      at = text.indexOf("@", at + 1);
    }
    return spans;
  }
  function atSign(text, at) {
    let i = at;
    while (i > 0 && at - i < 64 && LOCAL_CHAR.test(text[i - 1])) i -= 1;
    let local = text.slice(i, at);
    local = local.replace(/^[.']+/, "");
    if (!local || local.endsWith(".")) return null;
    const start = at - local.length;
    DOMAIN.lastIndex = at + 1;
    const d = DOMAIN.exec(text);
    if (d === null || NOT_TLDS.has(d[1].toLowerCase())) return null;
    if (inUrlAuthority(text, start)) return null;
    const end = d.index + d[0].length;
    if (local === "git" && text[end] === ":") return null;
    return span(start, end, "EMAIL");
  }
  function inUrlAuthority(text, start) {
    const from = Math.max(0, start - 256);
    const scheme = start >= 3 ? text.lastIndexOf("://", start - 3) : -1;
    if (scheme === -1 || scheme < from) return false;
    const between = text.slice(scheme + 3, start);
    return !between.includes("/") && !/\s/u.test(between);
  }

  // src/detect/iban.js
  var iban_exports = {};
  __export(iban_exports, {
    find: () => find3,
    name: () => name3
  });
  var START = /(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}/g;
  var ASCII_ALNUM = /^[A-Za-z0-9]$/;
  var name3 = "iban";
  function find3(text) {
    const spans = [];
    for (const m of findIter(START, text)) {
      const length = IBAN_LENGTHS[m[0].slice(0, 2).toUpperCase()];
      if (length === void 0) continue;
      const end = read(text, m.index + 4, length - 4);
      if (end === null) continue;
      const compact = text.slice(m.index, end).replace(/ /g, "").toUpperCase();
      if (ibanMod97(compact) === 1) spans.push(span(m.index, end, "IBAN"));
    }
    return spans;
  }
  function read(text, pos, want) {
    const n = text.length;
    let got = 0;
    while (got < want && pos < n) {
      const ch = text[pos];
      if (ASCII_ALNUM.test(ch)) got += 1;
      else if (!(ch === " " && pos + 1 < n && isAlnum(text[pos + 1]))) break;
      pos += 1;
    }
    if (got < want || pos < n && isAlnum(text[pos])) return null;
    return pos;
  }

  // src/detect/ip.js
  var ip_exports = {};
  __export(ip_exports, {
    find: () => find4,
    name: () => name4,
    parseIPv6: () => parseIPv6
  });
  var V4 = /(?<![\p{L}\p{N}_.])[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(?![\p{L}\p{N}_]|\.[0-9])/gu;
  var V6 = /(?<![\p{L}\p{N}_.])(?<![0-9A-Fa-f.:]:)(?:[0-9A-Fa-f]{1,4}:|::?)[0-9A-Fa-f:.]*[0-9A-Fa-f:](?:%[\p{L}\p{N}_.]+)?(?![\p{L}\p{N}_:])/gu;
  var VERSION_CUE = /(?:\bv|\bversion|\bver\.?|\brelease|\bbuild|\brev)\s*$/i;
  var MASK_OCTETS = /* @__PURE__ */ new Set(["0", "128", "192", "224", "240", "248", "252", "254", "255"]);
  var name4 = "ip";
  function find4(text) {
    const spans = [];
    for (const m of findIter(V4, text)) {
      if (v4Ok(text, m.index, m[0])) spans.push(span(m.index, m.index + m[0].length, "IP"));
    }
    if (text.includes("::") || (text.match(/:/g) ?? []).length >= 7) {
      for (const m of findIter(V6, text)) {
        const raw = m[0];
        if ((raw.match(/:/g) ?? []).length >= 2 && /[0-9]/.test(raw) && v6Ok(raw)) {
          spans.push(span(m.index, m.index + raw.length, "IP"));
        }
      }
    }
    return spans;
  }
  function v4Ok(text, start, raw) {
    const octets = raw.split(".");
    if (octets.some((o) => Number(o) > 255 || o.length > 1 && o[0] === "0")) return false;
    if (octets[0] === "0" || octets[0] === "127") return false;
    if (octets[0] === "255" && octets.every((o) => MASK_OCTETS.has(o))) return false;
    return !VERSION_CUE.test(text.slice(Math.max(0, start - 12), start));
  }
  function parseIPv6(raw) {
    let text = raw;
    const zone = text.indexOf("%");
    if (zone !== -1) {
      if (zone === text.length - 1) return null;
      text = text.slice(0, zone);
    }
    const halves = text.split("::");
    if (halves.length > 2) return null;
    const parse = (part) => part === "" ? [] : part.split(":");
    const head = parse(halves[0]);
    const tail = halves.length === 2 ? parse(halves[1]) : [];
    const parts = halves.length === 2 ? [...head, ...tail] : head;
    const groups = [];
    for (let i = 0; i < parts.length; i += 1) {
      const part = parts[i];
      if (part.includes(".")) {
        if (i !== parts.length - 1) return null;
        const v4 = part.split(".");
        if (v4.length !== 4) return null;
        const bytes = [];
        for (const o of v4) {
          if (!/^[0-9]{1,3}$/.test(o) || Number(o) > 255 || o.length > 1 && o[0] === "0") return null;
          bytes.push(Number(o));
        }
        groups.push(bytes[0] * 256 + bytes[1], bytes[2] * 256 + bytes[3]);
      } else {
        if (!/^[0-9A-Fa-f]{1,4}$/.test(part)) return null;
        groups.push(parseInt(part, 16));
      }
    }
    if (halves.length === 2) {
      if (groups.length > 7) return null;
      const headCount = head.reduce((n, p) => n + (p.includes(".") ? 2 : 1), 0);
      const fill = new Array(8 - groups.length).fill(0);
      return [...groups.slice(0, headCount), ...fill, ...groups.slice(headCount)];
    }
    return groups.length === 8 ? groups : null;
  }
  function v6Ok(raw) {
    const groups = parseIPv6(raw);
    if (groups === null) return false;
    const unspecified = groups.every((g) => g === 0);
    const loopback = groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1;
    return !(unspecified || loopback);
  }

  // src/detect/national_id.js
  var national_id_exports = {};
  __export(national_id_exports, {
    find: () => find5,
    name: () => name5
  });
  var CF = /(?<![A-Za-z0-9])[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z](?![A-Za-z0-9])/g;
  var OMOCODIA = { L: "0", M: "1", N: "2", P: "3", Q: "4", R: "5", S: "6", T: "7", U: "8", V: "9" };
  var SSN_DUMMY = new Set(SSN_DUMMIES);
  var NINO_BAD = new Set(NINO_BAD_PREFIXES);
  var CUE_WINDOW2 = 40;
  var cue = (words) => new RegExp(`\\b(?:${words})\\b`, "i");
  var NOT_RECORD_ID = [
    "order",
    "invoice",
    "ticket",
    "request",
    "account",
    "transaction",
    "session",
    "user",
    "customer",
    "product",
    "client",
    "tracking",
    "booking",
    "case",
    "job",
    "build",
    "item"
  ].map((w) => `(?<!${w}[ \\-_])`).join("");
  var GENERIC_ID_CUE = /(?<![\p{L}\p{N}_\-])(?<![\p{L}\p{N}_\-] )(?:id|id[ \-]?(?:no\.?|nr\.?|number|#)|identification(?: number| no\.?)?|national id(?: number| no\.?)?|identity(?: card)? (?:number|no\.?))[ ]?[:#=]?[ ]?$/iu;
  function ssnOk(d) {
    const area = d.slice(0, 3);
    return area !== "000" && area !== "666" && area[0] !== "9" && d.slice(3, 5) !== "00" && d.slice(5) !== "0000" && !SSN_DUMMY.has(d);
  }
  function dniOk(d) {
    const number = "XYZ".includes(d[0]) ? Number(String("XYZ".indexOf(d[0])) + d.slice(1, 8)) : Number(d.slice(0, 8));
    return dniLetter(number) === d[8];
  }
  function nirValid(d) {
    const month = Number(d.slice(3, 5));
    return (month >= 1 && month <= 12 || month >= 20 && month <= 42 || month >= 50 && month <= 99) && nirOk(d);
  }
  var RULES = [
    {
      entity: "SSN",
      pattern: /[0-9]{3}([ \-]?)[0-9]{2}\1[0-9]{4}(?![\p{L}\p{N}_\-])/gu,
      valid: ssnOk,
      cue: cue("ssn|ss#|social security(?: number| no)?|soc\\.? ?sec\\.?"),
      cueRule: "bare",
      genericCue: GENERIC_ID_CUE
    },
    {
      entity: "NINO",
      pattern: /[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D](?![A-Za-z0-9])/g,
      valid: (d) => !NINO_BAD.has(d.slice(0, 2)),
      cue: cue("nino|ni (?:number|no\\.?)|national insurance(?: number| no\\.?)?"),
      cueRule: "never"
    },
    {
      entity: "NATIONAL_ID",
      pattern: /[0-9]{4}(?:\.?[0-9]{2}\.?[0-9]{3})(?![\p{L}\p{N}_\-]|\.[0-9])/gu,
      valid: bsnOk,
      checksum: true,
      cue: cue(
        `bsn|bsn-?nummer|burgerservicenummer|sofi-?nummer|citizen service number|persoonsnummer|identiteitsnummer|${NOT_RECORD_ID}id(?:-?nummer)?`
      ),
      cueRule: "always"
    },
    {
      entity: "NATIONAL_ID",
      pattern: /(?:[0-9]{8}|[XYZ][ \-]?[0-9]{7})[ \-]?[A-Z](?![A-Za-z0-9])/g,
      valid: dniOk,
      cue: null,
      cueRule: "never"
    },
    {
      entity: "NATIONAL_ID",
      pattern: /[12378] ?[0-9]{2} ?[0-9]{2} ?(?:[0-9]{2}|2[AB]) ?[0-9]{3} ?[0-9]{3} ?[0-9]{2}(?![\p{L}\p{N}_\-])/gu,
      valid: nirValid,
      cue: null,
      cueRule: "never"
    },
    {
      entity: "NATIONAL_ID",
      pattern: /[1-9][0-9] ?[0-9]{3} ?[0-9]{3} ?[0-9]{3}(?![\p{L}\p{N}_\-])/gu,
      valid: steuerIdOk,
      checksum: true,
      cue: cue("steuer-?id|steuer-?identifikationsnummer|identifikationsnummer|idnr|tin|tax id"),
      cueRule: "bare"
    },
    {
      entity: "NATIONAL_ID",
      pattern: /[2-9][0-9]{3}([ \-]?)[0-9]{4}\1[0-9]{4}(?![\p{L}\p{N}_\-])/gu,
      valid: (d) => !"01".includes(d[0]) && verhoeffOk(d),
      checksum: true,
      cue: cue("aadhaa?r|uidai|uid"),
      cueRule: "bare"
    },
    {
      entity: "NATIONAL_ID",
      pattern: /[0-9]{3}(?:\.[0-9]{3}\.[0-9]{3}-[0-9]{2}|[0-9]{8})(?![\p{L}\p{N}_\-])/gu,
      valid: cpfOk,
      checksum: true,
      cue: cue("cpf"),
      cueRule: "bare"
    }
  ];
  var name5 = "national_id";
  function find5(text) {
    const spans = [];
    if (/[0-9](?:[ .\-]?[0-9]){5}/.test(text)) {
      for (const rule of RULES) {
        for (const m of findIter(rule.pattern, text)) {
          const found = check2(text, rule, m);
          if (found !== null) spans.push(found);
        }
      }
    }
    if (/[A-Z]{6}/.test(text)) {
      for (const m of findIter(CF, text)) {
        if (codiceFiscaleOk(m[0]) && !cfDigitsBad(m[0])) spans.push(span(m.index, m.index + 16, "NATIONAL_ID", 1));
      }
    }
    return spans;
  }
  function check2(text, rule, m) {
    const start = m.index;
    const end = start + m[0].length;
    if (start && (isAlnum(text[start - 1]) || "_-.".includes(text[start - 1]))) return null;
    if (end < text.length && (isAlnum(text[end]) || "_-".includes(text[end]))) return null;
    if (text[end] === "." && isAlnumAt(text, end + 1)) return null;
    const raw = m[0];
    const compact = raw.replace(/[ .\-]/g, "").toUpperCase();
    if (!rule.valid(compact)) return null;
    if (rule.cue !== null && near(text, start, rule.cue, CUE_WINDOW2)) return span(start, end, rule.entity, 1);
    const formatted = compact !== raw.toUpperCase();
    const needsCue = rule.cueRule === "always" || rule.cueRule === "bare" && !formatted;
    if (!needsCue) {
      if (!formatted && /^[0-9]+$/.test(raw) && labelledAsRecord(text, start)) return null;
      return span(start, end, rule.entity, formatted ? 0.95 : 0.85);
    }
    const generic = rule.genericCue !== void 0 && near(text, start, rule.genericCue, CUE_WINDOW2);
    const alone = rule.checksum === true && text.slice(0, start).trim() === "" && text.slice(end).trim() === "";
    return generic || alone ? span(start, end, rule.entity, 0.9) : null;
  }
  function cfDigitsBad(cf) {
    const day = Number(
      cf.slice(9, 11).split("").map((ch) => OMOCODIA[ch] ?? ch).join("")
    );
    return !(day >= 1 && day <= 31 || day >= 41 && day <= 71);
  }

  // src/detect/phone.js
  var phone_exports = {};
  __export(phone_exports, {
    find: () => find6,
    name: () => name6
  });
  var CANDIDATE2 = /(?<![\p{L}\p{N}_+#$€£¥.,/\-])(?:\+ ?|\b00)?(?:\([0-9]{1,5}\)[ \-]?)?[0-9]+(?:(?:[ .\-/]| ?\([0-9]{1,5}\)[ \-]?)[0-9]+)*/gu;
  var GROUP2 = /\(?[0-9]+\)?/g;
  var NON_DIGIT = /[^0-9]+/g;
  var MAX_GROUPS = 8;
  var MAX_TRIES = 48;
  var DATE = /^([0-9]{1,4})([ ./\-])([0-9]{1,2})\2([0-9]{2}|[0-9]{4})$/;
  var ISO_DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}\b/;
  var UUID_START = /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-/y;
  var EXTENSION = /(?: ?(?:x|ext\.?|extension) ?[0-9]{1,6})(?![\p{L}\p{N}_]|[.,][0-9])/iuy;
  var URL2 = /(?<![a-z0-9+.\-])[a-z][a-z0-9+.\-]{0,31}:\/\/[^\s<>"']+/gi;
  var ESCAPE = /%(?:2B|20|28|29)/i;
  var UNESCAPE = { "%2B": "+", "%20": " ", "%28": "(", "%29": ")" };
  var CUE2 = new RegExp(`\\b(?:${PHONE_WORDS}|${WEAK_PHONE_WORDS})\\b`, "i");
  var STRONG_CUE = new RegExp(`\\b(?:${PHONE_WORDS})\\b`, "i");
  var NANP_LAYOUT = /^(?:1[ .\-])?(?:\([2-9][0-9]{2}\) ?[2-9][0-9]{2}[.\-]|[2-9][0-9]{2}([.\-])[2-9][0-9]{2}\1)[0-9]{4}$/;
  var CEP = /^[0-9]{5}-[0-9]{3}$/;
  var NOT_A_PHONE_CUE = /\b(?:order|invoice|ticket|case|ref|reference|id|sku|serial|tracking|acct|po|version|build|release|isbn|batch|lot)\s*(?:no\.?|number|nr\.?|#|:)?\s*#?\s*$/i;
  var NANP = /^1?[2-9][0-9]{2}[2-9][0-9]{6}$/;
  var name6 = "phone";
  var digitsOf = (s) => s.replace(NON_DIGIT, "");
  function find6(text) {
    if (!text.includes("://") || !text.includes("%")) return findPlain(text);
    const encoded = [...text.matchAll(URL2)].filter((m) => ESCAPE.test(m[0])).map((m) => [m.index, m.index + m[0].length]);
    if (!encoded.length) return findPlain(text);
    const spans = findPlain(text).filter((s) => !encoded.some(([a, b]) => s.start >= a && s.start < b));
    for (const [a, b] of encoded) {
      const [decoded, offsets] = unescape(text, a, b);
      for (const s of findPlain(decoded)) {
        const start = offsets[s.start];
        let end = offsets[s.end - 1];
        end += text[end] === "%" ? 3 : 1;
        spans.push(span(start, end, s.entity, s.score));
      }
    }
    return spans.sort((x, y) => x.start - y.start || x.end - y.end);
  }
  function findPlain(text) {
    const spans = [];
    for (const m of findIter(CANDIDATE2, text)) {
      const start = m.index;
      let end = start + m[0].length;
      if (end - start < 7) continue;
      if (matchAt(UUID_START, text, start)) continue;
      const ext = matchAt(EXTENSION, text, end);
      if (ext === null && (isAlnumAt(text, end) || continuesNumber(text, end))) {
        end = dropLastGroup(text, start, end);
        if (end - start < 7) continue;
      }
      const raw = text.slice(start, end);
      if (digitsOf(raw).length < 7 || looksLikeOtherNumber(raw)) continue;
      if (NOT_A_PHONE_CUE.test(text.slice(Math.max(0, start - 24), start))) continue;
      let found = windows(text, start, end);
      if (!found.length && announced(text, start, end, ext !== null)) found = [span(start, end, "PHONE", 0.85)];
      if (ext !== null) {
        const extEnd = end + ext[0].length;
        found = found.map((f) => f.end === end ? span(f.start, extEnd, f.entity, f.score) : f);
      }
      spans.push(...found);
    }
    return spans;
  }
  function windows(text, start, end) {
    const whole = check3(text, start, end);
    if (whole !== null) return [whole];
    const groups = [];
    for (const g of findIter(GROUP2, text.slice(start, end))) groups.push([start + g.index, start + g.index + g[0].length]);
    if (groups.length < 2) return [];
    const digits = groups.map(([a, b]) => digitsOf(text.slice(a, b)));
    const found = [];
    let tries = 0;
    let i = 0;
    while (i < groups.length && tries < MAX_TRIES) {
      if (i && digits[i].length < 2 && text[groups[i][0]] !== "(") {
        i += 1;
        continue;
      }
      for (let j = Math.min(groups.length, i + MAX_GROUPS) - 1; j >= i; j -= 1) {
        if (i === 0 && j === groups.length - 1) continue;
        const run = digits.slice(i, j + 1).join("");
        const intl = i === 0 && text[start] === "+";
        if (!plausible(run, intl)) continue;
        tries += 1;
        const s = check3(text, i === 0 ? start : groups[i][0], groups[j][1]);
        if (s !== null) {
          found.push(s);
          i = j;
          break;
        }
      }
      i += 1;
    }
    return found;
  }
  function announced(text, start, end, extension) {
    const raw = text.slice(start, end);
    const digits = digitsOf(raw);
    const n = digits.startsWith("00") ? digits.length - 2 : digits.length;
    if (n < 8 || n > 15 || looksLikeOtherNumber(raw)) return false;
    return extension || NANP_LAYOUT.test(raw) || near(text, start, STRONG_CUE, 30);
  }
  function plausible(digits, intl) {
    if (intl || digits.startsWith("00")) return digits.length >= 8 && digits.length <= 17;
    return digits.length >= 7 && digits.length <= 13;
  }
  function check3(text, start, end) {
    const raw = text.slice(start, end);
    const digits = digitsOf(raw);
    if (digits.length < 7 || digits.length > 17 || looksLikeOtherNumber(raw)) return null;
    if (raw.startsWith("+") || raw.startsWith("00")) {
      const international = raw.startsWith("00") ? digits.slice(2) : digits;
      const ok = international.length >= 8 && international.length <= 15 && international[0] !== "0";
      return ok ? span(start, end, "PHONE", 1) : null;
    }
    const formatted = !/^[0-9]+$/.test(raw);
    const cued = near(text, start, CUE2, 30);
    const n = digits.length;
    if (!formatted && !cued) {
      const trunkOnly = n >= 9 && n <= 12 && digits[0] === "0" && digits[1] !== "0";
      return trunkOnly ? span(start, end, "PHONE", 0.8) : null;
    }
    const trunk = digits[0] === "0" && digits[1] !== "0" && n >= 8 && n <= 12;
    const nanp = NANP.test(digits);
    const grouped = formatted && n >= 9 && n <= 11;
    if (trunk || nanp || grouped || cued && n >= 7 && n <= 13) {
      return span(start, end, "PHONE", formatted ? 0.9 : 0.8);
    }
    return null;
  }
  function unescape(text, start, end) {
    const out = [];
    const offsets = [];
    let i = start;
    while (i < end) {
      const chunk = text.slice(i, i + 3).toUpperCase();
      if (chunk in UNESCAPE && i + 3 <= end) {
        out.push(UNESCAPE[chunk]);
        offsets.push(i);
        i += 3;
      } else {
        out.push(text[i]);
        offsets.push(i);
        i += 1;
      }
    }
    return [out.join(""), offsets];
  }
  function dropLastGroup(text, start, end) {
    const groups = [...text.slice(start, end).matchAll(GROUP2)].map((g) => start + g.index + g[0].length);
    return groups.length > 1 ? groups[groups.length - 2] : start;
  }
  function isDate(raw) {
    const m = DATE.exec(raw);
    if (m === null) return false;
    const [a, b, c] = [Number(m[1]), Number(m[3]), Number(m[4])];
    if (m[1].length === 4) return b >= 1 && b <= 12 && c >= 1 && c <= 31 || b >= 1 && b <= 31 && c >= 1 && c <= 12;
    if (m[1].length > 2) return false;
    return a >= 1 && a <= 31 && b >= 1 && b <= 12 || a >= 1 && a <= 12 && b >= 1 && b <= 31;
  }
  function continuesNumber(text, end) {
    return end + 1 < text.length && ".,:".includes(text[end]) && /[0-9]/.test(text[end + 1]);
  }
  function looksLikeOtherNumber(raw) {
    if (ISO_DATE.test(raw) || isDate(raw) || CEP.test(raw)) return true;
    if (raw.includes(".")) {
      const parts = raw.replace(/^\++/, "").split(".");
      if (parts.some((p) => p.replace(/^[() ]+|[() ]+$/g, "").length < 2)) return true;
      if (parts.length === 4 && parts.every((p) => /^[0-9]{1,3}$/.test(p))) return true;
    }
    return false;
  }

  // src/detect/secrets.js
  var secrets_exports = {};
  __export(secrets_exports, {
    classifyName: () => classifyName,
    find: () => find8,
    name: () => name8
  });

  // src/detect/url_credentials.js
  var url_credentials_exports = {};
  __export(url_credentials_exports, {
    find: () => find7,
    name: () => name7,
    secretParam: () => secretParam
  });
  var USERINFO = /:\/\/([^\s/?#"'<>@]+(?:@[^\s/?#"'<>@]+)*)@(?=[\p{L}\p{N}_\[])/gu;
  var PARAM = /[?&;#]([A-Za-z0-9_.\-\[\]]{1,64})=([^&\s#"'<>]+)/g;
  var SPLIT = /[_\-.\[\]]+/;
  var PARTS = new Set(URL_SECRET_PARTS);
  var TRAILING = /[.,;:!?)\]}'"]+$/;
  var HARMLESS_USERS = /* @__PURE__ */ new Set(["git"]);
  var name7 = "url_credentials";
  function secretParam(paramName) {
    for (const part of paramName.toLowerCase().split(SPLIT)) {
      if (PARTS.has(part) || URL_SECRET_SUFFIXES.some((s) => part.endsWith(s))) return true;
    }
    return false;
  }
  function find7(text) {
    const spans = [];
    if (text.includes("://")) {
      for (const m of findIter(USERINFO, text)) {
        const userinfo = m[1];
        if (!userinfo.includes(":") && HARMLESS_USERS.has(userinfo.toLowerCase())) continue;
        const start = m.index + 3;
        spans.push(span(start, start + userinfo.length, "URL_CREDENTIALS", userinfo.includes(":") ? 1 : 0.8));
      }
    }
    if (text.includes("=")) {
      for (const m of findIter(PARAM, text)) {
        if (!secretParam(m[1])) continue;
        const value = m[2].replace(TRAILING, "");
        if (value) {
          const start = m.index + m[0].length - m[2].length;
          spans.push(span(start, start + value.length, "URL_CREDENTIALS", 0.9));
        }
      }
    }
    return spans;
  }

  // src/detect/secrets.js
  var name8 = "secrets";
  var PASSWORD_PARTS2 = new Set(PASSWORD_PARTS);
  var SECRET_PARTS2 = new Set(SECRET_PARTS);
  var QUALIFIERS = new Set(KEY_QUALIFIERS);
  var mixed = (v) => hasDigit(v) && hasUpper(v) && hasLower(v);
  var decoder = new TextDecoder("utf-8", { fatal: true });
  function jwtOk(value) {
    const header = value.split(".", 1)[0].replace(/-/g, "+").replace(/_/g, "/");
    try {
      const binary = atob(header + "=".repeat((4 - header.length % 4) % 4));
      const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
      const decoded = JSON.parse(decoder.decode(bytes));
      return decoded !== null && typeof decoded === "object" && !Array.isArray(decoded) && "alg" in decoded;
    } catch {
      return false;
    }
  }
  var CHECKS = { openai: (v) => mixed(v.slice(3)), jwt: jwtOk };
  var RULES2 = PROVIDER_RULES.map((r) => ({
    ...r,
    regex: new RegExp(r.pattern, "y"),
    validate: r.check === null ? null : CHECKS[r.check]
  }));
  var TRIGGERS = [...new Set(RULES2.flatMap((r) => r.triggers))].sort((a, b) => b.length - a.length);
  var escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  var TRIGGER_RE = new RegExp(TRIGGERS.map(escape).join("|"), "g");
  var RULES_FOR = new Map(
    TRIGGERS.map((t) => [t, RULES2.filter((r) => r.triggers.some((u) => t.startsWith(u)))])
  );
  var PEM_BEGIN = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g;
  var PEM_END = /-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g;
  var PEM_BODY = /[A-Za-z0-9+/=\s:,\-]*/y;
  var TOKEN_CHAR = /^[A-Za-z0-9_\-]$/;
  var tokenCharAt = (text, i) => i >= 0 && i < text.length && TOKEN_CHAR.test(text[i]);
  var KEYWORDS = ["pass", "pwd", "secret", "token", "key", "credential", "sess"];
  var KEYWORD = /pass|pwd|secret|token|key|credential|sess/gi;
  var ASSIGNMENT_TRIGGERS = [...KEYWORDS, "bearer", "authorization", "-u"];
  var NAME_TAIL = /[\p{L}\p{N}_\-]*/uy;
  var NAME_CHAR = /^[\p{L}\p{N}_.\-]$/u;
  var SEP = /["']?[ \t]*(?::=|=>|[:=])[ \t]*/y;
  var FLAG_SEP = /[ \t]+|=/y;
  var PROSE_SEP = /[ \t]+(?:is|was|:)[ \t]*:?[ \t]*/y;
  var VALUE = new RegExp(`"((?:[^"\\\\\\n]|\\\\.){1,512})"?|'([^'\\n]{1,512})'?|([^\\s"'\`,;<>)\\]}]{1,512})`, "dy");
  var CAMEL = /([a-z0-9])([A-Z])/g;
  var PARTS2 = /[^a-z0-9]+/;
  var PLACEHOLDER = /^(?:[*x•.\-_#?]+|<[^>]*>?|\$\{?[\p{L}\p{N}_]*\}?|\{\{.*|%\(?[\p{L}\p{N}_]*\)?s|\[[^\]]*\]?|(?:null|none|nil|true|false|undefined|redacted|hidden|required|optional|string|str|int|bool|env|yes|no|n\/a|\*\*\*))$/iu;
  var CODE = /^[A-Za-z_][\p{L}\p{N}_.]*[(\[](?=["'A-Za-z_\])\]]|$)/u;
  var AUTH = new RegExp(`\\b(?:authorization["']?[ \\t]*[:=][ \\t]*["']?(?:bearer|basic|token|digest)?|bearer)[ \\t]+([A-Za-z0-9\\-._~+/]{8,}=*)`, "dgi");
  var USER_FLAG = new RegExp(`(?<!\\S)(?:-u|--user)[ =]["']?([^\\s:"'@]+:[^\\s"']+)`, "dg");
  var CLI_PASSWORD = new RegExp(`\\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump)\\b[^\\n|;&]*?(?<!\\S)-p(?:'([^'\\n]+)'|"([^"\\n]+)"|([^\\s'"]+))|\\bsshpass[ \\t]+-p[ \\t]?(?:'([^'\\n]+)'|"([^"\\n]+)"|([^\\s'"]+))`, "dg");
  var CLI_TRIGGERS = ["mysql", "mariadb", "sshpass"];
  var PROSE_PASSWORD = new RegExp("\\b(?:pass(?:word|wort|phrase|code)|pwd|pw)\\b(?:[ \\t]+(?:for|of|to|on)[ \\t]+[^\\n.:;,=]{1,40}?)?(?:[ \\t]*[:=][ \\t]*|[ \\t]+(?:is|was|is now|will be|=)[ \\t]*:?[ \\t]*)(?:'([^'\\n]{3,128})'?|\"([^\"\\n]{3,128})\"?|`([^`\\n]{3,128})`?|([^\\s'\"`]\\S{2,127}))", "dgi");
  var PROSE_TRAILING = `.,;:)]}'"`;
  var HEXISH = /^[0-9a-fA-F\-]+$/;
  var IDENT_PART = /[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+|[_\-+/=]+/g;
  var ENTROPY_CANDIDATE = /[A-Za-z0-9+/_\-]{20,512}={0,2}/g;
  var ENTROPY_TRIGGERS = [
    "key",
    "token",
    "secret",
    "passw",
    "pwd",
    "credential",
    "auth",
    "bearer",
    "api",
    "sig",
    "private",
    "session",
    "cookie"
  ];
  var ENTROPY_CUE = /key|token|secret|passw|pwd|credential|auth|bearer|api|signature|\bsig\b|private|session|cookie/i;
  var ENTROPY_WINDOW = 40;
  function classifyName(varName) {
    const parts = varName.replace(CAMEL, "$1_$2").toLowerCase().split(PARTS2).filter(Boolean);
    if (!parts.length) return null;
    const last = parts[parts.length - 1];
    if (PASSWORD_PARTS2.has(last) || ["password", "passwd", "passphrase"].some((e) => last.endsWith(e))) {
      return "PASSWORD";
    }
    if (SECRET_PARTS2.has(last) || SECRET_ENDINGS.some((e) => last.endsWith(e))) return "SECRET";
    if (last === "key" && parts.length > 1 && QUALIFIERS.has(parts[parts.length - 2])) return "SECRET";
    return null;
  }
  function entropyThreshold(n) {
    if (n >= 64) return 4.3;
    if (n >= 40) return 4 + (n - 40) * 0.3 / 24;
    if (n >= 32) return 3.7 + (n - 32) * 0.3 / 8;
    return 3.3 + Math.max(0, n - 20) * 0.4 / 12;
  }
  function mixedOrSymbol(value) {
    return hasUpper(value) && hasLower(value) && /[\p{Nd}+/_\-]/u.test(value);
  }
  function randomLooking(value) {
    if (HEXISH.test(value) || !mixedOrSymbol(value)) return false;
    if (shannonEntropy(value) < entropyThreshold(value.length)) return false;
    const parts = value.match(IDENT_PART) ?? [];
    const words = parts.filter((p) => isAlpha(p[0]));
    return !(words.length && words.every((p) => p.length >= 3) && parts.length * 3 <= value.length);
  }
  function find8(text) {
    const spans = findProviders(text);
    const lower = text.toLowerCase();
    if (ASSIGNMENT_TRIGGERS.some((t) => lower.includes(t))) spans.push(...findAssignments(text, lower));
    if (CLI_TRIGGERS.some((t) => lower.includes(t))) spans.push(...findCliPasswords(text));
    if (lower.includes("pw") || lower.includes("pass")) spans.push(...findProsePasswords(text));
    if (ENTROPY_TRIGGERS.some((t) => lower.includes(t))) spans.push(...findRandom(text));
    return spans;
  }
  function findProviders(text) {
    const spans = [];
    for (const hit of findIter(TRIGGER_RE, text)) {
      const start = hit.index;
      const glued = tokenCharAt(text, start - 1);
      for (const rule of RULES_FOR.get(hit[0])) {
        if (glued && !rule.skip) continue;
        const m = matchAt(rule.regex, text, start);
        if (m === null) continue;
        const end = start + m[0].length;
        if (tokenCharAt(text, end)) continue;
        if (rule.validate !== null && !rule.validate(m[0])) continue;
        spans.push(span(start + rule.skip, end, rule.entity));
      }
    }
    if (text.includes("-----BEGIN")) spans.push(...findPrivateKeys(text));
    return spans;
  }
  function findPrivateKeys(text) {
    const spans = [];
    let covered = 0;
    let noEndFrom = text.length + 1;
    let end = null;
    for (const begin of findIter(PEM_BEGIN, text)) {
      if (begin.index < covered) continue;
      const beginEnd = begin.index + begin[0].length;
      if (beginEnd >= noEndFrom) end = null;
      else if (end === null || end.index < beginEnd) {
        PEM_END.lastIndex = beginEnd;
        end = PEM_END.exec(text);
        if (end === null) noEndFrom = beginEnd;
      }
      if (end !== null) covered = end.index + end[0].length;
      else {
        const body = matchAt(PEM_BODY, text, beginEnd);
        covered = body !== null ? beginEnd + body[0].length : beginEnd;
      }
      spans.push(span(begin.index, covered, "PRIVATE_KEY"));
    }
    return spans;
  }
  function keywordStarts(text, lower) {
    if (lower.length !== text.length) return [...text.matchAll(KEYWORD)].map((m) => m.index);
    const starts = [];
    for (const keyword of KEYWORDS) {
      let i = lower.indexOf(keyword);
      while (i !== -1) {
        starts.push(i);
        i = lower.indexOf(keyword, i + 1);
      }
    }
    return starts.sort((a, b) => a - b);
  }
  function lastIndexOfAny(text, chars, before) {
    let best = -1;
    if (before <= 0) return -1;
    for (const c of chars) best = Math.max(best, text.lastIndexOf(c, before - 1));
    return best;
  }
  var URL_REACH = 4096;
  function inUrl(text, index) {
    const lo = Math.max(0, index - URL_REACH);
    const back = text.slice(lo, index);
    const head = back.slice(lastIndexOfAny(back, ` 	
"'<>`, back.length) + 1);
    return head.includes("://") && (head.includes("?") || head.includes("#"));
  }
  function urlParamValue(text, start) {
    if (!start || text[start - 1] !== "=" || !inUrl(text, start)) return false;
    const nameStart = lastIndexOfAny(text, "?&;#", start - 1) + 1;
    return secretParam(text.slice(nameStart, start - 1));
  }
  function findAssignments(text, lower) {
    const spans = [];
    const done = /* @__PURE__ */ new Set();
    for (const start of keywordStarts(text, lower)) {
      const tail = matchAt(NAME_TAIL, text, start);
      const nameEnd = tail ? start + tail[0].length : start;
      let nameStart = start;
      while (nameStart > 0 && start - nameStart < 40 && NAME_CHAR.test(text[nameStart - 1])) nameStart -= 1;
      while ("-.".includes(text[nameStart]) && nameStart < start) nameStart += 1;
      if (done.has(nameStart)) continue;
      done.add(nameStart);
      if (nameStart && "?&;#".includes(text[nameStart - 1]) && inUrl(text, nameStart)) continue;
      const entity = classifyName(text.slice(nameStart, nameEnd));
      if (entity === null) continue;
      const found = assignedValue(text, nameStart, nameEnd, entity);
      if (found !== null) spans.push(found);
    }
    if (lower.includes("bearer") || lower.includes("authorization")) {
      for (const m of findIter(AUTH, text)) {
        const value = m[1];
        if (value.length >= 16 || mixed(value) || hasDigit(value)) {
          spans.push(span(m.indices[1][0], m.indices[1][1], "SECRET", 0.9));
        }
      }
    }
    if (text.includes("-u")) {
      for (const m of findIter(USER_FLAG, text)) spans.push(span(m.indices[1][0], m.indices[1][1], "PASSWORD", 0.9));
    }
    return spans;
  }
  function isCode(value) {
    return CODE.test(value) && !mixed(value);
  }
  function findCliPasswords(text) {
    const spans = [];
    for (const m of findIter(CLI_PASSWORD, text)) {
      let group = 1;
      while (m[group] === void 0) group += 1;
      const value = m[group];
      if (PLACEHOLDER.test(value) || value.length < 3) continue;
      spans.push(span(m.indices[group][0], m.indices[group][1], "PASSWORD", 0.9));
    }
    return spans;
  }
  function opens(value) {
    const count = (chars) => [...value].filter((c) => chars.includes(c)).length;
    return count("([{") > count(")]}");
  }
  function passwordLike(value) {
    if (value.length < 6 || value.length > 128 || PLACEHOLDER.test(value)) return false;
    if (value.includes("://") || value.startsWith("-") || isCode(value)) return false;
    if (allAlpha(value)) {
      return value.length >= 8 && [...value.slice(1)].some(isUpper) && value !== value.toUpperCase();
    }
    if (!/\p{L}/u.test(value)) return false;
    return hasDigit(value) || /[^\p{L}\p{N}]/u.test(value);
  }
  function findProsePasswords(text) {
    const spans = [];
    for (const m of findIter(PROSE_PASSWORD, text)) {
      let group = 1;
      while (m[group] === void 0) group += 1;
      let [start, end] = m.indices[group];
      let value = m[group];
      if (group === 4) {
        let stripped = value;
        while (stripped && PROSE_TRAILING.includes(stripped[stripped.length - 1])) stripped = stripped.slice(0, -1);
        while (stripped !== value && ")]}".includes(value[stripped.length]) && opens(stripped)) {
          stripped += value[stripped.length];
        }
        end -= value.length - stripped.length;
        value = stripped;
      }
      if (!passwordLike(value)) continue;
      spans.push(span(start, end, "PASSWORD", 0.85));
    }
    return spans;
  }
  function assignedValue(text, nameStart, nameEnd, entity) {
    let prose = false;
    let sep = matchAt(SEP, text, nameEnd);
    if (sep === null && nameStart >= 2 && text.startsWith("--", nameStart - 2)) sep = matchAt(FLAG_SEP, text, nameEnd);
    if (sep === null) {
      sep = matchAt(PROSE_SEP, text, nameEnd);
      prose = true;
    }
    if (sep === null) return null;
    const v = matchAt(VALUE, text, nameEnd + sep[0].length);
    if (v === null) return null;
    const group = v[1] !== void 0 ? 1 : v[2] !== void 0 ? 2 : 3;
    let [start, end] = v.indices[group];
    let value = v[group];
    if (group === 3) {
      if (value.startsWith("-") || isCode(value)) return null;
      const stripped = value.replace(/[.,:]+$/, "");
      end -= value.length - stripped.length;
      value = stripped;
    }
    if (!value || PLACEHOLDER.test(value)) return null;
    if (prose && !(mixed(value) || !allAlpha(value) || value !== value.toLowerCase())) return null;
    if (value.length < (entity === "PASSWORD" ? 3 : 8)) return null;
    return span(start, end, entity, 0.95);
  }
  function findRandom(text) {
    const spans = [];
    for (const m of findIter(ENTROPY_CANDIDATE, text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (start && tokenCharAt(text, start - 1) || tokenCharAt(text, end)) continue;
      if (!randomLooking(m[0].replace(/=+$/, "")) || urlParamValue(text, start)) continue;
      if (near(text, start, ENTROPY_CUE, ENTROPY_WINDOW)) spans.push(span(start, end, "SECRET", 0.7));
    }
    return spans;
  }

  // src/detect/index.js
  var DETECTORS = [secrets_exports, url_credentials_exports, email_exports, iban_exports, card_exports, national_id_exports, phone_exports, ip_exports];
  function compareRank(a, b) {
    for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
  }
  function findAll(text, detectors = DETECTORS) {
    const found = [];
    const n = text.length;
    detectors.forEach((detector, order) => {
      for (const s of detector.find(text)) {
        if (s.start >= 0 && s.start < s.end && s.end <= n) {
          found.push([s, [0, s.start - s.end, -s.score, order, s.start]]);
        }
      }
    });
    found.sort((x, y) => x[0].start - y[0].start);
    const resolved = [];
    let i = 0;
    while (i < found.length) {
      let [best, bestRank] = found[i];
      let end = best.end;
      let j = i + 1;
      while (j < found.length && found[j][0].start < end) {
        const [s, rank] = found[j];
        end = Math.max(end, s.end);
        if (compareRank(rank, bestRank) < 0) {
          best = s;
          bestRank = rank;
        }
        j += 1;
      }
      const start = found[i][0].start;
      resolved.push(best.start === start && best.end === end ? best : { start, end, entity: best.entity, score: best.score });
      i = j;
    }
    return resolved;
  }

  // src/redact.js
  var PLACEHOLDER2 = /<[A-Z][A-Z0-9_]*_\d+>/g;
  var MAX_NUMBERED = 2e4;
  var MEMO_SIZE = 5e3;
  function randomKeyHex() {
    const bytes = globalThis.crypto.getRandomValues(new Uint8Array(32));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  function hexBytes(hex) {
    const out = new Uint8Array(hex.length / 2);
    for (let i = 0; i < out.length; i += 1) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    return out;
  }
  var Vault = class {
    /** @param {{key?: string, numbers?: Record<string, number>, next?: Record<string, number>}} [saved] */
    constructor(saved = {}) {
      this.keyHex = typeof saved.key === "string" && /^[0-9a-f]{64}$/.test(saved.key) ? saved.key : randomKeyHex();
      this.key = hexBytes(this.keyHex);
      this.numbers = new Map(Object.entries(saved.numbers ?? {}));
      this.next = new Map(Object.entries(saved.next ?? {}));
      this.memo = /* @__PURE__ */ new Map();
      this.dirty = false;
    }
    placeholder(entity, value) {
      const digest = hmacHex(this.key, `${entity}\0${value}`).slice(0, 32);
      const id = `${entity}:${digest}`;
      let number = this.numbers.get(id);
      if (number === void 0) {
        number = (this.next.get(entity) ?? 0) + 1;
        this.next.set(entity, number);
        if (this.numbers.size < MAX_NUMBERED) this.numbers.set(id, number);
        this.dirty = true;
      }
      return `<${entity}_${number}>`;
    }
    remember(text, result, counts) {
      this.memo.set(text, [result, counts]);
      if (this.memo.size > MEMO_SIZE) this.memo.delete(this.memo.keys().next().value);
    }
    /** What may be kept in the tab's session storage: the key, digests and counters. */
    toJSON() {
      return { key: this.keyHex, numbers: Object.fromEntries(this.numbers), next: Object.fromEntries(this.next) };
    }
  };
  function addCounts(into, from) {
    for (const [entity, n] of Object.entries(from)) into[entity] = (into[entity] ?? 0) + n;
  }
  function redactText(text, vault, counts, detect = findAll) {
    if (!text) return text;
    const known = vault.memo.get(text);
    if (known !== void 0) {
      addCounts(counts, known[1]);
      return known[0];
    }
    const local = {};
    const kept = [...text.matchAll(PLACEHOLDER2)].map((m) => [m.index, m.index + m[0].length]);
    const spans = detect(text).filter((s) => !kept.some(([a, b]) => s.start < b && a < s.end));
    let result = text;
    if (spans.length) {
      const out = [];
      let last = 0;
      for (const s of spans) {
        out.push(text.slice(last, s.start), vault.placeholder(s.entity, text.slice(s.start, s.end)));
        local[s.entity] = (local[s.entity] ?? 0) + 1;
        last = s.end;
      }
      out.push(text.slice(last));
      result = out.join("");
    }
    vault.remember(text, result, local);
    addCounts(counts, local);
    return result;
  }
  var ABSOLUTE = /^([a-zA-Z][a-zA-Z0-9+.\-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?/;
  var RELATIVE = /^([^?#]*)(?:\?([^#]*))?/;
  function decode(segment) {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  }
  function encode(value) {
    return encodeURIComponent(value).replace(/%3C/g, "<").replace(/%3E/g, ">");
  }
  function parseQuery(query) {
    if (!query) return [];
    return query.split("&").filter(Boolean).map((pair) => {
      const eq = pair.indexOf("=");
      const k = eq === -1 ? pair : pair.slice(0, eq);
      const v = eq === -1 ? "" : pair.slice(eq + 1);
      return [decode(k.replace(/\+/g, " ")), decode(v.replace(/\+/g, " "))];
    });
  }
  function redactUrl(url, { mode, allowedQuery: allowedQuery2 = /* @__PURE__ */ new Set(), vault, counts, detect = findAll }) {
    const abs = ABSOLUTE.exec(url);
    let origin = "";
    let path;
    let query;
    if (abs !== null) {
      let authority = abs[2];
      const at = authority.lastIndexOf("@");
      if (at !== -1) {
        counts.URL_CREDENTIALS = (counts.URL_CREDENTIALS ?? 0) + 1;
        authority = authority.slice(at + 1);
      }
      origin = `${abs[1].toLowerCase()}://${authority.toLowerCase()}`;
      path = abs[3];
      query = abs[4];
    } else {
      const rel = RELATIVE.exec(url);
      path = rel[1];
      query = rel[2];
    }
    if (mode === "metadata") return origin;
    if (mode !== "full") {
      path = path.split("/").map((segment) => {
        const plain = decode(segment);
        const redacted = redactText(plain, vault, counts, detect);
        return redacted === plain ? segment : encode(redacted);
      }).join("/");
    }
    let kept = parseQuery(query).filter(([k]) => allowedQuery2.has(k));
    if (mode !== "full") kept = kept.map(([k, v]) => [k, redactText(v, vault, counts, detect)]);
    const qs = kept.map(([k, v]) => `${encode(k)}=${encode(v)}`.replace(/%20/g, "+")).join("&");
    return `${origin}${path}${qs ? `?${qs}` : ""}`;
  }
  var SELECTOR_VALUE = /(=\s*)(["'])(.*?)\2/g;
  var SELECTOR_ID = /#((?:\\.|[\w\-\u00a0-\uffff])+)/g;
  function redactSelector(selector, vault, counts, detect = findAll) {
    const values = selector.replace(SELECTOR_VALUE, (_m, eq, quote, value) => {
      return `${eq}${quote}${redactText(value, vault, counts, detect)}${quote}`;
    });
    return values.replace(SELECTOR_ID, (m, id) => {
      const plain = id.replace(/\\(.)/g, "$1");
      const redacted = redactText(plain, vault, counts, detect);
      return redacted === plain ? m : `#${redacted}`;
    });
  }

  // src/privacy.js
  var SHORT = 256;
  var TEXT = 8192;
  var LONG = 65536;
  var LIMITS = {
    "context.app": SHORT,
    "target.tag": SHORT,
    "target.role": SHORT,
    "target.frame": SHORT,
    "element.tag": SHORT,
    "element.role": SHORT,
    "element.frame": SHORT,
    "element.options": SHORT,
    "attrs.id": SHORT,
    "attrs.name": SHORT,
    "attrs.type": SHORT,
    "attrs.placeholder": SHORT,
    "attrs.aria_label": SHORT,
    "key.keys": 64,
    "task_start.task_id": SHORT,
    "task_end.task_id": SHORT,
    "type.text": LONG
  };
  var PASS_THROUGH = /* @__PURE__ */ new Set([
    "navigate.transition",
    "focus.scope",
    "pause.reason",
    "gap.reason",
    "task_end.outcome",
    "observe.same_as"
  ]);
  var REQUIRED = /* @__PURE__ */ new Set(["type.text", "select.value", "task_start.label"]);
  var ACTION = { full: "keep", redacted: "redact", metadata: "drop" };
  function truncate(value, max) {
    if (value.length <= max) return value;
    let cut = value.slice(0, max);
    const last = cut.charCodeAt(cut.length - 1);
    if (last >= 55296 && last <= 56319) cut = cut.slice(0, -1);
    return cut;
  }
  var Job = class {
    constructor({ mode, fields, allowedQuery: allowedQuery2, vault, detect }) {
      this.mode = mode;
      this.fields = fields ?? {};
      this.allowedQuery = allowedQuery2 ?? /* @__PURE__ */ new Set();
      this.vault = vault;
      this.detect = detect;
      this.counts = {};
    }
    /** The kept value of one string field, or null to drop it. */
    text(path, value) {
      if (PASS_THROUGH.has(path)) return value;
      const rule = TEXT_FIELDS[path] ?? "free_text";
      let out;
      if (rule === "vocabulary") out = value;
      else {
        const action = this.fields[path] ?? ACTION[this.mode] ?? "drop";
        if (rule === "url") {
          const mode = action === "drop" ? "metadata" : action === "keep" ? "full" : "redacted";
          out = redactUrl(value, { mode, allowedQuery: this.allowedQuery, vault: this.vault, counts: this.counts, detect: this.detect });
          if (out === "" && !REQUIRED.has(path)) out = null;
        } else if (path === "context.app" && action === "drop") out = value;
        else if (action === "keep") out = value;
        else if (action === "drop") out = REQUIRED.has(path) ? "" : null;
        else if (rule === "selector") out = redactSelector(value, this.vault, this.counts, this.detect);
        else out = redactText(value, this.vault, this.counts, this.detect);
      }
      return out === null ? null : truncate(out, LIMITS[path] ?? TEXT);
    }
    /** A copy of the object `obj` (role `owner`) with every string field treated. */
    walk(obj, owner) {
      const out = {};
      for (const [key, value] of Object.entries(obj)) {
        if (value === null || value === void 0) continue;
        const field = key === "aria-label" ? "aria_label" : key;
        const path = `${owner}.${field}`;
        if (typeof value === "string") {
          const kept = this.text(path, value);
          if (kept !== null) out[key] = kept;
        } else if (Array.isArray(value)) {
          if (key === "elements") out[key] = value.map((el) => this.walk(el, "element"));
          else if (value.every((v) => typeof v === "string")) {
            const kept = value.map((v) => this.text(path, v)).filter((v) => v !== null);
            if (kept.length || !value.length) out[key] = kept;
          } else out[key] = value;
        } else if (typeof value === "object") {
          out[key] = this.walk(value, key === "attrs" ? "attrs" : owner);
        } else out[key] = value;
      }
      return out;
    }
  };
  function applyPrivacy(event, options) {
    const job = new Job(options);
    const context = event.context ? job.walk(event.context, "context") : void 0;
    const target = event.target ? job.walk(event.target, "target") : void 0;
    const payload = event.payload ? job.walk(event.payload, event.kind) : {};
    const redactions = Object.fromEntries(Object.entries(job.counts).sort(([a], [b]) => a < b ? -1 : 1));
    return { context, target, payload, redactions };
  }

  // src/_snapshot.js
  var SNAPSHOT_MODES = /* @__PURE__ */ new Set(["full", "redacted", "metadata", "off"]);
  function observedElements(doc, { mode, vault, fields = {}, allowedQuery: allowedQuery2 = /* @__PURE__ */ new Set(), hideValue = () => false }) {
    if (mode === "off") return [];
    const snap = snapshot(doc, hideValue);
    const kept = applyPrivacy(
      { kind: "observe", payload: { elements: snap.elements, viewport: snap.viewport } },
      { mode, fields, allowedQuery: allowedQuery2, vault }
    );
    return kept.payload.elements ?? [];
  }

  // src/_idb.js
  var VERSION = 1;
  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  async function openIdb(factory, name9 = "workprint") {
    const open = factory.open(name9, VERSION);
    open.onupgradeneeded = () => {
      const db2 = open.result;
      if (!db2.objectStoreNames.contains("events")) db2.createObjectStore("events", { keyPath: "id", autoIncrement: true });
      if (!db2.objectStoreNames.contains("meta")) db2.createObjectStore("meta", { keyPath: "key" });
    };
    const db = await request(open);
    db.onversionchange = () => db.close();
    return new IdbBackend(db);
  }
  var IdbTx = class {
    constructor(tx) {
      this.events = tx.objectStore("events");
      this.meta = tx.objectStore("meta");
    }
    async getMeta(key) {
      const row = await request(this.meta.get(key));
      return row === void 0 ? void 0 : row.value;
    }
    putMeta(key, value) {
      return request(this.meta.put({ key, value }));
    }
    addEvent(record) {
      return request(this.events.add(record));
    }
    getEvent(id) {
      return request(this.events.get(id));
    }
    deleteEvent(id) {
      return request(this.events.delete(id));
    }
    /** Visit records oldest first while `visit(record)` returns "next" or "delete". */
    walk(visit) {
      return new Promise((resolve, reject) => {
        const req = this.events.openCursor();
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const cursor = req.result;
          if (!cursor) return resolve();
          let step;
          try {
            step = visit(cursor.value);
          } catch (err) {
            return reject(err);
          }
          if (step === "stop") return resolve();
          if (step === "delete") cursor.delete();
          cursor.continue();
        };
      });
    }
  };
  var IdbBackend = class {
    constructor(db) {
      this.db = db;
      this.persistent = true;
    }
    run(mode, fn) {
      return new Promise((resolve, reject) => {
        let tx;
        try {
          tx = this.db.transaction(["events", "meta"], mode);
        } catch (err) {
          reject(err);
          return;
        }
        let result;
        let failed = null;
        tx.oncomplete = () => failed ? reject(failed) : resolve(result);
        tx.onerror = () => reject(tx.error ?? failed);
        tx.onabort = () => reject(tx.error ?? failed ?? new Error("transaction aborted"));
        Promise.resolve().then(() => fn(new IdbTx(tx))).then(
          (value) => {
            result = value;
          },
          (err) => {
            failed = err;
            try {
              tx.abort();
            } catch {
            }
          }
        );
      });
    }
    close() {
      this.db.close();
    }
  };

  // src/queue.js
  var encoder2 = new TextEncoder();
  function sizeOf(event) {
    return encoder2.encode(JSON.stringify(event)).length;
  }
  var MemoryTx = class {
    constructor(backend) {
      this.b = backend;
    }
    async getMeta(key) {
      const value = this.b.meta.get(key);
      return value === void 0 ? void 0 : structuredClone(value);
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
  };
  var MemoryBackend = class {
    constructor() {
      this.events = /* @__PURE__ */ new Map();
      this.meta = /* @__PURE__ */ new Map();
      this.lastId = 0;
      this.tail = Promise.resolve();
      this.persistent = false;
    }
    run(_mode, fn) {
      const result = this.tail.then(() => fn(new MemoryTx(this)));
      this.tail = result.catch(() => void 0);
      return result;
    }
    close() {
    }
  };
  async function openBackend(storage, { indexedDB: factory, dbName } = {}) {
    const idb = factory ?? globalThis.indexedDB;
    if (storage === "memory" || !idb) return new MemoryBackend();
    try {
      return await openIdb(idb, dbName);
    } catch {
      console.warn("[workprint] IndexedDB unavailable; queueing in memory");
      return new MemoryBackend();
    }
  }
  var GAP_RESERVE = 512;
  var RECENT_MAX = 2e3;
  var Queue = class {
    /**
     * @param {{backend: object, maxEvents?: number, maxBytes?: number,
     *          makeGap: (range: {from_seq: number, to_seq: number, count: number, reason: string}) => object}} options
     */
    constructor({ backend, maxEvents = 2e4, maxBytes = 20 * 1024 * 1024, makeGap }) {
      this.backend = backend;
      this.maxEvents = maxEvents;
      this.maxBytes = maxBytes;
      this.makeGap = makeGap;
      this.tail = Promise.resolve();
      this.pending = 0;
      this.recentRecords = /* @__PURE__ */ new Map();
      this.known = { count: 0, bytes: 0 };
      this.inflight = /* @__PURE__ */ new Map();
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
      const found = /* @__PURE__ */ new Set();
      await this.backend.run(
        "readonly",
        (tx) => tx.walk((record) => {
          if (wanted.has(record.event.event_id)) found.add(record.event.event_id);
          return found.size === wanted.size ? "stop" : "next";
        })
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
      this.tail = done.catch(() => void 0);
      return done.then((result) => {
        this.inflight.delete(key);
        if (this.onStored) this.onStored(event);
        return result;
      }).finally(() => {
        this.pending -= 1;
      });
    }
    async appendIn(tx, event) {
      const seqKey = `seq:${event.device_id}`;
      let seq = await tx.getMeta(seqKey) ?? 0;
      const usage = await tx.getMeta("usage") ?? { count: 0, bytes: 0 };
      event.seq = seq + 1;
      const size = sizeOf(event);
      const added = [];
      if (usage.count + 1 > this.maxEvents || usage.bytes + size > this.maxBytes) {
        const lost = { from: Infinity, to: -Infinity, count: 0, n: 0, bytes: 0 };
        await tx.walk((record) => {
          const fits = usage.count - lost.n + 2 <= this.maxEvents && usage.bytes - lost.bytes + size + GAP_RESERVE <= this.maxBytes;
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
          const id2 = await tx.addEvent({ seq, size: gapSize, event: gap });
          added.push({ id: id2, seq, size: gapSize, event: gap });
          usage.count += 1;
          usage.bytes += gapSize;
        }
      }
      seq += 1;
      event.seq = seq;
      if (event.kind === "gap" && event.payload.from_seq === void 0) {
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
          if (out.length >= maxEvents || out.length && bytes + record.size > maxBytes) return "stop";
          out.push(record);
          bytes += record.size;
          return "next";
        });
        return out;
      });
    }
    /** Delete acknowledged records by id (ids already gone are ignored). */
    remove(ids) {
      const done = this.tail.then(
        () => this.backend.run("readwrite", async (tx) => {
          const usage = await tx.getMeta("usage") ?? { count: 0, bytes: 0 };
          for (const id of ids) {
            const record = await tx.getEvent(id);
            this.recentRecords.delete(id);
            if (record === void 0) continue;
            await tx.deleteEvent(id);
            usage.count = Math.max(0, usage.count - 1);
            usage.bytes = Math.max(0, usage.bytes - record.size);
          }
          await tx.putMeta("usage", usage);
          this.known = { ...usage };
        })
      );
      this.tail = done.catch(() => void 0);
      return done;
    }
    /** `{count, bytes}` queued (all tabs of the origin). */
    async usage() {
      const usage = await this.backend.run("readonly", async (tx) => await tx.getMeta("usage") ?? { count: 0, bytes: 0 });
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
  };

  // src/uuid.js
  var HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
  function randomFill(bytes) {
    globalThis.crypto.getRandomValues(bytes);
    return bytes;
  }
  function uuid7Factory(seams = {}) {
    const now = seams.now ?? (() => Date.now());
    const random = seams.random ?? randomFill;
    let lastMs = -1;
    let counter = 0;
    return function uuid72() {
      const bytes = random(new Uint8Array(16));
      let ms = Math.max(Math.floor(now()), 0);
      if (ms > lastMs) {
        lastMs = ms;
        counter = (bytes[6] & 7) << 8 | bytes[7];
      } else {
        ms = lastMs;
        counter += 1;
        if (counter > 4095) {
          lastMs += 1;
          ms = lastMs;
          counter = (bytes[6] & 7) << 8 | bytes[7];
        }
      }
      let t = ms;
      for (let i = 5; i >= 0; i -= 1) {
        bytes[i] = t % 256;
        t = Math.floor(t / 256);
      }
      bytes[6] = 112 | counter >> 8;
      bytes[7] = counter & 255;
      bytes[8] = 128 | bytes[8] & 63;
      let s = "";
      for (let i = 0; i < 16; i += 1) {
        s += HEX[bytes[i]];
        if (i === 3 || i === 5 || i === 7 || i === 9) s += "-";
      }
      return s;
    };
  }
  var uuid7 = uuid7Factory();
  var UUID7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  // src/_session.js
  var SESSION_KEY = "workprint:session";
  var VAULT_KEY = "workprint:vault";
  var PAUSED_KEY = "workprint:paused";
  function storageOf(win, kind) {
    try {
      const store = win[kind];
      const probe = "workprint:probe";
      store.setItem(probe, "1");
      store.removeItem(probe);
      return store;
    } catch {
      return null;
    }
  }
  var TabSession = class {
    constructor(win) {
      this.session = storageOf(win, "sessionStorage");
      this.local = storageOf(win, "localStorage");
      this.id = this.loadId();
      this.vault = this.loadVault();
    }
    loadId() {
      const saved = this.session && this.session.getItem(SESSION_KEY);
      if (saved && UUID7_PATTERN.test(saved)) return saved;
      const id = uuid7();
      if (this.session) this.session.setItem(SESSION_KEY, id);
      return id;
    }
    loadVault() {
      try {
        const saved = this.session && this.session.getItem(VAULT_KEY);
        return new Vault(saved ? JSON.parse(saved) : {});
      } catch {
        return new Vault();
      }
    }
    /** Write the vault when it numbered something new. */
    saveVault() {
      if (!this.session || !this.vault.dirty) return;
      try {
        this.session.setItem(VAULT_KEY, JSON.stringify(this.vault));
        this.vault.dirty = false;
      } catch {
      }
    }
    get paused() {
      return this.local ? this.local.getItem(PAUSED_KEY) === "1" : false;
    }
    set paused(value) {
      if (!this.local) return;
      if (value) this.local.setItem(PAUSED_KEY, "1");
      else this.local.removeItem(PAUSED_KEY);
    }
  };

  // src/version.js
  var VERSION2 = "0.1.0";

  // src/transport.js
  var KEEPALIVE_LIMIT = 60 * 1024;
  var BEACON_LIMIT = 60 * 1024;
  var COMPRESS_ABOVE = 2048;
  function retryAfterMs(header, nowMs, fallbackMs = 5e3, capMs = 6e5) {
    if (header === null || header === void 0 || header === "") return fallbackMs;
    const seconds = Number(header);
    if (Number.isFinite(seconds)) return Math.min(capMs, Math.max(0, seconds * 1e3));
    const at = Date.parse(header);
    if (Number.isNaN(at)) return fallbackMs;
    return Math.min(capMs, Math.max(0, at - nowMs));
  }
  function backoffMs(attempt, random, baseMs = 1e3, capMs = 6e4) {
    const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
    return Math.max(baseMs / 2, Math.floor(random() * ceiling));
  }
  var realClock = {
    now: () => Date.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (id) => clearTimeout(id)
  };
  async function gzip(text) {
    const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }
  var Transport = class {
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
      this.flushIntervalMs = options.flushIntervalMs ?? 3e3;
      this.compress = options.compress ?? typeof CompressionStream === "function";
      this.agent = { name: "workprint-web", version: VERSION2, os: options.os ?? "" };
      this.makeGap = options.makeGap ?? null;
      this.onAuthError = options.onAuthError ?? (() => {
      });
      this.onChange = options.onChange ?? (() => {
      });
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
        this.pump().catch(() => console.warn("[workprint] sending failed; retrying")).then(() => {
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
        return;
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
        events: records.map((r) => r.event)
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
          mode: "cors"
        });
      } catch {
        return this.failed("network", 0);
      }
      const status = response.status;
      if (status === 200) return this.acknowledged(records, response);
      const code2 = await errorCode(response);
      if (status === 413) {
        if (records.length === 1) return this.drop(records, "dropped", status, code2);
        this.limit = Math.max(1, Math.floor(records.length / 2));
        return { kind: "split" };
      }
      if (status === 415 && this.compress) {
        this.compress = false;
        return { kind: "split" };
      }
      if (status === 400) return this.drop(records, "dropped", status, code2);
      if (status === 401 || status === 403 || status === 410) {
        this.blocked = true;
        this.lastError = { status, code: code2 ?? "auth" };
        this.onChange();
        this.onAuthError(status, code2);
        return { kind: "blocked" };
      }
      if (status === 429 || status === 503) {
        this.lastError = { status, code: code2 ?? "unavailable" };
        this.onChange();
        const ms = retryAfterMs(response.headers.get("Retry-After"), this.clock.now());
        return { kind: "wait", why: "retry_after", ms };
      }
      return this.failed(code2 ?? "http_error", status);
    }
    failed(code2, status) {
      this.attempt += 1;
      this.lastError = { status, code: code2 };
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
    async drop(records, reason, status, code2) {
      if (!this.warned400) {
        console.warn(`[workprint] collector refused a batch (${status}); ${records.length} event(s) dropped`);
        this.warned400 = true;
      }
      this.lastError = { status, code: code2 ?? "body_invalid" };
      await this.queue.remove(records.map((r) => r.id));
      const data = records.filter((r) => r.event.kind !== "gap");
      if (this.makeGap && data.length) {
        const seqs = data.map((r) => r.seq);
        await this.queue.append(
          this.makeGap({ from_seq: Math.min(...seqs), to_seq: Math.max(...seqs), count: data.length, reason })
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
        events
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
  };
  async function errorCode(response) {
    try {
      const body = await response.json();
      return body && typeof body.code === "string" ? body.code : null;
    } catch {
      return null;
    }
  }

  // src/recorder.js
  var STASH_PREFIX = "workprint:stash:";
  var STASH_MAX = 200;
  var OUTCOMES = /* @__PURE__ */ new Set(["done", "abandoned", "failed"]);
  var EARLY_MAX = 50;
  var RETRY_MS = [2e3, 5e3, 15e3, 6e4, 3e5];
  function navigationType(win) {
    try {
      const entry = win.performance.getEntriesByType("navigation")[0];
      if (entry && entry.type === "reload") return "reload";
      if (entry && entry.type === "back_forward") return "back_forward";
      if (entry && entry.type === "navigate") return win.document.referrer ? "link" : "typed";
    } catch {
    }
    return "other";
  }
  var Recorder = class {
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
      this.eids = /* @__PURE__ */ new WeakMap();
      this.lastSnapshot = null;
      this.navigatedOnce = false;
      this.timers = /* @__PURE__ */ new Set();
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
        dbName: this.config.dbName
      });
      this.queue = new Queue({
        backend,
        maxEvents: this.config.maxQueueEvents,
        maxBytes: this.config.maxQueueBytes,
        makeGap: (range) => this.gapEvent(range)
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
        onAuthError: (status, code2) => this.authFailed(status, code2),
        onChange: () => {
          if (this.transport && this.transport.lastError === null && !this.blocked) this.lastError = null;
        },
        sendBeacon: this.win.navigator.sendBeacon ? (url, data) => this.win.navigator.sendBeacon(url, data) : null
      });
      this.listen(this.win, "online", () => this.transport.kick(true));
      this.listen(this.win, "pagehide", () => this.hidden());
      this.listen(this.win, "storage", (e) => {
        if (e.key === PAUSED_KEY) this.setPaused(e.newValue === "1", false);
      });
      this.queue.onStored = (event) => this.unstash(event.event_id);
      await this.queue.usage().catch(() => void 0);
      await this.restoreStash().catch(() => void 0);
      await this.connect();
      this.connected = true;
      const early = this.early;
      this.early = [];
      for (const [kind, options] of early) this.mark(kind, options);
      this.every(this.config.policyRefreshMs, () => this.blocked ? void 0 : this.connect(false));
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
        Promise.resolve().then(fn).catch(() => console.warn("[workprint] refresh failed")).finally(() => this.every(ms, fn));
      });
    }
    platform() {
      const nav = this.win.navigator;
      const value = nav.userAgentData && nav.userAgentData.platform || nav.platform || "";
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
        this.queue.setMeta(`device:${this.tokenKey}`, device.device).catch(() => void 0);
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
        if (!this.device) this.device = await this.queue.getMeta(`device:${this.tokenKey}`).catch(() => null) ?? null;
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
        this.queue.setMeta(cacheKey, { body: answer.body, etag: this.policyEtag }).catch(() => void 0);
      } else if (!answer.ok && isAuthFailure(answer.status)) {
        this.authFailed(answer.status, answer.code);
      } else if (!answer.ok && answer.code === "origin_forbidden") {
        this.forbidden();
      }
    }
    /** The policy no longer allows this origin: capture nothing, forget the cached policy. */
    forbidden() {
      this.policy = null;
      this.policyEtag = null;
      this.lastError = { status: 0, code: "origin_forbidden" };
      this.queue.setMeta(`policy:${this.tokenKey}`, null).catch(() => void 0);
    }
    /** The token may not send (401, 403, 410): stop capturing, keep the queue, check later. */
    authFailed(status, code2) {
      const first = this.blocked === null;
      this.blocked = { status, code: code2 ?? "auth" };
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
        visible: (visible2) => visible2 ? this.settler && this.settler.poke() : this.hidden(),
        isOwn: (el) => Indicator.owns(el),
        isPaused: () => this.paused
      };
      this.capture = new Capture(sink, this.win);
      this.capture.start();
      this.settler = new Settler({ settleMs: this.config.settleMs, onSettle: () => this.observeNow(), doc: this.doc });
      this.settler.start();
      if (this.config.indicator) {
        this.indicator = new Indicator({ onToggle: () => this.paused ? this.resume() : this.pause(), doc: this.doc });
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
        const referrer = this.doc.referrer || void 0;
        this.emit("navigate", {
          payload: { from_url: referrer, transition: navigationType(this.win) },
          occurredAt: this.win.performance && this.win.performance.timeOrigin ? this.win.performance.timeOrigin : void 0
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
      capture.navigated("other");
      const active = this.doc.activeElement;
      if (!edited && active && capture.isEditing(active)) {
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
        hideValue: (el) => capture.isTainted(el)
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
          { mode, fields: this.policy.fields, allowedQuery: allowedQuery(this.policy, href), vault: this.vault }
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
      this.queue.append(event).then(() => {
        if (this.queue.known.count >= this.transport.maxBatchEvents) this.transport.kick();
      }).catch(() => console.warn("[workprint] could not queue an event"));
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
        consent: this.device.consent
      };
    }
    /** A `gap` event with no text; the queue fills in a missing range with its own seq. */
    gapEvent({ from_seq, to_seq, count, reason }) {
      const event = this.envelope("gap", void 0, 0, { mode: "metadata", redactions: {} });
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
        sessionId: this.sessionId
      };
    }
    saveVault() {
      this.tab.saveVault();
    }
  };

  // src/index.js
  var GLOBAL = "__workprintLoaded__";
  function createApi() {
    let recorder = null;
    let starting = null;
    const need = () => {
      if (!recorder) throw new WorkprintError("not_initialized", "call Workprint.init first");
      return recorder;
    };
    const api = {
      version: VERSION2,
      WorkprintError,
      /** Start recording; resolves with `state()` once the collector has been asked. */
      init(options) {
        if (starting) return starting;
        let created;
        try {
          created = new Recorder(options, window);
        } catch (err) {
          return Promise.reject(err);
        }
        recorder = created;
        starting = created.init().catch((err) => {
          recorder = null;
          starting = null;
          created.stop();
          throw err;
        });
        return starting;
      },
      pause: () => need().pause(),
      resume: () => need().resume(),
      isPaused: () => recorder ? recorder.paused : false,
      state: () => recorder ? recorder.state() : { mode: "off", paused: false, queued: 0, sent: 0, lastError: null, deviceId: null, sessionId: null },
      taskStart: (label) => need().taskStart(label),
      taskEnd: (id, outcome) => need().taskEnd(id, outcome),
      /**
       * The page's interactive elements as an `observe` event's `payload.elements` would list
       * them now, under the page's capture mode; emits nothing. Before `init`, `{mode}` says
       * which mode to treat them under (`full`, `redacted`, `metadata` or `off`).
       */
      snapshot(options) {
        if (recorder) return recorder.peekSnapshot();
        const mode = options && options.mode;
        if (!SNAPSHOT_MODES.has(mode)) {
          throw new WorkprintError("not_initialized", "call Workprint.init first, or pass {mode}");
        }
        return observedElements(document, { mode, vault: new Vault() });
      },
      flush: () => recorder ? recorder.flush() : Promise.resolve({ sent: 0, queued: 0 }),
      /** Stop recording (what is queued stays queued); `init` may be called again. */
      stop() {
        if (recorder) recorder.stop();
        recorder = null;
        starting = null;
      }
    };
    return Object.freeze(api);
  }
  function autoInit(api) {
    const injected = window.__WORKPRINT_CONFIG__;
    const script = document.currentScript;
    let options = null;
    if (injected && typeof injected === "object") options = injected;
    else if (script && script.dataset && script.dataset.endpoint && script.dataset.token) {
      options = { endpoint: script.dataset.endpoint, token: script.dataset.token };
      if (script.dataset.app) options.app = script.dataset.app;
    }
    if (options) {
      api.init(options).catch((err) => console.warn(`[workprint] not started: ${err && err.code ? err.code : "error"}`));
    }
  }
  if (typeof window !== "undefined" && !window[GLOBAL]) {
    const api = createApi();
    Object.defineProperty(window, GLOBAL, { value: true });
    window.Workprint = api;
    autoInit(api);
  }
})();
