#!/usr/bin/env node
// portclaims: render Kubernetes manifests written in Laravel Blade, reserving the ports they claim.
import { readFileSync, statSync } from 'node:fs';

// main() reports everything it awaits; this is the last line of defence: still one line.
const last = (error) => {
  process.stderr.write(`error: internal error: ${String(error?.message ?? error).split('\n')[0]}\n`);
  process.exit(1);
};
process.on('uncaughtException', last);
process.on('unhandledRejection', last);

process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0); // the reader went away (| head): not an error
});

/**
 * The CLI in one file (pkg/cli.js, see scripts/bundle-cli.mjs) while it is newer than every file
 * it was built from; else, as after an edit or without a build, its sources.
 */
function cliModule() {
  const bundle = new URL('../pkg/cli.js', import.meta.url);
  try {
    const built = statSync(bundle).mtimeMs;
    const inputs = JSON.parse(readFileSync(new URL('../pkg/cli.inputs.json', import.meta.url), 'utf8'));
    if (inputs.every((path) => statSync(new URL(`../${path}`, import.meta.url)).mtimeMs <= built)) return bundle.href;
  } catch {
    // No bundle, or a source gone: the sources.
  }
  return new URL('../js/cli/main.js', import.meta.url).href;
}

const { main } = await import(cliModule());
const code = await main(process.argv.slice(2));
// Let stdout drain (a pipe may be slow) before exiting with the command's status.
process.exitCode = code;
