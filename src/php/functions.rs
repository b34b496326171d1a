//! The PHP functions templates may call by name: the registry and the shared machinery.
//!
//! Each topic module (`strings`, `math`, …) lists its functions in a `LIBRARY` table of
//! [`Function`]s; [`register`] adds them all, and [`FUNCTIONS`] names them for the translator.

use minijinja::value::Value;
use minijinja::{Environment, Error};

use super::args::{Args, Signature};
use super::{arrays, encoding, json_fns, math, strings};

/// One PHP function: its signature (for PHP's argument errors) and its body.
pub(crate) struct Function {
    pub(crate) sig: Signature,
    pub(crate) call: fn(&Args) -> Result<Value, Error>,
}

/// Declares a [`Function`]: name, parameter names, how many are required, the body.
/// A trailing `...` makes the last parameter variadic.
macro_rules! php_fn {
    ($name:literal, [$($param:literal),*], $required:expr, $call:expr) => {
        $crate::php::functions::Function {
            sig: $crate::php::args::Signature {
                name: $name,
                params: &[$($param),*],
                required: $required,
                variadic: false,
            },
            call: $call,
        }
    };
    ($name:literal, [$($param:literal),*], $required:expr, ..., $call:expr) => {
        $crate::php::functions::Function {
            sig: $crate::php::args::Signature {
                name: $name,
                params: &[$($param),*],
                required: $required,
                variadic: true,
            },
            call: $call,
        }
    };
}
pub(crate) use php_fn;

/// Every PHP function the dialect supports.
pub const FUNCTIONS: &[&str] = &["json_encode"];

fn library() -> impl Iterator<Item = &'static Function> {
    [
        json_fns::LIBRARY,
        strings::LIBRARY,
        math::LIBRARY,
        arrays::LIBRARY,
        encoding::LIBRARY,
    ]
    .into_iter()
    .flatten()
}

pub(crate) fn register(env: &mut Environment<'static>) {
    for function in library() {
        env.add_function(function.sig.name, move |values: &[Value]| {
            (function.call)(&Args::new(&function.sig, values)?)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_lists_exactly_the_registered_functions() {
        let mut registered: Vec<&str> = library().map(|f| f.sig.name).collect();
        let mut listed = FUNCTIONS.to_vec();
        registered.sort_unstable();
        listed.sort_unstable();
        assert_eq!(registered, listed);
    }
}
