// The CLI meets the render limits and ports.json's strictness as a user does: one clear error line
// naming the file, line and column or the field, and a failing exit status.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { BIN, errorLines, run, workspace, write } from './helpers.mjs';

test('render: a template that builds too much or nests too deep fails with one error line', async (t) => {
  const dir = workspace(t, {
    'memory.yaml': "a: 1\nb: {{ count(array_map('array_values', array_fill(0, 1048576, range(1, 1000)))) }}\n",
    'deep.yaml': 'x: 1\n@for($a = [], $i = 0; $i < 100000; $a = [$a], $i++)\n@endfor\n',
    'ports.json': '[]\n',
  });
  const memory = await run(['render', 'memory.yaml', '--ports', 'ports.json', '--dry-run'], { cwd: dir });
  assert.equal(memory.code, 1, memory.stderr);
  assert.deepEqual(errorLines(memory.stderr), [
    'error: memory.yaml:2:13: memory limit exceeded in array_map(): the values this render builds would take more than 268435456 bytes',
  ]);
  const deep = await run(['render', 'deep.yaml', '--ports', 'ports.json', '--dry-run'], { cwd: dir });
  assert.equal(deep.code, 1, deep.stderr);
  assert.match(errorLines(deep.stderr).join('\n'), /^error: deep\.yaml:2:\d+: value nesting limit exceeded in a @for header: the value assigned to \$a nests arrays more than 128 levels deep$/);
});

test('render: a template past the size limit is refused, naming its size and the limit', async (t) => {
  const dir = workspace(t, { 'big.yaml': 'a: b\n'.repeat(1_000_000), 'ports.json': '[]\n' });
  const result = await run(['render', 'big.yaml', '--ports', 'ports.json', '--dry-run'], { cwd: dir });
  assert.equal(result.code, 1, result.stderr);
  assert.deepEqual(errorLines(result.stderr), [
    'error: big.yaml: template size limit exceeded: the template is 5000000 bytes, more than the 4194304 a template may have',
  ]);
  // About the whole template: no line of it is shown (an empty one was).
  assert.doesNotMatch(result.stderr, /\|/);
});

test('render: output past the limit names the template, with no empty line shown', async (t) => {
  const dir = workspace(t, {
    't.yaml': "a: 1\n@for($i = 0; $i < 100000; $i++)\n{{ str_repeat('x', 500) }}\n@endfor\n",
    'ports.json': '[]\n',
  });
  const result = await run(['render', 't.yaml', '--ports', 'ports.json', '--dry-run'], { cwd: dir });
  assert.equal(result.code, 1, result.stderr);
  // The whole output is too large, which no one line of the template shows.
  assert.equal(result.stderr, 'error: t.yaml: output limit exceeded: the output is larger than 16777216 bytes\n');
});

test('check: a misspelt ports.json field is an error with the field meant; Kublade entries pass', async (t) => {
  const dir = workspace(t, {
    'tpl/.kublade/ports.json':
      '[\n  { "group": "tcp", "claim": "web", "preferred_port": null, "random": true },\n  { "group": "tcp", "claim": "db", "prefered_port": 8080 }\n]\n',
    'tpl/service.yaml': "web: {{ $portClaims['web'] }}\ndb: {{ $portClaims['db'] }}\n",
  });
  const typo = await run(['check', 'tpl'], { cwd: dir });
  assert.equal(typo.code, 1, typo.stderr);
  assert.deepEqual(errorLines(typo.stderr), ['error: [1].prefered_port: unknown field (did you mean "preferred_port"?)']);
  assert.match(typo.stderr, /--> tpl[/\\]\.kublade[/\\]ports\.json:3:/);

  const fixed = workspace(t, {
    'tpl/.kublade/ports.json':
      '[\n  { "group": "tcp", "claim": "web", "preferred_port": null, "random": true },\n  { "group": "tcp", "claim": "db", "preferred_port": 8080, "random": false }\n]\n',
    'tpl/service.yaml': "web: {{ $portClaims['web'] }}\ndb: {{ $portClaims['db'] }}\n",
  });
  const clean = await run(['check', 'tpl'], { cwd: fixed });
  assert.equal(clean.code, 0, clean.stderr);
  assert.deepEqual(errorLines(clean.stderr), []);
});

