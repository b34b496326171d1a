// What changes files, on the desktop: "Render Folder…" runs the CLI's `render` command itself
// (`portclaims render DIR --out OUT --lock LOCK --scope S --seed N --json`), so that it writes
// what the CLI writes; releasing and re-rolling go through the API with the CLI's LockFileStore.
import { parseCommandLine } from '../../../js/cli/args.js';
import { renderCommand } from '../../../js/cli/commands/render.js';
import { createReporter } from '../../../js/cli/messages.js';
import { LockFileStore } from '../../../js/lockfile-store.js';

/** `loadApi()` resolves to the package's API. */
export function createWriter(loadApi) {
  const storeOf = (lockFile) => new LockFileStore(lockFile);
  return {
    /** Renders a template folder (or file) into `out`; resolves to the CLI's --json report. */
    async renderFolder({ target, out, lockFile, scope, seed, groupsFile, dialect, whitespace }) {
      const argv = ['render', target, '--out', out, '--lock', lockFile, '--scope', scope, '--json'];
      if (seed !== undefined) argv.push('--seed', String(seed));
      if (groupsFile) argv.push('--groups', groupsFile);
      if (dialect) argv.push('--dialect', dialect);
      if (whitespace) argv.push('--whitespace', whitespace);
      const stdout = collector();
      const stderr = collector();
      const env = { NO_COLOR: '1' };
      const api = await loadApi();
      await renderCommand(parseCommandLine(argv), { stdout, stderr, env, reporter: createReporter(stderr, env), api: async () => api });
      return { ...JSON.parse(stdout.text()), warnings: stderr.text() };
    },

    /** Releases a scope, or one claim of it. */
    async release({ lockFile, scope, claim, groups }) {
      const api = await loadApi();
      return api.release({ store: storeOf(lockFile), scope, ...(claim === undefined ? {} : { claim }), ...(groups ? { groups } : {}) });
    },

    /** Releases a claim and reserves it again: `{ before, after }` (its ports). */
    async reroll({ lockFile, scope, declaration, groups }) {
      const api = await loadApi();
      const store = storeOf(lockFile);
      const { released } = await api.release({ store, scope, claim: declaration.claim, ...(groups ? { groups } : {}) });
      const result = await api.decide({ claims: [declaration], scope, store, ...(groups ? { groups } : {}) });
      return { before: released[0]?.port, after: result.claims[declaration.claim] };
    },
  };
}

function collector() {
  const chunks = [];
  return { write: (chunk) => chunks.push(String(chunk)), text: () => chunks.join(''), isTTY: false };
}
