// JSON with error positions a person can use: `3:5: expected ',' or '}' after a property, found '"'`.
// JSON.parse does the work; only when it fails does a small scanner find where and why, because
// V8's messages do not always say where.

/**
 * Parses JSON as a file holds it: a leading byte order mark is skipped (editors on Windows write
 * one), and a key given twice in one object is an error, not a silent "last one wins" that would
 * drop the first value on the next rewrite. On failure throws a SyntaxError with `line`, `column`
 * (1-based), `reason`, `sourceLine`, and `duplicateKey` for a repeated key.
 */
export function parseJson(text) {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value;
  try {
    value = JSON.parse(body);
  } catch (e) {
    const found = locateJsonError(text);
    throw positioned(text, found.offset, found.reason, { cause: e });
  }
  const repeated = findDuplicateKey(text);
  if (repeated) {
    const first = lineColumn(text, repeated.firstOffset);
    throw positioned(text, repeated.offset, `the key ${JSON.stringify(repeated.key)} is given twice in one object (first at ${first.line}:${first.column})`, {
      duplicateKey: repeated.key,
    });
  }
  return value;
}

function positioned(text, offset, reason, extra) {
  const { line, column } = lineColumn(text, offset);
  const error = new SyntaxError(`${line}:${column}: ${reason}`);
  error.line = line;
  error.column = column;
  error.reason = reason;
  error.sourceLine = text.split(/\r?\n/)[line - 1] ?? '';
  return Object.assign(error, extra);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The first key of `text` (valid JSON) that repeats a key of the same object: `{ key, offset,
 * firstOffset }`, or null. One pass over the text; keys are compared as written, and decoded only
 * when they hold an escape (`"a"` and `"\u0061"` are the same key).
 */
function findDuplicateKey(text) {
  // One entry per open container: a Map of an object's keys to their offsets, or null for an array.
  const open = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = i + 1;
      let escaped = false;
      for (; end < text.length; end++) {
        const d = text.charCodeAt(end);
        if (d === BACKSLASH) {
          escaped = true;
          end++;
        } else if (d === QUOTE) {
          break;
        }
      }
      const keys = open[open.length - 1];
      if (expectKey && keys) {
        const raw = text.slice(i + 1, end);
        const key = escaped ? JSON.parse(text.slice(i, end + 1)) : raw;
        const first = keys.get(key);
        if (first !== undefined) return { key, offset: i, firstOffset: first };
        keys.set(key, i);
        expectKey = false;
      }
      i = end;
    } else if (c === 0x7b /* { */) {
      open.push(new Map());
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      open.push(null);
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      open.pop();
    } else if (c === 0x2c /* , */) {
      expectKey = open[open.length - 1] != null;
    }
  }
  return null;
}

export function lineColumn(text, offset) {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line += 1;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

const show = (ch) => (ch === undefined ? 'the end of the file' : ch === '\n' ? 'a line break' : `'${ch}'`);

/** Finds the first syntax error of `text`: `{ offset, reason }`. */
function locateJsonError(text) {
  let i = 0;
  const fail = (reason, at = i) => {
    const e = new Error(reason);
    e.offset = at;
    throw e;
  };
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const string = () => {
    const start = i;
    i++; // opening quote
    while (i < text.length) {
      const ch = text[i];
      if (ch === '"') {
        i++;
        return;
      }
      if (ch === '\\') {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('bad \\u escape in a string: expected 4 hex digits');
          i += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) {
          i += 2;
        } else {
          fail(`bad escape \\${next ?? ''} in a string`);
        }
        continue;
      }
      if (ch < ' ') fail(ch === '\n' ? 'unterminated string (a line break inside quotes)' : 'a control character inside a string');
      i++;
    }
    fail('unterminated string', start);
  };
  const number = () => {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i));
    if (!m || m[0] === '-') fail(`expected a value, found ${show(text[i])}`);
    i += m[0].length;
  };
  const value = (depth) => {
    ws();
    const ch = text[i];
    if (depth > 1000) fail('nested too deeply');
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] === '}') fail("expected a property name, found '}' (a trailing comma?)");
        if (text[i] !== '"') fail(`expected a property name in double quotes, found ${show(text[i])}`);
        string();
        ws();
        if (text[i] !== ':') fail(`expected ':' after a property name, found ${show(text[i])}`);
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(`expected ',' or '}' after a property value, found ${show(text[i])}`);
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] === ']') fail("expected a value, found ']' (a trailing comma?)");
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(`expected ',' or ']' after an array element, found ${show(text[i])}`);
      }
    }
    if (ch === '"') return string();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    if (ch === "'") fail("strings need double quotes, found '");
    return number();
  };
  try {
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    value(0);
    ws();
    if (i < text.length) fail(`unexpected ${show(text[i])} after the end of the JSON value`);
    return { offset: 0, reason: 'not valid JSON' };
  } catch (e) {
    return { offset: e.offset ?? 0, reason: e.message };
  }
}

