// Shared by the store tests: the same contract, concurrency and scale checks against etcd and
// PostgreSQL, each started for real by the test file (servers.mjs).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import { render } from '../../js/node.js';
import { errorLines, run, workspace } from '../cli/helpers.mjs';

export { errorLines, run, workspace };

/** `inner` with a count of how often the engine reads a snapshot's reservations (rebuilds its index). */
export function counting(inner) {
  const counts = { loads: 0, reads: 0, commits: [], loadMs: [], commitMs: [] };
  const store = {
    counts,
    async load() {
      counts.loads++;
      const started = performance.now();
      const snapshot = await inner.load();
      counts.loadMs.push(performance.now() - started);
      return {
        revision: snapshot.revision,
        get reservations() {
          counts.reads++;
          return snapshot.reservations;
        },
      };
    },
    async commit(change) {
      const started = performance.now();
      const answer = await inner.commit(change);
      counts.commitMs.push(performance.now() - started);
      counts.commits.push(answer);
      return answer;
    },
  };
  return store;
}

const oneClaim = (claim, group) => ({ template: `${claim}: {{ $portClaims['${claim}'] }}`, claims: [{ claim, group }] });

/**
 * The store contract and its guarantees, against two independent store objects on one store
 * (as two processes would have): `open(name, options)` returns a new one on the store `name`.
 */
