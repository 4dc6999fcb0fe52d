/**
 * The SDK's configuration, read once at `init` and frozen; every default is the
 * privacy-safe or the collector's own. Invalid settings raise a `WorkprintError` whose
 * `code` names the problem; the message never repeats the value (it may be a token).
 */

export class WorkprintError extends Error {
  /** @param {string} code machine-readable, e.g. `config_invalid` */
  constructor(code, message) {
    super(message);
    this.name = "WorkprintError";
    this.code = code;
  }
}

const DEFAULTS = {
  app: "browser",
  flushIntervalMs: 3000,
  maxBatchEvents: 200,
  maxBatchBytes: 512 * 1024,
  indicator: true,
  settleMs: 400,
  storage: "indexeddb",
  maxQueueEvents: 20000,
  maxQueueBytes: 20 * 1024 * 1024,
  policyRefreshMs: 5 * 60 * 1000,
  deviceRecheckMs: 5 * 60 * 1000,
  dbName: "workprint",
  tabId: null,
};

function positive(options, key, min = 1) {
  const value = options[key] ?? DEFAULTS[key];
  if (!Number.isFinite(value) || value < min) {
    throw new WorkprintError("config_invalid", `${key} must be a number >= ${min}`);
  }
  return Math.floor(value);
}

/** The validated, frozen configuration of one `init` call. */
export function readConfig(options) {
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
  if (options.fetch !== undefined && typeof options.fetch !== "function") {
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
    policyRefreshMs: positive(options, "policyRefreshMs", 1000),
    deviceRecheckMs: positive(options, "deviceRecheckMs", 1000),
    dbName: typeof options.dbName === "string" && options.dbName ? options.dbName : DEFAULTS.dbName,
    tabId,
  });
}
