//! Reading the generic trees (`minijinja::Value`) that configurations and snapshots arrive as.
//!
//! JavaScript hands us whatever `JSON.parse` or a store produced, so nothing here trusts a
//! shape: every accessor says what it found instead of failing.

use minijinja::Value;
use minijinja::value::ValueKind;

/// The items of an array, or `None` if `v` is not one.
pub(crate) fn items(v: &Value) -> Option<Vec<Value>> {
    if v.kind() != ValueKind::Seq {
        return None;
    }
    Some(v.try_iter().ok()?.collect())
}

/// The `(key, value)` pairs of an object in their order, or `None` if `v` is not one.
/// Keys that are not strings are left out: JSON has none.
pub(crate) fn entries(v: &Value) -> Option<Vec<(String, Value)>> {
    if v.kind() != ValueKind::Map {
        return None;
    }
    let mut out = Vec::new();
    for key in v.try_iter().ok()? {
        if let Some(name) = key.as_str() {
            out.push((name.to_string(), v.get_item(&key).unwrap_or_default()));
        }
    }
    Some(out)
}

/// The value of `key` in an object; `None` when it is absent. A JSON `null` is returned as is,
/// so callers can tell "absent" from "null" where it matters.
pub(crate) fn field(map: &Value, key: &str) -> Option<Value> {
    match map.get_attr(key) {
        Ok(v) if !v.is_undefined() => Some(v),
        _ => None,
    }
}

/// `field`, treating `null` as absent: optional fields accept both.
pub(crate) fn optional(map: &Value, key: &str) -> Option<Value> {
    field(map, key).filter(|v| !v.is_none())
}

pub(crate) fn is_object(v: &Value) -> bool {
    v.kind() == ValueKind::Map
}

/// A short, one-line rendering of a value for "got ..." in error messages.
pub(crate) fn describe(v: &Value) -> String {
    const MAX_CHARS: usize = 40;
    match v.kind() {
        ValueKind::Undefined => "nothing".into(),
        ValueKind::None => "null".into(),
        // minijinja prints booleans the Python way (`True`); users wrote JSON.
        ValueKind::Bool => if v.is_true() { "true" } else { "false" }.into(),
        ValueKind::Number => v.to_string(),
        ValueKind::String => {
            let s = v.as_str().unwrap_or_default();
            if s.chars().count() > MAX_CHARS {
                let head: String = s.chars().take(MAX_CHARS).collect();
                format!("{head:?}…")
            } else {
                format!("{s:?}")
            }
        }
        ValueKind::Seq => "an array".into(),
        ValueKind::Map => "an object".into(),
        other => format!("a {other}"),
    }
}

/// A port number: an integer from 1 to 65535, or a string of digits that is one ("8080").
pub(crate) fn port(v: &Value) -> Option<u16> {
    match v.kind() {
        // `as_i64` also accepts integral floats, which is how JavaScript numbers may arrive.
        ValueKind::Number => v.as_i64().and_then(port_from_i64),
        ValueKind::String => port_from_text(v.as_str()?),
        _ => None,
    }
}

fn port_from_i64(n: i64) -> Option<u16> {
    u16::try_from(n).ok().filter(|&p| p != 0)
}

fn port_from_text(text: &str) -> Option<u16> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Digits only, so a parse failure can only be an overflow.
    text.parse::<u32>()
        .ok()
        .and_then(|n| u16::try_from(n).ok())
        .filter(|&p| p != 0)
}

/// Why a range entry was refused.
pub(crate) enum RangeError {
    Malformed,
    Inverted(u16, u16),
}

/// A port or an inclusive range of ports: `8080`, `"8080"` or `"30000-30100"`.
pub(crate) fn port_range(v: &Value) -> Result<(u16, u16), RangeError> {
    if let Some((from, to)) = v.as_str().and_then(|text| text.split_once('-')) {
        let from = port_from_text(from).ok_or(RangeError::Malformed)?;
        let to = port_from_text(to).ok_or(RangeError::Malformed)?;
        return if from <= to {
            Ok((from, to))
        } else {
            Err(RangeError::Inverted(from, to))
        };
    }
    port(v).map(|p| (p, p)).ok_or(RangeError::Malformed)
}

