// The CLI's entry: parse, run one command, report. Everything thrown ends here as one message;
// never a JavaScript stack trace, never a Rust panic.
import { setFlagsFromString } from 'node:v8';

import { packageVersion } from '../package-version.js';
import { parseCommandLine } from './args.js';
import { CliError, UsageError, createReporter } from './messages.js';

// A command's module, and what it imports, loads only when that command runs: `--version`,
// `--help` and a usage error load none of them, and no command loads another's.
const COMMANDS = {
  render: async () => (await import('./commands/render.js')).renderCommand,
  check: async () => (await import('./commands/check.js')).checkCommand,
  'claims list': async () => (await import('./commands/claims.js')).claimsListCommand,
  'claims release': async () => (await import('./commands/claims.js')).claimsReleaseCommand,
  'claims prune': async () => (await import('./commands/claims.js')).claimsPruneCommand,
  'store init': async () => (await import('./commands/store.js')).storeInitCommand,
  'store migrate': async () => (await import('./commands/store.js')).storeMigrateCommand,
};

/** Loads the API (and with it the WebAssembly core) only for the commands that need it. */
async function loadApi() {
  // A CLI run is short, and its process exits only once V8 has finished optimising what it
  // started to: V8's baseline wasm compiler alone ends a folder's render sooner than recompiling
  // the core's hot code in the background (the package's larger first tiering budget covers a
  // single template, not a folder).
  setFlagsFromString('--liftoff-only');
  try {
    return await import('../node.js');
  } catch (error) {
    throw new CliError(`cannot load the portclaims core (pkg/portclaims_bg.wasm): ${String(error?.message ?? error).split('\n')[0]}`, {
      hint: 'build it with `npm run build`, or reinstall the package',
    });
  }
}

/**
 * Runs the CLI; resolves to the exit code. `io` replaces the process's streams in tests.
 */
export async function main(argv, io = {}) {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  const reporter = createReporter(stderr, env);

  let parsed;
  try {
    parsed = parseCommandLine(argv);
    if (parsed.command === 'version') {
      stdout.write(`portclaims ${packageVersion()}\n`);
      return 0;
    }
    if (parsed.command === 'help') {
      const { helpText } = await import('./help.js');
      stdout.write(helpText(parsed.topic));
      return 0;
    }
    const context = { stdout, stderr, env, reporter, api: loadApi };
    const command = await COMMANDS[parsed.command]();
    return await command(parsed, context);
  } catch (thrown) {
    // The core is built with panic = "abort": a panic prints nothing and arrives here as a trap
    // (WebAssembly.RuntimeError), which internalError words as a bug of the core.
    const error = thrown instanceof CliError ? thrown : (await import('./commands/shared.js')).internalError(thrown);
    reporter.error(error);
    for (const other of error.others ?? []) reporter.error(other);
    if (error instanceof UsageError) {
      const command = error.command ? `portclaims ${error.command} --help` : 'portclaims --help';
      reporter.write(`Run '${command}' for usage.`);
    }
    return error.exitCode ?? 1;
  }
}
