// Turning what the API throws into messages a person can act on, and the CLI's inputs into the
// API's folder options.
import { basename } from 'node:path';

import { rangeOfPath } from '../json.js';
import { CliError, oneLine, printable } from '../messages.js';

/** What `renderFolder` (and `check`) get for the loaded input and the command's options. */
export function folderOptions(input, options) {
  const folder = {
    files: input.files.map((f) => ({ path: input.kind === 'file' ? basename(f.path) : f.path, name: f.name, template: f.template })),
    dirs: input.dirs,
    fields: input.fieldsText,
    fieldsFile: input.fieldsFile,
    values: input.values,
    namespace: options.namespace,
    defaults: !options['no-defaults'],
    claims: input.claims,
    claimsFile: input.claimsFile ?? 'ports.json',
    scope: options.scope,
    groups: input.groups,
    seed: options.seed,
    dialect: options.dialect,
    escape: options['no-escape'] ? 'none' : undefined,
    whitespace: options.whitespace,
    kublade: options.kublade ? (options.netpol ? { netpol: true } : true) : undefined,
  };
  for (const key of Object.keys(folder)) if (folder[key] === undefined) delete folder[key];
  return folder;
}

/**
 * What `check` gets: renderFolder's options with each file named as messages show it, and the
 * texts its diagnostics point into. The CLI and the VS Code extension both check through here.
 */
export function checkOptions(input, options, store) {
  return {
    ...folderOptions(input, options),
    files: input.files.map((f) => ({ path: f.name, template: f.template })),
    claimsFile: input.claimsFile,
    claimsText: input.claimsText,
    groupsFile: input.groupsFile === 'kublade' ? undefined : input.groupsFile,
    fieldsText: input.fieldsText,
    kublade: Boolean(options.kublade),
    store,
  };
}

/** Where a fields.json path (`[2].options[0].value`) is, or its nearest enclosing part. */
export function rangeOfFieldsPath(text, path) {
  for (let at = path ?? ''; at; at = at.replace(/(\.\w+|\[\d+\])$/, '')) {
    const range = rangeOfPath(text, at);
    if (range) return range;
    if (!/(\.\w+|\[\d+\])$/.test(at)) break;
  }
  return undefined;
}

/** A CliError for a problem the core found with the fields or the values. */
function problemError(problem, input) {
  let at = {};
  if (problem.kind === 'fields' || problem.source === 'fields') {
    if (problem.line) {
      at = { file: input?.fieldsFile, line: problem.line, column: problem.column };
    } else if (problem.path) {
      const range = rangeOfFieldsPath(input?.fieldsText, problem.path);
      if (range) at = { file: input?.fieldsFile, line: range.start.line, column: range.start.column, endLine: range.end.line, endColumn: range.end.column };
    }
    if (at.line) at.sourceLine = input?.fieldsText?.split('\n')[at.line - 1];
  }
  return new CliError(problem.message, { ...at, hint: problemHint(problem, input) });
}

function problemHint(problem, input) {
  const key = problem.field;
  if (problem.rule === 'required' && key) return `give it with --set ${key}=… or in a --values file`;
  if (problem.code === 'unknown-field' && key) return `to pass a value the fields do not declare, put it under data: (e.g. --set data.${key}=…)`;
  if (problem.code === 'not-set-on-create' && key) return `to change what the templates see, override it: --set data.${key}=…`;
  if (problem.code === 'limit') return 'e.g. --set limit.is_active=1 --set limit.cpu=0.5 --set limit.memory=536870912';
  if (problem.rule && key && input?.fieldsFile) return `see the field in ${input.fieldsFile}`;
  return undefined;
}

const VARIABLES = '$namespace, $data, $secret, $portClaims, $limits and $paused';

/** The text of line `line` of the file named `file` among the input's files. */
export function sourceLineIn(input, file, line) {
  if (!input || !line) return undefined;
  const texts = [
    ...input.files.flatMap((f) => [[f.name, f.template], [f.path, f.template]]),
    [input.claimsFile, input.claimsText],
    [input.fieldsFile, input.fieldsText],
  ];
  for (const [name, text] of texts) {
    if (name !== undefined && name === file && typeof text === 'string') return text.split('\n')[line - 1];
  }
  if (input.files.length === 1 && !file) return input.files[0].template.split('\n')[line - 1];
  return undefined;
}

