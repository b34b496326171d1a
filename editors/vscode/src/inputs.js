// A template folder's inputs, read from texts (an editor's unsaved buffers or the files) with the
// readers `portclaims render DIR` uses: the claims of .kublade/ports.json, the reservations of the
// lock file (judged by the core under the port groups, so the core must be loaded), the port
// groups file. .kublade/fields.json is kept as text: what its fields mean is
// the core's business (renderFolder and check read it). What stops a render comes back as
// `failures`, diagnostics in the package's shape ({ severity, message, file, range }).
import { diagnosticOfError, parseJsonFile, parseJsonOrYaml, parseLockFile, rangeOfPath } from './portclaims.js';

/** The preset `portclaims.groupsFile` may name instead of a file, as `--groups kublade` does. */
export const GROUPS_PRESET = 'kublade';

/**
 * `sources`: `{ ports, fields, lock, groups }`, each `{ path, text }` (`path` as messages name the
 * file), `{ path, missing: true }`, `{ path, error }` (it cannot be read), or undefined when the
 * folder has none; `groups` may also be `{ preset }`, the groups the core knows by that name.
 */
export function readInputs(sources) {
  const failures = [];
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

  let groups;
  const groupsSource = sources.groups;
  if (groupsSource?.preset !== undefined) {
    groups = groupsSource.preset;
  } else if (groupsSource?.missing) {
    failures.push({ severity: 'error', message: `cannot read the groups file ${groupsSource.path}: no such file`, file: groupsSource.path, range: wholeFile() });
  } else if (readable(groupsSource)) {
    try {
      groups = parseJsonOrYaml(groupsSource.text, groupsSource.path, 'groups file') ?? undefined;
    } catch (error) {
      fail(error, groupsSource.path, groupsSource.text);
    }
  }

  let reservations = [];
  const lock = sources.lock;
  if (readable(lock)) {
    try {
      reservations = parseLockFile(lock.text, lock.path, {}, groups);
    } catch (error) {
      // Groups the core refuses are the render's failure, reported with the groups file.
      // The lock file's fields are paths into an object (reservations[2].port): the line of the
      // element is not worth a second JSON walker here; the message names the field.
      if (error?.source !== 'port groups') fail(error, lock.path, lock.text, undefined);
    }
  }

  const fields = readable(sources.fields) ? sources.fields : undefined;
  return {
    claims,
    claimsFile: ports?.path,
    claimsText: ports?.text,
    fieldsFile: fields?.path,
    fieldsText: fields?.text,
    reservations,
    lockFile: lock?.path,
    groups,
    groupsFile: groupsSource?.path,
    failures,
  };
}

export function wholeFile() {
  return { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
}
