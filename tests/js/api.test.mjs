import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compile, decide, decideSync, MemoryStore, release, releaseSync, render, renderSync, version } from '../../js/node.js';

const seedBasic = readFileSync(new URL('../cases/seed-basic/template.yaml', import.meta.url), 'utf8');
const web = [{ claim: 'web', group: 'http' }];

// A store that counts the calls the engine makes and can be told to refuse commits.
class CountingStore extends MemoryStore {
  loads = 0;
  commits = 0;
  refuse = 0;
  load() {
    this.loads += 1;
    return super.load();
  }
  commit(change) {
    this.commits += 1;
    if (this.refuse > 0) {
      this.refuse -= 1;
      return false;
    }
    return super.commit(change);
  }
}

test('the version is the crate version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.equal(version, pkg.version);
});

test("the seed's Basic Usage renders with a port from the http group", async () => {
  const store = new MemoryStore();
  const result = await render({ template: seedBasic, claims: web, store });
  const port = result.claims.web;
  assert.ok(port >= 80 && port <= 443, `port ${port} is in 80-443`);
  assert.match(result.output, new RegExp(`\\n    port: ${port}\\n`));
  assert.deepEqual(result.allocated, [{ scope: 'default', claim: 'web', group: 'http', port }]);
  assert.deepEqual(store.reservations(), result.allocated);
});

test('a reserved claim keeps its port, and an unchanged render commits nothing', () => {
  const store = new CountingStore();
  const first = renderSync({ template: seedBasic, claims: web, store });
  assert.equal(store.commits, 1);
  const second = renderSync({ template: seedBasic, claims: web, store });
  assert.equal(second.claims.web, first.claims.web);
  assert.deepEqual(second.allocated, []);
  assert.equal(store.loads, 2, 'one load per render');
  assert.equal(store.commits, 1, 'no commit when nothing changed');
});

test('a refused commit makes the engine reload, decide again and retry', () => {
  const store = new CountingStore();
  store.refuse = 2;
  const result = renderSync({ template: seedBasic, claims: web, store, seed: 7 });
  assert.equal(store.loads, 3);
  assert.equal(store.commits, 3);
  assert.deepEqual(store.reservations().map((r) => r.port), [result.claims.web]);
});

test('a store that refuses every commit ends in a clear error, and nothing is stored', () => {
  const store = new CountingStore();
  store.refuse = Infinity;
  assert.throws(() => renderSync({ template: seedBasic, claims: web, store }), /refused 8 commits/);
  assert.deepEqual(store.reservations(), []);
});

test('another writer between two renders is seen: no port is handed out twice', () => {
  const store = new MemoryStore();
  const group = { tiny: { ranges: ['40000-40001'] } };
  const claims = [{ claim: 'a', group: 'tiny' }];
  const first = renderSync({ template: "{{ $portClaims['a'] }}", claims, store, groups: group, scope: 's1' });
  // Someone else takes the other port behind the engine's back.
  const other = first.claims.a === 40000 ? 40001 : 40000;
  const { revision } = store.load();
  store.commit({ baseRevision: revision, put: [{ scope: 'x', claim: 'y', group: 'tiny', port: other }], delete: [] });
  assert.throws(
    () => renderSync({ template: "{{ $portClaims['a'] }}", claims, store, groups: group, scope: 's2' }),
    /no free port/,
  );
});

test('an asynchronous store works with render(); renderSync() refuses it clearly', async () => {
  const memory = new MemoryStore();
  const store = { load: async () => memory.load(), commit: async (c) => memory.commit(c) };
  const result = await render({ template: seedBasic, claims: web, store });
  assert.equal(memory.reservations()[0].port, result.claims.web);
  assert.throws(() => renderSync({ template: seedBasic, claims: web, store }), /synchronous store/);
});

