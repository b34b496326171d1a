// `portclaims render`: a Kublade template folder to --out and to stdout, a single template, values
// from a file, stdin and --set, --json, --dry-run.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { DEPLOYMENT, PORTS, SERVICE, expectedDeployment, expectedService, kubladeFolder } from './fixtures.mjs';
import { run, workspace } from './helpers.mjs';

const lockOf = (dir) => JSON.parse(readFileSync(join(dir, 'portclaims.lock.json'), 'utf8'));
const portsOf = (dir, scope) =>
  Object.fromEntries(lockOf(dir).reservations.filter((r) => r.scope === scope).map((r) => [r.claim, r.port]));

function listFiles(dir, prefix = '') {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(dir, `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  ).sort();
}

test('a template folder renders to --out keeping relative paths, reserving each claim once', async (t) => {
  const dir = workspace(t, kubladeFolder());
  const r = await run(['render', 'tpl', '--out', 'out', '--scope', 'shop', '--set', 'password=s3cret'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.deepEqual(listFiles(join(dir, 'out')), ['apps/deployment.yaml', 'service.yaml']);
  const ports = portsOf(dir, 'shop');
  assert.deepEqual(Object.keys(ports).sort(), ['metrics', 'web']);
  assert.equal(ports.web, 30080, 'the preferred port is free, so it is granted');
  assert.notEqual(ports.metrics, ports.web);
  assert.equal(lockOf(dir).reservations.length, 2, 'one reservation per claim, not one per file');
  assert.equal(
    readFileSync(join(dir, 'out/service.yaml'), 'utf8'),
    expectedService({ web: ports.web, metrics: ports.metrics, namespace: 'shop' }),
  );
  assert.equal(
    readFileSync(join(dir, 'out/apps/deployment.yaml'), 'utf8'),
    expectedDeployment({ web: ports.web, password: 's3cret' }),
  );
});

test('a template folder renders to stdout like helm template, reusing the reserved ports', async (t) => {
  const dir = workspace(t, kubladeFolder());
  const first = await run(['render', 'tpl', '--scope', 'shop', '--set', 'password=s3cret', '--namespace', 'prod'], { cwd: dir });
  assert.equal(first.code, 0, first.stderr);
  const ports = portsOf(dir, 'shop');
  const expected =
    `---\n# Source: apps/deployment.yaml\n${expectedDeployment({ web: ports.web, password: 's3cret' })}` +
    `---\n# Source: service.yaml\n${expectedService({ web: ports.web, metrics: ports.metrics, namespace: 'prod' })}`;
  assert.equal(first.stdout, expected);
  const lockBefore = readFileSync(join(dir, 'portclaims.lock.json'), 'utf8');
  const again = await run(['render', 'tpl', '--scope', 'shop', '--set', 'password=s3cret', '--namespace', 'prod'], { cwd: dir });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, expected, 'a second render reuses the reservations');
  assert.equal(readFileSync(join(dir, 'portclaims.lock.json'), 'utf8'), lockBefore);
});

test('values come from stdin (YAML) and --set overrides them, secret fields landing in $secret', async (t) => {
  const dir = workspace(t, kubladeFolder());
  const values = 'replicas: 3\npassword: from-stdin\ndata:\n  unused_extra: 1\n';
  const r = await run(['render', 'tpl', '--scope', 'a', '--values', '-', '--set', 'tier=large', '--set', 'app_name=api', '--json'], {
    cwd: dir,
    input: values,
  });
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(result).sort(), ['allocated', 'claims', 'diagnostics', 'files', 'released']);
  assert.deepEqual(result.files.map((f) => f.path), ['apps/deployment.yaml', 'service.yaml']);
  assert.equal(
    result.files[0].output,
    expectedDeployment({ web: result.claims.web, name: 'api', replicas: 3, tier: 'large', password: 'from-stdin' }),
  );
  assert.equal(result.files[1].output, expectedService({ ...result.claims, name: 'api', namespace: 'a' }));
  assert.deepEqual(result.allocated.map((r) => r.claim).sort(), ['metrics', 'web']);
  assert.ok(result.allocated.every((r) => r.scope === 'a' && r.group === 'tcp'));
  assert.deepEqual(result.released, []);
});

test('a single template renders with --ports and a JSON values file; --json holds output and claims', async (t) => {
  const dir = workspace(t, {
    'service.yaml': SERVICE,
    'ports.json': PORTS,
    'values.json': { namespace: 'ns1', data: { app_name: 'solo' } },
  });
  const text = await run(['render', 'service.yaml', '--ports', 'ports.json', '--values', 'values.json', '--scope', 'solo'], { cwd: dir });
  assert.equal(text.code, 0, text.stderr);
  const ports = portsOf(dir, 'solo');
  assert.equal(text.stdout, expectedService({ ...ports, name: 'solo', namespace: 'ns1' }));
  const json = await run(['render', 'service.yaml', '--ports', 'ports.json', '--values', 'values.json', '--scope', 'solo', '--json'], { cwd: dir });
  assert.equal(json.code, 0, json.stderr);
  const result = JSON.parse(json.stdout);
  assert.equal(result.output, text.stdout);
  assert.deepEqual(result.claims, ports);
  assert.deepEqual(Object.keys(result.claims), ['web', 'metrics'], 'claims in declaration order');
  assert.deepEqual(result.allocated, [], 'nothing new the second time');
});

