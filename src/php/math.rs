//! Numbers and type conversions: `intval`, `round`, `min`, `max`, `is_numeric`, ….

use minijinja::Error;
use minijinja::value::Value;

use super::args::Args;
use super::array::{is_array, len, values};
use super::compare::compare;
use super::functions::{Function, php_fn};
use super::number::{Num, float_to_int_saturating, parse_numeric};
use super::value::{Php, error, to_float_lenient, to_int_lenient, to_php_string, truthy, view};

pub(crate) const LIBRARY: &[Function] = &[
    php_fn!("intval", ["value", "base"], 1, intval),
    php_fn!("floatval", ["value"], 1, |a| Ok(Value::from(
        to_float_lenient(a.mixed(0))
    ))),
    php_fn!("doubleval", ["value"], 1, |a| Ok(Value::from(
        to_float_lenient(a.mixed(0))
    ))),
    php_fn!("boolval", ["value"], 1, |a| Ok(Value::from(truthy(
        a.mixed(0)
    )))),
    php_fn!("strval", ["value"], 1, |a| Ok(Value::from(
        to_php_string(a.mixed(0))?.into_owned()
    ))),
    php_fn!("round", ["num", "precision", "mode"], 1, round),
    php_fn!("floor", ["num"], 1, |a| Ok(Value::from(
        a.number(0)?.as_f64().floor()
    ))),
    php_fn!("ceil", ["num"], 1, |a| Ok(Value::from(
        a.number(0)?.as_f64().ceil()
    ))),
    php_fn!("abs", ["num"], 1, |a| {
        Ok(match a.number(0)? {
            Num::Int(i) => i
                .checked_abs()
                .map_or(Value::from(-(i as f64)), Value::from),
            Num::Float(f) => Value::from(f.abs()),
        })
    }),
    php_fn!("min", ["value", "values"], 1, ..., |a| extreme(a, -1)),
    php_fn!("max", ["value", "values"], 1, ..., |a| extreme(a, 1)),
    php_fn!("is_numeric", ["value"], 1, |a| {
        Ok(Value::from(match view(a.mixed(0)) {
            Php::Int(_) | Php::Float(_) => true,
            Php::Str(s) => matches!(parse_numeric(s), Some((_, true))),
            _ => false,
        }))
    }),
    php_fn!("is_string", ["value"], 1, |a| Ok(Value::from(matches!(
        view(a.mixed(0)),
        Php::Str(_)
    )))),
    php_fn!("is_int", ["value"], 1, |a| Ok(Value::from(matches!(
        view(a.mixed(0)),
        Php::Int(_)
    )))),
    php_fn!("is_float", ["value"], 1, |a| Ok(Value::from(matches!(
        view(a.mixed(0)),
        Php::Float(_)
    )))),
    php_fn!("is_bool", ["value"], 1, |a| Ok(Value::from(matches!(
        view(a.mixed(0)),
        Php::Bool(_)
    )))),
    php_fn!("is_array", ["value"], 1, |a| Ok(Value::from(is_array(
        a.mixed(0)
    )))),
    php_fn!("gettype", ["value"], 1, |a| {
        Ok(Value::from(match view(a.mixed(0)) {
            Php::Null | Php::Undefined => "NULL",
            Php::Bool(_) => "boolean",
            Php::Int(_) => "integer",
            Php::Float(_) => "double",
            Php::Str(_) => "string",
            Php::Array => "array",
            Php::Other => "object",
        }))
    }),
    php_fn!("is_null", ["value"], 1, |a| {
        Ok(Value::from(matches!(
            view(a.mixed(0)),
            Php::Null | Php::Undefined
        )))
    }),
];

