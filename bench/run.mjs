#!/usr/bin/env node
// `npm run bench`: speed and size of the npm package, as ratios measured side by side in one run
// (these machines are noisy; absolute numbers move, ratios much less).
//   node bench/run.mjs [--quick] [--write] [--only render,oneshot,allocation,roundtrips,startup,size,stores]
//   --write puts the report into bench/README.md (only with every section)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { compile, MemoryStore, renderSync } from '../js/node.js';
import { floors, manifests, values } from './manifests.mjs';
import { bundle, oneShotBenchmarks, packageEntry } from './oneshot.mjs';
import { crateSizes } from './wasm-size.mjs';
import { measureSideBySide as timeSideBySide } from './measure.mjs';

const require = createRequire(import.meta.url);
const quick = process.argv.includes('--quick');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt > 0 ? new Set((process.argv[onlyAt + 1] ?? '').split(',')) : null;
const wanted = (section) => !only || only.has(section);
const report = [];
const say = (line = '') => {
  report.push(line);
  process.stdout.write(`${line}\n`);
};
/** The goals of the issue, each a ratio measured in this run: [goal, ratio, met]. */
const goals = [];
const goal = (name, ratio, met) => goals.push([name, ratio, met]);

const measureSideBySide = (fns, options = {}) => timeSideBySide(fns, { quick, ...options });

// Fresh processes import the package as npm ships it, bundled.
bundle();

const pool = Array.from({ length: 256 }, values);
let next = 0;
const fresh = () => pool[next++ & 255];

function renderBenchmarks() {
  const nunjucks = require('nunjucks');
  const minijinja = require('minijinja-js');
  const nunjucksEnv = new nunjucks.Environment(null, { autoescape: true, trimBlocks: true });
  const mjEnv = new minijinja.Environment();
  mjEnv.trimBlocks = true;
  mjEnv.keepTrailingNewline = true;
  say('## Render (a compiled template, fresh values every call)');
  say();
  say('| manifest | portclaims | nunjucks | minijinja-js | portclaims\' speed / nunjucks\' | / minijinja-js\' |');
  say('| --- | --- | --- | --- | --- | --- |');
  // Each engine's time for `manifest` (a folder is several files rendered with one set of values;
  // a manifest, a folder of one), after checking that all three write the same.
  const timesOf = (name, manifest) => {
    const files = (key) => [manifest[key]].flat();
    const ours = files('blade').map((blade, i) => compile(blade, { name: `${name}-${i}` }));
    const theirs = files('jinja').map((jinja) => nunjucks.compile(jinja, nunjucksEnv));
    const mjNames = files('minijinja').map((jinja, i) => {
      mjEnv.addTemplate(`${name}-${i}.html`, jinja);
      return `${name}-${i}.html`;
    });
    const sample = fresh();
    const expected = theirs.map((t) => t.render(sample)).join('---\n');
    if (ours.map((t) => t.render(sample)).join('---\n') !== expected) throw new Error(`${name}: portclaims and nunjucks disagree`);
    // minijinja's HTML escaping also escapes `/` (as `&#x2f;`), and minijinja-js sorts a
    // mapping's keys: the same lines, in another order.
    const lines = (text) => text.replaceAll('&#x2f;', '/').split('\n').sort().join('\n');
    if (lines(mjNames.map((n) => mjEnv.renderTemplate(n, sample)).join('---\n')) !== lines(expected)) throw new Error(`${name}: minijinja-js and nunjucks disagree`);
    const times = measureSideBySide([
      () => {
        const v = fresh();
        for (const t of ours) t.render(v);
      },
      () => {
        const v = fresh();
        for (const t of theirs) t.render(v);
      },
      () => {
        const v = fresh();
        for (const n of mjNames) mjEnv.renderTemplate(n, v);
      },
    ]);
    const label = files('blade').length > 1 ? `${name} (${files('blade').length} files)` : name;
    return { label, times };
  };
  const row = ({ label, times: [us, nj, mj] }) =>
    say(`| ${label} | ${us.toFixed(1)} µs | ${nj.toFixed(1)} µs | ${mj.toFixed(1)} µs | **${(nj / us).toFixed(2)}×** | ${(mj / us).toFixed(2)}× |`);
  const speeds = [];
  for (const [name, manifest] of Object.entries(manifests)) {
    const measured = timesOf(name, manifest);
    const [us, nj] = measured.times;
    speeds.push([name, nj / us]);
    row(measured);
  }
  // The floors share the table's columns but not the goal: no manifest is one line.
  say('| *floor:* | | | | | |');
  for (const [name, manifest] of Object.entries(floors)) row(timesOf(name, manifest));
  say();
  say('(Speed as a ratio: the other engine\'s time over portclaims\'; goal against nunjucks ≥ 1×, never below 0.9×. The floor rows are what any render costs, crossing into the core and back, and what reading one variable adds.)');
  const slowest = speeds.reduce((a, b) => (b[1] < a[1] ? b : a));
  goal('render through npm at least as fast as nunjucks on every manifest (never below 0.9×)', `slowest: ${slowest[0]} ${slowest[1].toFixed(2)}×`, slowest[1] >= 1 ? 'yes' : slowest[1] >= 0.9 ? 'within 0.9×' : 'no');
  say();
}

