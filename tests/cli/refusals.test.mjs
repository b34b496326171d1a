// Inputs the CLI refuses in one line naming the file: a YAML alias bomb, numbers JSON cannot carry,
// names that would drive a terminal.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { errorLines, run, workspace } from './helpers.mjs';

const TEMPLATE = "port: {{ $portClaims['web'] }}\n";

test('a YAML alias bomb in a values file ends at once, naming the file', async (t) => {
  // Ten anchors, each a list of ten aliases of the one before: 10^10 strings once expanded.
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
  lines.push('data:', '  bomb: *a9');
  const dir = workspace(t, { 't.yaml': TEMPLATE, 'ports.json': [{ group: 'tcp', claim: 'web' }], 'bomb.yaml': `${lines.join('\n')}\n` });
  const started = Date.now();
  const r = await run(['render', 't.yaml', '--ports', 'ports.json', '--values', 'bomb.yaml', '--dry-run'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(errorLines(r.stderr), [
    'error: bomb.yaml: the values file uses YAML aliases (*name) past the limit of 1000: aliases of anchors that hold aliases multiply (an alias bomb?)',
  ]);
  assert.doesNotMatch(r.stderr, /internal error|bug in portclaims/);
  assert.ok(Date.now() - started < 10_000);

  // Aliases used with measure still work.
  const ok = workspace(t, { 't.yaml': "a: {{ $data['a'] }} b: {{ $data['b'] }}\n", 'ports.json': [], 'v.yaml': 'data:\n  a: &x hello\n  b: *x\n' });
  const fine = await run(['render', 't.yaml', '--ports', 'ports.json', '--values', 'v.yaml', '--dry-run'], { cwd: ok });
  assert.equal(fine.code, 0, fine.stderr);
  assert.equal(fine.stdout, 'a: hello b: hello\n');
});

test('preferred_port: 1e400 in ports.json is refused, pointing at the field, by render and by check', async (t) => {
  const ports = '[\n  { "group": "tcp", "claim": "web", "preferred_port": 1e400 }\n]\n';
  const dir = workspace(t, { 'tpl/service.yaml': TEMPLATE, 'tpl/.kublade/ports.json': ports });
  const r = await run(['render', 'tpl', '--scope', 's'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  const [line] = errorLines(r.stderr);
  assert.match(line, /^error: tpl\/\.kublade\/ports\.json(:2:\d+)?: \[0\]\.preferred_port: must be a finite number, got Infinity/);
  assert.match(r.stderr, /2 \| {3}\{ "group": "tcp", "claim": "web", "preferred_port": 1e400 \}/);
  assert.throws(() => readFileSync(join(dir, 'portclaims.lock.json')), /ENOENT/, 'nothing reserved');

  const c = await run(['check', 'tpl'], { cwd: dir });
  assert.equal(c.code, 1, c.stdout + c.stderr);
  assert.match(c.stdout + c.stderr, /preferred_port: must be a finite number, got Infinity/);
  assert.doesNotMatch(c.stdout + c.stderr, /no problems found/);
});

test('a lock file whose names hold control characters fails a render, naming the file and field', async (t) => {
  const dir = workspace(t, {
    't.yaml': TEMPLATE,
    'ports.json': [{ group: 'tcp', claim: 'web' }],
    'portclaims.lock.json': { version: 1, reservations: [{ scope: 'x\u001b]0;owned\u0007', claim: 'web', group: 'tcp', port: 51000 }] },
  });
  const before = readFileSync(join(dir, 'portclaims.lock.json'), 'utf8');
  const r = await run(['render', 't.yaml', '--ports', 'ports.json', '--scope', 's'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /\u001b|\u0007/);
  assert.match(errorLines(r.stderr)[0], /portclaims\.lock\.json: reservations\[0\]\.scope: must not contain control characters or bidirectional marks, found U\+001B$/);
  assert.equal(readFileSync(join(dir, 'portclaims.lock.json'), 'utf8'), before, 'the lock file is left as it was');

  const scope = await run(['render', 't.yaml', '--ports', 'ports.json', '--scope', 'a\u202eb', '--lock', 'other.lock.json'], { cwd: dir });
  assert.equal(scope.code, 1, scope.stderr);
  assert.match(errorLines(scope.stderr)[0], /the scope must not contain control characters or bidirectional marks, found U\+202E/);
});

test('values a render cannot read are refused naming the values file: deep nesting, an unpaired surrogate, over-size', async (t) => {
  const nested = (depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const dir = workspace(t, {
    'd.yaml': 'd: {{ json_encode($data) }}\n',
    'tpl/d.yaml': 'd: {{ json_encode($data) }}\n',
    'ports.json': [],
    'deep.json': `{"data":{"a":${nested(100_000)}}}\n`,
    'deep200.json': `{"data":{"a":${nested(200)}}}\n`,
    'deep200.yaml': `data:\n  a: ${nested(200)}\n`,
    'deeper.yaml': `data:\n  a: ${nested(100_000)}\n`,
    'surrogate.json': '{"data":{"a":"\\ud800"}}\n',
    'surrogate.yaml': 'data:\n  a: "\\ud800"\n',
    'huge.json': `{"data":{"a":"${'x'.repeat(17 * 1024 * 1024)}"}}\n`,
  });
  const cases = [
    ['deep.json', 'error: deep.json: data: nests arrays and objects more than 128 deep'],
    ['deep200.json', 'error: deep200.json: data: nests arrays and objects more than 128 deep'],
    ['deep200.yaml', 'error: deep200.yaml: data: nests arrays and objects more than 128 deep'],
    ['deeper.yaml', /^error: deeper\.yaml:2:\d+: the values file nests arrays and objects too deep to read$/],
    ['surrogate.json', 'error: surrogate.json: data.a: holds an unpaired UTF-16 surrogate (\\ud800 at index 0), which UTF-8 cannot hold'],
    ['surrogate.yaml', 'error: surrogate.yaml: data.a: holds an unpaired UTF-16 surrogate (\\ud800 at index 0), which UTF-8 cannot hold'],
    ['huge.json', /^error: huge\.json: values limit exceeded: the values are more than the 16777216 bytes a render reads \(what a YAML alias names counts each time it is used\)$/],
  ];
  for (const [values, expected] of cases) {
    for (const args of [['render', 'd.yaml', '--ports', 'ports.json', '--dry-run'], ['render', 'tpl', '--set', 'data.b=1'], ['check', 'tpl']]) {
      const r = await run([...args, '--values', values], { cwd: dir });
      assert.equal(r.code, 1, `${args.join(' ')} --values ${values}: ${r.stderr}`);
      const errors = errorLines(r.stderr);
      assert.equal(errors.length, 1, r.stderr);
      if (typeof expected === 'string') assert.equal(errors[0], expected);
      else assert.match(errors[0], expected);
      assert.doesNotMatch(r.stderr, /internal error|bug in portclaims|RangeError|Maximum call stack/);
    }
  }
});
