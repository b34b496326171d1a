// A compiled template sends its variables as a value tape (js/tape.js): what it reads of them,
// walked as JSON.stringify walks them. The core must read exactly what it reads of the JSON text
// of all the variables: every value here renders the same both ways, down to integers against
// floats, lists against maps and the errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { compile, renderSync } from '../../js/node.js';
import * as core from '../../pkg/portclaims.js';
import { outcome } from './outcome.mjs';

// json_encode tells integers from floats, lists from maps and '1' from 1: what a template sees.
const DUMP = '{!! json_encode($v) !!}';

/** The render through the package (a tape) and through the JSON text of all the variables. */
function bothWays(template, variables) {
  const tape = outcome(() => compile(template).render(variables));
  const compiled = core.compile(template, '{}');
  const json = outcome(() => compiled.render(JSON.stringify(variables) ?? ''));
  compiled.free();
  return { tape, json };
}

function assertSameBothWays(template, variables) {
  const { tape, json } = bothWays(template, variables);
  assert.deepEqual(tape, json, `${template} with ${String(JSON.stringify(variables))}`);
  return tape;
}

/** A values error naming where: what JSON cannot carry. */
function assertValuesError(template, variables, message) {
  assert.throws(() => compile(template).render(variables), (error) => {
    assert.equal(error.kind, 'values');
    assert.match(error.message, message);
    assert.doesNotMatch(error.message, /[\n\ud800-\udfff]/);
    return true;
  });
}

test('scalars read the same from a tape as from JSON', () => {
  const scalars = [
    0, -0, 1, -1, 80, 2147483647, -2147483648, 2147483648, -2147483649, 4294967296,
    Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, true, false, null, '', 'plain',
    'quote " backslash \\ slash / newline \n tab \t nul \u0000 del \u007f', 'é ü ß', '日本語',
    '😀 astral', '{{ not a template }}', '1', '01', ' 1 ', '1.5', 'true', 'null',
  ];
  for (const v of scalars) {
    const result = assertSameBothWays(DUMP, { v });
    assert.ok('output' in result, `${JSON.stringify(v)} renders`);
  }
  assert.equal(assertSameBothWays(DUMP, { v: -0 }).output, '0');
  assert.equal(assertSameBothWays(DUMP, { v: 2 ** 40 }).output, '1099511627776');
  // Numbers JSON writes as fractions, exponents or digits past 2^53, and the ones it writes as null.
  const floats = [0.5, -0.1, 1 / 3, 1e-7, 5e-324, 123.456, 1e21, -1e21, 1e300, -Number.MAX_VALUE, 2 ** 53, -(2 ** 53), 2 ** 60, 2 ** 63, -(2 ** 63), 2 ** 64, 1e20, NaN, Infinity, -Infinity];
  for (const v of floats) assertSameBothWays(DUMP, { v });
  assert.equal(assertSameBothWays(DUMP, { v: [0.5, 2 ** 60, 1e21, NaN] }).output, '[0.5,1152921504606847000,1.0e+21,null]');
  // Random doubles of every magnitude, whole and not, in one list: one tape, one JSON text.
  const bits = new DataView(new ArrayBuffer(8));
  const random = [];
  for (let i = 0; i < 3000; i++) {
    const magnitude = 10 ** (Math.floor(Math.random() * 44) - 22);
    const n = (Math.random() - 0.5) * magnitude;
    random.push(n, Math.round(n), Math.round(n * 1e6));
    bits.setUint32(0, Math.floor(Math.random() * 2 ** 32));
    bits.setUint32(4, Math.floor(Math.random() * 2 ** 32));
    random.push(bits.getFloat64(0));
  }
  assertSameBothWays(DUMP, { v: random });
});

