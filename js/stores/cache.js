// What a shared store knows of its reservations between round trips, scope by scope, so that a
// load that finds nothing changed costs one small request, and one that finds a few scopes
// changed re-reads only those.
import { compareCodePoints, sortReservations } from '../store.js';

export class ScopeCache {
  /** scope → { claims: Map(claim → { scope, claim, group, port, protocol }), version } */
  #scopes = new Map();
  #size = 0;
  #list = null;

  get size() {
    return this.#size;
  }

  /** The scope's entry, or undefined. */
  get(scope) {
    return this.#scopes.get(scope);
  }

  /** Replaces what the cache holds of `scope`: `records` are its reservations with their protocols. */
  set(scope, records, version) {
    const old = this.#scopes.get(scope);
    if (old) this.#size -= old.claims.size;
    const claims = new Map();
    for (const r of records) claims.set(r.claim, { scope, claim: r.claim, group: r.group, port: r.port, protocol: r.protocol });
    this.#scopes.set(scope, { claims, version });
    this.#size += claims.size;
    this.#list = null;
  }

  clear() {
    this.#scopes.clear();
    this.#size = 0;
    this.#list = null;
  }

  /** Every reservation as the engine reads them, built once per change (in no particular order: the engine indexes them). */
  list() {
    if (this.#list === null) {
      const all = [];
      for (const { claims } of this.#scopes.values()) {
        for (const r of claims.values()) all.push({ scope: r.scope, claim: r.claim, group: r.group, port: r.port });
      }
      this.#list = all;
    }
    return this.#list;
  }

  /** Every reservation, as copies sorted by scope, then claim. */
  sorted() {
    return sortReservations(this.list().map((r) => ({ ...r })));
  }
}

/**
 * The reservations of one scope after `deletes` and `puts` (reservations of that scope), with
 * the ports the change frees: the records the scope held before, less what the change keeps.
 */
export function applyToScope(held, deletes, puts, protocolOf) {
  const claims = new Map(held);
  const freed = [];
  for (const d of deletes) {
    const old = claims.get(d.claim);
    if (old) {
      claims.delete(d.claim);
      freed.push(old);
    }
  }
  for (const p of puts) {
    const old = claims.get(p.claim);
    if (old) freed.push(old);
    claims.set(p.claim, { scope: p.scope, claim: p.claim, group: p.group, port: p.port, protocol: protocolOf(p.group) });
  }
  return { claims, freed };
}

/** A change's reservations grouped by scope, scopes sorted (a fixed locking order). */
export function byScope(change) {
  const scopes = new Map();
  const entry = (scope) => {
    let e = scopes.get(scope);
    if (!e) scopes.set(scope, (e = { deletes: [], puts: [] }));
    return e;
  };
  for (const r of change.delete ?? []) entry(r.scope).deletes.push(r);
  for (const r of change.put ?? []) entry(r.scope).puts.push(r);
  return new Map([...scopes].sort(([a], [b]) => compareCodePoints(a, b)));
}

/** A snapshot whose reservations are listed only when the engine reads them. */
export function lazySnapshot(revision, cache) {
  return {
    revision,
    get reservations() {
      return cache.list();
    },
  };
}