test('a large fields.json resolves in time linear in its fields: 30,000 fields, a radio with 30,000 default options', async (t) => {
  const n = 30_000;
  const fields = Array.from({ length: n }, (_, i) => ({ key: `k${i}`, type: 'input_text', label: 'l', value: 'v', set_on_create: true }));
  // Kublade's import: the last default option wins; a key differing in case updates the field.
  fields.push({ key: 'r', type: 'input_radio', label: 'l', value: 'v', set_on_create: true, options: Array.from({ length: n }, (_, i) => ({ value: `o${i}`, label: 'x', default: true })) });
  fields.push({ key: 'K1 ', type: 'input_text', label: 'l', value: 'w', set_on_create: true });
  const values = Object.fromEntries(Array.from({ length: n / 2 }, (_, i) => [`k${2 * i}`, 'x']));
  const dir = workspace(t, {
    'tpl/.kublade/fields.json': fields,
    'tpl/.kublade/ports.json': [],
    'tpl/a.yaml': "r: {{ $data['r'] }} k1: {{ $data['k1'] }} k2: {{ $data['k2'] }} k3: {{ $data['k3'] }}\n",
    'values.json': values,
  });
  // Quadratic steps took minutes here: a bound far above a linear run's second or two.
  const started = Date.now();
  const r = spawnSync(process.execPath, [BIN, 'render', 'tpl', '--dry-run', '--values', 'values.json'], { cwd: dir, encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(r.status, 0, `${r.stderr} (after ${Date.now() - started} ms${r.signal ? `, ${r.signal}` : ''})`);
  assert.equal(r.stdout, '---\n# Source: a.yaml\nr: o29999 k1: w k2: x k3: v\n');
});

test('a groups file is as strict as ports.json: a misspelt key, an unknown one or null is refused, naming the file', async (t) => {
  const dir = workspace(t, { 't.yaml': "port: {{ $portClaims['web'] }}\n", 'ports.json': [{ claim: 'web', group: 'tcp' }] });
  const cases = [
    ['{"tcp":{"range":["100-200"]}}', 'error: groups.json: tcp.range: unknown field (did you mean "ranges"?)'],
    ['{"tcp":{"ranges":["100-200"],"protocl":"udp"}}', 'error: groups.json: tcp.protocl: unknown field (did you mean "protocol"?)'],
    ['{"tcp":{"ranges":["100-200"],"x":1}}', 'error: groups.json: tcp.x: unknown field; a group has only ranges, exclude, protocol'],
    ['null', /^error: groups\.json: the groups file must be an object of groups by name, .* got null$/],
  ];
  for (const [text, expected] of cases) {
    write(dir, { 'groups.json': `${text}\n` });
    for (const args of [['render', 't.yaml'], ['check', 't.yaml']]) {
      const r = await run([...args, '--ports', 'ports.json', '--groups', 'groups.json'], { cwd: dir });
      assert.equal(r.code, 1, `${text}: ${r.stderr}`);
      const errors = errorLines(r.stderr);
      assert.equal(errors.length, 1, r.stderr);
      if (typeof expected !== 'string') assert.match(errors[0], expected);
      else if (args[0] === 'render') assert.equal(errors[0], expected);
      else {
        // check places the error in the file: the message need not name it.
        assert.equal(errors[0], expected.replace('error: groups.json: ', 'error: '));
        assert.match(r.stderr, /\n --> groups\.json:1:1\n/);
      }
    }
    assert.equal(existsSync(join(dir, 'portclaims.lock.json')), false, 'nothing reserved');
  }
  write(dir, { 'groups.json': '{"tcp":{"ranges":["100-200"],"protocol":"tcp"}}\n' });
  const fine = await run(['render', 't.yaml', '--ports', 'ports.json', '--groups', 'groups.json', '--dry-run'], { cwd: dir });
  assert.equal(fine.code, 0, fine.stderr);
  const port = Number(fine.stdout.match(/^port: (\d+)\n$/)[1]);
  assert.ok(port >= 100 && port <= 200, fine.stdout);
});

test('a group no configuration knows draws from the dynamic range with a warning naming the field, in render and check', async (t) => {
  const dir = workspace(t, { 't.yaml': "port: {{ $portClaims['web'] }}\n", 'ports.json': '[{"claim":"web","group":"htpp"}]\n' });
  const expected = 'warning: ports.json: [0].group: "htpp" is no known group: it draws from 49152-65535 (TCP), as every group the port groups do not configure (did you mean "http"?)';
  const render = await run(['render', 't.yaml', '--ports', 'ports.json', '--dry-run'], { cwd: dir });
  assert.equal(render.code, 0, render.stderr);
  const check = await run(['check', 't.yaml', '--ports', 'ports.json'], { cwd: dir });
  for (const r of [render, check]) {
    const lines = r.stderr.split('\n');
    assert.equal(lines[0], expected, r.stderr);
    assert.equal(lines[1], ' --> ports.json:1:25');
  }
  assert.match(check.stderr, /check: 0 errors, 1 warning/);
  // Kublade's preset draws every group from that range by design: nothing to warn about.
  const kublade = await run(['render', 't.yaml', '--ports', 'ports.json', '--groups', 'kublade', '--dry-run'], { cwd: dir });
  assert.equal(kublade.code, 0, kublade.stderr);
  assert.equal(kublade.stderr, '');
});
