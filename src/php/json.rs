//! `json_encode` as PHP writes it: escaped slashes and `\uXXXX` for non-ASCII by default, floats
//! with `serialize_precision=-1`, lists as arrays and every other array as an object.

use std::fmt::Write;

use minijinja::Error;
use minijinja::value::Value;

use super::arith::numeric_value;
use super::array::{entries, is_list};
use super::budget;
use super::number::Num;
use super::value::{Php, float_to_repr, view};

pub(crate) const HEX_TAG: i64 = 1;
pub(crate) const HEX_AMP: i64 = 2;
pub(crate) const HEX_APOS: i64 = 4;
pub(crate) const HEX_QUOT: i64 = 8;
pub(crate) const FORCE_OBJECT: i64 = 16;
pub(crate) const NUMERIC_CHECK: i64 = 32;
pub(crate) const UNESCAPED_SLASHES: i64 = 64;
pub(crate) const PRETTY_PRINT: i64 = 128;
pub(crate) const UNESCAPED_UNICODE: i64 = 256;
pub(crate) const PARTIAL_OUTPUT_ON_ERROR: i64 = 512;
pub(crate) const PRESERVE_ZERO_FRACTION: i64 = 1024;
pub(crate) const UNESCAPED_LINE_TERMINATORS: i64 = 2048;
pub(crate) const THROW_ON_ERROR: i64 = 4_194_304;

/// Blade's `@json` default: `JSON_HEX_TAG | JSON_HEX_APOS | JSON_HEX_AMP | JSON_HEX_QUOT`.
pub(crate) const BLADE_DEFAULT_FLAGS: i64 = HEX_TAG | HEX_AMP | HEX_APOS | HEX_QUOT;

/// Why PHP's encoder gave up (`json_last_error_msg()`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum JsonError {
    InfOrNan,
    Depth,
    Unsupported,
    /// Past the 16 MiB cap: not PHP's, ours (an error, not `false`).
    TooLong,
}

impl JsonError {
    pub(crate) fn message(self) -> &'static str {
        match self {
            JsonError::InfOrNan => "Inf and NaN cannot be JSON encoded",
            JsonError::Depth => "Maximum stack depth exceeded",
            JsonError::Unsupported => "Type is not supported",
            JsonError::TooLong => "json_encode(): the result would exceed the 16 MiB string limit",
        }
    }
}

struct Encoder {
    flags: i64,
    max_depth: usize,
    out: String,
    /// How much of `out` has been charged to the render's memory budget.
    charged: usize,
    /// The first error, when `JSON_PARTIAL_OUTPUT_ON_ERROR` lets encoding continue.
    error: Option<JsonError>,
    /// The render's budget ran out: encoding stops, and this is the call's error.
    limit: Option<Error>,
}

/// `json_encode($value, $flags, $depth)`: the text, or the error that makes PHP return false;
/// the outer error when the render's budget runs out first.
pub(crate) fn encode(
    value: &Value,
    flags: i64,
    max_depth: usize,
) -> Result<Result<String, JsonError>, Error> {
    let mut encoder = Encoder {
        flags,
        max_depth,
        out: String::new(),
        charged: 0,
        error: None,
        limit: None,
    };
    encoder.value(value, 0);
    encoder.charge();
    if let Some(limit) = encoder.limit {
        return Err(limit);
    }
    if encoder.out.len() > super::strings::MAX_STRING_LEN {
        return Ok(Err(JsonError::TooLong));
    }
    Ok(match encoder.error {
        Some(e) if flags & PARTIAL_OUTPUT_ON_ERROR == 0 => Err(e),
        _ => Ok(encoder.out),
    })
}

impl Encoder {
    fn has(&self, flag: i64) -> bool {
        self.flags & flag != 0
    }

    fn fail(&mut self, error: JsonError) {
        self.error.get_or_insert(error);
    }

    /// Charges what the text grew by since the last charge: its memory, and the work.
    fn charge(&mut self) {
        if self.limit.is_some() {
            return;
        }
        let grown = self.out.len() - self.charged;
        self.charged = self.out.len();
        if let Err(e) = budget::string(grown) {
            self.limit = Some(e);
        }
    }

