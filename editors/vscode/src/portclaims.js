// What the extension takes from the portclaims package in this repository (two folders up), apart
// from the core's API, which each host loads its own way (host-node.js, host-web.js): the readers
// the CLI uses for ports.json, groups files and the lock file, and the CLI's own mapping of a
// loaded folder to the options of `renderFolder` and `check`, so that a preview and the Problems
// panel see a folder exactly as `portclaims render` and `portclaims check` do. esbuild bundles
// these from the package's sources; the extension holds no copy of them.
export { diagnosticOfError, placeClaimDiagnostic } from '../../../js/check.js';
export { parseJsonFile, parseJsonOrYaml } from '../../../js/cli/inputs.js';
export { rangeOfPath } from '../../../js/cli/json.js';
export { checkOptions, folderOptions, rangeOfFieldsPath } from '../../../js/cli/commands/shared.js';
export { DEFAULT_LOCK_FILE, parseLockFile } from '../../../js/lockfile-store.js';
export { MemoryStore } from '../../../js/store.js';
