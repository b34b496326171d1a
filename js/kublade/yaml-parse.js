// YAML as Kublade reads a rendered file: `Yaml::parse($text)` of symfony/yaml 7.2, no flags.
// The `yaml` package reads the structure; what Symfony makes of it is applied here:
//   - one document per file ("Multiple documents are not supported");
//   - scalars as Symfony resolves them (not YAML 1.2): `0644` and `yes` stay strings, `+1` is a
//     float, dates become Unix timestamps, `.nan` is INF;
//   - keys: a duplicate fails (unless the first one is null), `true:`/`1.5:` fail, `1:` is 1;
//   - anchors and `<<` merges resolve (a merge lets later keys overwrite);
//   - custom tags, `!!int` and the like, and complex keys (`? `) fail;
//   - a document that is one plain string must start on its first line.
// Errors are YamlErrors whose message reads as Symfony's ParseException.
import { PhpFloat, int64Text, isArray, isNumericString, phpInt, phpKey } from './php.js';

class YamlError extends Error {
  constructor(reason, line, snippet) {
    const dot = reason.endsWith('.');
    const base = dot ? reason.slice(0, -1) : reason;
    super(`${base}${line >= 0 ? ` at line ${line}` : ''}${snippet ? ` (near "${snippet}")` : ''}${dot ? '.' : ''}`);
    this.reason = reason;
    this.line = line;
  }
}

// The `yaml` package, loaded on first use: importing the API stays fast (node.js and browser.js
// say how to load it).
let loadYaml = () => {
  throw new Error('portclaims: no YAML parser was given (setYamlLoader)');
};
let YAML;
export function setYamlLoader(loader) {
  loadYaml = loader;
}

const TIMESTAMP =
  /^([0-9]{4})-([0-9][0-9]?)-([0-9][0-9]?)(?:(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9]{2}):([0-9]{2})(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9][0-9]?)(?::([0-9]{2}))?))?)?$/;
const HEX = /^0x[0-9a-f_]+$/i;

/** `Yaml::parse($text)`: the PHP value, or a thrown YamlError. */
export function parseSymfonyYaml(text) {
  YAML ??= loadYaml();
  const source = text.replace(/\r\n?/g, '\n');
  const lines = new Lines(source);
  const skipped = cleanupLines(source);
  const documents = YAML.parseAllDocuments(source, { schema: 'failsafe', merge: false, uniqueKeys: false, strict: false });
  const list = Array.isArray(documents) ? documents : [documents];
  if (list.length > 1) {
    // The second document's `---` line (Symfony counts lines after the ones it stripped).
    const at = list[1].range?.[0] ?? 0;
    const line = lines.lineOf(at);
    throw new YamlError('Multiple documents are not supported.', line - skipped, lines.text(line).trimEnd());
  }
  const doc = list[0];
  if (!doc || doc.contents === null || doc.contents === undefined) {
    if (doc?.errors?.length) throw unableToParse(doc.errors[0], lines);
    return null;
  }
  const reader = new Reader(doc, lines);
  if (doc.errors.length) throw reader.fromPackage(doc.errors[0]);
  const contents = doc.contents;
  if (YAML.isScalar(contents)) return reader.topScalar(contents, source, skipped);
  return reader.node(contents);
}

