// Running `../shared/kublade-oracle/kublade.php` (PHP, Debian's php-illuminate-view and
// php-symfony-yaml) on a template folder and a VALUES.json, as the fixture generator and the
// differential run do. The normal test run never calls it.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { readOutput } from '../../tests/kublade/harness.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// `../shared` beside the repository (a worktree sits one folder deeper); KUBLADE_ORACLE overrides.
export const ORACLE =
  process.env.KUBLADE_ORACLE ??
  [resolve(ROOT, '..', 'shared'), resolve(ROOT, '..', '..', 'shared')].map((d) => join(d, 'kublade-oracle', 'kublade.php')).find((p) => existsSync(p)) ??
  resolve(ROOT, '..', 'shared', 'kublade-oracle', 'kublade.php');

export function oracleAvailable() {
  return existsSync(ORACLE);
}

/** `{ rc, stderr, output: { files, dirs } }` of the oracle for a folder and its values. */
export function runOracle(templateDir, values) {
  const work = mkdtempSync(join(tmpdir(), 'portclaims-kublade-oracle-'));
  const valuesFile = join(work, 'values.json');
  writeFileSync(valuesFile, JSON.stringify(values));
  const out = join(work, 'out');
  return new Promise((done, fail) => {
    const child = spawn('php', [ORACLE, templateDir, valuesFile, out], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (rc) => {
      const output = rc === 0 ? readOutput(out) : { files: {}, dirs: [] };
      rmSync(work, { recursive: true, force: true });
      done({ rc, stderr, output });
    });
  });
}

/** Writes `{ 'path': text }` under `dir`. */
export function writeFiles(dir, files) {
  for (const [path, text] of Object.entries(files)) {
    const target = join(dir, ...path.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
}

export { pool } from '../../tests/cli/helpers.mjs';