test('lists, maps and what JSON leaves out of them read the same from a tape', () => {
  const values = [
    [],
    {},
    [1, 'two', [3, [4]], { five: 5 }],
    { b: 1, a: 2, 10: 'ten', 2: 'two', '-1': 'minus' },
    { kept: 1, undef: undefined, fn: () => 1, sym: Symbol('s') },
    [undefined, () => 1, Symbol('s'), 4],
    // eslint-disable-next-line no-sparse-arrays
    [1, , 3],
    Object.assign(Object.create(null), { bare: true }),
    JSON.parse('{"__proto__": {"x": 1}, "y": 2}'),
    { nested: { deeper: { deepest: [{ name: 'a' }, { name: 'b', port: 80 }] } } },
  ];
  for (const v of values) assertSameBothWays(DUMP, { v });
});

test('what a template reads is what the tape holds', () => {
  const variables = {
    data: { name: 'web', other: 'unread', list: ['a', 'b', () => 0, 'd'], ports: [{ port: 1 }, { port: 2 }] },
    namespace: 'ns',
  };
  assertSameBothWays("{{ $data['name'] }} {{ $namespace }}", variables);
  assertSameBothWays("{{ json_encode($data['list'][2] ?? 'none') }} {{ $data['list'][1] }}", variables);
  assertSameBothWays("{{ isset($data['list'][9]) ? 'set' : 'unset' }}", variables);
  assertSameBothWays("@foreach($data['ports'] as $p){{ $p['port'] }}@endforeach", variables);
  assertSameBothWays("{{ $data['missing'] }}", variables);
  assertSameBothWays("{{ $data['list']['name'] }}", variables);
  const hidden = { shown: 3 };
  Object.defineProperty(hidden, 'hidden', { value: 2, enumerable: false });
  assertSameBothWays("{{ $f['shown'] }}{{ $f['hidden'] ?? 'none' }}", { f: hidden });
  const inherited = "{{ $f['constructor'] ?? 'none' }} {{ $f['__proto__'] ?? 'none' }} {{ $f['toString'] ?? 'none' }}";
  assert.equal(assertSameBothWays(inherited, { f: { shown: 1 } }).output, 'none none none');
  assert.equal(assertSameBothWays(inherited, { f: JSON.parse('{"__proto__": "own"}') }).output, 'none own none');
});

test('values JSON writes its own way go on the tape as JSON writes them', () => {
  class Custom {
    a = 1;
    b = [2];
  }
  const typed = new Uint8Array([1, 2]);
  const ownWay = [
    new Date(0), new Map([['a', 1]]), new Set([1]), new Custom(), typed, { toJSON: () => 'custom' },
    Object.assign([1, 2], { toJSON: () => 'array' }), new String('boxed'), new Number(3), new Boolean(false),
    { toJSON: (key) => `key ${JSON.stringify(key)}` }, [{ toJSON: (key) => `index ${JSON.stringify(key)}` }],
    { gone: { toJSON: () => undefined }, kept: 1 }, [{ toJSON: () => undefined }], { toJSON: () => ({ nested: new Date(0) }) },
    Object.create({ inherited: 1 }, { own: { value: 2, enumerable: true }, hidden: { value: 3 } }),
  ];
  for (const v of ownWay) assertSameBothWays(DUMP, { v });
  // Read in part, below a toJSON and in a class instance.
  assertSameBothWays("{{ $v['when'] }} {{ $v['c']['a'] }} {{ $v['c']['b'][0] }} {{ $v['t'][1] }}", { v: { when: new Date(0), c: new Custom(), t: typed } });
  // The variables themselves may have a toJSON, as JSON.stringify(variables) calls it.
  assertSameBothWays('{{ $v }}', { toJSON: () => ({ v: 'from toJSON' }) });
  assertSameBothWays('{{ $v ?? "none" }}', { toJSON: () => undefined });
});

