// Inputs the API refuses with a PortclaimsError (a `kind`, the field) instead of a raw TypeError or
// a silent loss: what compile() is given, numbers JSON cannot carry, names that hold control
// characters.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { compile, LockFileStore, MemoryStore, render, renderSync } from '../../js/node.js';

test('compile() of something that is not a string is a config error naming the template', () => {
  for (const [template, got] of [
    [undefined, 'undefined'],
    [null, 'null'],
    [42, '42'],
    [{}, 'an object'],
  ]) {
    assert.throws(
      () => compile(template),
      (e) => {
        assert.equal(e.kind, 'config');
        assert.equal(e.field, 'template');
        assert.equal(e.message, `template: compile() takes the template's text, a string; got ${got}`);
        return true;
      },
    );
  }
  assert.equal(compile('a', null).render(), 'a');
});

test('render() of a template that is not a string is a config error', async () => {
  await assert.rejects(render({ template: 42 }), (e) => e.kind === 'config' && e.field === 'template' && e.message === 'template: must be a string, got 42');
  assert.throws(() => renderSync({ template: [] }), (e) => e.kind === 'config' && e.message === 'template: must be a string, got an array');
});

test('a preferred port JSON cannot carry (1e400 is Infinity) is refused, not read as "no preference"', () => {
  const store = new MemoryStore();
  for (const [port, shown] of [
    [Infinity, 'Infinity (a number past 1.8e308, such as 1e400, reads as Infinity)'],
    [JSON.parse('-1e400'), '-Infinity (a number past 1.8e308, such as 1e400, reads as Infinity)'],
    [NaN, 'NaN'],
  ]) {
    const claims = [{ group: 'tcp', claim: 'db' }, { group: 'tcp', claim: 'web', preferred_port: port }];
    assert.throws(
      () => renderSync({ template: 'x', claims, store }),
      (e) => {
        assert.equal(e.kind, 'claims');
        assert.equal(e.field, '[1].preferred_port');
        assert.equal(e.message, `ports.json: [1].preferred_port: must be a finite number, got ${shown}`);
        return true;
      },
    );
  }
  assert.deepEqual(store.reservations(), []);
});

test('claim, group and scope names with control characters or bidirectional marks are refused by the core', () => {
  const cases = [
    [{ claims: [{ group: 'tcp', claim: 'web\u001b]0;owned\u0007' }] }, 'ports.json: [0].claim: must not contain control characters or bidirectional marks, found U+001B'],
    [{ claims: [{ group: 'tcp\u202e', claim: 'web' }] }, 'ports.json: [0].group: must not contain control characters or bidirectional marks, found U+202E'],
    [{ groups: { 'web\u0085': { ranges: ['50000-50010'] } } }, 'port groups: ["web\\u{85}"]: the group\'s name must not contain control characters or bidirectional marks, found U+0085'],
    [{ scope: 'shop\u009b2J' }, 'the scope must not contain control characters or bidirectional marks, found U+009B'],
  ];
  for (const [options, message] of cases) {
    const store = new MemoryStore();
    assert.throws(
      () => renderSync({ template: 'x', claims: [{ group: 'tcp', claim: 'web' }], store, ...options }),
      (e) => e.kind === 'claims' && e.message === message,
      message,
    );
    assert.deepEqual(store.reservations(), []);
  }
});

test('a lock file whose reservations hold such names is refused, naming the file and the field', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'portclaims-names-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'portclaims.lock.json');
  const text = `${JSON.stringify({ version: 1, reservations: [{ scope: 'x\u001b[2J', claim: 'web', group: 'tcp', port: 50000 }] }, null, 2)}\n`;
  writeFileSync(path, text);
  assert.throws(
    () => renderSync({ template: 'x', claims: [{ group: 'tcp', claim: 'db' }], store: new LockFileStore(path), dryRun: true }),
    (e) => {
      assert.equal(e.kind, 'store');
      assert.equal(e.file, path);
      assert.equal(e.message, `${path}: reservations[0].scope: must not contain control characters or bidirectional marks, found U+001B`);
      return true;
    },
  );
});

test('an output past the limit is about the whole template: no line and no empty source line', () => {
  assert.throws(
    () => compile('a: 1\n@for($i = 0; $i < 100; $i++)\nxxxxxxxxxx\n@endfor\n', { name: 't.yaml', limits: { maxOutputBytes: 50 } }).render(),
    (e) => {
      assert.equal(e.kind, 'limit');
      assert.equal(e.message, 't.yaml: output limit exceeded: the output is larger than 50 bytes');
      assert.equal(e.file, 't.yaml');
      assert.equal(e.line, undefined);
      assert.equal(e.sourceLine, undefined);
      return true;
    },
  );
});