export async function contractChecks(t, open) {
  const a = open('contract');
  const b = open('contract');
  t.after(() => Promise.all([a.close(), b.close()]));

  await t.test('ports are unique per protocol across scopes and groups: http and tcp share TCP, udp has its own', async () => {
    const groups = { web: { ranges: ['30000-30001'], protocol: 'tcp' }, dns: { ranges: ['30000-30001'], protocol: 'udp' }, tcp: { ranges: ['30000-30001'] } };
    const sa = open('protocols', { groups });
    const sb = open('protocols', { groups });
    try {
      const x = await render({ ...oneClaim('w', 'web'), store: sa, groups, scope: 'p1', seed: 1 });
      const y = await render({ ...oneClaim('t', 'tcp'), store: sb, groups, scope: 'p2', seed: 1 });
      assert.notEqual(x.claims.w, y.claims.t, 'a web and a tcp claim never share a TCP port');
      const z = await render({ ...oneClaim('d', 'dns'), store: sa, groups, scope: 'p3', claims: [{ claim: 'd', group: 'dns', preferred_port: x.claims.w }] });
      assert.equal(z.claims.d, x.claims.w, 'UDP may use the port TCP uses');
      await assert.rejects(
        render({ ...oneClaim('t2', 'tcp'), store: sb, groups, scope: 'p4' }),
        /no free port/,
        'both TCP ports are held: a third TCP claim finds none',
      );
      // A commit that takes a held port is refused by the database, whatever the engine thinks.
      const snapshot = await sb.load();
      const taken = await sb.commit({ baseRevision: snapshot.revision, put: [{ scope: 'p5', claim: 'x', group: 'tcp', port: y.claims.t }], delete: [] });
      assert.equal(taken, false, 'a port held by another scope is refused');
    } finally {
      await Promise.all([sa.close(), sb.close()]);
    }
  });

  await t.test('the engine keeps its index while nothing else changed, and rebuilds it when something did', async () => {
    const store = counting(a);
    for (let i = 0; i < 20; i++) await render({ ...oneClaim('web', 'tcp'), store, scope: `keep-${i}` });
    const first = store.counts.reads;
    for (let i = 20; i < 60; i++) await render({ ...oneClaim('web', 'tcp'), store, scope: `keep-${i}` });
    assert.equal(store.counts.reads, first, '40 more renders, no other writer: the index was never rebuilt');
    assert.ok(store.counts.commits.slice(-40).every((c) => typeof c === 'string'), 'each commit gave its new revision');
    // Another writer (another process) commits: the next render sees it.
    const other = await render({ ...oneClaim('web', 'tcp'), store: b, scope: 'other-writer' });
    const again = await render({ template: 'x', claims: [{ claim: 'web', group: 'tcp', preferred_port: other.claims.web, random: true }], store, scope: 'after-other' });
    assert.equal(store.counts.reads, first + 1, 'the index was rebuilt once');
    assert.notEqual(again.claims.web, other.claims.web, 'and knew the port the other writer took');
  });

  await t.test('different scopes never refuse each other; the same scope does; a stale index is never kept', async () => {
    const put = (scope, claim, port) => [{ scope, claim, group: 'tcp', port }];
    const snapshotA = await a.load();
    const snapshotB = await b.load();
    const committedB = await b.commit({ baseRevision: snapshotB.revision, put: put('race-y', 'c', 40001), delete: [] });
    assert.equal(typeof committedB, 'string', 'B was alone since its snapshot: a new revision');
    const committedA = await a.commit({ baseRevision: snapshotA.revision, put: put('race-z', 'c', 40002), delete: [] });
    assert.notEqual(committedA, false, 'A changed another scope than B, overlapping in time: accepted');
    const next = await a.load();
    assert.notEqual(next.revision, committedA, 'B committed after A\'s snapshot: the revision A got cannot describe the store now');
    assert.ok(next.reservations.some((r) => r.scope === 'race-y'), 'and the next load shows B\'s reservation');

    const sameA = await a.load();
    const sameB = await b.load();
    assert.notEqual(await b.commit({ baseRevision: sameB.revision, put: put('race-w', 'one', 40003), delete: [] }), false);
    assert.equal(await a.commit({ baseRevision: sameA.revision, put: put('race-w', 'two', 40004), delete: [] }), false, 'the same scope changed since A\'s snapshot: refused');
    assert.equal(await a.commit({ baseRevision: sameA.revision, put: put('race-v', 'one', 40003), delete: [] }), false, 'a port taken since A\'s snapshot: refused');
    const final = (await b.reservations()).filter((r) => r.scope.startsWith('race-'));
    assert.deepEqual(
      final.map((r) => `${r.scope}/${r.claim}/${r.port}`),
      ['race-w/one/40003', 'race-y/c/40001', 'race-z/c/40002'],
    );
  });

  await t.test('a render changes only its own scope: release, prune and a moved claim', async () => {
    const claims = [{ claim: 'api', group: 'tcp' }, { claim: 'ui', group: 'http' }];
    const first = await render({ template: 'x', claims, store: a, scope: 'own' });
    await render({ template: 'x', claims, store: b, scope: 'neighbour' });
    const before = (await b.reservations()).filter((r) => r.scope === 'neighbour');
    // The claim moves from http to tcp: its old port is released in the same commit.
    const moved = await render({ template: 'x', claims: [{ claim: 'api', group: 'tcp' }, { claim: 'ui', group: 'tcp' }], store: b, scope: 'own' });
    assert.equal(moved.claims.api, first.claims.api);
    assert.deepEqual(moved.released.map((r) => [r.claim, r.group, r.port]), [['ui', 'http', first.claims.ui]]);
    const { release } = await import('../../js/node.js');
    const pruned = await release({ scope: 'own', claims: [{ claim: 'api', group: 'tcp' }], store: a });
    assert.deepEqual(pruned.released.map((r) => r.claim), ['ui']);
    const after = await a.reservations();
    assert.deepEqual(after.filter((r) => r.scope === 'neighbour'), before, 'the neighbour is untouched');
    assert.deepEqual(after.filter((r) => r.scope === 'own').map((r) => r.claim), ['api']);
    // The freed ports are free again: a claim that prefers them gets them.
    const reuse = await render({ template: 'x', claims: [{ claim: 'again', group: 'http', preferred_port: first.claims.ui }], store: b, scope: 'reuse' });
    assert.equal(reuse.claims.again, first.claims.ui);
    await release({ scope: 'own', store: b });
    assert.ok(!(await a.load()).reservations.some((r) => r.scope === 'own'), 'a released scope holds nothing');
  });
}

