// Reading the CLI's input files: JSON (ports, fields, groups) and JSON or YAML (values, `-` for
// stdin). Every failure names the file and, for syntax errors, the line and column.
import { readFileSync } from 'node:fs';

import { loadYaml } from '../yaml.js';
import { REPEATED_KEY, offsetOf, repeatedKey } from '../yaml-keys.js';
import { parseJson } from './json.js';
import { CliError } from './messages.js';

/** Reads a text file; `what` names it in messages: `ports file`, `values file`. */
export function readText(path, what, { hint } = {}) {
  try {
    if (path === '-') return readFileSync(0, 'utf8');
    return readFileSync(path, 'utf8');
  } catch (e) {
    const shown = path === '-' ? 'standard input' : path;
    if (e.code === 'ENOENT') throw new CliError(`cannot read the ${what} ${shown}: no such file`, { hint });
    if (e.code === 'EISDIR') throw new CliError(`cannot read the ${what} ${shown}: it is a folder, not a file`, { hint });
    if (e.code === 'EACCES') throw new CliError(`cannot read the ${what} ${shown}: permission denied`);
    throw new CliError(`cannot read the ${what} ${shown}: ${e.message}`);
  }
}

export function parseJsonFile(text, path, what) {
  try {
    return parseJson(text);
  } catch (e) {
    throw new CliError(`${path}:${e.line}:${e.column}: the ${what} ${e.duplicateKey === undefined ? 'is not valid JSON' : 'is ambiguous'}: ${e.reason}`, {
      file: path,
      line: e.line,
      column: e.column,
      sourceLine: e.sourceLine,
    });
  }
}

/** JSON when the name says so or the text starts like JSON; YAML otherwise. */
export function parseJsonOrYaml(text, path, what) {
  const shown = path === '-' ? '<stdin>' : path;
  const looksJson = /\.json$/i.test(path) || (!/\.ya?ml$/i.test(path) && /^\s*[{[]/.test(text) && !/^\s*\[[^\]\n]*\]\s*:/.test(text));
  if (looksJson) return parseJsonFile(text, shown, what);
  let documents;
  try {
    // Keys given twice are found in one pass (see yaml-keys.js).
    documents = loadYaml().parseAllDocuments(text, { prettyErrors: true, uniqueKeys: false, merge: true });
  } catch (e) {
    throw new CliError(`${shown}: the ${what} is not valid YAML: ${e.message}`);
  }
  if (!Array.isArray(documents)) documents = [];
  for (const doc of documents) {
    const error = firstError(doc, text);
    if (error) {
      const line = error.linePos?.[0]?.line;
      const column = error.linePos?.[0]?.col;
      // The yaml package's reader recurses: nesting past the stack is its RESOURCE_EXHAUSTION.
      const problem =
        error.code === 'RESOURCE_EXHAUSTION'
          ? 'nests arrays and objects too deep to read'
          : `is not valid YAML: ${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`;
      throw new CliError(`${shown}${line ? `:${line}:${column}` : ''}: the ${what} ${problem}`, {
        file: shown,
        line,
        column,
        sourceLine: line ? text.split(/\r?\n/)[line - 1] : undefined,
      });
    }
  }
  if (documents.length > 1) throw new CliError(`${shown}: the ${what} holds ${documents.length} YAML documents; give one`);
  if (!documents.length) return null;
  try {
    return documents[0].toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // The yaml package weighs each use of an anchor by the aliases the anchored node holds.
    if (/alias count/i.test(e.message)) {
      throw new CliError(`${shown}: the ${what} uses YAML aliases (*name) past the limit of ${MAX_ALIAS_COUNT}: aliases of anchors that hold aliases multiply (an alias bomb?)`);
    }
    throw new CliError(`${shown}: the ${what} cannot be read: ${e.message}`);
  }
}

/**
 * The first problem in `doc`'s text: a parse error, or a key given twice before it (as an error
 * like the yaml package's).
 */
function firstError(doc, text) {
  const key = repeatedKey(loadYaml(), doc);
  const parseError = doc.errors[0];
  if (key === undefined || parseError?.pos?.[0] <= offsetOf(key)) return parseError;
  const offset = offsetOf(key);
  const before = text.lastIndexOf('\n', offset - 1);
  const line = text.slice(0, offset).split('\n').length;
  return { message: REPEATED_KEY, linePos: [{ line, col: offset - before }] };
}

/** How much a document may use YAML aliases, as the yaml package weighs it (its maxAliasCount). */
const MAX_ALIAS_COUNT = 1000;

export function readValuesFile(path, what = 'values file') {
  const text = readText(path, what);
  const values = parseJsonOrYaml(text, path, what);
  if (values === null || values === undefined) return {};
  const shown = path === '-' ? '<stdin>' : path;
  if (typeof values !== 'object' || Array.isArray(values)) {
    throw new CliError(`${shown}: the ${what} must be a mapping of names to values, got ${Array.isArray(values) ? 'a list' : JSON.stringify(values)}`);
  }
  // JSON, as the values travel on, writes these as null: a value would vanish without a word.
  const odd = notFinite(values);
  if (odd) throw new CliError(`${shown}: ${odd.keys.join('').replace(/^\./, '')}: ${odd.value} is no number a value can hold (past ±1.8e308, or not a number); write it as a string to keep the text`);
  return values;
}

/**
 * The first number JSON cannot write (±Infinity, NaN) in `value`: `{ keys, value }`, its path as
 * keys (`[0]`, `.name`). Walked without recursion, since a document may nest deeper than the stack
 * (the core names that limit); each object once, since what a YAML alias names is the same object
 * each time it is used; the path written only for the number found, since values may hold
 * millions of elements.
 */
function notFinite(value) {
  const seen = new Set();
  const pending = [{ item: value, parent: null, key: '' }];
  while (pending.length) {
    const node = pending.pop();
    const { item } = node;
    if (typeof item === 'number') {
      if (Number.isFinite(item)) continue;
      const keys = [];
      for (let at = node; at.parent; at = at.parent) keys.unshift(at.key);
      return { keys, value: String(item) };
    }
    if (item === null || typeof item !== 'object' || seen.has(item)) continue;
    seen.add(item);
    // In reverse, so that the first entry is looked at first.
    if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) {
        const child = item[i];
        if (typeof child === 'number' ? !Number.isFinite(child) : child !== null && typeof child === 'object') pending.push({ item: child, parent: node, key: `[${i}]` });
      }
    } else {
      const keys = Object.keys(item);
      for (let i = keys.length - 1; i >= 0; i--) {
        const child = item[keys[i]];
        if (typeof child === 'number' ? !Number.isFinite(child) : child !== null && typeof child === 'object') pending.push({ item: child, parent: node, key: `.${keys[i]}` });
      }
    }
  }
  return null;
}
