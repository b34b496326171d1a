// Reading the editors: claims and groups are JSON, values YAML or JSON. Parse errors come back
// with the line and column to mark in their editor.
import YAML from 'yaml';

import { lineColumn } from '../../js/cli/json.js';

function jsonError(text, error) {
  const message = error.message.replace(/^JSON\.parse: /, '');
  const lc = /line (\d+) column (\d+)/.exec(message);
  // The position is shown beside the message: "… in JSON at position 34 (line 1 column 35)".
  const short = message.replace(/ in JSON at position \d+.*$/, '');
  if (lc) return { message: short, line: Number(lc[1]), column: Number(lc[2]) };
  const position = /position (\d+)/.exec(message);
  if (position) return { message: short, ...lineColumn(text, Number(position[1])) };
  if (/end of (JSON )?input|Unexpected end/i.test(message)) return { message, ...lineColumn(text, text.trimEnd().length) };
  return { message, line: 1, column: 1 };
}

export function parseJson(text, { kind, empty }) {
  if (text.trim() === '') return { value: empty };
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: { kind: 'syntax', ...jsonError(text, error) } };
  }
}

/** ports.json: an array of `{ group, claim, preferred_port?, random? }`. */
export function parseClaims(text) {
  const result = parseJson(text, { empty: [] });
  if (result.error) return result;
  if (!Array.isArray(result.value)) return { error: { kind: 'claims', message: 'ports.json must be an array of { "group", "claim" } objects', line: 1, column: 1 } };
  return result;
}

/** Groups: `{ "<group>": { ranges, exclude, protocol } }`. */
export function parseGroups(text) {
  const result = parseJson(text, { empty: {} });
  if (result.error) return result;
  const value = result.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { error: { kind: 'config', message: 'port groups must be an object: { "<group>": { "ranges": ["30000-30100"] } }', line: 1, column: 1 } };
  }
  return result;
}

/** Values: the template variables, as a YAML (or JSON) mapping. */
export function parseValues(text) {
  const doc = YAML.parseDocument(text, { prettyErrors: false });
  if (doc.errors.length) {
    const error = doc.errors[0];
    const pos = error.linePos?.[0] ?? lineColumn(text, error.pos?.[0] ?? 0);
    return { error: { kind: 'syntax', message: error.message.split('\n')[0], line: pos.line, column: pos.col ?? pos.column } };
  }
  const value = doc.toJS() ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { error: { kind: 'config', message: 'values must be a mapping: namespace, data, secret, limits, paused…', line: 1, column: 1 } };
  }
  return { value };
}

/** Where in ports.json a claims error's `field` (e.g. `claims[1].group`) points. */
export function locateField(text, field) {
  const match = /\[(\d+)\](?:\.(\w+))?/.exec(field ?? '');
  if (!match) return null;
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(value) || !value[Number(match[1])]) return null;
  // Find the nth top-level object's opening brace.
  let depth = 0;
  let index = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') {
      depth++;
      if (ch === '{' && depth === 2 && ++index === Number(match[1])) {
        let at = i;
        if (match[2]) {
          const key = text.indexOf(`"${match[2]}"`, i);
          const end = text.indexOf('}', i);
          if (key !== -1 && key < end) at = key;
        }
        return lineColumn(text, at);
      }
    } else if (ch === ']' || ch === '}') depth--;
  }
  return null;
}

/** Where claim `name` is declared in ports.json. */
export function locateClaim(text, name) {
  if (!name) return null;
  const match = new RegExp(`"claim"\\s*:\\s*${JSON.stringify(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).exec(text);
  return match ? lineColumn(text, match.index) : null;
}

/** Where a groups error's `field` (e.g. `tcp.ranges[1]`) points: the group's key. */
export function locateGroup(text, field) {
  const name = /^[^.[]+/.exec(field ?? '')?.[0];
  if (!name) return null;
  const at = text.indexOf(JSON.stringify(name));
  return at === -1 ? null : lineColumn(text, at);
}

/** Where key `path` (`limit.cpu`, `replicas`) is set in the values editor's YAML, by its last part. */
export function locateValue(text, path) {
  const key = String(path ?? '').split('.').pop();
  if (!key) return null;
  const match = new RegExp(`^[ \\t-]*["']?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*:`, 'm').exec(text);
  return match ? lineColumn(text, match.index + match[0].search(/\S/)) : null;
}
