//! Blade templates translated into minijinja templates.
//!
//! [`translate`] reads the Blade source once ([`scan`] finds echos, comments and directives,
//! [`expr`] parses the PHP expressions in them) and writes one minijinja template whose
//! expressions call the PHP runtime of [`crate::php`] ([`emit`]).

pub mod emit;
pub mod expr;
pub mod lex;
pub mod printed;
pub mod reads;
pub mod scan;
pub mod statements;
pub mod translate;

pub use reads::Reads;
pub use translate::{Settings, Translation, translate};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    Syntax,
    Sandbox,
    Limit,
}

/// A translation error at a byte range of the Blade source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    pub message: String,
    pub start: usize,
    pub end: usize,
}

impl Failure {
    pub fn new(kind: FailureKind, message: impl Into<String>, start: usize, end: usize) -> Self {
        Failure {
            kind,
            message: message.into(),
            start,
            end,
        }
    }
}
