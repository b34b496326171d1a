// `renderFolder({ kublade: true })` against what Kublade's pipeline wrote for the same folders
// and inputs (tests/kublade/cases, made by scripts/kublade-fixtures.mjs from
// ../shared/kublade-oracle/kublade.php): the same files byte for byte and the same folders, or a
// failure at the same place (file and step, or field), with Symfony's YAML message where it has one.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as api from '../../js/node.js';
import { compare, readOutput, renderLikeOracle } from '../kublade/harness.mjs';

const CASES = fileURLToPath(new URL('../kublade/cases/', import.meta.url));
const cases = existsSync(CASES) ? readdirSync(CASES).sort() : [];

test('the Kublade fixtures are there, rendering and failing', () => {
  assert.ok(cases.length >= 60, `${cases.length} cases`);
  const rcs = cases.map((name) => readFileSync(join(CASES, name, 'expected', 'rc'), 'utf8').trim());
  assert.ok(rcs.filter((rc) => rc === '0').length >= 30, 'most cases render');
  assert.ok(rcs.filter((rc) => rc === '1').length >= 10, 'some fail in Kublade');
});

test('--kublade writes what Kublade writes, and fails where Kublade fails', () => {
  const differences = [];
  let exact = 0;
  for (const name of cases) {
    const dir = join(CASES, name);
    const values = JSON.parse(readFileSync(join(dir, 'values.json'), 'utf8'));
    const expected = join(dir, 'expected');
    const oracle = {
      rc: Number(readFileSync(join(expected, 'rc'), 'utf8')),
      stderr: readFileSync(join(expected, 'stderr'), 'utf8'),
      output: { files: readOutput(join(expected, 'out')).files, dirs: JSON.parse(readFileSync(join(expected, 'dirs.json'), 'utf8')) },
    };
    const result = compare(renderLikeOracle(api, join(dir, 'template'), values), oracle);
    if (!result.same) differences.push(`${name}: ${result.detail}`);
    else if (result.exactMessage) exact++;
  }
  assert.deepEqual(differences, [], `${differences.length} of ${cases.length} cases differ:\n${differences.join('\n\n')}`);
  // Symfony's message word for word, on almost every case (COMPATIBILITY.md says where not).
  assert.ok(exact >= cases.length - 5, `${exact} of ${cases.length} with Kublade's own message`);
});
