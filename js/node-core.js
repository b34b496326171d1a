// The WebAssembly core in Node, instantiated synchronously on first use: by the Node entry at
// import, or by a LockFileStore used on its own (the lock file's reservations are judged by the
// core, see lockfile-store.js).
import { readFileSync } from 'node:fs';
import * as core from '../pkg/portclaims.js';

let loaded = false;

/** The core's exports, instantiated. */
export function nodeCore() {
  if (!loaded) {
    core.initSync({ module: readFileSync(new URL('../pkg/portclaims_bg.wasm', import.meta.url)) });
    loaded = true;
  }
  return core;
}
