// Turning what the API throws into messages a person can act on.
import { rangeOfPath } from '../json.js';
import { CliError, oneLine } from '../messages.js';

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

function hintFor(error, input, message) {
  const source = error.sourceLine ?? sourceLineIn(input, error.file, error.line) ?? '';
  let m = /Undefined array key "(.*)"/.exec(message) ?? /Undefined array key (\S+)/.exec(message);
  if (m) {
    const key = m[1];
    // Which array: the `$name[...key...]` nearest after the error's column, else anywhere on the line.
    const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pattern = new RegExp(`\\$(\\w+)\\s*\\[\\s*['"]?${escaped}['"]?\\s*\\]`, 'g');
    const matches = [...source.matchAll(pattern)];
    const variable = (matches.find((x) => x.index >= (error.column ?? 1) - 1) ?? matches[0])?.[1];
    if (variable === 'portClaims') {
      const names = (input?.claims ?? []).map((c) => c?.claim).filter(Boolean);
      const file = input?.claimsFile ?? 'a ports file (--ports FILE)';
      return `claim ${JSON.stringify(key)} is not declared in ${file}${names.length ? ` (it declares ${names.join(', ')})` : ''}; add { "group": "tcp", "claim": ${JSON.stringify(key)} } to it, or guard the use with isset()`;
    }
    if (variable === 'data' || variable === 'secret') {
      const isField = input?.fields?.some((f) => f.key === key);
      const path = variable === 'secret' || (input?.fields && !isField) ? `${variable}.${key}` : key;
      return `no value ${JSON.stringify(key)}: give it with --set ${path}=… or in a --values file${input?.fields && !isField ? `, or declare the field in ${input.fieldsFile}` : ''}`;
    }
    return undefined;
  }
  m = /is held by scope "([^"]*)", claim "([^"]*)"/.exec(message);
  if (m) {
    return `let the claim take another port with "random": true, or free this one: portclaims claims release --scope ${shellWord(m[1])} --claim ${shellWord(m[2])}`;
  }
  m = /group "([^"]*)" has no free port/.exec(message);
  if (m) {
    return `widen group ${JSON.stringify(m[1])} in a --groups file ({ ${JSON.stringify(m[1])}: { "ranges": ["49152-65535"] } }), or see who holds its ports: portclaims claims list`;
  }
  m = /Undefined variable \$?(\w+)/.exec(message);
  if (m) return `templates see ${VARIABLES}; pass other values under data: (e.g. --set data.${m[1]}=…)`;
  return undefined;
}

const shellWord = (word) => (/^[\w.@%+=:,/-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`);

/** A CliError from anything the API threw. */
export function explainApiError(error, input) {
  if (error instanceof CliError) return error;
  if (error && typeof error === 'object' && typeof error.kind === 'string') {
    let message = oneLine(error.message);
    // The core names its inputs generically; say which file the user gave.
    if (input?.claimsFile && input.claimsFile !== 'ports.json' && message.startsWith('ports.json: ')) {
      message = `${input.claimsFile}: ${message.slice('ports.json: '.length)}`;
    }
    if (input?.groupsFile && message.startsWith('port groups: ')) {
      message = `${input.groupsFile}: ${message.slice('port groups: '.length)}`;
    }
    let at = { file: error.file, line: error.line, column: error.column, endLine: error.endLine, endColumn: error.endColumn };
    // A claims error names the field (`[2].preferred_port`): point at it in the user's file.
    if (!at.line && error.kind === 'claims' && error.field && message.startsWith(`${input?.claimsFile}: `)) {
      const range = rangeOfPath(input.claimsText, error.field);
      if (range) at = { file: input.claimsFile, line: range.start.line, column: range.start.column, endLine: range.end.line, endColumn: range.end.column };
    }
    const sourceLine = error.sourceLine ?? sourceLineIn(input, at.file, at.line);
    return new CliError(message, { ...at, sourceLine, hint: hintFor(error, input, message) });
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

/** Field problems: warnings are printed, errors stop the command. */
export function reportProblems(problems, input, context) {
  const errors = [];
  for (const problem of problems ?? []) {
    if (problem.severity === 'error') errors.push(new CliError(problem.message, { hint: problem.hint }));
    else context.reporter.warning(problem.message, problem.hint);
  }
  if (errors.length) {
    const [first, ...others] = errors;
    first.others = others;
    throw first;
  }
}
