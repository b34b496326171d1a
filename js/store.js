// Reservation stores that ship with the package. A store is any object with
//   load(): Snapshot | Promise<Snapshot>
//   commit({ baseRevision, put, delete }): boolean | Revision | Promise<…>
// `commit` returns false when the revision moved on. Returning the new revision instead of
// `true` is an optional fast path: the engine then keeps its index of the reservations instead of
// re-reading the whole snapshot on the next render.

const keyOf = (r) => `${r.scope}\u0000${r.claim}`;

/**
 * Orders two strings by code point, as the core orders scopes and claims (Rust compares UTF-8
 * bytes, which order as code points). `<` compares UTF-16 units, which puts a character above
 * U+FFFF (a surrogate pair, U+D800–U+DFFF) before U+E000–U+FFFF: `😀` before `～`.
 */
/**
 * A snapshot's method (when its store built the core's index of the reservations to judge them):
 * `snapshot[JUDGED_INDEX](groupsKey)` hands that index over, once, when it was built under the
 * groups of `groupsKey` (see `groupsKeyOf`), so that a render does not build the same again.
 */
export const JUDGED_INDEX = Symbol('portclaims.judgedIndex');

/** A groups configuration as the core reads it, and as the key of the indexes built under it. */
export function groupsKeyOf(groups) {
  return groups == null ? 'null' : JSON.stringify(groups);
}

export function compareCodePoints(a, b) {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800 && x < 0xe000 !== y < 0xe000) return x < 0xe000 ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** Sorts reservations in place by scope, then claim, in the core's order (see compareCodePoints). */
export function sortReservations(reservations) {
  return reservations.sort((a, b) => compareCodePoints(a.scope, b.scope) || compareCodePoints(a.claim, b.claim));
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
