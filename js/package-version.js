// The package's version, for `portclaims --version`. Read relative to this module, which sits one
// folder below the package's root, as the bundled CLI (pkg/cli.cjs) does: the path holds in both.
import { readFileSync } from 'node:fs';

export function packageVersion() {
  try {
    return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}
