//! PHP arrays over minijinja values.
//!
//! A PHP array whose keys are 0..n-1 in order is a minijinja sequence, any other an insertion
//! ordered map. Integer-like string keys are integers in PHP; maps that come from JSON still
//! have them as strings, so lookups try both spellings and iteration normalises them.

use std::borrow::Cow;

use indexmap::IndexMap;
use minijinja::Error;
use minijinja::value::{Value, ValueKind};

use super::budget;
use super::number::{Num, float_to_int};
use super::value::{Missing, Php, error, missing, view, warning};

/// A PHP array key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key<'a> {
    Int(i64),
    Str(Cow<'a, str>),
}

impl Key<'_> {
    pub(crate) fn to_value(&self) -> Value {
        match self {
            Key::Int(i) => Value::from(*i),
            Key::Str(s) => Value::from(s.as_ref()),
        }
    }

    pub(crate) fn into_owned(self) -> Key<'static> {
        match self {
            Key::Int(i) => Key::Int(i),
            Key::Str(s) => Key::Str(Cow::Owned(s.into_owned())),
        }
    }

    /// `Undefined array key "k"` / `Undefined array key 3`.
    fn undefined_error(&self) -> Error {
        match self {
            Key::Int(i) => missing(
                format!("Undefined array key {i}"),
                Missing::Key(i.to_string()),
            ),
            Key::Str(s) => missing(
                format!("Undefined array key \"{s}\""),
                Missing::Key(s.to_string()),
            ),
        }
    }
}

/// The integer a string key stands for: decimal, no leading zeros, no `+`, no `-0`, in range.
pub(crate) fn canonical_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let bytes = digits.as_bytes();
    let first = *bytes.first()?;
    if !bytes.iter().all(u8::is_ascii_digit)
        || (first == b'0' && (bytes.len() > 1 || digits.len() != s.len()))
    {
        return None;
    }
    s.parse().ok()
}

pub(crate) fn key_from_str(s: &str) -> Key<'_> {
    match canonical_int(s) {
        Some(i) => Key::Int(i),
        None => Key::Str(Cow::Borrowed(s)),
    }
}

/// The key `$array[$value]` uses.
pub(crate) fn to_key(value: &Value) -> Result<Key<'_>, Error> {
    Ok(match view(value) {
        Php::Int(i) => Key::Int(i),
        Php::Str(s) => key_from_str(s),
        Php::Bool(b) => Key::Int(b as i64),
        Php::Null | Php::Undefined => Key::Str(Cow::Borrowed("")),
        // A fraction is a deprecation, which Laravel 12's handler only logs.
        Php::Float(f) => Key::Int(float_to_int(f)),
        Php::Array | Php::Other => return Err(error("Illegal offset type")),
    })
}

/// Whether `value` is a PHP array (a sequence or a map).
pub(crate) fn is_array(value: &Value) -> bool {
    matches!(view(value), Php::Array)
}

/// Number of elements of a PHP array.
pub(crate) fn len(value: &Value) -> usize {
    match value.len() {
        Some(len) => len,
        // Iterables without a known length (none reach templates today) are counted up to a
        // bound, so an endless one cannot hang the render.
        None => value
            .try_iter()
            .map(|it| it.take(1 << 24).count())
            .unwrap_or(0),
    }
}

/// `$array[$key]` without PHP's warnings: `None` when the key is missing.
pub(crate) fn lookup(array: &Value, key: &Key) -> Option<Value> {
    match array.kind() {
        ValueKind::Seq => match key {
            Key::Int(i) => usize::try_from(*i)
                .ok()
                .and_then(|i| array.get_item_by_index(i).ok())
                .filter(|v| !v.is_undefined()),
            Key::Str(_) => None,
        },
        _ => {
            let found = array
                .get_item(&key.to_value())
                .ok()
                .filter(|v| !v.is_undefined());
            match (found, key) {
                (Some(v), _) => Some(v),
                // JSON objects keep integer-like keys as strings.
                (None, Key::Int(i)) => array
                    .get_item(&Value::from(i.to_string()))
                    .ok()
                    .filter(|v| !v.is_undefined()),
                (None, Key::Str(_)) => None,
            }
        }
    }
}

