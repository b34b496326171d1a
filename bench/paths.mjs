#!/usr/bin/env node
// Templates that read claims (and other maps) by a computed key, in loops and nested loops,
// rendered by portclaims and by nunjucks side by side: ratios, as bench/run.mjs reports them.
//   node bench/paths.mjs [--quick] [--claims] [--readers]
//   --claims renders through renderSync() with the claims declared (the real path) instead of
//   compile().render() with `portClaims` among the values (as bench/run.mjs does).
//   --readers compares the two ways values reach the core: the value tape (compile().render)
//   against the JSON text of all of them (what renderJson takes: values that are text already).
import { createRequire } from 'node:module';
import { compile, renderSync } from '../js/node.js';
import { readPlan, tapeWriter } from '../js/tape.js';
import * as core from '../pkg/portclaims.js';
import { manifests, values as manifestValues } from './manifests.mjs';
import { measureSideBySide as timeSideBySide } from './measure.mjs';

const require = createRequire(import.meta.url);
const nunjucks = require('nunjucks');
const quick = process.argv.includes('--quick');
const throughClaims = process.argv.includes('--claims');
const readers = process.argv.includes('--readers');

const measureSideBySide = (fns, options = {}) => timeSideBySide(fns, { quick, ...options });

const PORTS = ['http', 'https', 'metrics', 'admin', 'grpc', 'debug', 'health', 'ws'];
const SERVICES = ['api', 'web', 'worker'];
const claimNames = [...PORTS, ...SERVICES.flatMap((s) => PORTS.slice(0, 3).map((p) => `${s}-${p}`))];
let counter = 0;
function values() {
  counter += 1;
  return {
    namespace: `ns-${counter}`,
    data: {
      name: `app-${counter}`,
      ports: PORTS.map((name, i) => ({ name, target: 8000 + i + (counter % 7) })),
      services: SERVICES.map((name) => ({ name, ports: PORTS.slice(0, 3).map((p) => ({ name: p })) })),
      byName: Object.fromEntries(PORTS.map((p, i) => [p, `value-${counter}-${i}`])),
    },
  };
}
const claimed = Object.fromEntries(claimNames.map((name, i) => [name, 40000 + i]));
const claims = claimNames.map((claim) => ({ claim, group: 'tcp' }));

const shapes = {
  'loop, no claim read': [
    "@foreach($data['ports'] as $p)\n- name: {{ $p['name'] }}\n  target: {{ $p['target'] }}\n@endforeach\n",
    '{% for p in data.ports %}\n- name: {{ p.name }}\n  target: {{ p.target }}\n{% endfor %}\n',
  ],
  'loop, computed claim key': [
    "@foreach($data['ports'] as $p)\n- name: {{ $p['name'] }}\n  port: {{ $portClaims[$p['name']] }}\n  target: {{ $p['target'] }}\n@endforeach\n",
    '{% for p in data.ports %}\n- name: {{ p.name }}\n  port: {{ portClaims[p.name] }}\n  target: {{ p.target }}\n{% endfor %}\n',
  ],
  'loop, computed key into values': [
    "@foreach($data['ports'] as $p)\n- name: {{ $p['name'] }}\n  value: {{ $data['byName'][$p['name']] }}\n@endforeach\n",
    '{% for p in data.ports %}\n- name: {{ p.name }}\n  value: {{ data.byName[p.name] }}\n{% endfor %}\n',
  ],
  'foreach over the claims': [
    '@foreach($portClaims as $name => $port)\n- name: {{ $name }}\n  port: {{ $port }}\n@endforeach\n',
    '{% for name, port in portClaims %}\n- name: {{ name }}\n  port: {{ port }}\n{% endfor %}\n',
  ],
  'nested loops, computed claim key': [
    "@foreach($data['services'] as $s)\n{{ $s['name'] }}:\n@foreach($s['ports'] as $p)\n  - {{ $p['name'] }}: {{ $portClaims[$s['name'] . '-' . $p['name']] }}\n@endforeach\n@endforeach\n",
    '{% for s in data.services %}\n{{ s.name }}:\n{% for p in s.ports %}\n  - {{ p.name }}: {{ portClaims[s.name ~ "-" ~ p.name] }}\n{% endfor %}\n{% endfor %}\n',
  ],
};

const env = new nunjucks.Environment(null, { autoescape: true, trimBlocks: true });
if (readers) {
  console.log('| template | tape µs | JSON text µs | JSON / tape |');
  console.log('| --- | --- | --- | --- |');
  const all = { ...Object.fromEntries(Object.entries(manifests).map(([k, { blade }]) => [k, blade])), ...Object.fromEntries(Object.entries(shapes).map(([k, [blade]]) => [k, blade])) };
  for (const [name, blade] of Object.entries(all)) {
    // Both as js/core.js takes them (js/node.js has set the core up), from what the plan reads.
    const ours = core.compile(blade, '{}');
    const plan = readPlan(JSON.parse(ours.reads()));
    const tapes = tapeWriter(core);
    const fresh = manifests[name] ? manifestValues : () => ({ ...values(), portClaims: claimed });
    const sample = fresh();
    const viaTape = (v) => tapes.send(v, plan, (length) => ours.renderTape(length));
    // JSON text of all the values: the reader `renderJson` takes, for values that are text already.
    const viaJson = (v) => ours.render(JSON.stringify(v));
    if (viaTape(sample) !== viaJson(sample)) throw new Error(`${name}: the two readers disagree`);
    const [tape, json] = measureSideBySide([() => viaTape(fresh()), () => viaJson(fresh())]);
    console.log(`| ${name} | ${tape.toFixed(1)} | ${json.toFixed(1)} | ${(json / tape).toFixed(2)}× |`);
    ours.free();
  }
  process.exit(0);
}
console.log(`| shape (${throughClaims ? 'renderSync with claims' : 'compile().render'}) | portclaims µs | nunjucks µs | portclaims vs nunjucks |`);
console.log('| --- | --- | --- | --- |');
for (const [name, [blade, jinja]] of Object.entries(shapes)) {
  const theirs = nunjucks.compile(jinja, env);
  const ours = compile(blade, { name });
  const oursRender = throughClaims
    ? (v) => renderSync({ template: blade, name, values: v, claims }).output
    : (v) => ours.render({ ...v, portClaims: claimed });
  const theirsRender = (v) => theirs.render({ ...v, portClaims: claimed });
  const sample = values();
  const [a, b] = [oursRender(sample), theirsRender(sample)];
  if (!throughClaims && a !== b) throw new Error(`${name}: the two disagree\n${a}\n---\n${b}`);
  const [us, nj] = measureSideBySide([() => oursRender(values()), () => theirsRender(values())]);
  console.log(`| ${name} | ${us.toFixed(1)} | ${nj.toFixed(1)} | ${(nj / us).toFixed(2)}× |`);
  ours.free();
}
