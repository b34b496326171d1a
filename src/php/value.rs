//! A PHP view of minijinja values: which PHP type a value is, and PHP's conversions between types.

use std::borrow::Cow;
use std::cell::Cell;

use std::sync::Arc;

use minijinja::value::{Enumerator, Object, ObjectRepr, Value, ValueKind};
use minijinja::{Error, ErrorKind};

use super::number::{self, Num};

/// A minijinja value seen as a PHP value.
///
/// Borrowed so that the hot paths (truthiness, comparison, echo) read strings in place.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Php<'a> {
    /// A missing variable or array key: behaves as `null` wherever PHP would have warned already.
    Undefined,
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
    /// A sequence or a map.
    Array,
    /// An object: Blade's `$loop` ([`StdClass`]), the only one templates meet; or anything
    /// else minijinja has that PHP has not.
    Other,
}

pub(crate) fn view(value: &Value) -> Php<'_> {
    match value.kind() {
        ValueKind::Undefined => Php::Undefined,
        ValueKind::None => Php::Null,
        ValueKind::Bool => Php::Bool(value.is_true()),
        ValueKind::Number => {
            if value.is_integer() {
                if let Some(int) = value.as_i64() {
                    return Php::Int(int);
                }
            }
            // Integers beyond i64 become floats, as json_decode makes them in PHP.
            match f64::try_from(value.clone()) {
                Ok(float) => Php::Float(float),
                Err(_) => Php::Other,
            }
        }
        ValueKind::String | ValueKind::Bytes => match value.as_str() {
            Some(s) => Php::Str(s),
            None => Php::Other,
        },
        ValueKind::Seq | ValueKind::Map | ValueKind::Iterable => Php::Array,
        _ => Php::Other,
    }
}

impl Php<'_> {
    /// The type name PHP uses in its error messages (`get_debug_type` style).
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Php::Undefined | Php::Null => "null",
            Php::Bool(_) => "bool",
            Php::Int(_) => "int",
            Php::Float(_) => "float",
            Php::Str(_) => "string",
            Php::Array => "array",
            Php::Other => "stdClass",
        }
    }
}

/// A PHP `stdClass` object: Blade's `$loop` is one (Laravel casts its loop array to an object).
/// Its properties are read with `->`, never with `[…]`, and PHP's array functions refuse it.
#[derive(Debug)]
pub(crate) struct StdClass {
    pub(crate) properties: Vec<(Value, Value)>,
}

impl Object for StdClass {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.property(key.as_str()?)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.properties.iter().map(|(k, _)| k.clone()).collect())
    }
}

impl StdClass {
    pub(crate) fn property(&self, name: &str) -> Option<Value> {
        self.properties
            .iter()
            .find(|(k, _)| k.as_str() == Some(name))
            .map(|(_, v)| v.clone())
    }
}

/// The `stdClass` object `value` is, if it is one.
pub(crate) fn std_class(value: &Value) -> Option<&StdClass> {
    value.downcast_object_ref::<StdClass>()
}

pub(crate) fn error(message: impl Into<Cow<'static, str>>) -> Error {
    Error::new(ErrorKind::InvalidOperation, message)
}

thread_local! {
    /// How many `@` operators the evaluation is inside.
    static SILENCED: Cell<u32> = const { Cell::new(0) };
}

/// A PHP warning: Laravel's handler makes it an exception, except under `@`, which PHP honours
/// by not calling the handler; the expression then goes on with `fallback`, PHP's value.
pub(crate) fn warning<T>(warning: Error, fallback: T) -> Result<T, Error> {
    if SILENCED.get() > 0 {
        Ok(fallback)
    } else {
        Err(warning)
    }
}

/// Enters (`true`) or leaves an `@` operator.
pub(crate) fn silence(enter: bool) {
    SILENCED.set(if enter {
        SILENCED.get().saturating_add(1)
    } else {
        SILENCED.get().saturating_sub(1)
    });
}

/// Sets how many `@` operators the evaluation is inside, returning the previous count: a render
/// starts outside any (one that failed inside an `@` never left it).
pub(crate) fn set_silenced(count: u32) -> u32 {
    SILENCED.replace(count)
}

/// What a read found missing, kept on its error (as the error's source) so that hosts can
/// suggest a fix without reading the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// An array key, as PHP prints it: `web`, `3`.
    Key(String),
    /// A variable, by its name without `$`.
    Variable(String),
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Missing::Key(key) => write!(f, "missing array key {key:?}"),
            Missing::Variable(name) => write!(f, "missing variable ${name}"),
        }
    }
}

impl std::error::Error for Missing {}

