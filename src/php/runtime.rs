//! The `_`-prefixed helpers the translated templates call (see the table in the module docs).
//!
//! Every helper takes its arguments as a slice so that minijinja hands over undefined values
//! as they are, whatever the environment's undefined behaviour: `_isset` must see them.

use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind, State};

use super::value::{self, error, to_php_string, truthy};
use super::{arith, array, budget, compare, json};

type Helper = fn(&[Value]) -> Result<Value, Error>;

/// What a helper's work costs beyond minijinja's instruction (see [`budget`]).
#[derive(Clone, Copy)]
pub(crate) enum Cost {
    /// Nothing that grows with its arguments.
    Constant,
    /// Reading its key (argument #2), which it hashes or parses: `$c[$k]`.
    Key,
    /// Reading every string argument, which it parses: arithmetic on numeric strings.
    Strings,
    /// Whatever it charges to the [`budget`] while it runs; what messages call it.
    Metered(&'static str),
}

/// The helpers by name.
pub(crate) const HELPERS: &[(&str, Cost, Helper)] = &[
    ("_truthy", Cost::Constant, |a| {
        Ok(Value::from(truthy(operand(a, 0)?)))
    }),
    ("_get", Cost::Key, |a| array::get(arg(a, 0)?, arg(a, 1)?)),
    ("_lget", Cost::Key, |a| {
        array::lenient_get(arg(a, 0)?, arg(a, 1)?)
    }),
    ("_iget", Cost::Key, |a| {
        array::isset_get(arg(a, 0)?, arg(a, 1)?)
    }),
    ("_var", Cost::Constant, var),
    // `@e` is `_silenced(_mute(), e)`: arguments run in order, so `e` runs silenced.
    ("_mute", Cost::Constant, |_| {
        value::silence(true);
        Ok(Value::from(()))
    }),
    ("_silenced", Cost::Constant, |a| {
        value::silence(false);
        let v = arg(a, 1)?;
        Ok(if v.is_undefined() {
            Value::from(())
        } else {
            v.clone()
        })
    }),
    // `$base->name` where `$base` cannot be an object (only `$loop` is one, resolved when the
    // template is translated): PHP's warning, or null when a `?->` of the chain met null.
    ("_prop", Cost::Constant, |a| {
        let base = arg(a, 0)?;
        let name = arg(a, 1)?.as_str().unwrap_or("");
        if let Some(object) = value::std_class(base) {
            return match object.property(name) {
                Some(v) => Ok(v),
                None => value::warning(
                    error(format!("Undefined property: stdClass::${name}")),
                    Value::from(()),
                ),
            };
        }
        if isset(base) || !truthy(arg(a, 2)?) {
            let message = format!(
                "Attempt to read property \"{name}\" on {}",
                value::view(base).type_name()
            );
            return value::warning(error(message), Value::from(()));
        }
        Ok(Value::from(()))
    }),
    // A warning the translation knows of: null under `@`.
    ("_warn", Cost::Constant, |a| {
        let message = arg(a, 0)?.as_str().unwrap_or("").to_string();
        value::warning(error(message), Value::from(()))
    }),
    ("_isset", Cost::Constant, |a| {
        Ok(Value::from(isset(arg(a, 0)?)))
    }),
    ("_empty", Cost::Constant, |a| {
        let v = arg(a, 0)?;
        Ok(Value::from(!isset(v) || !truthy(v)))
    }),
    ("_concat", Cost::Metered("concatenation"), concat),
    ("_fcat", Cost::Metered("concatenation"), fast_concat),
    // `+` of two arrays is their union.
    ("_add", Cost::Metered("+"), |a| {
        arith::add(operand(a, 0)?, operand(a, 1)?)
    }),
    ("_sub", Cost::Strings, |a| {
        arith::sub(operand(a, 0)?, operand(a, 1)?)
    }),
    ("_mul", Cost::Strings, |a| {
        arith::mul(operand(a, 0)?, operand(a, 1)?)
    }),
    ("_div", Cost::Strings, |a| {
        arith::div(operand(a, 0)?, operand(a, 1)?)
    }),
    ("_mod", Cost::Strings, |a| {
        arith::rem(operand(a, 0)?, operand(a, 1)?)
    }),
    ("_pow", Cost::Strings, |a| {
        arith::pow(operand(a, 0)?, operand(a, 1)?)
    }),
    ("_neg", Cost::Strings, |a| arith::neg(operand(a, 0)?)),
    ("_pos", Cost::Strings, |a| arith::pos(operand(a, 0)?)),
    ("_eq", COMPARISON, |a| {
        Ok(Value::from(compare::loose_eq(
            operand(a, 0)?,
            operand(a, 1)?,
        )?))
    }),
    ("_ne", COMPARISON, |a| {
        Ok(Value::from(!compare::loose_eq(
            operand(a, 0)?,
            operand(a, 1)?,
        )?))
    }),
    ("_ident", COMPARISON, |a| {
        Ok(Value::from(compare::identical(
            operand(a, 0)?,
            operand(a, 1)?,
        )?))
    }),
    ("_nident", COMPARISON, |a| {
        Ok(Value::from(!compare::identical(
            operand(a, 0)?,
            operand(a, 1)?,
        )?))
    }),
    ("_lt", COMPARISON, |a| {
        Ok(Value::from(compare::less(operand(a, 0)?, operand(a, 1)?)?))
    }),
    ("_gt", COMPARISON, |a| {
        Ok(Value::from(compare::less(operand(a, 1)?, operand(a, 0)?)?))
    }),
    ("_le", COMPARISON, |a| {
        Ok(Value::from(compare::less_eq(
            operand(a, 0)?,
            operand(a, 1)?,
        )?))
    }),
    ("_ge", COMPARISON, |a| {
        Ok(Value::from(compare::less_eq(
            operand(a, 1)?,
            operand(a, 0)?,
        )?))
    }),
    ("_cmp", COMPARISON, |a| {
        Ok(Value::from(compare::compare(
            operand(a, 0)?,
            operand(a, 1)?,
        )?))
    }),
    ("_xor", Cost::Constant, |a| {
        Ok(Value::from(
            truthy(operand(a, 0)?) != truthy(operand(a, 1)?),
        ))
    }),
    ("_arr", Cost::Metered("an array literal"), |a| {
        array::from_literal(arg(a, 0)?)
    }),
    ("_values", Cost::Metered("@foreach"), |a| {
        array::foreach_values(arg(a, 0)?)
    }),
    ("_pairs", Cost::Metered("@foreach"), |a| {
        array::foreach_pairs(arg(a, 0)?)
    }),
    // `(object) [k => v, …]` from `[[k, v], …]`: Blade's `$loop`.
    ("_obj", Cost::Constant, |a| {
        let properties = array::values(arg(a, 0)?)
            .map(|pair| {
                (
                    pair.get_item_by_index(0).unwrap_or_default(),
                    pair.get_item_by_index(1).unwrap_or_default(),
                )
            })
            .collect();
        Ok(Value::from_object(value::StdClass { properties }))
    }),
    ("_raw", Cost::Metered("{!! !!}"), |a| {
        let text = to_php_string(arg(a, 0)?)?;
        budget::string(text.len())?;
        Ok(Value::from_safe_string(text.into_owned()))
    }),
    ("_json", Cost::Metered("@json"), json_helper),
    ("_assign", Cost::Metered("a @for header"), assign),
];

const COMPARISON: Cost = Cost::Metered("a comparison");

/// The fast translation's filters. A filter, not a function: minijinja finds a filter once per
/// render, where it looks a function's name up through every frame and the globals on every call.
///
/// `c|_fget(k)`: `_get` for a computed key, refusing an undefined `k` (see [`defined`]).
///
/// `a|_coalesce(b)`: the fast translation's `$a ?? $b`, `b` evaluated whether used or not.
pub(crate) fn register_filters(env: &mut Environment<'static>) {
    env.add_filter("_coalesce", |args: &[Value]| {
        let (a, b) = (arg(args, 0)?, arg(args, 1)?);
        Ok(if isset(a) { a.clone() } else { b.clone() })
    });
    env.add_filter("_fget", |state: &State, args: &[Value]| {
        charge_strings(state, args.get(1..).unwrap_or_default())?;
        array::get(arg(args, 0)?, defined(arg(args, 1)?)?)
    });
    // `(c|_tkeep or b)|_kept`: `$c ?: $b`, `c` evaluated once. `_tkeep` hands `c` on wrapped
    // when PHP finds it true (minijinja's `or`, whose truthiness is not PHP's, then keeps it),
    // `false` when not; `_kept` unwraps what `or` chose.
    env.add_filter("_tkeep", |args: &[Value]| {
        let v = operand(args, 0)?;
        Ok(if truthy(v) {
            kept(v)
        } else {
            Value::from(false)
        })
    });
    // `(a|_skeep or b)|_kept`: `$a ?? $b` likewise, `a` wrapped when it is set and not null.
    env.add_filter("_skeep", |args: &[Value]| {
        let v = arg(args, 0)?;
        Ok(if isset(v) {
            kept(v)
        } else {
            Value::from(false)
        })
    });
    env.add_filter("_kept", |args: &[Value]| {
        let v = arg(args, 0)?;
        Ok(match v.downcast_object_ref::<Kept>() {
            Some(Kept(inner)) => inner.clone(),
            None => v.clone(),
        })
    });
    // `c|_flget(k)`: `_lget` for the same keys, before `_coalesce`.
    env.add_filter("_flget", |state: &State, args: &[Value]| {
        charge_strings(state, args.get(1..).unwrap_or_default())?;
        array::lenient_get(arg(args, 0)?, defined(arg(args, 1)?)?)
    });
}

pub(crate) fn register(env: &mut Environment<'static>) {
    register_filters(env);
    for &(name, cost, helper) in HELPERS {
        match cost {
            Cost::Constant => env.add_function(name, move |args: &[Value]| helper(args)),
            Cost::Key => env.add_function(name, move |state: &State, args: &[Value]| {
                charge_strings(state, args.get(1..).unwrap_or_default())?;
                helper(args)
            }),
            Cost::Strings => env.add_function(name, move |state: &State, args: &[Value]| {
                charge_strings(state, args)?;
                helper(args)
            }),
            Cost::Metered(label) => env.add_function(name, move |state: &State, args: &[Value]| {
                budget::call(state, label, || helper(args))
            }),
        }
    }
}

/// Charges reading the string arguments, straight to the fuel: these helpers are the hottest,
/// and their arguments are short strings, whose reading is free.
fn charge_strings(state: &State, args: &[Value]) -> Result<(), Error> {
    let bytes: usize = args.iter().filter_map(Value::as_str).map(str::len).sum();
    match bytes as u64 / 64 {
        0 => Ok(()),
        fuel => state.consume_fuel(fuel),
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

/// Argument `index` of a helper that refuses undefined: an operator's, `_truthy` or `_concat`,
/// whose operands the fast translation may read natively (see [`defined`]).
fn operand(args: &[Value], index: usize) -> Result<&Value, Error> {
    defined(arg(args, index)?)
}

fn isset(v: &Value) -> bool {
    !(v.is_undefined() || v.is_none())
}

/// A value `_tkeep` or `_skeep` chose, on its way through minijinja's `or` to `_kept`: true to
/// minijinja whatever it holds, such as a `0` that `??` keeps.
#[derive(Debug)]
struct Kept(Value);

impl minijinja::value::Object for Kept {
    fn is_true(self: &std::sync::Arc<Self>) -> bool {
        true
    }
}

fn kept(v: &Value) -> Value {
    Value::from_object(Kept(v.clone()))
}

/// `$name`: the value, or PHP's error for a variable that was never set.
fn var(args: &[Value]) -> Result<Value, Error> {
    let value = arg(args, 0)?;
    if value.is_undefined() {
        let name = args.get(1).and_then(Value::as_str).unwrap_or("");
        return value::warning(
            value::missing(
                format!("Undefined variable ${name}"),
                value::Missing::Variable(name.to_string()),
            ),
            Value::from(()),
        );
    }
    Ok(value.clone())
}

/// `$a . $b`.
fn concat(args: &[Value]) -> Result<Value, Error> {
    let (a, b) = (
        to_php_string(operand(args, 0)?)?,
        to_php_string(operand(args, 1)?)?,
    );
    if a.len() + b.len() > super::strings::MAX_STRING_LEN {
        return Err(error("Concatenation would exceed the 16 MiB string limit"));
    }
    // The translator writes `$x` inside `.` and `"…$x…"` as `_concat($x, "")`, whose result
    // minijinja's `~` then copies: charged as a copy whether or not this call makes one.
    budget::string(a.len() + b.len())?;
    let first = arg(args, 0)?;
    if b.is_empty() && first.as_str().is_some() && !first.is_safe() {
        return Ok(first.clone());
    }
    let mut joined = String::with_capacity(a.len() + b.len());
    joined.push_str(&a);
    joined.push_str(&b);
    Ok(Value::from(joined))
}

/// The fast translation's key built by `.` from native reads: their PHP strings joined, refusing
/// an undefined part (where the exact translation may have raised PHP's error, or read `null`).
fn fast_concat(args: &[Value]) -> Result<Value, Error> {
    let mut joined = String::new();
    for part in args {
        let text = to_php_string(defined(part)?)?;
        if joined.len() + text.len() > super::strings::MAX_STRING_LEN {
            return Err(error("Concatenation would exceed the 16 MiB string limit"));
        }
        joined.push_str(&text);
    }
    budget::string(joined.len())?;
    Ok(Value::from(joined))
}

/// `value`, refused when undefined: a native read in the fast translation gives undefined where
/// the exact one may raise PHP's error, and that render is then given up for the exact one.
fn defined(value: &Value) -> Result<&Value, Error> {
    if value.is_undefined() {
        return Err(Error::new(
            ErrorKind::UndefinedError,
            "undefined in the fast translation",
        ));
    }
    Ok(value)
}

/// What a `@for` header assigns to `$name` (argument #2): the value, unless it nests arrays
/// deeper than the render allows. Loops are the only way a template can nest arrays without
/// bound (a single expression nests no deeper than the translator's nesting limit), so checking
/// here bounds every array a Blade render builds.
fn assign(args: &[Value]) -> Result<Value, Error> {
    let value = arg(args, 0)?;
    let name = args.get(1).and_then(Value::as_str).unwrap_or("");
    budget::check_nesting(value, 0, &format!("the value assigned to ${name}"))?;
    Ok(value.clone())
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
    // As json_encode: no error for a depth below 1, only for an array nested deeper.
    Ok(
        match json::encode(
            value,
            flags,
            usize::try_from(depth.max(0)).unwrap_or(usize::MAX),
        )? {
            Ok(text) => Value::from_safe_string(text),
            Err(json::JsonError::TooLong) => return Err(super::strings::too_long("json_encode")),
            Err(_) => Value::from_safe_string(String::new()),
        },
    )
}
