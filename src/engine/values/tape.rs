//! Reading a value tape: the binary form in which `js/tape.js` writes template variables.
//!
//! For a small manifest, `JSON.stringify` and reading its text back cost more than the render:
//! the JS layer writes what a template reads straight into bytes instead, and this reads them
//! without scanning for quotes, digits or whitespace. The writer only writes values whose JSON
//! reading is certain (plain objects and arrays, strings, integers, booleans, null) and leaves
//! everything else to JSON, so a tape reads as exactly what [`super::from_json`] makes of
//! `JSON.stringify` of the same variables.
//!
//! The format, little-endian throughout: one tag byte, then
//! - [`NULL`], [`FALSE`], [`TRUE`]: nothing;
//! - [`INT32`]: an `i32`; [`INT53`]: an `f64` holding an integer within ±2^53;
//! - [`STRING`]: a `u32` byte length, then that many bytes of UTF-8;
//! - [`ARRAY`]: a `u32` item count, then the items;
//! - [`OBJECT`]: a `u32` entry count, then per entry a key and its value. A key is a `u32` byte
//!   length and its UTF-8 bytes, or, for a key the tape has already spelled out, [`KEY_SEEN`]
//!   plus its number among the keys spelled out so far (objects in a list repeat their keys).
//!
//! A tape that breaks the format is an error, never a panic: the bytes come from JS.

use minijinja::Value;

use super::JsonObject;

pub const NULL: u8 = 0;
pub const FALSE: u8 = 1;
pub const TRUE: u8 = 2;
pub const INT32: u8 = 3;
pub const INT53: u8 = 4;
pub const STRING: u8 = 5;
pub const ARRAY: u8 = 6;
pub const OBJECT: u8 = 7;

/// The flag of a key given by number rather than spelled out.
pub const KEY_SEEN: u32 = 1 << 31;

/// Deeper nesting than the writer ever writes (it leaves that to JSON, which refuses it).
const MAX_DEPTH: usize = 128;

/// The largest integer a JS number holds exactly: the writer's `Number.isSafeInteger`.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// Why a tape could not be read: the byte offset where it broke the format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TapeError {
    pub offset: usize,
}

impl std::fmt::Display for TapeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "malformed value tape at byte {}", self.offset)
    }
}

impl std::error::Error for TapeError {}

/// The value `tape` holds, which must be all of it.
pub fn from_tape(tape: &[u8]) -> Result<Value, TapeError> {
    let mut reader = Reader {
        tape,
        at: 0,
        keys: Vec::new(),
    };
    let value = reader.value(0)?;
    if reader.at != tape.len() {
        return Err(reader.error());
    }
    Ok(value)
}

struct Reader<'a> {
    tape: &'a [u8],
    at: usize,
    /// The keys spelled out so far, by number.
    keys: Vec<Value>,
}

impl<'a> Reader<'a> {
    fn error(&self) -> TapeError {
        TapeError { offset: self.at }
    }

    fn bytes<const N: usize>(&mut self) -> Result<[u8; N], TapeError> {
        let bytes = self
            .tape
            .get(self.at..self.at + N)
            .and_then(|b| <[u8; N]>::try_from(b).ok())
            .ok_or_else(|| self.error())?;
        self.at += N;
        Ok(bytes)
    }

    fn length(&mut self) -> Result<usize, TapeError> {
        Ok(u32::from_le_bytes(self.bytes()?) as usize)
    }