test('what JSON cannot carry is a values error naming where', () => {
  assertValuesError(DUMP, { v: { list: [1, 10n] } }, /^values: v\.list\[1\]: a BigInt has no JSON form/);
  assertValuesError(DUMP, { v: { text: 'lone \ud800 surrogate' } }, /^values: v\.text: holds an unpaired UTF-16 surrogate \(\\ud800 at index 5\)/);
  assertValuesError(DUMP, { v: { ['lone \udc00 key']: 1 } }, /^values: v: the key "lone \\udc00 key" holds an unpaired UTF-16 surrogate/);
  assertValuesError("{{ $v['k'] }}", { v: { k: '\udbff' } }, /^values: v\.k: holds an unpaired UTF-16 surrogate \(\\udbff at index 0\)/);
  const cyclic = { name: 'loop', list: [] };
  cyclic.list.push({ back: cyclic });
  assertValuesError(DUMP, { v: cyclic }, /^values: v\.list\[0\]\.back: holds an object it is inside of \(a cycle\)$/);
  const deep = [];
  let inner = deep;
  for (let i = 0; i < 150; i++) inner = inner[0] = [];
  assertValuesError(DUMP, { v: deep }, /^values: v: nests arrays and objects more than 128 deep$/);
  // As deep as the core reads is fine, and renders as JSON does.
  const fine = [];
  inner = fine;
  for (let i = 0; i < 120; i++) inner = inner[0] = [];
  assertSameBothWays(DUMP, { v: fine });
  // Well-formed surrogate pairs are text like any other.
  assert.equal(assertSameBothWays(DUMP, { v: '😀 \ud83d\ude00' }).output, '"\\ud83d\\ude00 \\ud83d\\ude00"');
});

test('an enumerable property on Object.prototype is left out, as JSON leaves it out', () => {
  Object.defineProperty(Object.prototype, 'polluted', { value: 'x', enumerable: true, configurable: true });
  try {
    assert.equal(assertSameBothWays(DUMP, { v: { own: 1, nested: { deeper: 2 } } }).output, '{"own":1,"nested":{"deeper":2}}');
    assertSameBothWays("{{ $v['own'] }} {{ $v['polluted'] ?? 'none' }}", { v: { own: 1 } });
  } finally {
    delete Object.prototype.polluted;
  }
  assertSameBothWays(DUMP, { v: { own: 1 } });
});

test('keys keep their numbers across renders, and a tape given up on takes its numbers back', () => {
  const template = compile(DUMP);
  const render = (v) => template.render({ v });
  const reference = (v) => core.compile(DUMP, '{}').render(JSON.stringify({ v }));
  // New keys, then a value that sends JSON after the new keys were numbered, then those keys again.
  const fresh = `k${Date.now()}`;
  assert.equal(render({ [fresh]: 1, [`${fresh}b`]: 2 }), reference({ [fresh]: 1, [`${fresh}b`]: 2 }));
  assert.equal(render({ [`${fresh}c`]: 1, [`${fresh}d`]: 0.5 }), reference({ [`${fresh}c`]: 1, [`${fresh}d`]: 0.5 }));
  // A render that fails before the core read its tape (a claims error, a scope error) takes back
  // the numbers it gave: the next renders with those keys still work.
  const keyed = `{{ $data['${fresh}e'] }}`;
  assert.throws(() => renderSync({ template: keyed, claims: [{ claim: 'x' }], values: { data: { [`${fresh}e`]: 1 } } }), { kind: 'claims' });
  assert.throws(() => renderSync({ template: keyed, scope: '', values: { data: { [`${fresh}e`]: 2 } } }), { kind: 'config' });
  assert.equal(renderSync({ template: keyed, values: { data: { [`${fresh}e`]: 3 } } }).output, '3');
  assert.equal(renderSync({ template: keyed, values: { data: { [`${fresh}e`]: 4 } } }).output, '4');
  assert.equal(render({ [`${fresh}d`]: 3, [`${fresh}c`]: 4, [fresh]: 5 }), reference({ [`${fresh}d`]: 3, [`${fresh}c`]: 4, [fresh]: 5 }));
  // Past the number of keys the core learns, keys go spelled out; both kinds mix in one object.
  for (let batch = 0; batch < 6; batch++) {
    const v = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`b${batch}-${i}`, i]));
    v[fresh] = 'known';
    assert.equal(render(v), reference(v), `batch ${batch}`);
  }
});

