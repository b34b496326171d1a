// Error snippets: the offending line with carets under the spot. A long line is cut around the
// column (with `…` where it was cut), and the carets stay under the spot whatever characters come
// before it (tabs, multibyte, wide CJK, emoji).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SNIPPET_WIDTH, snippet } from '../../js/cli/messages.js';
import { run, workspace } from './helpers.mjs';

const plain = (_style, text) => text;

/** The printed source line and caret line, without the gutter (`N | `). */
function shown(options) {
  const lines = snippet(plain, { line: 7, ...options });
  assert.equal(lines.length, 3);
  const body = (l) => l.replace(/^[ 0-9]* \| ?/, '');
  return { text: body(lines[1]), carets: body(lines[2]) };
}

test('a short line is printed whole with the carets under the columns', () => {
  const { text, carets } = shown({ column: 7, endColumn: 10, sourceLine: 'port: {{ $x }}' });
  assert.equal(text, 'port: {{ $x }}');
  assert.equal(carets, '      ^^^');
});

test('a 4,000-character line is cut around the column, and says so', () => {
  const source = `${'a'.repeat(2000)}{{ $data['missing'] }}${'b'.repeat(2000)}`;
  const { text, carets } = shown({ column: 2001, endColumn: 2001 + 24, sourceLine: source });
  assert.ok(text.length <= SNIPPET_WIDTH, `printed ${text.length} characters`);
  assert.ok(text.startsWith('…') && text.endsWith('…'), text);
  const at = text.indexOf('{{');
  assert.ok(at > 1, 'some text before the spot is kept');
  assert.equal(carets, `${' '.repeat(at)}${'^'.repeat(24)}`);
});

test('a spot at the start or the end of a long line is cut on one side only', () => {
  const source = 'x'.repeat(500);
  const start = shown({ column: 1, endColumn: 2, sourceLine: source });
  assert.ok(!start.text.startsWith('…') && start.text.endsWith('…'));
  assert.equal(start.carets, '^');
  const end = shown({ column: 500, endColumn: 501, sourceLine: source });
  assert.ok(end.text.startsWith('…') && !end.text.endsWith('…'));
  assert.equal(end.carets, `${' '.repeat(end.text.length - 1)}^`);
});

test('carets wider than the snippet are cut with the line', () => {
  const source = `key: ${'v'.repeat(1000)}`;
  const { text, carets } = shown({ column: 6, endColumn: 1006, sourceLine: source });
  assert.ok(text.length <= SNIPPET_WIDTH);
  assert.ok(text.startsWith('key: ') && text.endsWith('…'), text);
  assert.equal(carets, `${' '.repeat(5)}${'^'.repeat(text.length - 6)}`, 'carets from the spot to the cut');
});

test('wide characters take two cells, combining marks none, tabs four', () => {
  // 中文 are two cells each, 😀 (outside the BMP: two UTF-16 units, one column) two cells.
  assert.equal(shown({ column: 5, endColumn: 6, sourceLine: 'ab中文{x' }).carets, `${' '.repeat(6)}^`);
  assert.equal(shown({ column: 3, endColumn: 4, sourceLine: '😀 {x' }).carets, '   ^');
  assert.equal(shown({ column: 4, endColumn: 5, sourceLine: 'e\u0301 {x' }).carets, '  ^');
  assert.equal(shown({ column: 2, endColumn: 3, sourceLine: '\t{x' }).carets, '    ^');
  assert.equal(shown({ column: 1, endColumn: 3, sourceLine: '中文' }).carets, '^^^^');
});

test('a long line of wide characters is cut to the same width, carets aligned', () => {
  const source = '中'.repeat(300) + '{x}' + '文'.repeat(300);
  const { text, carets } = shown({ column: 301, endColumn: 304, sourceLine: source });
  const cells = (s) => Array.from(s).reduce((n, c) => n + (/[中文]/.test(c) ? 2 : 1), 0);
  assert.ok(cells(text) <= SNIPPET_WIDTH, `printed ${cells(text)} cells`);
  const before = text.slice(0, text.indexOf('{'));
  assert.equal(carets, `${' '.repeat(cells(before))}^^^`);
});

test('the CLI cuts a long template line in its error', async (t) => {
  const line = `data: "${'z'.repeat(3000)}{{ $data['missing'] }}${'z'.repeat(1000)}"`;
  const dir = workspace(t, { 'template.yaml': `kind: ConfigMap\n${line}\n`, 'ports.json': [] });
  const r = await run(['render', 'template.yaml', '--ports', 'ports.json', '--dry-run'], { cwd: dir });
  assert.equal(r.code, 1);
  const lines = r.stderr.split('\n');
  assert.equal(lines[0], `error: template.yaml:2:${line.indexOf('$data') + 1}: Undefined array key "missing"`);
  const source = lines.find((l) => l.startsWith('2 | '));
  assert.ok(source, r.stderr);
  assert.ok(source.length < SNIPPET_WIDTH + 10, `source line of ${source.length} characters`);
  assert.match(source, /^2 \| …z+\{\{ \$data\['missing'\] \}\}z+…$/);
  const carets = lines[lines.indexOf(source) + 1];
  assert.equal(carets.indexOf('^'), source.indexOf('$data'));
});
