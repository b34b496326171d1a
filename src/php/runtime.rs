//! The `_`-prefixed helpers the translated templates call (see the table in the module docs).
//!
//! Every helper takes its arguments as a slice so that minijinja hands over undefined values
//! as they are, whatever the environment's undefined behaviour: `_isset` must see them.

use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind};

use super::value::{error, to_php_string, truthy};
use super::{arith, array, compare, json};

type Helper = fn(&[Value]) -> Result<Value, Error>;

/// The helpers by name.
pub(crate) const HELPERS: &[(&str, Helper)] = &[
    ("_truthy", |a| Ok(Value::from(truthy(arg(a, 0)?)))),
    ("_get", |a| array::get(arg(a, 0)?, arg(a, 1)?)),
    ("_lget", |a| array::lenient_get(arg(a, 0)?, arg(a, 1)?)),
    ("_var", var),
    ("_isset", |a| Ok(Value::from(isset(arg(a, 0)?)))),
    ("_empty", |a| {
        let v = arg(a, 0)?;
        Ok(Value::from(!isset(v) || !truthy(v)))
    }),
    ("_concat", concat),
    ("_add", |a| arith::add(arg(a, 0)?, arg(a, 1)?)),
    ("_sub", |a| arith::sub(arg(a, 0)?, arg(a, 1)?)),
    ("_mul", |a| arith::mul(arg(a, 0)?, arg(a, 1)?)),
    ("_div", |a| arith::div(arg(a, 0)?, arg(a, 1)?)),
    ("_mod", |a| arith::rem(arg(a, 0)?, arg(a, 1)?)),
    ("_pow", |a| arith::pow(arg(a, 0)?, arg(a, 1)?)),
    ("_neg", |a| arith::neg(arg(a, 0)?)),
    ("_pos", |a| arith::pos(arg(a, 0)?)),
    ("_eq", |a| {
        Ok(Value::from(compare::loose_eq(arg(a, 0)?, arg(a, 1)?)))
    }),
    ("_ne", |a| {
        Ok(Value::from(!compare::loose_eq(arg(a, 0)?, arg(a, 1)?)))
    }),
    ("_ident", |a| {
        Ok(Value::from(compare::identical(arg(a, 0)?, arg(a, 1)?)))
    }),
    ("_nident", |a| {
        Ok(Value::from(!compare::identical(arg(a, 0)?, arg(a, 1)?)))
    }),
    ("_lt", |a| {
        Ok(Value::from(compare::less(arg(a, 0)?, arg(a, 1)?)))
    }),
    ("_gt", |a| {
        Ok(Value::from(compare::less(arg(a, 1)?, arg(a, 0)?)))
    }),
    ("_le", |a| {
        Ok(Value::from(compare::less_eq(arg(a, 0)?, arg(a, 1)?)))
    }),
    ("_ge", |a| {
        Ok(Value::from(compare::less_eq(arg(a, 1)?, arg(a, 0)?)))
    }),
    ("_cmp", |a| {
        Ok(Value::from(compare::compare(arg(a, 0)?, arg(a, 1)?)))
    }),
    ("_xor", |a| {
        Ok(Value::from(truthy(arg(a, 0)?) != truthy(arg(a, 1)?)))
    }),
    ("_arr", |a| array::from_literal(arg(a, 0)?)),
    ("_values", |a| array::foreach_values(arg(a, 0)?)),
    ("_pairs", |a| array::foreach_pairs(arg(a, 0)?)),
    ("_raw", |a| {
        Ok(Value::from_safe_string(
            to_php_string(arg(a, 0)?)?.into_owned(),
        ))
    }),
    ("_json", json_helper),
];

pub(crate) fn register(env: &mut Environment<'static>) {
    for &(name, helper) in HELPERS {
        env.add_function(name, move |args: &[Value]| helper(args));
    }
}

fn arg(args: &[Value], index: usize) -> Result<&Value, Error> {
    args.get(index).ok_or_else(|| {
        Error::new(
            ErrorKind::MissingArgument,
            "missing argument to a runtime helper",
        )
    })
}

fn isset(v: &Value) -> bool {
    !(v.is_undefined() || v.is_none())
}

/// `$name`: the value, or PHP's error for a variable that was never set.
fn var(args: &[Value]) -> Result<Value, Error> {
    let value = arg(args, 0)?;
    if value.is_undefined() {
        let name = args.get(1).and_then(Value::as_str).unwrap_or("");
        return Err(error(format!("Undefined variable ${name}")));
    }
    Ok(value.clone())
}

/// `$a . $b`.
fn concat(args: &[Value]) -> Result<Value, Error> {
    let (a, b) = (to_php_string(arg(args, 0)?)?, to_php_string(arg(args, 1)?)?);
    if a.len() + b.len() > super::strings::MAX_STRING_LEN {
        return Err(error("Concatenation would exceed the 16 MiB string limit"));
    }
    let mut joined = String::with_capacity(a.len() + b.len());
    joined.push_str(&a);
    joined.push_str(&b);
    Ok(Value::from(joined))
}

/// `@json($v, flags, depth)`: what `echo json_encode(...)` prints, unescaped; `false` (nothing)
/// when PHP's encoder fails.
fn json_helper(args: &[Value]) -> Result<Value, Error> {
    let value = arg(args, 0)?;
    let flags = match args.get(1) {
        Some(f) if !f.is_undefined() && !f.is_none() => super::value::to_int_lenient(f),
        _ => json::BLADE_DEFAULT_FLAGS,
    };
    let depth = match args.get(2) {
        Some(d) if !d.is_undefined() && !d.is_none() => super::value::to_int_lenient(d),
        _ => 512,
    };
    if depth <= 0 {
        return Err(error(
            "json_encode(): Argument #3 ($depth) must be greater than 0",
        ));
    }
    Ok(
        match json::encode(value, flags, usize::try_from(depth).unwrap_or(usize::MAX)) {
            Ok(text) => Value::from_safe_string(text),
            Err(json::JsonError::TooLong) => return Err(super::strings::too_long("json_encode")),
            Err(_) => Value::from_safe_string(String::new()),
        },
    )
}