test('a tape follows the core memory when it grows; a getter that renders, or grows that memory, leaves it whole', () => {
  const template = compile(DUMP);
  const big = { v: Array.from({ length: 20000 }, (_, i) => ({ name: `item-${i}`, text: 'x'.repeat(100) })) };
  assert.equal(template.render(big), core.compile(DUMP, '{}').render(JSON.stringify(big)));
  assert.equal(template.render({ v: [1, 'two'] }), '[1,"two"]');
  const inner = compile("{{ $v['name'] }}");
  const variables = {
    v: {
      get name() {
        return inner.render({ v: { name: 'inside' } });
      },
    },
  };
  assert.equal(template.render(variables), '{"name":"inside"}');
  // A getter whose render grows the core's memory, which detaches the view the tape is written in.
  const padded = compile("{{ $v['name'] }}");
  const growing = {
    v: {
      before: 'b',
      get middle() {
        const { memory } = core.tapeFormat();
        const pages = memory.buffer.byteLength >> 16;
        memory.grow(64);
        assert.equal(memory.buffer.byteLength >> 16, pages + 64);
        return padded.render({ v: { name: 'm' } });
      },
      after: ['a', 1],
    },
  };
  assert.equal(template.render(growing), '{"before":"b","middle":"m","after":["a",1]}');
  // The same with keys no tape has named yet: the tape written again names them afresh.
  const fresh = `k${Date.now()}`;
  const renders = { v: { [`${fresh}a`]: 'a', get [`${fresh}b`]() { return inner.render({ v: { name: 'in' } }); }, [`${fresh}c`]: [1] } };
  const expected = JSON.stringify({ [`${fresh}a`]: 'a', [`${fresh}b`]: 'in', [`${fresh}c`]: [1] });
  assert.equal(template.render(renders), expected);
  assert.equal(template.render(renders), expected);
  // The same, with the tape growing after the getter: a fresh view then hides the lost writes.
  const regrowing = {
    v: {
      before: 'b',
      get middle() {
        core.tapeFormat().memory.grow(1);
        return 'm';
      },
      after: ['a', 'y'.repeat(10000)],
    },
  };
  assert.equal(template.render(regrowing), `{"before":"b","middle":"m","after":["a","${'y'.repeat(10000)}"]}`);
  // Right after such a getter: a fraction, a large integer and text that is not ASCII.
  const regrown = {
    v: {
      get grown() {
        core.tapeFormat().memory.grow(1);
        return 'g';
      },
      after: [0.5, 2 ** 40, 'é😀', { k: 'ü' }],
    },
  };
  assert.equal(template.render(regrown), '{"grown":"g","after":[0.5,1099511627776,"\\u00e9\\ud83d\\ude00",{"k":"\\u00fc"}]}');
});

test('renders that claim ports read their values from a tape too', () => {
  const planTape = core.Ledger.prototype.planTape;
  let taped = 0;
  core.Ledger.prototype.planTape = function (...args) {
    taped += 1;
    return planTape.apply(this, args);
  };
  try {
    const template = "{{ $portClaims['web'] }} {!! json_encode($data) !!}";
    const claims = [{ claim: 'web', group: 'http', preferred_port: 8080, random: false }];
    const reference = (data) => core.compile(template, '{}').render(JSON.stringify({ data, portClaims: { web: 8080 } }));
    for (const data of [{ name: 'web', ports: [80, 443], flags: { on: true, off: null } }, { ratio: 0.5 }, [1, 'two']]) {
      assert.equal(renderSync({ template, claims, values: { data } }).output, reference(data));
      assert.equal(renderSync({ template, claims, values: { data }, scope: 'team-a' }).output, reference(data));
    }
    assert.equal(taped, 6, 'every render went as a tape');
    assert.throws(() => renderSync({ template, claims, values: { data: 1 }, scope: { team: 'a' } }), /scope: must be a string/);
    assert.equal(renderSync({ template: 'x', claims }).output, 'x');
    assert.throws(() => renderSync({ template: 'x', values: [1] }), /values: must be an object of template variables/);
  } finally {
    core.Ledger.prototype.planTape = planTape;
  }
});

