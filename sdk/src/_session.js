/**
 * What the SDK keeps about one tab and one origin in the browser's own storage:
 *
 * - the tab session id (a UUIDv7 in session storage: one per tab, kept across reloads);
 * - the redaction vault of the session (session storage: a random key, keyed digests and
 *   counters, never a value), so `<EMAIL_1>` means the same address after a reload;
 * - whether the person paused capture (local storage, so every tab of the origin agrees).
 *
 * Where storage is blocked (sandboxed frames, strict privacy settings) all of it lives in
 * memory for the page's lifetime instead.
 */

import { Vault } from "./redact.js";
import { UUID7_PATTERN, uuid7 } from "./uuid.js";

const SESSION_KEY = "workprint:session";
const VAULT_KEY = "workprint:vault";
export const PAUSED_KEY = "workprint:paused";

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

export class TabSession {
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
      // storage full: numbering stays consistent within this page load
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
}