/// [`lookup`] with the key as the template wrote it: a string key that stays a string is
/// looked up as that very value, sparing the hot path an allocation.
fn lookup_with(array: &Value, key: &Key, written: &Value) -> Option<Value> {
    match (array.kind(), key) {
        (ValueKind::Map, Key::Str(_)) if written.as_str().is_some() => {
            array.get_item(written).ok().filter(|v| !v.is_undefined())
        }
        _ => lookup(array, key),
    }
}

/// The entries of a PHP array in order, keys normalised.
pub(crate) fn entries(array: &Value) -> Box<dyn Iterator<Item = (Key<'static>, Value)> + '_> {
    match array.kind() {
        ValueKind::Map => {
            if let Some(pairs) = array.as_object().and_then(|o| o.try_iter_pairs()) {
                return Box::new(pairs.map(|(k, v)| (key_of_value(&k), v)));
            }
            Box::new(std::iter::empty())
        }
        _ => match array.try_iter() {
            Ok(items) => Box::new(items.enumerate().map(|(i, v)| (Key::Int(i as i64), v))),
            Err(_) => Box::new(std::iter::empty()),
        },
    }
}

/// The values of a PHP array in order.
pub(crate) fn values(array: &Value) -> Box<dyn Iterator<Item = Value> + '_> {
    match array.kind() {
        ValueKind::Map => Box::new(entries(array).map(|(_, v)| v)),
        _ => match array.try_iter() {
            Ok(items) => Box::new(items),
            Err(_) => Box::new(std::iter::empty()),
        },
    }
}

fn key_of_value(key: &Value) -> Key<'static> {
    match view(key) {
        Php::Int(i) => Key::Int(i),
        Php::Str(s) => key_from_str(s).into_owned(),
        _ => to_key(key)
            .map(Key::into_owned)
            .unwrap_or_else(|_| Key::Str(Cow::Owned(key.to_string()))),
    }
}

/// Whether PHP would see this array as a list (keys 0..n-1 in order).
pub(crate) fn is_list(array: &Value) -> bool {
    match array.kind() {
        ValueKind::Map => entries(array)
            .enumerate()
            .all(|(i, (k, _))| k == Key::Int(i as i64)),
        _ => true,
    }
}

/// [`is_list`], charging the visit of a map's keys.
pub(crate) fn is_list_charged(array: &Value) -> Result<bool, Error> {
    if array.kind() == ValueKind::Map {
        budget::visit(len(array))?;
    }
    Ok(is_list(array))
}

/// Builds PHP arrays the way PHP fills them: a repeated key overwrites the value in place,
/// positional entries take the next integer key. Each entry is charged to the render's budget
/// before it is added.
///
/// Most arrays a template builds are lists, kept in a `Vec` while their keys are 0..n-1 in
/// order: hashing each key into a map would cost several times more than the entry itself.
#[derive(Default)]
pub(crate) struct ArrayBuilder {
    list: Vec<Value>,
    /// Every entry, once a key broke the list's order (`list` is then empty).
    map: Option<IndexMap<Key<'static>, Value>>,
    /// The key an appended entry takes: one past the greatest integer key so far, 0 before
    /// any (PHP starts from the smallest integer, so `[-5 => 1, 2]` appends at -4).
    next_index: Option<i64>,
    /// Entries charged ahead by [`ArrayBuilder::reserve`].
    prepaid: usize,
}

impl ArrayBuilder {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Charges `entries` entries at once, and makes room for them.
    pub(crate) fn reserve(&mut self, entries: usize) -> Result<(), Error> {
        match &mut self.map {
            Some(map) => {
                budget::map(entries)?;
                map.reserve(entries);
            }
            None => {
                budget::list(entries)?;
                self.list.reserve(entries);
            }
        }
        self.prepaid += entries;
        Ok(())
    }

