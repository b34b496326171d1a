// A reservation store on the Web Storage API (localStorage), used by the playground.
import { MemoryStore } from './store.js';

export class LocalStorageStore {
  #key;
  #storage;

  constructor(key = 'portclaims.reservations', storage = globalThis.localStorage) {
    this.#key = key;
    this.#storage = storage;
  }

  load() {
    const text = this.#storage.getItem(this.#key);
    if (text === null) return { revision: 0, reservations: [] };
    const state = JSON.parse(text);
    return { revision: state.revision, reservations: state.reservations };
  }

  commit(change) {
    const current = this.load();
    if (current.revision !== change.baseRevision) return false;
    const memory = new MemoryStore(current.reservations);
    memory.commit({ ...change, baseRevision: 0 });
    const revision = current.revision + 1;
    this.#storage.setItem(this.#key, JSON.stringify({ revision, reservations: memory.reservations() }));
    return revision;
  }

  reservations() {
    return this.load().reservations;
  }
}
