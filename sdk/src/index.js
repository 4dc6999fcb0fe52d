/**
 * Workprint browser SDK: the public surface, `window.Workprint`.
 *
 *     await Workprint.init({ endpoint: "http://127.0.0.1:8700", token: "wpd_...", app: "crm" });
 *     const id = Workprint.taskStart("Create a contact from an email");
 *     Workprint.taskEnd(id, "done");
 *     await Workprint.flush();
 *     const elements = Workprint.snapshot();   // what an `observe` event would list now
 *
 * Loaded by `<script src=".../workprint.js" data-endpoint="..." data-token="...">` it starts
 * itself with those attributes (and `data-app`); with `window.__WORKPRINT_CONFIG__` set before
 * it runs (injection at document start, as the extension does) it starts with that object.
 * Loading it twice in one page changes nothing: the first copy keeps recording alone.
 */

import { WorkprintError } from "./_config.js";
import { Recorder } from "./recorder.js";
import { Vault } from "./redact.js";
import { SNAPSHOT_MODES, observedElements } from "./_snapshot.js";
import { VERSION } from "./version.js";

const GLOBAL = "__workprintLoaded__";

function createApi() {
  let recorder = null;
  let starting = null;

  const need = () => {
    if (!recorder) throw new WorkprintError("not_initialized", "call Workprint.init first");
    return recorder;
  };

  const api = {
    version: VERSION,
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
    isPaused: () => (recorder ? recorder.paused : false),
    state: () =>
      recorder
        ? recorder.state()
        : { mode: "off", paused: false, queued: 0, sent: 0, lastError: null, deviceId: null, sessionId: null },
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
    flush: () => (recorder ? recorder.flush() : Promise.resolve({ sent: 0, queued: 0 })),
    /** Stop recording (what is queued stays queued); `init` may be called again. */
    stop() {
      if (recorder) recorder.stop();
      recorder = null;
      starting = null;
    },
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
