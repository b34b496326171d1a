//! Reading a value tape: the binary form in which `js/tape.js` writes template variables.
//!
//! For a small manifest, `JSON.stringify` and reading its text back cost more than the render:
//! the JS layer writes what a template reads straight into bytes instead, and this reads them
//! without scanning for quotes, digits or whitespace. The writer walks the variables as
//! `JSON.stringify` does (`toJSON`, boxed primitives, own enumerable keys), so a tape reads as
//! exactly what [`super::from_json`] makes of `JSON.stringify` of the same variables.
//!
//! The format, little-endian throughout: one tag byte, then
//! - [`NULL`], [`FALSE`], [`TRUE`]: nothing;
//! - [`INT32`]: an `i32`; [`INT53`]: an `f64` holding an integer within ±2^53;
//! - [`FLOAT`]: any other finite `f64`, read as JSON reads the text JS writes for it (see
//!   [`float`]);
//! - [`STRING`]: a `u32` byte length, then that many bytes of UTF-8;
//! - [`ARRAY`]: a `u32` item count, then the items;
//! - [`OBJECT`]: a `u32` entry count, then per entry a key and its value. A key is a `u32`:
//!   - [`KEY_KNOWN`] plus a number: the key of that number in the [`TapeKeys`];
//!   - [`KEY_NEW`] plus a number, then a `u32` byte length and the UTF-8 bytes: a key the
//!     [`TapeKeys`] learn under that number (the next one, or one they know, which it replaces);
//!   - else a byte length and the UTF-8 bytes of a key left out of the [`TapeKeys`].
//!
//! Keys by number spare both sides the text of keys that every render repeats, and compare as
//! numbers where an object's keys are checked for repeats.
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
pub const FLOAT: u8 = 8;

/// The tags by the names `js/tape.js` writes them under (handed over by `tapeFormat()`).
pub const TAGS: [(&str, u8); 9] = [
    ("NULL", NULL),
    ("FALSE", FALSE),
    ("TRUE", TRUE),
    ("INT32", INT32),
    ("INT53", INT53),
    ("STRING", STRING),
    ("ARRAY", ARRAY),
    ("OBJECT", OBJECT),
    ("FLOAT", FLOAT),
];

/// The flag of a key given by its number in the [`TapeKeys`].
pub const KEY_KNOWN: u32 = 1 << 31;
/// The flag of a key the [`TapeKeys`] learn under the number that follows the flag.
pub const KEY_NEW: u32 = 1 << 30;
/// The most keys [`TapeKeys`] learn (the writer stops giving numbers long before).
const MAX_KEYS: usize = 1 << 16;
/// Objects up to this many entries check their keys for repeats by number.
const SMALL_OBJECT: usize = 32;

/// The keys tapes name by number, kept from one tape to the next by whoever reads them.
#[derive(Debug, Default)]
pub struct TapeKeys(Vec<Value>);

/// The deepest nesting of arrays and objects read (the writer refuses deeper values itself).
pub const MAX_DEPTH: usize = 128;

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

/// The value `tape` holds, which must be all of it; the keys it names by number are in `keys`,
/// which learn the keys it brings.
pub fn from_tape(tape: &[u8], keys: &mut TapeKeys) -> Result<Value, TapeError> {
    let mut reader = Reader { tape, at: 0, keys };
    let value = reader.value(0)?;
    if reader.at != tape.len() {
        return Err(reader.error());
    }
    Ok(value)
}

