// PHP values as Kublade's YAML step holds them: Symfony's parser returns PHP arrays, ints and
// floats, and its dumper writes each differently, so JavaScript's values need a little help:
//   - a PHP array is a Map (insertion order kept, keys normalised as PHP does: "12" is 12);
//   - an int is a number, or a bigint beyond 2^53;
//   - a float is a PhpFloat (1.0 and 1 dump differently).

export class PhpFloat {
  constructor(value) {
    this.value = value;
  }
}

/** Symfony's TaggedValue: what `! value` in a flow mapping parses to (the tag is empty). */
export class TaggedValue {
  constructor(tag, value) {
    this.tag = tag;
    this.value = value;
  }
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** An integer as PHP holds it: a number when exact, else a bigint. */
export function phpInt(big) {
  const value = BigInt(big);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** Whether a decimal string is an int64 (as PHP's `(string)(int)$s === $s` tells). */
export function int64Text(text) {
  if (!/^-?(0|[1-9][0-9]*)$/.test(text) || text === '-0') return false;
  const value = BigInt(text);
  return value >= INT64_MIN && value <= INT64_MAX;
}

/** An array key as PHP stores it: decimal integer strings become integers. */
export function phpKey(key) {
  if (typeof key === 'number' || typeof key === 'bigint') return key;
  if (typeof key === 'boolean') return key ? 1 : 0;
  if (key === null) return '';
  return int64Text(key) ? phpInt(key) : key;
}

export const isArray = (v) => v instanceof Map;

/** A list: keys 0, 1, 2… in order (Symfony's `Inline::isHash` is its negation). */
export function isList(map) {
  let expected = 0;
  for (const key of map.keys()) {
    if (key !== expected) return false;
    expected++;
  }
  return true;
}

/** `(bool) $v`. */
export function truthy(v) {
  if (v === null || v === undefined || v === false) return false;
  if (v === true) return true;
  if (v instanceof PhpFloat) return v.value !== 0;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'string') return v !== '' && v !== '0';
  if (v instanceof Map) return v.size > 0;
  return true;
}

/** PHP 8's `is_numeric()` for a string: blanks around allowed, no hex. */
export function isNumericString(s) {
  return /^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ \t\n\r\v\f]*$/.test(s);
}

/** `(string) $float` with PHP's precision 14 (as echo and Symfony's dumper print floats). */
export function floatToString(x, precision = 14) {
  if (Number.isNaN(x)) return 'NAN';
  if (!Number.isFinite(x)) return x > 0 ? 'INF' : '-INF';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const { digits, exponent } = roundedDigits(Math.abs(x), precision);
  const sign = x < 0 ? '-' : '';
  if (exponent < -4 || exponent >= precision) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : `${digits}.0`;
    return `${sign}${mantissa}E${exponent < 0 ? '-' : '+'}${Math.abs(exponent)}`;
  }
  if (exponent >= 0) {
    const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
    const fraction = digits.slice(exponent + 1);
    return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
  }
  return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
}

/**
 * The significant digits of `x` (> 0) rounded to `precision` digits, ties to even as PHP's
 * zend_dtoa rounds them, without trailing zeros; and the decimal exponent of the first digit.
 */
function roundedDigits(x, precision) {
  const exact = exactDecimal(x);
  let { digits } = exact;
  let exponent = exact.exponent;
  if (digits.length > precision) {
    const kept = digits.slice(0, precision);
    const rest = digits.slice(precision);
    const half = rest[0] > '5' || (rest[0] === '5' && (/[1-9]/.test(rest.slice(1)) || Number(kept.at(-1)) % 2 === 1));
    let rounded = half ? (BigInt(kept) + 1n).toString() : kept;
    if (rounded.length > precision) {
      rounded = rounded.slice(0, precision);
      exponent++;
    }
    digits = rounded;
  }
  return { digits: digits.replace(/0+$/, '') || '0', exponent };
}

/** The exact decimal expansion of a positive double: its digits and the exponent of the first. */
function exactDecimal(x) {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & 0xfffffffffffffn;
  let power;
  if (biased === 0) {
    power = -1074;
  } else {
    mantissa |= 1n << 52n;
    power = biased - 1075;
  }
  // x = mantissa × 2^power = mantissa × 5^-power / 10^-power for negative powers.
  let digits;
  let scale;
  if (power >= 0) {
    digits = (mantissa << BigInt(power)).toString();
    scale = 0;
  } else {
    digits = (mantissa * 5n ** BigInt(-power)).toString();
    scale = -power;
  }
  const exponent = digits.length - 1 - scale;
  return { digits: digits.replace(/0+$/, ''), exponent };
}
