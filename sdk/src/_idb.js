/**
 * The IndexedDB backend of the queue: one database per origin (`workprint` by default) with an
 * `events` store (auto-increment ids, oldest first) and a `meta` store (the sequence counter
 * per device, usage totals, cached device and policy answers).
 *
 * `run(mode, fn)` runs `fn(tx)` inside one IndexedDB transaction, so allocating a sequence
 * number, evicting for the quota and adding the event are atomic, also across tabs of the same
 * origin: IndexedDB runs overlapping read-write transactions one after the other.
 */

const VERSION = 1;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Open (creating if needed) the queue database; resolves with an IdbBackend. */
export async function openIdb(factory, name = "workprint") {
  const open = factory.open(name, VERSION);
  open.onupgradeneeded = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains("events")) db.createObjectStore("events", { keyPath: "id", autoIncrement: true });
    if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta", { keyPath: "key" });
  };
  const db = await request(open);
  db.onversionchange = () => db.close();
  return new IdbBackend(db);
}

class IdbTx {
  constructor(tx) {
    this.events = tx.objectStore("events");
    this.meta = tx.objectStore("meta");
  }

  async getMeta(key) {
    const row = await request(this.meta.get(key));
    return row === undefined ? undefined : row.value;
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
}

export class IdbBackend {
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
      tx.oncomplete = () => (failed ? reject(failed) : resolve(result));
      tx.onerror = () => reject(tx.error ?? failed);
      tx.onabort = () => reject(tx.error ?? failed ?? new Error("transaction aborted"));
      Promise.resolve()
        .then(() => fn(new IdbTx(tx)))
        .then(
          (value) => {
            result = value;
          },
          (err) => {
            failed = err;
            try {
              tx.abort();
            } catch {
              // already finished
            }
          },
        );
    });
  }

  close() {
    this.db.close();
  }
}