    fn value(&mut self, value: &Value, depth: usize) {
        match view(value) {
            Php::Undefined | Php::Null => self.out.push_str("null"),
            Php::Bool(b) => self.out.push_str(if b { "true" } else { "false" }),
            Php::Int(i) => {
                let _ = write!(self.out, "{i}");
            }
            Php::Float(f) => self.float(f),
            Php::Str(s) => {
                if self.has(NUMERIC_CHECK) {
                    match numeric_value(value) {
                        Some(Num::Int(i)) => {
                            let _ = write!(self.out, "{i}");
                            return;
                        }
                        Some(Num::Float(f)) => return self.float(f),
                        None => {}
                    }
                }
                self.string(s)
            }
            Php::Array => self.array(value, depth),
            Php::Other if super::value::std_class(value).is_some() => {
                // An object's properties, as a map (their names are never numeric).
                let mut properties = super::array::ArrayBuilder::new();
                for (name, v) in super::value::std_class(value)
                    .map(|o| o.properties.as_slice())
                    .unwrap_or_default()
                {
                    let name =
                        super::array::Key::Str(name.as_str().unwrap_or("").to_string().into());
                    if let Err(e) = properties.insert(name, v.clone()) {
                        self.limit.get_or_insert(e);
                        return;
                    }
                }
                self.array(&properties.build(), depth);
            }
            Php::Other => {
                self.fail(JsonError::Unsupported);
                self.out.push_str("null");
            }
        }
    }

    fn float(&mut self, f: f64) {
        if !f.is_finite() {
            self.fail(JsonError::InfOrNan);
            self.out.push('0');
            return;
        }
        let text = float_to_repr(f);
        let integral = !text.contains(['.', 'e']);
        self.out.push_str(&text);
        if integral && self.has(PRESERVE_ZERO_FRACTION) {
            self.out.push_str(".0");
        }
    }

    fn string(&mut self, s: &str) {
        self.out.reserve(s.len() + 2);
        self.out.push('"');
        for c in s.chars() {
            match c {
                '"' if self.has(HEX_QUOT) => self.out.push_str("\\u0022"),
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '/' if !self.has(UNESCAPED_SLASHES) => self.out.push_str("\\/"),
                '\u{8}' => self.out.push_str("\\b"),
                '\u{c}' => self.out.push_str("\\f"),
                '\n' => self.out.push_str("\\n"),
                '\r' => self.out.push_str("\\r"),
                '\t' => self.out.push_str("\\t"),
                '<' if self.has(HEX_TAG) => self.out.push_str("\\u003C"),
                '>' if self.has(HEX_TAG) => self.out.push_str("\\u003E"),
                '&' if self.has(HEX_AMP) => self.out.push_str("\\u0026"),
                '\'' if self.has(HEX_APOS) => self.out.push_str("\\u0027"),
                c if (c as u32) < 0x20 => {
                    let _ = write!(self.out, "\\u{:04x}", c as u32);
                }
                '\u{2028}' | '\u{2029}'
                    if !(self.has(UNESCAPED_UNICODE) && self.has(UNESCAPED_LINE_TERMINATORS)) =>
                {
                    let _ = write!(self.out, "\\u{:04x}", c as u32);
                }
                c if c.is_ascii() || self.has(UNESCAPED_UNICODE) => self.out.push(c),
                c => {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        let _ = write!(self.out, "\\u{unit:04x}");
                    }
                }
            }
        }
        self.out.push('"');
    }

    fn newline(&mut self, depth: usize) {
        if self.has(PRETTY_PRINT) {
            self.out.push('\n');
            for _ in 0..depth {
                self.out.push_str("    ");
            }
        }
    }

    fn array(&mut self, value: &Value, depth: usize) {
        // PHP records the depth error; with JSON_PARTIAL_OUTPUT_ON_ERROR it encodes on.
        if depth >= self.max_depth {
            self.fail(JsonError::Depth);
            if !self.has(PARTIAL_OUTPUT_ON_ERROR) {
                self.out.push_str("null");
                return;
            }
        }
        // Values deeper than the render allows come only from minijinja's own list literals (the
        // Jinja dialect); the encoder recurses once per level, so it stops there.
        if depth >= budget::max_depth() {
            self.limit
                .get_or_insert_with(|| budget::too_deep("the value"));
            return;
        }
        if let Err(e) = budget::visit(super::array::len(value)) {
            self.limit.get_or_insert(e);
            return;
        }
        let as_list = !self.has(FORCE_OBJECT) && is_list(value);
        let (open, close) = if as_list { ('[', ']') } else { ('{', '}') };
        self.out.push(open);
        let mut empty = true;
        for (key, item) in entries(value) {
            self.charge();
            if self.out.len() > super::strings::MAX_STRING_LEN || self.limit.is_some() {
                break;
            }
            if !empty {
                self.out.push(',');
            }
            empty = false;
            self.newline(depth + 1);
            if !as_list {
                match key {
                    super::array::Key::Int(i) => {
                        let _ = write!(self.out, "\"{i}\"");
                    }
                    super::array::Key::Str(s) => self.string(&s),
                }
                self.out.push(':');
                if self.has(PRETTY_PRINT) {
                    self.out.push(' ');
                }
            }
            self.value(&item, depth + 1);
        }
        if !empty {
            self.newline(depth);
        }
        self.out.push(close);
    }
}

