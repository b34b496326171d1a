// How the engine calls a host's store: renderSync never starts a commit it cannot finish, store
// calls that never answer time out, and refused commits back off before they are retried.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { LockFileStore, MemoryStore, render, renderFolder, renderSync } from '../../js/node.js';

const web = [{ claim: 'web', group: 'tcp' }];
const template = "port: {{ $portClaims['web'] }}\n";

/** Fails the test if a promise rejection goes unhandled while `body` runs (and shortly after). */
async function noUnhandledRejection(body) {
  const unhandled = [];
  const listen = (reason) => unhandled.push(reason);
  process.on('unhandledRejection', listen);
  try {
    await body();
    await sleep(300);
  } finally {
    process.off('unhandledRejection', listen);
  }
  assert.deepEqual(unhandled, [], 'no unhandled rejection');
}

test('renderSync refuses an asynchronous store before anything is committed', async () => {
  await noUnhandledRejection(async () => {
    const memory = new MemoryStore();
    let commits = 0;
    const later = async (value) => (await sleep(20), value);
    const asyncStore = { load: () => later(memory.load()), commit: (c) => (commits++, later(memory.commit(c))) };
    assert.throws(() => renderSync({ template, claims: web, store: asyncStore }), (e) => e.kind === 'store' && /renderSync\(\) needs a synchronous store/.test(e.message));

    const asyncCommit = { load: () => memory.load(), commit: async (c) => (commits++, await sleep(20), memory.commit(c)) };
    assert.throws(() => renderSync({ template, claims: web, store: asyncCommit }), /this store's commit\(\) answers with a promise/);
    await sleep(300);
    assert.equal(commits, 0, 'commit() was never called');
    assert.deepEqual(memory.reservations(), []);
    // A dry run commits nothing, so it needs no synchronous commit.
    assert.equal(renderSync({ template, claims: web, store: asyncCommit, dryRun: true }).allocated.length, 1);
  });
});

test("renderSync with a lock file (whose commit is asynchronous) refuses and leaves the file alone", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'portclaims-sync-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'portclaims.lock.json');
  await noUnhandledRejection(async () => {
    assert.throws(() => renderSync({ template, claims: web, store: new LockFileStore(path) }), /renderSync\(\) needs a synchronous store/);
    await sleep(300);
    assert.equal(existsSync(path), false, 'no lock file written');
  });
});

test('a commit that answers renderSync with a failing promise is no unhandled rejection, and the store is refused from then on', async () => {
  await noUnhandledRejection(async () => {
    const memory = new MemoryStore();
    let commits = 0;
    // Not an `async` function: only its answer shows that it is asynchronous.
    const store = { load: () => memory.load(), commit: () => (commits++, Promise.reject(new Error('the database is gone'))) };
    assert.throws(() => renderSync({ template, claims: web, store }), /renderSync\(\) needs a synchronous store/);
    assert.throws(() => renderSync({ template, claims: web, store }), /renderSync\(\) needs a synchronous store/);
    assert.equal(commits, 1, 'the second render refused before calling commit()');
  });
});

test('a commit that answers renderSync with a promise has run: the error says the change may be stored', async () => {
  await noUnhandledRejection(async () => {
    const inner = new MemoryStore();
    // Not an `async` function: nothing tells before the call that it answers later.
    const store = { load: () => inner.load(), commit: (c) => Promise.resolve(inner.commit(c)) };
    assert.throws(() => renderSync({ template, claims: web, store }), (e) => {
      assert.equal(e.kind, 'store');
      assert.equal(e.commitUnknown, true);
      assert.match(e.message, /commit\(\) answered with a promise: the change may have been stored all the same/);
      return true;
    });
    // It was: the error did not claim otherwise.
    assert.equal(inner.reservations().length, 1);
    // Refused before the call from then on, and then nothing is stored.
    assert.throws(() => renderSync({ template, claims: [...web, { claim: 'api', group: 'tcp' }], store }), (e) => e.commitUnknown === undefined && /commit\(\) answers with a promise; use render\(\)/.test(e.message));
    assert.equal(inner.reservations().length, 1);
  });
});