test('a store whose commit returns true (no revision) still works across renders', () => {
  const memory = new MemoryStore();
  const store = { load: () => memory.load(), commit: (c) => memory.commit(c) !== false };
  const a = renderSync({ template: "{{ $portClaims['a'] }}", claims: [{ claim: 'a', group: 'tcp' }], store });
  const b = renderSync({ template: "{{ $portClaims['b'] }}", claims: [{ claim: 'b', group: 'tcp' }], store });
  assert.notEqual(a.claims.a, b.claims.b);
  assert.equal(memory.reservations().length, 2);
});

test('a dry run decides and renders but stores nothing', () => {
  const store = new CountingStore();
  const result = renderSync({ template: seedBasic, claims: web, store, dryRun: true });
  assert.equal(result.allocated.length, 1);
  assert.equal(store.commits, 0);
  assert.deepEqual(store.reservations(), []);
});

test('a seed makes the draw repeatable', () => {
  const draw = (seed) => renderSync({ template: seedBasic, claims: web, seed }).claims.web;
  assert.equal(draw(42), draw(42));
  const ports = new Set([1, 2, 3, 4, 5, 6, 7, 8].map(draw));
  assert.ok(ports.size > 1, 'different seeds draw different ports');
});

test('a failed render reserves nothing and throws an error that says where', () => {
  const store = new MemoryStore();
  const template = "a: 1\nport: {{ $portClaims['web'] }}\nbad: {{ $data['missing'] }}\n";
  assert.throws(
    () => renderSync({ template, claims: web, store, name: 'service.yaml' }),
    (error) => {
      assert.match(error.message, /^service\.yaml:3:\d+: .*missing/);
      assert.equal(error.file, 'service.yaml');
      assert.equal(error.line, 3);
      assert.equal(typeof error.column, 'number');
      return true;
    },
  );
  assert.deepEqual(store.reservations(), []);
});

test('a malformed claim is an error naming the field', () => {
  assert.throws(
    () => renderSync({ template: 'x', claims: [{ claim: 'web', group: 'http', preferred_port: 'abc' }] }),
    (error) => error.kind === 'claims' && /preferred_port/.test(error.message),
  );
});

// The core's claims errors and the ones the JS layer raises before the core sees the claims
// (numbers JSON cannot carry) have one shape: the input, the field, and the message without them.
test('claims errors carry their input, field and the message without the input', () => {
  const cases = [
    [{ claims: [{ claim: 'web', group: 'http', preferred_port: 'abc' }] }, 'ports.json', '[0].preferred_port'],
    [{ claims: [{ claim: 'web', group: 'http', preferred_port: Infinity }] }, 'ports.json', '[0].preferred_port'],
    [{ claims: [], groups: { tcp: { ranges: ['30100-30000'] } } }, 'port groups', 'tcp.ranges[0]'],
  ];
  for (const [options, source, field] of cases) {
    assert.throws(
      () => renderSync({ template: 'x', ...options }),
      (error) => {
        assert.deepEqual({ kind: error.kind, source: error.source, field: error.field }, { kind: 'claims', source, field });
        assert.equal(error.message, `${source}: ${error.detail}`);
        assert.equal(error.detail, `${field}: ${error.reason}`);
        return true;
      },
    );
  }
  // A claim's decision names no input: its detail is the whole message.
  assert.throws(
    () => renderSync({ template: 'x', claims: [{ claim: 'a', group: 'tcp' }, { claim: 'b', group: 'tcp' }], groups: { tcp: { ranges: ['30000'] } } }),
    (error) => error.kind === 'claims' && error.group === 'tcp' && error.source === undefined && error.detail === error.message,
  );
});

test('bad options are errors naming the option', () => {
  assert.throws(() => renderSync({ template: 'x', dialect: 'twig' }), /dialect: must be one of blade, jinja/);
  assert.throws(() => renderSync({ template: 'x', seed: 'soon' }), /seed: must be an integer/);
});

