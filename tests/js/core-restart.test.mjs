// A trap of the WebAssembly core (a stack overflow, `unreachable`) leaves its instance unusable:
// the API reports it as an error of kind `internal` naming the template, and the next call runs on
// a fresh instance, as a long-lived process (an editor's preview, the playground) needs.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomFillSync } from 'node:crypto';
import { createApi } from '../../js/core.js';
import { nodeCore } from '../../js/node-core.js';
import { MemoryStore } from '../../js/store.js';

// No template the engine accepts traps any more, so the trap is made on purpose, and for real:
// the core as the package's entry has it, whose next compile first asks it for more memory than a
// WebAssembly module can have (Rust aborts: `unreachable`), inside a call of the API.
const core = nodeCore();
core.provideEntropy(randomFillSync(new Uint8Array(32)));
let trapNext = false;
const trapping = new Proxy(core, {
  get(target, key) {
    if (key !== 'compile') return target[key];
    return (...args) => {
      if (trapNext) {
        trapNext = false;
        target.tapeRoom(0xfffffff0);
      }
      return target.compile(...args);
    };
  },
});
const { compile, render, renderSync } = createApi(trapping, { restarted: () => core.provideEntropy(randomFillSync(new Uint8Array(32))) });
const claims = [{ claim: 'web', group: 'http' }];

function assertInternal(error) {
  assert.equal(error.kind, 'internal', String(error));
  assert.equal(error.file, 'bomb.yaml');
  assert.match(error.message, /^bomb\.yaml: internal error in the portclaims core \(unreachable\)/);
  assert.ok(error.cause instanceof WebAssembly.RuntimeError);
  return true;
}

test('a trap is an internal error naming the template, and the next calls run on a fresh core', async () => {
  const store = new MemoryStore();
  assert.equal(renderSync({ template: "a: {{ $portClaims['web'] }}", claims, store }).output.startsWith('a: '), true);
  const port = store.load().reservations[0].port;

  trapNext = true;
  assert.throws(() => renderSync({ template: 'x', name: 'bomb.yaml' }), assertInternal);
  // The same store, the same port: nothing kept by the core was needed.
  assert.equal(renderSync({ template: "a: {{ $portClaims['web'] }}", claims, store }).output, `a: ${port}`);
  assert.equal(compile('b{{ 1 + 1 }}').render(), 'b2');

  trapNext = true;
  await assert.rejects(render({ template: 'x', name: 'bomb.yaml', claims, store }), assertInternal);
  assert.equal((await render({ template: "c: {{ $portClaims['web'] }}", claims, store })).output, `c: ${port}`);

  trapNext = true;
  assert.throws(() => compile('x', { name: 'bomb.yaml' }), assertInternal);
  assert.equal(renderSync({ template: 'd{{ "x$a" }}', values: { a: 1 } }).output, 'dx1');
  // A new claim draws from the fresh instance's randomness.
  assert.match(renderSync({ template: "{{ $portClaims['other'] }}", claims: [{ claim: 'other', group: 'tcp' }], store }).output, /^\d+$/);
});
