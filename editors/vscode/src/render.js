// A template folder through the package, as `portclaims render DIR --dry-run` and
// `portclaims check DIR` see it: the texts the extension read become the input the CLI's loader
// returns, the CLI's own folderOptions/checkOptions turn it into the API's options, and the
// package's one folder renderer (renderFolderSync) and check() do the rest. Nothing here knows a
// rule of fields, values, claims or templates. `api` is the package's API, as a host loaded it.
import { checkOptions, diagnosticOfError, folderOptions, placeClaimDiagnostic, rangeOfFieldsPath, rangeOfPath } from './portclaims.js';
import { wholeFile } from './inputs.js';

/**
 * The folder as the CLI's loader (loadTemplateInput) returns it, for `files` (`{ path, text }`,
 * `path` relative to the folder, which is also how messages name the file).
 */
export function folderInput(inputs, files) {
  return {
    kind: 'folder',
    files: files.map((f) => ({ path: f.path, name: f.path, template: f.text })),
    dirs: [],
    claims: inputs.claims,
    claimsFile: inputs.claimsFile,
    claimsText: inputs.claimsText,
    fieldsFile: inputs.fieldsFile,
    fieldsText: inputs.fieldsText,
    groups: inputs.groups,
    groupsFile: inputs.groupsFile,
    values: {}, // a preview, like a render without --values or --set
  };
}

/** The command-line options the settings stand for: `--scope`, `--seed`, `--dialect`, `--whitespace`. */
function commandLine({ scope, seed, dialect, whitespace }) {
  return { scope, seed, dialect, whitespace };
}

/** renderFolderSync in a dry run: `{ result, decision }`; throws what it throws. */
function dryRun(api, inputs, files, options) {
  const result = api.renderFolderSync({ ...folderOptions(folderInput(inputs, files), commandLine(options)), store: options.store, dryRun: true });
  const claimsFile = inputs.claimsFile ?? 'ports.json';
  const decision = {
    ports: result.claims,
    fresh: new Set(result.allocated.map((r) => r.claim)),
    // As `portclaims render` reports them: the claims' at their claim in ports.json.
    diagnostics: (result.diagnostics ?? []).map((d) => (d.claim !== undefined || d.file === undefined ? placeClaimDiagnostic(d, claimsFile, inputs.claimsText) : d)),
  };
  return { result, decision };
}

/**
 * The ports of the folder's claims, decided in a dry run: `{ ports, fresh, diagnostics }` (claim →
 * port, and the claims no reservation holds yet, whose port is the one a render would draw), or
 * `{ failure }`, a diagnostic. `options`: `{ scope, seed, store }`.
 */
export function decideClaims(api, inputs, options) {
  if (inputs.failures.length > 0) return { failure: inputs.failures[0] };
  try {
    // The folder without its files and fields: the ports depend on the claims, the groups, the
    // reservations, the scope and the seed alone, so lenses and hovers show them even while
    // fields.json is broken.
    return dryRun(api, { ...inputs, fieldsFile: undefined, fieldsText: undefined }, [], options).decision;
  } catch (error) {
    return { failure: placeError(error, inputs, inputs.claimsFile ?? 'ports.json') };
  }
}

/**
 * One template of the folder rendered as `portclaims render DIR --dry-run` renders it:
 * `{ output, decision }` or `{ failure }`. `options`: `{ scope, seed, store, dialect, whitespace }`.
 */
export function renderTemplate(api, inputs, { path, text }, options) {
  if (inputs.failures.length > 0) return { failure: inputs.failures[0] };
  try {
    const { result, decision } = dryRun(api, inputs, [{ path, text }], options);
    return { output: result.files[0].output, decision };
  } catch (error) {
    return { failure: placeError(error, inputs, path) };
  }
}

/** The claims a template uses, `[{ name, range }]`, in order; none when it does not compile. */
export function templateReferences(api, text, { dialect, whitespace } = {}) {
  let compiled;
  try {
    const options = {};
    if (dialect) options.dialect = dialect;
    if (whitespace) options.whitespace = whitespace;
    compiled = api.compile(text, options);
    return compiled.claimReferences();
  } catch {
    return [];
  } finally {
    compiled?.free();
  }
}

/**
 * `portclaims check`'s diagnostics for a folder's templates (`files`: `{ path, text }`), its
 * claims and its fields. When an input cannot be read, only its failure is reported, as the CLI
 * reports only that. `options`: `{ scope, seed, store, dialect, whitespace }`.
 */
export function checkFolder(api, inputs, files, options) {
  if (inputs.failures.length > 0) return inputs.failures;
  return api.check(checkOptions(folderInput(inputs, files), commandLine(options), options.store));
}

/**
 * A diagnostic for an error the API threw, in the file it is about: the template's errors carry
 * their position, the fields' their path in fields.json; a claim's field (`[2].group`) points
 * into ports.json, a group's (`tcp.ranges`) names the groups file.
 */
export function placeError(error, inputs, file) {
  const diagnostic = diagnosticOfError(error, file);
  if (error?.line) return diagnostic;
  if (Array.isArray(error?.problems) && error.kind === 'fields') {
    return { ...diagnostic, range: rangeOfFieldsPath(inputs.fieldsText, error.path) ?? diagnostic.range };
  }
  if (error?.kind !== 'claims') return diagnostic;
  const field = typeof error.field === 'string' ? error.field : undefined;
  if (field !== undefined && !field.startsWith('[') && inputs.groupsFile) {
    return { ...diagnostic, file: inputs.groupsFile, range: wholeFile() };
  }
  const claimsFile = inputs.claimsFile ?? 'ports.json';
  return { ...diagnostic, file: claimsFile, range: (field && rangeOfPath(inputs.claimsText, field)) ?? wholeFile() };
}