/// Why `json_decode` failed, with `json_last_error_msg()`'s words.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum DecodeError {
    Syntax,
    Depth,
    ControlCharacter,
    UnpairedSurrogate,
    /// An object where the template did not ask for arrays: ours, since templates have no
    /// `stdClass`.
    Object,
}

impl DecodeError {
    pub(crate) fn message(self) -> &'static str {
        match self {
            DecodeError::Syntax => "Syntax error",
            DecodeError::Depth => "Maximum stack depth exceeded",
            DecodeError::ControlCharacter => {
                "Control character error, possibly incorrectly encoded"
            }
            DecodeError::UnpairedSurrogate => "Single unpaired UTF-16 surrogate in unicode escape",
            DecodeError::Object => {
                "json_decode(): objects are not supported in templates, pass true as argument #2 ($associative)"
            }
        }
    }
}

const MAX_DECODE_DEPTH: usize = 512;

/// `json_decode($text, $objects_as_arrays, $max_depth)`; the outer error when the render's
/// budget runs out first.
pub(crate) fn decode(
    text: &str,
    objects_as_arrays: bool,
    max_depth: usize,
    bigint_as_string: bool,
) -> Result<Result<Value, DecodeError>, Error> {
    let mut parser = Decoder {
        bytes: text.as_bytes(),
        at: 0,
        objects_as_arrays,
        bigint_as_string,
        // PHP's parser keeps its own stack; ours is the call stack (1 MiB in wasm), so nesting
        // stops at PHP's default depth, 512, whatever depth the template allows.
        max_depth: max_depth.min(MAX_DECODE_DEPTH),
        limit: None,
    };
    parser.skip_space();
    let value = parser.value(0);
    if let Some(limit) = parser.limit {
        return Err(limit);
    }
    let Ok(value) = value else {
        return Ok(value);
    };
    parser.skip_space();
    if parser.at != parser.bytes.len() {
        return Ok(Err(DecodeError::Syntax));
    }
    Ok(Ok(value))
}

struct Decoder<'a> {
    bytes: &'a [u8],
    at: usize,
    objects_as_arrays: bool,
    /// `JSON_BIGINT_AS_STRING`: an integer beyond PHP's is its digits, not a float.
    bigint_as_string: bool,
    max_depth: usize,
    /// The render's budget ran out: decoding stops, and this is the call's error.
    limit: Option<Error>,
}

