#!/usr/bin/env node
// Builds pkg/: the Rust core → wasm32 → wasm-bindgen (web target, usable from Node too) → wasm-opt.
// Installs what a fresh machine lacks (the wasm32 target, wasm-bindgen-cli at the version that
// Cargo.lock pins) and skips everything when the inputs have not changed since the last build.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, 'pkg');
const stampFile = join(pkg, '.build-stamp');
const target = 'wasm32-unknown-unknown';
const force = process.argv.includes('--force');
// Largest function (in wasm-opt's expression count) inlined only because it has a single caller.
const ONE_CALLER_INLINE_MAX = 40;

function log(message) {
  process.stderr.write(`portclaims build: ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
}

function output(command, args) {
  try {
    return execFileSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

function inputsHash() {
  const hash = createHash('sha256');
  const visit = (path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) visit(join(path, entry));
    } else {
      hash.update(path.slice(root.length));
      hash.update(readFileSync(path));
    }
  };
  for (const input of ['src', 'Cargo.toml', 'Cargo.lock', 'scripts/build.mjs']) {
    if (existsSync(join(root, input))) visit(join(root, input));
  }
  return hash.digest('hex');
}

function lockedVersion(crate) {
  const lock = readFileSync(join(root, 'Cargo.lock'), 'utf8');
  const match = lock.match(new RegExp(`name = "${crate}"\\nversion = "([^"]+)"`));
  if (!match) throw new Error(`Cargo.lock has no ${crate}`);
  return match[1];
}

function ensureToolchain() {
  if (!output('rustup', ['target', 'list', '--installed']).split('\n').includes(target)) {
    log(`installing the Rust target ${target}`);
    run('rustup', ['target', 'add', target]);
  }
  const wanted = lockedVersion('wasm-bindgen');
  const have = output('wasm-bindgen', ['--version']).trim().split(' ')[1];
  if (have !== wanted) {
    log(`installing wasm-bindgen-cli ${wanted} (found ${have ?? 'none'}); this takes a few minutes once`);
    run('cargo', ['install', 'wasm-bindgen-cli', '--version', wanted]);
  }
}

function wasmOpt() {
  const candidates = [join(root, 'node_modules', 'binaryen', 'bin', 'wasm-opt'), join(root, 'node_modules', '.bin', 'wasm-opt')];
  return candidates.find((path) => existsSync(path));
}

function build() {
  const stamp = inputsHash();
  const wasm = join(pkg, 'portclaims_bg.wasm');
  if (!force && existsSync(wasm) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
    log('pkg/ is up to date');
    return;
  }
  ensureToolchain();
  log('compiling the core to WebAssembly');
  run('cargo', ['build', '--release', '--lib', '--target', target]);
  mkdirSync(pkg, { recursive: true });
  run('wasm-bindgen', [
    join(root, 'target', target, 'release', 'portclaims.wasm'),
    '--out-dir', pkg, '--out-name', 'portclaims', '--target', 'web', '--omit-default-module-path',
    // __wbg_reset_state: a trap (a stack overflow, `unreachable`) leaves the instance's memory
    // unusable, and the JS layer replaces it with a fresh one (see restart in js/core.js).
    '--experimental-reset-state-function',
  ]);
  const optimizer = wasmOpt();
  if (!optimizer) throw new Error('wasm-opt not found: run npm install (the binaryen package provides it)');
  log('optimising with wasm-opt -Os');
  // -Os: -Oz makes the module no smaller, and --converge (repeating -Os while it still shrinks
  // the module) saves too little for the build time it takes; the producers and target-features
  // sections only describe the build.
  // -ocimfs: wasm-opt otherwise inlines every function that has one caller, however large, and so
  // merged the whole of compile() into one function. V8 compiles a function whole on its first
  // call, so the first render compiled that and everything else merged alike; kept apart, only
  // the functions a render calls are compiled.
  run(optimizer, [
    wasm, '-Os', '--one-caller-inline-max-function-size', String(ONE_CALLER_INLINE_MAX),
    '--strip-producers', '--strip-target-features', '-o', wasm,
    '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
    '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue',
  ]);
  writeFileSync(stampFile, stamp);
  log(`pkg/portclaims_bg.wasm: ${statSync(wasm).size} bytes`);
}

try {
  build();
} catch (error) {
  log(`error: ${error.message}`);
  process.exit(1);
}
