//! Array functions: `count`, `in_array`, `array_keys`, `array_merge`, ….

use minijinja::Error;
use minijinja::value::Value;

use super::args::Args;
use super::array::{ArrayBuilder, Key, entries, is_array, len, list, lookup, to_key, values};
use super::budget;
use super::compare::{identical, loose_eq};
use super::functions::{Function, call_by_name, php_fn};
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
    php_fn!("array_values", ["array"], 1, |a| {
        let array = a.array(0)?;
        budget::list(len(array))?;
        Ok(list(values(array).collect()))
    }),
    php_fn!("array_merge", ["arrays"], 0, ..., array_merge),
    php_fn!("array_key_first", ["array"], 1, |a| {
        Ok(entries(a.array(0)?)
            .next()
            .map_or(Value::from(()), |(k, _)| k.to_value()))
    }),
    php_fn!("array_key_last", ["array"], 1, |a| {
        budget::visit(len(a.array(0)?))?;
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
                key => out.insert(key, value)?,
            }
        }
        Ok(out.build())
    }),
    php_fn!("array_flip", ["array"], 1, |a| {
        let mut out = ArrayBuilder::new();
        for (key, value) in entries(a.array(0)?) {
            match view(&value) {
                Php::Int(_) | Php::Str(_) => {
                    out.insert(to_key(&value)?.into_owned(), key.to_value())?
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
        1 => Ok(Value::from(count_recursive(value, 1)?)),
        _ => Err(a.value_error(1, "must be either COUNT_NORMAL or COUNT_RECURSIVE")),
    }
}

/// The elements of `array`, `depth` arrays deep in the one counted, and of the arrays in it.
fn count_recursive(array: &Value, depth: usize) -> Result<usize, Error> {
    // A render builds no deeper arrays (minijinja's own list literals in the Jinja dialect
    // aside); this walk recurses once per level, so it stops there.
    if depth > budget::max_depth() {
        return Err(budget::too_deep("the counted array"));
    }
    budget::visit(len(array))?;
    let mut count = 0usize;
    for item in values(array) {
        count += 1;
        if is_array(&item) {
            count = count.saturating_add(count_recursive(&item, depth + 1)?);
        }
    }
    Ok(count)
}

/// The key of the first value equal to the needle (`==`, or `===` when strict).
fn search(a: &Args) -> Result<Option<Key<'static>>, Error> {
    let needle = a.mixed(0);
    let haystack = a.array(1)?;
    let strict = a.opt_bool(2)?;
    let equal = if strict { identical } else { loose_eq };
    for (key, value) in entries(haystack) {
        budget::visit(1)?;
        if equal(&value, needle)? {
            return Ok(Some(key));
        }
    }
    Ok(None)
}

fn key_exists(a: &Args) -> Result<Value, Error> {
    let array = a.array(1)?;
    let key = a.mixed(0);
    if matches!(view(key), Php::Array | Php::Other) {
        // A template's `array_key_exists(…)` is PHP's own opcode, which words it so; its alias
        // is an ordinary call.
        if a.sig.name == "array_key_exists" {
            return Err(error("Illegal offset type"));
        }
        return Err(a.value_error(0, "must be a valid array offset type"));
    }
    Ok(Value::from(lookup(array, &to_key(key)?).is_some()))
}

fn array_keys(a: &Args) -> Result<Value, Error> {
    let array = a.array(0)?;
    let filter = a.get(1);
    let strict = a.opt_bool(2)?;
    let mut keys = Vec::new();
    for (key, value) in entries(array) {
        let keep = match filter {
            None => true,
            Some(f) if strict => identical(&value, f)?,
            Some(f) => loose_eq(&value, f)?,
        };
        budget::visit(1)?;
        if keep {
            budget::list(1)?;
            keys.push(key.to_value());
        }
    }
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
                key => out.insert(key, value)?,
            }
        }
    }
    Ok(out.build())
}