/**
 * Fills all `total` ports of the tcp group into `store`, `size` claims per render, and returns
 * the whole time in ms and each render's time in ms.
 */
function fillPorts(store, total, size = 1) {
  const claims = Array.from({ length: size }, (_, i) => ({ claim: `p${i}`, group: 'tcp' }));
  const template = claims.map((c) => `${c.claim}: {{ $portClaims['${c.claim}'] }}`).join('\n');
  const times = new Float64Array(total / size);
  const started = performance.now();
  for (let i = 0; i < times.length; i++) {
    const t = performance.now();
    renderSync({ template, claims, store, scope: `s${i}` });
    times[i] = performance.now() - t;
  }
  return { ms: performance.now() - started, times, template, claims };
}

/** The fill of `fillPorts` in a fresh Node process: its whole time in ms, V8's warm-up included. */
function coldFillInFreshProcess() {
  const script = `
    const { MemoryStore, renderSync } = await import(${JSON.stringify(packageEntry)});
    const store = new MemoryStore();
    const claims = [{ claim: 'p0', group: 'tcp' }];
    const started = performance.now();
    for (let i = 0; i < 16384; i++) renderSync({ template: "p0: {{ $portClaims['p0'] }}", claims, store, scope: 's' + i });
    console.log(performance.now() - started);`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function allocationBenchmarks() {
  say('## Allocation (renderSync + MemoryStore, one claim per render, group tcp = 49152-65535)');
  say();
  const total = 16384;
  const store = new MemoryStore();
  const cold = fillPorts(store, total);
  let full = false;
  try {
    renderSync({ template: cold.template, claims: cold.claims, store, scope: 'one-too-many' });
  } catch (error) {
    full = /no free port/.test(error.message);
  }
  // The first fill also pays for V8 compiling the engine's hot code (WebAssembly starts on a
  // baseline compiler and tiers up): a second fill, into a fresh store, shows the steady state.
  const warm = fillPorts(new MemoryStore(), total);
  const mean = (times, from, to) => (times.slice(from, to).reduce((a, b) => a + b, 0) / (to - from)) * 1000;
  const lastOverFirst = (times) => mean(times, total - 1000, total) / mean(times, 0, 1000);
  // A claim's typical cost at a fill level: the median of the 200 renders around it, which a
  // garbage collection or a compilation finishing during those renders does not move.
  const at = (times, fraction) => {
    const index = Math.min(total - 100, Math.max(100, Math.floor(total * fraction)));
    return median(times.slice(index - 100, index + 100)) * 1000;
  };
  say('| group filled | µs per claim, first fill | µs per claim, second fill |');
  say('| --- | --- | --- |');
  for (const fraction of [0, 0.5, 0.9, 0.999]) {
    say(`| ${(fraction * 100).toFixed(1)}% | ${at(cold.times, fraction).toFixed(1)} | ${at(warm.times, fraction).toFixed(1)} |`);
  }
  say();
  say('(Medians of the 200 renders around each level; the first fill runs on code V8 has not optimised yet.)');
  say();
  say(`Filling all ${total} ports: **${cold.ms.toFixed(0)} ms** (goal: under 200 ms); last 1,000 claims / first 1,000: **${lastOverFirst(cold.times).toFixed(2)}×** (goal: at most 2×); the 16,385th claim fails with "no free port": ${full}.`);
  say();
  say(`The same fill again in this process, into a fresh store (the engine's code now compiled by V8's optimising tier): **${warm.ms.toFixed(0)} ms**; last 1,000 claims / first 1,000: **${lastOverFirst(warm.times).toFixed(2)}×**.`);
  say();
  const fresh = Array.from({ length: quick ? 3 : 5 }, coldFillInFreshProcess);
  say(`The fill as the first thing a fresh Node process does (after importing the package), ${fresh.length} processes: median **${median(fresh).toFixed(0)} ms** (${fresh.map((ms) => ms.toFixed(0)).join(', ')}).`);
  say();
  // Where the time goes: what a render costs whatever it claims, and what each claim adds.
  const perRender = [4, 16].map((size) => `${size} claims per render ${fillPorts(new MemoryStore(), total, size).ms.toFixed(0)} ms`);
  say(`The same fill with several claims per render: ${perRender.join(', ')}.`);
  say();
}

function roundTripBenchmarks() {
  say('## Store round trips');
  say();
  let loads = 0;
  let commits = 0;
  const memory = new MemoryStore();
  const store = {
    load: () => (loads++, memory.load()),
    commit: (change) => (commits++, memory.commit(change)),
  };
  const claims = [{ claim: 'web', group: 'http' }, { claim: 'metrics', group: 'tcp' }];
  const renders = 200;
  for (let i = 0; i < renders; i++) renderSync({ template: 'x', claims, store, scope: `s${i % 100}` });
  say(`${renders} renders of 100 scopes (each scope twice, 2 claims each): ${(loads / renders).toFixed(2)} loads and ${(commits / renders).toFixed(2)} commits per render (goal: 1 and at most 1; the second render of a scope commits nothing).`);
  say();
}

function startupBenchmark() {
  say('## Start-up (a fresh Node process: import the package, instantiate the module, first render)');
  say();
  const script = `
    const t0 = performance.now();
    const { renderSync } = await import(${JSON.stringify(packageEntry)});
    const t1 = performance.now();
    renderSync({ template: "port: {{ $portClaims['web'] }}", claims: [{ claim: 'web', group: 'http' }] });
    const t2 = performance.now();
    console.log(JSON.stringify([t1 - t0, t2 - t1]));`;
  const runs = Array.from({ length: quick ? 3 : 7 }, () =>
    JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })),
  );
  const load = median(runs.map((r) => r[0]));
  const first = median(runs.map((r) => r[1]));
  say(`Import and instantiate: ${load.toFixed(1)} ms; first render: ${first.toFixed(1)} ms; together **${(load + first).toFixed(1)} ms** (median of ${runs.length}; the whole process is in the one-shot table).`);
  say();
  // Most of the first render is V8 compiling each WebAssembly function on its first call: how much
  // code that is does not depend on the machine's mood (V8's trace flag reports each function).
  const trace = execFileSync(process.execPath, ['--trace-wasm-compilation-times', '--input-type=module', '-e', script], { encoding: 'utf8' });
  const compiled = [...trace.matchAll(/using Liftoff.*bodysize (\d+)/g)].map((m) => Number(m[1]));
  if (compiled.length > 0) {
    const kb = compiled.reduce((a, b) => a + b, 0) / 1024;
    say(`Code V8 compiles before the first render is done: ${compiled.length} functions, ${kb.toFixed(0)} KB of WebAssembly.`);
    say();
  }
  // A render that builds 160 MB grows the WebAssembly memory the first time and reuses it the
  // second: what the first costs beyond the second is the growing (src/wasm/alloc.rs).
  const growth = `
    const { compile } = await import(${JSON.stringify(packageEntry)});
    const big = compile("{{ count(array_map('strtoupper', array_fill(0, 40000, str_repeat('x', 4000)))) }}", { limits: { fuel: 50000000 } });
    const t0 = performance.now();
    big.render({});
    const t1 = performance.now();
    big.render({});
    console.log(JSON.stringify([t1 - t0, performance.now() - t1]));`;
  const grown = Array.from({ length: quick ? 3 : 5 }, () =>
    JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', growth], { encoding: 'utf8' })),
  );
  const [firstBig, secondBig] = [0, 1].map((i) => median(grown.map((r) => r[i])));
  say(`A render that builds 160 MB, in a fresh process: first ${firstBig.toFixed(0)} ms (the memory grows), second ${secondBig.toFixed(0)} ms; **${(firstBig / secondBig).toFixed(2)}×** (median of ${grown.length}).`);
  say();
}

