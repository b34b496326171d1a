// PostgresStore against a real PostgreSQL server on loopback (Debian's postgresql), run as an
// unprivileged user in a temporary folder.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';

import { PostgresStore, render } from '../../js/node.js';
import { concurrencyRun, contractChecks, errorLines, faultBetweenLoadAndCommit, run, scaleCheck, workspace } from './helpers.mjs';
import { startPostgres } from './servers.mjs';

let server;
before(async () => {
  server = await startPostgres();
});
after(() => server?.remove());

const open = (name, options = {}) => new PostgresStore(server.url({ withPassword: true, store: name }), options);

async function sql(text, values = []) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: server.url({ withPassword: true }) });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

test('the store contract on PostgreSQL', (t) => contractChecks(t, open));

test('the table refuses a port held twice, whoever writes it; a render rewrites only its own scope', async () => {
  const store = open('layout');
  try {
    await render({ template: 'x', claims: [{ claim: 'web', group: 'http', preferred_port: 8080 }], store, scope: 'shop' });
    await render({ template: 'x', claims: [{ claim: 'dns', group: 'udp', preferred_port: 8080 }], store, scope: 'other' });
    const rows = await sql(`SELECT scope, claim, "group", protocol, port, xmin::text AS xmin FROM portclaims_reservations WHERE store = 'layout' ORDER BY scope`);
    assert.deepEqual(rows.rows.map(({ xmin, ...r }) => r), [
      { scope: 'other', claim: 'dns', group: 'udp', protocol: 'udp', port: 8080 },
      { scope: 'shop', claim: 'web', group: 'http', protocol: 'tcp', port: 8080 },
    ]);
    // A writer that is not portclaims cannot hold a port twice, nor a claim twice.
    await assert.rejects(
      sql(`INSERT INTO portclaims_reservations (store, scope, claim, "group", protocol, port) VALUES ('layout', 'intruder', 'x', 'tcp', 'tcp', 8080)`),
      (error) => error.code === '23505' && /portclaims_port_held_once/.test(error.message),
    );
    await assert.rejects(
      sql(`INSERT INTO portclaims_reservations (store, scope, claim, "group", protocol, port) VALUES ('layout', 'shop', 'web', 'tcp', 'tcp', 9999)`),
      (error) => error.code === '23505',
    );
    await assert.rejects(sql(`INSERT INTO portclaims_reservations VALUES ('layout', 'x', 'y', 'z', 'sctp', 1)`), (error) => error.code === '23514');
    // Another store in the same table may use the same port.
    await render({ template: 'x', claims: [{ claim: 'web', group: 'http', preferred_port: 8080 }], store: open('layout-2'), scope: 'shop' }).then(
      (r) => assert.equal(r.claims.web, 8080),
    );
    await render({ template: 'x', claims: [{ claim: 'web', group: 'http' }, { claim: 'api', group: 'tcp' }], store, scope: 'shop' });
    const afterRows = await sql(`SELECT scope, xmin::text AS xmin FROM portclaims_reservations WHERE store = 'layout' AND scope = 'other'`);
    assert.equal(afterRows.rows[0].xmin, rows.rows[0].xmin, 'the other scope\'s row was not rewritten');
    // A writer that is not portclaims is seen by the next load (a trigger marks its scope).
    await sql(`DELETE FROM portclaims_reservations WHERE store = 'layout' AND scope = 'other'`);
    const reloaded = await store.load();
    assert.ok(!reloaded.reservations.some((r) => r.scope === 'other'));
  } finally {
    await store.close();
  }
});

test('8 processes × 200 claims through the CLI while PostgreSQL stops and starts again: no port twice, nothing lost', async (t) => {
  let restarted = false;
  const url = server.url({ store: 'cli' });
  const { failures, kinds } = await concurrencyRun(t, url, {
    env: { PGPASSWORD: server.password },
    storeName: url,
    midway: async () => {
      await server.stop();
      await sleep(1500);
      await server.start();
      restarted = true;
    },
  });
  assert.ok(restarted);
  t.diagnostic(`renders that failed cleanly while the server was down, and succeeded when run again: ${failures}`);
  for (const kind of kinds) t.diagnostic(kind);
});