    fn text(&mut self) -> Result<&'a str, TapeError> {
        let length = self.length()?;
        self.text_of(length)
    }

    fn text_of(&mut self, length: usize) -> Result<&'a str, TapeError> {
        let bytes = self
            .tape
            .get(self.at..self.at.saturating_add(length))
            .ok_or_else(|| self.error())?;
        let text = std::str::from_utf8(bytes).map_err(|_| self.error())?;
        self.at += length;
        Ok(text)
    }

    fn value(&mut self, depth: usize) -> Result<Value, TapeError> {
        let [tag] = self.bytes()?;
        Ok(match tag {
            NULL => Value::from(()),
            FALSE => Value::from(false),
            TRUE => Value::from(true),
            INT32 => integer(i64::from(i32::from_le_bytes(self.bytes()?))),
            INT53 => {
                let number = f64::from_le_bytes(self.bytes()?);
                if number.fract() != 0.0 || number.abs() > MAX_SAFE_INTEGER {
                    return Err(self.error());
                }
                integer(number as i64)
            }
            STRING => Value::from(self.text()?),
            ARRAY if depth < MAX_DEPTH => self.array(depth + 1)?,
            OBJECT if depth < MAX_DEPTH => self.object(depth + 1)?,
            _ => {
                self.at -= 1;
                return Err(self.error());
            }
        })
    }

    /// Room for `count` entries, but never more than the rest of the tape could fill: the count
    /// comes from JS.
    fn capacity(&self, count: usize) -> usize {
        count.min(self.tape.len() - self.at)
    }

    fn array(&mut self, depth: usize) -> Result<Value, TapeError> {
        let count = self.length()?;
        let mut items = Vec::with_capacity(self.capacity(count));
        for _ in 0..count {
            items.push(self.value(depth)?);
        }
        Ok(Value::from(items))
    }

    fn object(&mut self, depth: usize) -> Result<Value, TapeError> {
        let count = self.length()?;
        let mut object = JsonObject {
            entries: Vec::with_capacity(self.capacity(count)),
            index: None,
        };
        for _ in 0..count {
            let key = self.key()?;
            let value = self.value(depth)?;
            object.insert_read(key, value);
        }
        Ok(Value::from_object(object))
    }
}

impl Reader<'_> {
    fn key(&mut self) -> Result<Value, TapeError> {
        let start = self.at;
        let length = u32::from_le_bytes(self.bytes()?);
        if length & KEY_SEEN == 0 {
            let key = Value::from(self.text_of(length as usize)?);
            self.keys.push(key.clone());
            return Ok(key);
        }
        let seen = self.keys.get((length & !KEY_SEEN) as usize).cloned();
        seen.ok_or(TapeError { offset: start })
    }
}

