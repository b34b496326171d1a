//! Array functions: `count`, `in_array`, `array_keys`, `array_merge`, ….

use minijinja::Error;
use minijinja::value::Value;

use super::args::Args;
use super::array::{ArrayBuilder, Key, entries, is_array, len, list, lookup, to_key, values};
use super::compare::{identical, loose_eq};
use super::functions::{Function, php_fn};
use super::value::{Php, error, view};

pub(crate) const LIBRARY: &[Function] = &[
    php_fn!("count", ["value", "mode"], 1, count),
    php_fn!("sizeof", ["value", "mode"], 1, count),
    php_fn!("in_array", ["needle", "haystack", "strict"], 2, |a| {
        Ok(Value::from(search(a)?.is_some()))
    }),
    php_fn!("array_search", ["needle", "haystack", "strict"], 2, |a| {
        Ok(search(a)?.map_or(Value::from(false), |k| k.to_value()))
    }),
    php_fn!("array_key_exists", ["key", "array"], 2, key_exists),
    php_fn!("key_exists", ["key", "array"], 2, key_exists),
    php_fn!(
        "array_keys",
        ["array", "filter_value", "strict"],
        1,
        array_keys
    ),
    php_fn!("array_values", ["array"], 1, |a| Ok(list(
        values(a.array(0)?).collect()
    ))),
    php_fn!("array_merge", ["arrays"], 0, ..., array_merge),
    php_fn!("array_key_first", ["array"], 1, |a| {
        Ok(entries(a.array(0)?)
            .next()
            .map_or(Value::from(()), |(k, _)| k.to_value()))
    }),
    php_fn!("array_key_last", ["array"], 1, |a| {
        Ok(entries(a.array(0)?)
            .last()
            .map_or(Value::from(()), |(k, _)| k.to_value()))
    }),
    php_fn!("array_reverse", ["array", "preserve_keys"], 1, |a| {
        let preserve = a.opt_bool(1)?;
        let items: Vec<_> = entries(a.array(0)?).collect();
        let mut out = ArrayBuilder::new();
        for (key, value) in items.into_iter().rev() {
            match key {
                Key::Int(_) if !preserve => out.push(value)?,
                key => out.insert(key, value),
            }
        }
        Ok(out.build())
    }),
    php_fn!("array_flip", ["array"], 1, |a| {
        let mut out = ArrayBuilder::new();
        for (key, value) in entries(a.array(0)?) {
            match view(&value) {
                Php::Int(_) | Php::Str(_) => {
                    out.insert(to_key(&value)?.into_owned(), key.to_value())
                }
                _ => {
                    return Err(error(
                        "array_flip(): Can only flip string and integer values, entry skipped",
                    ));
                }
            }
        }
        Ok(out.build())
    }),
];

fn count(a: &Args) -> Result<Value, Error> {
    let value = a.mixed(0);
    if !is_array(value) {
        return Err(a.type_error(0, "Countable|array"));
    }
    match a.opt_int(1)?.unwrap_or(0) {
        0 => Ok(Value::from(len(value))),
        1 => Ok(Value::from(count_recursive(value, 0))),
        _ => Err(a.value_error(1, "must be either COUNT_NORMAL or COUNT_RECURSIVE")),
    }
}

fn count_recursive(array: &Value, depth: usize) -> usize {
    // Values come from JSON and template literals, which cannot nest without bound; the cap
    // only keeps a hostile host value from exhausting the stack.
    if depth > 256 {
        return 0;
    }
    values(array)
        .map(|v| {
            if is_array(&v) {
                1 + count_recursive(&v, depth + 1)
            } else {
                1
            }
        })
        .sum()
}

/// The key of the first value equal to the needle (`==`, or `===` when strict).
fn search(a: &Args) -> Result<Option<Key<'static>>, Error> {
    let needle = a.mixed(0);
    let haystack = a.array(1)?;
    let strict = a.opt_bool(2)?;
    let equal = if strict { identical } else { loose_eq };
    Ok(entries(haystack)
        .find(|(_, v)| equal(v, needle))
        .map(|(k, _)| k))
}

fn key_exists(a: &Args) -> Result<Value, Error> {
    let array = a.array(1)?;
    let key = a.mixed(0);
    if matches!(view(key), Php::Array | Php::Other) {
        return Err(a.value_error(0, "must be a valid array offset type"));
    }
    Ok(Value::from(lookup(array, &to_key(key)?).is_some()))
}

fn array_keys(a: &Args) -> Result<Value, Error> {
    let array = a.array(0)?;
    let filter = a.get(1);
    let strict = a.opt_bool(2)?;
    let keys = entries(array)
        .filter(|(_, v)| match filter {
            None => true,
            Some(f) if strict => identical(v, f),
            Some(f) => loose_eq(v, f),
        })
        .map(|(k, _)| k.to_value())
        .collect();
    Ok(list(keys))
}

/// Integer keys are renumbered, string keys overwrite.
fn array_merge(a: &Args) -> Result<Value, Error> {
    let mut out = ArrayBuilder::new();
    for (i, array) in a.values.iter().enumerate() {
        if !is_array(array) {
            return Err(error(format!(
                "array_merge(): Argument #{} must be of type array, {} given",
                i + 1,
                view(array).type_name()
            )));
        }
        for (key, value) in entries(array) {
            match key {
                Key::Int(_) => out.push(value)?,
                key => out.insert(key, value),
            }
        }
    }
    Ok(out.build())
}
