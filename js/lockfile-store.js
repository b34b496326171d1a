// A reservation store in a JSON file meant to be committed to git next to the templates:
//
//   { "version": 1, "reservations": [ { "scope", "claim", "group", "port" }, … ] }
//
// sorted by scope, then claim; 2-space indent; trailing newline; other top-level fields (a
// "comment") are kept as they are. Several processes may render against one file at once:
// `commit` holds a cross-process lock (see file-lock.js), re-reads the file and refuses the change
// when it moved on since the caller's `load`, so the engine decides again on the new reservations.
//
// The file is the user's: writes are atomic (a temporary file beside it, then a rename) and keep
// its permissions; a symbolic link is followed and its target written; a read-only file, a folder,
// a device or a FIFO is refused, never replaced. A file that cannot be read as a lock file
// (invalid JSON or UTF-8, a key given twice, an unknown field in a reservation) is reported and
// never overwritten.
import {
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fsyncSync,
  lstatSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';

import { lockFile } from './file-lock.js';
import { JUDGED_INDEX, groupsKeyOf } from './store.js';
import * as core from '../pkg/portclaims.js';
import { nodeCore } from './node-core.js';
import { lineColumn, parseJson } from './cli/json.js';

const LOCK_FILE_VERSION = 1;
export const DEFAULT_LOCK_FILE = 'portclaims.lock.json';

const RESERVATION_FIELDS = ['scope', 'claim', 'group', 'port'];
// Symbolic links followed before giving up, as the kernel's own limit (ELOOP).
const MAX_LINKS = 40;

// Through require: importing node:crypto's ESM namespace also loads WebCrypto, a cost every
// import of the package would pay.
const require = createRequire(import.meta.url);
const crypto = () => require('node:crypto');

const keyOf = (r) => `${r.scope}\u0000${r.claim}`;

/**
 * The revision of a lock file's bytes: the bytes themselves, one character each, so that any
 * change on disk is seen. Comparing them costs less than hashing them would, and a render that
 * changes nothing then never loads node:crypto.
 */
export function revisionOf(bytes) {
  return (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes)).toString('latin1');
}

function storeError(file, message, extra = {}) {
  const error = new Error(`${file}: ${message}`);
  error.kind = 'store';
  error.file = file;
  Object.assign(error, extra);
  return error;
}

const describe = (v) =>
  v === undefined ? 'nothing' : v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : JSON.stringify(v);

/** A lock file's bytes as text; invalid UTF-8 is an error naming where, never U+FFFD. */
function decodeUtf8(bytes, file) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const before = new TextDecoder().decode(bytes.subarray(0, at));
    const { line, column } = lineColumn(before, before.length);
    throw storeError(file, `${line}:${column}: not valid UTF-8 (byte 0x${bytes[at].toString(16).padStart(2, '0')} at offset ${at}); the file was damaged or written in another encoding`, { line, column });
  }
}

/** The offset of the first byte of `bytes` that does not begin a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes) {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const length = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    try {
      decoder.decode(bytes.subarray(i, i + length));
    } catch {
      return i;
    }
    i += length;
  }
  return Math.min(i, bytes.length - 1);
}

/**
 * Parses a lock file's text; throws an Error naming the file and what is wrong. The lock file's
 * own format (JSON, `version`, the fields a reservation may have) is checked here; whether the
 * reservations can be held together is the core's rule, as a render applies it: each (scope,
 * claim) once, each port once per protocol under `groups` (the port groups renders use).
 * Returns the reservations sorted by scope, then claim, in the core's order; `extras` (when
 * given) receives the top-level fields to keep. The core must be loaded (by the package's entry,
 * or by a LockFileStore).
 */
export function parseLockFile(text, file = DEFAULT_LOCK_FILE, extras = {}, groups = undefined) {
  const { reservations, ledger } = readLockFile(text, file, extras, groups);
  ledger?.free();
  return reservations;
}

/** `parseLockFile`, with the core's index of the reservations (null for none) kept. */
function readLockFile(text, file, extras, groups) {
  if (text.trim() === '' || text === '\ufeff') return { reservations: [], ledger: null };
  let doc;
  try {
    doc = parseJson(text);
  } catch (e) {
    const what = e.duplicateKey === undefined ? 'not valid JSON' : 'ambiguous';
    throw storeError(file, `${e.line}:${e.column}: ${what}: ${e.reason ?? e.message}`, {
      line: e.line,
      column: e.column,
      sourceLine: e.sourceLine,
    });
  }
  const bad = (where, message) => {
    throw storeError(file, `${where}: ${message}`, { field: where });
  };
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    bad('(top level)', `must be an object { "version": 1, "reservations": [...] }, got ${describe(doc)}`);
  }
  if (doc.version !== LOCK_FILE_VERSION) {
    bad('version', `must be ${LOCK_FILE_VERSION}, got ${doc.version === undefined ? 'nothing' : describe(doc.version)}` +
      (typeof doc.version === 'number' && doc.version > LOCK_FILE_VERSION ? ' (written by a newer portclaims?)' : ''));
  }
  if (!Array.isArray(doc.reservations)) bad('reservations', `must be an array, got ${describe(doc.reservations)}`);
  for (const key of Object.keys(doc)) {
    if (key !== 'version' && key !== 'reservations') Object.defineProperty(extras, key, { value: doc[key], enumerable: true, writable: true, configurable: true });
  }
  doc.reservations.forEach((r, i) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) return;
    const unknown = Object.keys(r).find((key) => !RESERVATION_FIELDS.includes(key));
    if (unknown !== undefined) {
      bad(`reservations[${i}].${unknown}`, `unknown field (a reservation holds ${RESERVATION_FIELDS.join(', ')}; other notes belong at the top level, where they are kept)`);
    }
  });
  return judged(doc.reservations, file, groups);
}

