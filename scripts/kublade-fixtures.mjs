#!/usr/bin/env node
// Makes tests/kublade/cases/ again from Kublade's pipeline (`../shared/kublade-oracle/kublade.php`):
// the oracle's own test cases, the folders of tests/kublade/extra/ (shapes testers found, each a
// template/ and a values.json), and folders from scripts/kublade/generate.mjs (seeds 1 to N). Each
// case holds template/, values.json and what kublade.php did: expected/rc, expected/stderr (its
// first line), expected/dirs.json (git keeps no empty folder) and expected/out/. The normal test
// run (tests/js/kublade-oracle.test.mjs) compares `--kublade` with them and needs no PHP.
//
//   node scripts/kublade-fixtures.mjs [--count N]
//
// Cases the oracle cannot reproduce (exit 2) are left out.
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { generateCase } from './kublade/generate.mjs';
import { ORACLE, oracleAvailable, pool, runOracle, writeFiles } from './kublade/oracle.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CASES = join(ROOT, 'tests', 'kublade', 'cases');
const { values: args } = parseArgs({ options: { count: { type: 'string', default: '60' } } });
if (!oracleAvailable()) {
  process.stderr.write(`the Kublade oracle is not there (${ORACLE}); set KUBLADE_ORACLE\n`);
  process.exit(2);
}

const sources = [];
const oracleCases = join(dirname(ORACLE), 'tests', 'cases');
for (const name of readdirSync(oracleCases).sort()) {
  sources.push({ name, template: join(oracleCases, name, 'template'), values: JSON.parse(readFileSync(join(oracleCases, name, 'values.json'), 'utf8')) });
}
const extra = join(ROOT, 'tests', 'kublade', 'extra');
for (const name of readdirSync(extra).sort()) {
  sources.push({ name: `extra-${name}`, template: join(extra, name, 'template'), values: JSON.parse(readFileSync(join(extra, name, 'values.json'), 'utf8')) });
}
for (let seed = 1; seed <= Number(args.count); seed++) sources.push({ name: `gen-${seed}`, generated: generateCase(seed) });

rmSync(CASES, { recursive: true, force: true });
let written = 0;
await pool(
  sources.map((source) => async () => {
    const dir = join(CASES, source.name);
    const template = join(dir, 'template');
    mkdirSync(template, { recursive: true });
    if (source.generated) writeFiles(template, source.generated.files);
    else cpSync(source.template, template, { recursive: true });
    const values = source.values ?? source.generated.values;
    const oracle = await runOracle(template, values);
    if (oracle.rc === 2 || values.update || (values.templateBasePath ?? '/') !== '/') {
      rmSync(dir, { recursive: true, force: true });
      return;
    }
    writeFileSync(join(dir, 'values.json'), `${JSON.stringify(values, null, 2)}\n`);
    const expected = join(dir, 'expected');
    mkdirSync(expected, { recursive: true });
    writeFileSync(join(expected, 'rc'), `${oracle.rc}\n`);
    writeFileSync(join(expected, 'stderr'), `${oracle.stderr.split('\n')[0]}\n`);
    writeFileSync(join(expected, 'dirs.json'), `${JSON.stringify(oracle.output.dirs)}\n`);
    writeFiles(join(expected, 'out'), oracle.output.files);
    written++;
  }),
  2,
);
process.stdout.write(`wrote ${written} cases to ${CASES}\n`);

