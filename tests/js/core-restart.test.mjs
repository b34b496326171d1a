// A trap of the WebAssembly core (a stack overflow, `unreachable`) leaves its instance unusable:
// the API reports it as an error of kind `internal` naming the template, and the next call runs on
// a fresh instance, as a long-lived process (an editor's preview, the playground) needs.
import test from 'node:test';
import assert from 'node:assert/strict';
import { compile, render, renderSync, MemoryStore } from '../../js/node.js';

// Any input that traps will do. A Jinja template's `elif`s are minijinja's own, which parses each
// inside the one before, past the end of the stack (Blade's `@elseif`s no longer are).
const trapping = `{% if false %}${'{% elif false %}x'.repeat(100_000)}{% endif %}`;
const claims = [{ claim: 'web', group: 'http' }];

function assertInternal(error) {
  assert.equal(error.kind, 'internal', String(error));
  assert.equal(error.file, 'bomb.j2');
  assert.match(error.message, /^bomb\.j2: internal error in the portclaims core/);
  return true;
}

test('a trap is an internal error naming the template, and the next calls run on a fresh core', async () => {
  const store = new MemoryStore();
  assert.equal(renderSync({ template: "a: {{ $portClaims['web'] }}", claims, store }).output.startsWith('a: '), true);
  const port = store.load().reservations[0].port;

  assert.throws(() => renderSync({ template: trapping, dialect: 'jinja', name: 'bomb.j2' }), assertInternal);
  // The same store, the same port: nothing kept by the core was needed.
  assert.equal(renderSync({ template: "a: {{ $portClaims['web'] }}", claims, store }).output, `a: ${port}`);
  assert.equal(compile('b{{ 1 + 1 }}').render(), 'b2');

  await assert.rejects(render({ template: trapping, dialect: 'jinja', name: 'bomb.j2', claims, store }), assertInternal);
  assert.equal((await render({ template: "c: {{ $portClaims['web'] }}", claims, store })).output, `c: ${port}`);

  assert.throws(() => compile(trapping, { dialect: 'jinja', name: 'bomb.j2' }), assertInternal);
  assert.equal(renderSync({ template: 'd{{ "x$a" }}', values: { a: 1 } }).output, 'dx1');
});