/// Functions added after the first batch: slicing, building and reshaping arrays.
pub(crate) const MORE: &[Function] = &[
    php_fn!(
        "array_slice",
        ["array", "offset", "length", "preserve_keys"],
        2,
        array_slice
    ),
    php_fn!("array_unique", ["array", "flags"], 1, array_unique),
    php_fn!("array_sum", ["array"], 1, |a| {
        // PHP 8.2 adds what `+` would, but reads strings silently and skips arrays.
        let mut sum = Value::from(0);
        budget::visit(len(a.array(0)?))?;
        for value in values(a.array(0)?) {
            if matches!(view(&value), Php::Array | Php::Other) {
                continue;
            }
            let number = Value::from(super::value::to_number_lenient(&value));
            sum = super::arith::add(&sum, &number)?;
        }
        Ok(sum)
    }),
    php_fn!("array_fill", ["start_index", "count", "value"], 3, |a| {
        let start = a.int(0)?;
        let count = a.int(1)?;
        if count < 0 {
            return Err(a.value_error(1, "must be greater than or equal to 0"));
        }
        if count > MAX_ELEMENTS {
            return Err(error("array_fill(): Argument #2 ($count) is too large"));
        }
        budget::check_nesting(a.mixed(2), 1, "the filled value")?;
        let mut out = ArrayBuilder::new();
        out.reserve(count as usize)?;
        for i in 0..count {
            // PHP appends after the first: past PHP_INT_MAX there is no next key.
            let Some(key) = start.checked_add(i) else {
                return Err(error(
                    "Cannot add element to the array as the next element is already occupied",
                ));
            };
            out.insert(Key::Int(key), a.mixed(2).clone())?;
        }
        Ok(out.build())
    }),
    php_fn!("array_combine", ["keys", "values"], 2, |a| {
        let (keys, vals) = (a.array(0)?, a.array(1)?);
        if len(keys) != len(vals) {
            return Err(error(
                "array_combine(): Argument #1 ($keys) and argument #2 ($values) must have the same number of elements",
            ));
        }
        let mut out = ArrayBuilder::new();
        for (key, value) in values(keys).zip(values(vals)) {
            out.insert(key_of_element(&key)?, value)?;
        }
        Ok(out.build())
    }),
    php_fn!("array_filter", ["array", "callback", "mode"], 1, |a| {
        let array = a.array(0)?;
        let callback = a.get(1).filter(|c| !c.is_none() && !c.is_undefined());
        // ARRAY_FILTER_USE_KEY (2) passes the key, ARRAY_FILTER_USE_BOTH (1) value and key.
        let mode = a.opt_int(2)?.unwrap_or(0);
        let mut out = ArrayBuilder::new();
        for (key, value) in entries(array) {
            budget::visit(1)?;
            let keep = match callback {
                None => super::value::truthy(&value),
                Some(callback) => {
                    let arguments = match mode {
                        2 => vec![key.to_value()],
                        1 => vec![value.clone(), key.to_value()],
                        _ => vec![value.clone()],
                    };
                    super::value::truthy(&call_by_name(a, callback, &arguments)?)
                }
            };
            if keep {
                out.insert(key, value)?;
            }
        }
        Ok(out.build())
    }),
    php_fn!("array_map", ["callback", "array", "arrays"], 2, ..., |a| {
        let callback = a.mixed(0);
        if a.len() > 2 {
            return Err(error("array_map(): only one array is supported in templates"));
        }
        let array = a.array(1)?;
        let mut out = ArrayBuilder::new();
        for (key, value) in entries(array) {
            let mapped = if callback.is_none() || callback.is_undefined() {
                value
            } else {
                call_by_name(a, callback, std::slice::from_ref(&value))?
            };
            out.insert(key, mapped)?;
        }
        Ok(out.build())
    }),
    php_fn!("array_is_list", ["array"], 1, |a| Ok(Value::from(
        super::array::is_list_charged(a.array(0)?)?
    ))),
    php_fn!(
        "array_column",
        ["array", "column_key", "index_key"],
        2,
        array_column
    ),
    php_fn!(
        "array_chunk",
        ["array", "length", "preserve_keys"],
        2,
        |a| {
            let array = a.array(0)?;
            let size = a.int(1)?;
            if size < 1 {
                return Err(a.value_error(1, "must be greater than 0"));
            }
            let preserve = a.opt_bool(2)?;
            let size = usize::try_from(size).unwrap_or(usize::MAX);
            budget::check_nesting(array, 1, "the chunked array")?;
            budget::list(len(array).div_ceil(size))?;
            let mut chunks = Vec::new();
            let mut chunk = ArrayBuilder::new();
            let mut filled = 0;
            for (key, value) in entries(array) {
                if preserve {
                    chunk.insert(key, value)?
                } else {
                    chunk.push(value)?
                }
                filled += 1;
                if filled == size {
                    chunks.push(std::mem::take(&mut chunk).build());
                    filled = 0;
                }
            }
            if filled > 0 {
                chunks.push(chunk.build());
            }
            Ok(list(chunks))
        }
    ),
    php_fn!("range", ["start", "end", "step"], 2, range),
    php_fn!("array_product", ["array"], 1, |a| {
        let mut product = Value::from(1);
        budget::visit(len(a.array(0)?))?;
        for value in values(a.array(0)?) {
            if matches!(view(&value), Php::Array | Php::Other) {
                continue;
            }
            let number = Value::from(super::value::to_number_lenient(&value));
            product = super::arith::mul(&product, &number)?;
        }
        Ok(product)
    }),
    php_fn!("array_pad", ["array", "length", "value"], 3, |a| {
        let array = a.array(0)?;
        let length = a.int(1)?;
        let current = len(array) as i64;
        let target = length.checked_abs().unwrap_or(i64::MAX);
        if target > MAX_ELEMENTS {
            return Err(a.value_error(1, "must be less than or equal to 1048576"));
        }
        if current >= target {
            // nothing to pad: PHP returns the array as it is, integer keys unrenumbered
            return Ok(array.clone());
        }
        let padding = target - current;
        budget::check_nesting(a.mixed(2), 1, "the padding value")?;
        let mut out = ArrayBuilder::new();
        let pad = |out: &mut ArrayBuilder| -> Result<(), Error> {
            for _ in 0..padding {
                out.push(a.mixed(2).clone())?;
            }
            Ok(())
        };
        if length < 0 {
            pad(&mut out)?;
        }
        for (key, value) in entries(array) {
            match key {
                Key::Int(_) => out.push(value)?,
                key => out.insert(key, value)?,
            }
        }
        if length > 0 {
            pad(&mut out)?;
        }
        Ok(out.build())
    }),
];

