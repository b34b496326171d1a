//! Host values: JSON text into minijinja values.
//!
//! minijinja's own deserializer makes every JSON object an insertion-ordered map hashed with
//! SipHash, and reading a manifest's values that way costs more than rendering it. Objects here
//! are [`JsonObject`]s instead: the same keys in the same order, answering lookups by comparing
//! strings while they are small (as almost every object in a manifest's values is) and through
//! a hash index when they are not. Everything else becomes what minijinja's deserializer makes.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use minijinja::Value;
use minijinja::value::{Enumerator, Object, ObjectExt, ObjectRepr};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

pub mod tape;

pub use tape::{TapeError, TapeKeys, from_tape};

/// Reads JSON text as minijinja values. The npm package sends values as a value tape (see
/// [`from_tape`]); JSON text is what the tape cannot hold, the Rust API's and Kublade's values.
pub fn from_json(text: &str) -> Result<Value, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = HostValue.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// The room an object read from JSON starts with.
const SMALL_OBJECT: usize = 4;

/// Up to this many keys, a lookup compares strings; past it, it hashes.
const LINEAR_LOOKUP: usize = 32;

/// A JSON object: its keys (all strings) and values in document order.
#[derive(Debug)]
pub struct JsonObject {
    entries: Vec<(Value, Value)>,
    /// Key → position in `entries`, for objects too large to scan.
    index: Option<HashMap<Arc<str>, usize>>,
}

impl JsonObject {
    /// A map of `entries`, whose keys must differ from one another (as a JSON object's do
    /// once read): what the core hands templates, such as `$portClaims`, without hashing.
    pub fn with_unique_keys<'a>(entries: impl IntoIterator<Item = (&'a str, Value)>) -> Value {
        let mut object = JsonObject {
            entries: Vec::new(),
            index: None,
        };
        for (key, value) in entries {
            object.push(Value::from(key), value);
        }
        Value::from_object(object)
    }

    /// Adds a key the object does not hold yet, indexing the keys once there are too many to scan.
    fn push(&mut self, key: Value, value: Value) {
        let name = || Arc::from(key.as_str().unwrap_or_default());
        match &mut self.index {
            Some(index) => {
                index.insert(name(), self.entries.len());
            }
            None if self.entries.len() == LINEAR_LOOKUP => {
                let mut index: HashMap<Arc<str>, usize> = self
                    .entries
                    .iter()
                    .enumerate()
                    .map(|(at, (k, _))| (Arc::from(k.as_str().unwrap_or_default()), at))
                    .collect();
                index.insert(name(), self.entries.len());
                self.index = Some(index);
            }
            None => {}
        }
        self.entries.push((key, value));
    }

    /// Adds an entry read from JSON text: a repeated key keeps its first place and takes the
    /// last value, as a JSON object read into a map does.
    fn insert_read(&mut self, key: Value, value: Value) {
        let repeated = self.position(key.as_str().unwrap_or_default());
        match repeated.and_then(|at| self.entries.get_mut(at)) {
            Some(entry) => entry.1 = value,
            None => self.push(key, value),
        }
    }

    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self
                .entries
                .iter()
                .position(|(k, _)| k.as_str() == Some(key)),
        }
    }
}

impl Object for JsonObject {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        let position = self.position(key)?;
        self.entries.get(position).map(|(_, value)| value.clone())
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        self.mapped_rev_key_value_enumerator(|this| {
            Box::new(this.entries.iter().map(|(k, v)| (k.clone(), v.clone())))
        })
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// Deserializes one JSON value into a minijinja value.
struct HostValue;

impl<'de> DeserializeSeed<'de> for HostValue {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for HostValue {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::from(()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Value, A::Error> {
        let mut list = Vec::with_capacity(items.size_hint().unwrap_or(0));
        while let Some(item) = items.next_element_seed(HostValue)? {
            list.push(item);
        }
        Ok(Value::from(list))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut fields: A) -> Result<Value, A::Error> {
        let mut object = JsonObject {
            // serde_json does not tell the size; most objects a template reads are this small,
            // and allocating for them up front skips growing from nothing.
            entries: Vec::with_capacity(fields.size_hint().unwrap_or(SMALL_OBJECT)),
            index: None,
        };
        while let Some(key) = fields.next_key_seed(HostKey)? {
            let value = fields.next_value_seed(HostValue)?;
            object.insert_read(key, value);
        }
        Ok(Value::from_object(object))
    }
}

/// Deserializes an object's key straight into a string value, borrowing from the JSON text where
/// it can instead of allocating a `String` first.
struct HostKey;

impl<'de> DeserializeSeed<'de> for HostKey {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for HostKey {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::from(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// minijinja's own reading of the same text.
    fn plain(text: &str) -> Value {
        serde_json::from_str(text).expect("valid JSON")
    }

    fn ours(text: &str) -> Value {
        from_json(text).expect("valid JSON")
    }

    #[test]
    fn reads_what_minijinja_reads() {
        for text in [
            r#"{"a": 1, "b": [true, null, 2.5, -3, 18446744073709551615], "c": {"d": "e"}}"#,
            r#"[{"x": {}}, [], "", 0, -0.0, 1e300]"#,
            r#""just a string""#,
            r#"{"dup": 1, "other": 2, "dup": 3}"#,
        ] {
            let (a, b) = (ours(text), plain(text));
            assert_eq!(a.to_string(), b.to_string(), "{text}");
            assert_eq!(a.kind(), b.kind(), "{text}");
            assert_eq!(a, b, "{text}");
        }
    }

    #[test]
    fn objects_answer_lookups_small_and_large() {
        let keys: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
        for n in [3, 40] {
            let text = format!("{{{}}}", keys[..n].join(", "));
            let value = ours(&text);
            assert_eq!(value.len(), Some(n));
            assert_eq!(value.get_attr("k2").expect("lookup"), Value::from(2));
            assert!(value.get_attr("k99").expect("lookup").is_undefined());
            assert!(
                value
                    .get_item(&Value::from(2))
                    .expect("lookup")
                    .is_undefined()
            );
            let order: Vec<String> = value
                .try_iter()
                .expect("a map")
                .map(|k| k.to_string())
                .collect();
            assert_eq!(order.first().map(String::as_str), Some("k0"));
            assert_eq!(order.len(), n);
        }
    }

    #[test]
    fn keys_that_look_like_numbers_stay_strings() {
        let value = ours(r#"{"1": "one"}"#);
        assert_eq!(value.get_attr("1").expect("lookup").as_str(), Some("one"));
        assert_eq!(
            value.get_item(&Value::from(1)).expect("lookup"),
            plain(r#"{"1": "one"}"#)
                .get_item(&Value::from(1))
                .expect("lookup")
        );
    }

    #[test]
    fn repeated_keys_in_large_objects_keep_their_first_place() {
        let mut fields: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
        fields.push("\"k3\": \"again\"".to_string());
        fields.push("\"k30\": \"again\"".to_string());
        let text = format!("{{{}}}", fields.join(", "));
        let (a, b) = (ours(&text), plain(&text));
        assert_eq!(a.to_string(), b.to_string());
        assert_eq!(a.len(), Some(40));
        assert_eq!(a.get_attr("k30").expect("lookup").as_str(), Some("again"));
    }

    #[test]
    fn bad_json_is_an_error() {
        assert!(from_json("{").is_err());
        assert!(from_json("{} x").is_err());
    }
}
