//! `json_encode` as PHP writes it: escaped slashes and `\uXXXX` for non-ASCII by default, floats
//! with `serialize_precision=-1`, lists as arrays and every other array as an object.

use std::fmt::Write;

use minijinja::value::Value;

use super::arith::numeric_value;
use super::array::{entries, is_list};
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
}

impl JsonError {
    pub(crate) fn message(self) -> &'static str {
        match self {
            JsonError::InfOrNan => "Inf and NaN cannot be JSON encoded",
            JsonError::Depth => "Maximum stack depth exceeded",
            JsonError::Unsupported => "Type is not supported",
        }
    }
}

struct Encoder {
    flags: i64,
    max_depth: usize,
    out: String,
    /// The first error, when `JSON_PARTIAL_OUTPUT_ON_ERROR` lets encoding continue.
    error: Option<JsonError>,
}

/// `json_encode($value, $flags, $depth)`: the text, or the error that makes PHP return false.
pub(crate) fn encode(value: &Value, flags: i64, max_depth: usize) -> Result<String, JsonError> {
    let mut encoder = Encoder {
        flags,
        max_depth,
        out: String::new(),
        error: None,
    };
    encoder.value(value, 0);
    match encoder.error {
        Some(e) if flags & PARTIAL_OUTPUT_ON_ERROR == 0 => Err(e),
        _ => Ok(encoder.out),
    }
}

impl Encoder {
    fn has(&self, flag: i64) -> bool {
        self.flags & flag != 0
    }

    fn fail(&mut self, error: JsonError) {
        self.error.get_or_insert(error);
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
        if depth >= self.max_depth {
            self.fail(JsonError::Depth);
            self.out.push_str("null");
            return;
        }
        let as_list = !self.has(FORCE_OBJECT) && is_list(value);
        let (open, close) = if as_list { ('[', ']') } else { ('{', '}') };
        self.out.push(open);
        let mut empty = true;
        for (key, item) in entries(value) {
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