test('a malformed tape is a clear error, not a crash', () => {
  const compiled = core.compile(DUMP, '{}');
  assert.throws(() => compiled.renderTape(1 << 20), /variables: the value tape holds fewer than/);
  assert.throws(() => compiled.renderTape(1 << 30), { kind: 'limit', message: /values limit exceeded/ });
  const start = core.tapeRoom(16);
  new Uint8Array(core.tapeFormat().memory.buffer).set([7, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xbf], start);
  assert.throws(() => compiled.renderTape(9), /variables: malformed value tape at byte 5/);
});

test('the tape format is the core’s: tags and key flags come from tapeFormat(), not a copy', () => {
  const format = core.tapeFormat();
  const tags = ['NULL', 'FALSE', 'TRUE', 'INT32', 'INT53', 'FLOAT', 'STRING', 'ARRAY', 'OBJECT'].map((name) => format[name]);
  assert.equal(format.MAX_DEPTH, 128);
  assert.ok(tags.every((tag) => Number.isInteger(tag) && tag >= 0 && tag < 256));
  assert.equal(new Set(tags).size, tags.length);
  assert.ok(format.memory instanceof WebAssembly.Memory);
  assert.equal(format.KEY_KNOWN & format.KEY_NEW, 0);
  const source = readFileSync(new URL('../../js/tape.js', import.meta.url), 'utf8');
  assert.doesNotMatch(source, /const (NULL|OBJECT|FLOAT|KEY_KNOWN|MAX_DEPTH) = \d/);
});

// Random values of every kind JSON.stringify treats its own way, nested in random shapes: the
// tape and the JSON text of them must read the same, whatever the mix.
test('random mixes of values read the same from a tape as from their JSON', () => {
  let seed = 20261207;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = (list) => list[Math.floor(random() * list.length)];
  const leaves = [
    () => Math.floor(random() * 1000) - 500, () => random() * 1e6, () => pick([0.1, -0, 1e21, 2 ** 60, NaN, Infinity, -1e-7, 5e-324]),
    () => pick(['', 'a', 'é', '😀', 'x"y\\z', '\n', '1', '01']), () => random() < 0.5, () => null, () => undefined,
    () => () => 1, () => Symbol('s'), () => new Date(Math.floor(random() * 1e12)), () => new String('boxed'), () => new Number(random()),
    () => new Boolean(random() < 0.5), () => new Map([[1, 2]]), () => new Set([1]), () => new Uint8Array([1, 2, 3]),
  ];
  class Instance {
    constructor(a) {
      this.a = a;
    }
  }
  const generate = (depth) => {
    const r = random();
    if (depth > 4 || r < 0.35) return pick(leaves)();
    if (r < 0.6) {
      const items = Array.from({ length: Math.floor(random() * 4) }, () => generate(depth + 1));
      if (random() < 0.1) items.length += 2;
      return items;
    }
    if (r < 0.7) {
      const inner = generate(depth + 1);
      return { toJSON: (key) => (key.length % 2 === 0 ? inner : `key ${key}`) };
    }
    if (r < 0.75) return new Instance(generate(depth + 1));
    const fields = random() < 0.1 ? Object.create(null) : {};
    for (let i = Math.floor(random() * 4); i > 0; i--) fields[pick(['a', 'b', '10', '2', 'é', ''])] = generate(depth + 1);
    return fields;
  };
  for (let i = 0; i < 500; i++) assertSameBothWays(DUMP, { v: generate(0) });
});