const MAX_ELEMENTS: i64 = super::strings::MAX_ELEMENTS as i64;

/// A value used as a key by `array_combine`: ints stay, the rest become strings (an array with
/// PHP's warning, as "Array").
fn key_of_element(value: &Value) -> Result<Key<'static>, Error> {
    Ok(match view(value) {
        Php::Int(i) => Key::Int(i),
        _ => super::array::key_from_str(&super::value::to_php_string(value)?).into_owned(),
    })
}

fn array_slice(a: &Args) -> Result<Value, Error> {
    let array = a.array(0)?;
    let offset = a.int(1)?;
    let length = a.opt_nullable_int(2)?;
    let preserve = a.opt_bool(3)?;
    let n = len(array) as i64;
    let start = if offset < 0 {
        (n + offset).max(0)
    } else {
        offset.min(n)
    };
    let end = match length {
        None => n,
        Some(l) if l < 0 => (n + l).max(start),
        Some(l) => start.saturating_add(l).min(n),
    };
    let mut out = ArrayBuilder::new();
    budget::visit(start as usize)?;
    for (key, value) in entries(array)
        .skip(start as usize)
        .take((end - start).max(0) as usize)
    {
        match key {
            Key::Int(_) if !preserve => out.push(value)?,
            key => out.insert(key, value)?,
        }
    }
    Ok(out.build())
}