    pub(crate) fn insert(&mut self, key: Key<'static>, value: Value) -> Result<(), Error> {
        if let Key::Str(s) = &key {
            budget::string(s.len())?;
        }
        if let Key::Int(i) = key {
            if self.next_index.is_none_or(|next| i >= next) {
                self.next_index = Some(i.saturating_add(1));
            }
        }
        if self.map.is_none() {
            match key {
                Key::Int(i) if i == self.list.len() as i64 => {
                    self.charge_entry(budget::list)?;
                    self.list.push(value);
                    return Ok(());
                }
                Key::Int(i) if (0..self.list.len() as i64).contains(&i) => {
                    self.list[i as usize] = value;
                    return Ok(());
                }
                // A map entry takes more than a list's slot: the entries so far, and those paid
                // for ahead, pay the difference.
                _ => {
                    let entries = self.list.len() + self.prepaid;
                    budget::memory(
                        (entries as u64)
                            .saturating_mul(budget::MAP_ENTRY_BYTES - budget::LIST_SLOT_BYTES),
                    )?;
                    let list = std::mem::take(&mut self.list);
                    self.map = Some(
                        list.into_iter()
                            .enumerate()
                            .map(|(i, v)| (Key::Int(i as i64), v))
                            .collect(),
                    );
                }
            }
        }
        self.charge_entry(budget::map)?;
        if let Some(map) = &mut self.map {
            map.insert(key, value);
        }
        Ok(())
    }

    /// Charges one new entry, unless [`ArrayBuilder::reserve`] paid for it.
    fn charge_entry(&mut self, charge: fn(usize) -> Result<(), Error>) -> Result<(), Error> {
        match self.prepaid.checked_sub(1) {
            Some(left) => {
                self.prepaid = left;
                Ok(())
            }
            None => charge(1),
        }
    }

    pub(crate) fn push(&mut self, value: Value) -> Result<(), Error> {
        let next = self.next_index.unwrap_or(0);
        if next == i64::MAX && self.contains(&Key::Int(i64::MAX)) {
            return Err(error(
                "Cannot add element to the array as the next element is already occupied",
            ));
        }
        self.insert(Key::Int(next), value)
    }

    pub(crate) fn contains(&self, key: &Key) -> bool {
        match (&self.map, key) {
            (Some(map), _) => map.contains_key(key),
            (None, Key::Int(i)) => (0..self.list.len() as i64).contains(i),
            (None, Key::Str(_)) => false,
        }
    }

    pub(crate) fn build(self) -> Value {
        let Some(map) = self.map else {
            return Value::from(self.list);
        };
        let is_list = map
            .keys()
            .enumerate()
            .all(|(i, k)| *k == Key::Int(i as i64));
        if is_list {
            Value::from(map.into_values().collect::<Vec<_>>())
        } else {
            Value::from_pairs(map.into_iter().map(|(k, v)| (k.to_value(), v)))
        }
    }
}

/// A list value from values.
pub(crate) fn list(values: Vec<Value>) -> Value {
    Value::from(values)
}

/// `$c[$k]` in a read, with PHP 8's warnings as errors.
pub(crate) fn get(container: &Value, key: &Value) -> Result<Value, Error> {
    // A map read by a string that stays a string in PHP, the common case, by minijinja's own
    // lookup: what `lookup_with` does, without first viewing and normalising both values.
    if let Some(text) = key.as_str() {
        if container.kind() == ValueKind::Map && canonical_int(text).is_none() {
            return match container.get_attr(text) {
                Ok(v) if !v.is_undefined() => Ok(v),
                _ => warning(
                    Key::Str(Cow::Borrowed(text)).undefined_error(),
                    Value::from(()),
                ),
            };
        }
    }
    match view(container) {
        Php::Array => {
            let normalised = to_key(key)?;
            match lookup_with(container, &normalised, key) {
                Some(v) => Ok(v),
                None => warning(normalised.undefined_error(), Value::from(())),
            }
        }
        Php::Str(s) => string_offset(s, key),
        Php::Other => Err(object_as_array()),
        other => warning(
            error(format!(
                "Trying to access array offset on value of type {}",
                other.type_name()
            )),
            Value::from(()),
        ),
    }
}

