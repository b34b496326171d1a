// `portclaims claims list|release|prune` and the lock file's format.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { pool, run, workspace, write } from './helpers.mjs';

const TEMPLATE = "a: {{ $portClaims['a'] }}\nb: {{ $portClaims['bb'] }}\n";
const PORTS = [
  { group: 'tcp', claim: 'a', preferred_port: 51000, random: true },
  { group: 'udp', claim: 'bb', preferred_port: 51001, random: true },
];

async function renderScopes(dir, scopes) {
  for (const scope of scopes) {
    const r = await run(['render', 't.yaml', '--ports', 'ports.json', '--scope', scope], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
  }
}

test('the lock file: version 1, sorted by scope then claim, 2-space indent, trailing newline', async (t) => {
  const dir = workspace(t, { 't.yaml': TEMPLATE, 'ports.json': PORTS });
  await renderScopes(dir, ['zeta', 'alpha']);
  const text = readFileSync(join(dir, 'portclaims.lock.json'), 'utf8');
  const lock = JSON.parse(text);
  assert.equal(lock.version, 1);
  assert.deepEqual(Object.keys(lock), ['version', 'reservations']);
  assert.deepEqual(
    lock.reservations.map((r) => `${r.scope}/${r.claim}`),
    ['alpha/a', 'alpha/bb', 'zeta/a', 'zeta/bb'],
  );
  for (const r of lock.reservations) assert.deepEqual(Object.keys(r), ['scope', 'claim', 'group', 'port']);
  assert.equal(text, `${JSON.stringify(lock, null, 2)}\n`);
  const zeta = lock.reservations.filter((r) => r.scope === 'zeta');
  assert.deepEqual(zeta.map((r) => r.port), [51000, 51001], 'the first scope got its preferred ports');
  const alpha = lock.reservations.filter((r) => r.scope === 'alpha');
  assert.ok(alpha.every((r) => r.port !== 51000 && r.port !== 51001), 'the second could not');
});

test('claims list: an aligned table, --scope filters, --json', async (t) => {
  const dir = workspace(t, { 't.yaml': TEMPLATE, 'ports.json': PORTS });
  const empty = await run(['claims', 'list'], { cwd: dir });
  assert.equal(empty.code, 0);
  assert.equal(empty.stdout, '');
  assert.match(empty.stderr, /no reservations: portclaims\.lock\.json does not exist yet/);

  await renderScopes(dir, ['shop', 'a-much-longer-scope']);
  const lock = JSON.parse(readFileSync(join(dir, 'portclaims.lock.json'), 'utf8'));
  const r = await run(['claims', 'list'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 5);
  assert.match(lines[0], /^SCOPE\s+CLAIM\s+GROUP\s+PORT$/);
  const column = (name) => lines[0].indexOf(name);
  lock.reservations.forEach((res, i) => {
    const line = lines[i + 1];
    assert.equal(line.indexOf(res.claim, column('CLAIM')), column('CLAIM'), `claim column aligned: ${line}`);
    assert.equal(line.indexOf(res.group, column('GROUP')), column('GROUP'), `group column aligned: ${line}`);
    assert.equal(line.slice(column('PORT')), String(res.port));
    assert.ok(line.startsWith(res.scope));
  });

  const only = await run(['claims', 'list', '--scope', 'shop', '--json'], { cwd: dir });
  assert.equal(only.code, 0);
  assert.deepEqual(JSON.parse(only.stdout), lock.reservations.filter((x) => x.scope === 'shop'));
});

test('claims release: one claim, then the whole scope; other scopes untouched', async (t) => {
  const dir = workspace(t, { 't.yaml': TEMPLATE, 'ports.json': PORTS });
  await renderScopes(dir, ['one', 'two']);
  const before = JSON.parse(readFileSync(join(dir, 'portclaims.lock.json'), 'utf8')).reservations;

  const claim = await run(['claims', 'release', '--scope', 'one', '--claim', 'bb', '--json'], { cwd: dir });
  assert.equal(claim.code, 0, claim.stderr);
  assert.deepEqual(JSON.parse(claim.stdout), before.filter((r) => r.scope === 'one' && r.claim === 'bb'));
  let after = JSON.parse(readFileSync(join(dir, 'portclaims.lock.json'), 'utf8')).reservations;
  assert.deepEqual(after, before.filter((r) => !(r.scope === 'one' && r.claim === 'bb')));

  const scope = await run(['claims', 'release', '--scope', 'one'], { cwd: dir });
  assert.equal(scope.code, 0, scope.stderr);
  assert.match(scope.stdout, /^released 1 reservation:\nSCOPE\s+CLAIM\s+GROUP\s+PORT\none\s+a\s+tcp\s+\d+\n$/);
  after = JSON.parse(readFileSync(join(dir, 'portclaims.lock.json'), 'utf8')).reservations;
  assert.deepEqual(after, before.filter((r) => r.scope === 'two'));

  const nothing = await run(['claims', 'release', '--scope', 'one'], { cwd: dir });
  assert.equal(nothing.code, 0);
  assert.match(nothing.stderr, /nothing to release: scope "one" holds no reservations/);
});

test('claims prune: releases the claims a template folder no longer declares', async (t) => {
  const dir = workspace(t, {
    'tpl/.kublade/ports.json': PORTS,
    'tpl/t.yaml': TEMPLATE,
  });
  const r = await run(['render', 'tpl', '--scope', 'app'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  await run(['render', 'tpl', '--scope', 'other'], { cwd: dir });
  const before = JSON.parse(readFileSync(join(dir, 'portclaims.lock.json'), 'utf8')).reservations;
  assert.equal(before.length, 4);

  write(dir, { 'tpl/.kublade/ports.json': [PORTS[0]], 'tpl/t.yaml': "a: {{ $portClaims['a'] }}\n" });
  const pruned = await run(['claims', 'prune', 'tpl', '--scope', 'app', '--json'], { cwd: dir });
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.deepEqual(JSON.parse(pruned.stdout), before.filter((x) => x.scope === 'app' && x.claim === 'bb'));
  const after = JSON.parse(readFileSync(join(dir, 'portclaims.lock.json'), 'utf8')).reservations;
  assert.deepEqual(after, before.filter((x) => !(x.scope === 'app' && x.claim === 'bb')));

  writeFileSync(join(dir, 'only-a.json'), JSON.stringify([PORTS[0]]));
  const viaPorts = await run(['claims', 'prune', '--ports', 'only-a.json', '--scope', 'other'], { cwd: dir });
  assert.equal(viaPorts.code, 0, viaPorts.stderr);
  assert.match(viaPorts.stdout, /^released 1 reservation:/);
  const again = await run(['claims', 'prune', '--ports', 'only-a.json', '--scope', 'other'], { cwd: dir });
  assert.match(again.stderr, /nothing to prune/);
});

test('a corrupt lock file is reported with its name and what is wrong, and left untouched', async (t) => {
  const dir = workspace(t, { 't.yaml': TEMPLATE, 'ports.json': PORTS });
  const corrupt = {
    'not JSON': ['{ "version": 1, "reservations": [ }', /^error: portclaims\.lock\.json: 1:35: not valid JSON: /m],
    'wrong version': ['{ "version": 7, "reservations": [] }\n', /^error: portclaims\.lock\.json: version: must be 1, got 7 \(written by a newer portclaims\?\)$/m],
    'bad entry': [
      '{ "version": 1, "reservations": [ { "scope": "s", "claim": "a", "group": "tcp", "port": "eighty" } ] }\n',
      /^error: portclaims\.lock\.json: reservations\[0\]\.port: must be an integer from 1 to 65535, got "eighty"$/m,
    ],
    'missing field': [
      '{ "version": 1, "reservations": [ { "scope": "s", "group": "tcp", "port": 80 } ] }\n',
      /^error: portclaims\.lock\.json: reservations\[0\]: missing "claim"$/m,
    ],
    // http and tcp share TCP's ports: the file is refused by every command, naming it, as a
    // render's core refuses it.
    'a port held twice in one protocol': [
      '{ "version": 1, "reservations": [ { "scope": "s", "claim": "a", "group": "http", "port": 100 }, { "scope": "t", "claim": "b", "group": "tcp", "port": 100 } ] }\n',
      /^error: portclaims\.lock\.json: reservations\[1\]\.port: TCP port 100 is held twice: by scope "s", claim "a" \(at \[0\]\) and by scope "t", claim "b" \(at \[1\]\)$/m,
    ],
  };
  const commands = [
    ['render', 't.yaml', '--ports', 'ports.json'],
    ['claims', 'list'],
    ['claims', 'release', '--scope', 's'],
    ['check', 't.yaml', '--ports', 'ports.json'],
  ];
  const tasks = Object.entries(corrupt).flatMap(([what, [text, message]], i) => {
    write(dir, { [`${i}/portclaims.lock.json`]: text, [`${i}/t.yaml`]: TEMPLATE, [`${i}/ports.json`]: PORTS });
    return commands.map((args) => async () => {
      const r = await run(args, { cwd: join(dir, String(i)) });
      assert.equal(r.code, 1, `${what}, ${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, `${what}, ${args.join(' ')}`);
    });
  });
  await pool(tasks);
  for (const [i, [what, [text]]] of Object.entries(corrupt).entries()) {
    assert.equal(readFileSync(join(dir, String(i), 'portclaims.lock.json'), 'utf8'), text, `${what}: the file is untouched`);
  }
});

// The core orders scopes by code point (UTF-8 bytes); UTF-16 units put 😀 (a surrogate pair)
// before ～ (U+FF5E). A render's lock file and `claims list` follow the core.
test('the lock file and claims list order scopes by code point, as the core does', async (t) => {
  const dir = workspace(t, { 't.yaml': TEMPLATE, 'ports.json': PORTS });
  await renderScopes(dir, ['😀', '～']);
  const lock = JSON.parse(readFileSync(join(dir, 'portclaims.lock.json'), 'utf8'));
  assert.deepEqual([...new Set(lock.reservations.map((r) => r.scope))], ['～', '😀']);
  const listed = await run(['claims', 'list', '--json'], { cwd: dir });
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual([...new Set(JSON.parse(listed.stdout).map((r) => r.scope))], ['～', '😀']);
  // A file written in the other order is listed in the core's order too.
  writeFileSync(join(dir, 'portclaims.lock.json'), `${JSON.stringify({ version: 1, reservations: [...lock.reservations].reverse() })}\n`);
  const relisted = await run(['claims', 'list'], { cwd: dir });
  assert.deepEqual(relisted.stdout.trimEnd().split('\n').slice(1).map((line) => line.split(/\s+/)[0]), ['～', '～', '😀', '😀']);
});

test('claims list --groups judges the lock file under the groups a render uses', async (t) => {
  // Under the defaults an unknown group is TCP: two of them on one port collide; under groups
  // that make one of them UDP, they do not.
  const reservations = [
    { scope: 's', claim: 'a', group: 'dns', port: 53 },
    { scope: 's', claim: 'b', group: 'web', port: 53 },
  ];
  const dir = workspace(t, { 'portclaims.lock.json': `${JSON.stringify({ version: 1, reservations })}\n`, 'groups.json': '{ "dns": { "protocol": "udp", "ranges": ["53"] } }' });
  const plain = await run(['claims', 'list'], { cwd: dir });
  assert.equal(plain.code, 1);
  assert.match(plain.stderr, /^error: portclaims\.lock\.json: reservations\[1\]\.port: TCP port 53 is held twice/m);
  const grouped = await run(['claims', 'list', '--groups', 'groups.json', '--json'], { cwd: dir });
  assert.equal(grouped.code, 0, grouped.stderr);
  assert.deepEqual(JSON.parse(grouped.stdout), reservations);
});

test('store migrate from a lock file that is not there is an error, and writes nothing', async (t) => {
  const dir = workspace(t, { 't.yaml': TEMPLATE, 'ports.json': JSON.stringify(PORTS) });
  const missing = await run(['store', 'migrate', '--from', 'nope.lock.json', '--to', 'copy.lock.json'], { cwd: dir });
  assert.equal(missing.code, 1, missing.stderr);
  assert.match(missing.stderr, /nope\.lock\.json: no such lock file; nothing to migrate/);
  assert.throws(() => readFileSync(join(dir, 'copy.lock.json')), /ENOENT/);
  await renderScopes(dir, ['s']);
  const copied = await run(['store', 'migrate', '--from', 'portclaims.lock.json', '--to', 'copy.lock.json'], { cwd: dir });
  assert.equal(copied.code, 0, copied.stderr);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'copy.lock.json'), 'utf8')).reservations, JSON.parse(readFileSync(join(dir, 'portclaims.lock.json'), 'utf8')).reservations);
});
