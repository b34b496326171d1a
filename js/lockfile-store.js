// A reservation store in a JSON file meant to be committed to git next to the templates:
//
//   { "version": 1, "reservations": [ { "scope", "claim", "group", "port" }, … ] }
//
// sorted by scope, then claim; 2-space indent; trailing newline. Several processes may render
// against one file at once: `commit` holds a cross-process lock (proper-lockfile), re-reads the
// file and refuses the change when it moved on since the caller's `load`, so the engine decides
// again on the new reservations. Writes are atomic (temporary file in the same folder + rename).
// A file that cannot be read as a lock file is reported and never overwritten.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';

import { sortReservations } from './store.js';
import { parseJson } from './cli/json.js';

export const LOCK_FILE_VERSION = 1;
export const DEFAULT_LOCK_FILE = 'portclaims.lock.json';

// proper-lockfile is loaded on the first commit: reading needs no lock.
const require = createRequire(import.meta.url);
const loadLockfile = () => require('proper-lockfile');
// Through require: importing node:crypto's ESM namespace also loads WebCrypto, a cost every
// import of the package would pay.
const crypto = () => require('node:crypto');

const keyOf = (r) => `${r.scope}\u0000${r.claim}`;

/** The revision of a lock file's bytes: a hash, so that any change on disk is seen. */
export function revisionOf(bytes) {
  return crypto().createHash('sha256').update(bytes).digest('hex').slice(0, 32);
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

/** Parses and validates a lock file's text; throws an Error naming the file and what is wrong. */
export function parseLockFile(text, file = DEFAULT_LOCK_FILE) {
  if (text.trim() === '') return [];
  let doc;
  try {
    doc = parseJson(text);
  } catch (e) {
    throw storeError(file, `${e.line}:${e.column}: not valid JSON: ${e.reason ?? e.message}`, {
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
  const seen = new Map();
  const heldInGroup = new Map();
  return doc.reservations.map((r, i) => {
    const at = `reservations[${i}]`;
    if (r === null || typeof r !== 'object' || Array.isArray(r)) bad(at, `must be an object, got ${describe(r)}`);
    for (const key of ['scope', 'claim', 'group']) {
      if (typeof r[key] !== 'string' || r[key] === '') bad(`${at}.${key}`, `must be a non-empty string, got ${describe(r[key])}`);
    }
    if (!Number.isInteger(r.port) || r.port < 1 || r.port > 65535) {
      bad(`${at}.port`, `must be an integer from 1 to 65535, got ${describe(r.port)}`);
    }
    const key = keyOf(r);
    if (seen.has(key)) bad(at, `scope ${JSON.stringify(r.scope)} claim ${JSON.stringify(r.claim)} is listed twice (first at reservations[${seen.get(key)}])`);
    seen.set(key, i);
    const portKey = `${r.group}\u0000${r.port}`;
    if (heldInGroup.has(portKey)) {
      bad(`${at}.port`, `port ${r.port} of group ${JSON.stringify(r.group)} is also held by reservations[${heldInGroup.get(portKey)}]`);
    }
    heldInGroup.set(portKey, i);
    return { scope: r.scope, claim: r.claim, group: r.group, port: r.port };
  });
}

/** The canonical text of a lock file: what `commit` writes. */
export function formatLockFile(reservations) {
  const sorted = sortReservations(reservations.map((r) => ({ scope: r.scope, claim: r.claim, group: r.group, port: r.port })));
  return `${JSON.stringify({ version: LOCK_FILE_VERSION, reservations: sorted }, null, 2)}\n`;
}

export class LockFileStore {
  #path;
  #name;
  #lockOptions;

  /**
   * @param {string} [path] the lock file (default `portclaims.lock.json` in the current folder)
   * @param {{ retries?: number, stale?: number, name?: string }} [options]
   */
  constructor(path = DEFAULT_LOCK_FILE, options = {}) {
    this.#path = resolve(path);
    this.#name = options.name ?? path;
    this.#lockOptions = {
      realpath: false,
      // A lock older than this is a crashed process's: taken over. proper-lockfile refreshes the
      // lock's mtime every stale/2 while we hold it, so a slow but live holder keeps it.
      stale: options.stale ?? 10_000,
      retries: { retries: options.retries ?? 60, factor: 1.4, minTimeout: 5, maxTimeout: 250, randomize: true },
      lockfilePath: `${this.#path}.lock`,
    };
  }

  /** The lock file's path, absolute. */
  get path() {
    return this.#path;
  }

  #read() {
    let bytes;
    try {
      bytes = readFileSync(this.#path);
    } catch (e) {
      if (e.code === 'ENOENT') return { revision: revisionOf(''), reservations: [] };
      throw storeError(this.#name, `cannot read the lock file: ${e.message.replace(/^[A-Z]+: /, '')}`);
    }
    const reservations = parseLockFile(bytes.toString('utf8'), this.#name);
    return { revision: revisionOf(bytes), reservations };
  }

  /** Synchronous, so that dry runs (`renderSync`, `check`) can read it too. */
  load() {
    return this.#read();
  }

  /** Every reservation, sorted by scope, then claim. */
  reservations() {
    return this.#read().reservations;
  }

  async commit(change) {
    let release;
    try {
      release = await loadLockfile().lock(this.#path, this.#lockOptions);
    } catch (e) {
      throw storeError(
        this.#name,
        e.code === 'ELOCKED'
          ? `another process holds the lock ${basename(this.#path)}.lock for too long; if none is running, delete that folder`
          : `cannot lock the lock file: ${e.message}`,
      );
    }
    try {
      const current = this.#read();
      if (current.revision !== change.baseRevision) return false;
      const byKey = new Map(current.reservations.map((r) => [keyOf(r), r]));
      for (const r of change.delete ?? []) byKey.delete(keyOf(r));
      for (const r of change.put ?? []) byKey.set(keyOf(r), r);
      const text = formatLockFile([...byKey.values()]);
      this.#writeAtomically(text);
      return revisionOf(Buffer.from(text, 'utf8'));
    } finally {
      await release().catch(() => {});
    }
  }

  #writeAtomically(text) {
    const temporary = join(dirname(this.#path), `.${basename(this.#path)}.${process.pid}.${crypto().randomBytes(4).toString('hex')}.tmp`);
    try {
      const fd = openSync(temporary, 'wx', 0o644);
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, this.#path);
    } catch (e) {
      try {
        unlinkSync(temporary);
      } catch {
        // already gone
      }
      throw storeError(this.#name, `cannot write the lock file: ${e.message}`);
    }
  }
}
