#!/usr/bin/env node
// portclaims: render Kubernetes manifests written in Laravel Blade, reserving the ports they claim.
//
// CommonJS, as is the bundle it runs (pkg/cli.cjs): a process whose entry is an ES module starts
// Node's ES module loader first, which a one-shot run pays for (`npm run bench`, the CLI's rows).
// The sources, ES modules, run only after an edit (see cliModule).
'use strict';
const { readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

// main() reports everything it awaits; this is the last line of defence: still one line.
const last = (error) => {
  process.stderr.write(`error: internal error: ${String(error?.message ?? error).split('\n')[0]}\n`);
  process.exit(1);
};
process.on('uncaughtException', last);
process.on('unhandledRejection', last);

process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0); // the reader went away (| head): not an error
  // A full disk, a closed descriptor: the output is lost, so the run failed. What it reserved
  // stays reserved; the same render prints the same ports again.
  process.stderr.write(`error: cannot write to standard output: ${error.code ?? error.message}\n`);
  process.exit(1);
});

const root = join(__dirname, '..');

/**
 * The CLI in one file (pkg/cli.cjs, see scripts/bundle.mjs) while it is newer than every file
 * it was built from; else, as after an edit or without a build, its sources.
 */
function cliModule() {
  const bundle = join(root, 'pkg', 'cli.cjs');
  try {
    const built = statSync(bundle).mtimeMs;
    const inputs = JSON.parse(readFileSync(join(root, 'pkg', 'cli.inputs.json'), 'utf8'));
    if (inputs.every((path) => statSync(join(root, path)).mtimeMs <= built)) return require(bundle);
  } catch {
    // No bundle, or a source gone: the sources.
  }
  return import(pathToFileURL(join(root, 'js', 'cli', 'main.js')).href);
}

Promise.resolve(cliModule())
  .then(({ main }) => main(process.argv.slice(2)))
  .then((code) => {
    // Let stdout drain (a pipe may be slow) before exiting with the command's status.
    process.exitCode = code;
  }, last);
