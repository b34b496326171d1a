// EtcdStore against a real three-member etcd cluster on loopback (Debian's etcd-server).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { EtcdStore, render } from '../../js/node.js';
import { concurrencyRun, contractChecks, errorLines, faultBetweenLoadAndCommit, run, scaleCheck, workspace } from './helpers.mjs';
import { startEtcdCluster } from './servers.mjs';

let cluster;
before(async () => {
  cluster = await startEtcdCluster();
});
after(() => cluster?.stop());

const open = (name, options = {}) => new EtcdStore(cluster.url(name), options);

/** The raw keys of a store, as etcd holds them. */
async function rawKeys(name) {
  const { Etcd3 } = await import('etcd3');
  const client = new Etcd3({ hosts: cluster.members.filter((m) => m.running()).map((m) => m.url) });
  try {
    const kvs = await client.getAll().prefix(`/portclaims/${name}/`).exec();
    return new Map(kvs.kvs.map((kv) => [kv.key.toString(), { value: kv.value.toString(), mod: kv.mod_revision }]));
  } finally {
    client.close();
  }
}

test('the store contract on etcd', (t) => contractChecks(t, open));

test('the documented key layout: a key per scope, a key per held port, a revision key', async () => {
  const store = new EtcdStore(cluster.url('layout'));
  try {
    await render({ template: 'x', claims: [{ claim: 'web', group: 'http', preferred_port: 8080 }, { claim: 'dns', group: 'udp', preferred_port: 53 }], store, scope: 'shop/eu' });
    await render({ template: 'x', claims: [{ claim: 'db', group: 'tcp', preferred_port: 5432 }], store, scope: 'other' });
    const before = await rawKeys('layout');
    assert.deepEqual([...before.keys()].sort(), [
      '/portclaims/layout/ports/tcp/05432',
      '/portclaims/layout/ports/tcp/08080',
      '/portclaims/layout/ports/udp/00053',
      '/portclaims/layout/revision',
      '/portclaims/layout/scopes/other',
      '/portclaims/layout/scopes/shop%2Feu',
    ]);
    assert.deepEqual(JSON.parse(before.get('/portclaims/layout/scopes/shop%2Feu').value), {
      claims: [
        { claim: 'dns', group: 'udp', protocol: 'udp', port: 53 },
        { claim: 'web', group: 'http', protocol: 'tcp', port: 8080 },
      ],
    });
    assert.deepEqual(JSON.parse(before.get('/portclaims/layout/ports/tcp/08080').value), { scope: 'shop/eu', claim: 'web' });
    // A render of one scope rewrites that scope's key, its ports and the revision key: nothing else.
    await render({ template: 'x', claims: [{ claim: 'db', group: 'tcp', preferred_port: 5432 }, { claim: 'cache', group: 'tcp', preferred_port: 6379 }], store, scope: 'other' });
    const afterKeys = await rawKeys('layout');
    for (const key of ['/portclaims/layout/scopes/shop%2Feu', '/portclaims/layout/ports/tcp/08080', '/portclaims/layout/ports/udp/00053', '/portclaims/layout/ports/tcp/05432']) {
      assert.equal(afterKeys.get(key).mod, before.get(key).mod, `${key} was not rewritten`);
    }
    assert.ok(afterKeys.has('/portclaims/layout/ports/tcp/06379'));
  } finally {
    await store.close();
  }
});

test('8 processes × 200 claims through the CLI while the leader is killed (and stays down): no port twice, nothing lost', async (t) => {
  let killed;
  const { failures, kinds } = await concurrencyRun(t, cluster.url('cli'), {
    storeName: cluster.url('cli'),
    midway: async () => {
      killed = await cluster.leader();
      await killed.kill();
    },
  });
  assert.ok(killed, 'a leader was killed mid-run');
  const leader = await cluster.leader();
  assert.ok(leader && leader !== killed, 'the two members left elected another leader and served the rest of the run');
  t.diagnostic(`renders that failed cleanly and succeeded when run again: ${failures}`);
  for (const kind of kinds) t.diagnostic(kind);
  // Two of three members keep serving: a member stopped for good is not missed.
  const store = new EtcdStore(cluster.url('cli'));
  try {
    const r = await render({ template: 'x', claims: [{ claim: 'late', group: 'tcp' }], store, scope: 'after-the-fault' });
    assert.ok(r.claims.late > 0);
  } finally {
    await store.close();
  }
  await killed.start();
  await cluster.healthy();
});

test('a cluster that loses quorum mid-use: a one-line error naming the store within the timeout, nothing half-written', async (t) => {
  const dir = workspace(t, { 't.yaml': "a: {{ $portClaims['a'] }}\n", 'ports.json': [{ claim: 'a', group: 'tcp' }] });
  const url = `${cluster.url('quorum')}?timeout=2s`;
  const args = (scope) => ['render', 't.yaml', '--ports', 'ports.json', '--scope', scope, '--store', url];
  const ok = await run(args('before'), { cwd: dir });
  assert.equal(ok.code, 0, ok.stderr);
  const [first, second] = cluster.members.filter((m) => m.running());
  await first.stop();
  await second.stop();
  try {
    const started = Date.now();
    const failed = await run(args('during'), { cwd: dir });
    const elapsed = Date.now() - started;
    assert.equal(failed.code, 1, failed.stderr);
    assert.equal(errorLines(failed.stderr).length, 1, failed.stderr);
    assert.match(failed.stderr, /^error: etcd:\/\/127\.0\.0\.1:\d+.*\/quorum\?timeout=2s: cannot read the reservations: /);
    assert.ok(elapsed < 15_000, `a bounded wait, not a hang (${elapsed} ms)`);
  } finally {
    await first.start();
    await second.start();
    await cluster.healthy();
  }
  const listed = await run(['claims', 'list', '--store', url, '--json'], { cwd: dir });
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual(JSON.parse(listed.stdout).map((r) => r.scope), ['before'], 'the failed render left nothing');
  const retried = await run(args('during'), { cwd: dir });
  assert.equal(retried.code, 0, retried.stderr);
});

