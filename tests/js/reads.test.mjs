// A compiled template sends the core only what it can read of its variables (the core's
// `reads()`, js/tape.js). That must never change an output or an error: the conformance corpus
// and random templates render the same from what they read as from the JSON of everything.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { compile } from '../../js/node.js';
import * as core from '../../pkg/portclaims.js';
import { readPlan, tapeWriter } from '../../js/tape.js';
import { outcome } from './outcome.mjs';

const CASES = fileURLToPath(new URL('../cases', import.meta.url));
const cases = readdirSync(CASES).filter((name) => existsSync(join(CASES, name, 'template.yaml'))).sort();
const tapes = tapeWriter(core);
// Reads a tape (so that the core learns its keys) and renders nothing.
const probe = core.compile('', '{}');

/** Whether the template's tape holds less than all of `variables`. */
function sendsLess(template, variables) {
  const reads = outcome(() => core.compile(template, '{}').reads());
  if (!reads.output) return false;
  const length = (plan) => tapes.send(variables, plan, (n) => (probe.renderTape(n), n));
  return length(readPlan(JSON.parse(reads.output))) < length(true);
}

test('every conformance case renders the same from what it reads as from all its variables', () => {
  assert.ok(cases.length >= 30);
  const failures = [];
  let projected = 0;
  for (const name of cases) {
    const dir = join(CASES, name);
    const template = readFileSync(join(dir, 'template.yaml'), 'utf8');
    const variables = JSON.parse(readFileSync(join(dir, 'values.json'), 'utf8'));
    const ours = outcome(() => compile(template, { name: 'template.yaml' }).render(variables));
    const everything = outcome(() => core.compile(template, JSON.stringify({ name: 'template.yaml' })).render(JSON.stringify(variables)));
    if (JSON.stringify(ours) !== JSON.stringify(everything)) failures.push(`${name}: ${JSON.stringify(ours)} vs ${JSON.stringify(everything)}`);
    const expected = join(dir, 'expected.yaml');
    if (existsSync(expected) && ours.output !== readFileSync(expected, 'utf8')) failures.push(`${name}: not the expected output`);
    if (sendsLess(template, variables)) projected += 1;
  }
  assert.deepEqual(failures, []);
  // The corpus must exercise the plan, not only the cases that read everything.
  assert.ok(projected >= 20, `only ${projected} cases send less than all their variables`);
});

test('the core lists what a template reads, in source order', () => {
  const reads = (template) => JSON.parse(core.compile(template, '{}').reads());
  assert.deepEqual(reads("{{ $data['name'] }} {{ $namespace }}"), { data: { name: true }, namespace: true });
  assert.deepEqual(reads("@foreach($data['ports'] as $p){{ $p['port'] }}@endforeach"), { data: { ports: true }, p: { port: true } });
  assert.deepEqual(reads("{{ count($data) }} {{ $data['name'] }}"), { data: true });
  assert.deepEqual(reads('{{ $data[$key] }}'), { data: true, key: true });
  assert.equal(JSON.parse(core.compile('{{ data.name }}', JSON.stringify({ dialect: 'jinja' })).reads()), null);
});

test('what a template does not read is never read: its getters never run', () => {
  const read = [];
  const spy = (name, value) => ({ enumerable: true, get: () => (read.push(name), value) });
  const data = Object.defineProperties({}, { name: spy('name', 'web'), other: spy('other', 'x'), list: spy('list', ['a', 'b', 'c', 'd']) });
  const variables = Object.defineProperties({ data }, { namespace: spy('namespace', 'ns') });
  assert.equal(compile("{{ $data['name'] }}/{{ $data['list'][1] }}").render(variables), 'web/b');
  assert.deepEqual(read.sort(), ['list', 'name']);
  read.length = 0;
  assert.equal(compile('static').render(variables), 'static');
  assert.deepEqual(read, []);
  // A Jinja template may read anything: it is sent everything.
  assert.equal(compile('{{ data | length }}', { dialect: 'jinja' }).render(variables), '3');
  assert.deepEqual(read.sort(), ['list', 'name', 'namespace', 'other']);
});

test('random templates render the same from what they read as from all their variables', async () => {
  const { generate } = await import('../../scripts/differential/generate.mjs');
  const variables = JSON.parse(readFileSync(new URL('../../scripts/differential/values.json', import.meta.url), 'utf8'));
  const failures = [];
  let compiled = 0;
  let projected = 0;
  for (let seed = 1; seed <= 800; seed++) {
    const { template } = generate(seed);
    if (outcome(() => core.compile(template, '{}').reads()).output) {
      compiled += 1;
      if (sendsLess(template, variables)) projected += 1;
    }
    const ours = outcome(() => compile(template).render(variables));
    const everything = outcome(() => core.compile(template, '{}').render(JSON.stringify(variables)));
    if (JSON.stringify(ours) !== JSON.stringify(everything)) failures.push(`seed ${seed}: ${JSON.stringify(ours)} vs ${JSON.stringify(everything)}`);
  }
  assert.deepEqual(failures, []);
  assert.ok(compiled > 500 && projected > 250, `${compiled} compiled, ${projected} sent less than everything`);
});