// What to do about an error, from the facts the core puts on it (never from its message).
function hintFor(error, input) {
  const { variable, key, holder, group } = error;
  if (typeof key === 'string') {
    if (variable === 'portClaims') {
      const names = (input?.claims ?? []).map((c) => c?.claim).filter(Boolean);
      const file = input?.claimsFile ?? 'a ports file (--ports FILE)';
      return `claim ${JSON.stringify(key)} is not declared in ${file}${names.length ? ` (it declares ${names.join(', ')})` : ''}; add { "group": "tcp", "claim": ${JSON.stringify(key)} } to it, or guard the use with isset()`;
    }
    if (variable === 'data' || variable === 'secret') {
      // Kublade stores a value for every field, so a key missing from $data is no field of it.
      const where = input?.fieldsFile ? `declare the field in ${input.fieldsFile}, or ` : '';
      return `no value ${JSON.stringify(key)} in $${variable}: ${where}give it with --set ${variable}.${key}=… or in a --values file`;
    }
    return undefined;
  }
  if (typeof variable === 'string') return `templates see ${VARIABLES}; pass other values under data: (e.g. --set data.${variable}=…)`;
  if (holder) {
    return `let the claim take another port with "random": true, or free this one: portclaims claims release --scope ${shellWord(holder.scope)} --claim ${shellWord(holder.claim)}`;
  }
  if (typeof group === 'string') {
    return `widen group ${JSON.stringify(group)} in a --groups file ({ ${JSON.stringify(group)}: { "ranges": ["49152-65535"] } }), or see who holds its ports: portclaims claims list`;
  }
  return undefined;
}

const shellWord = (word) => (/^[\w.@%+=:,/-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`);

/** A CliError from anything the API threw. */
export function explainApiError(error, input) {
  const explained = explainOne(error, input);
  const others = error && typeof error === 'object' && !(error instanceof CliError) ? error.others : undefined;
  if (others?.length && !explained.others) explained.others = others.map((other) => explainOne(other, input));
  return explained;
}

function explainOne(error, input) {
  if (error instanceof CliError) return error;
  if (error && Array.isArray(error.problems)) {
    const [first, ...others] = error.problems.filter((p) => p.severity === 'error').map((p) => problemError(p, input));
    if (others.length) first.others = others;
    return first;
  }
  if (error?.kind === 'kublade') return new CliError(`${error.message} (Kublade fails here)`, { file: error.file });
  if (error && typeof error === 'object' && typeof error.kind === 'string') {
    // The core names its inputs generically (`ports.json`, `port groups`); say which file the user gave.
    const file = { 'ports.json': input?.claimsFile, 'port groups': input?.groupsFile }[error.source];
    let message = oneLine(file && typeof error.detail === 'string' ? `${file}: ${error.detail}` : error.message);
    // The API names the values `values`; the CLI's came from a file (--set adds only strings).
    if (error.field === 'values' && input?.valuesFile !== undefined && message.startsWith('values: ')) message = `${printable(input.valuesFile)}: ${message.slice('values: '.length)}`;
    let at = { file: error.file, line: error.line, column: error.column, endLine: error.endLine, endColumn: error.endColumn };
    // A claims error names the field (`[2].preferred_port`): point at it in the user's file.
    if (!at.line && error.kind === 'claims' && error.field && message.startsWith(`${input?.claimsFile}: `)) {
      const range = rangeOfPath(input.claimsText, error.field);
      if (range) at = { file: input.claimsFile, line: range.start.line, column: range.start.column, endLine: range.end.line, endColumn: range.end.column };
    }
    const sourceLine = error.sourceLine ?? sourceLineIn(input, at.file, at.line);
    return new CliError(message, { ...at, sourceLine, hint: hintFor(error, input) });
  }
  return internalError(error);
}

/** An error nobody planned for, still as one line: a panic of the core, a bug. */
export function internalError(error) {
  const name = error?.constructor?.name ?? 'Error';
  const message = oneLine(error?.message ?? String(error));
  if (error instanceof WebAssembly.RuntimeError || /unreachable|RuntimeError/.test(name)) {
    return new CliError(`internal error in the portclaims core: ${message}`, {
      hint: 'this is a bug in portclaims; please report it with the template that triggers it',
    });
  }
  if (error instanceof CliError) return error;
  if (error && typeof error === 'object' && ('code' in error || name === 'Error')) return new CliError(message);
  return new CliError(`internal error: ${name}: ${message}`, { hint: 'this is a bug in portclaims; please report it' });
}
