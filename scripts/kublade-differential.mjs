#!/usr/bin/env node
// Differential run of `--kublade` against Kublade's pipeline (`../shared/kublade-oracle`): random
// template folders and inputs (scripts/kublade/generate.mjs) rendered by both; prints how many
// agreed and the differences. Rerun with other seeds to look further:
//
//   node scripts/kublade-differential.mjs [--from SEED] [--count N] [--verbose]
//
// Agreement: the same files byte for byte (and the same folders), or a failure at the same place
// (the same file and step, or the same field); exact Symfony messages are counted apart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import * as api from '../js/node.js';
import { compare, renderLikeOracle } from '../tests/kublade/harness.mjs';
import { generateCase } from './kublade/generate.mjs';
import { oracleAvailable, pool, runOracle, writeFiles } from './kublade/oracle.mjs';

const { values: args } = parseArgs({
  options: { from: { type: 'string', default: '1000' }, count: { type: 'string', default: '200' }, verbose: { type: 'boolean' } },
});
if (!oracleAvailable()) {
  process.stderr.write('the Kublade oracle (../shared/kublade-oracle/kublade.php) is not there\n');
  process.exit(2);
}
const from = Number(args.from);
const count = Number(args.count);
const tally = { same: 0, exact: 0, differ: 0, unsupported: 0, failing: 0 };
const differences = [];
await pool(
  Array.from({ length: count }, (_, i) => async () => {
    const c = generateCase(from + i);
    const dir = mkdtempSync(join(tmpdir(), 'portclaims-kublade-diff-'));
    try {
      writeFiles(dir, c.files);
      const oracle = await runOracle(dir, c.values);
      if (oracle.rc === 2) {
        tally.unsupported++;
        return;
      }
      if (oracle.rc !== 0) tally.failing++;
      const result = compare(renderLikeOracle(api, dir, c.values), oracle);
      if (result.same) {
        tally.same++;
        if (result.exactMessage) tally.exact++;
        else if (args.verbose) differences.push(`${c.name}: same failure, Symfony's message differs: ${result.detail}`);
      } else {
        tally.differ++;
        differences.push(`${c.name}: ${result.detail}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }),
  2,
);
for (const d of differences) process.stdout.write(`${d}\n\n`);
const compared = tally.same + tally.differ;
process.stdout.write(
  `seeds ${from}-${from + count - 1}: ${tally.same} of ${compared} folders agree (${tally.failing} of them fail in Kublade; ${tally.exact} with the same message), ` +
    `${tally.differ} differ, ${tally.unsupported} the oracle cannot reproduce\n`,
);
process.exit(tally.differ ? 1 : 0);