/**
 * `{ reservations, ledger }`: the reservations as the core reads a store's snapshot, sorted by
 * scope, then claim (by code point, the core's order), and the core's index of them, which the
 * caller frees; what the core refuses is an error naming `file`.
 */
function judged(reservations, file, groups) {
  let ledger;
  try {
    ledger = core.Ledger.load(JSON.stringify(reservations), groupsKeyOf(groups));
  } catch (e) {
    if (e?.kind !== 'claims' || e.source !== 'reservations') throw e;
    const field = `reservations${e.field ?? ''}`;
    throw storeError(file, `${field}: ${e.reason}`, { field });
  }
  try {
    return { reservations: JSON.parse(ledger.reservations()), ledger };
  } catch (e) {
    ledger.free();
    throw e;
  }
}

/**
 * The canonical text of a lock file: what `commit` writes. `extras`: top-level fields kept;
 * `groups`: the port groups the reservations are judged under (see `parseLockFile`).
 */
export function formatLockFile(reservations, extras = {}, groups = undefined, file = DEFAULT_LOCK_FILE) {
  return canonical(reservations, extras, groups, file).text;
}

/** The reservations as the core judged and sorted them, and the lock file's text holding them. */
function canonical(reservations, extras, groups, file) {
  nodeCore();
  const { reservations: sorted, ledger } = judged(reservations.map((r) => ({ scope: r.scope, claim: r.claim, group: r.group, port: r.port })), file, groups);
  ledger.free();
  return { reservations: sorted, text: `${JSON.stringify({ version: LOCK_FILE_VERSION, ...extras, reservations: sorted }, null, 2)}\n` };
}

export class LockFileStore {
  #path;
  #name;
  #lockOptions;
  #groups;
  // The last file read, by revision: a render loads the store every time, and parsing a large
  // file costs more than comparing its bytes.
  #cached = null;

  /**
   * @param {string} [path] the lock file (default `portclaims.lock.json` in the current folder)
   * @param {{ stale?: number, timeout?: number, onWait?: (holder: object | null) => void, name?: string, groups?: object }} [options]
   *   `stale`: ms after which a lock nobody refreshes is taken over (a crashed process on this
   *   host is seen at once); `timeout`: ms to wait for a live holder; `onWait`: called once when
   *   a commit has to wait, with the holder's pid, host and since; `groups`: the port groups
   *   renders use, which decide which ports collide (the defaults when not given).
   */
  constructor(path = DEFAULT_LOCK_FILE, options = {}) {
    this.#path = resolve(path);
    this.#name = options.name ?? path;
    this.#groups = options.groups;
    this.#lockOptions = { stale: options.stale ?? 10_000, timeout: options.timeout ?? 30_000, onWait: options.onWait };
  }

  /** The lock file's path, absolute. */
  get path() {
    return this.#path;
  }

