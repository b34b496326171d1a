// Node entry: instantiates the WebAssembly core synchronously at import, so that everything works
// synchronously inside an editor's extension host.
import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { nodeCore } from './node-core.js';
import { createApi } from './core.js';
import { createCheck } from './check.js';
import { createFolderRenderer } from './folder.js';
import { loadYaml } from './yaml.js';

const core = nodeCore();
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

const api = createApi(core, { restarted: () => core.provideEntropy(entropy()) });
export const { version, defaultScope, render, renderSync, decide, decideSync, release, releaseSync, compile, describeGroup } = api;
/** Kublade template folders rendered as one deployment (see folder.js). */
const folders = createFolderRenderer(api, core);
export const { renderFolder, renderFolderSync } = folders;
/** Diagnostics of templates in a dry run, nothing reserved (see check.js). */
export const check = createCheck({ ...api, ...folders, kubladeTraps: core.kubladeTraps }, loadYaml);
export { MemoryStore } from './store.js';
export { LocalStorageStore } from './local-storage-store.js';
export { LockFileStore } from './lockfile-store.js';
export { EtcdStore, PostgresStore, openStore } from './stores/index.js';