/// Functions added after the first batch.
pub(crate) const MORE: &[Function] = &[
    php_fn!("intdiv", ["num1", "num2"], 2, |a| {
        let (x, y) = (a.int(0)?, a.int(1)?);
        if y == 0 {
            return Err(error("Division by zero"));
        }
        x.checked_div(y)
            .map(Value::from)
            .ok_or_else(|| error("Division of PHP_INT_MIN by -1 is not an integer"))
    }),
    php_fn!("pow", ["num", "exponent"], 2, |a| super::arith::pow(
        a.mixed(0),
        a.mixed(1)
    )),
    php_fn!("fmod", ["num1", "num2"], 2, |a| Ok(Value::from(
        a.float(0)? % a.float(1)?
    ))),
    php_fn!("sqrt", ["num"], 1, |a| Ok(Value::from(a.float(0)?.sqrt()))),
    php_fn!("dechex", ["num"], 1, |a| Ok(Value::from(format!(
        "{:x}",
        a.int(0)? as u64
    )))),
    php_fn!("decoct", ["num"], 1, |a| Ok(Value::from(format!(
        "{:o}",
        a.int(0)? as u64
    )))),
    php_fn!("decbin", ["num"], 1, |a| Ok(Value::from(format!(
        "{:b}",
        a.int(0)? as u64
    )))),
    php_fn!("hexdec", ["hex_string"], 1, |a| base_to_dec(
        &a.string(0)?,
        16
    )),
    php_fn!("octdec", ["octal_string"], 1, |a| base_to_dec(
        &a.string(0)?,
        8
    )),
    php_fn!("bindec", ["binary_string"], 1, |a| base_to_dec(
        &a.string(0)?,
        2
    )),
];

/// `hexdec`/`octdec`/`bindec`: an int while it fits, then a float; PHP's prefixes (`0x`,
/// `0o`, `0b`) are allowed, other characters are skipped (a deprecation, which Laravel 12's
/// handler only logs).
fn base_to_dec(s: &str, base: u32) -> Result<Value, Error> {
    let prefix = match base {
        16 => ["0x", "0X"],
        8 => ["0o", "0O"],
        _ => ["0b", "0B"],
    };
    let digits = prefix.iter().find_map(|p| s.strip_prefix(p)).unwrap_or(s);
    let mut int: Option<i64> = Some(0);
    let mut float = 0.0f64;
    for c in digits.chars() {
        let Some(d) = c.to_digit(base) else {
            continue;
        };
        int = int.and_then(|n| n.checked_mul(i64::from(base))?.checked_add(i64::from(d)));
        float = float * f64::from(base) + f64::from(d);
    }
    Ok(int.map_or(Value::from(float), Value::from))
}

fn intval(a: &Args) -> Result<Value, Error> {
    let value = a.mixed(0);
    let base = a.opt_int(1)?.unwrap_or(10);
    let Php::Str(s) = view(value) else {
        return Ok(Value::from(to_int_lenient(value)));
    };
    if base == 10 {
        return Ok(Value::from(match parse_numeric(s) {
            Some((Num::Int(i), _)) => i,
            Some((Num::Float(f), _)) => float_to_int_saturating(f),
            None => 0,
        }));
    }
    Ok(Value::from(strtol(s, base)))
}

/// C's `strtol` as `intval($string, $base)` uses it, `0b` prefixes included.
fn strtol(s: &str, base: i64) -> i64 {
    let mut rest = s.trim_start_matches([' ', '\t', '\n', '\r', '\u{b}', '\u{c}']);
    let negative = rest.starts_with('-');
    if let Some(unsigned) = rest.strip_prefix(['-', '+']) {
        rest = unsigned;
    }
    let lower = rest.get(..2).map(str::to_ascii_lowercase);
    let prefixed = |p: &str| lower.as_deref() == Some(p) && rest.len() > 2;
    let base = match base {
        0 if prefixed("0x") => 16,
        0 if prefixed("0b") => 2,
        0 if rest.starts_with('0') => 8,
        0 => 10,
        b => b,
    };
    if !(2..=36).contains(&base) {
        return 0;
    }
    if (base == 16 && prefixed("0x")) || (base == 2 && prefixed("0b")) {
        rest = rest.get(2..).unwrap_or("");
    }
    let mut acc: i64 = 0;
    let mut overflow = false;
    for c in rest.chars() {
        let Some(digit) = c.to_digit(base as u32) else {
            break;
        };
        let next = acc.checked_mul(base).and_then(|v| {
            if negative {
                v.checked_sub(digit as i64)
            } else {
                v.checked_add(digit as i64)
            }
        });
        match next {
            Some(v) => acc = v,
            None => {
                overflow = true;
                break;
            }
        }
    }
    match (overflow, negative) {
        (true, true) => i64::MIN,
        (true, false) => i64::MAX,
        _ => acc,
    }
}