test('every mistake a caller or its store makes is an Error with a kind and a field, the store\'s own error kept as cause', async () => {
  const template = "p: {{ $portClaims['web'] }}";
  const claims = [{ claim: 'web', group: 'http' }];
  const storeOf = (load, commit = () => 1) => ({ load, commit });
  const thrown = new Error('the database is down');
  const cyclic = {};
  cyclic.self = cyclic;
  // [what, call, kind, field, message]
  const cases = [
    ['no options', () => render(), 'config', 'options', 'options: render() takes an object of options, got undefined'],
    ['null options', () => renderSync(null), 'config', 'options', 'options: renderSync() takes an object of options, got null'],
    ['a number for options', () => render(5), 'config', 'options', 'options: render() takes an object of options, got 5'],
    ['template: null', () => render({ template: null, claims }), 'config', 'template', 'template: must be a string, got null'],
    ['no template', () => renderSync({ claims }), 'config', 'template', 'template: must be a string, got undefined'],
    ['a misspelt option', () => render({ templat: template, claims }), 'config', 'templat', 'templat: unknown option (did you mean "template"?)'],
    ['store: {}', () => render({ template, claims, store: {} }), 'config', 'store', 'store: must have load() and commit() methods, got an object without load()'],
    ['a BigInt port', () => render({ template, claims: [{ ...claims[0], preferred_port: 80n }] }), 'claims', '[0].preferred_port', 'ports.json: [0].preferred_port: a BigInt has no JSON form: use a number'],
    ['a claim whose getter throws', () => renderSync({ template, claims: [{ claim: 'web', get group() { throw thrown; } }] }), 'claims', undefined, 'ports.json: cannot be read: the database is down'],
    ['load() throws', () => render({ template, claims, store: storeOf(() => { throw thrown; }) }), 'store', 'store', "the reservation store's load() failed: the database is down"],
    ['load() throws a string', () => renderSync({ template, claims, store: storeOf(() => { throw 'gone'; }) }), 'store', 'store', "the reservation store's load() failed: gone"],
    ['load() throws null', () => render({ template, claims, store: storeOf(() => { throw null; }) }), 'store', 'store', "the reservation store's load() failed: null"],
    ['commit() rejects', () => render({ template, claims, store: storeOf(() => ({ revision: 1, reservations: [] }), () => Promise.reject(thrown)) }), 'store', 'store', "the reservation store's commit() failed: the database is down"],
    ['load() answers nothing', () => render({ template, claims, store: storeOf(() => undefined) }), 'store', 'store', 'store.load() must return { revision, reservations }, got undefined'],
    ['load() answers no revision', () => renderSync({ template, claims, store: storeOf(() => ({ reservations: [] })) }), 'store', 'store', 'store.load() must return { revision, reservations }, got an object'],
    ['a revision that is an object', () => render({ template, claims, store: storeOf(() => ({ revision: {}, reservations: [] })) }), 'store', 'store', "store.load()'s revision must be a string or a number, got an object"],
    ['a cyclic reservation', () => render({ template, claims, store: storeOf(() => ({ revision: 1, reservations: [cyclic] })) }), 'store', 'store', /^store\.load\(\)'s reservations cannot be read: Converting circular structure to JSON/],
    ['limits.fuel: NaN', () => render({ template, claims, limits: { fuel: NaN } }), 'config', 'limits.fuel', 'limits.fuel: must be a positive integer, got NaN'],
    ['a misspelt limit', () => render({ template, claims, limits: { fule: 5 } }), 'config', 'limits.fule', 'limits.fule: unknown limit; the limits are fuel, maxOutputBytes, maxNesting'],
    ['limits: 5', () => render({ template, claims, limits: 5 }), 'config', 'limits', 'limits: must be an object of fuel, maxOutputBytes, maxNesting, got 5'],
  ];
  for (const [what, call, kind, field, message] of cases) {
    let error;
    try {
      await call();
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof Error, `${what}: an Error, got ${error}`);
    assert.equal(error.kind, kind, `${what}: ${error.message}`);
    assert.equal(error.field, field, what);
    if (typeof message === 'string') assert.equal(error.message, message, what);
    else assert.match(error.message, message, what);
  }
  // The store's own error stays reachable.
  await assert.rejects(render({ template, claims, store: storeOf(() => { throw thrown; }) }), (e) => e.cause === thrown);
  // A dry run needs no commit().
  assert.equal((await render({ template, claims, store: { load: () => ({ revision: 1, reservations: [] }) }, dryRun: true })).output.startsWith('p: '), true);
});
