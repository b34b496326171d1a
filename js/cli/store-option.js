// Which reservation store a command uses: --store URL|PATH, else --lock FILE, else the
// PORTCLAIMS_STORE environment variable, else portclaims.lock.json in the current folder.
import { DEFAULT_LOCK_FILE } from '../lockfile-store.js';
import { isStoreUrl, redact } from '../stores/location.js';
import { describeHolder } from '../file-lock.js';
import { CliError, UsageError, printable } from './messages.js';

/** The location the command's options and environment name, and where it came from. */
export function storeLocation(options, env, command) {
  if (options.store !== undefined && options.lock !== undefined) {
    throw new UsageError('give the store once: --store and --lock both name one (--lock FILE is --store FILE)', command);
  }
  if (options.store !== undefined) return options.store;
  if (options.lock !== undefined) {
    if (isStoreUrl(options.lock)) throw new UsageError(`--lock takes a file; give a store URL with --store ${redact(options.lock)}`, command);
    return options.lock;
  }
  if (env.PORTCLAIMS_STORE !== undefined && env.PORTCLAIMS_STORE !== '') return env.PORTCLAIMS_STORE;
  return DEFAULT_LOCK_FILE;
}

/**
 * Opens the command's store through the API (which loads the database clients only for the
 * kind of store named); `groups` are the port groups the command renders with.
 */
export async function openCliStore(api, options, context, command, groups) {
  const location = storeLocation(options, context.env, command);
  try {
    const onWait = (holder) => context.reporter.write(printable(`waiting for ${location}.lock, held ${describeHolder(holder)}…`));
    return api.openStore(location, { groups, env: context.env, onWait });
  } catch (error) {
    throw new CliError(redact(error.message));
  }
}

/** Runs `work(store)` and closes the store (its connections) whatever happens. */
export async function withStore(store, work) {
  try {
    return await work(store);
  } finally {
    await store.close?.();
  }
}

/** Whether `store` is a lock file (read synchronously) rather than a shared store. */
export const isLockFile = (store) => typeof store.close !== 'function';
