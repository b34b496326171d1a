// Values files inside the values limit cost memory in proportion to their size, and one whose YAML
// aliases expand past the limit is refused before it is written out. Each run gets a small
// JavaScript heap: reading the values whole, or expanding every alias, runs out of it.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { errorLines, run, workspace, write } from './helpers.mjs';

const HEAP = { NODE_OPTIONS: '--max-old-space-size=192' };

test('YAML aliases that expand past the values limit are refused before they are written out', { timeout: 120_000 }, async (t) => {
  // A 5 MB file: one 5 MB string, named 500 times (half the alias limit).
  const lines = [`s: &a "${'x'.repeat(5_000_000)}"`, 'data:'];
  for (let i = 0; i < 500; i++) lines.push(`  b${i}: *a`);
  const dir = workspace(t, { 't.yaml': '{{ strlen($data["b1"]) }}\n', 'ports.json': [], 'v.yaml': `${lines.join('\n')}\n` });
  const r = await run(['render', 't.yaml', '--ports', 'ports.json', '--values', 'v.yaml', '--dry-run'], { cwd: dir, env: HEAP });
  assert.equal(r.code, 1, r.stderr.slice(0, 2000));
  assert.deepEqual(errorLines(r.stderr), [
    'error: v.yaml: values limit exceeded: the values are more than the 16777216 bytes a render reads (what a YAML alias names counts each time it is used)',
  ]);
  // Within the limit, aliases expand as before.
  const fine = workspace(t, { 't.yaml': '{{ strlen($data["b99"]) }}\n', 'ports.json': [], 'v.yaml': `s: &a "${'x'.repeat(100_000)}"\ndata:\n${Array.from({ length: 100 }, (_, i) => `  b${i}: *a`).join('\n')}\n` });
  const ok = await run(['render', 't.yaml', '--ports', 'ports.json', '--values', 'v.yaml', '--dry-run'], { cwd: fine, env: HEAP });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, '100000\n');
});

test('a values file of millions of elements, inside the values limit, is read in proportion', { timeout: 120_000 }, async (t) => {
  // Inside the limit as the core counts values (a value tape: five bytes for each small number).
  const n = 3_000_000;
  const dir = workspace(t, { 't.yaml': '{{ count($data["a"]) }}\n', 'ports.json': [], 'v.json': `{"data":{"a":[${'1,'.repeat(n - 1)}1]}}` });
  const r = await run(['render', 't.yaml', '--ports', 'ports.json', '--values', 'v.json', '--dry-run'], { cwd: dir, env: HEAP });
  assert.equal(r.code, 0, r.stderr.slice(0, 2000));
  assert.equal(r.stdout, `${n}\n`);
});

test('a YAML values file of many keys is read in one pass, and a key given twice is still an error', { timeout: 60_000 }, async (t) => {
  const n = 100_000;
  const keys = Array.from({ length: n }, (_, i) => `  k${i}: &a${i} v${i}`).join('\n');
  const dir = workspace(t, {
    't.yaml': '{{ count($data) }} {{ $data["k99999"] }}\n',
    'ports.json': [],
    'v.yaml': `data:\n${keys}\n`,
    'twice.yaml': `data:\n${keys}\n  k5: again\n`,
    'flow.yaml': 'data: {a: 1, b: {c: 1, c: 2}}\n',
  });
  const r = await run(['render', 't.yaml', '--ports', 'ports.json', '--values', 'v.yaml', '--dry-run'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr.slice(0, 2000));
  assert.equal(r.stdout, `${n} v99999\n`);
  const twice = await run(['render', 't.yaml', '--ports', 'ports.json', '--values', 'twice.yaml', '--dry-run'], { cwd: dir });
  assert.equal(twice.code, 1);
  assert.equal(errorLines(twice.stderr)[0], `error: twice.yaml:${n + 2}:3: the values file is not valid YAML: Map keys must be unique`);
  const flow = await run(['render', 't.yaml', '--ports', 'ports.json', '--values', 'flow.yaml', '--dry-run'], { cwd: dir });
  assert.equal(errorLines(flow.stderr)[0], 'error: flow.yaml:1:24: the values file is not valid YAML: Map keys must be unique');
  // The first repeat in the text, as the yaml package reports it, though an outer mapping's
  // repeat is found first; keys that are NaN never equal each other.
  write(dir, { 'nested.yaml': 'data:\n  a:\n    x: 1\n    x: 2\n  b: 1\n  b: 2\n', 'nan.yaml': 'data:\n  .nan: 1\n  .NaN: 2\n', 'n.yaml': '{{ json_encode($data) }}\n' });
  const nested = await run(['render', 't.yaml', '--ports', 'ports.json', '--values', 'nested.yaml', '--dry-run'], { cwd: dir });
  assert.equal(errorLines(nested.stderr)[0], 'error: nested.yaml:4:5: the values file is not valid YAML: Map keys must be unique');
  const nan = await run(['render', 'n.yaml', '--ports', 'ports.json', '--values', 'nan.yaml', '--dry-run'], { cwd: dir });
  assert.equal(nan.code, 0, nan.stderr);
  assert.equal(nan.stdout, '{&quot;NaN&quot;:2}\n');
});
