#!/usr/bin/env node
// Makes tests/kublade/yaml/expected.json again: for every rendered text of
// tests/kublade/yaml/inputs.json, what Kublade's YAML step does with it, as the Kublade oracle's
// own functions do it (scripts/kublade/yaml-step.php; needs PHP and ../shared/kublade-oracle).
// tests/js/kublade-yaml.test.mjs compares portclaims with it and needs no PHP.
//
//   node scripts/kublade-yaml-cases.mjs
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ORACLE, oracleAvailable } from './kublade/oracle.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIR = join(ROOT, 'tests', 'kublade', 'yaml');
export const NAMESPACE = '0b9e2b4c-4c1e-4bd1-9d0a-3f1f0d1e2a11';
if (!oracleAvailable()) {
  process.stderr.write(`the Kublade oracle is not there (${ORACLE}); set KUBLADE_ORACLE\n`);
  process.exit(2);
}

const inputs = JSON.parse(readFileSync(join(DIR, 'inputs.json'), 'utf8'));
const texts = Object.values(inputs).flat();
// kublade.php's php.ini settings (it would run itself again with them).
const ini = ['short_open_tag=1', 'precision=14', 'serialize_precision=-1', 'date.timezone=UTC'].flatMap((s) => ['-d', s]);
const run = spawnSync('php', [...ini, join(ROOT, 'scripts', 'kublade', 'yaml-step.php'), ORACLE, NAMESPACE], {
  input: JSON.stringify(texts),
  encoding: 'utf8',
  maxBuffer: 1 << 28,
});
if (run.status !== 0) {
  process.stderr.write(run.stderr);
  process.exit(1);
}
const results = JSON.parse(run.stdout);
const expected = {};
let k = 0;
for (const [group, list] of Object.entries(inputs)) expected[group] = list.map((text) => ({ text, ...results[k++] }));
writeFileSync(join(DIR, 'expected.json'), `${JSON.stringify(expected, null, 1)}\n`);
process.stdout.write(`wrote ${texts.length} expectations to ${join(DIR, 'expected.json')}\n`);
