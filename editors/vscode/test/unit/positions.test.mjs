// portclaims counts columns in characters, VS Code in UTF-16 units.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { editorRange, rangeContains, utf16Offset } from '../../src/positions.js';

const range = (line, column, endLine, endColumn) => ({ start: { line, column }, end: { line: endLine, column: endColumn } });

test('columns count characters: an emoji is one column but two UTF-16 units', () => {
  const line = 'name: 🚀 {{ $x }}';
  assert.equal(utf16Offset(line, 1), 0);
  assert.equal(utf16Offset(line, 7), 6); // the rocket
  assert.equal(utf16Offset(line, 8), 8); // the space after it: 7 characters, 8 units before it
  assert.equal(line.slice(utf16Offset(line, 9)), '{{ $x }}');
  assert.equal(utf16Offset(line, 99), line.length);
});

test('ranges become 0-based, clamped to the text, and never empty', () => {
  const lines = ['a: {{ $x }}', 'b: 1'];
  assert.deepEqual(editorRange(range(1, 4, 1, 12), lines), { startLine: 0, startCharacter: 3, endLine: 0, endCharacter: 11 });
  assert.deepEqual(editorRange(range(1, 1, 1, 1), lines), { startLine: 0, startCharacter: 0, endLine: 0, endCharacter: 1 });
  assert.deepEqual(editorRange(range(9, 1, 9, 3), lines), { startLine: 1, startCharacter: 0, endLine: 1, endCharacter: 2 });
  assert.deepEqual(editorRange({ start: { line: 2, column: 3 } }, lines), { startLine: 1, startCharacter: 2, endLine: 1, endCharacter: 3 });
});

test('a position is inside a range up to, not including, its end', () => {
  const lines = ["port: {{ $portClaims['web'] }}"];
  const reference = range(1, 10, 1, 28);
  assert.ok(rangeContains(reference, lines, { line: 0, character: 9 }));
  assert.ok(rangeContains(reference, lines, { line: 0, character: 26 }));
  assert.ok(!rangeContains(reference, lines, { line: 0, character: 27 }));
  assert.ok(!rangeContains(reference, lines, { line: 0, character: 8 }));
  assert.ok(!rangeContains(reference, lines, { line: 1, character: 10 }));
});
