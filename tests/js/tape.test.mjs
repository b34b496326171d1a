// A compiled template sends its variables as a value tape (js/tape.js) where it can, and as JSON
// where it cannot. The two must never differ: every value here renders the same through both,
// down to integers against floats, lists against maps and the errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { compile, renderSync } from '../../js/node.js';
import * as core from '../../pkg/portclaims.js';
import { readable, readPlan } from '../../js/readable.js';
import { tapeWriter } from '../../js/tape.js';

const tapes = tapeWriter(core);

// json_encode tells integers from floats, lists from maps and '1' from 1: what a template sees.
const DUMP = '{!! json_encode($v) !!}';

const outcome = (render) => {
  try {
    return { output: render() };
  } catch (error) {
    return { error: error.message };
  }
};

/** The render through the tape (null when the writer leaves it to JSON) and through JSON. */
function bothWays(template, variables) {
  const compiled = core.compile(template, '{}');
  const plan = readPlan(JSON.parse(compiled.reads()));
  const length = tapes.write(variables, plan);
  const tape = length >= 0 ? outcome(() => compiled.renderTape(length)) : null;
  const json = outcome(() => compiled.render(JSON.stringify(readable(variables, plan))));
  compiled.free();
  return { tape, json };
}

function assertSameBothWays(template, variables, { taped = true } = {}) {
  const { tape, json } = bothWays(template, variables);
  if (!taped) {
    assert.equal(tape, null, `left to JSON: ${template}`);
    return json;
  }
  assert.notEqual(tape, null, `written as a tape: ${template}`);
  assert.deepEqual(tape, json, template);
  return tape;
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

test('what a template reads is what the tape holds, as readable() copies it', () => {
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

test('values JSON writes its own way are left to JSON, and still render the same', () => {
  class Custom {
    a = 1;
  }
  const leftToJson = [
    0.5, 1e21, -1e-7, NaN, Infinity, Number.MAX_SAFE_INTEGER + 1, new Date(0), new Map([['a', 1]]),
    new Custom(), { toJSON: () => 'custom' }, Object.assign([1, 2], { toJSON: () => 'array' }),
    new String('boxed'), new Number(3), 'lone \ud800 surrogate', { ['lone \udc00 key']: 1 },
  ];
  for (const v of leftToJson) assertSameBothWays(DUMP, { v }, { taped: false });
  for (const variables of [null, [], 'text', 3, new Map(), { toJSON: () => ({ v: 1 }) }]) {
    assert.equal(tapes.write(variables, true), -1, `${String(variables)} goes as JSON`);
  }
  const deep = [];
  let inner = deep;
  for (let i = 0; i < 150; i++) inner = inner[0] = [];
  assertSameBothWays(DUMP, { v: deep }, { taped: false });
  const cyclic = { name: 'loop' };
  cyclic.self = cyclic;
  assert.throws(() => compile(DUMP).render({ v: cyclic }), { kind: 'values', message: /^values: v\.self: .*cycle/ });
});

test('an enumerable property on Object.prototype sends JSON, which leaves it out', () => {
  Object.defineProperty(Object.prototype, 'polluted', { value: 'x', enumerable: true, configurable: true });
  try {
    assertSameBothWays(DUMP, { v: { own: 1 } }, { taped: false });
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
  assert.equal(render({ [`${fresh}d`]: 3, [`${fresh}c`]: 4, [fresh]: 5 }), reference({ [`${fresh}d`]: 3, [`${fresh}c`]: 4, [fresh]: 5 }));
  // Past the number of keys the core learns, keys go spelled out; both kinds mix in one object.
  for (let batch = 0; batch < 6; batch++) {
    const v = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`b${batch}-${i}`, i]));
    v[fresh] = 'known';
    assert.equal(render(v), reference(v), `batch ${batch}`);
  }
});

test('a tape follows the core memory when it grows; a getter that renders, or grows that memory, sends JSON', () => {
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
  const padded = compile("{{ $v['name'] }}{{ substr($pad, 0, 0) }}");
  const growing = {
    v: {
      before: 'b',
      get middle() {
        return padded.render({ v: { name: 'm' }, pad: 'x'.repeat(64 << 20) });
      },
      after: ['a', 1],
    },
  };
  assert.equal(template.render(growing), '{"before":"b","middle":"m","after":["a",1]}');
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
    assert.equal(taped, 4, 'all but the values with a fraction went as a tape');
    assert.throws(() => renderSync({ template, claims, values: { data: 1 }, scope: { team: 'a' } }), /scope: must be a string/);
    assert.equal(renderSync({ template: 'x', claims }).output, 'x');
    assert.throws(() => renderSync({ template: 'x', values: [1] }), /values: must be an object of template variables/);
  } finally {
    core.Ledger.prototype.planTape = planTape;
  }
});

test('a malformed tape is a clear error, not a crash', () => {
  const compiled = core.compile(DUMP, '{}');
  assert.throws(() => compiled.renderTape(1 << 30), /variables: the value tape holds fewer than/);
  const start = core.tapeRoom(16);
  new Uint8Array(core.tapeFormat().memory.buffer).set([7, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xbf], start);
  assert.throws(() => compiled.renderTape(9), /variables: malformed value tape at byte 5/);
});

test('the tape format is the core’s: tags and key flags come from tapeFormat(), not a copy', () => {
  const format = core.tapeFormat();
  const tags = ['NULL', 'FALSE', 'TRUE', 'INT32', 'INT53', 'STRING', 'ARRAY', 'OBJECT'].map((name) => format[name]);
  assert.ok(tags.every((tag) => Number.isInteger(tag) && tag >= 0 && tag < 256));
  assert.equal(new Set(tags).size, tags.length);
  assert.ok(format.memory instanceof WebAssembly.Memory);
  assert.equal(format.KEY_KNOWN & format.KEY_NEW, 0);
  const source = readFileSync(new URL('../../js/tape.js', import.meta.url), 'utf8');
  assert.doesNotMatch(source, /const (NULL|OBJECT|KEY_KNOWN) = \d/);
});
