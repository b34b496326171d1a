// What the extension takes from the portclaims package in this repository (two folders up), apart
// from the core's API, which each host loads its own way (host-node.js, host-web.js): the readers
// the CLI uses for ports.json, fields.json, groups files and the lock file, so that a preview reads
// them exactly as `portclaims render` does. esbuild bundles these from the package's sources; the
// extension holds no copy of them.
export { diagnosticOfError, placeClaimDiagnostic } from '../../../js/check.js';
export { parseJsonFile, parseJsonOrYaml } from '../../../js/cli/inputs.js';
export { rangeOfPath } from '../../../js/cli/json.js';
export { buildVariables, parseFields } from '../../../js/cli/fields.js';
export { DEFAULT_LOCK_FILE, parseLockFile } from '../../../js/lockfile-store.js';
export { MemoryStore } from '../../../js/store.js';