/// PHP's error for a read of something missing, carrying what was missing.
pub(crate) fn missing(message: String, what: Missing) -> Error {
    error(message).with_source(what)
}

/// `(bool) $value`.
pub(crate) fn truthy(value: &Value) -> bool {
    match view(value) {
        Php::Undefined | Php::Null => false,
        Php::Bool(b) => b,
        Php::Int(i) => i != 0,
        // NAN is true in PHP, as in IEEE comparison with zero.
        Php::Float(f) => f != 0.0,
        Php::Str(s) => !(s.is_empty() || s == "0"),
        Php::Array => value.len().is_none_or(|len| len > 0),
        Php::Other => true,
    }
}

/// `(string) $value`, as `echo` and `.` do it.
pub(crate) fn to_php_string(value: &Value) -> Result<Cow<'_, str>, Error> {
    Ok(match view(value) {
        Php::Undefined | Php::Null | Php::Bool(false) => Cow::Borrowed(""),
        Php::Bool(true) => Cow::Borrowed("1"),
        Php::Int(i) => Cow::Owned(i.to_string()),
        Php::Float(f) => Cow::Owned(float_to_string(f)),
        Php::Str(s) => Cow::Borrowed(s),
        Php::Array => warning(error("Array to string conversion"), Cow::Borrowed("Array"))?,
        Php::Other if std_class(value).is_some() => {
            return Err(error(
                "Object of class stdClass could not be converted to string",
            ));
        }
        Php::Other => Cow::Owned(value.to_string()),
    })
}

/// Writes `(string) $value` without allocating for strings.
pub(crate) fn write_php_string(out: &mut impl std::fmt::Write, value: &Value) -> Result<(), Error> {
    let result = match view(value) {
        Php::Undefined | Php::Null | Php::Bool(false) => Ok(()),
        Php::Bool(true) => out.write_str("1"),
        Php::Int(i) => write!(out, "{i}"),
        Php::Str(s) => out.write_str(s),
        _ => out.write_str(&to_php_string(value)?),
    };
    result.map_err(|_| Error::new(ErrorKind::WriteFailure, "could not write output"))
}

/// A float as `echo` prints it: 14 significant digits (`precision=14`).
pub(crate) fn float_to_string(f: f64) -> String {
    format_float(f, Some(14), 'E')
}

/// A float as `json_encode` and `var_export` print it (`serialize_precision=-1`): the shortest
/// representation that reads back to the same float.
pub(crate) fn float_to_repr(f: f64) -> String {
    format_float(f, None, 'e')
}

/// PHP's `zend_gcvt`: `%G`-like output with `precision` significant digits (shortest round-trip
/// digits when `None`), switching to exponent form `1.0E+25` when the exponent is below -4 or
/// beyond the precision (17 for the shortest form).
pub(crate) fn format_float(f: f64, precision: Option<usize>, exp_char: char) -> String {
    if f.is_nan() {
        return "NAN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "INF" } else { "-INF" }.to_string();
    }
    // Rust's `{:e}` gives the shortest round-trip digits, `{:.Ne}` correctly rounded ones: the
    // same digits PHP's zend_dtoa gives in modes 0 and 2 (ties aside, see below).
    let sci = match precision {
        Some(p) => format!("{:.*e}", p.saturating_sub(1), f),
        None => shortest_with_even_ties(f),
    };
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let ndigit = precision.unwrap_or(17) as i32;
    let decpt = exp + 1;

    let mut out = String::with_capacity(digits.len() + 8);
    if negative {
        out.push('-');
    }
    if decpt < -3 || decpt > ndigit {
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        out.push('.');
        out.push_str(if rest.is_empty() { "0" } else { rest });
        out.push(exp_char);
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&exp.unsigned_abs().to_string());
    } else if decpt <= 0 {
        out.push_str("0.");
        for _ in decpt..0 {
            out.push('0');
        }
        out.push_str(digits);
    } else {
        let decpt = decpt as usize;
        if digits.len() <= decpt {
            out.push_str(digits);
            for _ in digits.len()..decpt {
                out.push('0');
            }
        } else {
            let (int, frac) = digits.split_at(decpt);
            out.push_str(int);
            out.push('.');
            out.push_str(frac);
        }
    }
    out
}

