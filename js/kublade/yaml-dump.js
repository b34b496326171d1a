// YAML as Kublade writes a file: `Yaml::dump($value, 10, 2)` of symfony/yaml 7.2, no flags.
// Block style to depth 10, then inline; indent 2; `-` alone on its line before a mapping in a
// list; every empty array `{  }`; strings quoted only when Symfony's Escaper says so (double
// quotes for control characters and line breaks); floats with PHP's 14 significant digits.
import { PhpFloat, floatToString, isArray, isList, isNumericString } from './php.js';

const INLINE_FROM_DEPTH = 10;
const INDENT = 2;

/** The YAML Symfony's dumper writes for a PHP value (no trailing newline after a scalar). */
export function dumpSymfonyYaml(value) {
  return dump(value, INLINE_FROM_DEPTH, 0);
}

function dump(value, inline, indent) {
  const prefix = ' '.repeat(indent);
  if (inline <= 0 || !isArray(value) || value.size === 0) return prefix + dumpInline(value);
  const asMap = !isList(value);
  let out = '';
  for (const [key, item] of value) {
    if (out !== '' && !out.endsWith('\n')) out += '\n';
    const inlined = inline - 1 <= 0 || !isArray(item) || item.size === 0;
    out += `${prefix}${asMap ? `${dumpInline(key)}:` : '-'}${inlined ? ' ' : '\n'}${dump(item, inline - 1, inlined ? 0 : indent + INDENT)}${inlined ? '\n' : ''}`;
  }
  return out;
}

/** Symfony's `Inline::dump`. */
function dumpInline(value) {
  if (value === null || value === undefined) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value instanceof PhpFloat) return dumpFloat(value.value);
  if (value instanceof Uint8Array) return `!!binary ${base64(value)}`;
  if (isArray(value)) {
    if (value.size > 0 && isList(value)) return `[${[...value.values()].map(dumpInline).join(', ')}]`;
    return `{ ${[...value].map(([k, v]) => `${dumpInline(k)}: ${dumpInline(v)}`).join(', ')} }`;
  }
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
const NEEDS_SINGLE_QUOTES = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000'":{}[\],&*#?]|^[ \-?|<>=!%@`\p{Zs}]/u;
// (PCRE's \s with /u is Unicode's White_Space, which JavaScript's \s exceeds by U+FEFF.)
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
