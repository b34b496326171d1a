//! `sprintf` and `number_format`, as PHP's `formatted_print.c` and `math.c` write numbers.

use minijinja::Error;
use minijinja::value::Value;

use super::budget;
use super::functions::{Function, php_fn};
use super::math::php_round;
use super::strings::{MAX_STRING_LEN, from_bytes, too_long};
use super::value::{error, format_float, to_float_lenient, to_int_lenient, to_php_string};

pub(crate) const LIBRARY: &[Function] = &[
    php_fn!("sprintf", ["format", "values"], 1, ..., |a| {
        let format = a.string(0)?;
        Ok(from_bytes(&sprintf(format.as_bytes(), a.values.get(1..).unwrap_or_default(), false)?))
    }),
    php_fn!("vsprintf", ["format", "values"], 2, |a| {
        let format = a.string(0)?;
        let values: Vec<Value> = super::array::values(a.array(1)?).collect();
        Ok(from_bytes(&sprintf(format.as_bytes(), &values, true)?))
    }),
    php_fn!(
        "number_format",
        [
            "num",
            "decimals",
            "decimal_separator",
            "thousands_separator"
        ],
        1,
        |a| {
            let num = a.float(0)?;
            let decimals = a.opt_int(1)?.unwrap_or(0);
            // Both separators are `?string`: null is the default, not "".
            let point = a.opt_nullable_string(2)?;
            let separator = a.opt_nullable_string(3)?;
            Ok(Value::from(number_format(
                num,
                decimals,
                point.as_deref().unwrap_or("."),
                separator.as_deref().unwrap_or(","),
            )?))
        }
    ),
];

/// `number_format`: PHP rounds half away from zero first, then prints with `%.*F`.
pub(crate) fn number_format(
    num: f64,
    decimals: i64,
    point: &str,
    separator: &str,
) -> Result<String, Error> {
    // PHP's printf precision stops at 500 digits.
    let decimals = decimals.clamp(0, 500) as usize;
    let rounded = php_round(num, decimals as i64);
    if !rounded.is_finite() {
        return Ok(if rounded.is_nan() { "nan" } else { "inf" }.to_string());
    }
    let negative = rounded < 0.0;
    let text = format!("{:.*}", decimals, rounded.abs());
    let (int_part, frac_part) = text.split_once('.').unwrap_or((&text, ""));
    // A separator of any length goes between every three of up to 309 digits.
    let size = (int_part.len() / 3)
        .saturating_mul(separator.len())
        .saturating_add(text.len() + point.len() + 1);
    if size > MAX_STRING_LEN {
        return Err(too_long("number_format"));
    }
    budget::string(size)?;
    let mut out = String::with_capacity(size);
    if negative && rounded != 0.0 {
        out.push('-');
    }
    for (i, digit) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            out.push_str(separator);
        }
        out.push(digit);
    }
    if decimals > 0 {
        out.push_str(point);
        out.push_str(frac_part);
    }
    Ok(out)
}

#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Right,
}

/// One conversion's modifiers: `%[argnum$][flags][width][.precision]specifier`.
struct Spec {
    pad: u8,
    align: Align,
    always_sign: bool,
    width: usize,
    precision: Option<usize>,
}

