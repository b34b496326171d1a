//! Reading JSON text into values directly, without serde's visitor layers.
//!
//! serde_json spends most of a render's reading on the dispatch between its parser, the visitor
//! and the seeds, where the JSON the JS layer sends is short strings, small integers and small
//! objects. This reader handles those itself and hands every other token (a string with an
//! escape, a number that is not a small integer) to serde_json on that token alone, so each
//! value is exactly what serde_json makes of it. It gives up, returning `None`, on anything it
//! is not sure of: invalid JSON (serde_json then words the error), and nesting deeper than
//! serde_json's own limit leaves room for.

use minijinja::Value;
use serde::de::DeserializeSeed;

use super::{HostValue, JsonObject};

/// Nesting past this goes to serde_json, whose recursion limit (128) then decides.
const MAX_DEPTH: usize = 100;

/// The value `text` holds, or `None` when serde_json must read it.
pub(super) fn read(text: &str) -> Option<Value> {
    let mut reader = Reader { text, at: 0 };
    let value = reader.value(0)?;
    reader.skip_whitespace();
    (reader.at == text.len()).then_some(value)
}

struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// JSON's whitespace, as serde_json skips it.
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    /// Skips whitespace, then takes `byte` if it comes next.
    fn eat(&mut self, byte: u8) -> bool {
        self.skip_whitespace();
        let found = self.peek() == Some(byte);
        self.at += usize::from(found);
        found
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        self.skip_whitespace();
        match self.peek()? {
            b'"' => self.string(),
            b'{' => self.object(depth + 1),
            b'[' => self.array(depth + 1),
            b't' => self.literal("true", Value::from(true)),
            b'f' => self.literal("false", Value::from(false)),
            b'n' => self.literal("null", Value::from(())),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Option<Value> {
        let rest = self.text.get(self.at..)?;
        rest.starts_with(word).then(|| {
            self.at += word.len();
            value
        })
    }

    /// A string at `"` (a value or an object's key: both read as a string value), taken as it is
    /// written when nothing in it needs decoding, else serde_json's reading of the string alone.
    fn string(&mut self) -> Option<Value> {
        let start = self.at;
        let bytes = self.text.as_bytes();
        let mut at = start + 1;
        let mut plain = true;
        loop {
            match *bytes.get(at)? {
                b'"' => break,
                b'\\' => {
                    plain = false;
                    at += 2;
                }
                // Control characters are not allowed in JSON strings: serde_json refuses them.
                0..=0x1f => return None,
                _ => at += 1,
            }
        }
        self.at = at + 1;
        if plain {
            return self.text.get(start + 1..at).map(Value::from);
        }
        by_serde(self.text.get(start..=at)?)
    }

    fn object(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.at += 1;
        let mut object = JsonObject {
            entries: Vec::with_capacity(super::SMALL_OBJECT),
            index: None,
        };
        if !self.eat(b'}') {
            loop {
                self.skip_whitespace();
                if self.peek()? != b'"' {
                    return None;
                }
                let key = self.string()?;
                if !self.eat(b':') {
                    return None;
                }
                let value = self.value(depth)?;
                object.insert_read(key, value);
                if self.eat(b'}') {
                    break;
                }
                if !self.eat(b',') {
                    return None;
                }
            }
        }
        Some(Value::from_object(object))
    }

    fn array(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.at += 1;
        let mut items = Vec::new();
        if !self.eat(b']') {
            loop {
                items.push(self.value(depth)?);
                if self.eat(b']') {
                    break;
                }
                if !self.eat(b',') {
                    return None;
                }
            }
        }
        Some(Value::from(items))
    }

    /// A number: a small integer read here as serde_json reads it (`u64` when not negative,
    /// `i64` when negative), anything else (`-0`, fractions, exponents, big integers) by
    /// serde_json on the number alone.
    fn number(&mut self) -> Option<Value> {
        let start = self.at;
        let bytes = self.text.as_bytes();
        let mut end = start;
        while let Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') = bytes.get(end) {
            end += 1;
        }
        self.at = end;
        let token = self.text.get(start..end)?;
        let (negative, digits) = match token.strip_prefix('-') {
            Some(digits) => (true, digits),
            None => (false, token),
        };
        // 18 digits always fit an i64; JSON allows no leading zero.
        let small = !digits.is_empty()
            && digits.len() <= 18
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !(digits.starts_with('0') && (negative || digits.len() > 1));
        if !small {
            return by_serde(token);
        }
        let magnitude = digits
            .bytes()
            .fold(0u64, |n, digit| n * 10 + u64::from(digit - b'0'));
        Some(if negative {
            Value::from(-i64::try_from(magnitude).ok()?)
        } else {
            Value::from(magnitude)
        })
    }
}