test('quorum lost between a render\'s load and its commit: the render fails cleanly, in bounded time, and a retry succeeds', async () => {
  const url = `${cluster.url('mid-render')}?timeout=2s`;
  const store = new EtcdStore(url);
  let stopped = [];
  try {
    const { failed, elapsed } = await faultBetweenLoadAndCommit(store, {
      storeName: url,
      fault: async () => {
        stopped = cluster.members.filter((m) => m.running()).slice(0, 2);
        await Promise.all(stopped.map((m) => m.stop()));
      },
      recover: async () => {
        await Promise.all(stopped.map((m) => m.start()));
        await cluster.healthy();
      },
    });
    assert.ok(failed, 'a commit without quorum cannot succeed');
    assert.ok(elapsed < 15_000, `bounded: ${elapsed} ms`);
  } finally {
    await store.close();
  }
});

test('a cluster with authentication: credentials from the URL or ETCDCTL_*, never printed', async (t) => {
  const secured = await startEtcdCluster({ size: 1 });
  t.after(() => secured.stop());
  const { Etcd3 } = await import('etcd3');
  const admin = new Etcd3({ hosts: secured.members[0].url });
  await admin.user('root').create('r00t-pw-Kx9');
  await admin.user('ci').create('ci-pw-Vb3');
  await admin.role('root').create();
  await admin.user('root').addRole('root');
  const role = await admin.role('portclaims').create();
  await role.grant({ permission: 'Readwrite', range: admin.range({ prefix: '/portclaims/' }) });
  await admin.user('ci').addRole('portclaims');
  await admin.auth.authEnable();
  admin.close();

  const dir = workspace(t, { 't.yaml': "a: {{ $portClaims['a'] }}\n", 'ports.json': [{ claim: 'a', group: 'tcp' }] });
  const endpoint = secured.members[0].endpoint;
  const args = (store, ...more) => ['render', 't.yaml', '--ports', 'ports.json', '--store', store, ...more];
  const good = await run(args(`etcd://ci:ci-pw-Vb3@${endpoint}/team`, '--scope', 'one'), { cwd: dir });
  assert.equal(good.code, 0, good.stderr);
  const fromEnv = await run(args(`etcd://${endpoint}/team`, '--scope', 'two', '--json'), { cwd: dir, env: { ETCDCTL_USER: 'ci', ETCDCTL_PASSWORD: 'ci-pw-Vb3' } });
  assert.equal(fromEnv.code, 0, fromEnv.stderr);
  assert.ok(!fromEnv.stdout.includes('ci-pw-Vb3'));
  const wrong = await run(args(`etcd://ci:wrong-pw-Qz1@${endpoint}/team`, '--json'), { cwd: dir });
  assert.equal(wrong.code, 1);
  assert.equal(wrong.stderr.trim(), `error: etcd://ci:***@${endpoint}/team: cannot read the reservations: authentication failed: the user name or password is wrong`);
  const anonymous = await run(args(`etcd://${endpoint}/team`), { cwd: dir });
  assert.equal(anonymous.code, 1);
  assert.equal(errorLines(anonymous.stderr).length, 1, anonymous.stderr);
  const listed = await run(['claims', 'list', '--store', `etcd://ci@${endpoint}/team`], { cwd: dir, env: { ETCDCTL_PASSWORD: 'ci-pw-Vb3' } });
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^SCOPE\s+CLAIM\s+GROUP\s+PORT\none\s+a\s+tcp\s+\d+\ntwo\s+a\s+tcp\s+\d+\n$/);
});

test('a render that needs more operations than the cluster allows in a transaction says so', async () => {
  const store = new EtcdStore(cluster.url('large'));
  try {
    const fits = Array.from({ length: 126 }, (_, i) => ({ claim: `c${i}`, group: 'tcp' }));
    assert.equal(Object.keys((await render({ template: 'x', claims: fits, store, scope: 'fits' })).claims).length, 126);
    const tooMany = Array.from({ length: 127 }, (_, i) => ({ claim: `c${i}`, group: 'tcp' }));
    await assert.rejects(render({ template: 'x', claims: tooMany, store, scope: 'too-many' }), (error) => {
      assert.equal(error.kind, 'store');
      assert.match(error.message, /^etcd:\/\/[^ ]+\/large: cannot commit: .*too many operations in txn request \(a render's reservations exceed the cluster's --max-txn-ops; raise it, or split the claims\)$/);
      return true;
    });
    assert.ok(!(await store.reservations()).some((r) => r.scope === 'too-many'), 'nothing half-written');
  } finally {
    await store.close();
  }
});

test('16,384 reservations: a whole group fills, and a render costs the same at the end as at the start', async (t) => {
  const store = new EtcdStore(cluster.url('scale'));
  try {
    const { early, late, ratio, profile } = await scaleCheck(store);
    t.diagnostic(`lower quartile of each eighth of the fill, ms: ${profile}`);
    assert.ok(ratio < 2.5, `per-render time (lower quartile), last 200 / first 200: ${ratio.toFixed(2)} (${early.toFixed(2)} ms → ${late.toFixed(2)} ms)`);
  } finally {
    await store.close();
  }
});
