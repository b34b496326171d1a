//! PHP 8 comparison: loose (`==`, `<`, `<=>`, as `zend_compare`) and strict (`===`).

use minijinja::Error;
use minijinja::value::Value;

use super::array::{entries, len, lookup};
use super::budget;
use super::number::{Num, is_integer_syntax, parse_numeric};
use super::value::{Php, error, float_to_string, std_class, truthy, view, warning};

/// Three-way comparison of floats, with PHP's answer for NAN: "greater", whichever side.
fn three_way(a: f64, b: f64) -> i8 {
    if a == b {
        0
    } else if a < b {
        -1
    } else {
        1
    }
}

fn ordering(o: std::cmp::Ordering) -> i8 {
    o as i8
}

fn compare_nums(a: Num, b: Num) -> i8 {
    match (a, b) {
        (Num::Int(a), Num::Int(b)) => ordering(a.cmp(&b)),
        (a, b) => three_way(a.as_f64(), b.as_f64()),
    }
}

/// A string that is numeric as a whole (surrounding whitespace allowed).
fn whole_number(s: &str) -> Option<Num> {
    match parse_numeric(s) {
        Some((num, true)) => Some(num),
        _ => None,
    }
}

fn compare_strings(a: &str, b: &str) -> i8 {
    if let (Some(x), Some(y)) = (whole_number(a), whole_number(b)) {
        // zendi_smart_strcmp: an integer string that overflowed is beyond every int, and two
        // that overflowed to the same float compare as strings.
        let overflow = |n: Num, s: &str| match n {
            Num::Float(f) if is_integer_syntax(s) => Some(if f > 0.0 { 1 } else { -1 }),
            _ => None,
        };
        // Two floats that are the same infinity ('1e1000', '1e1001') compare as strings too:
        // "a numeric comparison would be inaccurate".
        let infinite = |n: Num| matches!(n, Num::Float(f) if f.is_infinite());
        match (overflow(x, a), overflow(y, b)) {
            (Some(o1), Some(o2)) if o1 == o2 && x.as_f64() == y.as_f64() => {}
            (None, Some(o2)) if matches!(x, Num::Int(_)) => return -o2,
            (Some(o1), None) if matches!(y, Num::Int(_)) => return o1,
            _ if infinite(x) && infinite(y) && x.as_f64() == y.as_f64() => {}
            _ => return compare_nums(x, y),
        }
    }
    ordering(a.as_bytes().cmp(b.as_bytes()))
}

fn compare_num_to_string(n: Num, s: &str) -> i8 {
    if let Num::Float(f) = n {
        if f.is_nan() {
            return 1;
        }
    }
    match whole_number(s) {
        Some(m) => compare_nums(n, m),
        None => {
            let text = match n {
                Num::Int(i) => i.to_string(),
                Num::Float(f) => float_to_string(f),
            };
            ordering(text.as_bytes().cmp(s.as_bytes()))
        }
    }
}

/// `$a <=> $b`: -1, 0 or 1.
pub(crate) fn compare(a: &Value, b: &Value) -> Result<i8, Error> {
    compare_at(a, b, 0)
}

