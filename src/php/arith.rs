//! PHP arithmetic: int results that overflow become floats, numeric strings count as numbers,
//! other strings and arrays are `TypeError`s.

use minijinja::Error;
use minijinja::value::Value;

use super::array::{ArrayBuilder, entries, is_array};
use super::number::{Num, float_to_int, parse_numeric};
use super::value::{Php, error, to_arith_operand, view};

/// Both operands as numbers, converted left to right as PHP does: a warning or error about the
/// left one wins over anything wrong with the right one.
fn operands(a: &Value, b: &Value, op: &str) -> Result<(Num, Num), Error> {
    let left = to_arith_operand(a, a, b, op)?;
    Ok((left, to_arith_operand(b, a, b, op)?))
}

fn int_or_float(checked: Option<i64>, float: f64) -> Value {
    match checked {
        Some(i) => Value::from(i),
        None => Value::from(float),
    }
}

/// `$a + $b`; two arrays give their union.
pub(crate) fn add(a: &Value, b: &Value) -> Result<Value, Error> {
    if is_array(a) && is_array(b) {
        let mut union = ArrayBuilder::new();
        for (key, value) in entries(a) {
            union.insert(key, value)?;
        }
        for (key, value) in entries(b) {
            super::budget::visit(1)?;
            if !union.contains(&key) {
                union.insert(key, value)?;
            }
        }
        return Ok(union.build());
    }
    Ok(match operands(a, b, "+")? {
        (Num::Int(x), Num::Int(y)) => int_or_float(x.checked_add(y), x as f64 + y as f64),
        (x, y) => Value::from(x.as_f64() + y.as_f64()),
    })
}

/// `$a - $b`.
pub(crate) fn sub(a: &Value, b: &Value) -> Result<Value, Error> {
    Ok(match operands(a, b, "-")? {
        (Num::Int(x), Num::Int(y)) => int_or_float(x.checked_sub(y), x as f64 - y as f64),
        (x, y) => Value::from(x.as_f64() - y.as_f64()),
    })
}

/// `$a * $b`.
pub(crate) fn mul(a: &Value, b: &Value) -> Result<Value, Error> {
    Ok(match operands(a, b, "*")? {
        (Num::Int(x), Num::Int(y)) => int_or_float(x.checked_mul(y), x as f64 * y as f64),
        (x, y) => Value::from(x.as_f64() * y.as_f64()),
    })
}

/// `$a / $b`: an int when the division is exact, else a float.
pub(crate) fn div(a: &Value, b: &Value) -> Result<Value, Error> {
    let (x, y) = operands(a, b, "/")?;
    if y.as_f64() == 0.0 {
        return Err(error("Division by zero"));
    }
    Ok(match (x, y) {
        (Num::Int(x), Num::Int(y)) if x.checked_rem(y) == Some(0) => {
            int_or_float(x.checked_div(y), x as f64 / y as f64)
        }
        (x, y) => Value::from(x.as_f64() / y.as_f64()),
    })
}

/// An operand of `%`: PHP converts to int (a float that does not survive is a deprecation, which
/// Laravel 12's handler only logs).
fn modulo_operand(num: Num) -> i64 {
    match num {
        Num::Int(i) => i,
        Num::Float(f) => float_to_int(f),
    }
}

/// `$a % $b` on the integer values of the operands.
pub(crate) fn rem(a: &Value, b: &Value) -> Result<Value, Error> {
    let x = modulo_operand(to_arith_operand(a, a, b, "%")?);
    let y = modulo_operand(to_arith_operand(b, a, b, "%")?);
    if y == 0 {
        return Err(error("Modulo by zero"));
    }
    // i64::MIN % -1 is 0 in PHP; wrapping_rem agrees without overflowing.
    Ok(Value::from(x.wrapping_rem(y)))
}

/// `$a ** $b`: exact while it fits an int, a float otherwise.
pub(crate) fn pow(a: &Value, b: &Value) -> Result<Value, Error> {
    Ok(match operands(a, b, "**")? {
        (Num::Int(base), Num::Int(exp)) if exp >= 0 => int_pow(base, exp),
        (x, y) => Value::from(super::pow::pow(x.as_f64(), y.as_f64())),
    })
}

/// PHP's square-and-multiply, which switches to floats at the step that overflows (so that
/// `(-1) ** PHP_INT_MAX` stays an int).
fn int_pow(base: i64, exp: i64) -> Value {
    if exp == 0 {
        return Value::from(1);
    }
    if base == 0 {
        return Value::from(0);
    }
    let (mut acc, mut square, mut i) = (1i64, base, exp);
    while i >= 1 {
        if i % 2 != 0 {
            i -= 1;
            match acc.checked_mul(square) {
                Some(v) => acc = v,
                None => {
                    return Value::from(
                        acc as f64 * square as f64 * super::pow::pow(square as f64, i as f64),
                    );
                }
            }
        } else {
            i /= 2;
            match square.checked_mul(square) {
                Some(v) => square = v,
                None => {
                    let float_square = square as f64 * square as f64;
                    return Value::from(acc as f64 * super::pow::pow(float_square, i as f64));
                }
            }
        }
    }
    Value::from(acc)
}

/// `-$v`, which PHP computes as `$v * -1`.
pub(crate) fn neg(v: &Value) -> Result<Value, Error> {
    mul(v, &Value::from(-1))
}

/// `+$v`, which PHP computes as `$v * 1`.
pub(crate) fn pos(v: &Value) -> Result<Value, Error> {
    mul(v, &Value::from(1))
}

/// A numeric string as its number, for functions taking `int|float`.
pub(crate) fn numeric_value(value: &Value) -> Option<Num> {
    match view(value) {
        Php::Int(i) => Some(Num::Int(i)),
        Php::Float(f) => Some(Num::Float(f)),
        Php::Str(s) => match parse_numeric(s) {
            Some((n, true)) => Some(n),
            _ => None,
        },
        _ => None,
    }
}
