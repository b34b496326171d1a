// The preview's seed: stable for a session, lock file and scope; different otherwise; a seed the
// core and the CLI's --seed accept.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fnv1a64, previewSeed, sessionSalt } from '../../src/seed.js';
import { api } from './helpers.mjs';

test('FNV-1a 64 of known texts', () => {
  assert.equal(fnv1a64(''), 0xcbf29ce484222325n);
  assert.equal(fnv1a64('a'), 0xaf63dc4c8601ec8cn);
  assert.equal(fnv1a64('foobar'), 0x85944171f73967e8n);
});

test('a seed is stable for the same salt, lock file and scope, and differs otherwise', () => {
  const salt = sessionSalt();
  assert.match(salt, /^[0-9a-f]{16}$/);
  assert.notEqual(sessionSalt(), salt);
  const seed = previewSeed(salt, 'file:///w/portclaims.lock.json', 'shop');
  assert.equal(previewSeed(salt, 'file:///w/portclaims.lock.json', 'shop'), seed);
  assert.notEqual(previewSeed(salt, 'file:///w/portclaims.lock.json', 'default'), seed);
  assert.notEqual(previewSeed(salt, 'file:///v/portclaims.lock.json', 'shop'), seed);
  assert.notEqual(previewSeed(sessionSalt(), 'file:///w/portclaims.lock.json', 'shop'), seed);
  assert.match(seed, /^\d+$/);
  assert.ok(BigInt(seed) < 1n << 64n);
});

test('the core draws the same ports with the same seed', () => {
  const seed = previewSeed(sessionSalt(), 'file:///w/portclaims.lock.json', 'shop');
  const draw = () => api.renderSync({ template: '', claims: [{ claim: 'a', group: 'tcp' }, { claim: 'b', group: 'udp' }], scope: 'shop', seed, dryRun: true }).claims;
  assert.deepEqual(draw(), draw());
});
