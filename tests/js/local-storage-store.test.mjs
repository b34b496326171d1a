// The playground's store: an entry it cannot read is set aside, never a render that fails forever.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { LocalStorageStore, renderSync } from '../../js/node.js';

function storage(entries = {}) {
  const items = new Map(Object.entries(entries));
  return {
    items,
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => items.set(k, String(v)),
    removeItem: (k) => items.delete(k),
  };
}

const claims = [{ claim: 'web', group: 'http' }];

test('an unreadable entry is moved aside, reported once, and the store starts empty', () => {
  for (const text of ['{not json', 'null', '5', '{"reservations":[]}', '{"revision":"x","reservations":[]}', '{"revision":1,"reservations":{}}']) {
    const local = storage({ k: text });
    const heard = [];
    const store = new LocalStorageStore('k', local, { onUnreadable: (m) => heard.push(m) });
    const result = renderSync({ template: "port: {{ $portClaims['web'] }}", claims, store });
    assert.match(result.output, /^port: \d+$/, text);
    assert.equal(heard.length, 1, text);
    assert.match(heard[0], /k\.unreadable/);
    assert.equal(local.items.get('k.unreadable'), text, 'nothing is lost');
    const saved = JSON.parse(local.items.get('k'));
    assert.equal(saved.revision, 1);
    assert.deepEqual(saved.reservations.map((r) => r.claim), ['web']);
    renderSync({ template: "port: {{ $portClaims['web'] }}", claims, store });
    assert.equal(heard.length, 1, 'a readable entry is not reported');
  }
});

test('a save the browser refuses is an error of kind store', () => {
  const local = storage();
  local.setItem = () => {
    throw new Error('QuotaExceededError');
  };
  const store = new LocalStorageStore('k', local);
  assert.throws(() => renderSync({ template: "{{ $portClaims['web'] }}", claims, store }), (e) => e.kind === 'store' && /cannot save the reservations: QuotaExceededError/.test(e.message));
});

test('unreadable entries never overwrite one set aside before, and go even when no copy fits', () => {
  const local = storage({ k: 'first', 'k.unreadable': 'earlier' });
  const heard = [];
  const store = new LocalStorageStore('k', local, { onUnreadable: (m) => heard.push(m) });
  assert.deepEqual(store.load(), { revision: 0, reservations: [] });
  assert.equal(local.items.get('k.unreadable'), 'earlier');
  assert.equal(local.items.get('k.unreadable.2'), 'first');
  const full = storage({ k: 'garbage' });
  full.setItem = (key) => {
    throw new Error(`QuotaExceededError: ${key}`);
  };
  const cramped = new LocalStorageStore('k', full, { onUnreadable: (m) => heard.push(m) });
  assert.deepEqual(cramped.reservations(), []);
  assert.equal(full.items.has('k'), false);
  assert.match(heard.at(-1), /removed \(no room to keep a copy\)/);
});
