// A compiled template sends the core only what it can read of its variables (js/readable.js).
// That must never change an output or an error: the conformance corpus renders the same with the
// copy as with everything, and the copy serialises as the original wherever the template looks.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { compile } from '../../js/node.js';
import * as core from '../../pkg/portclaims.js';
import { readable, readPlan } from '../../js/readable.js';

const CASES = fileURLToPath(new URL('../cases', import.meta.url));
const cases = readdirSync(CASES).filter((name) => existsSync(join(CASES, name, 'template.yaml'))).sort();

const outcome = (render) => {
  try {
    return { output: render() };
  } catch (error) {
    return { error: error.message };
  }
};

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
    const reads = outcome(() => core.compile(template, '{}').reads());
    if (reads.output && JSON.stringify(readable(variables, readPlan(JSON.parse(reads.output)))) !== JSON.stringify(variables)) projected += 1;
  }
  assert.deepEqual(failures, []);
  // The corpus must exercise the copy, not only the cases that read everything.
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

test('the copy holds just the keys read, and serialises like the original there', () => {
  const plan = readPlan(JSON.parse('{"data":{"name":true,"list":{"2":true,"9":true},"proto":{"__proto__":true}},"gone":true}'));
  const variables = {
    namespace: 'unread',
    data: { name: 'web', other: 'unread', list: ['a', 'b', () => 0, 'd'], proto: JSON.parse('{"__proto__": 1, "x": 2}') },
  };
  assert.equal(JSON.stringify(readable(variables, plan)), '{"data":{"name":"web","list":[null,null,null],"proto":{"__proto__":1}}}');
});

test('values that serialise their own way are copied whole', () => {
  const plan = readPlan({ when: { year: true }, map: { a: true }, custom: { a: true } });
  class Custom {
    a = 1;
    b = 2;
  }
  const when = new Date(0);
  const variables = { when, map: new Map([['a', 1]]), custom: new Custom() };
  assert.equal(JSON.stringify(readable(variables, plan)), JSON.stringify(variables));
});

test('hidden and inherited properties are left out, as JSON.stringify leaves them', () => {
  const fields = Object.create({ inherited: 1 });
  Object.defineProperty(fields, 'hidden', { value: 2, enumerable: false });
  fields.shown = 3;
  const plan = readPlan({ f: { inherited: true, hidden: true, shown: true } });
  // An object with another prototype is copied whole; a plain one loses what JSON loses.
  assert.equal(JSON.stringify(readable({ f: fields }, plan)), JSON.stringify({ f: fields }));
  const plain = { shown: 3 };
  Object.defineProperty(plain, 'hidden', { value: 2, enumerable: false });
  assert.equal(JSON.stringify(readable({ f: plain }, plan)), '{"f":{"shown":3}}');
});

test('a template that reads nothing is sent nothing, and a Jinja template everything', () => {
  assert.equal(compile('static').render({ data: { huge: 'x'.repeat(100) } }), 'static');
  const jinja = compile('{{ data | length }}', { dialect: 'jinja' });
  assert.equal(jinja.render({ data: { a: 1, b: 2 } }), '2');
});

test('random templates render the same from what they read as from all their variables', async () => {
  const { generate } = await import('../../scripts/differential/generate.mjs');
  const variables = JSON.parse(readFileSync(new URL('../../scripts/differential/values.json', import.meta.url), 'utf8'));
  const failures = [];
  let compiled = 0;
  let projected = 0;
  for (let seed = 1; seed <= 800; seed++) {
    const { template } = generate(seed);
    const reads = outcome(() => core.compile(template, '{}').reads());
    if (reads.output) {
      compiled += 1;
      if (JSON.stringify(readable(variables, readPlan(JSON.parse(reads.output)))) !== JSON.stringify(variables)) projected += 1;
    }
    const ours = outcome(() => compile(template).render(variables));
    const everything = outcome(() => core.compile(template, '{}').render(JSON.stringify(variables)));
    if (JSON.stringify(ours) !== JSON.stringify(everything)) failures.push(`seed ${seed}: ${JSON.stringify(ours)} vs ${JSON.stringify(everything)}`);
  }
  assert.deepEqual(failures, []);
  assert.ok(compiled > 500 && projected > 250, `${compiled} compiled, ${projected} sent less than everything`);
});