/// `$c[$k]` inside `??` (and on the way to the last key of `isset`/`empty`): undefined instead
/// of a missing-key error.
///
/// PHP still reports keys that cannot be keys at all (arrays, floats with a fraction) and
/// leading-numeric string offsets, even there.
pub(crate) fn lenient_get(container: &Value, key: &Value) -> Result<Value, Error> {
    Ok(match view(container) {
        Php::Array => lookup_with(container, &to_key(key)?, key).unwrap_or(Value::UNDEFINED),
        Php::Str(s) => {
            let index = match view(key) {
                Php::Int(i) => i,
                Php::Str(k) => match string_offset_key(k) {
                    StrOffset::Int(i) => i,
                    StrOffset::Leading(i) => {
                        warning(error(format!("Illegal string offset \"{k}\"")), i)?
                    }
                    StrOffset::Illegal => return Ok(Value::UNDEFINED),
                },
                Php::Array | Php::Other => return Err(illegal_string_offset(key)),
                _ => super::value::to_int_lenient(key),
            };
            byte_at(s, index).unwrap_or(Value::UNDEFINED)
        }
        // Even `isset` refuses: stdClass has no ArrayAccess.
        Php::Other => return Err(object_as_array()),
        _ => Value::UNDEFINED,
    })
}

/// The last `$c[$k]` of `isset`/`empty`: as [`lenient_get`], except that a string offset never
/// fails there, whatever its key.
pub(crate) fn isset_get(container: &Value, key: &Value) -> Result<Value, Error> {
    let s = match view(container) {
        Php::Str(s) => s,
        Php::Array => {
            let key = to_key(key).map_err(|_| error("Illegal offset type in isset or empty"))?;
            return Ok(lookup(container, &key).unwrap_or(Value::UNDEFINED));
        }
        _ => return lenient_get(container, key),
    };
    let index = match view(key) {
        Php::Int(i) => i,
        Php::Str(k) => match string_offset_key(k) {
            StrOffset::Int(i) => i,
            _ => return Ok(Value::UNDEFINED),
        },
        Php::Array | Php::Other => return Ok(Value::UNDEFINED),
        _ => super::value::to_int_lenient(key),
    };
    Ok(byte_at(s, index).unwrap_or(Value::UNDEFINED))
}

fn object_as_array() -> Error {
    error("Cannot use object of type stdClass as array")
}

fn illegal_string_offset(key: &Value) -> Error {
    error(format!(
        "Cannot access offset of type {} on string",
        view(key).type_name()
    ))
}

/// A string used as a string offset, as PHP 8 reads it: an integer numeric string (blanks
/// around it, a sign and leading zeros allowed) is that integer; a leading one warns.
enum StrOffset {
    Int(i64),
    Leading(i64),
    Illegal,
}

fn string_offset_key(k: &str) -> StrOffset {
    if let Some(i) = canonical_int(k) {
        return StrOffset::Int(i);
    }
    match super::number::parse_numeric(k) {
        Some((Num::Int(i), true)) => StrOffset::Int(i),
        Some((Num::Int(i), false)) => StrOffset::Leading(i),
        _ => StrOffset::Illegal,
    }
}

/// The byte at `index` of `s`, negative indexes from the end.
fn byte_at(s: &str, index: i64) -> Option<Value> {
    let len = s.len() as i64;
    let position = if index < 0 {
        index.checked_add(len)
    } else {
        Some(index)
    };
    position.filter(|p| (0..len).contains(p)).map(|p| {
        let byte = s.as_bytes().get(p as usize).copied().unwrap_or(0);
        Value::from(String::from_utf8_lossy(&[byte]).into_owned())
    })
}

