// The CLI's store plumbing against real servers: --store and PORTCLAIMS_STORE on every command
// that reads or writes reservations, `store init`, `store migrate`, and the messages.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { openStore } from '../../js/node.js';
import { ROOT } from '../cli/helpers.mjs';
import { errorLines, run, workspace } from './helpers.mjs';
import { startEtcdCluster, startPostgres } from './servers.mjs';

let etcd;
let pg;
before(async () => {
  [etcd, pg] = await Promise.all([startEtcdCluster({ size: 1 }), startPostgres()]);
});
after(() => Promise.all([etcd?.stop(), pg?.remove()]));

const folder = (t) =>
  workspace(t, {
    'tpl/.kublade/ports.json': [{ claim: 'web', group: 'http' }, { claim: 'dns', group: 'udp' }],
    'tpl/svc.yaml': "web: {{ $portClaims['web'] }}\ndns: {{ $portClaims['dns'] }}\n",
    'ports-web.json': [{ claim: 'web', group: 'http' }],
  });

for (const kind of ['etcd', 'postgres']) {
  const urlOf = (name) => (kind === 'etcd' ? etcd.url(name) : pg.url({ store: name }));
  const env = () => (kind === 'etcd' ? {} : { PGPASSWORD: pg.password });

  test(`${kind}: render, check and claims list|release|prune through --store and PORTCLAIMS_STORE`, async (t) => {
    const dir = folder(t);
    const url = urlOf('every-command');
    const rendered = await run(['render', 'tpl', '--scope', 'shop', '--store', url, '--json'], { cwd: dir, env: env() });
    assert.equal(rendered.code, 0, rendered.stderr);
    const { claims } = JSON.parse(rendered.stdout);
    const again = await run(['render', 'tpl', '--scope', 'shop', '--json'], { cwd: dir, env: { ...env(), PORTCLAIMS_STORE: url } });
    assert.deepEqual(JSON.parse(again.stdout).claims, claims, 'PORTCLAIMS_STORE names the same store: the same ports');
    const checked = await run(['check', 'tpl', '--scope', 'other', '--store', url, '--json'], { cwd: dir, env: env() });
    assert.equal(checked.code, 0, checked.stderr);
    const listed = await run(['claims', 'list', '--store', url], { cwd: dir, env: env() });
    assert.equal(listed.stdout, `SCOPE  CLAIM  GROUP  PORT\nshop   dns    udp    ${claims.dns}\nshop   web    http   ${claims.web}\n`, 'check reserved nothing');
    const pruned = await run(['claims', 'prune', '--ports', 'ports-web.json', '--scope', 'shop', '--json'], { cwd: dir, env: { ...env(), PORTCLAIMS_STORE: url } });
    assert.deepEqual(JSON.parse(pruned.stdout).map((r) => r.claim), ['dns']);
    const released = await run(['claims', 'release', '--scope', 'shop', '--claim', 'web', '--store', url, '--json'], { cwd: dir, env: env() });
    assert.deepEqual(JSON.parse(released.stdout), [{ scope: 'shop', claim: 'web', group: 'http', port: claims.web }]);
    const empty = await run(['claims', 'list', '--store', url], { cwd: dir, env: env() });
    assert.equal(empty.stderr, `no reservations in ${url}\n`);
    // The lock file stays the default, and was never written.
    const local = await run(['claims', 'list'], { cwd: dir });
    assert.match(local.stderr, /portclaims\.lock\.json does not exist yet/);
  });

  test(`${kind}: store migrate copies a lock file over, refusing conflicts and copying nothing then`, async (t) => {
    const dir = folder(t);
    const url = urlOf('migrated');
    for (const scope of ['a', 'b', 'c']) {
      const r = await run(['render', 'tpl', '--scope', scope], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
    }
    const lock = JSON.parse(readFileSync(join(dir, 'portclaims.lock.json'), 'utf8')).reservations;
    const pick = (scope, claim) => lock.find((r) => r.scope === scope && r.claim === claim);
    // The target already holds a/web identically, and b/web's TCP port under another claim.
    const target = openStore(kind === 'etcd' ? url : pg.url({ withPassword: true, store: 'migrated' }));
    t.after(() => target.close());
    const snapshot = await target.load();
    const intruder = { scope: 'z', claim: 'other', group: 'tcp', port: pick('b', 'web').port };
    assert.notEqual(await target.commit({ baseRevision: snapshot.revision, put: [pick('a', 'web'), intruder], delete: [] }), false);

    const migrate = (...more) => run(['store', 'migrate', '--from', 'portclaims.lock.json', '--to', url, ...more], { cwd: dir, env: env() });
    const refused = await migrate();
    assert.equal(refused.code, 1);
    assert.equal(
      errorLines(refused.stderr)[0],
      `error: cannot migrate to ${url}: TCP port ${intruder.port} of scope "b" claim "web" is held there by scope "z" claim "other"; nothing was copied`,
    );
    const list = async () => JSON.parse((await run(['claims', 'list', '--store', url, '--json'], { cwd: dir, env: env() })).stdout);
    assert.equal((await list()).length, 2, 'nothing was copied');

    const freed = await run(['claims', 'release', '--scope', 'z', '--store', url], { cwd: dir, env: env() });
    assert.equal(freed.code, 0, freed.stderr);
    const copied = await migrate('--json');
    assert.equal(copied.code, 0, copied.stderr);
    assert.deepEqual(JSON.parse(copied.stdout), { from: 'portclaims.lock.json', to: url, copied: 5, alreadyPresent: 1 });
    assert.deepEqual(await list(), lock);
    const rerun = await migrate();
    assert.equal(rerun.stderr, `copied 0 reservations from portclaims.lock.json to ${url} (6 already there)\n`);
  });

  test(`${kind}: store init`, async (t) => {
    const dir = folder(t);
    const url = urlOf('initialised');
    const r = await run(['store', 'init', '--store', url], { cwd: dir, env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `${url}: ready\n`);
  });
}

test('the clients are optional: naming a store whose client is missing says what to install', async (t) => {
  // The package as a user installs it, without the optional etcd3 and pg.
  const root = mkdtempSync(join(tmpdir(), 'portclaims-bare-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const pkg = join(root, 'node_modules', 'portclaims');
  mkdirSync(join(pkg, 'pkg'), { recursive: true });
  for (const entry of ['bin', 'js', 'package.json']) cpSync(join(ROOT, entry), join(pkg, entry), { recursive: true });
  for (const file of ['portclaims.js', 'portclaims_bg.wasm']) cpSync(join(ROOT, 'pkg', file), join(pkg, 'pkg', file));
  // The package's own dependencies (none of which has dependencies of its own), and nothing else.
  const { dependencies } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  for (const dependency of Object.keys(dependencies)) {
    symlinkSync(join(ROOT, 'node_modules', dependency), join(root, 'node_modules', dependency));
  }
  const dir = folder(t);
  const bin = join(pkg, 'bin', 'portclaims.cjs');
  const { spawnSync } = await import('node:child_process');
  const cli = (...args) => spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const lock = cli('render', 'tpl', '--scope', 'x');
  assert.equal(lock.status, 0, `the lock file needs neither: ${lock.stderr}`);
  const withEtcd = cli('render', 'tpl', '--store', 'etcd://127.0.0.1:2379/team');
  assert.equal(withEtcd.status, 1);
  assert.equal(withEtcd.stderr, 'error: etcd://127.0.0.1:2379/team: this store needs the npm package "etcd3", which is not installed: run `npm install etcd3`\n');
  const withPg = cli('claims', 'list', '--store', 'postgres://u:secret-Pw4@127.0.0.1/db');
  assert.equal(withPg.status, 1);
  assert.equal(withPg.stderr, 'error: postgres://u:***@127.0.0.1/db: this store needs the npm package "pg", which is not installed: run `npm install pg`\n');
});

test('store URLs that cannot be used are one-line errors, without their passwords', async (t) => {
  const dir = folder(t);
  const cases = [
    [['render', 'tpl', '--store', 'redis://u:hunter2-Xy@host/x'], /^error: redis:\/\/u:\*\*\*@host\/x: unknown kind of store "redis:\/\/"; use etcd:\/\/host:2379\/name, postgres:\/\/user@host:5432\/database or a lock file path$/],
    [['claims', 'list', '--store', 'etcd://u:hunter2-Xy@host/x'], /^error: etcd:\/\/u:\*\*\*@host\/x: member "host" must be host:port, e.g. 127\.0\.0\.1:2379$/],
    [['render', 'tpl', '--store', 'etcd://h:1/a/b'], /store name "a\/b" must be letters, digits/],
    [['render', 'tpl', '--store', 'etcd://h:1/x?timeout=forever'], /timeout must be a duration from 1ms to 600s such as 10s or 500ms, got "forever"/],
    [['render', 'tpl', '--store', 'etcd://h:1/x', '--lock', 'a.json'], /^error: give the store once: --store and --lock both name one/],
    [['render', 'tpl', '--lock', 'postgres://u:hunter2-Xy@h/db'], /^error: --lock takes a file; give a store URL with --store postgres:\/\/u:\*\*\*@h\/db$/],
  ];
  for (const [args, expected] of cases) {
    const r = await run(args, { cwd: dir });
    assert.ok(r.code === 1 || r.code === 2, `${args.join(' ')}: ${r.code}`);
    assert.match(errorLines(r.stderr)[0] ?? '', expected);
    assert.ok(!r.stderr.includes('hunter2'), r.stderr);
  }
});

test('help texts name --store on every command that reads or writes reservations', async () => {
  for (const command of [['render'], ['check'], ['claims', 'list'], ['claims', 'release'], ['claims', 'prune'], ['store', 'init']]) {
    const r = await run([...command, '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--store URL\|FILE/, command.join(' '));
  }
  const store = await run(['help', 'store']);
  assert.match(store.stdout, /etcd:\/\/\[USER\[:PASSWORD\]@\]HOST:2379/);
  assert.match(store.stdout, /PGPASSWORD/);
  const migrate = await run(['store', 'migrate', '--help']);
  assert.match(migrate.stdout, /--from URL\|FILE/);
});