struct Reader<'a> {
    tape: &'a [u8],
    at: usize,
    keys: &'a mut TapeKeys,
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
            FLOAT => {
                let number = f64::from_le_bytes(self.bytes()?);
                if !number.is_finite() {
                    return Err(self.error());
                }
                float(number)
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
        // The number of each entry's key, while every key so far has one and they are few.
        let mut numbers = [0u32; SMALL_OBJECT];
        let mut by_number = true;
        for _ in 0..count {
            let (key, number) = self.key()?;
            let value = self.value(depth)?;
            let held = object.entries.len();
            match number {
                Some(number) if by_number && held < SMALL_OBJECT => {
                    let repeated = numbers[..held].iter().position(|&n| n == number);
                    match repeated.and_then(|at| object.entries.get_mut(at)) {
                        Some(entry) => entry.1 = value,
                        None => {
                            numbers[held] = number;
                            object.entries.push((key, value));
                        }
                    }
                }
                _ => {
                    by_number = false;
                    object.insert_read(key, value);
                }
            }
        }
        Ok(Value::from_object(object))
    }

    /// An object's key, and its number in the [`TapeKeys`] when it has one.
    fn key(&mut self) -> Result<(Value, Option<u32>), TapeError> {
        let start = self.at;
        let word = u32::from_le_bytes(self.bytes()?);
        let number = word & !(KEY_KNOWN | KEY_NEW);
        let at = number as usize;
        if word & KEY_KNOWN != 0 {
            let known = self.keys.0.get(at).filter(|_| word & KEY_NEW == 0);
            return known
                .map(|key| (key.clone(), Some(number)))
                .ok_or(TapeError { offset: start });
        }
        if word & KEY_NEW == 0 {
            return Ok((Value::from(self.text_of(word as usize)?), None));
        }
        if at > self.keys.0.len() || at >= MAX_KEYS {
            return Err(TapeError { offset: start });
        }
        let key = Value::from(self.text()?);
        match self.keys.0.get_mut(at) {
            Some(known) => *known = key.clone(),
            None => self.keys.0.push(key.clone()),
        }
        Ok((key, Some(number)))
    }
}

/// A JS number as JSON reads the text `JSON.stringify` writes for it. JS writes a whole number
/// below 1e21 without an exponent, which JSON reads as an integer (`u64`, or `i64` when negative)
/// while it fits one, and anything else (`0.5`, `1e+21`) as a float.
fn float(number: f64) -> Value {
    if number.fract() == 0.0 && number.abs() < 1e21 {
        let text = js_integer_text(number);
        if let Ok(n) = text.parse::<u64>() {
            return Value::from(n);
        }
        if let Ok(n) = text.parse::<i64>() {
            return Value::from(n);
        }
    }
    Value::from(number)
}

