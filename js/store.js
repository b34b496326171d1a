// Reservation stores that ship with the package. A store is any object with
//   load(): Snapshot | Promise<Snapshot>
//   commit({ baseRevision, put, delete }): boolean | Revision | Promise<…>
// `commit` returns false when the revision moved on. Returning the new revision instead of
// `true` is an optional fast path: the engine then keeps its index of the reservations instead of
// re-reading the whole snapshot on the next render.

const keyOf = (r) => `${r.scope}\u0000${r.claim}`;

export function sortReservations(reservations) {
  return reservations.sort((a, b) =>
    a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : a.claim < b.claim ? -1 : a.claim > b.claim ? 1 : 0,
  );
}

/** A MemoryStore's snapshot: its reservations are listed only when read. */
class MemorySnapshot {
  #list;
  constructor(revision, list) {
    this.revision = revision;
    this.#list = list;
  }

  get reservations() {
    return this.#list(this.revision);
  }
}

/** Reservations in memory, synchronous: for tests, previews and tools that persist elsewhere. */
export class MemoryStore {
  #revision = 0;
  #byKey = new Map();
  #listed = null;
  // One function for every snapshot to list the reservations with, not a new one per load.
  #lister = (revision) => this.#list(revision);

  constructor(reservations = []) {
    for (const r of reservations) this.#byKey.set(keyOf(r), { ...r });
  }

  load() {
    // The list is built only when read: the engine reads it only when its own index is stale,
    // which keeps a render's cost independent of how many ports are reserved.
    return new MemorySnapshot(this.#revision, this.#lister);
  }

  commit(change) {
    if (change.baseRevision !== this.#revision) return false;
    for (const r of change.delete ?? []) this.#byKey.delete(keyOf(r));
    for (const r of change.put ?? []) this.#byKey.set(keyOf(r), { scope: r.scope, claim: r.claim, group: r.group, port: r.port });
    this.#revision += 1;
    this.#listed = null;
    return this.#revision;
  }

  /** Every reservation, sorted by scope, then claim. */
  reservations() {
    return this.#list(this.#revision).map((r) => ({ ...r }));
  }

  #list(revision) {
    if (revision !== this.#revision) throw new Error('MemoryStore: this snapshot is stale; call load() again');
    this.#listed ??= sortReservations([...this.#byKey.values()]);
    return this.#listed;
  }
}
