// Every resource a template can spend is bounded (issue #18, items 1-4), through the npm package:
// each bomb is a `limit` error naming the file, line and column, the WebAssembly core survives
// it, and the next render succeeds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile, MemoryStore, renderSync } from '../../js/node.js';

const ordinary = { template: "ok: {{ strlen(str_repeat('x', 1000)) }}\n", store: new MemoryStore() };

/** Renders `options`, which must fail with a limit error saying `says`; then an ordinary render. */
function limitError(options, says) {
  let error;
  assert.throws(
    () => renderSync({ name: 'bomb.yaml', store: new MemoryStore(), ...options }),
    (e) => {
      error = e;
      return true;
    },
  );
  assert.equal(error.kind, 'limit', error.message);
  assert.match(error.message, says);
  assert.equal(error.file, 'bomb.yaml');
  assert.equal(renderSync(ordinary).output, 'ok: 1000\n', 'the core renders after the limit error');
  return error;
}

test('work inside a PHP function is paid for in fuel', () => {
  const error = limitError(
    {
      template: 'a: 1\nb: {{ count(array_fill(0, 100000, array_fill(0, 100000, 1)), COUNT_RECURSIVE) }}\n',
      limits: { fuel: 2_000_000 },
    },
    /^bomb\.yaml:2:7: fuel limit exceeded in count\(\)/,
  );
  assert.deepEqual([error.line, error.column], [2, 7]);
  limitError(
    {
      template: "{{ count(array_map('md5', array_fill(0, 100000, str_repeat('x', 16000000)))) }}",
      limits: { fuel: 2_000_000 },
    },
    /fuel limit exceeded in array_map\(\)/,
  );
});

test('what a render builds is held to the memory budget, and the core keeps no more than that', () => {
  const error = limitError(
    // Fuel for more work than the budget lets it build: the memory limit answers first.
    { template: "x: {{ count(array_map('strrev', array_fill(0, 1048576, str_repeat('x', 16000000)))) }}\n", limits: { fuel: 50_000_000 } },
    /^bomb\.yaml:1:13: memory limit exceeded in array_map\(\): the values this render builds would take more than 268435456 bytes$/,
  );
  assert.equal(error.sourceLine, "x: {{ count(array_map('strrev', array_fill(0, 1048576, str_repeat('x', 16000000)))) }}");
  // The WebAssembly memory grows to the budget, not to the 4 GiB the bomb asks for.
  assert.ok(process.memoryUsage().external < 768 * 1024 * 1024, `${process.memoryUsage().external} bytes outside the JS heap`);
  // minijinja's own filters, in the Jinja dialect, are held to it too.
  limitError({ template: "{{ 'x' | indent(3000000000) }}", dialect: 'jinja' }, /limit exceeded/);
});

// The default fuel (5,000,000) is thousands of times what a manifest takes, and ends the worst
// builtin bomb in a fraction of a second; a template that needs more asks for it.
test('the default fuel ends a builtin bomb; a template that needs more work asks for more fuel', () => {
  const bomb = compile('{{ count(array_fill(0, 1048576, array_fill(0, 1048576, 1)), COUNT_RECURSIVE) }}');
  assert.throws(() => bomb.render({}), { kind: 'limit', message: /fuel limit exceeded in count\(\)/ });
  const walk = '{{ count(array_fill(0, 1000000, array_fill(0, 20, 1)), COUNT_RECURSIVE) }}';
  assert.throws(() => compile(walk).render({}), { kind: 'limit', message: /fuel limit exceeded/ });
  assert.equal(compile(walk, { limits: { fuel: 50_000_000 } }).render({}), '21000000');
});

test('a template past the size limit is refused before it is parsed', () => {
  const big = `{{ ${'@if('.repeat(1_100_000)}`;
  assert.throws(
    () => compile(big, { name: 'big.yaml' }),
    (e) =>
      e.kind === 'limit' &&
      e.message === `big.yaml: template size limit exceeded: the template is ${big.length} bytes, more than the 4194304 a template may have` &&
      e.file === 'big.yaml' &&
      // About the whole template: no line, and no empty source line to show.
      e.line === undefined &&
      e.sourceLine === undefined,
  );
  assert.equal(compile('a: {{ 1 + 1 }}\n').render(), 'a: 2\n');
});

test('values past the size limit are refused before the core reads them, and nothing is reserved', () => {
  const huge = { data: { blob: 'x'.repeat(17 * 1024 * 1024) } };
  const says = (e) => e.kind === 'limit' && /^template: values limit exceeded: the values are \d+ bytes, more than the 16777216 a render reads$/.test(e.message);
  assert.throws(() => compile("{{ strlen($data['blob']) }}").render(huge), says);
  const store = new MemoryStore();
  assert.throws(() => renderSync({ template: "{{ $portClaims['web'] }}{{ strlen($data['blob']) }}", claims: [{ claim: 'web', group: 'http' }], store, values: huge }), says);
  assert.deepEqual(store.reservations(), []);
  // What a template does not read does not count.
  assert.equal(compile('{{ $namespace }}').render({ namespace: 'ns', ...huge }), 'ns');
});

test('arrays a template builds nest no deeper than the limit', () => {
  const error = limitError(
    { template: 'x: 1\n@for($a = [], $i = 0; $i < 100000; $a = [$a], $i++)\n@endfor\n' },
    /^bomb\.yaml:2:\d+: value nesting limit exceeded in a @for header: the value assigned to \$a nests arrays more than 128 levels deep$/,
  );
  assert.equal(error.line, 2);
});

test('ports.json: a misspelt field is an error naming the claim and the field, with the field meant', () => {
  assert.throws(
    () => renderSync({ template: 'x', claims: [{ group: 'tcp', claim: 'web' }, { group: 'tcp', claim: 'db', prefered_port: 8080 }], store: new MemoryStore() }),
    (e) =>
      e.kind === 'claims' &&
      e.field === '[1].prefered_port' &&
      e.message === 'ports.json: [1].prefered_port: unknown field (did you mean "preferred_port"?)',
  );
  // Kublade's own entries stay accepted, a null preferred port included.
  const claims = [{ group: 'tcp', claim: 'web', preferred_port: null, random: true }];
  assert.ok(renderSync({ template: "{{ $portClaims['web'] }}", claims, store: new MemoryStore() }).claims.web > 0);
});
