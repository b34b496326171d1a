// Values files inside the values limit cost memory in proportion to their size, and one whose YAML
// aliases expand past the limit is refused before it is written out. Each run gets a small
// JavaScript heap: reading the values whole, or expanding every alias, runs out of it.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { errorLines, run, workspace } from './helpers.mjs';

const HEAP = { NODE_OPTIONS: '--max-old-space-size=192' };

test('YAML aliases that expand past the values limit are refused before they are written out', { timeout: 120_000 }, async (t) => {
  // A 5 MB file: one 5 MB string, named 500 times (half the alias limit).
  const lines = [`s: &a "${'x'.repeat(5_000_000)}"`, 'data:'];
  for (let i = 0; i < 500; i++) lines.push(`  b${i}: *a`);
  const dir = workspace(t, { 't.yaml': '{{ strlen($data["b1"]) }}\n', 'ports.json': [], 'v.yaml': `${lines.join('\n')}\n` });
  const r = await run(['render', 't.yaml', '--ports', 'ports.json', '--values', 'v.yaml', '--dry-run'], { cwd: dir, env: HEAP });
  assert.equal(r.code, 1, r.stderr.slice(0, 2000));
  assert.deepEqual(errorLines(r.stderr), [
    'error: values: values limit exceeded: the values are more than the 16777216 bytes a render reads, as JSON (a YAML alias counts each time it is used)',
  ]);
  // Within the limit, aliases expand as before.
  const fine = workspace(t, { 't.yaml': '{{ strlen($data["b99"]) }}\n', 'ports.json': [], 'v.yaml': `s: &a "${'x'.repeat(100_000)}"\ndata:\n${Array.from({ length: 100 }, (_, i) => `  b${i}: *a`).join('\n')}\n` });
  const ok = await run(['render', 't.yaml', '--ports', 'ports.json', '--values', 'v.yaml', '--dry-run'], { cwd: fine, env: HEAP });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, '100000\n');
});

test('a values file of millions of elements, inside the values limit, is read in proportion', { timeout: 120_000 }, async (t) => {
  const n = 7_500_000;
  const dir = workspace(t, { 't.yaml': '{{ count($data["a"]) }}\n', 'ports.json': [], 'v.json': `{"data":{"a":[${'1,'.repeat(n - 1)}1]}}` });
  const r = await run(['render', 't.yaml', '--ports', 'ports.json', '--values', 'v.json', '--dry-run'], { cwd: dir, env: HEAP });
  assert.equal(r.code, 0, r.stderr.slice(0, 2000));
  assert.equal(r.stdout, `${n}\n`);
});