test('compile() renders with given variables and allocates nothing', () => {
  const template = compile("port: {{ $portClaims['web'] }} in {{ $namespace }}", { name: 'svc.yaml' });
  assert.equal(template.render({ portClaims: { web: 8080 }, namespace: 'shop' }), 'port: 8080 in shop');
  assert.equal(template.render({ portClaims: { web: 9090 }, namespace: 'shop' }), 'port: 9090 in shop');
  assert.deepEqual(template.claimReferences().map((r) => r.name), ['web']);
  assert.deepEqual(template.claimReferences()[0].range.start, { line: 1, column: 10 });
});

test('release frees one claim, then a whole scope', async () => {
  const store = new MemoryStore();
  const claims = [{ claim: 'a', group: 'tcp' }, { claim: 'b', group: 'tcp' }];
  await render({ template: 'x', claims, store, scope: 's' });
  const one = releaseSync({ store, scope: 's', claim: 'a' });
  assert.deepEqual(one.released.map((r) => r.claim), ['a']);
  assert.deepEqual(store.reservations().map((r) => r.claim), ['b']);
  const all = await release({ store, scope: 's' });
  assert.deepEqual(all.released.map((r) => r.claim), ['b']);
  assert.deepEqual(store.reservations(), []);
});

test('prune releases the claims no longer declared', () => {
  const store = new MemoryStore();
  renderSync({ template: 'x', claims: [{ claim: 'a', group: 'tcp' }, { claim: 'b', group: 'tcp' }], store });
  const result = releaseSync({ store, scope: 'default', claims: [{ claim: 'b', group: 'tcp' }] });
  assert.deepEqual(result.released.map((r) => r.claim), ['a']);
  assert.deepEqual(store.reservations().map((r) => r.claim), ['b']);
});

test('$portClaims iterates in declaration order', () => {
  const claims = ['zeta', 'alpha', 'mid'].map((claim) => ({ claim, group: 'tcp' }));
  const template = '@foreach($portClaims as $name => $port){{ $name }} @endforeach';
  const result = renderSync({ template, claims });
  assert.equal(result.output, 'zeta alpha mid ');
  assert.deepEqual(Object.keys(result.claims), ['zeta', 'alpha', 'mid']);
});

test('http and tcp groups never share a TCP port; udp is separate', () => {
  const groups = { http: { ranges: ['50000-50001'] }, tcp: { ranges: ['50000-50001'] }, udp: { ranges: ['50000-50001'] } };
  const claims = [
    { claim: 'h', group: 'http' },
    { claim: 't', group: 'tcp' },
    { claim: 'u1', group: 'udp' },
    { claim: 'u2', group: 'udp' },
  ];
  const result = renderSync({ template: 'x', claims, groups });
  assert.notEqual(result.claims.h, result.claims.t);
  assert.notEqual(result.claims.u1, result.claims.u2);
});

test('a bad groups config fails clearly and leaves the store usable', () => {
  const store = new MemoryStore();
  const claims = [{ claim: 'a', group: 'tcp' }];
  const good = renderSync({ template: 'x', claims, store });
  assert.throws(() => renderSync({ template: 'x', claims, store, groups: { tcp: { ranges: ['100-50'] } } }), /100-50|inverted|range/);
  const again = renderSync({ template: 'x', claims, store });
  assert.equal(again.claims.a, good.claims.a);
});

