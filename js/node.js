// Node entry: instantiates the WebAssembly core synchronously at import, so that everything works
// synchronously inside an editor's extension host.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { initSync } from '../pkg/portclaims.js';
import * as core from '../pkg/portclaims.js';
import { createApi } from './core.js';
import { createCheck } from './check.js';

initSync({ module: readFileSync(new URL('../pkg/portclaims_bg.wasm', import.meta.url)) });
// The core's first unseeded draw would otherwise ask WebCrypto, which Node loads in milliseconds;
// node:crypto (through require: its ESM namespace loads WebCrypto too) answers in microseconds.
const require = createRequire(import.meta.url);
core.provideEntropy(require('node:crypto').randomFillSync(new Uint8Array(32)));

const api = createApi(core);
export const { version, render, renderSync, release, releaseSync, compile } = api;
/** Diagnostics of templates in a dry run, nothing reserved (see check.js). */
export const check = createCheck(api, () => require('yaml'));
export { MemoryStore } from './store.js';
export { LocalStorageStore } from './local-storage-store.js';
export { LockFileStore } from './lockfile-store.js';
