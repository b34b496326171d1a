// The WebAssembly core in Node, instantiated synchronously on first use: by the Node entry at
// import, or by a LockFileStore used on its own (the lock file's reservations are judged by the
// core, see lockfile-store.js).
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import * as core from '../pkg/portclaims.js';

// V8's own (--wasm-tiering-budget) and the first one the core's functions get (see instantiate).
const V8_TIERING_BUDGET = 1_800_000;
const FIRST_TIERING_BUDGET = 16 * V8_TIERING_BUDGET;

let loaded = false;

/** The core's exports, instantiated. */
export function nodeCore() {
  if (!loaded) {
    instantiate();
    loaded = true;
  }
  return core;
}

/**
 * Instantiates the core with a larger first tiering budget than V8's. V8 runs WebAssembly on its
 * baseline compiler and recompiles a function with its optimising one once the function has run
 * for a budget of bytes. Every engine on minijinja spends that budget in its first render, in its
 * instruction loop, and the recompilation then holds up the process's exit and doubles its
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
    core.initSync({ module: readFileSync(new URL('../pkg/portclaims_bg.wasm', import.meta.url)) });
  } finally {
    setFlagsFromString(own ?? `${flag}=${V8_TIERING_BUDGET}`);
  }
}
