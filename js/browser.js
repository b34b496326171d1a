// Browser entry: the module must be instantiated once with `await init()` before the API is used.
import initWasm, * as core from '../pkg/portclaims.js';
import * as YAML from 'yaml';
import { createApi } from './core.js';
import { createCheck } from './check.js';
import { createFolderRenderer } from './folder.js';

let api = null;

/** Loads the WebAssembly core; `wasm` may be a URL, a Response or bytes (default: next to this file). */
export async function init(wasm = new URL('../pkg/portclaims_bg.wasm', import.meta.url)) {
  if (!api) {
    await initWasm({ module_or_path: wasm });
    api = createApi(core);
    Object.assign(api, createFolderRenderer(api, core));
    api.check = createCheck({ ...api, kubladeTraps: core.kubladeTraps }, () => YAML);
  }
  return api;
}

function ready() {
  if (!api) throw new Error('portclaims: call `await init()` before using the API');
  return api;
}

export const render = (options) => ready().render(options);
export const renderSync = (options) => ready().renderSync(options);
export const decide = (options) => ready().decide(options);
export const decideSync = (options) => ready().decideSync(options);
export const release = (options) => ready().release(options);
export const releaseSync = (options) => ready().releaseSync(options);
export const compile = (template, options) => ready().compile(template, options);
export const describeGroup = (name, groups) => ready().describeGroup(name, groups);
export const check = (options) => ready().check(options);
export const renderFolder = (options) => ready().renderFolder(options);
export const renderFolderSync = (options) => ready().renderFolderSync(options);
export { MemoryStore } from './store.js';
export { LocalStorageStore } from './local-storage-store.js';