/// serde_json's reading of one token, which must be all of `token`.
fn by_serde(token: &str) -> Option<Value> {
    let mut deserializer = serde_json::Deserializer::from_str(token);
    let value = HostValue.deserialize(&mut deserializer).ok()?;
    deserializer.end().ok()?;
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::super::from_json_with_serde;
    use super::*;

    /// Everything minijinja can tell apart: the text, the kind, integer or not, equality, and
    /// the keys in order.
    fn assert_same(text: &str) {
        let ours = read(text).unwrap_or_else(|| panic!("read directly: {text}"));
        let serde = from_json_with_serde(text).expect("valid JSON");
        assert_eq!(ours.to_string(), serde.to_string(), "{text}");
        assert_eq!(format!("{ours:?}"), format!("{serde:?}"), "{text}");
        assert_eq!(ours.kind(), serde.kind(), "{text}");
        assert_eq!(ours.is_integer(), serde.is_integer(), "{text}");
        assert_eq!(ours, serde, "{text}");
        if let (Ok(a), Ok(b)) = (ours.try_iter(), serde.try_iter()) {
            assert_eq!(a.collect::<Vec<_>>(), b.collect::<Vec<_>>(), "{text}");
        }
    }

    #[test]
    fn reads_what_serde_json_reads() {
        for text in [
            r#"{"data":{"name":"app-1","ports":[{"name":"http","port":50001,"target":80}]},"namespace":"ns-1"}"#,
            " \t\r\n{ \"a\" : [ 1 , -2 , 0 , true , false , null ] , \"b\" : { } , \"c\" : [ ] } \n",
            r#"[0, -1, 123456789012345678, -123456789012345678, 1234567890123456789, 18446744073709551615, 18446744073709551616, -9223372036854775808, -9223372036854775809, 99999999999999999999999]"#,
            r#"[-0, 0.0, -0.0, 1.5, 1e3, 1E+3, 2.5e-3, 0.30000000000000004, 1e300, 5e-324, 2.2250738585072011e-308]"#,
            r#"["", "plain", "é ü 😀", "a\"b", "tab\there", "\u00e9\ud83d\ude00", "back\\slash", "\/"]"#,
            r#"{"esc\"aped": 1, "\u0041": 2, "A": 3}"#,
            r#"{"dup": 1, "other": 2, "dup": 3}"#,
            r#""just a string""#,
            "42",
            "-7",
            "null",
        ] {
            assert_same(text);
        }
    }

    #[test]
    fn leaves_to_serde_what_is_not_json_or_too_deep() {
        for text in [
            "",
            " ",
            "{",
            "{} x",
            "[1,]",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{a:1}",
            "[01]",
            "[-]",
            "[1.]",
            "[1e]",
            "[+1]",
            "[1-2]",
            "[tru]",
            "nul",
            "[\"a\nb\"]",
            "[\"\\x\"]",
            "[\"\\ud800\"]",
            "\"open",
            "[1 2]",
        ] {
            assert_eq!(read(text), None, "{text:?}");
            assert!(from_json_with_serde(text).is_err(), "{text:?}");
        }
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert_same(&deep(MAX_DEPTH));
        assert_eq!(read(&deep(MAX_DEPTH + 1)), None);
        assert!(from_json_with_serde(&deep(MAX_DEPTH + 1)).is_ok());
        assert!(from_json_with_serde(&deep(200)).is_err());
    }

    #[test]
    fn large_objects_are_indexed_and_keep_the_first_place_of_a_repeated_key() {
        let mut fields: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
        fields.push("\"k30\": \"again\"".to_string());
        let text = format!("{{{}}}", fields.join(", "));
        assert_same(&text);
        let value = read(&text).expect("valid");
        assert_eq!(
            value.get_attr("k30").expect("lookup").as_str(),
            Some("again")
        );
        assert_eq!(value.get_attr("k7").expect("lookup"), Value::from(7));
    }
}
