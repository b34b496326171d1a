// A template folder's inputs, read from texts (an editor's unsaved buffers or the files) with the
// readers `portclaims render DIR` uses: the claims of .kublade/ports.json, the variables from
// .kublade/fields.json's defaults, the reservations of the lock file, the port groups file.
// Everything that is wrong with them comes back as diagnostics in the package's shape
// ({ severity, message, file, range }); what stops a render also as `failures`.
import { buildVariables, diagnosticOfError, parseFields, parseJsonFile, parseJsonOrYaml, parseLockFile, rangeOfPath } from './portclaims.js';

/**
 * `sources`: `{ ports, fields, lock, groups }`, each `{ path, text }` (`path` as messages name the
 * file), `{ path, missing: true }`, `{ path, error }` (it cannot be read), or undefined when the
 * folder has none. `scope` names the
 * deployment, which is also the namespace a template sees (as the CLI does without --namespace).
 */
export function readInputs(sources, { scope }) {
  const failures = [];
  const problems = [];
  for (const [what, source] of [['ports file', sources.ports], ['fields file', sources.fields], ['lock file', sources.lock], ['groups file', sources.groups]]) {
    if (!source?.error) continue;
    const reason = String(source.error.message ?? source.error).split('\n')[0];
    failures.push({ severity: 'error', message: `cannot read the ${what} ${source.path}: ${reason}`, file: source.path, range: wholeFile() });
  }
  const readable = (source) => source && !source.missing && !source.error;
  const fail = (error, path, text, field = error?.field) => {
    const diagnostic = diagnosticOfError(error, path);
    diagnostic.file = path;
    if (!error?.line && field) diagnostic.range = rangeOfPath(text, field) ?? diagnostic.range;
    failures.push(diagnostic);
  };

  let claims = [];
  const ports = sources.ports;
  if (readable(ports)) {
    try {
      claims = parseJsonFile(ports.text, ports.path, 'ports file');
    } catch (error) {
      fail(error, ports.path, ports.text);
    }
  }

  let fields = null;
  const fieldsSource = sources.fields;
  if (readable(fieldsSource)) {
    try {
      fields = parseFields(parseJsonFile(fieldsSource.text, fieldsSource.path, 'fields file'), fieldsSource.path);
    } catch (error) {
      fail(error, fieldsSource.path, fieldsSource.text);
    }
  }
  let variables = {};
  try {
    const built = buildVariables({ fields, values: {}, scope, mode: 'check', fieldsFile: fieldsSource?.path ?? 'fields.json' });
    variables = built.variables;
    for (const problem of built.problems) {
      const field = fields?.find((f) => f.key === problem.field);
      problems.push({
        severity: problem.severity,
        message: problem.message,
        file: fieldsSource?.path ?? 'fields.json',
        range: (field && rangeOfPath(fieldsSource.text, `[${field.index}].key`)) ?? wholeFile(),
        ...(problem.hint ? { hint: problem.hint } : {}),
      });
    }
  } catch (error) {
    fail(error, fieldsSource?.path ?? 'fields.json', fieldsSource?.text);
  }

  let reservations = [];
  const lock = sources.lock;
  if (readable(lock)) {
    try {
      reservations = parseLockFile(lock.text, lock.path);
    } catch (error) {
      // The lock file's fields are paths into an object (reservations[2].port): the line of the
      // element is not worth a second JSON walker here; the message names the field.
      fail(error, lock.path, lock.text, undefined);
    }
  }

  let groups;
  const groupsSource = sources.groups;
  if (groupsSource?.missing) {
    failures.push({ severity: 'error', message: `cannot read the groups file ${groupsSource.path}: no such file`, file: groupsSource.path, range: wholeFile() });
  } else if (readable(groupsSource)) {
    try {
      groups = parseJsonOrYaml(groupsSource.text, groupsSource.path, 'groups file') ?? undefined;
    } catch (error) {
      fail(error, groupsSource.path, groupsSource.text);
    }
  }

  return {
    claims,
    claimsFile: ports?.path,
    claimsText: ports?.text,
    fields,
    fieldsFile: fieldsSource?.path,
    fieldsText: fieldsSource?.text,
    variables,
    reservations,
    lockFile: lock?.path,
    groups,
    groupsFile: groupsSource?.path,
    problems,
    failures,
  };
}

export function wholeFile() {
  return { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
}