test('--dry-run renders but reserves nothing', async (t) => {
  const dir = workspace(t, kubladeFolder());
  const r = await run(['render', 'tpl', '--dry-run', '--set', 'password=x', '--json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).allocated.length, 2, 'what would be allocated is reported');
  assert.equal(existsSync(join(dir, 'portclaims.lock.json')), false);
});

test('--lock names another lock file; --seed makes the port draw repeatable', async (t) => {
  const dir = workspace(t, { 't.yaml': "port: {{ $portClaims['db'] }}\n", 'ports.json': [{ group: 'tcp', claim: 'db' }] });
  const a = await run(['render', 't.yaml', '--ports', 'ports.json', '--lock', 'a.lock.json', '--seed', '42'], { cwd: dir });
  const b = await run(['render', 't.yaml', '--ports', 'ports.json', '--lock', 'b.lock.json', '--seed', '42'], { cwd: dir });
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.equal(a.stdout, b.stdout);
  assert.match(a.stdout, /^port: \d+\n$/);
  assert.ok(existsSync(join(dir, 'a.lock.json')) && existsSync(join(dir, 'b.lock.json')));
  assert.equal(existsSync(join(dir, 'portclaims.lock.json')), false);
});

test('field checks: a required field without value, a number out of range, a value not among the options', async (t) => {
  const dir = workspace(t, kubladeFolder());
  const missing = await run(['render', 'tpl'], { cwd: dir });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^error: field "password" \(Password\) is required and has no value$/m);
  assert.match(missing.stderr, /hint: give it with --set password=/);
  const wrong = await run(['render', 'tpl', '--set', 'password=x', '--set', 'replicas=11', '--set', 'tier=huge'], { cwd: dir });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /^error: field "replicas" \(Replicas\) is 11, above its maximum 10$/m);
  assert.match(wrong.stderr, /^error: field "tier" \(Tier\) is "huge", which is not one of its options: "small", "large"$/m);
  const low = await run(['render', 'tpl', '--set', 'password=x', '--set', 'replicas=0'], { cwd: dir });
  assert.match(low.stderr, /^error: field "replicas" \(Replicas\) is 0, below its minimum 1$/m);
  assert.equal(existsSync(join(dir, 'portclaims.lock.json')), false, 'nothing reserved when the values are wrong');
});

test('a render error in one file of a folder reserves nothing', async (t) => {
  const dir = workspace(t, { ...kubladeFolder(), 'tpl/broken.yaml': "x: {{ $data['missing_key'] }}\n" });
  const r = await run(['render', 'tpl', '--set', 'password=x'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^error: tpl\/broken\.yaml:1:\d+: Undefined array key "missing_key"$/m);
  assert.equal(existsSync(join(dir, 'portclaims.lock.json')), false);
});

test('the lock file inside the template folder is not rendered as a template', async (t) => {
  const dir = workspace(t, kubladeFolder('.'));
  const r1 = await run(['render', '.', '--set', 'password=x'], { cwd: dir });
  assert.equal(r1.code, 0, r1.stderr);
  const r2 = await run(['render', '.', '--set', 'password=x'], { cwd: dir });
  assert.equal(r2.code, 0, r2.stderr);
  assert.doesNotMatch(r2.stdout, /Source: portclaims\.lock\.json/);
  assert.equal(r1.stdout, r2.stdout);
});

test('--no-escape and --whitespace reach the engine', async (t) => {
  const dir = workspace(t, { 't.yaml': "a: {{ $data['s'] }}\nb:\n  @if(true)\n  c: 1\n  @endif\n" });
  const escaped = await run(['render', 't.yaml', '--set', 'data.s=a&b'], { cwd: dir });
  assert.equal(escaped.code, 0, escaped.stderr);
  assert.equal(escaped.stdout, 'a: a&amp;b\nb:\n    c: 1\n  ');
  const raw = await run(['render', 't.yaml', '--set', 'data.s=a&b', '--no-escape', '--whitespace', 'smart'], { cwd: dir });
  assert.equal(raw.code, 0, raw.stderr);
  assert.equal(raw.stdout, 'a: a&b\nb:\n  c: 1\n');
});

test('a YAML values file may merge mappings with <<', async (t) => {
  const dir = workspace(t, {
    't.yaml': '{{ $data["a"] }} {{ $data["b"] }}\n',
    'ports.json': '[]',
    'v.yaml': 'defaults: &d\n  a: 1\n  b: 2\ndata:\n  <<: *d\n  b: 3\n',
  });
  const r = await run(['render', 't.yaml', '--ports', 'ports.json', '--values', 'v.yaml', '--dry-run'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '1 3\n');
});
