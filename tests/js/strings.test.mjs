import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile, MemoryStore, renderSync } from '../../js/node.js';

// Strings with non-ASCII characters at the start, inside and at the end, with two-, three- and
// four-byte characters, long runs around them, and the replacement of a lone surrogate.
const strings = [
  '',
  'plain ascii',
  'é',
  'ab é cd',
  'abc🚀',
  '🚀abc',
  'naïve café — 日本語 ✓',
  'x'.repeat(1000) + 'ß' + 'y'.repeat(1000),
  '\u{10FFFF}\u0080\u07FF\u0800\uFFFF',
];

test('template text and values cross into the core and back unchanged, whatever their characters', () => {
  for (const s of strings) {
    assert.equal(compile(`<${s}>`).render({}), `<${s}>`, JSON.stringify(s));
    assert.equal(compile("{!! $data['s'] !!}|{{ strlen($data['s']) }}").render({ data: { s } }), `${s}|${Buffer.byteLength(s)}`, JSON.stringify(s));
  }
  // A lone surrogate is not text: TextEncoder writes U+FFFD for it, as wasm-bindgen does.
  assert.equal(compile('<\uD800>').render({}), '<\uFFFD>');
});

test('claim and scope names cross unchanged, whatever their characters', () => {
  const store = new MemoryStore();
  // Names may not hold control characters, U+0080 among them; U+00A0 is two bytes of UTF-8 too.
  const names = strings.map((s) => s.replace('\u0080', '\u00a0'));
  for (const [i, s] of names.entries()) {
    const claim = `c${s}`;
    const result = renderSync({ template: `{{ $portClaims['${claim.replaceAll("'", "\\'")}'] }}`, claims: [{ claim, group: 'tcp' }], store, scope: `scope ${s}`, seed: i });
    assert.equal(result.output, String(result.claims[claim]), JSON.stringify(s));
    assert.deepEqual(result.allocated.map((r) => [r.scope, r.claim]), [[`scope ${s}`, claim]]);
  }
  assert.deepEqual(new Set(store.reservations().map((r) => r.scope)), new Set(names.map((s) => `scope ${s}`)));
});
