#!/usr/bin/env node
// `npm test`: every test, in the order that fails fastest. Stops at the first failing step.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const testFiles = (dir) =>
  existsSync(join(root, dir))
    ? readdirSync(join(root, dir)).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => join(dir, f))
    : [];

const steps = [
  ['rustfmt', 'cargo', ['fmt', '--check']],
  ['clippy', 'cargo', ['clippy', '--all-targets', '--', '-D', 'warnings']],
  ['clippy (wasm bindings)', 'cargo', ['clippy', '--lib', '--target', 'wasm32-unknown-unknown', '--', '-D', 'warnings']],
  ['rust tests', 'cargo', ['test', '--quiet']],
  ['wasm build', 'node', ['scripts/build.mjs']],
  // The CLI tests run bin/portclaims.cjs, which runs its bundle while it is up to date.
  ['bundles (the Node entry, the CLI)', 'node', ['scripts/bundle.mjs']],
  ['package and CLI tests', 'node', ['--test', ...testFiles('tests/js'), ...testFiles('tests/cli')]],
  // Real etcd and PostgreSQL servers, started by the tests on loopback ports: one file at a time.
  ['store tests (etcd, PostgreSQL)', 'node', ['--test', '--test-concurrency=1', ...testFiles('tests/stores')]],
  ['browser tests', 'node', ['--test', '--test-concurrency=1', ...testFiles('tests/browser')]],
  ['VS Code extension (unit tests, .vsix, end to end in code-server)', 'node', ['editors/vscode/scripts/test.mjs']],
];

for (const [name, command, args] of steps) {
  if (command === 'node' && args[0] === '--test' && !args.some((a) => a.endsWith('.test.mjs'))) continue;
  process.stdout.write(`\n=== ${name}: ${command} ${args.join(' ')}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    process.stdout.write(`\n=== ${name} failed after ${seconds}s\n`);
    process.exit(result.status ?? 1);
  }
  process.stdout.write(`=== ${name} passed in ${seconds}s\n`);
}
