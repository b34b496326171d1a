//! The PHP functions templates may call by name: the registry and the shared machinery.
//!
//! Each topic module (`strings`, `math`, …) lists its functions in a `LIBRARY` table of
//! [`Function`]s; [`register`] adds them all, and [`FUNCTIONS`] names them for the translator.

use minijinja::value::Value;
use minijinja::{Environment, Error};

use super::args::{Args, Signature};
use super::{arrays, encoding, format, json_fns, math, strings};

/// One PHP function: its signature (for PHP's argument errors) and its body.
pub(crate) struct Function {
    pub(crate) sig: Signature,
    pub(crate) call: fn(&Args) -> Result<Value, Error>,
}

/// Declares a [`Function`]: name, parameter names, how many are required, the body.
/// `...` after the count makes the last parameter variadic (that arm comes first because a
/// failed `expr` fragment cannot backtrack).
macro_rules! php_fn {
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
}
pub(crate) use php_fn;

/// Every PHP function the dialect supports.
pub const FUNCTIONS: &[&str] = &[
    "abs",
    "array_flip",
    "array_key_exists",
    "array_key_first",
    "array_key_last",
    "array_keys",
    "array_merge",
    "array_reverse",
    "array_search",
    "array_values",
    "base64_decode",
    "base64_encode",
    "bin2hex",
    "boolval",
    "ceil",
    "chop",
    "count",
    "doubleval",
    "e",
    "explode",
    "floatval",
    "floor",
    "implode",
    "in_array",
    "intval",
    "is_array",
    "is_bool",
    "is_float",
    "is_int",
    "is_null",
    "is_numeric",
    "is_string",
    "join",
    "json_encode",
    "key_exists",
    "lcfirst",
    "ltrim",
    "max",
    "md5",
    "min",
    "nl2br",
    "number_format",
    "rawurlencode",
    "round",
    "rtrim",
    "sha1",
    "sizeof",
    "sprintf",
    "str_contains",
    "str_ends_with",
    "str_pad",
    "str_repeat",
    "str_replace",
    "str_starts_with",
    "strlen",
    "strpos",
    "strrev",
    "strrpos",
    "strtolower",
    "strtoupper",
    "strval",
    "substr",
    "trim",
    "ucfirst",
    "ucwords",
    "urlencode",
    "vsprintf",
];

fn library() -> impl Iterator<Item = &'static Function> {
    [
        json_fns::LIBRARY,
        strings::LIBRARY,
        math::LIBRARY,
        arrays::LIBRARY,
        encoding::LIBRARY,
        format::LIBRARY,
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