function sizeReport() {
  say('## Size');
  say();
  const ours = gzipSync(readFileSync(new URL('../pkg/portclaims_bg.wasm', import.meta.url)), { level: 9 }).length;
  const theirs = gzipSync(readFileSync(require.resolve('minijinja-js/dist/web/minijinja_js_bg.wasm')), { level: 9 }).length;
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  say(`pkg/portclaims_bg.wasm gzipped: **${kb(ours)}**; minijinja-js: ${kb(theirs)}; **${(ours / theirs).toFixed(2)}×** (goal: ≤ 1×, stretch ${kb(300 * 1024)}).`);
  say();
  // The floor (bench/floor/, built by `node bench/floor/run.mjs`): plain minijinja built as
  // portclaims is, with portclaims' minijinja features and with none.
  const floors = ['pkg', 'pkg-lean'].map((dir) => new URL(`./floor/${dir}/floor_bg.wasm`, import.meta.url)).filter(existsSync);
  const floor = floors.map((url) => gzipSync(readFileSync(url), { level: 9 }).length);
  if (floor.length === 2) {
    say(`The floor, plain minijinja built as portclaims is (\`bench/floor/\`): ${kb(floor[0])} gzipped with portclaims' minijinja features (${(floor[0] / theirs).toFixed(2)}× minijinja-js), ${kb(floor[1])} with none.`);
    say();
  }
  const floorNote = floor.length === 2 ? `; floor: plain minijinja with portclaims' features ${(floor[0] / theirs).toFixed(2)}×` : '';
  goal('`.wasm` gzipped no larger than minijinja-js\'s', `${(ours / theirs).toFixed(2)}× (${kb(ours)} against ${kb(theirs)})${floorNote}`, ours <= theirs ? 'yes' : 'no');
  // Only meaningful when target/ holds the build pkg/ came from.
  const sizes = crateSizes(new URL('../target/wasm32-unknown-unknown/release/portclaims.wasm', import.meta.url));
  if (sizes) {
    say('Code size by crate, before wasm-opt (function bodies, from the name section):');
    say();
    say('| crate | code |');
    say('| --- | --- |');
    for (const [crate, bytes] of sizes.slice(0, 12)) say(`| ${crate} | ${kb(bytes)} |`);
    say();
  }
}

