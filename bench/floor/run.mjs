#!/usr/bin/env node
// `node bench/floor/run.mjs`: what plain minijinja costs in WebAssembly before any engine built on
// it does its own work, measured side by side with portclaims and nunjucks. The floor crate
// (Cargo.toml, src/lib.rs) is minijinja with portclaims' features behind wasm-bindgen, built with
// portclaims' profile and wasm-opt flags. Needs `npm install` and the package built (`npm run build`).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { manifests, values } from '../manifests.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const pkg = join(here, 'pkg');
// The smallest minijinja (no optional features), built for its size only.
const leanPkg = join(here, 'pkg-lean');
const require = createRequire(import.meta.url);

function run(command, args, cwd = here) {
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.slice(0, 2).join(' ')} … exited with ${result.status}`);
}

/** Builds the floor into `out` as scripts/build.mjs builds portclaims (the same wasm-opt flags). */
function build(out, cargoFlags = []) {
  run('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', ...cargoFlags]);
  run('wasm-bindgen', [
    join(here, 'target', 'wasm32-unknown-unknown', 'release', 'minijinja_floor.wasm'),
    '--out-dir', out, '--out-name', 'floor', '--target', 'web', '--omit-default-module-path',
  ]);
  run(join(root, 'node_modules', 'binaryen', 'bin', 'wasm-opt'), [
    join(out, 'floor_bg.wasm'), '-Os', '--one-caller-inline-max-function-size', '40',
    '--strip-producers', '--strip-target-features', '-o', join(out, 'floor_bg.wasm'),
    '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
    '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue',
  ]);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const floorGlue = pathToFileURL(join(pkg, 'floor.js')).href;
const floorWasm = join(pkg, 'floor_bg.wasm');
const portclaims = pathToFileURL(join(root, 'js', 'node.js')).href;

// What the Service reads of its values, as portclaims' JS layer sends it to its core.
const serviceJson = (v) => JSON.stringify({ data: { name: v.data.name, ports: v.data.ports }, namespace: v.namespace });

function sizes() {
  const gzipped = (path) => gzipSync(readFileSync(path), { level: 9 }).length;
  const floor = gzipped(floorWasm);
  const lean = gzipped(join(leanPkg, 'floor_bg.wasm'));
  const ours = gzipped(join(root, 'pkg', 'portclaims_bg.wasm'));
  const theirs = gzipped(require.resolve('minijinja-js/dist/web/minijinja_js_bg.wasm'));
  console.log(`size, gzipped: plain minijinja with portclaims' features ${kb(floor)}, without optional features ${kb(lean)}; portclaims ${kb(ours)}; minijinja-js ${kb(theirs)}`);
}

/** Each script prints the ms it took; fresh processes taken in turn, the median of `times`. */
function freshProcesses(scripts, times) {
  const runs = scripts.map(() => []);
  for (let i = 0; i < times; i++) {
    scripts.forEach((script, k) => {
      runs[k].push(Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })));
    });
  }
  return runs.map(median);
}

function startup() {
  const template = JSON.stringify(manifests.service.jinja);
  const json = JSON.stringify(serviceJson(values()));
  const floor = `
    const t0 = performance.now();
    const { readFileSync } = await import('node:fs');
    const { initSync, Floor } = await import(${JSON.stringify(floorGlue)});
    initSync({ module: readFileSync(${JSON.stringify(floorWasm)}) });
    new Floor(${template}, ${json}).renderJson(${json});
    console.log(performance.now() - t0);`;
  const ours = `
    const t0 = performance.now();
    const { compile } = await import(${JSON.stringify(portclaims)});
    compile(${JSON.stringify(manifests.service.blade)}).render(${JSON.stringify(values())});
    console.log(performance.now() - t0);`;
  const [a, b] = freshProcesses([floor, ours], 7);
  console.log(`start-up (import, instantiate, compile the Service, render it once; median of 7 fresh processes): plain minijinja ${a.toFixed(1)} ms, portclaims ${b.toFixed(1)} ms`);
}

async function service() {
  const { initSync, Floor } = await import(floorGlue);
  initSync({ module: readFileSync(floorWasm) });
  const { compile } = await import(portclaims);
  const nunjucks = require(join(root, 'node_modules', 'nunjucks'));
  const pool = Array.from({ length: 256 }, values);
  const floor = new Floor(manifests.service.jinja, serviceJson(pool[0]));
  const ours = compile(manifests.service.blade);
  const nj = nunjucks.compile(manifests.service.jinja, new nunjucks.Environment(null, { autoescape: true, trimBlocks: true }));
  const expected = nj.render(pool[0]);
  if ([floor.renderJson(serviceJson(pool[0])), ours.render(pool[0])].some((out) => out !== expected)) {
    throw new Error('the engines render the Service differently');
  }
  const engines = {
    'plain minijinja, values read once': () => floor.renderPrebuilt(),
    'plain minijinja, values from JSON': (v) => floor.renderJson(serviceJson(v)),
    portclaims: (v) => ours.render(v),
    nunjucks: (v) => nj.render(v),
  };
  const best = {};
  for (let round = 0; round < 12; round++) {
    for (const [name, render] of Object.entries(engines)) {
      const started = process.hrtime.bigint();
      for (let i = 0; i < 20000; i++) render(pool[i & 255]);
      const us = Number(process.hrtime.bigint() - started) / 20000 / 1000;
      // The first rounds run before V8 has optimised the code.
      if (round >= 2) best[name] = Math.min(best[name] ?? Infinity, us);
    }
  }
  console.log('Service render (best of 10 rounds of 20,000, taken in turn):');
  for (const [name, us] of Object.entries(best)) console.log(`  ${name}: ${us.toFixed(2)} µs, ${(best.nunjucks / us).toFixed(2)}× nunjucks' speed`);
}

function coldLoop() {
  const floor = `
    const { readFileSync } = await import('node:fs');
    const { initSync, Floor } = await import(${JSON.stringify(floorGlue)});
    initSync({ module: readFileSync(${JSON.stringify(floorWasm)}) });
    const started = performance.now();
    const floor = new Floor('p0: {{ p0 }}', '{}');
    for (let i = 0; i < 16384; i++) floor.renderJson(JSON.stringify({ p0: 49152 + i }));
    console.log(performance.now() - started);`;
  const ours = `
    const { MemoryStore, renderSync } = await import(${JSON.stringify(portclaims)});
    const store = new MemoryStore();
    const claims = [{ claim: 'p0', group: 'tcp' }];
    const started = performance.now();
    for (let i = 0; i < 16384; i++) renderSync({ template: "p0: {{ $portClaims['p0'] }}", claims, store, scope: 's' + i });
    console.log(performance.now() - started);`;
  const [a, b] = freshProcesses([floor, ours], 5);
  console.log(`16,384 renders of a one-line template as the first thing of a fresh process (median of 5): plain minijinja ${a.toFixed(0)} ms (no claims, no store), portclaims filling all 16,384 ports ${b.toFixed(0)} ms`);
}

try {
  if (!process.argv.includes('--no-build')) {
    build(leanPkg, ['--no-default-features']);
    build(pkg);
  }
  sizes();
  startup();
  await service();
  coldLoop();
} catch (error) {
  console.error(`bench/floor: ${error.message}`);
  process.exit(1);
}