fn array_unique(a: &Args) -> Result<Value, Error> {
    let array = a.array(0)?;
    let flags = a.opt_int(1)?.unwrap_or(2);
    // PHP returns an array of at most one element as it is, without converting it to a string
    // (so an array inside is no "Array to string conversion").
    if len(array) <= 1 {
        return Ok(array.clone());
    }
    if flags != 2 {
        return unique_by_comparison(array, flags);
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = ArrayBuilder::new();
    for (key, value) in entries(array) {
        let text = super::value::to_php_string(&value)?;
        budget::visit(1)?;
        // Hashed into the set, and kept there.
        budget::string(text.len())?;
        budget::hashed_key(text.len())?;
        if seen.insert(text.into_owned()) {
            out.insert(key, value)?;
        }
    }
    Ok(out.build())
}

/// `array_unique` with another comparison than `SORT_STRING`'s: PHP sorts the entries by it
/// (ties in their order) and keeps the first of each run that compares equal.
fn unique_by_comparison(array: &Value, flags: i64) -> Result<Value, Error> {
    use std::cmp::Ordering;
    let entries: Vec<(Key<'static>, Value)> = entries(array).collect();
    let n = entries.len();
    // A sort's comparisons.
    budget::visit(n.saturating_mul(usize::BITS as usize - n.leading_zeros() as usize + 1))?;
    let compare = |a: &Value, b: &Value| -> Result<Ordering, Error> {
        Ok(match flags & !8 {
            1 => {
                let (x, y) = (
                    super::value::to_number_lenient(a).as_f64(),
                    super::value::to_number_lenient(b).as_f64(),
                );
                x.partial_cmp(&y).unwrap_or(Ordering::Equal)
            }
            2 | 5 if flags & 8 != 0 => super::value::to_php_string(a)?
                .to_ascii_lowercase()
                .cmp(&super::value::to_php_string(b)?.to_ascii_lowercase()),
            2 | 5 => super::value::to_php_string(a)?.cmp(&super::value::to_php_string(b)?),
            _ => super::compare::compare(a, b)?.cmp(&0),
        })
    };
    let order = merge_sort(n, |i, j| {
        Ok(compare(&entries[i].1, &entries[j].1)? == Ordering::Greater)
    })?;
    let mut keep = vec![false; n];
    let mut run_first: Option<usize> = None;
    for &i in &order {
        match run_first {
            Some(first) if compare(&entries[first].1, &entries[i].1)? == Ordering::Equal => {}
            _ => {
                keep[i] = true;
                run_first = Some(i);
            }
        }
    }
    let mut out = ArrayBuilder::new();
    for ((key, value), kept) in entries.into_iter().zip(keep) {
        if kept {
            out.insert(key, value)?;
        }
    }
    Ok(out.build())
}

/// The indexes `0..n` sorted stably by `after(i, j)` (whether `i` goes after `j`). A merge sort
/// of our own: PHP's loose comparison is no total order, on which the standard sorts may panic.
fn merge_sort(
    n: usize,
    mut after: impl FnMut(usize, usize) -> Result<bool, Error>,
) -> Result<Vec<usize>, Error> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut buffer = Vec::with_capacity(n);
    let mut width = 1;
    while width < n {
        buffer.clear();
        for start in (0..n).step_by(2 * width) {
            let middle = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, middle);
            while i < middle && j < end {
                if after(order[i], order[j])? {
                    buffer.push(order[j]);
                    j += 1;
                } else {
                    buffer.push(order[i]);
                    i += 1;
                }
            }
            buffer.extend_from_slice(&order[i..middle]);
            buffer.extend_from_slice(&order[j..end]);
        }
        std::mem::swap(&mut order, &mut buffer);
        width *= 2;
    }
    Ok(order)
}

fn array_column(a: &Args) -> Result<Value, Error> {
    let array = a.array(0)?;
    for i in 1..a.len().min(3) {
        if matches!(view(a.mixed(i)), Php::Array | Php::Other) {
            return Err(a.type_error(i, "string|int|null"));
        }
    }
    let column = a.mixed(1);
    let index = a.get(2).filter(|v| !v.is_none() && !v.is_undefined());
    let mut out = ArrayBuilder::new();
    for row in values(array) {
        budget::visit(1)?;
        let whole_row = column.is_none() || column.is_undefined();
        if !is_array(&row) && !whole_row {
            continue;
        }
        let value = if whole_row {
            Some(row.clone())
        } else {
            lookup(&row, &to_key(column)?)
        };
        let Some(value) = value else { continue };
        let key = match index {
            Some(index) if is_array(&row) => lookup(&row, &to_key(index)?),
            _ => None,
        };
        // The index value becomes a key as an array literal's would: null is "", a bool or
        // a float an integer.
        match key {
            Some(key) => out.insert(super::array::to_key(&key)?.into_owned(), value)?,
            None => out.push(value)?,
        }
    }
    Ok(out.build())
}