fn pow10(power: i32) -> f64 {
    10f64.powi(power)
}

/// PHP's `round()` before 8.4: pre-rounds to 15 significant digits so that `round(1.955, 2)`
/// gives 1.96 as people expect, then rounds half away from zero.
pub(crate) fn php_round(value: f64, places: i64) -> f64 {
    fn helper(v: f64) -> f64 {
        if v >= 0.0 {
            (v + 0.5).floor()
        } else {
            (v - 0.5).ceil()
        }
    }
    if !value.is_finite() || value == 0.0 {
        return value;
    }
    let places = places.clamp(i32::MIN as i64 + 1, i32::MAX as i64) as i32;
    let precision_places = 14 - value.abs().log10().floor() as i32;
    let f1 = pow10(places.unsigned_abs() as i32);
    let mut tmp;
    if precision_places > places && precision_places - 15 < places {
        let use_precision = precision_places.max(i32::MIN + 1);
        let basic = if use_precision >= 0 {
            value * pow10(use_precision)
        } else {
            value / pow10(-use_precision)
        };
        tmp = helper(basic);
        let shift = (places - use_precision).max(i32::MIN + 1);
        tmp /= pow10(shift.unsigned_abs() as i32);
    } else {
        tmp = if places >= 0 { value * f1 } else { value / f1 };
        if tmp.abs() >= 1e15 {
            return value;
        }
    }
    if (tmp - helper(tmp)).abs() >= 0.0 {
        tmp = helper(tmp);
    }
    if places.unsigned_abs() < 23 {
        if places > 0 { tmp / f1 } else { tmp * f1 }
    } else if !tmp.is_finite() {
        // PHP prints "inf" (a power of ten beyond doubles overflowed) and reads it back with
        // its strtod, which finds no number there: 0.
        0.0
    } else {
        let text = format!("{tmp:.6}e{}", -(places as i64));
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => value,
        }
    }
}

fn round(a: &Args) -> Result<Value, Error> {
    let num = a.number(0)?;
    let places = a.opt_int(1)?.unwrap_or(0);
    // PHP 8.2 treats an unknown mode as PHP_ROUND_HALF_UP.
    if let Some(2..=4) = a.opt_int(2)? {
        return Err(error(
            "round(): rounding modes other than PHP_ROUND_HALF_UP are not supported in templates",
        ));
    }
    Ok(Value::from(match num {
        Num::Int(i) if places >= 0 => i as f64,
        n => php_round(n.as_f64(), places),
    }))
}

/// `min`/`max`: of one array's values, or of the arguments; the first of equals wins.
fn extreme(a: &Args, sign: i8) -> Result<Value, Error> {
    let candidates: Vec<Value> = if a.len() == 1 {
        let array = a.mixed(0);
        if !is_array(array) {
            return Err(a.type_error(0, "array"));
        }
        if len(array) == 0 {
            return Err(a.value_error(0, "must contain at least one element"));
        }
        super::budget::list(len(array))?;
        values(array).collect()
    } else {
        a.values.to_vec()
    };
    let mut best: Option<Value> = None;
    for candidate in candidates {
        best = match best {
            Some(current) if compare(&candidate, &current)? != sign => Some(current),
            _ => Some(candidate),
        };
    }
    best.ok_or_else(|| error(format!("{}(): no values", a.sig.name)))
}