/// Formats like PHP's `sprintf`, arguments already past the format; `from_array` words the
/// missing-argument error as `vsprintf` does.
pub(crate) fn sprintf(format: &[u8], args: &[Value], from_array: bool) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(format.len());
    // How much of `out` is charged to the render's budget: a string built piece by piece is
    // charged as it grows, each piece no longer than the string limit.
    let mut charged = 0;
    let mut i = 0;
    let mut next_arg = 0usize;
    let mut max_missing: Option<usize> = None;
    let at = |k: usize| format.get(k).copied().unwrap_or(0);
    while i < format.len() {
        let c = format[i];
        if c != b'%' {
            out.push(c);
            i += 1;
            continue;
        }
        if at(i + 1) == b'%' {
            out.push(b'%');
            i += 2;
            continue;
        }
        i += 1;
        let mut spec = Spec {
            pad: b' ',
            align: Align::Right,
            always_sign: false,
            width: 0,
            precision: None,
        };
        let mut argnum = None;
        if !at(i).is_ascii_alphabetic() {
            let digits_end = (i..format.len())
                .find(|&k| !format[k].is_ascii_digit())
                .unwrap_or(format.len());
            if at(digits_end) == b'$' {
                let n = parse_number(&format[i..digits_end]).filter(|&n| n > 0).ok_or_else(|| {
                    error("Argument number specifier must be greater than zero and less than 2147483647")
                })?;
                argnum = Some(n - 1);
                i = digits_end + 1;
            }
            loop {
                match at(i) {
                    b' ' | b'0' => spec.pad = at(i),
                    b'-' => spec.align = Align::Left,
                    b'+' => spec.always_sign = true,
                    b'\'' => {
                        if i + 1 < format.len() {
                            i += 1;
                            spec.pad = at(i);
                        } else {
                            return Err(error("Missing padding character"));
                        }
                    }
                    _ => break,
                }
                i += 1;
            }
            if at(i).is_ascii_digit() {
                let end = (i..format.len())
                    .find(|&k| !format[k].is_ascii_digit())
                    .unwrap_or(format.len());
                spec.width = parse_number(&format[i..end]).ok_or_else(|| {
                    error("Width must be greater than zero and less than 2147483647")
                })?;
                i = end;
            }
            if at(i) == b'.' {
                i += 1;
                let end = (i..format.len())
                    .find(|&k| !format[k].is_ascii_digit())
                    .unwrap_or(format.len());
                // A dot without digits leaves the default precision, as PHP 8.2 does.
                if end > i {
                    spec.precision = Some(parse_number(&format[i..end]).ok_or_else(|| {
                        error("Precision must be greater than zero and less than 2147483647")
                    })?);
                }
                i = end;
            }
        }
        if at(i) == b'l' {
            i += 1;
        }
        if spec.width > MAX_STRING_LEN {
            return Err(too_long("sprintf"));
        }
        let conversion = at(i);
        let index = argnum.unwrap_or_else(|| {
            next_arg += 1;
            next_arg - 1
        });
        // PHP counts the arguments before it reads the conversion.
        let Some(arg) = args.get(index) else {
            max_missing = Some(max_missing.map_or(index, |m| m.max(index)));
            i += 1;
            continue;
        };
        if conversion == 0 && i >= format.len() {
            return Err(error("Missing format specifier at end of string"));
        }
        match conversion {
            b's' => {
                let text = to_php_string(arg)?;
                let bytes = text.as_bytes();
                let bytes = match spec.precision {
                    Some(p) => bytes.get(..p.min(bytes.len())).unwrap_or(bytes),
                    None => bytes,
                };
                append_padded(&mut out, bytes, &spec, false);
            }
            b'd' => {
                let n = to_int_lenient(arg);
                let mut text = n.unsigned_abs().to_string();
                if n < 0 {
                    text.insert(0, '-');
                } else if spec.always_sign {
                    text.insert(0, '+');
                }
                append_int(&mut out, text.as_bytes(), &mut spec, n < 0);
            }
            b'u' => {
                let text = (to_int_lenient(arg) as u64).to_string();
                spec.always_sign = false;
                append_int(&mut out, text.as_bytes(), &mut spec, false);
            }
            b'x' | b'X' | b'o' | b'b' => {
                let n = to_int_lenient(arg) as u64;
                let text = match conversion {
                    b'x' => format!("{n:x}"),
                    b'X' => format!("{n:X}"),
                    b'o' => format!("{n:o}"),
                    _ => format!("{n:b}"),
                };
                spec.always_sign = false;
                append_padded(&mut out, text.as_bytes(), &spec, false);
            }
            b'c' => out.push(to_int_lenient(arg) as u8),
            b'e' | b'E' | b'f' | b'F' | b'g' | b'G' | b'h' | b'H' => {
                let (text, negative) = format_double(to_float_lenient(arg), conversion, &spec)?;
                if text.is_empty() {
                    // PHP 8.2 writes INF and NaN as they are, ignoring width and sign.
                    let num = to_float_lenient(arg);
                    out.extend_from_slice(if num.is_nan() { b"NaN" } else { b"INF" });
                } else {
                    append_padded(&mut out, text.as_bytes(), &spec, negative);
                }
            }
            b'%' => out.push(b'%'),
            other => {
                return Err(error(format!(
                    "Unknown format specifier \"{}\"",
                    other as char
                )));
            }
        }
        if out.len() > MAX_STRING_LEN {
            return Err(too_long("sprintf"));
        }
        budget::string(out.len() - charged)?;
        charged = out.len();
        i += 1;
    }
    if let Some(missing) = max_missing {
        return Err(error(if from_array {
            format!(
                "The arguments array must contain {} items, {} given",
                missing + 1,
                args.len()
            )
        } else {
            format!(
                "{} arguments are required, {} given",
                missing + 2,
                args.len() + 1
            )
        }));
    }
    Ok(out)
}

