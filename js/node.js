// Node entry: instantiates the WebAssembly core synchronously at import, so that everything works
// synchronously inside an editor's extension host.
import { readFileSync } from 'node:fs';
import { initSync } from '../pkg/portclaims.js';
import * as core from '../pkg/portclaims.js';
import { createApi } from './core.js';

initSync({ module: readFileSync(new URL('../pkg/portclaims_bg.wasm', import.meta.url)) });

const api = createApi(core);
export const { version, render, renderSync, release, releaseSync, compile } = api;
export { MemoryStore } from './store.js';
export { LocalStorageStore } from './local-storage-store.js';
