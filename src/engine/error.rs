//! The engine's error type, and how minijinja errors become one.

use std::fmt;

/// Where an error is: lines and columns from 1. [`Span::NOWHERE`] (line 0) is an error about the
/// whole template, such as its size, which no line of it shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    Syntax,
    Undefined,
    Runtime,
    Limit,
    Sandbox,
}

#[derive(Clone, Debug)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub name: String,
    pub span: Span,
    /// The source line the error points at, without its newline.
    pub source_line: String,
    /// For an `Undefined …` error: what the template read and did not find (boxed to keep every
    /// `Result` of the engine small).
    pub missing: Option<Box<Missing>>,
}

/// What an `Undefined …` error did not find, so that a host can suggest the fix (declare the
/// claim, give the value) without reading the message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Missing {
    /// The variable read, without `$`: `portClaims` for `$portClaims['web']`. For a missing key,
    /// only when the key was read from the variable itself: None for `$data['a']['b']`, whose
    /// `b` was missing from `$data['a']`, and for `f()['b']`.
    pub variable: Option<String>,
    /// The array key that was missing, as PHP prints it (`web`, `3`); None when the variable
    /// itself was.
    pub key: Option<String>,
}

impl Missing {
    /// What `e` did not find; `subscripted` is the variable the failing read subscripted,
    /// when the source map knows one.
    pub(crate) fn of(e: &minijinja::Error, subscripted: Option<&str>) -> Option<Box<Missing>> {
        let found = std::error::Error::source(e)?.downcast_ref::<crate::php::Missing>()?;
        Some(Box::new(match found {
            crate::php::Missing::Variable(name) => Missing {
                variable: Some(name.clone()),
                key: None,
            },
            crate::php::Missing::Key(key) => Missing {
                variable: subscripted.map(str::to_string),
                key: Some(key.clone()),
            },
        }))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = self.message.replace(['\n', '\r'], " ");
        if self.span.start_line == 0 {
            return write!(f, "{}: {}", self.name, message);
        }
        write!(
            f,
            "{}:{}:{}: {}",
            self.name, self.span.start_line, self.span.start_column, message
        )
    }
}

impl Span {
    pub const NOWHERE: Span = Span {
        start_line: 0,
        start_column: 0,
        end_line: 0,
        end_column: 0,
    };
}

impl std::error::Error for Error {}

/// The kind and one-line message of a minijinja error.
pub(crate) fn classify(e: &minijinja::Error) -> (ErrorKind, String) {
    use minijinja::ErrorKind as K;
    let detail = e
        .detail()
        .map(str::to_string)
        .unwrap_or_else(|| e.kind().to_string());
    match e.kind() {
        // The runtime's functions say which budget ran out, and where (see `php::budget`).
        K::OutOfFuel => (
            ErrorKind::Limit,
            e.detail().map_or_else(
                || {
                    // minijinja charges what its own operators and filters build to the fuel too.
                    "fuel limit exceeded: the template ran too many steps or built too much (a runaway loop?)"
                        .into()
                },
                str::to_string,
            ),
        ),
        K::SyntaxError if detail.contains("recursion") => (
            ErrorKind::Limit,
            format!("nesting limit exceeded: {detail}"),
        ),
        // Built without minijinja's multi-template support, these statements do not parse.
        K::SyntaxError
            if ["include", "import", "from", "extends"]
                .iter()
                .any(|s| detail == format!("unknown statement {s}")) =>
        {
            (
                ErrorKind::Sandbox,
                format!("templates cannot include, import or extend other templates ({detail})"),
            )
        }
        K::SyntaxError | K::BadEscape => (ErrorKind::Syntax, format!("syntax error: {detail}")),
        K::UndefinedError => (ErrorKind::Undefined, detail),
        K::InvalidOperation if detail.contains("recursion limit") => (
            ErrorKind::Limit,
            format!("recursion limit exceeded: {detail}"),
        ),
        K::TemplateNotFound | K::BadInclude => (
            ErrorKind::Sandbox,
            format!("templates cannot include, import or extend other templates ({detail})"),
        ),
        K::UnknownFunction | K::UnknownFilter | K::UnknownTest | K::UnknownMethod => {
            (ErrorKind::Sandbox, detail)
        }
        _ if detail.starts_with("Undefined ") => (ErrorKind::Undefined, detail),
        _ => (ErrorKind::Runtime, detail),
    }
}
