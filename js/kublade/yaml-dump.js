// YAML as Kublade writes a file: `Yaml::dump($value, 10, 2)` of symfony/yaml 7.2, no flags.
// Block style to depth 10, then inline; indent 2; `-` alone on its line before a mapping in a
// list; every empty array `{  }`; strings quoted only when Symfony's Escaper says so (double
// quotes for control characters and line breaks); floats with PHP's 14 significant digits.
import { PhpFloat, TaggedValue, floatToString, isArray, isList, isNumericString } from './php.js';

const INLINE_FROM_DEPTH = 10;
const INDENT = 2;

/** What a dump may write, in bytes: aliases let a short document stand for a huge one. */
export class DumpTooLarge extends Error {
  constructor(maxBytes) {
    super(`the YAML Kublade writes is larger than the ${maxBytes}-byte output limit (maxOutputBytes)`);
    this.maxBytes = maxBytes;
  }
}

/**
 * The YAML Symfony's dumper writes for a PHP value (no trailing newline after a scalar). Throws
 * DumpTooLarge as soon as it passes `maxBytes`.
 */
export function dumpSymfonyYaml(value, { maxBytes = Infinity } = {}) {
  const out = new Writer(maxBytes);
  dump(out, value, INLINE_FROM_DEPTH, 0);
  return out.text();
}

class Writer {
  constructor(maxBytes) {
    this.parts = [];
    this.length = 0;
    this.maxBytes = maxBytes;
    this.last = '';
  }

  write(s) {
    if (s === '') return;
    this.length += s.length;
    // UTF-16 units never outnumber UTF-8 bytes: the exact count is taken at the end.
    if (this.length > this.maxBytes) throw new DumpTooLarge(this.maxBytes);
    this.parts.push(s);
    this.last = s[s.length - 1];
  }

  text() {
    const text = this.parts.join('');
    if (Number.isFinite(this.maxBytes) && new TextEncoder().encode(text).length > this.maxBytes) throw new DumpTooLarge(this.maxBytes);
    return text;
  }
}

/** Dumper::dump. */
function dump(out, value, inline, indent) {
  const prefix = ' '.repeat(indent);
  if (value instanceof TaggedValue && inline > 0) {
    dumpTagged(out, value, inline, indent, prefix);
    return;
  }
  if (inline <= 0 || !isArray(value) || value.size === 0) {
    out.write(prefix);
    dumpInline(out, value);
    return;
  }
  const asMap = !isList(value);
  for (const [key, item] of value) {
    if (out.length > 0 && out.last !== '\n') out.write('\n');
    out.write(prefix);
    if (asMap) {
      dumpInline(out, key);
      out.write(':');
    } else {
      out.write('-');
    }
    if (item instanceof TaggedValue) {
      out.write(` !${item.tag}`);
      if (inline - 1 <= 0 || !isArray(item.value)) {
        out.write(' ');
        dump(out, item.value, inline - 1, 0);
        out.write('\n');
      } else {
        out.write('\n');
        dump(out, item.value, inline - 1, asMap ? indent + INDENT : indent + 2);
      }
      continue;
    }
    const inlined = inline - 1 <= 0 || !isArray(item) || item.size === 0;
    out.write(inlined ? ' ' : '\n');
    dump(out, item, inline - 1, inlined ? 0 : indent + INDENT);
    if (inlined) out.write('\n');
  }
}

/** Dumper::dumpTaggedValue. */
function dumpTagged(out, value, inline, indent, prefix) {
  out.write(`${prefix ? `${prefix} ` : ''}!${value.tag}`);
  if (inline - 1 <= 0 || !isArray(value.value)) {
    out.write(' ');
    dump(out, value.value, inline - 1, 0);
    out.write('\n');
    return;
  }
  out.write('\n');
  dump(out, value.value, inline - 1, indent);
}