/**
 * Fills the 16,384 ports of group tcp (49152-65535) through `store`, 16 claims per render, each
 * render a scope of its own, and checks that a render costs the same at the end as at the start.
 */
export async function scaleCheck(store) {
  const counted = counting(store);
  const claims = Array.from({ length: 16 }, (_, i) => ({ claim: `p${i}`, group: 'tcp' }));
  const times = [];
  for (let i = 0; i < 16384 / 16; i++) {
    const started = performance.now();
    await render({ template: 'x', claims, store: counted, scope: `fill-${i}` });
    times.push(performance.now() - started);
  }
  await assert.rejects(render({ template: 'x', claims: [{ claim: 'one-more', group: 'tcp' }], store: counted, scope: 'full' }), /no free port/);
  const all = await store.reservations();
  assert.equal(all.length, 16384);
  assert.equal(new Set(all.map((r) => r.port)).size, 16384, 'every port once');
  assert.equal(counted.counts.reads, 1, 'the engine read the reservations once, at the start: its index was kept all along');
  // The lower quartile: a machine busy with something else only ever makes renders slower, and
  // for a second or two at a time; what the store itself costs shows in the fastest renders.
  const quartile = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 4)];
  // Past the first renders (code still being compiled), the first and the last 200 renders.
  const early = quartile(times.slice(50, 250));
  const late = quartile(times.slice(-200));
  const phases = (xs) => Array.from({ length: 8 }, (_, i) => quartile(xs.slice(i * 128, (i + 1) * 128)).toFixed(2)).join(' ');
  const profile = `render ${phases(times)} | load ${phases(counted.counts.loadMs)} | commit ${phases(counted.counts.commitMs)}`;
  return { early, late, ratio: late / early, profile };
}

/**
 * 8 processes at once, each running 25 `portclaims render`s of its own scopes (8 TCP and 8 UDP
 * claims each: 200 claims per process), plus 3 processes racing on one scope, against `url`.
 * A render that fails must fail cleanly (exit 1, one line naming the store) and succeed when
 * run again. `midway()` runs once a third of the renders are done (a fault to survive).
 */