test('two renders interleaved on one asynchronous store both keep their reservations', async () => {
  const memory = new MemoryStore();
  // Every call yields to the event loop, so the two renders interleave between load and commit.
  const tick = () => new Promise((done) => setTimeout(done, 1));
  const store = {
    load: async () => (await tick(), memory.load()),
    commit: async (change) => (await tick(), memory.commit(change)),
  };
  const claims = (name) => [{ claim: name, group: 'tcp' }];
  const [a, b] = await Promise.all([
    render({ template: 'x', claims: claims('a'), store, scope: 'one' }),
    render({ template: 'x', claims: claims('b'), store, scope: 'two' }),
  ]);
  const held = memory.reservations().map((r) => `${r.scope}/${r.claim}/${r.port}`);
  assert.deepEqual(held.sort(), [`one/a/${a.claims.a}`, `two/b/${b.claims.b}`].sort());
  // A third render sees both: its port differs from theirs and the store keeps all three.
  const c = await render({ template: 'x', claims: claims('c'), store, scope: 'three' });
  assert.ok(![a.claims.a, b.claims.b].includes(c.claims.c));
  assert.equal(memory.reservations().length, 3);
  // Rendering the first scope again keeps its port and commits nothing new.
  const again = await render({ template: 'x', claims: claims('a'), store, scope: 'one' });
  assert.equal(again.claims.a, a.claims.a);
  assert.equal(memory.reservations().length, 3);
});

test('the core takes 32 bytes of host entropy and refuses anything else', async () => {
  const core = await import('../../pkg/portclaims.js');
  assert.throws(() => core.provideEntropy(new Uint8Array(31)), /^Error: entropy: must be exactly 32 bytes$/);
  // Already seeded by js/node.js at import: a second seeding is accepted and changes nothing.
  core.provideEntropy(new Uint8Array(32));
  const ports = new Set();
  for (let i = 0; i < 20; i++) ports.add(renderSync({ template: '', claims: [{ claim: 'p', group: 'tcp' }], scope: `e${i}` }).claims.p);
  assert.ok(ports.size > 15, `20 unseeded draws gave ${ports.size} distinct ports`);
});

test('claims that are not JSON are refused with the message other wrong claims get', () => {
  for (const [claims, got] of [[() => [], 'a function'], [Symbol('claims'), 'a symbol'], [5, '5']]) {
    for (const store of [undefined, new MemoryStore()]) {
      assert.throws(
        () => renderSync({ template: 'x', claims, store }),
        (error) => error.message === `ports.json: must be an array of claims, got ${got}` && error.kind === 'claims',
      );
    }
  }
});

test('each process draws from its own secure seed', () => {
  // js/node.js seeds the core from the operating system at import: were that seed constant, two
  // processes would draw the same ports in the same order.
  const script = `const { renderSync } = await import(${JSON.stringify(new URL('../../js/node.js', import.meta.url).href)});
    const ports = [];
    for (let i = 0; i < 3; i++) ports.push(renderSync({ template: '', claims: [{ claim: 'p', group: 'tcp' }], scope: 's' + i }).claims.p);
    console.log(ports.join(','));`;
  const draw = () => execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim();
  const [first, second] = [draw(), draw()];
  assert.match(first, /^\d+,\d+,\d+$/);
  assert.notEqual(first, second);
});

test('renders without a store start from no reservations every time, and keep none', async () => {
  const claims = [{ claim: 'web', group: 'tcp', preferred_port: 50000, random: false }];
  for (let i = 0; i < 3; i++) {
    const result = renderSync({ template: "{{ $portClaims['web'] }}", claims, scope: 'same' });
    assert.equal(result.output, '50000');
    assert.deepEqual(result.allocated, [{ scope: 'same', claim: 'web', group: 'tcp', port: 50000 }]);
  }
  const other = await render({ template: "{{ $portClaims['web'] }}", claims, scope: 'other', groups: { tcp: { ranges: ['50000-50010'] } } });
  assert.equal(other.output, '50000');
  assert.deepEqual((await release({ scope: 'same' })).released, []);
});

test('values that are not an object of variables are refused, naming the option', () => {
  for (const values of [[1, 2], 'text', 5]) {
    assert.throws(() => renderSync({ template: '{{ $namespace }}', values }), /^Error: values: must be an object of template variables, got /);
    assert.throws(() => compile('{{ $namespace }}').render(values), /^Error: variables: must be an object of template variables, got /);
  }
  assert.equal(renderSync({ template: '{{ $namespace }}', values: null }).output, 'default');
  assert.equal(compile("{{ $namespace ?? 'none' }}").render(null), 'none');
});