/** How many leading lines Symfony's cleanup() strips: a %YAML header, comments, a `---` line. */
function cleanupLines(text) {
  let rest = text;
  let count = 0;
  const strip = (pattern) => {
    const match = pattern.exec(rest);
    if (!match) return false;
    count += (match[0].match(/\n/g) ?? []).length;
    rest = rest.slice(match[0].length);
    return true;
  };
  strip(/^%YAML[: ][\d.]+[^\n]*\n/);
  strip(/^(?:#[^\n]*\n)+/);
  strip(/^---[^\n]*\n/);
  return count;
}

class Lines {
  constructor(text) {
    this.source = text;
    this.starts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.starts.push(i + 1);
  }

  /** 1-based line of an offset. */
  lineOf(offset) {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  text(line) {
    const start = this.starts[line - 1] ?? this.source.length;
    const end = this.starts[line] ?? this.source.length + 1;
    return this.source.slice(start, end - 1);
  }

  column(offset) {
    return offset - this.starts[this.lineOf(offset) - 1];
  }
}

function unableToParse(error, lines) {
  const line = error.linePos?.[0]?.line ?? lines.lineOf(error.pos?.[0] ?? 0);
  const text = lines.text(line);
  if (error.code === 'TAB_AS_INDENT' || /^\t/.test(text)) {
    return new YamlError('A YAML file cannot contain tabs as indentation.', line, text);
  }
  return new YamlError('Unable to parse.', line, text.trim());
}

class Reader {
  constructor(doc, lines) {
    this.doc = doc;
    this.lines = lines;
  }

  /** A YamlError at `node`'s line; Symfony shows the line as its block holds it (unindented). */
  fail(reason, node, snippet) {
    const offset = node?.range?.[0] ?? 0;
    const line = this.lines.lineOf(offset);
    return new YamlError(reason, line, snippet ?? this.lines.text(line).trimStart());
  }

  fromPackage(error) {
    return unableToParse(error, this.lines);
  }

  node(node) {
    if (YAML.isAlias(node)) {
      const target = node.resolve(this.doc);
      if (!target) throw this.fail(`Reference "${node.source}" does not exist.`, node);
      return this.node(target);
    }
    if (YAML.isScalar(node)) return this.scalar(node);
    this.checkTag(node);
    if (YAML.isSeq(node)) {
      const out = new Map();
      node.items.forEach((item, i) => out.set(i, this.node(item)));
      return out;
    }
    if (YAML.isMap(node)) return this.map(node);
    return null;
  }

  checkTag(node) {
    if (!node.tag) return;
    const tag = node.tag.startsWith('tag:yaml.org,2002:') ? `!!${node.tag.slice(18)}` : node.tag;
    if (tag.startsWith('!!')) throw this.fail(`The built-in tag "${tag}" is not implemented.`, node);
    throw this.fail(`Tags support is not enabled. You must use the flag "Yaml::PARSE_CUSTOM_TAGS" to use "${tag}".`, node);
  }

  rawText(node) {
    const [start, end] = node.range ?? [0, 0];
    return this.lines.source.slice(start, end);
  }

  scalar(node) {
    const value = typeof node.value === 'string' ? node.value : this.rawText(node);
    if (node.tag) {
      const tag = node.tag.startsWith('tag:yaml.org,2002:') ? `!!${node.tag.slice(18)}` : node.tag;
      if (tag === '!!str') return value;
      if (tag === '!') return value;
      if (tag === '!!float') return new PhpFloat(Number.parseFloat(value) || 0);
      if (tag === '!!binary') return binary(this.rawText(node), (reason) => this.fail(reason, node));
      if (tag.startsWith('!!')) throw this.fail(`The string "${tag} ${value}" could not be parsed as it uses an unsupported built-in tag.`, node);
      throw this.fail(`Tags support is not enabled. Enable the "Yaml::PARSE_CUSTOM_TAGS" flag to use "${tag}".`, node);
    }
    if (node.type !== 'PLAIN') return value;
    if (/^[@`|>%]/.test(value)) {
      throw this.fail(`The reserved indicator "${value[0]}" cannot start a plain scalar; you need to quote the scalar.`, node);
    }
    return evaluate(value, (reason) => this.fail(reason, node));
  }

  /** A mapping as Symfony builds it: PHP array semantics, duplicates refused, merges. */
  map(node) {
    const out = new Map();
    let overwrite = false;
    for (const pair of node.items) {
      const keyNode = pair.key;
      if (this.isExplicitKey(keyNode, pair)) throw this.fail('Complex mappings are not supported.', keyNode ?? pair.value);
      if (keyNode !== null && !YAML.isScalar(keyNode) && !YAML.isAlias(keyNode)) throw this.fail('Unable to parse.', keyNode);
      const key = keyNode === null ? '' : this.key(keyNode, node.flow);
      if (key === '<<' && YAML.isScalar(keyNode) && keyNode.type === 'PLAIN') {
        overwrite = true;
        this.merge(out, pair.value, keyNode);
        continue;
      }
      const value = pair.value === null ? null : this.node(pair.value);
      const stored = phpKey(key);
      if (!overwrite && out.has(stored) && out.get(stored) !== null) {
        const offset = keyNode?.range?.[0] ?? 0;
        const line = this.lines.lineOf(offset);
        const snippet = node.flow ? undefined : this.lines.text(line).slice(this.lines.column(offset));
        throw this.fail(`Duplicate key "${stored}" detected.`, keyNode, snippet);
      }
      out.set(stored, value);
    }
    return out;
  }

  isExplicitKey(keyNode, pair) {
    const start = keyNode?.range?.[0] ?? pair.value?.range?.[0];
    if (start === undefined) return false;
    const source = this.lines.source;
    let i = start - 1;
    while (i >= 0 && (source[i] === ' ' || source[i] === '\t')) i--;
    return source[i] === '?' && (i === 0 || /[\s,[{]/.test(source[i - 1]));
  }

  /** A key: quoted keys as written; plain ones evaluated (block) or checked (flow). */
  key(node, flow) {
    if (YAML.isAlias(node)) return this.keyOf(this.node(node), node, flow);
    if (node.tag) return this.keyOf(this.scalar(node), node, flow);
    const text = String(node.value ?? '');
    if (node.type !== 'PLAIN') return text;
    if (/^[@`|>%]/.test(text)) {
      throw this.fail(`The reserved indicator "${text[0]}" cannot start a plain scalar; you need to quote the scalar.`, node);
    }
    const evaluated = evaluate(text, (reason) => this.fail(reason, node));
    if (flow) {
      if (text !== '' && evaluated !== text && typeof evaluated !== 'string' && !(typeof evaluated === 'number' || typeof evaluated === 'bigint')) {
        throw this.fail('Implicit casting of incompatible mapping keys to strings is not supported. Quote your evaluable mapping keys instead.', node);
      }
      return text;
    }
    return this.keyOf(evaluated, node, flow);
  }

  keyOf(value, node, flow) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') return value;
    if (flow) return String(value);
    const numeric = value instanceof PhpFloat;
    throw this.fail(`${numeric ? 'Numeric' : 'Non-string'} keys are not supported. Quote your evaluable mapping keys instead.`, node);
  }

  /** `<<: *a` adds the keys not yet set; `<<: [*a, *b]` (a list) each item's, in turn. */
  merge(out, valueNode, keyNode) {
    const value = valueNode === null ? null : this.node(valueNode);
    if (!isArray(value)) throw this.fail('YAML merge keys used with a scalar value instead of an array.', keyNode);
    const list = !YAML.isAlias(valueNode) && value.has(0) && value.get(0) !== null;
    const sources = list ? [...value.values()] : [value];
    for (const source of sources) {
      if (!isArray(source)) throw this.fail('Merge items must be arrays.', keyNode);
      for (const [k, v] of source) if (!out.has(k)) out.set(k, v);
    }
  }

  /** A document that is one scalar: Symfony reads it only from the first line of the text. */
  topScalar(node, source, skipped) {
    const lines = source.split('\n').slice(skipped);
    const first = lines[0] ?? '';
    const startLine = this.lines.lineOf(node.range?.[0] ?? 0);
    if (first.trim() === '' || first.trimStart().startsWith('#') || startLine !== skipped + 1) {
      const line = lines.findIndex((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
      const at = line === -1 ? skipped + 1 : skipped + line + 1;
      throw new YamlError('Unable to parse.', at, this.lines.text(at));
    }
    if (node.type === 'PLAIN') {
      const content = lines.filter((l) => !l.trim().startsWith('#'));
      for (const l of content.slice(1)) {
        if (l.startsWith(' ')) throw new YamlError('Unable to parse.', startLine, first);
      }
      if (content.length > 1 && content.some((l) => l.includes(': '))) {
        throw new YamlError('Mapping values are not allowed in multi-line blocks.', startLine, first);
      }
    }
    return this.scalar(node);
  }
}

/** `!!binary`: base64 text, decoded. */
function binary(raw, fail) {
  const text = raw.replace(/^!!binary\s*/, '').replace(/^[|>][-+0-9]*/, '').replace(/\s/g, '');
  if (text.length % 4 !== 0) {
    throw fail(`The normalized base64 encoded data (data without whitespace characters) length must be a multiple of four (${text.length} bytes given).`);
  }
  if (!/^[A-Z0-9+/]+={0,2}$/i.test(text)) throw fail(`The base64 encoded data (${text}) contains invalid characters.`);
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return bytes;
  }
}

/** Symfony's `Inline::evaluateScalar` for a plain scalar. */
export function evaluate(text, fail = (reason) => new YamlError(reason, -1)) {
  const scalar = text.trim();
  const lower = scalar.toLowerCase();
  if (lower === 'null' || scalar === '' || scalar === '~') return null;
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  const octal = /^([+-])?0o([0-7_]+)$/.exec(scalar);
  if (octal) {
    const value = BigInt(`0o${octal[2].replace(/_/g, '') || '0'}`);
    return phpInt(octal[1] === '-' ? -value : value);
  }
  if (!/^[+\-.0-9]/.test(scalar)) return scalar;
  let s = scalar;
  if (/^[+-]?[0-9][0-9_]*$/.test(s)) s = s.replace(/_/g, '');
  if (/^[0-9]+$/.test(s)) return int64Text(s) ? phpInt(s) : s;
  if (/^-[0-9]+$/.test(s)) return int64Text(s) ? phpInt(s) : s;
  if (isNumericString(s) || HEX.test(s)) {
    s = s.replace(/_/g, '');
    if (s.startsWith('0x')) return hexdec(s);
    return new PhpFloat(toFloat(s));
  }
  if (lower === '.inf' || lower === '.nan') return new PhpFloat(Infinity);
  if (lower === '-.inf') return new PhpFloat(-Infinity);
  if (/^[-+]?[0-9][0-9_]*(\.[0-9_]+)?$/.test(s)) return new PhpFloat(Number.parseFloat(s.replace(/_/g, '')));
  const date = TIMESTAMP.exec(s);
  if (date) return timestamp(date, s, fail);
  return scalar;
}

/** `(float) $s`: the leading number of the string, 0 without one. */
function toFloat(s) {
  const match = /^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(s);
  return match ? Number.parseFloat(match[0].trim()) : 0;
}

/** PHP's hexdec(): an int, or a float past PHP_INT_MAX. */
function hexdec(s) {
  const value = BigInt(`0x${s.slice(2) || '0'}`);
  return value > 9223372036854775807n ? new PhpFloat(Number(value)) : phpInt(value);
}

/** A date as `new DateTime($s, UTC)` reads it, as a Unix timestamp (a float with fractions). */
function timestamp(match, text, fail) {
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone, sign, zh = '0', zm = '0'] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
  if (month > 12 || day > 31 || hour > 24 || minute > 59 || second > 59) {
    throw fail(`The date "${text}" could not be parsed as it is an invalid date.`);
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  let seconds = Math.floor(date.getTime() / 1000);
  if (zone && zone !== 'Z') seconds -= (sign === '-' ? -1 : 1) * (Number(zh) * 3600 + Number(zm) * 60);
  const micro = fraction.slice(0, 6).padEnd(6, '0');
  if (/[1-9]/.test(micro)) return new PhpFloat(Number.parseFloat(`${seconds}.${micro}`));
  return seconds;
}

export { isNumericString };