/// The text JS writes for a whole number below 1e21: the fewest digits that read back as it, then
/// zeros (2^60 is `1152921504606847000`). Rust's `{:e}` gives those digits, as JS picks them.
fn js_integer_text(number: f64) -> String {
    let shortest = format!("{:e}", number.abs());
    let (mantissa, exponent) = shortest.split_once('e').unwrap_or((&shortest, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let zeros = exponent
        .parse::<usize>()
        .unwrap_or(0)
        .saturating_add(1)
        .saturating_sub(digits.len());
    let sign = if number < 0.0 { "-" } else { "" };
    format!("{sign}{digits}{}", "0".repeat(zeros))
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
        fn float(self, n: f64) -> Self {
            let mut tape = self.tag(FLOAT);
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
        fn known(self, number: u32) -> Self {
            self.u32(KEY_KNOWN | number)
        }
        fn new_key(self, number: u32, key: &str) -> Self {
            self.u32(KEY_NEW | number).text(key)
        }
    }

    fn assert_reads_as_json(tape: Tape, json: &str) {
        let read = from_tape(&tape.0, &mut TapeKeys::default()).expect("a valid tape");
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
            .new_key(0, "name")
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
    fn keys_are_learnt_and_then_named_by_number_from_tape_to_tape() {
        let mut keys = TapeKeys::default();
        let first = Tape::default()
            .tag(ARRAY)
            .u32(2)
            .tag(OBJECT)
            .u32(2)
            .new_key(0, "name")
            .string("http")
            .new_key(1, "port")
            .int(80)
            .tag(OBJECT)
            .u32(2)
            .known(0)
            .string("https")
            .known(1)
            .int(443);
        let expected = r#"[{"name": "http", "port": 80}, {"name": "https", "port": 443}]"#;
        let read = from_tape(&first.0, &mut keys).expect("valid");
        assert_eq!(read, super::super::from_json(expected).expect("valid"));
        let second = Tape::default()
            .tag(OBJECT)
            .u32(3)
            .known(1)
            .int(8080)
            .text("inline")
            .tag(TRUE)
            .new_key(0, "replaced")
            .tag(NULL);
        let read = from_tape(&second.0, &mut keys).expect("valid");
        let expected = r#"{"port": 8080, "inline": true, "replaced": null}"#;
        assert_eq!(read, super::super::from_json(expected).expect("valid"));
        assert_eq!(
            read.to_string(),
            super::super::from_json(expected)
                .expect("valid")
                .to_string()
        );
        for (tape, offset) in [
            (Tape::default().tag(OBJECT).u32(1).known(2).tag(NULL), 5),
            (
                Tape::default()
                    .tag(OBJECT)
                    .u32(1)
                    .new_key(3, "gap")
                    .tag(NULL),
                5,
            ),
            (
                Tape::default()
                    .tag(OBJECT)
                    .u32(1)
                    .u32(KEY_KNOWN | KEY_NEW)
                    .tag(NULL),
                5,
            ),
        ] {
            assert_eq!(from_tape(&tape.0, &mut keys), Err(TapeError { offset }));
        }
    }

    #[test]
    fn a_repeated_key_keeps_its_first_place_and_takes_the_last_value() {
        let mut keys = TapeKeys::default();
        let tape = Tape::default()
            .tag(OBJECT)
            .u32(4)
            .new_key(0, "a")
            .int(1)
            .new_key(1, "b")
            .int(2)
            .known(0)
            .int(3)
            .text("b")
            .int(4);
        let read = from_tape(&tape.0, &mut keys).expect("valid");
        let expected =
            super::super::from_json(r#"{"a": 1, "b": 2, "a": 3, "b": 4}"#).expect("valid");
        assert_eq!(read.to_string(), expected.to_string());
        assert_eq!(read.len(), Some(2));
    }

    #[test]
    fn integers_take_the_kind_their_json_text_reads_as() {
        for (n, json) in [(0, "0"), (7, "7"), (-7, "-7"), (i32::MIN, "-2147483648")] {
            let read =
                from_tape(&Tape::default().int(n).0, &mut TapeKeys::default()).expect("valid");
            let expected = super::super::from_json(json).expect("valid");
            assert_eq!(format!("{read:?}"), format!("{expected:?}"));
            assert_eq!(read.is_integer(), expected.is_integer());
        }
        let big = from_tape(
            &Tape::default().int53(-4_000_000_000.0).0,
            &mut TapeKeys::default(),
        )
        .expect("valid");
        assert_eq!(big, super::super::from_json("-4000000000").expect("valid"));
    }

    /// `(number, JSON.stringify(number))` as JS writes them.
    #[test]
    fn floats_read_as_the_json_text_js_writes_for_them() {
        for (n, json) in [
            (0.5, "0.5"),
            (-0.0, "0"),
            (1e-7, "1e-7"),
            (123.456, "123.456"),
            (9_007_199_254_740_992.0, "9007199254740992"),
            (-9_007_199_254_740_992.0, "-9007199254740992"),
            (1.152_921_504_606_847e18, "1152921504606847000"),
            (1.8446744073709552e19, "18446744073709552000"),
            (-9.223372036854776e18, "-9223372036854776000"),
            (1.2345678901234567e19, "12345678901234567000"),
            (-1.2345678901234567e18, "-1234567890123456800"),
            (-1e19, "-10000000000000000000"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (-1.7976931348623157e308, "-1.7976931348623157e+308"),
            (5e-324, "5e-324"),
        ] {
            assert_reads_as_json(Tape::default().float(n), json);
        }
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
            (Tape::default().float(f64::NAN).0, 9),
            (Tape::default().float(f64::INFINITY).0, 9),
        ];
        for (tape, offset) in cases {
            assert_eq!(
                from_tape(&tape, &mut TapeKeys::default()),
                Err(TapeError { offset }),
                "{tape:?}"
            );
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
        assert!(from_tape(&deep, &mut TapeKeys::default()).is_err());
        let mut fine = Vec::new();
        for _ in 0..MAX_DEPTH {
            fine.push(ARRAY);
            fine.extend_from_slice(&1u32.to_le_bytes());
        }
        fine.push(NULL);
        assert!(from_tape(&fine, &mut TapeKeys::default()).is_ok());
    }
}