/// `range()` over ints, floats or single bytes, as PHP 8.2 does it.
fn range(a: &Args) -> Result<Value, Error> {
    use super::number::Num;
    let (start, end) = (a.mixed(0), a.mixed(1));
    let step = match a.get(2) {
        Some(_) => a.number(2)?,
        None => Num::Int(1),
    };
    let step_abs = match step {
        Num::Int(s) => Num::Int(s.checked_abs().unwrap_or(i64::MAX)),
        Num::Float(f) => Num::Float(f.abs()),
    };
    if step_abs.as_f64() == 0.0 {
        return Err(a.value_error(2, "must not exceed the specified range"));
    }
    // Two strings, neither of them numeric: a range of the bytes that begin them.
    let numeric = |v: &Value| -> Option<Num> {
        match view(v) {
            Php::Str(s) => super::number::parse_numeric(s)
                .filter(|(_, whole)| *whole)
                .map(|(n, _)| n),
            _ => None,
        }
    };
    let first_byte = |v: &Value| match view(v) {
        Php::Str(s) if numeric(v).is_none() => s.bytes().next(),
        _ => None,
    };
    if let (Some(from), Some(to), Num::Int(step)) = (first_byte(start), first_byte(end), step_abs) {
        // Between two letters, a step past the span is PHP's error (not a one-letter range).
        if from != to && i64::from(from.abs_diff(to)) < step {
            return Err(a.value_error(2, "must not exceed the specified range"));
        }
        let step = u8::try_from(step).unwrap_or(u8::MAX);
        let mut out = Vec::new();
        let mut c = from;
        loop {
            budget::list(1)?;
            out.push(Value::from((c as char).to_string()));
            let next = if from <= to {
                c.checked_add(step).filter(|n| *n <= to)
            } else {
                c.checked_sub(step).filter(|n| *n >= to)
            };
            match next {
                Some(n) => c = n,
                None => break,
            }
        }
        return Ok(list(out));
    }
    // Otherwise floats if anything is one (a numeric string included), else integers; the
    // strings read as their leading number, or 0.
    let double = [start, end]
        .iter()
        .any(|v| matches!(view(v), Php::Float(_)) || matches!(numeric(v), Some(Num::Float(_))))
        || matches!(step, Num::Float(_));
    let to_num = |i: usize| -> Result<Num, Error> {
        let v = a.mixed(i);
        match view(v) {
            Php::Str(_) if double => Ok(Num::Float(super::value::to_number_lenient(v).as_f64())),
            Php::Str(_) => Ok(Num::Int(super::value::to_int_lenient(v))),
            _ => a.number(i),
        }
    };
    let (from, to) = (to_num(0)?, to_num(1)?);
    match (from, to, step_abs) {
        (Num::Int(from), Num::Int(to), Num::Int(step)) => {
            let span = (i128::from(to) - i128::from(from)).unsigned_abs();
            if span / step as u128 >= MAX_ELEMENTS as u128 {
                return Err(error("The supplied range exceeds the maximum array size"));
            }
            if span > 0 && step as u128 > span {
                return Err(a.value_error(2, "must not exceed the specified range"));
            }
            let count = (span / step as u128) as i64 + 1;
            let sign = if to >= from { 1 } else { -1 };
            budget::list(count as usize)?;
            Ok(list(
                (0..count)
                    .map(|i| Value::from(from + sign * i * step))
                    .collect(),
            ))
        }
        (from, to, step) => {
            let (from, to, step) = (from.as_f64(), to.as_f64(), step.as_f64());
            let span = (to - from).abs();
            if !span.is_finite() || !step.is_finite() || span / step >= MAX_ELEMENTS as f64 {
                return Err(error("The supplied range exceeds the maximum array size"));
            }
            if span > 0.0 && step > span {
                return Err(a.value_error(2, "must not exceed the specified range"));
            }
            let count = (span / step).floor() as i64 + 1;
            let sign = if to >= from { 1.0 } else { -1.0 };
            budget::list(count as usize)?;
            Ok(list(
                (0..count)
                    .map(|i| Value::from(from + sign * i as f64 * step))
                    .collect(),
            ))
        }
    }
}
