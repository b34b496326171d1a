// Several `portclaims render` processes against one lock file at the same time.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { run, workspace } from './helpers.mjs';

test('9 processes at once (6 scopes, 3 racing on one): no port twice, nothing lost, the racers agree', async (t) => {
  const dir = workspace(t, {
    't.yaml': "a: {{ $portClaims['a'] }}\nb: {{ $portClaims['b'] }}\nc: {{ $portClaims['c'] }}\n",
    // Everyone prefers 50000 and draws with the same seed from a small range: every decision
    // collides unless the store's commit protocol serialises them.
    'ports.json': [
      { group: 'tcp', claim: 'a', preferred_port: 50000, random: true },
      { group: 'tcp', claim: 'b' },
      { group: 'tcp', claim: 'c' },
    ],
    'groups.json': { tcp: { ranges: ['50000-50063'] } },
  });
  const args = (scope) => ['render', 't.yaml', '--ports', 'ports.json', '--groups', 'groups.json', '--scope', scope, '--seed', '7'];
  const scopes = ['s1', 's2', 's3', 's4', 's5', 's6'];
  const results = await Promise.all([...scopes, 'shared', 'shared', 'shared'].map((scope) => run(args(scope), { cwd: dir })));
  for (const r of results) assert.equal(r.code, 0, r.stderr);

  const lock = JSON.parse(readFileSync(join(dir, 'portclaims.lock.json'), 'utf8'));
  assert.equal(lock.reservations.length, 7 * 3, 'three reservations for each of the 7 scopes');
  const ports = lock.reservations.map((r) => r.port);
  assert.equal(new Set(ports).size, ports.length, `no port handed out twice: ${ports.join(' ')}`);
  assert.ok(ports.every((p) => p >= 50000 && p <= 50063), 'all from the group');
  assert.equal(lock.reservations.filter((r) => r.port === 50000).length, 1, 'the preferred port went to one scope');

  const byScope = (scope) =>
    lock.reservations.filter((r) => r.scope === scope).map((r) => `${r.claim}: ${r.port}`).join('\n') + '\n';
  scopes.forEach((scope, i) => assert.equal(results[i].stdout, byScope(scope), `${scope} printed what it reserved`));
  const racers = results.slice(6).map((r) => r.stdout);
  assert.equal(racers[0], byScope('shared'));
  assert.deepEqual(racers, [racers[0], racers[0], racers[0]], 'the three renders of one scope agree on its ports');
  assert.deepEqual(readdirSync(dir).sort(), ['groups.json', 'portclaims.lock.json', 'ports.json', 't.yaml'], 'no lock or temporary file left');
});

test('a folder render racing a single-file render of the same scope: one reservation per claim', async (t) => {
  const dir = workspace(t, {
    'tpl/.kublade/ports.json': [{ group: 'tcp', claim: 'web' }, { group: 'tcp', claim: 'db' }],
    'tpl/a.yaml': "web: {{ $portClaims['web'] }}\n",
    'tpl/b.yaml': "db: {{ $portClaims['db'] }}\nweb: {{ $portClaims['web'] }}\n",
  });
  const runs = await Promise.all([
    run(['render', 'tpl', '--scope', 'x'], { cwd: dir }),
    run(['render', 'tpl/b.yaml', '--scope', 'x'], { cwd: dir }),
    run(['render', 'tpl', '--scope', 'x', '--json'], { cwd: dir }),
  ]);
  for (const r of runs) assert.equal(r.code, 0, r.stderr);
  const lock = JSON.parse(readFileSync(join(dir, 'portclaims.lock.json'), 'utf8'));
  assert.deepEqual(lock.reservations.map((r) => r.claim), ['db', 'web']);
  const [web, db] = ['web', 'db'].map((c) => lock.reservations.find((r) => r.claim === c).port);
  assert.equal(runs[0].stdout, `---\n# Source: a.yaml\nweb: ${web}\n---\n# Source: b.yaml\ndb: ${db}\nweb: ${web}\n`);
  assert.equal(runs[1].stdout, `db: ${db}\nweb: ${web}\n`);
  assert.deepEqual(JSON.parse(runs[2].stdout).claims, { web, db });
});

test('8 processes committing to one lock file at once all succeed: a refused commit backs off before retrying', async (t) => {
  const dir = workspace(t, {
    // Rendering takes a while, so that every process decides from the same revision and all
    // but one find their commit refused, round after round.
    't.yaml': "a: {{ $portClaims['a'] }}\nb: {{ $portClaims['b'] }}\n@for($i = 0; $i < 60000; $i++)@endfor\n",
    'ports.json': [
      { group: 'tcp', claim: 'a' },
      { group: 'tcp', claim: 'b' },
    ],
    'groups.json': { tcp: { ranges: ['50000-50063'] } },
  });
  const scopes = Array.from({ length: 8 }, (_, i) => `s${i}`);
  const results = await Promise.all(
    scopes.map((scope) => run(['render', 't.yaml', '--ports', 'ports.json', '--groups', 'groups.json', '--scope', scope], { cwd: dir })),
  );
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const lock = JSON.parse(readFileSync(join(dir, 'portclaims.lock.json'), 'utf8'));
  assert.equal(lock.reservations.length, 16);
  const ports = lock.reservations.map((r) => r.port);
  assert.equal(new Set(ports).size, 16, `no port handed out twice: ${ports.join(' ')}`);
});
