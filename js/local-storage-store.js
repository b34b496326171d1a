// A reservation store on the Web Storage API (localStorage), used by the playground.
import { MemoryStore } from './store.js';

export class LocalStorageStore {
  #key;
  #storage;
  #onUnreadable;

  /**
   * `onUnreadable(message)` hears of an entry this store cannot read (edited by hand, or written
   * by something else): it is moved to `${key}.unreadable`, so nothing is lost, and the store
   * starts empty rather than failing every render until the user clears the site's data.
   */
  constructor(key = 'portclaims.reservations', storage = globalThis.localStorage, { onUnreadable } = {}) {
    this.#key = key;
    this.#storage = storage;
    this.#onUnreadable = onUnreadable;
  }

  load() {
    const text = this.#storage.getItem(this.#key);
    if (text === null) return { revision: 0, reservations: [] };
    const state = readState(text);
    if (typeof state === 'string') {
      // A name no earlier unreadable entry took, so that none is overwritten.
      let aside = `${this.#key}.unreadable`;
      for (let n = 2; this.#storage.getItem(aside) !== null; n++) aside = `${this.#key}.unreadable.${n}`;
      let kept = true;
      try {
        this.#storage.setItem(aside, text);
      } catch {
        // No room for a copy: the entry still goes, or every render would fail on it.
        kept = false;
      }
      this.#storage.removeItem(this.#key);
      this.#onUnreadable?.(`the saved reservations (${this.#key}) were unreadable (${state}): ${kept ? `moved to ${aside}` : 'removed (no room to keep a copy)'}, starting empty`);
      return { revision: 0, reservations: [] };
    }
    return state;
  }

  commit(change) {
    const current = this.load();
    if (current.revision !== change.baseRevision) return false;
    const memory = new MemoryStore(current.reservations);
    memory.commit({ ...change, baseRevision: 0 });
    const revision = current.revision + 1;
    this.#write(this.#key, JSON.stringify({ revision, reservations: memory.reservations() }));
    return revision;
  }

  reservations() {
    return this.load().reservations;
  }

  #write(key, text) {
    try {
      this.#storage.setItem(key, text);
    } catch (error) {
      // A full quota, or storage the browser refuses to this page.
      throw Object.assign(new Error(`localStorage ${JSON.stringify(key)}: cannot save the reservations: ${error?.message ?? error}`, { cause: error }), { kind: 'store' });
    }
  }
}

/** The store's state in `text`, or why it is unreadable. The reservations themselves the core checks. */
function readState(text) {
  let state;
  try {
    state = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (state === null || typeof state !== 'object') return 'not an object';
  if (!Number.isSafeInteger(state.revision) || state.revision < 0) return 'no revision';
  if (!Array.isArray(state.reservations)) return 'no list of reservations';
  return { revision: state.revision, reservations: state.reservations };
}
