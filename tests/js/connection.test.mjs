// The one client a shared store (etcd, PostgreSQL) holds: opened once for the calls that need it
// at the same time, opened again after it is let go of or after an opening failed.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Connection } from '../../js/stores/client.js';

test('calls that need the client while it opens share one opening', async () => {
  let opened = 0;
  const connection = new Connection(async () => {
    opened += 1;
    await new Promise((resolve) => setTimeout(resolve, 10));
    return { id: opened };
  });
  const clients = await Promise.all([connection.get(), connection.get(), connection.get()]);
  assert.equal(opened, 1);
  assert.ok(clients.every((client) => client === clients[0]));
  assert.equal(await connection.get(), clients[0]);
});

test('a client let go of is opened again on next use; letting go of another client changes nothing', async () => {
  let opened = 0;
  const connection = new Connection(async () => ({ id: ++opened }));
  const first = await connection.get();
  assert.equal(connection.drop({ id: 'stale' }), null);
  assert.equal(await connection.get(), first);
  assert.equal(connection.drop(first), first);
  assert.equal(connection.drop(), null);
  const second = await connection.get();
  assert.notEqual(second, first);
  assert.equal(connection.drop(), second);
});

test('a failed opening fails every call waiting for it, and the next call tries again', async () => {
  let attempts = 0;
  const connection = new Connection(async () => {
    attempts += 1;
    if (attempts === 1) throw new Error('refused');
    return { attempts };
  });
  const failed = await Promise.allSettled([connection.get(), connection.get()]);
  assert.deepEqual(failed.map((r) => r.status), ['rejected', 'rejected']);
  assert.equal(attempts, 1);
  assert.deepEqual(await connection.get(), { attempts: 2 });
});
