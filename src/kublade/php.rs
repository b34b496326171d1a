//! The PHP conversions Kublade's import and controllers apply to JSON values, on the way into
//! MySQL columns and out of them.

use minijinja::Value;
use minijinja::value::ValueKind;

use crate::php::number::{Num, parse_numeric};
use crate::php::value::{Php, float_to_string, view};

/// What `(string) $v` gives for a scalar read from JSON (`None` for arrays and objects).
pub(crate) fn scalar_string(v: &Value) -> Option<String> {
    Some(match view(v) {
        Php::Undefined | Php::Null | Php::Bool(false) => String::new(),
        Php::Bool(true) => "1".to_string(),
        Php::Int(i) => i.to_string(),
        Php::Float(f) => float_to_string(f),
        Php::Str(s) => s.to_string(),
        Php::Array | Php::Other => return None,
    })
}

/// `is_numeric($v)`: numbers, and strings that are a whole number (blanks around allowed).
pub(crate) fn is_numeric(v: &Value) -> bool {
    match view(v) {
        Php::Int(_) | Php::Float(_) => true,
        Php::Str(s) => parse_numeric(s).is_some_and(|(_, whole)| whole),
        _ => false,
    }
}

/// `(float) $v` for a value [`is_numeric`] accepts (booleans count as 0 and 1).
pub(crate) fn to_float(v: &Value) -> f64 {
    match view(v) {
        Php::Bool(b) => f64::from(u8::from(b)),
        Php::Int(i) => i as f64,
        Php::Float(f) => f,
        Php::Str(s) => match parse_numeric(s) {
            Some((Num::Int(i), _)) => i as f64,
            Some((Num::Float(f), _)) => f,
            None => 0.0,
        },
        _ => 0.0,
    }
}

/// `empty($v)` for a value decoded from JSON as arrays (`{}` is an empty array).
pub(crate) fn is_empty(v: &Value) -> bool {
    !crate::php::value::truthy(v)
}

/// `isset($o->p) && $o->p` for a property of an object decoded from JSON as objects, where
/// `{}` is an object (always true) and `[]` an empty array (false).
pub(crate) fn object_flag(v: Option<&Value>) -> bool {
    match v {
        None => false,
        Some(v) if v.kind() == ValueKind::Map => true,
        Some(v) => crate::php::value::truthy(v),
    }
}

/// PHP's `trim()` with its default characters.
pub(crate) fn php_trim(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\n', '\r', '\0', '\x0B'])
}

/// A short description of a value for messages: JSON spelling for scalars.
pub(crate) use crate::claims::tree::describe;
