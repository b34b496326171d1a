// Kublade's YAML step (js/kublade/) on rendered texts, against what the Kublade oracle's own
// Symfony parser and dumper made of the same texts (tests/kublade/yaml/expected.json, made by
// scripts/kublade-yaml-cases.mjs): the same file or no file, or a failure with Symfony's message.
// The groups are the shapes testers found differing (document markers, block scalars, plain
// scalars, flow collections…), and whole matrices of each.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { kubladeFile } from '../../js/kublade/deployment.js';

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

for (const [group, cases] of Object.entries(expected)) {
  test(group, () => {
    const differences = [];
    for (const { text, ...want } of cases) {
      const got = outcome(text);
      if (JSON.stringify(got) !== JSON.stringify(want)) differences.push(`${JSON.stringify(text)}\n  kublade:    ${JSON.stringify(want)}\n  portclaims: ${JSON.stringify(got)}`);
    }
    assert.equal(differences.length, 0, `${differences.length} of ${cases.length} differ:\n${differences.slice(0, 20).join('\n')}`);
  });
}
