// The shared stores as the package exports them. Their code (and their database clients) loads
// on a store's first operation: importing the package, or opening a lock file, costs nothing
// for them. A store's URL is read at once, so a mistake in it is an error of the constructor.
import { LockFileStore } from '../lockfile-store.js';
import { parseStoreLocation, StoreLocationError } from './location.js';

export { redact } from './location.js';

class SharedStore {
  #store;
  #name;

  constructor(url, options, kind, expected, open) {
    const location = parseStoreLocation(url);
    if (location.kind !== kind) throw new StoreLocationError(`${location.display}: not ${expected}`);
    this.#name = location.display;
    this.#store = open().then((Store) => new Store(url, options));
    // Failures show on the first operation.
    this.#store.catch(() => {});
  }

  /** The store's URL without its password, as messages name it. */
  get name() {
    return this.#name;
  }

  async load() {
    return (await this.#store).load();
  }

  async commit(change) {
    return (await this.#store).commit(change);
  }

  /** Every reservation, sorted by scope, then claim. */
  async reservations() {
    return (await this.#store).reservations();
  }

  /** Sets the store up (PostgreSQL: creates the tables if they are missing) and checks it answers. */
  async init() {
    return (await this.#store).init();
  }

  /** Closes the store's connections; a process exits only once they are closed. */
  async close() {
    return (await this.#store).close();
  }
}

/** Reservations in etcd; see etcd.js for the layout and the protocol. */
export class EtcdStore extends SharedStore {
  constructor(url, options = {}) {
    super(url, options, 'etcd', 'an etcd URL (etcd://host:2379/name)', async () => (await import('./etcd.js')).EtcdStore);
  }

  /** Reservations one commit takes: etcd caps a transaction at 128 operations by default. */
  get maxCommitSize() {
    return 60;
  }
}

/** Reservations in PostgreSQL; see postgres.js for the tables and the protocol. */
export class PostgresStore extends SharedStore {
  constructor(url, options = {}) {
    super(url, options, 'postgres', 'a PostgreSQL URL (postgres://user@host:5432/database)', async () => (await import('./postgres.js')).PostgresStore);
  }

  /** Reservations one commit takes: any number, in one transaction. */
  get maxCommitSize() {
    return Infinity;
  }
}

/**
 * The store at `location`: a lock file path, `etcd://…` or `postgres://…`. `options.groups` are
 * the port groups renders use (a shared store keeps ports unique per protocol itself);
 * `options.onWait` is told when a lock file's commit waits for another process (see LockFileStore).
 */
export function openStore(location, options = {}) {
  const parsed = parseStoreLocation(location);
  switch (parsed.kind) {
    case 'etcd':
      return new EtcdStore(location, options);
    case 'postgres':
      return new PostgresStore(location, options);
    default:
      return new LockFileStore(parsed.path, { name: parsed.path, onWait: options.onWait, groups: options.groups });
  }
}
