// One order for reservations, the core's: by scope, then claim, by code point (Rust compares
// UTF-8 bytes). JS's `<` compares UTF-16 units and puts 😀 (U+1F600, a surrogate pair) before
// ～ (U+FF5E); every store and listing must not.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { LocalStorageStore, LockFileStore, MemoryStore, renderSync } from '../../js/node.js';
import { nodeCore } from '../../js/node-core.js';
import { compareCodePoints, sortReservations } from '../../js/store.js';

const r = (scope, claim, port) => ({ scope, claim, group: 'tcp', port });
const EMOJI = '😀';
const WAVE = '～';

/** The order the core lists reservations in. */
function coreOrder(reservations) {
  const ledger = nodeCore().Ledger.load(JSON.stringify(reservations), 'null');
  try {
    return JSON.parse(ledger.reservations());
  } finally {
    ledger.free();
  }
}

test('MemoryStore, LocalStorageStore and LockFileStore list 😀 and ～ in the core order', (t) => {
  const reservations = [r(EMOJI, 'a', 50001), r(WAVE, 'a', 50002), r('s', EMOJI, 50003), r('s', WAVE, 50004)];
  const want = coreOrder(reservations);
  assert.deepEqual(want.map((x) => `${x.scope}/${x.claim}`), [`s/${WAVE}`, `s/${EMOJI}`, `${WAVE}/a`, `${EMOJI}/a`]);

  assert.deepEqual(new MemoryStore(reservations).reservations(), want);
  assert.deepEqual(new MemoryStore(reservations).load().reservations, want);

  const items = new Map();
  const storage = { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => items.set(k, v) };
  const local = new LocalStorageStore('k', storage);
  assert.ok(local.commit({ baseRevision: 0, put: reservations, delete: [] }));
  assert.deepEqual(local.reservations(), want);

  const dir = mkdtempSync(join(tmpdir(), 'portclaims-order-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'portclaims.lock.json');
  const lock = new LockFileStore(path);
  return Promise.resolve(lock.commit({ baseRevision: lock.load().revision, put: reservations, delete: [] })).then((revision) => {
    assert.equal(typeof revision, 'string');
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')).reservations, want);
    assert.deepEqual(lock.reservations(), want);
  });
});

test('a render into a MemoryStore lists its scopes in the core order', () => {
  const store = new MemoryStore();
  for (const scope of [EMOJI, WAVE]) renderSync({ template: '', claims: [{ group: 'tcp', claim: 'web' }], scope, store, seed: 1 });
  assert.deepEqual(store.reservations().map((x) => x.scope), [WAVE, EMOJI]);
});

test('compareCodePoints agrees with the core on strings mixing ASCII, the BMP above the surrogates and astral characters', () => {
  const alphabet = ['a', 'b', 'é', '\u{d7ff}', '\u{e000}', WAVE, '\u{ffff}', EMOJI, '\u{10000}', '\u{10ffff}'];
  let seed = 7;
  const next = (n) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const word = () => Array.from({ length: 1 + next(3) }, () => alphabet[next(alphabet.length)]).join('');
  const reservations = [];
  const seen = new Set();
  while (reservations.length < 300) {
    const scope = word();
    const claim = word();
    if (seen.has(`${scope}\u0000${claim}`)) continue;
    seen.add(`${scope}\u0000${claim}`);
    reservations.push(r(scope, claim, 1 + reservations.length));
  }
  assert.deepEqual(sortReservations([...reservations]), coreOrder(reservations));
  assert.equal(compareCodePoints(EMOJI, WAVE) > 0, true);
  assert.equal(compareCodePoints('a', 'ab') < 0, true);
  assert.equal(compareCodePoints(EMOJI, EMOJI), 0);
});
