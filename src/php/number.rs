//! PHP numbers: numeric strings and the int/float conversions of PHP 8 on 64-bit platforms.

/// A PHP number: `int` or `float`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Num {
    Int(i64),
    Float(f64),
}

impl Num {
    pub(crate) fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }
}

/// PHP's whitespace around numeric strings (`" 1\n"` is numeric).
fn is_php_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Reads a numeric string as PHP 8 does (`_is_numeric_string_ex`).
///
/// Returns the number and whether the whole string was numeric (only surrounding whitespace
/// allowed); `None` when the string does not even start with a number. Hex, octal and binary
/// prefixes are not numeric in PHP.
pub(crate) fn parse_numeric(s: &str) -> Option<(Num, bool)> {
    let bytes = s.as_bytes();
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    let mut i = 0;
    while is_php_space(at(i)) {
        i += 1;
    }
    let start = i;
    if matches!(at(i), b'+' | b'-') {
        i += 1;
    }
    let int_start = i;
    while at(i).is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut is_float = false;
    if at(i) == b'.' {
        let mut j = i + 1;
        while at(j).is_ascii_digit() {
            j += 1;
        }
        if int_digits > 0 || j > i + 1 {
            is_float = true;
            i = j;
        }
    }
    if int_digits == 0 && !is_float {
        return None;
    }
    if matches!(at(i), b'e' | b'E') {
        let mut j = i + 1;
        if matches!(at(j), b'+' | b'-') {
            j += 1;
        }
        if at(j).is_ascii_digit() {
            while at(j).is_ascii_digit() {
                j += 1;
            }
            is_float = true;
            i = j;
        }
    }
    let end = i;
    while is_php_space(at(i)) {
        i += 1;
    }
    let whole = i == bytes.len();
    let text = s.get(start..end)?;
    if !is_float {
        if let Ok(int) = text.parse::<i64>() {
            return Some((Num::Int(int), whole));
        }
    }
    Some((Num::Float(parse_float(text)), whole))
}

/// Parses the float syntax [`parse_numeric`] accepted (`1.`, `.5`, `1.e3`, `+1`).
fn parse_float(text: &str) -> f64 {
    if let Ok(f) = text.parse::<f64>() {
        return f;
    }
    // Rust rejects a dot directly before the exponent; PHP's strtod does not.
    text.replacen(".e", "e", 1)
        .replacen(".E", "E", 1)
        .parse()
        .unwrap_or(0.0)
}

const TWO_POW_63: f64 = (1u64 << 63) as f64;

/// Whether a float is within PHP's int range (`ZEND_DOUBLE_FITS_LONG`).
pub(crate) fn fits_int(f: f64) -> bool {
    (-TWO_POW_63..TWO_POW_63).contains(&f)
}

/// `(int) $float`: PHP 8 wraps finite out-of-range floats modulo 2^64, NAN and INF give 0.
pub(crate) fn float_to_int(f: f64) -> i64 {
    if !f.is_finite() {
        return 0;
    }
    if fits_int(f) {
        return f as i64;
    }
    let two_pow_64 = 2.0 * TWO_POW_63;
    let mut modulo = f % two_pow_64;
    if modulo < 0.0 {
        modulo += two_pow_64;
    }
    if modulo >= TWO_POW_63 {
        modulo -= two_pow_64;
    }
    modulo as i64
}

/// `(int) "1e100"`: numeric strings saturate instead of wrapping.
pub(crate) fn float_to_int_saturating(f: f64) -> i64 {
    // `zend_dval_to_lval_cap`: INF and NAN give 0, the rest saturates like `as`.
    if f.is_finite() { f as i64 } else { 0 }
}

/// Whether a numeric string is written as an integer (`"9223372036854775808"`), so that its
/// float value only means the integer overflowed.
pub(crate) fn is_integer_syntax(s: &str) -> bool {
    !s.contains(['.', 'e', 'E'])
}

/// The decimal digits of `n`, written into `digits` from the end: what `n.to_string()` gives,
/// without the formatting machinery (echoes print integers, and the translation numbers its
/// loop names).
pub(crate) fn decimal(n: u64, digits: &mut [u8; 20]) -> &str {
    // u64::MAX has 20 digits: `at` never passes the start.
    let mut at = digits.len();
    let mut rest = n;
    while let Some(digit) = at.checked_sub(1).and_then(|i| digits.get_mut(i)) {
        *digit = b'0' + (rest % 10) as u8;
        at -= 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    std::str::from_utf8(digits.get(at..).unwrap_or(&[])).unwrap_or("0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_writes_what_to_string_writes() {
        let mut values = vec![0, 1, 9, 10, 99, 100, 65_535, u64::from(u32::MAX), u64::MAX];
        let mut n = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..1000 {
            n = n.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            values.push(n >> (n % 64));
        }
        for n in values {
            assert_eq!(decimal(n, &mut [0u8; 20]), n.to_string());
        }
    }

    #[test]
    fn numeric_strings_as_php_reads_them() {
        // php -r 'var_dump(" 5" + 0, "5 " + 0, "1e3" + 0, "1." + 0, ".5" + 0, "1.e3" + 0);'
        assert_eq!(parse_numeric(" 5"), Some((Num::Int(5), true)));
        assert_eq!(parse_numeric("5 \n"), Some((Num::Int(5), true)));
        assert_eq!(parse_numeric("1e3"), Some((Num::Float(1000.0), true)));
        assert_eq!(parse_numeric("1."), Some((Num::Float(1.0), true)));
        assert_eq!(parse_numeric(".5"), Some((Num::Float(0.5), true)));
        assert_eq!(parse_numeric("1.e3"), Some((Num::Float(1000.0), true)));
        assert_eq!(parse_numeric("-0012"), Some((Num::Int(-12), true)));
        // "5 apples" + 1 warns "A non-numeric value encountered" and gives 6.
        assert_eq!(parse_numeric("5 apples"), Some((Num::Int(5), false)));
        assert_eq!(parse_numeric("1e"), Some((Num::Int(1), false)));
        // "0x1A" + 1 warns too: hex is not numeric, only its leading "0" is.
        assert_eq!(parse_numeric("0x1A"), Some((Num::Int(0), false)));
        // "9223372036854775808" + 0 is float(9.2233720368547758E+18)
        assert_eq!(
            parse_numeric("9223372036854775808"),
            Some((Num::Float(9_223_372_036_854_775_808.0), true))
        );
        for not_numeric in ["", " ", ".", "abc", "-", "+.", "e5"] {
            assert_eq!(parse_numeric(not_numeric), None, "{not_numeric:?}");
        }
    }

    #[test]
    fn float_to_int_wraps_like_php() {
        // php -r 'var_dump((int)1e20, (int)-1e20, (int)NAN, (int)-1.9);'
        assert_eq!(float_to_int(1e20), 7_766_279_631_452_241_920);
        assert_eq!(float_to_int(-1e20), -7_766_279_631_452_241_920);
        assert_eq!(float_to_int(f64::NAN), 0);
        assert_eq!(float_to_int(-1.9), -1);
        assert_eq!(float_to_int_saturating(1e100), i64::MAX);
    }
}