test('render gives up on a store whose load() never answers, saying so', async () => {
  const store = { load: () => new Promise(() => {}), commit: () => true };
  const started = Date.now();
  await assert.rejects(render({ template, claims: web, store, storeTimeoutMs: 100 }), (e) => {
    assert.equal(e.kind, 'store');
    assert.equal(e.message, "the reservation store's load() did not answer within 100 ms (storeTimeoutMs)");
    return true;
  });
  assert.ok(Date.now() - started < 2000);
});

test('a commit that times out is not taken as done: the next render commits again', async () => {
  await noUnhandledRejection(async () => {
    const memory = new MemoryStore();
    let hang = true;
    const store = {
      load: () => memory.load(),
      // The first commit never answers; a late failure of it must not surface either.
      commit: (c) => (hang ? ((hang = false), new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 200))) : memory.commit(c)),
    };
    await assert.rejects(render({ template, claims: web, store, storeTimeoutMs: 50, seed: 1 }), (e) => {
      assert.equal(e.kind, 'store');
      assert.match(e.message, /^the reservation store's commit\(\) did not answer within 50 ms; the change may or may not have been stored/);
      return true;
    });
    assert.deepEqual(memory.reservations(), []);
    const again = await render({ template, claims: web, store, storeTimeoutMs: 50, seed: 1 });
    assert.equal(again.allocated.length, 1, 'the claim is still to be reserved');
    assert.deepEqual(memory.reservations(), again.allocated);
  });
});

test('renderFolder takes storeTimeoutMs too', async () => {
  const store = { load: () => new Promise(() => {}), commit: () => true };
  await assert.rejects(
    renderFolder({ files: [{ path: 'a.yaml', template }], claims: web, store, storeTimeoutMs: 50 }),
    (e) => e.kind === 'store' && /load\(\) did not answer within 50 ms/.test(e.message),
  );
});

test('storeTimeoutMs must be a positive number of milliseconds', async () => {
  const store = new MemoryStore();
  for (const bad of [0, -1, Number.NaN, '1000', null]) {
    await assert.rejects(render({ template, claims: web, store, storeTimeoutMs: bad }), (e) => e.kind === 'config' && e.field === 'storeTimeoutMs', String(bad));
  }
  assert.equal((await render({ template, claims: web, store, storeTimeoutMs: Infinity })).allocated.length, 1);
});

test('renders racing on one store all succeed: refused commits back off and retry', async () => {
  // Every commit takes a moment, as a database's does; the store refuses one whose base
  // revision is stale. All renders load at once, so each round only one commit can win.
  const memory = new MemoryStore();
  let refused = 0;
  const store = {
    load: () => memory.load(),
    commit: async (c) => {
      await sleep(2);
      const committed = memory.commit(c);
      if (committed === false) refused++;
      return committed;
    },
  };
  const renders = Array.from({ length: 16 }, (_, i) => render({ template, claims: web, store, scope: `s${i}` }));
  const results = await Promise.all(renders);
  const ports = results.map((r) => r.claims.web);
  assert.equal(new Set(ports).size, 16, 'no port twice');
  assert.equal(memory.reservations().length, 16);
  assert.ok(refused > 0, 'the renders did collide');
});

test('a render without contention does not pause: its only timers are the store calls\' timeouts', async () => {
  const memory = new MemoryStore();
  const store = { load: async () => memory.load(), commit: async (c) => memory.commit(c) };
  const delays = [];
  const original = globalThis.setTimeout;
  globalThis.setTimeout = (f, ms, ...rest) => (delays.push(ms), original(f, ms, ...rest));
  try {
    await render({ template, claims: web, store });
    await render({ template, claims: web, store: memory, scope: 'other' });
  } finally {
    globalThis.setTimeout = original;
  }
  assert.deepEqual(delays, [60_000, 60_000], 'one per call of the asynchronous store, none for the synchronous one');
});