/// A decimal number below `i32::MAX`, as PHP's `php_sprintf_getnumber` accepts.
fn parse_number(digits: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(digits).ok()?;
    let n: i64 = text.parse().ok()?;
    (n < i32::MAX as i64).then_some(n as usize)
}

/// Integers cannot be right-padded with zeros: PHP pads them with spaces instead.
fn append_int(out: &mut Vec<u8>, text: &[u8], spec: &mut Spec, negative: bool) {
    if spec.align == Align::Left && spec.pad == b'0' {
        spec.pad = b' ';
    }
    append_padded(out, text, spec, negative);
}

/// `php_sprintf_appendstring`: with zero padding the sign goes before the zeros.
fn append_padded(out: &mut Vec<u8>, text: &[u8], spec: &Spec, negative: bool) {
    let padding = spec.width.saturating_sub(text.len());
    let mut text = text;
    if spec.align == Align::Right {
        if (negative || spec.always_sign) && spec.pad == b'0' {
            if let Some((&sign, rest)) = text.split_first() {
                if sign == b'-' || sign == b'+' {
                    out.push(sign);
                    text = rest;
                }
            }
        }
        out.extend(std::iter::repeat_n(spec.pad, padding));
    }
    out.extend_from_slice(text);
    if spec.align == Align::Left {
        out.extend(std::iter::repeat_n(spec.pad, padding));
    }
}

/// `%e %f %g` and friends; returns the text (sign included) and whether it is negative, or an
/// empty text for INF and NAN.
fn format_double(num: f64, conversion: u8, spec: &Spec) -> Result<(String, bool), Error> {
    let precision = match spec.precision {
        None => 6,
        Some(p) if p > 53 => {
            return Err(error(format!(
                "sprintf(): Requested precision of {p} digits was truncated to PHP maximum of 53 digits"
            )));
        }
        Some(p) => p,
    };
    if !num.is_finite() {
        return Ok((String::new(), false));
    }
    let negative = num < 0.0;
    let sign = if negative {
        "-"
    } else if spec.always_sign {
        "+"
    } else {
        ""
    };
    let magnitude = num.abs();
    let body = match conversion {
        b'f' | b'F' => format!("{magnitude:.precision$}"),
        b'e' | b'E' => {
            let sci = format!("{magnitude:.precision$e}");
            let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
            let exp: i32 = exp.parse().unwrap_or(0);
            let e = if conversion == b'e' { 'e' } else { 'E' };
            format!(
                "{mantissa}{e}{}{}",
                if exp < 0 { '-' } else { '+' },
                exp.unsigned_abs()
            )
        }
        _ => {
            let precision = precision.max(1);
            let e = if matches!(conversion, b'g' | b'h') {
                'e'
            } else {
                'E'
            };
            let text = format_float(num, Some(precision), e);
            return Ok(match text.strip_prefix('-') {
                Some(_) => (text, true),
                None if spec.always_sign => (format!("+{text}"), false),
                None => (text, false),
            });
        }
    };
    Ok((format!("{sign}{body}"), negative))
}