/// [`compare`] of values `depth` arrays deep in the ones compared first.
fn compare_at(a: &Value, b: &Value, depth: usize) -> Result<i8, Error> {
    let (x, y) = (view(a), view(b));
    let num = |p: Php| match p {
        Php::Int(i) => Some(Num::Int(i)),
        Php::Float(f) => Some(Num::Float(f)),
        _ => None,
    };
    if let (Some(m), Some(n)) = (num(x), num(y)) {
        return Ok(compare_nums(m, n));
    }
    Ok(match (x, y) {
        (Php::Array, Php::Array) => return compare_arrays(a, b, depth),
        (Php::Str(s), Php::Str(t)) => {
            budget::scan(s.len() + t.len())?;
            compare_strings(s, t)
        }
        (Php::Null | Php::Undefined, Php::Str(s)) => -((!s.is_empty()) as i8),
        (Php::Str(s), Php::Null | Php::Undefined) => (!s.is_empty()) as i8,
        // NAN is "greater" whichever side it stands on (zend_compare checks it before it
        // compares the other way round), so it is not negated.
        (Php::Str(s), _) if num(y).is_some() => {
            budget::scan(s.len())?;
            num(y).map_or(0, |n| match n {
                Num::Float(f) if f.is_nan() => 1,
                n => -compare_num_to_string(n, s),
            })
        }
        (_, Php::Str(s)) if num(x).is_some() => {
            budget::scan(s.len())?;
            num(x).map_or(0, |n| compare_num_to_string(n, s))
        }
        (Php::Null | Php::Undefined | Php::Bool(_), _)
        | (_, Php::Null | Php::Undefined | Php::Bool(_)) => ordering(truthy(a).cmp(&truthy(b))),
        // An object (`$loop`) and an array are uncomparable: the object is the greater.
        (Php::Other, Php::Array) if std_class(a).is_some() => 1,
        (Php::Array, Php::Other) if std_class(b).is_some() => -1,
        // An object meeting a number is converted to one, with a warning (then it is 1).
        (Php::Other, _) if std_class(a).is_some() && num(y).is_some() => {
            let n = num(y).unwrap_or(Num::Int(0));
            return warning(object_to_number(n), compare_nums(Num::Int(1), n));
        }
        (_, Php::Other) if std_class(b).is_some() && num(x).is_some() => {
            let n = num(x).unwrap_or(Num::Int(0));
            return warning(object_to_number(n), compare_nums(n, Num::Int(1)));
        }
        (Php::Array, _) => 1,
        (_, Php::Array) => -1,
        _ => ordering(a.cmp(b)),
    })
}

/// PHP's warning for an object converted to the kind of number `n` is.
fn object_to_number(n: Num) -> Error {
    let kind = if matches!(n, Num::Float(_)) {
        "float"
    } else {
        "int"
    };
    error(format!(
        "Object of class stdClass could not be converted to {kind}"
    ))
}

/// `zend_hash_compare` unordered: size first, then each key of `a` looked up in `b`.
fn compare_arrays(a: &Value, b: &Value, depth: usize) -> Result<i8, Error> {
    let (la, lb) = (len(a), len(b));
    if la != lb {
        return Ok(ordering(la.cmp(&lb)));
    }
    nested(depth)?;
    for (key, value) in entries(a) {
        budget::visit(1)?;
        match lookup(b, &key) {
            None => return Ok(1),
            Some(other) => match compare_at(&value, &other, depth + 1)? {
                0 => {}
                c => return Ok(c),
            },
        }
    }
    Ok(0)
}

/// Refuses to walk arrays nested deeper than a render can build (only minijinja's own list
/// literals, in the Jinja dialect, get there): the walk recurses once per level.
fn nested(depth: usize) -> Result<(), Error> {
    if depth >= budget::max_depth() {
        return Err(budget::too_deep("a compared value"));
    }
    Ok(())
}

/// `$a == $b`.
pub(crate) fn loose_eq(a: &Value, b: &Value) -> Result<bool, Error> {
    Ok(compare(a, b)? == 0)
}

/// `$a < $b`; NAN makes every ordering false, as in PHP.
pub(crate) fn less(a: &Value, b: &Value) -> Result<bool, Error> {
    Ok(compare(a, b)? < 0)
}

/// `$a <= $b`.
pub(crate) fn less_eq(a: &Value, b: &Value) -> Result<bool, Error> {
    Ok(compare(a, b)? <= 0)
}

/// `$a === $b`: same type and value; arrays with the same pairs in the same order.
pub(crate) fn identical(a: &Value, b: &Value) -> Result<bool, Error> {
    identical_at(a, b, 0)
}

fn identical_at(a: &Value, b: &Value, depth: usize) -> Result<bool, Error> {
    Ok(match (view(a), view(b)) {
        (Php::Null | Php::Undefined, Php::Null | Php::Undefined) => true,
        (Php::Bool(x), Php::Bool(y)) => x == y,
        (Php::Int(x), Php::Int(y)) => x == y,
        (Php::Float(x), Php::Float(y)) => x == y,
        (Php::Str(x), Php::Str(y)) => {
            budget::scan(x.len().min(y.len()))?;
            x == y
        }
        (Php::Array, Php::Array) => {
            if len(a) != len(b) {
                return Ok(false);
            }
            nested(depth)?;
            for ((ka, va), (kb, vb)) in entries(a).zip(entries(b)) {
                budget::visit(1)?;
                if ka != kb || !identical_at(&va, &vb, depth + 1)? {
                    return Ok(false);
                }
            }
            true
        }
        (Php::Other, Php::Other) => a == b,
        _ => false,
    })
}