/**
 * Where claim `name` is named in a ports.json text (its `"claim"` value), found as the core reads
 * the file: the first claim of that name, by its index in the array.
 */
export function rangeOfClaim(text, name) {
  if (typeof text !== 'string') return undefined;
  let claims;
  try {
    claims = parseJson(text);
  } catch {
    return undefined;
  }
  const index = Array.isArray(claims) ? claims.findIndex((c) => c?.claim === name) : -1;
  return index === -1 ? undefined : rangeOfPath(text, `[${index}].claim`);
}

/**
 * Where `[i]` or `[i].key` of a JSON array text is: the 1-based range of the element (or of the
 * key's value), for pointing at a field a validator names. `undefined` when it cannot be found.
 */
export function rangeOfPath(text, path) {
  const m = /^\[(\d+)\](?:\.(\w+))?$/.exec(path ?? '');
  if (typeof text !== 'string' || !m) return undefined;
  const index = Number(m[1]);
  let depth = 0;
  let element = -1;
  let start = -1;
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      const end = endOfString(text, i);
      if (depth === 1 && expectValue) {
        element++;
        expectValue = false;
        if (element === index) return finish(text, i, end, m[2]);
      }
      i = end - 1;
      continue;
    }
    if (' \t\r\n'.includes(ch)) continue;
    if (ch === '[' || ch === '{') {
      depth++;
      if (depth === 1) {
        expectValue = true;
        continue;
      }
      if (depth === 2 && expectValue) {
        element++;
        expectValue = false;
        start = i;
      }
      continue;
    }
    if (ch === ']' || ch === '}') {
      depth--;
      if (depth === 1 && element === index && start >= 0) return finish(text, start, i + 1, m[2]);
      continue;
    }
    if (ch === ',' && depth === 1) {
      expectValue = true;
      continue;
    }
    if (depth === 1 && expectValue) {
      const end = i + (/^[^,\]\s]+/.exec(text.slice(i))?.[0].length ?? 1);
      element++;
      expectValue = false;
      if (element === index) return finish(text, i, end, m[2]);
      i = end - 1;
    }
  }
  return undefined;
}

function endOfString(text, i) {
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"') return j + 1;
  }
  return text.length;
}

function finish(text, start, end, key) {
  let from = start;
  let to = end;
  if (key) {
    const inner = text.slice(start, end);
    const k = new RegExp(`"${key}"\\s*:\\s*`).exec(inner);
    if (k) {
      from = start + k.index + k[0].length;
      const rest = text.slice(from, end);
      const value = rest.startsWith('"') ? endOfString(rest, 0) : /^[^,}\]\s]*/.exec(rest)[0].length;
      to = from + Math.max(1, value);
    }
  }
  const a = lineColumn(text, from);
  const b = lineColumn(text, to);
  // A range over several lines is shown on its first line.
  return { start: a, end: b.line === a.line ? b : { line: a.line, column: a.column + 1 } };
}