impl Decoder<'_> {
    /// Charges what the next value costs; a syntax error stops the decoding, and the stored
    /// error replaces it.
    fn charge(&mut self, charged: Result<(), Error>) -> Result<(), DecodeError> {
        charged.map_err(|e| {
            self.limit.get_or_insert(e);
            DecodeError::Syntax
        })
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn expect(&mut self, word: &[u8]) -> Result<(), DecodeError> {
        if self.bytes.get(self.at..self.at + word.len()) == Some(word) {
            self.at += word.len();
            Ok(())
        } else {
            Err(DecodeError::Syntax)
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, DecodeError> {
        match self.peek() {
            Some(b'n') => self.expect(b"null").map(|_| Value::from(())),
            Some(b't') => self.expect(b"true").map(|_| Value::from(true)),
            Some(b'f') => self.expect(b"false").map(|_| Value::from(false)),
            Some(b'"') => {
                let s = self.string()?;
                self.charge(budget::memory(s.len() as u64))?;
                Ok(Value::from(s))
            }
            Some(b'[') => self.array(depth + 1),
            Some(b'{') => self.object(depth + 1),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(DecodeError::Syntax),
        }
    }

    fn number(&mut self) -> Result<Value, DecodeError> {
        let start = self.at;
        let digits = |d: &mut Self| {
            let from = d.at;
            while matches!(d.peek(), Some(b'0'..=b'9')) {
                d.at += 1;
            }
            d.at - from
        };
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let int_start = self.at;
        let int_digits = digits(self);
        if int_digits == 0 || (int_digits > 1 && self.bytes.get(int_start) == Some(&b'0')) {
            return Err(DecodeError::Syntax);
        }
        let mut is_float = false;
        if self.peek() == Some(b'.') {
            self.at += 1;
            if digits(self) == 0 {
                return Err(DecodeError::Syntax);
            }
            is_float = true;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if digits(self) == 0 {
                return Err(DecodeError::Syntax);
            }
            is_float = true;
        }
        let text = std::str::from_utf8(self.bytes.get(start..self.at).unwrap_or_default())
            .map_err(|_| DecodeError::Syntax)?;
        if !is_float {
            if let Ok(int) = text.parse::<i64>() {
                return Ok(Value::from(int));
            }
            if self.bigint_as_string {
                return Ok(Value::from(text));
            }
        }
        // Integers beyond i64 become floats, as PHP decodes them without JSON_BIGINT_AS_STRING.
        text.parse::<f64>()
            .map(Value::from)
            .map_err(|_| DecodeError::Syntax)
    }

    fn hex4(&mut self) -> Result<u32, DecodeError> {
        let digits = self
            .bytes
            .get(self.at..self.at + 4)
            .ok_or(DecodeError::Syntax)?;
        let text = std::str::from_utf8(digits).map_err(|_| DecodeError::Syntax)?;
        let unit = u32::from_str_radix(text, 16).map_err(|_| DecodeError::Syntax)?;
        if !digits.iter().all(u8::is_ascii_hexdigit) {
            return Err(DecodeError::Syntax);
        }
        self.at += 4;
        Ok(unit)
    }

    fn string(&mut self) -> Result<String, DecodeError> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let start = self.at;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
            let run = self.bytes.get(start..self.at).unwrap_or_default();
            out.push_str(std::str::from_utf8(run).map_err(|_| DecodeError::Syntax)?);
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    let escape = self.peek().ok_or(DecodeError::Syntax)?;
                    self.at += 1;
                    match escape {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let unit = self.hex4()?;
                            let code = if (0xd800..0xdc00).contains(&unit) {
                                if self.bytes.get(self.at..self.at + 2) != Some(b"\\u") {
                                    return Err(DecodeError::UnpairedSurrogate);
                                }
                                self.at += 2;
                                let low = self.hex4()?;
                                if !(0xdc00..0xe000).contains(&low) {
                                    return Err(DecodeError::UnpairedSurrogate);
                                }
                                0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00)
                            } else if (0xdc00..0xe000).contains(&unit) {
                                return Err(DecodeError::UnpairedSurrogate);
                            } else {
                                unit
                            };
                            out.push(char::from_u32(code).ok_or(DecodeError::Syntax)?);
                        }
                        _ => return Err(DecodeError::Syntax),
                    }
                }
                Some(_) => return Err(DecodeError::ControlCharacter),
                None => return Err(DecodeError::Syntax),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, DecodeError> {
        // PHP's decoder needs one level more than the nesting (`json_decode("[1]", true, 1)`
        // fails), unlike its encoder.
        if depth >= self.max_depth {
            return Err(DecodeError::Depth);
        }
        if depth > budget::max_depth() {
            self.charge(Err(budget::too_deep("the decoded value")))?;
        }
        self.at += 1;
        let mut items = Vec::new();
        self.skip_space();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Value::from(items));
        }
        loop {
            self.skip_space();
            self.charge(budget::list(1))?;
            items.push(self.value(depth)?);
            self.skip_space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Value::from(items));
                }
                _ => return Err(DecodeError::Syntax),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, DecodeError> {
        // PHP's decoder needs one level more than the nesting (`json_decode("[1]", true, 1)`
        // fails), unlike its encoder.
        if depth >= self.max_depth {
            return Err(DecodeError::Depth);
        }
        if depth > budget::max_depth() {
            self.charge(Err(budget::too_deep("the decoded value")))?;
        }
        self.at += 1;
        let mut builder = super::array::ArrayBuilder::new();
        self.skip_space();
        if self.peek() == Some(b'}') {
            self.at += 1;
        } else {
            loop {
                self.skip_space();
                if self.peek() != Some(b'"') {
                    return Err(DecodeError::Syntax);
                }
                let key = self.string()?;
                self.skip_space();
                self.expect(b":")?;
                self.skip_space();
                let value = self.value(depth)?;
                let key = super::array::key_from_str(&key).into_owned();
                self.charge(builder.insert(key, value))?;
                self.skip_space();
                match self.peek() {
                    Some(b',') => self.at += 1,
                    Some(b'}') => {
                        self.at += 1;
                        break;
                    }
                    _ => return Err(DecodeError::Syntax),
                }
            }
        }
        if !self.objects_as_arrays {
            return Err(DecodeError::Object);
        }
        Ok(builder.build())
    }
}
