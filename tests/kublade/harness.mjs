// A Kublade oracle case through portclaims: a template folder and the oracle's VALUES.json
// (`../shared/kublade-oracle/README.md`) rendered with `renderFolder({ kublade: true })`, and what
// came out compared with what `kublade.php` wrote. Shared by the fixture test
// (tests/js/kublade-oracle.test.mjs), the fixture generator and the differential run (scripts/).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { findTemplateFiles } from '../../js/cli/template-folder.js';

/** The folder as Kublade imports it: templates, folders, fields.json's text, the claims. */
export function readTemplateFolder(dir) {
  const { files, folders } = findTemplateFiles(dir, { kublade: true });
  const read = (path) => (existsSync(path) && statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined);
  const ports = read(join(dir, '.kublade', 'ports.json'));
  let claims = [];
  try {
    claims = ports === undefined ? [] : JSON.parse(ports);
  } catch {
    claims = [];
  }
  return {
    files: files.map((path) => ({ path, template: readFileSync(join(dir, ...path.split('/')), 'utf8') })),
    dirs: folders,
    fields: read(join(dir, '.kublade', 'fields.json')),
    claims: Array.isArray(claims) ? claims : [],
  };
}

/** What the oracle's VALUES.json asks that portclaims cannot express, or undefined. */
export function unsupported(values) {
  if (values.update) return 'an update request';
  if (values.templateBasePath && values.templateBasePath !== '/') return 'a template base path';
  return undefined;
}

/**
 * Renders like `php kublade.php DIR VALUES.json OUT`: `{ ok: true, files: { path: text }, dirs }`
 * or `{ ok: false, error }`. Each claim keeps the port the oracle was given (a store holding it).
 */
export function renderLikeOracle(api, dir, values) {
  const folder = readTemplateFolder(dir);
  const scope = values.namespace;
  const reservations = folder.claims
    .filter((c) => c && typeof c.claim === 'string' && Number.isInteger(values.portClaims?.[c.claim]))
    .map((c) => ({ scope, claim: c.claim, group: c.group, port: values.portClaims[c.claim] }));
  const store = new api.MemoryStore(reservations);
  const request = { ...(values.fields && typeof values.fields === 'object' ? values.fields : {}) };
  if (values.limits !== undefined) request.limit = values.limits;
  if (values.paused !== undefined) request.paused = values.paused;
  try {
    const result = api.renderFolderSync({
      ...folder,
      values: request,
      namespace: values.namespace,
      defaults: values.client === 'form',
      scope,
      store,
      groups: 'kublade',
      kublade: values.netpol ? { netpol: values.netpol === true ? {} : values.netpol } : true,
      dryRun: true,
    });
    return { ok: true, files: Object.fromEntries(result.files.map((f) => [f.path, f.output])), dirs: result.dirs };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The files and folders of an oracle output folder. */
export function readOutput(dir) {
  const files = {};
  const dirs = [];
  const visit = (rel) => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        dirs.push(path);
        visit(path);
      } else {
        files[path] = readFileSync(join(dir, path), 'utf8');
      }
    }
  };
  if (existsSync(dir)) visit('');
  return { files, dirs: dirs.sort() };
}

/**
 * Where a failure is, as a comparable key: `yaml <file>`, `blade <file>`, `field <key>`,
 * `fields`, `limit`, `generated <file>`. From the oracle's stderr line…
 */
export function oracleFailure(stderr) {
  const line = stderr.split('\n')[0].replace(/^kublade fails: /, '');
  let m = /^request validation fails for field '([^']*)'/.exec(line);
  if (m) return `field ${m[1]}`;
  m = /^Undefined property: stdClass::\$(\S+) \(the controller/.exec(line);
  if (m) return `field ${m[1]}`;
  m = /^field '([^']*)':/.exec(line);
  if (m) return `field ${m[1]}`;
  if (/^\.kublade\/fields\.json/.test(line)) return 'fields';
  if (/^deployment_limits\./.test(line)) return 'limit';
  if (/^(kustomization|namespace)\.yaml (is|merge)/.test(line)) return `generated ${line.split(' ')[0]}`;
  m = /^(.+?): (YAML|Blade): /.exec(line);
  if (m) return `${m[2].toLowerCase()} ${m[1]}`;
  return `other ${line}`;
}

/** …and from what portclaims threw. */
export function portclaimsFailure(error) {
  if (Array.isArray(error?.problems)) {
    const first = error.problems.find((p) => p.severity === 'error');
    if (first.source === 'fields' && first.field) return `field ${first.field}`;
    if (first.source === 'fields') return 'fields';
    if (first.field?.startsWith('limit.') || first.field === 'limit') return 'limit';
    return `values ${first.message}`;
  }
  if (error?.kind === 'kublade' && error.reason?.startsWith('YAML: ')) return `yaml ${error.file}`;
  if (error?.kind === 'kublade') return `generated ${error.file}`;
  if (error?.file) return `blade ${error.file}`;
  return `other ${error?.message ?? error}`;
}

/** The Symfony message of a YAML failure, for exact comparison. */
export const oracleYamlMessage = (stderr) => /: YAML: (.*)$/m.exec(stderr.split('\n')[0])?.[1];
export const portclaimsYamlMessage = (error) => (error?.reason?.startsWith('YAML: ') ? error.reason.slice(6) : undefined);

/**
 * Compares a portclaims outcome with the oracle's (rc, first stderr line, output folder):
 * `{ same, exactMessage, detail }`.
 */
export function compare(outcome, oracle) {
  if (oracle.rc === 0) {
    if (!outcome.ok) return { same: false, detail: `portclaims fails (${outcome.error?.message}), Kublade writes the files` };
    const want = oracle.output;
    const paths = [...new Set([...Object.keys(want.files), ...Object.keys(outcome.files)])].sort();
    for (const path of paths) {
      if (want.files[path] !== outcome.files[path]) {
        return { same: false, detail: `${path} differs\n--- kublade.php\n${want.files[path] ?? '(none)'}\n--- portclaims\n${outcome.files[path] ?? '(none)'}` };
      }
    }
    const dirs = [...(outcome.dirs ?? [])].sort();
    if (JSON.stringify(dirs) !== JSON.stringify(want.dirs)) return { same: false, detail: `folders ${JSON.stringify(dirs)} vs ${JSON.stringify(want.dirs)}` };
    return { same: true, exactMessage: true };
  }
  if (outcome.ok) return { same: false, detail: `portclaims writes the files, Kublade fails: ${oracle.stderr.split('\n')[0]}` };
  const expected = oracleFailure(oracle.stderr);
  const actual = portclaimsFailure(outcome.error);
  if (expected !== actual) return { same: false, detail: `Kublade fails at ${expected} (${oracle.stderr.split('\n')[0]}), portclaims at ${actual} (${outcome.error?.message})` };
  const yaml = oracleYamlMessage(oracle.stderr);
  return { same: true, exactMessage: yaml === undefined || yaml === portclaimsYamlMessage(outcome.error), detail: yaml };
}