  /**
   * The file the path names: the target of a symbolic link (of a chain of them), which need not
   * exist yet. Anything but a regular file there is refused before it is opened: reading a FIFO
   * would hang, and replacing a device or a folder is never what a render means.
   */
  #target() {
    let path = this.#path;
    for (let hops = 0; hops <= MAX_LINKS; hops++) {
      let stat;
      try {
        stat = lstatSync(path);
      } catch (e) {
        if (e.code === 'ENOENT') return { path, stat: null };
        throw this.#ioError('cannot read the lock file', e);
      }
      if (stat.isSymbolicLink()) {
        path = resolve(dirname(path), readlinkSync(path));
        continue;
      }
      if (!stat.isFile()) throw storeError(this.#name, `is ${kindOf(stat)}, not a lock file; give the path of a regular file`);
      return { path, stat };
    }
    throw storeError(this.#name, `too many levels of symbolic links (more than ${MAX_LINKS})`);
  }

  #read() {
    nodeCore();
    const target = this.#target();
    if (target.stat === null) return { target, revision: revisionOf(''), reservations: [], extras: {} };
    let bytes;
    try {
      bytes = readFileSync(target.path);
    } catch (e) {
      throw this.#ioError('cannot read the lock file', e);
    }
    const revision = revisionOf(bytes);
    if (this.#cached?.revision === revision) return { target, ...this.#cached };
    const extras = {};
    const { reservations, ledger } = readLockFile(decodeUtf8(bytes, this.#name), this.#name, extras, this.#groups);
    this.#keep({ revision, reservations, extras, ledger });
    return { target, revision, reservations, extras };
  }

  /** Makes `cached` the last file read, freeing the index the one before kept. */
  #keep(cached) {
    this.#cached?.ledger?.free();
    this.#cached = cached;
  }

  /**
   * Synchronous, so that dry runs (`renderSync`, `check`) can read it too. The reservations are
   * copied only when read (a render reads them only when its index of the store is stale); the
   * index the store built to judge them goes to the first render that asks (JUDGED_INDEX).
   */
  load() {
    const { revision, reservations } = this.#read();
    const snapshot = { revision };
    Object.defineProperty(snapshot, 'reservations', { enumerable: true, get: () => reservations.map((r) => ({ ...r })) });
    Object.defineProperty(snapshot, JUDGED_INDEX, { value: (groupsKey) => this.#handOver(revision, groupsKey) });
    return snapshot;
  }

  #handOver(revision, groupsKey) {
    const cached = this.#cached;
    if (cached?.revision !== revision || !cached.ledger || groupsKeyOf(this.#groups) !== groupsKey) return null;
    const { ledger } = cached;
    cached.ledger = null;
    return ledger;
  }

  /** Every reservation, sorted by scope, then claim. */
  reservations() {
    return this.load().reservations;
  }

  async commit(change) {
    const { path } = this.#writable(this.#target());
    let lock;
    try {
      lock = await lockFile(path, this.#lockOptions);
    } catch (e) {
      throw storeError(this.#name, e.message, { code: e.code });
    }
    try {
      removeLeftovers(path);
      const current = this.#read();
      if (current.revision !== change.baseRevision) return false;
      const target = this.#writable(current.target);
      const byKey = new Map(current.reservations.map((r) => [keyOf(r), r]));
      for (const r of change.delete ?? []) byKey.delete(keyOf(r));
      for (const r of change.put ?? []) byKey.set(keyOf(r), r);
      const { reservations, text } = canonical([...byKey.values()], current.extras, this.#groups, this.#name);
      // Broken as stale by another process (this one stalled past `stale`): it may be writing.
      if (!lock.held()) return false;
      this.#writeAtomically(target, text);
      // What was just written is what the next load would read: judged once, not again there.
      const revision = revisionOf(Buffer.from(text, 'utf8'));
      this.#keep({ revision, reservations, extras: current.extras, ledger: null });
      return revision;
    } finally {
      lock.release();
    }
  }

  /** `target`, if this process may replace it: a read-only file stays as the user made it. */
  #writable(target) {
    if (target.stat === null) return target;
    const readOnly = (target.stat.mode & 0o222) === 0;
    let denied = false;
    try {
      accessSync(target.path, constants.W_OK);
    } catch {
      denied = true;
    }
    if (readOnly || denied) {
      throw storeError(this.#name, `is ${readOnly ? 'read-only' : 'not writable by this user'} (mode ${(target.stat.mode & 0o777).toString(8).padStart(4, '0')}); a render that reserves ports must write it`);
    }
    return target;
  }

  #writeAtomically(target, text) {
    const temporary = join(dirname(target.path), `${temporaryPrefix(target.path)}${process.pid}.${crypto().randomBytes(4).toString('hex')}.tmp`);
    try {
      const fd = openSync(temporary, 'wx', 0o644);
      try {
        if (target.stat) {
          fchmodSync(fd, target.stat.mode & 0o7777);
          // Root editing a user's file leaves it the user's; others cannot give files away.
          if (process.getuid?.() === 0) fchownSync(fd, target.stat.uid, target.stat.gid);
        }
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, target.path);
    } catch (e) {
      try {
        unlinkSync(temporary);
      } catch {
        // already gone
      }
      throw this.#ioError('cannot write the lock file', e);
    }
  }

  #ioError(what, e) {
    const reason =
      e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied'
      : e.code === 'ELOOP' ? 'too many levels of symbolic links'
      : e.code === 'ENOTDIR' ? 'a part of its path is not a folder'
      : e.code === 'ENOENT' ? 'its folder does not exist'
      : String(e.message).replace(/^[A-Z]+: /, '');
    return storeError(this.#name, `${what}: ${reason}`, { code: e.code });
  }
}

const temporaryPrefix = (path) => `.${basename(path)}.`;

/**
 * Temporary files of writers that died mid-write (a `kill -9` between write and rename). Only the
 * lock's holder writes one, and this process holds the lock: every one left is garbage.
 */
function removeLeftovers(path) {
  const prefix = temporaryPrefix(path);
  let names;
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(prefix) && /^\d+\.[0-9a-f]{8}\.tmp$/.test(name.slice(prefix.length))) {
      try {
        unlinkSync(join(dirname(path), name));
      } catch {
        // Someone else's to clean, or already gone.
      }
    }
  }
}

function kindOf(stat) {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

