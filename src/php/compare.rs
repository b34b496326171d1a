//! PHP 8 comparison: loose (`==`, `<`, `<=>`, as `zend_compare`) and strict (`===`).

use minijinja::value::Value;

use super::array::{entries, len, lookup};
use super::number::{Num, is_integer_syntax, parse_numeric};
use super::value::{Php, float_to_string, truthy, view};

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
pub(crate) fn compare(a: &Value, b: &Value) -> i8 {
    let (x, y) = (view(a), view(b));
    let num = |p: Php| match p {
        Php::Int(i) => Some(Num::Int(i)),
        Php::Float(f) => Some(Num::Float(f)),
        _ => None,
    };
    if let (Some(m), Some(n)) = (num(x), num(y)) {
        return compare_nums(m, n);
    }
    match (x, y) {
        (Php::Array, Php::Array) => compare_arrays(a, b),
        (Php::Str(s), Php::Str(t)) => compare_strings(s, t),
        (Php::Null | Php::Undefined, Php::Str(s)) => -((!s.is_empty()) as i8),
        (Php::Str(s), Php::Null | Php::Undefined) => (!s.is_empty()) as i8,
        // NAN is "greater" whichever side it stands on (zend_compare checks it before it
        // compares the other way round), so it is not negated.
        (Php::Str(s), _) if num(y).is_some() => num(y).map_or(0, |n| match n {
            Num::Float(f) if f.is_nan() => 1,
            n => -compare_num_to_string(n, s),
        }),
        (_, Php::Str(s)) if num(x).is_some() => num(x).map_or(0, |n| compare_num_to_string(n, s)),
        (Php::Null | Php::Undefined | Php::Bool(_), _)
        | (_, Php::Null | Php::Undefined | Php::Bool(_)) => ordering(truthy(a).cmp(&truthy(b))),
        (Php::Array, _) => 1,
        (_, Php::Array) => -1,
        _ => ordering(a.cmp(b)),
    }
}

/// `zend_hash_compare` unordered: size first, then each key of `a` looked up in `b`.
fn compare_arrays(a: &Value, b: &Value) -> i8 {
    let (la, lb) = (len(a), len(b));
    if la != lb {
        return ordering(la.cmp(&lb));
    }
    for (key, value) in entries(a) {
        match lookup(b, &key) {
            None => return 1,
            Some(other) => match compare(&value, &other) {
                0 => {}
                c => return c,
            },
        }
    }
    0
}

/// `$a == $b`.
pub(crate) fn loose_eq(a: &Value, b: &Value) -> bool {
    compare(a, b) == 0
}

/// `$a < $b`; NAN makes every ordering false, as in PHP.
pub(crate) fn less(a: &Value, b: &Value) -> bool {
    compare(a, b) < 0
}

/// `$a <= $b`.
pub(crate) fn less_eq(a: &Value, b: &Value) -> bool {
    compare(a, b) <= 0
}

/// `$a === $b`: same type and value; arrays with the same pairs in the same order.
pub(crate) fn identical(a: &Value, b: &Value) -> bool {
    match (view(a), view(b)) {
        (Php::Null | Php::Undefined, Php::Null | Php::Undefined) => true,
        (Php::Bool(x), Php::Bool(y)) => x == y,
        (Php::Int(x), Php::Int(y)) => x == y,
        (Php::Float(x), Php::Float(y)) => x == y,
        (Php::Str(x), Php::Str(y)) => x == y,
        (Php::Array, Php::Array) => {
            len(a) == len(b)
                && entries(a)
                    .zip(entries(b))
                    .all(|((ka, va), (kb, vb))| ka == kb && identical(&va, &vb))
        }
        (Php::Other, Php::Other) => a == b,
        _ => false,
    }
}