say(`# portclaims benchmarks`);
say();
say(`\`npm run bench\` · Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} · ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
say();
if (wanted('render')) renderBenchmarks();
if (wanted('oneshot')) oneShotBenchmarks({ say, goal, runs: quick ? 5 : 11 });
if (wanted('allocation')) allocationBenchmarks();
if (wanted('roundtrips')) roundTripBenchmarks();
if (wanted('startup')) startupBenchmark();
if (wanted('size')) sizeReport();
if (wanted('stores')) await (await import('./stores.mjs')).storesBenchmark({ say, quick });

const summary = ['## Goals', '', '| goal | measured (ratio, this run) | met |', '| --- | --- | --- |', ...goals.map((g) => `| ${g.join(' | ')} |`), ''];
process.stdout.write(`${summary.join('\n')}\n`);

if (process.argv.includes('--write') && !only) {
  const readme = new URL('./README.md', import.meta.url);
  const text = readFileSync(readme, 'utf8');
  const marker = '<!-- results -->';
  const head = text.includes(marker) ? text.slice(0, text.indexOf(marker) + marker.length) : `${text}\n${marker}`;
  // The title stays the README's own; the machine's line, then the goals, then each section.
  const [, , machine, , ...sections] = report;
  writeFileSync(readme, `${head}\n\n${[machine, '', ...summary, ...sections].join('\n')}\n`);
}