export async function concurrencyRun(t, url, { env = {}, midway = async () => {}, storeName, retryForMs = 60_000 } = {}) {
  const claims = [
    ...Array.from({ length: 8 }, (_, i) => ({ claim: `t${i}`, group: 'tcp' })),
    ...Array.from({ length: 8 }, (_, i) => ({ claim: `u${i}`, group: 'udp' })),
  ];
  const dir = workspace(t, {
    't.yaml': claims.map((c) => `${c.claim}: {{ $portClaims['${c.claim}'] }}`).join('\n') + '\n',
    'ports.json': claims,
    // 4,000 ports per protocol for 1,600 claims: draws collide, and commits race for ports.
    'groups.json': { tcp: { ranges: ['20000-23999'] }, udp: { ranges: ['20000-23999'] } },
  });
  const renderArgs = (scope) => ['render', 't.yaml', '--ports', 'ports.json', '--groups', 'groups.json', '--scope', scope, '--store', url, '--json'];
  const failures = [];
  let done = 0;
  let triggered = null;
  const printed = new Map();
  const renderUntilDone = async (scope) => {
    const deadline = Date.now() + retryForMs;
    for (;;) {
      const r = await run(renderArgs(scope), { cwd: dir, env });
      if (r.code === 0) {
        printed.set(scope, JSON.parse(r.stdout).claims);
        return JSON.parse(r.stdout).claims;
      }
      failures.push({ scope, code: r.code, stderr: r.stderr });
      if (Date.now() > deadline) throw new Error(`${scope} kept failing: ${r.stderr}`);
      await sleep(200);
    }
  };
  const lanes = Array.from({ length: 8 }, async (_, lane) => {
    for (let i = 0; i < 25; i++) {
      await renderUntilDone(`lane${lane}-scope${i}`);
      done++;
      if (done === 66 && !triggered) triggered = midway();
    }
  });
  const racers = Array.from({ length: 3 }, () => renderUntilDone('shared'));
  await Promise.all([...lanes, ...racers]);
  await triggered;

  for (const f of failures) {
    const lines = f.stderr.trim().split('\n');
    assert.equal(f.code, 1, `a failed render exits 1: ${f.stderr}`);
    assert.equal(errorLines(f.stderr).length, 1, `one error line: ${f.stderr}`);
    assert.ok(lines[0].includes(storeName), `the error names the store: ${f.stderr}`);
    assert.ok(!/\n\s+at /.test(f.stderr), `no stack trace: ${f.stderr}`);
  }
  const listed = await run(['claims', 'list', '--store', url, '--json'], { cwd: dir, env });
  assert.equal(listed.code, 0, listed.stderr);
  const reservations = JSON.parse(listed.stdout);
  for (const protocol of ['t', 'u']) {
    const ports = reservations.filter((r) => r.claim.startsWith(protocol) && r.scope.startsWith('lane')).map((r) => r.port);
    assert.equal(ports.length, 1600, `1,600 ${protocol === 't' ? 'TCP' : 'UDP'} claims of the 200 scopes`);
    assert.equal(new Set(ports).size, 1600, `1,600 distinct ${protocol === 't' ? 'TCP' : 'UDP'} ports`);
    assert.ok(ports.every((p) => p >= 20000 && p <= 23999));
  }
  for (const [scope, ports] of printed) {
    const held = Object.fromEntries(reservations.filter((r) => r.scope === scope).map((r) => [r.claim, r.port]));
    assert.deepEqual(held, ports, `what ${scope}'s render printed is what the store holds: nothing lost`);
  }
  const shared = await Promise.all(racers);
  assert.deepEqual(shared[1], shared[0], 'the racing renders of one scope agree on its ports');
  assert.deepEqual(shared[2], shared[0]);
  const kinds = [...new Set(failures.map((f) => errorLines(f.stderr)[0].replace(/\d+/g, 'N')))];
  return { failures: failures.length, kinds };
}

/**
 * A render whose store fails between its load and its commit (`fault()`), then recovers
 * (`recover()`): the render fails with one line naming the store, and leaves nothing behind.
 */
export async function faultBetweenLoadAndCommit(store, { fault, recover, storeName }) {
  let struck = false;
  const faulty = {
    async load() {
      const snapshot = await store.load();
      if (!struck) {
        struck = true;
        // The engine reads the snapshot first: the fault strikes before it commits.
        void snapshot.reservations;
        await fault();
      }
      return snapshot;
    },
    commit: (change) => store.commit(change),
  };
  const claims = [{ claim: 'a', group: 'tcp' }, { claim: 'b', group: 'udp' }];
  const started = Date.now();
  const error = await render({ template: 'x', claims, store: faulty, scope: 'mid-render' }).then(
    () => null,
    (e) => e,
  );
  const elapsed = Date.now() - started;
  await recover();
  if (error) {
    assert.equal(error.kind, 'store', error.stack);
    assert.ok(error.message.startsWith(`${storeName}: `), error.message);
    assert.ok(!error.message.includes('\n'), error.message);
  }
  const held = (await store.reservations()).filter((r) => r.scope === 'mid-render');
  assert.ok(held.length === 0 || held.length === 2, `all or nothing: ${JSON.stringify(held)}`);
  const again = await render({ template: 'x', claims, store, scope: 'mid-render' });
  if (held.length === 2) assert.deepEqual(again.claims, Object.fromEntries(held.map((r) => [r.claim, r.port])));
  return { failed: Boolean(error), elapsed };
}
