//! PHP expression source → tokens.

use super::{Failure, FailureKind};

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Var(String),
    Ident(String),
    Int(i64),
    Float(f64),
    /// A string literal: pieces of text and, for double quotes, interpolated expressions.
    Str(Vec<Piece>),
    /// A string literal without interpolation (most of them: array keys), kept out of a vector.
    Text(String),
    Op(&'static str),
    Eof,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    Text(String),
    /// Source range of an interpolated expression; `simple` marks `$var[key]`/`$var->p` syntax.
    Expr {
        start: usize,
        end: usize,
        simple: bool,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Spanned {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

/// The operator `rest` starts with: the longest, so that `===` wins over `==`. Grouped by first
/// byte, which is all a token needs to pick its group.
fn operator(rest: &[u8]) -> Option<&'static str> {
    let candidates: &[&'static str] = match rest.first()? {
        b'<' => &["<=>", "<<=", "<>", "<=", "<<", "<"],
        b'=' => &["===", "==", "=>", "="],
        b'!' => &["!==", "!=", "!"],
        b'*' => &["**=", "*=", "**", "*"],
        b'.' => &["...", ".=", "."],
        b'?' => &["??=", "??", "?:", "?->", "?"],
        b'>' => &[">>=", ">=", ">>", ">"],
        b'&' => &["&&", "&"],
        b'|' => &["||", "|"],
        b'+' => &["++", "+=", "+"],
        b'-' => &["--", "-=", "->", "-"],
        b'/' => &["/=", "/"],
        b'%' => &["%=", "%"],
        b':' => &["::", ":"],
        b'(' => &["("],
        b')' => &[")"],
        b'[' => &["["],
        b']' => &["]"],
        b',' => &[","],
        b';' => &[";"],
        b'^' => &["^"],
        b'~' => &["~"],
        b'@' => &["@"],
        b'{' => &["{"],
        b'}' => &["}"],
        b'#' => &["#"],
        b'\\' => &["\\"],
        _ => return None,
    };
    candidates
        .iter()
        .copied()
        .find(|op| rest.starts_with(op.as_bytes()))
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || !c.is_ascii()
}

/// [`is_ident_start`] for the first byte of a character.
fn is_ident_start_byte(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || !b.is_ascii()
}

pub struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    end: usize,
    /// Whether a `//` or `#` comment ran to the end of the range.
    open_line_comment: bool,
}

/// Whether the code in `start..end` ends inside a `//` or `#` comment. Blade writes `);` or
/// `):` after most PHP it compiles, on the same line, where such a comment swallows them.
pub fn ends_in_line_comment(src: &str, start: usize, end: usize) -> bool {
    if !src
        .as_bytes()
        .get(start..end)
        .is_some_and(|code| code.iter().any(|&b| b == b'/' || b == b'#'))
    {
        return false;
    }
    let mut lexer = Lexer::new(src, start, end);
    while lexer.pos < lexer.end {
        if lexer.next_token().is_err() {
            return false;
        }
    }
    lexer.open_line_comment
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str, start: usize, end: usize) -> Self {
        // A range that is not a slice of `src` reads as empty, so that the byte-wise lookahead
        // below may index without checking boundaries again.
        let end = if src.get(start..end).is_some() {
            end
        } else {
            start
        };
        Lexer {
            src,
            pos: start,
            end,
            open_line_comment: false,
        }
    }

    /// The byte `n` bytes ahead, inside the range.
    fn byte_at(&self, n: usize) -> Option<u8> {
        let at = self.pos + n;
        if at < self.end {
            self.src.as_bytes().get(at).copied()
        } else {
            None
        }
    }

    fn peek(&self) -> Option<char> {
        // Nearly all PHP source is ASCII: decode only what is not.
        match self.byte_at(0)? {
            b if b.is_ascii() => Some(char::from(b)),
            _ => self.rest().chars().next(),
        }
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        let ahead = self
            .src
            .as_bytes()
            .get(self.pos..(self.pos + n + 1).min(self.end))
            .unwrap_or(&[]);
        if ahead.len() == n + 1 && ahead.is_ascii() {
            return ahead.last().map(|&b| char::from(b));
        }
        self.rest().chars().nth(n)
    }

    fn rest(&self) -> &'a str {
        self.src.get(self.pos..self.end).unwrap_or("")
    }

    fn fail<T>(&self, message: impl Into<String>, start: usize) -> Result<T, Failure> {
        Err(Failure::new(
            FailureKind::Syntax,
            message,
            start,
            self.pos.max(start + 1),
        ))
    }

    pub fn tokenize(mut self) -> Result<Vec<Spanned>, Failure> {
        // Most expressions are a handful of tokens (`$data['name']` is five with the end).
        let mut out = Vec::with_capacity(8);
        loop {
            let token = self.next_token()?;
            let eof = matches!(token.tok, Tok::Eof);
            out.push(token);
            if eof {
                return Ok(out);
            }
        }
    }

    fn next_token(&mut self) -> Result<Spanned, Failure> {
        self.skip_trivia()?;
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Ok(Spanned {
                tok: Tok::Eof,
                start,
                end: start,
            });
        };
        let tok = if c == '$' && self.byte_at(1).is_some_and(is_ident_start_byte) {
            self.pos += 1;
            Tok::Var(self.ident())
        } else if is_ident_start(c) {
            Tok::Ident(self.ident())
        } else if c.is_ascii_digit()
            || (c == '.' && self.peek_at(1).is_some_and(|d| d.is_ascii_digit()))
        {
            self.number()?
        } else if c == '\'' {
            self.single_quoted()?
        } else if c == '"' {
            self.double_quoted()?
        } else if c == '`' {
            return Err(Failure::new(
                FailureKind::Sandbox,
                "backticks (shell commands) are not allowed",
                start,
                start + 1,
            ));
        } else if let Some(op) = operator(self.rest().as_bytes()) {
            self.pos += op.len();
            Tok::Op(op)
        } else if c == '$' {
            self.pos += 1;
            Tok::Op("$")
        } else {
            return self.fail(format!("syntax error, unexpected character '{c}'"), start);
        };
        Ok(Spanned {
            tok,
            start,
            end: self.pos,
        })
    }

    fn skip_trivia(&mut self) -> Result<(), Failure> {
        loop {
            // Nearly every token starts right away: no blank, comment or `#` before it.
            if self.byte_at(0).is_some_and(|b| {
                b.is_ascii()
                    && !matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b'/' | b'#')
            }) {
                return Ok(());
            }
            let rest = self.rest();
            // PHP's blanks are these four: a form feed or a no-break space is a character of
            // the code, which PHP cannot parse (or reads as part of a name).
            if let Some(c) = rest
                .chars()
                .next()
                .filter(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
            {
                self.pos += c.len_utf8();
            } else if rest.starts_with("//") || (rest.starts_with('#') && !rest.starts_with("#[")) {
                let skip = match rest.find('\n') {
                    Some(i) => i,
                    None => {
                        self.open_line_comment = true;
                        rest.len()
                    }
                };
                self.pos += skip;
            } else if rest.starts_with("/*") {
                match rest.get(2..).and_then(|r| r.find("*/")) {
                    Some(i) => self.pos += i + 4,
                    None => return self.fail("syntax error, unterminated comment", self.pos),
                }
            } else {
                return Ok(());
            }
        }
    }

    fn ident(&mut self) -> String {
        let start = self.pos;
        // `is_ident` by bytes: every byte of a non-ASCII character is at least 0x80, and the scan
        // stops only at an ASCII byte, so on a character boundary.
        let bytes = self.src.as_bytes().get(start..self.end).unwrap_or(&[]);
        self.pos += bytes
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80))
            .unwrap_or(bytes.len());
        self.src.get(start..self.pos).unwrap_or("").to_string()
    }

    /// A number as PHP's lexer reads it (longest match): `0x`/`0b`/`0o` need a digit after
    /// them, a `.` after digits always belongs to the number (`1.e3` is 1000.0; `1..2` and
    /// `1.'x'` are two tokens, which the parser refuses), and what follows is another token.
    fn number(&mut self) -> Result<Tok, Failure> {
        let start = self.pos;
        let prefixed = match (self.peek(), self.peek_at(1)) {
            (Some('0'), Some('x' | 'X')) => Some(16),
            (Some('0'), Some('b' | 'B')) => Some(2),
            (Some('0'), Some('o' | 'O')) => Some(8),
            _ => None,
        };
        if let Some(radix) = prefixed.filter(|&r| self.peek_at(2).is_some_and(|c| c.is_digit(r))) {
            self.pos += 2;
            let digits = self.take_digits(|c| c.is_digit(radix));
            return Ok(parse_int(&digits, radix));
        }
        let int_part = self.take_digits(|c| c.is_ascii_digit());
        let mut is_float = false;
        let mut text = int_part.clone();
        if self.peek() == Some('.')
            && (!int_part.is_empty() || self.peek_at(1).is_some_and(|c| c.is_ascii_digit()))
        {
            self.pos += 1;
            is_float = true;
            text.push('.');
            text.push_str(&self.take_digits(|c| c.is_ascii_digit()));
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            let sign = matches!(self.peek_at(1), Some('+' | '-'));
            let digit_at = if sign { 2 } else { 1 };
            if self.peek_at(digit_at).is_some_and(|c| c.is_ascii_digit()) {
                is_float = true;
                text.push('e');
                self.pos += 1;
                if sign {
                    text.push(self.peek().unwrap_or('+'));
                    self.pos += 1;
                }
                text.push_str(&self.take_digits(|c| c.is_ascii_digit()));
            }
        }
        if is_float {
            let text = if text.starts_with('.') {
                format!("0{text}")
            } else {
                text
            };
            let text = text.replace(".e", ".0e");
            let text = if text.ends_with('.') {
                format!("{text}0")
            } else {
                text
            };
            return text
                .parse::<f64>()
                .map(Tok::Float)
                .or_else(|_| self.fail("syntax error, bad number", start));
        }
        // PHP 8: a leading 0 means octal.
        if int_part.len() > 1 && int_part.starts_with('0') {
            if int_part.chars().any(|c| c > '7') {
                return self.fail("Invalid numeric literal", start);
            }
            return Ok(parse_int(&int_part, 8));
        }
        Ok(parse_int(&int_part, 10))
    }

    fn take_digits(&mut self, ok: impl Fn(char) -> bool) -> String {
        let mut s = String::new();
        while let Some(c) = self.peek() {
            if ok(c) {
                s.push(c);
            } else if c == '_' && self.peek_at(1).is_some_and(&ok) && !s.is_empty() {
                // digit separator
            } else {
                break;
            }
            self.pos += 1;
        }
        s
    }

    fn single_quoted(&mut self) -> Result<Tok, Failure> {
        let start = self.pos;
        self.pos += 1;
        // Without backslashes the text is the slice up to the closing quote.
        let body = self.rest();
        if let Some(close) = body.bytes().position(|b| b == b'\'' || b == b'\\') {
            if body.as_bytes().get(close) == Some(&b'\'') {
                self.pos += close + 1;
                let text = body.get(..close).unwrap_or("").to_string();
                return Ok(Tok::Text(text));
            }
        }
        let mut text = String::new();
        loop {
            match self.peek() {
                None => return self.fail("syntax error, unterminated string", start),
                Some('\'') => {
                    self.pos += 1;
                    return Ok(Tok::Text(text));
                }
                Some('\\') if matches!(self.peek_at(1), Some('\\' | '\'')) => {
                    text.push(self.peek_at(1).unwrap_or('\\'));
                    self.pos += 2;
                }
                Some(c) => {
                    text.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
    }

    fn double_quoted(&mut self) -> Result<Tok, Failure> {
        let start = self.pos;
        self.pos += 1;
        let mut pieces = Vec::new();
        let mut bytes: Vec<u8> = Vec::new();
        let flush =
            |bytes: &mut Vec<u8>, pieces: &mut Vec<Piece>, at: usize| -> Result<(), Failure> {
                if !bytes.is_empty() {
                    let text = String::from_utf8(std::mem::take(bytes)).map_err(|_| {
                        Failure::new(
                            FailureKind::Syntax,
                            "string escape produces invalid UTF-8",
                            at,
                            at + 1,
                        )
                    })?;
                    pieces.push(Piece::Text(text));
                }
                Ok(())
            };
        loop {
            let Some(c) = self.peek() else {
                return self.fail("syntax error, unterminated string", start);
            };
            match c {
                '"' => {
                    self.pos += 1;
                    flush(&mut bytes, &mut pieces, start)?;
                    if pieces.is_empty() {
                        return Ok(Tok::Text(String::new()));
                    }
                    if let [Piece::Text(_)] = pieces.as_slice() {
                        if let Some(Piece::Text(text)) = pieces.pop() {
                            return Ok(Tok::Text(text));
                        }
                    }
                    return Ok(Tok::Str(pieces));
                }
                '\\' => self.escape(&mut bytes)?,
                '$' if self.peek_at(1).is_some_and(is_ident_start) => {
                    flush(&mut bytes, &mut pieces, start)?;
                    let s = self.pos;
                    self.pos += 1;
                    self.ident();
                    // Simple syntax: one `[key]` or one `->prop`.
                    if self.peek() == Some('[') {
                        match self.rest().find(']') {
                            Some(i) => self.pos += i + 1,
                            None => return self.fail("syntax error, unterminated string", start),
                        }
                    } else if self.rest().starts_with("->")
                        && self.peek_at(2).is_some_and(is_ident_start)
                    {
                        self.pos += 2;
                        self.ident();
                    }
                    pieces.push(Piece::Expr {
                        start: s,
                        end: self.pos,
                        simple: true,
                    });
                }
                '{' if self.peek_at(1) == Some('$') => {
                    flush(&mut bytes, &mut pieces, start)?;
                    let s = self.pos + 1;
                    let e = self.matching_brace(start)?;
                    pieces.push(Piece::Expr {
                        start: s,
                        end: e,
                        simple: false,
                    });
                    self.pos = e + 1;
                }
                '$' if self.peek_at(1) == Some('{') => {
                    return Err(Failure::new(
                        FailureKind::Syntax,
                        "\"${...}\" string interpolation is not supported; use \"{$...}\"",
                        self.pos,
                        self.pos + 2,
                    ));
                }
                c => {
                    let mut buf = [0u8; 4];
                    bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    self.pos += c.len_utf8();
                }
            }
        }
    }

    /// Finds the `}` closing an interpolation that starts at `self.pos` (`{`). Inside it PHP
    /// reads code again, so a double-quoted string there (`"{$a["k"]}"`) is a string of its
    /// own, with interpolations of its own: a stack follows them instead of recursion.
    fn matching_brace(&self, string_start: usize) -> Result<usize, Failure> {
        enum Frame {
            Code(usize),
            Quoted,
        }
        let bytes = self.src.as_bytes();
        let mut frames = vec![Frame::Code(0)];
        let mut i = self.pos;
        while i < self.end {
            let b = bytes[i];
            match frames.last_mut() {
                Some(Frame::Quoted) => match b {
                    b'\\' => i += 1,
                    b'"' => {
                        frames.pop();
                    }
                    b'{' if bytes.get(i + 1) == Some(&b'$') => frames.push(Frame::Code(1)),
                    _ => {}
                },
                Some(Frame::Code(depth)) => match b {
                    b'\'' => {
                        i += 1;
                        while i < self.end && bytes[i] != b'\'' {
                            if bytes[i] == b'\\' {
                                i += 1;
                            }
                            i += 1;
                        }
                    }
                    b'"' => frames.push(Frame::Quoted),
                    b'{' | b'[' | b'(' => *depth += 1,
                    b'}' | b']' | b')' => {
                        *depth = depth.saturating_sub(1);
                        if *depth == 0 && b == b'}' {
                            frames.pop();
                            if frames.is_empty() {
                                return Ok(i);
                            }
                        }
                    }
                    _ => {}
                },
                None => break,
            }
            i += 1;
        }
        self.fail(
            "syntax error, unterminated string interpolation",
            string_start,
        )
    }

    fn escape(&mut self, out: &mut Vec<u8>) -> Result<(), Failure> {
        let start = self.pos;
        self.pos += 1;
        let Some(c) = self.peek() else {
            return self.fail("syntax error, unterminated string", start);
        };
        let simple = match c {
            'n' => Some(b'\n'),
            't' => Some(b'\t'),
            'r' => Some(b'\r'),
            'v' => Some(0x0b),
            'e' => Some(0x1b),
            'f' => Some(0x0c),
            '\\' => Some(b'\\'),
            '$' => Some(b'$'),
            '"' => Some(b'"'),
            _ => None,
        };
        if let Some(b) = simple {
            out.push(b);
            self.pos += 1;
            return Ok(());
        }
        if c.is_digit(8) {
            let digits = self.take_limited(3, |c| c.is_digit(8));
            let v = u32::from_str_radix(&digits, 8).unwrap_or(0) & 0xff;
            out.push(v as u8);
            return Ok(());
        }
        if c == 'x' && self.peek_at(1).is_some_and(|c| c.is_ascii_hexdigit()) {
            self.pos += 1;
            let digits = self.take_limited(2, |c| c.is_ascii_hexdigit());
            out.push(u8::from_str_radix(&digits, 16).unwrap_or(0));
            return Ok(());
        }
        if c == 'u' && self.peek_at(1) == Some('{') {
            let close = self.rest().find('}');
            let hex = close.and_then(|i| self.rest().get(2..i)).unwrap_or("");
            // Hex digits only: `from_str_radix` would also take a sign.
            let ch = Some(hex)
                .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32);
            return match (close, ch) {
                (Some(i), Some(ch)) => {
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                    self.pos += i + 1;
                    Ok(())
                }
                _ => self.fail("Invalid UTF-8 codepoint escape sequence", start),
            };
        }
        // `\{` stays as written but keeps the brace from opening an interpolation.
        if c == '{' {
            out.extend_from_slice(b"\\{");
            self.pos += 1;
            return Ok(());
        }
        // Unknown escapes stay as written.
        out.push(b'\\');
        Ok(())
    }

    fn take_limited(&mut self, max: usize, ok: impl Fn(char) -> bool) -> String {
        let mut s = String::new();
        while s.len() < max {
            match self.peek() {
                Some(c) if ok(c) => {
                    s.push(c);
                    self.pos += 1;
                }
                _ => break,
            }
        }
        s
    }
}

fn parse_int(digits: &str, radix: u32) -> Tok {
    match i64::from_str_radix(digits, radix) {
        Ok(v) => Tok::Int(v),
        Err(_) if digits.is_empty() => Tok::Int(0),
        // PHP turns integer overflow into a float: a decimal one read as a float literal is
        // (correctly rounded), the others folded digit by digit as PHP's scanner folds them.
        Err(_) if radix == 10 => Tok::Float(digits.parse().unwrap_or(f64::INFINITY)),
        Err(_) => Tok::Float(digits.chars().fold(0f64, |acc, c| {
            acc * f64::from(radix) + f64::from(c.to_digit(radix).unwrap_or(0))
        })),
    }
}