// The core keeps each plan's change under an id until the host applies it: the last plan's in
// place, earlier ones aside, so that renders of one store may commit in any order.
test('the core applies each planned change once, by its id, in any order', async () => {
  const core = await import('../../pkg/portclaims.js');
  const ledger = core.Ledger.load('[]', 'null');
  const compiled = core.compile("{{ $portClaims['web'] }}", '{}');
  const plan = (scope, port) => {
    const claims = JSON.stringify([{ claim: 'web', group: 'tcp', preferred_port: port }]);
    const output = ledger.planTape(compiled, claims, 0, scope, undefined);
    return { id: ledger.outcomeAt(0), output };
  };
  const a = plan('a', 30001);
  const b = plan('b', 30002);
  assert.notEqual(a.id, b.id);
  assert.deepEqual([a.output, b.output], ['30001', '30002']);
  assert.deepEqual(JSON.parse(ledger.details()).allocated, [{ scope: 'b', claim: 'web', group: 'tcp', port: 30002 }]);
  assert.equal(ledger.apply(b.id), true);
  assert.equal(ledger.apply(b.id), false, 'a change is applied once');
  assert.equal(ledger.apply(a.id), true);
  assert.equal(ledger.apply(a.id), false);
  assert.deepEqual(
    JSON.parse(ledger.reservations()).map((r) => [r.scope, r.port]),
    [['a', 30001], ['b', 30002]],
  );
  // A plan that reserves nothing keeps no change; the next plan's id is still new.
  const again = plan('a', 30001);
  assert.equal(ledger.apply(again.id), false);
  assert.ok(again.id > b.id);
  ledger.free();
  compiled.free();
});

// The core tells a plan's decision as numbers and the JS layer rebuilds the result from the
// names it sent; the core's own JSON of the same decision (`details()`) is the reference.
test('a render result is what the core decided, names and all', async () => {
  const core = await import('../../pkg/portclaims.js');
  const template = "{{ json_encode($portClaims) }}";
  const claims = [
    { claim: '__proto__', group: 'tcp' },
    { claim: '10', group: 'udp' },
    { claim: 'constructor', group: 'http', preferred_port: 8080 },
    { claim: 'ünï', group: 'tcp', preferred_port: null, random: true },
  ];
  const fromCore = (scope, seed, reservations = []) => {
    const ledger = core.Ledger.load(JSON.stringify(reservations), 'null');
    const compiled = core.compile(template, '{}');
    const output = ledger.planTape(compiled, JSON.stringify(claims), 0, scope ?? undefined, String(seed));
    const result = { output, ...JSON.parse(ledger.details()) };
    // The JS layer reads the outcome number by number.
    const numbers = Array.from({ length: ledger.outcomeLength() }, (_, i) => ledger.outcomeAt(i));
    assert.equal(numbers.length, 2 + 2 * claims.length);
    assert.deepEqual(
      numbers.filter((_, i) => i >= 2 && i % 2 === 0),
      Object.values(result.claims).length === claims.length ? claims.map((c) => result.claims[c.claim]) : null,
    );
    assert.equal(ledger.outcomeAt(numbers.length), 0);
    ledger.free();
    compiled.free();
    return result;
  };
  for (const [scope, seed] of [[undefined, 1], [null, 2], ['team-a', 3]]) {
    const result = renderSync({ template, claims, scope, seed });
    assert.deepStrictEqual(result, fromCore(scope, seed));
    assert.equal(Object.getPrototypeOf(result.claims), Object.prototype);
    assert.deepEqual(Object.keys(result.claims), ['10', '__proto__', 'constructor', 'ünï']);
    assert.equal(result.allocated[0].scope, scope ?? 'default');
  }
  // Claims already held are kept, not allocated again: only the new one is in `allocated`.
  const store = new MemoryStore();
  renderSync({ template, claims: claims.slice(0, 2), store, scope: 's', seed: 4 });
  const held = store.reservations();
  const second = renderSync({ template, claims, store, scope: 's', seed: 5 });
  assert.deepStrictEqual(second, fromCore('s', 5, held));
  assert.deepEqual(second.allocated.map((r) => r.claim), ['constructor', 'ünï']);
  // A scope that is not a string is read as its JSON holds it.
  const boxed = renderSync({ template, claims, scope: new String('boxed'), seed: 6 });
  assert.deepStrictEqual(boxed.allocated.map((r) => r.scope), ['boxed', 'boxed', 'boxed', 'boxed']);
  // A claim that moves group releases its old port: released and diagnostics come from the core.
  const moved = renderSync({ template, claims: [{ claim: '10', group: 'tcp' }], store, scope: 's' });
  assert.equal(moved.released.length, 1);
  assert.match(moved.diagnostics[0].message, /moved from group "udp" to "tcp"/);
});

