// Kublade's YAML step (js/kublade/) on rendered texts, against what the Kublade oracle's own
// Symfony parser and dumper made of the same texts (tests/kublade/yaml/expected.json, made by
// scripts/kublade-yaml-cases.mjs): the same file or no file, or a failure with Symfony's message.
// The groups are the shapes testers found differing (document markers, block scalars, plain
// scalars, flow collections…), and whole matrices of each.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { kubladeFile } from '../../js/kublade/deployment.js';
import * as api from '../../js/node.js';

const NAMESPACE = '0b9e2b4c-4c1e-4bd1-9d0a-3f1f0d1e2a11';
const expected = JSON.parse(readFileSync(new URL('../kublade/yaml/expected.json', import.meta.url), 'utf8'));

function outcome(text) {
  try {
    return { file: kubladeFile('a.yaml', text, NAMESPACE) };
  } catch (error) {
    if (error.kind !== 'kublade') throw error;
    return { error: error.message.replace(/^a\.yaml: YAML: /, '') };
  }
}

// The oracle runs symfony/yaml 5.4, which lets PHP's DateTime exception through where Kublade's
// 7.2.6 wraps it in its own ParseException: the same failure, 7.2's words (as the fixtures have them).
function as72(want, text) {
  if (!want.error?.startsWith('Failed to parse time string (')) return want;
  const scalar = /^Failed to parse time string \((.*)\) at position/.exec(want.error)[1];
  const line = text.split('\n').findIndex((l) => l.includes(scalar));
  return { error: `The date "${scalar}" could not be parsed as it is an invalid date at line ${line + 1} (near "${text.split('\n')[line]}").` };
}

for (const [group, cases] of Object.entries(expected)) {
  test(group, () => {
    const differences = [];
    for (const { text, ...expectation } of cases) {
      const want = as72(expectation, text);
      const got = outcome(text);
      if (JSON.stringify(got) !== JSON.stringify(want)) differences.push(`${JSON.stringify(text)}\n  kublade:    ${JSON.stringify(want)}\n  portclaims: ${JSON.stringify(got)}`);
    }
    assert.equal(differences.length, 0, `${differences.length} of ${cases.length} differ:\n${differences.slice(0, 20).join('\n')}`);
  });
}

// What the YAML step may spend (README's Limits): aliases and nesting cost time and memory that
// the render's own limits do not see.
const render = (files, options = {}) =>
  api.renderFolderSync({
    files: Object.entries(files).map(([path, template]) => ({ path, template })),
    fields: '[]',
    claims: [],
    namespace: NAMESPACE,
    store: new api.MemoryStore(),
    kublade: true,
    dryRun: true,
    ...options,
  });
const limitIn = (file, pattern) => (e) => e.kind === 'limit' && e.file === file && e.message.startsWith(`${file}: `) && pattern.test(e.message);

/** `a0: &a0 [x, …]`, then each level a list of ten aliases of the one before. */
function aliasBomb(levels) {
  const lines = ['a0: &a0 [x,x,x,x,x,x,x,x,x,x]'];
  for (let i = 1; i < levels; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(',')}]`);
  return `${lines.join('\n')}\n`;
}

test('an alias bomb ends at the output limit, naming the file', () => {
  const started = Date.now();
  assert.throws(() => render({ 'bomb.yaml': aliasBomb(9) }), limitIn('bomb.yaml', /larger than the 16777216-byte output limit \(maxOutputBytes\)/));
  assert.ok(Date.now() - started < 20000, 'ends in seconds');
  // The render's own limit holds the dump too, and what fits is written.
  assert.throws(() => render({ 'bomb.yaml': aliasBomb(3) }, { limits: { maxOutputBytes: 1000 } }), limitIn('bomb.yaml', /1000-byte output limit/));
  const written = render({ 'bomb.yaml': aliasBomb(2) }, { limits: { maxOutputBytes: 1000 } }).files.find((f) => f.path === 'bomb.yaml').output;
  assert.ok(written.startsWith('---\na0:\n  - x\n') && written.length <= 1000);
});

test('YAML nests at most 128 levels, in blocks and in flow collections', () => {
  const nested = (depth) => Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' 1\n';
  assert.ok(render({ 'a.yaml': nested(100) }).files.some((f) => f.path === 'a.yaml'));
  assert.throws(() => render({ 'a.yaml': nested(200) }), limitIn('a.yaml', /nests deeper than 128 levels/));
  assert.throws(() => render({ 'a.yaml': `k: ${'['.repeat(200)}${']'.repeat(200)}\n` }), limitIn('a.yaml', /nests deeper than 128 levels/));
});

test('the lines nested blocks hold are bounded: blank lines deep in a document cost once per level', () => {
  let deep = '';
  for (let i = 0; i < 120; i++) deep += `${' '.repeat(i)}k${i}:\n`;
  const text = `${deep}${' '.repeat(120)}x: |\n${'\n'.repeat(150000)}${' '.repeat(122)}y\n`;
  assert.throws(() => render({ 'a.yaml': text }), limitIn('a.yaml', /nested blocks hold more than 16777216 lines in all/));
});

test('the YAML step takes time in proportion to the document (100,000 list items, 50,000 keys)', () => {
  const started = Date.now();
  const list = render({ 'a.yaml': '{{ str_repeat("- a\\n", 100000) }}' }).files.find((f) => f.path === 'a.yaml').output;
  assert.equal(list, `---\n${'- a\n'.repeat(100000)}`);
  const map = render({ 'b.yaml': '@foreach(range(1, 50000) as $i)\nk{{ $i }}: v\n@endforeach\n' }).files.find((f) => f.path === 'b.yaml').output;
  assert.ok(map.endsWith('k50000: v\n'));
  // A generous bound: a quadratic step would pass it many times over.
  assert.ok(Date.now() - started < 10000, `${Date.now() - started} ms`);
});

test('check --kublade reports what Kublade refuses, not what only the YAML grammar refuses', () => {
  const errors = (template) =>
    api.check({ files: [{ path: 'a.yaml', template }], fields: '[]', claims: [], kublade: true }).filter((d) => d.severity === 'error').map((d) => d.message);
  // Symfony reads `redis:` as a string; a `---` left alone by an @if is an empty document; the
  // second message's line is Symfony's (it counts from the stripped comment).
  assert.deepEqual(errors('env:\n  - name: PREFIX\n    value: redis:\n'), []);
  assert.deepEqual(errors('---\n@if(false)\nkind: Ingress\n@endif\n'), []);
  assert.deepEqual(errors('# licence\n\n---\nkind: Ingress\n'), ['Kublade fails here: YAML: Multiple documents are not supported at line 2 (near "---").']);
});
