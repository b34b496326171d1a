// Renders as `portclaims render DIR` does, but in a dry run: the folder's claims are decided once
// against the reservations (nothing is written), then each template renders with those ports.
// `api` is the package's API (render, compile, check), as a host loaded it.
import { diagnosticOfError, placeClaimDiagnostic, rangeOfPath } from './portclaims.js';
import { wholeFile } from './inputs.js';

/**
 * The ports of the folder's claims, decided in a dry run: `{ ports, fresh }` (claim → port, and
 * the claims no reservation holds yet, whose port is the one a render would draw), or
 * `{ failure }`, a diagnostic.
 */
export function decideClaims(api, inputs, { scope, seed, store }) {
  if (inputs.failures.length > 0) return { failure: inputs.failures[0] };
  try {
    const result = api.renderSync({
      template: '',
      name: inputs.claimsFile ?? 'ports.json',
      claims: inputs.claims,
      values: inputs.variables,
      scope,
      store,
      groups: inputs.groups,
      seed,
      dryRun: true,
    });
    const claimsFile = inputs.claimsFile ?? 'ports.json';
    return {
      ports: result.claims,
      fresh: new Set(result.allocated.map((r) => r.claim)),
      diagnostics: (result.diagnostics ?? []).map((d) => placeClaimDiagnostic(d, claimsFile, inputs.claimsText)),
    };
  } catch (error) {
    return { failure: placeError(error, inputs, inputs.claimsFile ?? 'ports.json') };
  }
}

/**
 * One template rendered with the decided ports: `{ output, references }` or `{ failure }`.
 * `references` are the template's `$portClaims['name']` uses, with their ranges.
 */
export function renderTemplate(api, inputs, decision, { path, text }, { dialect, whitespace } = {}) {
  if (decision.failure) return { failure: decision.failure };
  let compiled;
  try {
    compiled = api.compile(text, clean({ name: path, dialect, whitespace }));
    const references = compiled.claimReferences();
    const output = compiled.render({ ...inputs.variables, portClaims: decision.ports });
    return { output, references };
  } catch (error) {
    return { failure: placeError(error, inputs, path) };
  } finally {
    compiled?.free();
  }
}

/** The claims a template uses, once each, in order. */
export function templateReferences(api, text, { dialect, whitespace } = {}) {
  let compiled;
  try {
    compiled = api.compile(text, clean({ dialect, whitespace }));
    return compiled.claimReferences();
  } catch {
    return [];
  } finally {
    compiled?.free();
  }
}

/**
 * `portclaims check`'s diagnostics for a folder's templates (`files`: `{ path, text }`), its
 * claims and its fields, plus the problems of its inputs. When an input cannot be read, only its
 * failure is reported, as the CLI reports only that.
 */
export function checkFolder(api, inputs, files, { scope, seed, store, dialect, whitespace }) {
  if (inputs.failures.length > 0) return [...inputs.failures, ...inputs.problems];
  const diagnostics = api.check(
    clean({
      files: files.map((f) => ({ path: f.path, template: f.text })),
      claims: inputs.claims,
      claimsFile: inputs.claimsFile,
      claimsText: inputs.claimsText,
      values: inputs.variables,
      groups: inputs.groups,
      scope,
      store,
      seed,
      dialect,
      whitespace,
    }),
  );
  return [...inputs.problems, ...diagnostics];
}

/**
 * A diagnostic for an error the API threw, in the file it is about: the template's errors carry
 * their position; a claim's field (`[2].group`) points into ports.json, a group's (`tcp.ranges`)
 * names the groups file.
 */
export function placeError(error, inputs, file) {
  const diagnostic = diagnosticOfError(error, file);
  if (error?.line || error?.kind !== 'claims') return diagnostic;
  const field = typeof error.field === 'string' ? error.field : undefined;
  if (field !== undefined && !field.startsWith('[') && inputs.groupsFile) {
    return { ...diagnostic, file: inputs.groupsFile, range: wholeFile() };
  }
  const claimsFile = inputs.claimsFile ?? 'ports.json';
  return { ...diagnostic, file: claimsFile, range: (field && rangeOfPath(inputs.claimsText, field)) ?? wholeFile() };
}

function clean(object) {
  const copy = {};
  for (const [key, value] of Object.entries(object)) if (value !== undefined && value !== '') copy[key] = value;
  return copy;
}