test('PostgreSQL stops between a render\'s load and its commit: the render fails cleanly, in bounded time, and a retry succeeds', async () => {
  const url = server.url({ withPassword: true, store: 'mid-render' });
  const store = new PostgresStore(`${url}&timeout=2s`);
  try {
    const { failed, elapsed } = await faultBetweenLoadAndCommit(store, {
      storeName: `${url.replace(server.password, '***')}&timeout=2s`,
      fault: () => server.stop(),
      recover: () => server.start(),
    });
    assert.ok(failed, 'a commit to a stopped server cannot succeed');
    assert.ok(elapsed < 15_000, `bounded: ${elapsed} ms`);
  } finally {
    await store.close();
  }
});

test('credentials from the URL or PGPASSWORD, never printed; an unreachable server is a bounded, one-line error', async (t) => {
  const dir = workspace(t, { 't.yaml': "a: {{ $portClaims['a'] }}\n", 'ports.json': [{ claim: 'a', group: 'tcp' }] });
  const args = (store, ...more) => ['render', 't.yaml', '--ports', 'ports.json', '--store', store, ...more];
  const withUrlPassword = await run(args(server.url({ withPassword: true, store: 'creds' }), '--scope', 'one', '--json'), { cwd: dir });
  assert.equal(withUrlPassword.code, 0, withUrlPassword.stderr);
  assert.ok(!withUrlPassword.stdout.includes(server.password));
  const fromEnv = await run(args(server.url({ store: 'creds' }), '--scope', 'two'), { cwd: dir, env: { PGPASSWORD: server.password } });
  assert.equal(fromEnv.code, 0, fromEnv.stderr);
  const wrongUrl = `postgres://portclaims:not-the-Pw9@127.0.0.1:${server.port}/portclaims?store=creds`;
  const wrong = await run(args(wrongUrl, '--json'), { cwd: dir });
  assert.equal(wrong.code, 1);
  assert.equal(
    wrong.stderr.trim(),
    `error: postgres://portclaims:***@127.0.0.1:${server.port}/portclaims?store=creds: cannot read the reservations: authentication failed: the user name or password is wrong`,
  );
  const wrongEnv = await run(['claims', 'list', '--store', server.url({ store: 'creds' })], { cwd: dir, env: { PGPASSWORD: 'env-secret-Hj5' } });
  assert.equal(wrongEnv.code, 1);
  assert.ok(!wrongEnv.stderr.includes('env-secret-Hj5'));
  assert.equal(errorLines(wrongEnv.stderr).length, 1, wrongEnv.stderr);
  const listed = await run(['claims', 'list', '--store', server.url({ store: 'creds' }), '--json'], { cwd: dir, env: { PGPASSWORD: server.password } });
  assert.deepEqual(JSON.parse(listed.stdout).map((r) => r.scope), ['one', 'two']);

  const { freePort } = await import('./servers.mjs');
  const nobody = `postgres://portclaims:pw-Lm2@127.0.0.1:${await freePort()}/portclaims?timeout=2s`;
  const started = Date.now();
  const unreachable = await run(args(nobody), { cwd: dir });
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, /^error: postgres:\/\/portclaims:\*\*\*@127\.0\.0\.1:\d+\/portclaims\?timeout=2s: cannot read the reservations: cannot reach the server \(connection refused/);
  assert.ok(Date.now() - started < 10_000);
});

test('16,384 reservations: a whole group fills, and a render costs the same at the end as at the start', async (t) => {
  const store = open('scale');
  try {
    const { early, late, ratio, profile } = await scaleCheck(store);
    t.diagnostic(`lower quartile of each eighth of the fill, ms: ${profile}`);
    assert.ok(ratio < 2.5, `per-render time (lower quartile), last 200 / first 200: ${ratio.toFixed(2)} (${early.toFixed(2)} ms → ${late.toFixed(2)} ms)`);
  } finally {
    await store.close();
  }
});