// The JS layer sends the last claims' text again when the claims serialise to it; `sameJson`
// decides that, and must never say yes when JSON.stringify would write something else.
test('claims are serialised again whenever their JSON would differ', async () => {
  const { sameJson } = await import('../../js/core.js');
  class Claim {
    constructor() {
      this.claim = 'web';
      this.group = 'tcp';
    }
  }
  const nullProto = Object.assign(Object.create(null), { claim: 'web', group: 'tcp' });
  const raw = typeof JSON.rawJSON === 'function' ? [JSON.rawJSON('"web"')] : [];
  const values = [
    [{ claim: 'web', group: 'tcp' }],
    [{ group: 'tcp', claim: 'web' }],
    [{ claim: 'web', group: 'tcp', preferred_port: 8080 }],
    [{ claim: 'web', group: 'tcp', preferred_port: -0 }],
    [{ claim: 'web', group: 'tcp', preferred_port: 0 }],
    [{ claim: 'web', group: 'tcp', preferred_port: NaN }],
    [{ claim: 'web', group: 'tcp', preferred_port: null }],
    [{ claim: 'web', group: 'tcp', preferred_port: undefined }],
    [{ claim: 'web', group: 'tcp', random: false }],
    [{ claim: 'web', group: 'tcp', random: 'false' }],
    [{ claim: 'web', group: 'tcp', x: [1, { a: 'b' }] }],
    [{ claim: 'web', group: 'tcp', x: [1, { a: 'c' }] }],
    [{ claim: 'web', group: 'tcp', x: [1, undefined] }],
    [{ claim: 'web', group: 'tcp', x: [1, null] }],
    [{ claim: 'web', group: 'tcp', x: { rawJSON: '"web"' } }],
    [{ claim: 'web', group: 'tcp', x: raw[0] ?? null }],
    [{ claim: 'web', group: 'tcp', x: new Date(0) }],
    [{ claim: 'web', group: 'tcp', x: '1970-01-01T00:00:00.000Z' }],
    [{ claim: 'web', group: 'tcp', x: new Map([[1, 2]]) }],
    [{ claim: 'web', group: 'tcp', x: {} }],
    [{ claim: 'web', group: 'tcp', x: new String('s') }],
    [{ claim: 'web', group: 'tcp', x: 's' }],
    [{ claim: 'web', group: 'tcp', toJSON: () => ({ claim: 'web', group: 'tcp' }) }],
    [{ claim: 'web', group: 'tcp', ['__proto__']: 1 }],
    [JSON.parse('{"claim":"web","group":"tcp","__proto__":1}')],
    [new Claim()],
    [nullProto],
    Object.assign([{ claim: 'web', group: 'tcp' }], { extra: 1 }),
    [{ claim: 'web', group: 'tcp' }, { claim: 'db', group: 'tcp' }],
    [{ claim: 'web\u{d800}', group: 'tcp' }],
    [{ claim: 'web', group: 'tcp' }, , { claim: 'db', group: 'tcp' }],
    [{ claim: 'web', group: 'tcp' }, null, { claim: 'db', group: 'tcp' }],
    { 0: { claim: 'web', group: 'tcp' }, length: 1 },
    [], null, 'web', 5, true,
  ];
  for (const a of values) {
    for (const b of values) {
      const json = JSON.parse(JSON.stringify(b) ?? 'null');
      if (sameJson(a, json)) assert.equal(JSON.stringify(a), JSON.stringify(b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }
  }
  // A key only inherited is not one JSON.stringify writes.
  Object.defineProperty(Object.prototype, 'group', { value: 'tcp', enumerable: true, configurable: true });
  try {
    assert.equal(sameJson([{ claim: 'web' }], [{ claim: 'web', group: 'tcp' }]), false);
  } finally {
    delete Object.prototype.group;
  }
  // Plain data is recognised: the fast path is taken at all.
  const plain = [values[0], values[2], values[10], values[24], values[29], [], null, 'web', 5, true];
  for (const a of plain) assert.ok(sameJson(a, JSON.parse(JSON.stringify(a))), JSON.stringify(a));
  // Claims mutated between renders render as the new claims do.
  const claims = [{ claim: 'web', group: 'tcp' }];
  const template = "{{ json_encode($portClaims) }}";
  const groups = { tcp: { ranges: ['50000-50001'] }, udp: { ranges: ['50002-50003'], protocol: 'udp' } };
  const first = renderSync({ template, claims, groups, scope: 'm' });
  claims[0].group = 'udp';
  const second = renderSync({ template, claims, groups, scope: 'm' });
  assert.ok(first.claims.web <= 50001 && second.claims.web >= 50002, `${first.claims.web} then ${second.claims.web}`);
  assert.equal(second.allocated[0].group, 'udp');
  claims.push({ claim: 'db', group: 'tcp' });
  assert.deepEqual(Object.keys(renderSync({ template, claims, groups, scope: 'm' }).claims), ['web', 'db']);
  claims[1].claim = 'web';
  assert.throws(() => renderSync({ template, claims, groups, scope: 'm' }), /web.*declared twice/);
});

// A render reaches the core in one way (Ledger.planTape, the values as a tape): each part of the
// request is judged by the core, in one order (scope, then the values, then the seed).
test('every part of a render request is judged by the core, naming the part', () => {
  const template = "{{ $portClaims['web'] }} {{ $namespace }} {{ $data['a'] ?? '-' }}";
  const cases = [
    [{ seed: 1 }, /^\d+ default -$/],
    [{ scope: 'team', seed: 2, values: { data: { a: 'x' } } }, /^\d+ team x$/],
    [{ scope: null, seed: 8 }, /^\d+ default -$/],
    [{ seed: 6, values: null }, /^\d+ default -$/],
    [{ seed: 7, values: () => 1 }, /^\d+ default -$/],
    [{ seed: 18446744073709551615n, scope: 'max' }, /^\d+ max -$/],
    [{ scope: '', seed: 3 }, { kind: 'config', field: 'scope', message: 'scope: must not be empty' }],
    [{ scope: '', values: 5 }, { kind: 'config', field: 'scope', message: 'scope: must not be empty' }],
    [{ scope: 42, values: 5 }, { kind: 'config', field: 'scope', message: 'scope: must be a string, got 42' }],
    [{ seed: 4, values: 'text' }, { kind: 'config', field: 'values', message: 'values: must be an object of template variables, got "text"' }],
    [{ seed: 5, values: [1] }, { kind: 'config', field: 'values', message: 'values: must be an object of template variables, got an array' }],
    [{ seed: -1, values: [1] }, { kind: 'config', field: 'values', message: 'values: must be an object of template variables, got an array' }],
    [{ seed: -1 }, { kind: 'config', field: 'seed', message: 'seed: must be an integer from 0 to 18446744073709551615, got -1' }],
    [{ seed: 'x' }, { kind: 'config', field: 'seed', message: 'seed: must be an integer from 0 to 18446744073709551615, got x' }],
    [{ seed: 18446744073709551616n }, { kind: 'config', field: 'seed', message: 'seed: must be an integer from 0 to 18446744073709551615, got 18446744073709551616' }],
  ];
  for (const [request, expected] of cases) {
    const what = JSON.stringify(request, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
    if (expected instanceof RegExp) assert.match(renderSync({ template, claims: web, ...request }).output, expected, what);
    else assert.throws(() => renderSync({ template, claims: web, ...request }), expected, what);
  }
  // The same seed draws the same port, whatever else the request holds.
  const port = (request) => renderSync({ template, claims: web, ...request }).claims.web;
  assert.equal(port({ seed: 9 }), port({ seed: 9, values: { data: { a: 1 } } }));
});

test('renderSync refuses a store that answers with promises, at load or at commit', () => {
  const asyncLoad = { load: async () => ({ revision: 0, reservations: [] }), commit: () => 1 };
  assert.throws(() => renderSync({ template: 'x', claims: web, store: asyncLoad }), /renderSync\(\) needs a synchronous store/);
  const store = new MemoryStore();
  const asyncCommit = { load: () => store.load(), commit: async (change) => store.commit(change) };
  assert.throws(() => renderSync({ template: 'x', claims: web, store: asyncCommit }), /renderSync\(\) needs a synchronous store/);
});

test('decide() reserves the ports a render would, rendering nothing', async () => {
  const claims = [{ claim: 'web', group: 'http' }, { claim: 'db', group: 'tcp', preferred_port: 5432 }];
  const rendered = renderSync({ template: "{{ $portClaims['web'] }}", claims, seed: 7, dryRun: true });
  const dry = decideSync({ claims, seed: 7, dryRun: true });
  assert.deepEqual(Object.keys(dry), ['claims', 'allocated', 'released', 'diagnostics']);
  assert.deepEqual(dry.claims, rendered.claims);
  assert.deepEqual(dry.allocated, rendered.allocated);
  assert.equal(dry.claims.db, 5432);

  const store = new MemoryStore();
  const decided = await decide({ claims, scope: 'shop', store });
  assert.deepEqual(decided.allocated.map((r) => [r.scope, r.claim, r.port]), [['shop', 'web', decided.claims.web], ['shop', 'db', 5432]]);
  assert.deepEqual(store.reservations().map((r) => r.claim).sort(), ['db', 'web']);
  // A render of the scope then finds them reserved, and reserves nothing more.
  const again = renderSync({ template: "{{ $portClaims['web'] }}", claims, scope: 'shop', store });
  assert.equal(again.output, String(decided.claims.web));
  assert.deepEqual(again.allocated, []);
  // A dry run decides a new claim and keeps nothing.
  const more = decideSync({ claims: [...claims, { claim: 'cache', group: 'tcp' }], scope: 'shop', store, dryRun: true });
  assert.deepEqual(more.allocated.map((r) => r.claim), ['cache']);
  assert.equal(store.reservations().length, 2);
});

test('decide() fails as a render fails, and commits nothing then', () => {
  const store = new MemoryStore([{ scope: 'a', claim: 'web', group: 'tcp', port: 40000 }]);
  assert.throws(() => decideSync({ claims: [{ claim: 'web', group: 'tcp', preferred_port: 40000, random: false }], scope: 'b', store }), (e) => {
    assert.equal(e.kind, 'claims');
    assert.deepEqual(e.holder, { scope: 'a', claim: 'web' });
    return true;
  });
  assert.throws(() => decideSync({ claims: [{ claim: 'web' }], store }), { kind: 'claims', field: '[0]', message: 'ports.json: [0]: missing "group"' });
  assert.throws(() => decideSync({ claims: [], scope: '' }), { kind: 'config', field: 'scope' });
  assert.throws(() => decideSync({ claims: [], scope: 42 }), { kind: 'config', field: 'scope' });
  assert.equal(store.reservations().length, 1);
});
