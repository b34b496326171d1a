// Values that cannot be read (a getter or toJSON that throws, a proxy, a BigInt, a cycle) fail
// their render with a `kind: 'values'` error naming where, and leave nothing behind: every later
// render in the process works as if the failed one never ran.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { compile, MemoryStore, render, renderSync } from '../../js/node.js';

const boom = () => {
  throw new Error('boom');
};

const cyclic = () => {
  const a = { name: 'a' };
  a.self = a;
  return a;
};

// Each case: a template, values that cannot be read, and the message that says where.
const cases = [
  ['a getter that throws', '{{ $data["x"] }}', { data: { get x() { return boom(); } } }, 'values: data.x: boom'],
  ['a getter on the variables', '{{ $data }}', { get data() { return boom(); } }, 'values: data: boom'],
  ['a getter in a list', '{{ $list[1]["x"] }}', { list: [{ x: 1 }, { get x() { return boom(); } }] }, 'values: list[1].x: boom'],
  ['a getter read whole', '{{ json_encode($data) }}', { data: { a: { get b() { return boom(); } } } }, 'values: data.a.b: boom'],
  ['a toJSON that throws', '{{ $data["x"] }}', { data: { x: { toJSON: boom } } }, 'values: data.x: boom'],
  ['a toJSON on the variables', '{{ $x }}', { x: 1, toJSON: boom }, 'values: boom'],
  ['a proxy whose trap throws', '{{ $data["x"] }}', { data: new Proxy({}, { get: boom, getPrototypeOf: boom, ownKeys: boom }) }, 'values: data: boom'],
  ['a BigInt', '{{ $data["n"] }}', { data: { n: 10n } }, /^values: data\.n: a BigInt has no JSON form/],
  ['a BigInt in a class instance', '{{ $data["n"] }}', { data: new (class { n = 10n; })() }, /^values: data\.n: a BigInt has no JSON form/],
  ['a cycle', '{{ json_encode($data) }}', { data: cyclic() }, /^values: data\.self: holds an object it is inside of/],
  ['a cycle below a toJSON', '{{ json_encode($data) }}', { data: { toJSON: () => cyclic() } }, /^values: data\.self: holds an object it is inside of/],
];

const reads = (template, values) => ({ template: `a: ${template}\n`, values });

function assertValuesError(error, message) {
  assert.equal(error.kind, 'values');
  if (message instanceof RegExp) assert.match(error.message, message);
  else assert.equal(error.message, message);
  assert.doesNotMatch(error.message, /\n/);
  return true;
}

// After a failure, renders that reuse the failed one's keys (and new ones) must still work.
function assertStillWorks() {
  const { output } = renderSync({ template: 'b: {{ $data["x"] }} {{ $data["y"] }} {{ $list[1]["x"] ?? "" }}\n', values: { data: { x: 1, y: 2 }, list: [{}, { x: 3 }] } });
  assert.equal(output, 'b: 1 2 3\n');
}

for (const [what, template, values, message] of cases) {
  test(`${what}: a values error naming where, and nothing left behind`, async () => {
    await assert.rejects(render(reads(template, values)), (e) => assertValuesError(e, message));
    assertStillWorks();
    assert.throws(() => renderSync(reads(template, values)), (e) => assertValuesError(e, message));
    assertStillWorks();
    const compiled = compile(`a: ${template}\n`);
    assert.throws(() => compiled.render(values), (e) => assertValuesError(e, message));
    compiled.free();
    assertStillWorks();
  });
}

test('a failed render claims nothing and leaves the store as it was', async () => {
  const store = new MemoryStore();
  const claims = [{ claim: 'web', group: 'http' }];
  const template = 'port: {{ $portClaims["web"] }} {{ $data["x"] }}\n';
  await assert.rejects(
    render({ template, claims, store, values: { data: { get x() { return boom(); } } } }),
    (e) => assertValuesError(e, 'values: data.x: boom'),
  );
  assert.deepEqual(store.reservations(), []);
  const { output } = await render({ template, claims, store, values: { data: { x: 'ok' } } });
  assert.match(output, /^port: \d+ ok\n$/);
  assert.equal(store.reservations().length, 1);
});

test('a values error with a scope that is not a string still names where', () => {
  assert.throws(
    () => renderSync({ template: '{{ $data["x"] }}', scope: 42, values: { data: { x: 10n } } }),
    (e) => assertValuesError(e, /^values: data\.x: a BigInt/),
  );
  assertStillWorks();
});

test('the tape takes back the key numbers of a failed render, however deep it failed', () => {
  // Many new keys before the throw: each got a number that the core never learnt.
  const values = {};
  for (let i = 0; i < 50; i++) values[`k${i}`] = i;
  Object.defineProperty(values, 'last', { enumerable: true, get: boom });
  const template = Object.keys(values).map((k) => `{{ $${k} }}`).join(' ');
  assert.throws(() => renderSync({ template, values }), (e) => assertValuesError(e, 'values: last: boom'));
  const fine = Object.fromEntries(Object.keys(values).map((k, i) => [k, i]));
  assert.equal(renderSync({ template, values: fine }).output, [...Array(51).keys()].join(' '));
  assertStillWorks();
});

test('renderFolder refuses values JSON cannot carry as render() does, naming where', async () => {
  const { renderFolder, renderFolderSync } = await import('../../js/node.js');
  let deep = [];
  for (let i = 0; i < 200; i++) deep = [deep];
  const files = [{ path: 'a.yaml', template: 'a: {{ json_encode($data) }}' }];
  const cyclic = { a: 1 };
  cyclic.self = cyclic;
  const cases = [
    [{ data: { a: deep } }, 'values: data: nests arrays and objects more than 128 deep'],
    [{ data: { a: '\ud800' } }, 'values: data.a: holds an unpaired UTF-16 surrogate (\\ud800 at index 0), which UTF-8 cannot hold'],
    [{ data: { n: 1n } }, /^values: data\.n: a BigInt has no JSON form/],
    // Walked for their size first, but a cycle and a throwing getter are the tape's to name.
    [{ data: cyclic }, 'values: data.self: holds an object it is inside of (a cycle)'],
    [{ data: { get x() { throw new Error('boom'); } } }, 'values: data.x: boom'],
  ];
  for (const [values, message] of cases) {
    for (const renderWith of [renderFolder, renderFolderSync]) {
      await assert.rejects(async () => renderWith({ files, values }), (error) => {
        assert.equal(error.kind, 'values');
        if (typeof message === 'string') assert.equal(error.message, message);
        else assert.match(error.message, message);
        return true;
      });
    }
  }
  const huge = { data: { a: 'x'.repeat(17 * 1024 * 1024) } };
  await assert.rejects(renderFolder({ files, values: huge }), (error) => error.kind === 'limit' && error.field === 'values' && /^values: values limit exceeded/.test(error.message));
  // A sparse array longer than memory is past the limit by its length alone.
  await assert.rejects(renderFolder({ files, values: { data: { a: new Array(2 ** 32 - 1) } } }), (error) => error.kind === 'limit' && error.field === 'values');
  // What the core can read still renders.
  const fine = await renderFolder({ files, values: { data: { a: [[1]] } } });
  assert.equal(fine.files[0].output, 'a: {&quot;a&quot;:[[1]]}');
});
