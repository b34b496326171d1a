// A cross-process lock on one file, as a folder next to it (`<file>.lock`): mkdir is atomic on
// every file system, NFS included. The folder holds `owner.json` (pid, host, a nonce), so that a
// waiter can tell a live holder from a crashed one at once instead of after a timeout, and the
// holder refreshes the folder's mtime, so that a holder on another host that stops refreshing is
// seen as gone too.
//
// Errors that waiting cannot fix (no such folder, permission denied, a read-only file system, a
// `.lock` that is not a folder) fail at once; only a live holder is waited for.
import { lstatSync, mkdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';

// Through require, on the first lock: node:crypto's ESM namespace would load WebCrypto at import.
const require = createRequire(import.meta.url);
const randomHex = (bytes) => require('node:crypto').randomBytes(bytes).toString('hex');

const OWNER_FILE = 'owner.json';

class LockError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

/**
 * Takes the lock of `file`; resolves to a handle `{ held(), release() }`.
 * - `stale`: ms without a refresh after which a holder on another host counts as gone;
 * - `timeout`: ms to wait for a live holder before failing;
 * - `onWait(holder)`: called once when the lock is not free at once, with the holder's
 *   `owner.json` (or null when it has not written it yet).
 */
export async function lockFile(file, { stale = 10_000, timeout = 30_000, onWait } = {}) {
  const path = `${file}.lock`;
  const nonce = randomHex(8);
  const deadline = Date.now() + timeout;
  let delay = 5;
  let told = false;
  for (;;) {
    try {
      mkdirSync(path);
      return holding(path, nonce, stale);
    } catch (error) {
      if (error.code !== 'EEXIST') throw cannotLock(path, error);
    }
    const holder = inspect(path, stale);
    if (holder.stale) {
      breakLock(path, holder.owner);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new LockError(`${basename(path)} has been held ${describeHolder(holder.owner)} for longer than ${Math.round(timeout / 1000)} s`, 'ELOCKED');
    }
    if (!told) {
      told = true;
      onWait?.(holder.owner);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(250, delay * 1.5);
  }
}

function holding(path, nonce, stale) {
  try {
    writeFileSync(join(path, OWNER_FILE), JSON.stringify({ pid: process.pid, host: hostname(), nonce, since: Date.now() }));
  } catch (error) {
    rmSync(path, { recursive: true, force: true });
    throw cannotLock(path, error);
  }
  const refresh = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch {
      // Gone: `held()` tells the holder before it writes.
    }
  }, Math.max(100, stale / 3));
  refresh.unref();
  return {
    /** Whether the lock is still this holder's (a waiter may have broken it as stale). */
    held: () => readOwner(path)?.nonce === nonce,
    release() {
      clearInterval(refresh);
      if (readOwner(path)?.nonce === nonce) rmSync(path, { recursive: true, force: true });
    },
  };
}

function readOwner(path) {
  try {
    const owner = JSON.parse(readFileSync(join(path, OWNER_FILE), 'utf8'));
    return owner && typeof owner === 'object' ? owner : null;
  } catch {
    return null;
  }
}

/** Whether the lock at `path` is held by someone alive: `{ stale, owner }`. */
function inspect(path, stale) {
  let stat;
  try {
    stat = lstatSync(path);
  } catch (error) {
    // Released between our mkdir and this look: free again.
    if (error.code === 'ENOENT') return { stale: false, owner: null };
    throw cannotLock(path, error);
  }
  if (!stat.isDirectory()) {
    throw new LockError(`${basename(path)} exists and is not a lock folder portclaims made; remove it if no portclaims process is running`, 'ENOTLOCK');
  }
  const owner = readOwner(path);
  if (owner && owner.host === hostname() && Number.isInteger(owner.pid) && !alive(owner.pid)) return { stale: true, owner };
  // A refresh older than `stale`, or one from the future (a clock set back, a copied folder):
  // nobody is refreshing it.
  const age = Date.now() - stat.mtimeMs;
  return { stale: age > stale || age < -stale, owner };
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/**
 * Removes a stale lock. It is moved aside first, so that of two waiters breaking it at once only
 * one succeeds; a lock moved aside that turns out to be a new holder's (taken between our look
 * and the move) is put back, and if it cannot be, its holder sees it gone and commits nothing.
 */
function breakLock(path, owner) {
  const aside = `${path}.${randomHex(4)}.stale`;
  try {
    renameSync(path, aside);
  } catch {
    return;
  }
  if (owner && readOwner(aside)?.nonce !== owner.nonce) {
    try {
      renameSync(aside, path);
      return;
    } catch {
      // A third process took the lock meanwhile; the one moved aside is lost to its holder.
    }
  }
  rmSync(aside, { recursive: true, force: true });
}

export function describeHolder(owner) {
  if (!owner) return 'by another process';
  const since = Number.isFinite(owner.since) ? ` since ${new Date(owner.since).toISOString()}` : '';
  return `by process ${owner.pid} on ${owner.host}${since}`;
}

function cannotLock(path, error) {
  const reason =
    error.code === 'ENOENT' ? 'its folder does not exist'
    : error.code === 'EACCES' || error.code === 'EPERM' ? 'permission denied'
    : error.code === 'EROFS' ? 'the file system is read-only'
    : error.code === 'ENOTDIR' ? 'a part of its path is not a folder'
    : String(error.message).replace(/^[A-Z]+: /, '');
  return new LockError(`cannot create ${basename(path)}: ${reason}`, error.code);
}