/// The shortest round-trip digits as zend_dtoa's mode 0 picks them: when the value lies
/// exactly halfway between two shortest candidates, the one with the even last digit
/// (591365044746252.25 → `...252.2`, where Rust's `{:e}` says `...252.3`).
fn shortest_with_even_ties(f: f64) -> String {
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let n = digits.len();
    let Some(&last) = digits.last() else {
        return sci;
    };
    if n < 2 {
        return sci;
    }
    // The exact value, far enough to see whether it is a tie: `n` digits, a 5, then zeros.
    let exact = format!("{:.*e}", n + 30, f.abs());
    let exact_digits: Vec<u8> = exact
        .split_once('e')
        .map_or(&exact[..], |(m, _)| m)
        .bytes()
        .filter(u8::is_ascii_digit)
        .collect();
    let rest_is_zero = |from: usize| {
        exact_digits
            .get(from..)
            .is_some_and(|r| r.iter().all(|&d| d == b'0'))
    };
    // Rust picked the upper candidate of a tie, and its last digit is odd.
    let lower_tie = exact_digits.get(..n - 1) == digits.get(..n - 1)
        && exact_digits.get(n - 1) == Some(&(last - 1))
        && exact_digits.get(n) == Some(&b'5')
        && rest_is_zero(n + 1);
    // Rust picked the lower candidate of a tie, and its last digit is odd.
    let upper_tie = exact_digits.get(..n) == Some(&digits[..])
        && exact_digits.get(n) == Some(&b'5')
        && rest_is_zero(n + 1);
    let replacement = match (lower_tie, upper_tie) {
        (true, _) if last % 2 == 1 => last - 1,
        (_, true) if last % 2 == 1 && last < b'9' => last + 1,
        _ => return sci,
    };
    let mut alternative = mantissa.to_string();
    alternative.pop();
    alternative.push(replacement as char);
    let candidate = format!("{alternative}e{exp}");
    match candidate.parse::<f64>() {
        Ok(back) if back == f => candidate,
        _ => sci,
    }
}

/// The operand of an arithmetic operator, with PHP 8's errors for strings that are not numbers.
///
/// `op` and the other operand's type only serve the `Unsupported operand types` message.
pub(crate) fn to_arith_operand(
    value: &Value,
    left: &Value,
    right: &Value,
    op: &str,
) -> Result<Num, Error> {
    match view(value) {
        Php::Undefined | Php::Null => Ok(Num::Int(0)),
        Php::Bool(b) => Ok(Num::Int(b as i64)),
        Php::Int(i) => Ok(Num::Int(i)),
        Php::Float(f) => Ok(Num::Float(f)),
        Php::Str(s) => match number::parse_numeric(s) {
            Some((num, true)) => Ok(num),
            Some((num, false)) => warning(error("A non-numeric value encountered"), num),
            None => Err(unsupported_operands(left, right, op)),
        },
        Php::Array | Php::Other => Err(unsupported_operands(left, right, op)),
    }
}

pub(crate) fn unsupported_operands(left: &Value, right: &Value, op: &str) -> Error {
    error(format!(
        "Unsupported operand types: {} {op} {}",
        view(left).type_name(),
        view(right).type_name()
    ))
}

/// A number from a PHP scalar the way `intval`/`floatval` and numeric comparisons read it:
/// leading-numeric strings give their number, others zero, silently.
pub(crate) fn to_number_lenient(value: &Value) -> Num {
    match view(value) {
        Php::Undefined | Php::Null => Num::Int(0),
        Php::Bool(b) => Num::Int(b as i64),
        Php::Int(i) => Num::Int(i),
        Php::Float(f) => Num::Float(f),
        Php::Str(s) => number::parse_numeric(s)
            .map(|(num, _)| num)
            .unwrap_or(Num::Int(0)),
        Php::Array => Num::Int(value.len().is_some_and(|len| len > 0) as i64),
        Php::Other => Num::Int(1),
    }
}

/// `(int) $value`: floats wrap, numeric strings saturate.
pub(crate) fn to_int_lenient(value: &Value) -> i64 {
    match (to_number_lenient(value), view(value)) {
        (Num::Int(i), _) => i,
        (Num::Float(f), Php::Str(_)) => number::float_to_int_saturating(f),
        (Num::Float(f), _) => number::float_to_int(f),
    }
}

/// `(float) $value`; `"-0"` keeps its sign, as strtod reads it.
pub(crate) fn to_float_lenient(value: &Value) -> f64 {
    let f = to_number_lenient(value).as_f64();
    match view(value) {
        Php::Str(s)
            if f == 0.0
                && number::parse_numeric(s).is_some()
                && s.trim_start().starts_with('-') =>
        {
            -0.0
        }
        _ => f,
    }
}

impl From<Num> for Value {
    fn from(num: Num) -> Value {
        match num {
            Num::Int(i) => Value::from(i),
            Num::Float(f) => Value::from(f),
        }
    }
}