/** Symfony's `Inline::dump`. */
function dumpInline(out, value) {
  if (value instanceof TaggedValue) {
    out.write(`!${value.tag} `);
    dumpInline(out, value.value);
  } else if (isArray(value)) {
    if (value.size > 0 && isList(value)) {
      out.write('[');
      let first = true;
      for (const item of value.values()) {
        if (!first) out.write(', ');
        first = false;
        dumpInline(out, item);
      }
      out.write(']');
    } else {
      out.write('{ ');
      let first = true;
      for (const [k, v] of value) {
        if (!first) out.write(', ');
        first = false;
        dumpInline(out, k);
        out.write(': ');
        dumpInline(out, v);
      }
      out.write(' }');
    }
  } else {
    out.write(dumpScalar(value));
  }
}

function dumpScalar(value) {
  if (value === null || value === undefined) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value instanceof PhpFloat) return dumpFloat(value.value);
  if (value instanceof Uint8Array) return `!!binary ${base64(value)}`;
  return dumpString(String(value));
}

function dumpFloat(x) {
  let repr = floatToString(x);
  if (!Number.isFinite(x) && !Number.isNaN(x)) return repr.replace(/INF/i, '.Inf');
  // A whole float keeps its type: `1.0`, not `1`.
  if (Number.isFinite(x) && Math.floor(x) === x && !repr.includes('E') && Number(repr) === x) repr += '.0';
  return repr;
}

// Escaper::REGEX_CHARACTER_TO_ESCAPE: control characters, DEL, NEL, NBSP, LS, PS.
const NEEDS_DOUBLE_QUOTES = /[\x00-\x1f\x7f\u0085\u00a0\u2028\u2029]/;
// Inline::isBinaryString: characters no YAML string may hold (control characters but NUL, BEL–CR, ESC).
const BINARY = /[\x01-\x06\x0e-\x1a\x1c-\x1f]/;
const SINGLE_QUOTE_WORDS = new Set(['null', '~', 'true', 'false', 'y', 'n', 'yes', 'no', 'on', 'off']);
// Escaper::requiresSingleQuoting: a blank, quote, `:{}[],&*#?` anywhere, or an indicator first.
const NEEDS_SINGLE_QUOTES = /[\t\n\v\f\r \u0085\u00a0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000'":{}[\],&*#?]|^[ \-?|<>=!%@`\p{Zs}]/u;
// (PCRE's \s with /u: \p{Z}, \h and \v, which JavaScript's \s exceeds by U+FEFF and lacks U+0085, U+180E.)
const DIGITS_AND_UNDERSCORES = /^[0-9]+[_0-9]*$/;
const HEX = /^0x[0-9a-f_]+$/i;
const TIMESTAMP =
  /^[0-9]{4}-[0-9][0-9]?-[0-9][0-9]?(?:(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9]{2})?))?)?$/;

function dumpString(s) {
  if (isNumericString(s) && !/[\f\n\r\t\v]/.test(s)) return `'${s}'`;
  if (s === '') return "''";
  if (BINARY.test(s) || hasLoneSurrogate(s)) return `!!binary ${base64(new TextEncoder().encode(s))}`;
  if (NEEDS_DOUBLE_QUOTES.test(s)) return doubleQuoted(s);
  if (SINGLE_QUOTE_WORDS.has(s.toLowerCase()) || NEEDS_SINGLE_QUOTES.test(s)) {
    const single = singleQuoted(s);
    if (!s.includes("'")) return single;
    const double = doubleQuoted(s);
    return byteLength(double) < byteLength(single) ? double : single;
  }
  if (DIGITS_AND_UNDERSCORES.test(s) || HEX.test(s) || TIMESTAMP.test(s)) return singleQuoted(s);
  return s;
}

const ESCAPES = {
  '\\': '\\\\',
  '"': '\\"',
  '\x00': '\\0',
  '\x07': '\\a',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\v': '\\v',
  '\f': '\\f',
  '\r': '\\r',
  '\x1b': '\\e',
  '\u0085': '\\N',
  '\u00a0': '\\_',
  '\u2028': '\\L',
  '\u2029': '\\P',
};

function doubleQuoted(s) {
  return `"${s.replace(/[\\"\x00-\x1f\x7f\u0085\u00a0\u2028\u2029]/g, (c) => ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}"`;
}

function singleQuoted(s) {
  return `'${s.replace(/'/g, "''")}'`;
}

const byteLength = (s) => new TextEncoder().encode(s).length;

function hasLoneSurrogate(s) {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

function base64(bytes) {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}