/// An integer as reading its JSON text makes it: `u64` when not negative, `i64` when negative.
fn integer(n: i64) -> Value {
    match u64::try_from(n) {
        Ok(n) => Value::from(n),
        Err(_) => Value::from(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tape writer for tests: what `js/tape.js` writes.
    #[derive(Default)]
    struct Tape(Vec<u8>);

    impl Tape {
        fn tag(mut self, tag: u8) -> Self {
            self.0.push(tag);
            self
        }
        fn u32(mut self, n: u32) -> Self {
            self.0.extend_from_slice(&n.to_le_bytes());
            self
        }
        fn int(self, n: i32) -> Self {
            let mut tape = self.tag(INT32);
            tape.0.extend_from_slice(&n.to_le_bytes());
            tape
        }
        fn int53(self, n: f64) -> Self {
            let mut tape = self.tag(INT53);
            tape.0.extend_from_slice(&n.to_le_bytes());
            tape
        }
        fn text(self, text: &str) -> Self {
            let mut tape = self.u32(text.len() as u32);
            tape.0.extend_from_slice(text.as_bytes());
            tape
        }
        fn string(self, text: &str) -> Self {
            self.tag(STRING).text(text)
        }
        fn seen(self, key: u32) -> Self {
            self.u32(KEY_SEEN | key)
        }
    }

    fn assert_reads_as_json(tape: Tape, json: &str) {
        let read = from_tape(&tape.0).expect("a valid tape");
        let expected = super::super::from_json(json).expect("valid JSON");
        assert_eq!(read, expected, "{json}");
        assert_eq!(read.kind(), expected.kind(), "{json}");
        assert_eq!(read.to_string(), expected.to_string(), "{json}");
        assert_eq!(format!("{read:?}"), format!("{expected:?}"), "{json}");
    }

    #[test]
    fn reads_what_the_json_of_the_same_values_reads() {
        let tape = Tape::default()
            .tag(OBJECT)
            .u32(4)
            .text("name")
            .string("app-1 \"é\" \\ 😀")
            .text("ports")
            .tag(ARRAY)
            .u32(3)
            .int(80)
            .int(-1)
            .int53(9_007_199_254_740_991.0)
            .text("flags")
            .tag(ARRAY)
            .u32(3)
            .tag(TRUE)
            .tag(FALSE)
            .tag(NULL)
            .text("empty")
            .tag(OBJECT)
            .u32(0);
        assert_reads_as_json(
            tape,
            r#"{"name": "app-1 \"é\" \\ 😀", "ports": [80, -1, 9007199254740991], "flags": [true, false, null], "empty": {}}"#,
        );
    }

    #[test]
    fn keys_already_spelled_out_are_read_by_number() {
        let tape = Tape::default()
            .tag(ARRAY)
            .u32(3)
            .tag(OBJECT)
            .u32(2)
            .text("name")
            .string("http")
            .text("port")
            .int(80)
            .tag(OBJECT)
            .u32(2)
            .seen(0)
            .string("https")
            .seen(1)
            .int(443)
            .tag(OBJECT)
            .u32(1)
            .seen(1)
            .int(8080);
        assert_reads_as_json(
            tape,
            r#"[{"name": "http", "port": 80}, {"name": "https", "port": 443}, {"port": 8080}]"#,
        );
        let unknown = Tape::default().tag(OBJECT).u32(1).seen(0).tag(NULL);
        assert_eq!(from_tape(&unknown.0), Err(TapeError { offset: 5 }));
    }

    #[test]
    fn integers_take_the_kind_their_json_text_reads_as() {
        for (n, json) in [(0, "0"), (7, "7"), (-7, "-7"), (i32::MIN, "-2147483648")] {
            let read = from_tape(&Tape::default().int(n).0).expect("valid");
            let expected = super::super::from_json(json).expect("valid");
            assert_eq!(format!("{read:?}"), format!("{expected:?}"));
            assert_eq!(read.is_integer(), expected.is_integer());
        }
        let big = from_tape(&Tape::default().int53(-4_000_000_000.0).0).expect("valid");
        assert_eq!(big, super::super::from_json("-4000000000").expect("valid"));
    }

    #[test]
    fn a_tape_that_breaks_the_format_is_an_error_at_its_offset() {
        let cases: Vec<(Vec<u8>, usize)> = vec![
            (vec![], 0),
            (vec![99], 0),
            (vec![INT32, 1, 2], 1),
            (Tape::default().string("ok").tag(NULL).0, 7),
            (Tape::default().tag(STRING).u32(10).0, 5),
            (Tape::default().tag(STRING).u32(u32::MAX).0, 5),
            (Tape::default().tag(STRING).u32(1).tag(0xff).0, 5),
            (Tape::default().tag(ARRAY).u32(u32::MAX).0, 5),
            (Tape::default().tag(OBJECT).u32(1).text("k").0, 10),
            (Tape::default().int53(0.5).0, 9),
            (Tape::default().int53(f64::NAN).0, 9),
            (Tape::default().int53(1e300).0, 9),
        ];
        for (tape, offset) in cases {
            assert_eq!(from_tape(&tape), Err(TapeError { offset }), "{tape:?}");
        }
    }

    #[test]
    fn nesting_past_the_limit_is_an_error_not_a_stack_overflow() {
        let mut deep = Vec::new();
        for _ in 0..100_000 {
            deep.push(ARRAY);
            deep.extend_from_slice(&1u32.to_le_bytes());
        }
        deep.push(NULL);
        assert!(from_tape(&deep).is_err());
        let mut fine = Vec::new();
        for _ in 0..MAX_DEPTH {
            fine.push(ARRAY);
            fine.extend_from_slice(&1u32.to_le_bytes());
        }
        fine.push(NULL);
        assert!(from_tape(&fine).is_ok());
    }
}
