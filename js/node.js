// Node entry: instantiates the WebAssembly core synchronously at import, so that everything works
// synchronously inside an editor's extension host.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { initSync } from '../pkg/portclaims.js';
import * as core from '../pkg/portclaims.js';
import { createApi } from './core.js';
import { createCheck } from './check.js';
import { createFolderRenderer } from './folder.js';

// V8's own (--wasm-tiering-budget) and the first one the core's functions get (see instantiate).
const V8_TIERING_BUDGET = 1_800_000;
const FIRST_TIERING_BUDGET = 16 * V8_TIERING_BUDGET;

instantiate();
const require = createRequire(import.meta.url);
core.provideEntropy(entropy());

/**
 * 32 bytes of the operating system's secure randomness, for the core's unseeded draws, which
 * would otherwise ask WebCrypto. The kernel's device answers in microseconds where loading
 * node:crypto takes milliseconds of every start; node:crypto stays the answer where there is no
 * such device (Windows).
 */
function entropy() {
  const bytes = new Uint8Array(32);
  try {
    const device = openSync('/dev/urandom', 'r');
    try {
      if (readSync(device, bytes, 0, bytes.length, null) === bytes.length) return bytes;
    } finally {
      closeSync(device);
    }
  } catch {
    // No device: fall through to node:crypto.
  }
  // Through require: node:crypto's ESM namespace would load WebCrypto too.
  return require('node:crypto').randomFillSync(bytes);
}

/**
 * Instantiates the core with a larger first tiering budget than V8's. V8 runs WebAssembly on its
 * baseline compiler and recompiles a function with its optimising one once the function has run
 * for a budget of bytes. Every engine on minijinja spends that budget in its first render, in its
 * 50 KB instruction loop, and the recompilation then holds up the process's exit and doubles its
 * memory: a short process (a script, a git hook) pays for code it never runs. The budget each
 * function starts with is read when the module is instantiated, and the budget it gets back
 * after its first check is read then, so the flag is set for this call only and set back: V8's
 * default, or the value the process was started with. A long-running process still optimises
 * its hot code, a few thousand renders later.
 */
function instantiate() {
  const flag = '--wasm-tiering-budget';
  const own = process.execArgv.findLast((arg) => arg.startsWith(`${flag}=`));
  setFlagsFromString(`${flag}=${FIRST_TIERING_BUDGET}`);
  try {
    initSync({ module: readFileSync(new URL('../pkg/portclaims_bg.wasm', import.meta.url)) });
  } finally {
    setFlagsFromString(own ?? `${flag}=${V8_TIERING_BUDGET}`);
  }
}

const api = createApi(core);
export const { version, render, renderSync, release, releaseSync, compile, describeGroup } = api;
/** Kublade template folders rendered as one deployment (see folder.js). */
const folders = createFolderRenderer(api, core, () => require('yaml'));
export const { renderFolder, renderFolderSync } = folders;
/** Diagnostics of templates in a dry run, nothing reserved (see check.js). */
export const check = createCheck({ ...api, ...folders, kubladeTraps: core.kubladeTraps }, () => require('yaml'));
export { MemoryStore } from './store.js';
export { LocalStorageStore } from './local-storage-store.js';
export { LockFileStore } from './lockfile-store.js';
export { EtcdStore, PostgresStore, openStore } from './stores/index.js';