/// The first character a name (of a scope, claim or group) may not hold: a control character
/// (C0, DEL, C1) or a mark that reorders text on screen (bidirectional embeddings, overrides,
/// isolates and marks). Names are printed in tables and messages, and reviewed in lock files:
/// one holding these could clear a terminal, set its title or show a reviewer other text than
/// the file holds.
pub(crate) fn unprintable(name: &str) -> Option<char> {
    name.chars().find(|&c| {
        c.is_control()
            || matches!(
                c,
                '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
            )
    })
}

/// Why a name holding `c` (see [`unprintable`]) is refused.
pub(crate) fn unprintable_message(c: char) -> String {
    format!(
        "must not contain control characters or bidirectional marks, found U+{:04X}",
        u32::from(c)
    )
}

/// A key as it appears in a field path: bare when it is a plain name, quoted otherwise.
pub(crate) fn key_path(name: &str) -> String {
    let plain = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if plain {
        name.to_string()
    } else {
        format!("[{name:?}]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Value {
        serde_json::from_str::<Value>(text).unwrap()
    }

    #[test]
    fn ports() {
        assert_eq!(port(&json("8080")), Some(8080));
        assert_eq!(port(&json("8080.0")), Some(8080));
        assert_eq!(port(&json("\" 8080 \"")), Some(8080));
        assert_eq!(port(&json("65535")), Some(65535));
        for bad in [
            "0",
            "65536",
            "-1",
            "8080.5",
            "true",
            "null",
            "\"\"",
            "\"80a\"",
            "\"+80\"",
            "1e30",
            "[80]",
            "\"99999999999999999999\"",
        ] {
            assert_eq!(port(&json(bad)), None, "{bad}");
        }
    }

    #[test]
    fn ranges() {
        assert!(matches!(port_range(&json("\"1-2\"")), Ok((1, 2))));
        assert!(matches!(port_range(&json("\" 1 - 2 \"")), Ok((1, 2))));
        assert!(matches!(port_range(&json("7")), Ok((7, 7))));
        assert!(matches!(port_range(&json("\"7\"")), Ok((7, 7))));
        assert!(matches!(
            port_range(&json("\"9-2\"")),
            Err(RangeError::Inverted(9, 2))
        ));
        for bad in ["\"-2\"", "\"1-\"", "\"1-2-3\"", "\"0-5\"", "\"a-b\"", "{}"] {
            assert!(
                matches!(port_range(&json(bad)), Err(RangeError::Malformed)),
                "{bad}"
            );
        }
    }

    #[test]
    fn descriptions_stay_on_one_line() {
        assert_eq!(describe(&json("\"a\\nb\"")), "\"a\\nb\"");
        assert_eq!(describe(&json("null")), "null");
        assert_eq!(describe(&json("[1]")), "an array");
        assert_eq!(describe(&json("{}")), "an object");
        assert_eq!(describe(&Value::UNDEFINED), "nothing");
        let long = format!("\"{}\"", "x".repeat(100));
        assert!(describe(&json(&long)).ends_with('…'));
    }

    #[test]
    fn unprintable_names() {
        for name in ["web", "k8s-test", "café", "名前", "a b", "emoji 🚀"] {
            assert_eq!(unprintable(name), None, "{name}");
        }
        for (name, c) in [
            ("a\u{1b}]0;x\u{7}", '\u{1b}'),
            ("tab\there", '\t'),
            ("nl\n", '\n'),
            ("nul\0", '\0'),
            ("del\u{7f}", '\u{7f}'),
            ("c1\u{9b}2J", '\u{9b}'),
            ("rtl\u{202e}gpj.exe", '\u{202e}'),
            ("iso\u{2066}x", '\u{2066}'),
            ("mark\u{200f}", '\u{200f}'),
        ] {
            assert_eq!(unprintable(name), Some(c), "{name:?}");
        }
        assert_eq!(
            unprintable_message('\u{1b}'),
            "must not contain control characters or bidirectional marks, found U+001B"
        );
    }

    #[test]
    fn key_paths() {
        assert_eq!(key_path("k8s-test"), "k8s-test");
        assert_eq!(key_path("my group"), "[\"my group\"]");
        assert_eq!(key_path(""), "[\"\"]");
    }
}
