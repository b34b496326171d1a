// The shared stores, and `openStore`: a store from what a user typed (`--store`, PORTCLAIMS_STORE).
import { EtcdStore } from './etcd.js';
import { LockFileStore } from '../lockfile-store.js';
import { parseStoreLocation } from './location.js';
import { PostgresStore } from './postgres.js';

export { EtcdStore } from './etcd.js';
export { PostgresStore } from './postgres.js';
export { redact } from './location.js';

/**
 * The store at `location`: a lock file path, `etcd://…` or `postgres://…`. `options.groups` are
 * the port groups renders use (a shared store keeps ports unique per protocol itself).
 */
export function openStore(location, options = {}) {
  const parsed = parseStoreLocation(location);
  switch (parsed.kind) {
    case 'etcd':
      return new EtcdStore(location, options);
    case 'postgres':
      return new PostgresStore(location, options);
    default:
      return new LockFileStore(parsed.path, { name: parsed.path });
  }
}
