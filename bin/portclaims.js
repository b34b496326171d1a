#!/usr/bin/env node
// portclaims: render Kubernetes manifests written in Laravel Blade, reserving the ports they claim.
import { main } from '../js/cli/main.js';

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

const code = await main(process.argv.slice(2));
// Let stdout drain (a pipe may be slow) before exiting with the command's status.
process.exitCode = code;