/// `$string[$offset]`: one byte, negative offsets from the end.
fn string_offset(s: &str, offset: &Value) -> Result<Value, Error> {
    let index = match view(offset) {
        Php::Int(i) => i,
        Php::Str(k) => match string_offset_key(k) {
            StrOffset::Int(i) => i,
            StrOffset::Leading(i) => warning(error(format!("Illegal string offset \"{k}\"")), i)?,
            StrOffset::Illegal => return Err(illegal_string_offset(offset)),
        },
        Php::Array | Php::Other => return Err(illegal_string_offset(offset)),
        _ => warning(
            error("String offset cast occurred"),
            super::value::to_int_lenient(offset),
        )?,
    };
    match byte_at(s, index) {
        Some(byte) => Ok(byte),
        None => warning(
            error(format!("Uninitialized string offset {index}")),
            Value::from(""),
        ),
    }
}

/// `foreach` over a non-array: PHP 8 warns with this text.
fn foreach_error(value: &Value) -> Error {
    error(format!(
        "foreach() argument must be of type array|object, {} given",
        view(value).type_name()
    ))
}

/// What `@foreach ($v as $x)` iterates.
pub(crate) fn foreach_values(value: &Value) -> Result<Value, Error> {
    // `foreach` over an object walks its properties.
    if let Some(object) = super::value::std_class(value) {
        budget::list(object.properties.len())?;
        return Ok(list(
            object.properties.iter().map(|(_, v)| v.clone()).collect(),
        ));
    }
    match value.kind() {
        ValueKind::Seq => Ok(value.clone()),
        ValueKind::Map | ValueKind::Iterable => {
            budget::list(len(value))?;
            Ok(list(values(value).collect()))
        }
        _ => Err(foreach_error(value)),
    }
}

/// What `@foreach ($v as $k => $x)` iterates: `[key, value]` pairs.
pub(crate) fn foreach_pairs(value: &Value) -> Result<Value, Error> {
    if let Some(object) = super::value::std_class(value) {
        budget::list(object.properties.len().saturating_mul(3))?;
        return Ok(list(
            object
                .properties
                .iter()
                .map(|(k, v)| Value::from(vec![k.clone(), v.clone()]))
                .collect(),
        ));
    }
    if !is_array(value) {
        return Err(foreach_error(value));
    }
    // The list, and a list of two for each pair.
    budget::list(len(value).saturating_mul(3))?;
    Ok(list(
        entries(value)
            .map(|(k, v)| Value::from(vec![k.to_value(), v]))
            .collect(),
    ))
}

/// `[k => v, …]` from the translator's `[[key, value], …]`, key none for positional entries.
pub(crate) fn from_literal(pairs: &Value) -> Result<Value, Error> {
    let mut builder = ArrayBuilder::new();
    for pair in values(pairs) {
        // `[value]` for a positional entry, `[key, value]` for a keyed one (a null key is "").
        match pair.len() {
            Some(1) => builder.push(pair.get_item_by_index(0).unwrap_or(Value::UNDEFINED))?,
            _ => {
                let key = pair.get_item_by_index(0).unwrap_or(Value::UNDEFINED);
                let value = pair.get_item_by_index(1).unwrap_or(Value::UNDEFINED);
                builder.insert(to_key(&key)?.into_owned(), value)?;
            }
        }
    }
    Ok(builder.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_integer_keys() {
        // php -r 'var_dump(array_keys(["1"=>0,"01"=>0,"-0"=>0,"-5"=>0," 5"=>0,"9223372036854775808"=>0]));'
        assert_eq!(canonical_int("1"), Some(1));
        assert_eq!(canonical_int("0"), Some(0));
        assert_eq!(canonical_int("-5"), Some(-5));
        for s in [
            "01",
            "-0",
            " 5",
            "+5",
            "",
            "-",
            "9223372036854775808",
            "1.0",
        ] {
            assert_eq!(canonical_int(s), None, "{s:?}");
        }
    }
}
