#!/usr/bin/env node
// `npm test` of the extension (and a step of the repository's `npm test`): its dependencies
// (installed here on a fresh clone), the unit tests under Node's test runner, the .vsix made as
// `npm run package` makes it, then the end-to-end tests in real VS Code (code-server, installed
// once into a cache folder outside the repository) driven in Debian's Chromium.
//   --unit-only    skip packaging and the end-to-end tests
//   --e2e-only     skip the unit tests
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const extension = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = (flag) => process.argv.includes(flag);

function run(name, command, args, env = {}) {
  process.stdout.write(`\n--- vscode: ${name}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: extension, stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    process.stdout.write(`--- vscode: ${name} failed after ${seconds}s\n`);
    process.exit(result.status ?? 1);
  }
  process.stdout.write(`--- vscode: ${name} passed in ${seconds}s\n`);
}

/** `npm ci` when node_modules is missing or older than the lock file. */
function ensureDependencies() {
  const installed = join(extension, 'node_modules', '.package-lock.json');
  const lock = join(extension, 'package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  run('npm ci', process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error']);
}

const tests = (dir, suffix) =>
  readdirSync(join(extension, dir))
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => join(dir, f));

ensureDependencies();
if (!only('--e2e-only')) run('unit tests', process.execPath, ['--test', ...tests('test/unit', '.test.mjs')]);
if (!only('--unit-only')) {
  const { packageExtension } = await import('./package.mjs');
  const vsix = await packageExtension({ quiet: true });
  process.stdout.write(`\n--- vscode: packaged ${vsix.slice(extension.length + 1)} (${(statSync(vsix).size / 1024).toFixed(0)} KiB)\n`);
  const { name, version } = JSON.parse(readFileSync(join(extension, 'package.json'), 'utf8'));
  if (!vsix.endsWith(`${name}-${version}.vsix`)) throw new Error(`unexpected package name ${vsix}`);
  const { codeServerDir, ensureCodeServer } = await import('../test/e2e/code-server.mjs');
  ensureCodeServer(codeServerDir());
  run('end-to-end tests in code-server', process.execPath, ['--test', '--test-concurrency=1', ...tests('test/e2e', '.e2e.mjs')], { PORTCLAIMS_VSIX: vsix });
}
