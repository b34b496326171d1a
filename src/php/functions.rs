//! The PHP functions templates may call by name: the registry and the shared machinery.
//!
//! Each topic module (`strings`, `math`, …) lists its functions in a `LIBRARY` table of
//! [`Function`]s; [`register`] adds them all, and [`FUNCTIONS`] names them for the translator.

use minijinja::value::Value;
use minijinja::{Environment, Error, State};

use super::args::{Args, Signature};
use super::budget;
use super::strings::{MAX_STRING_LEN, too_long};
use super::{arrays, encoding, format, json_fns, math, strings};

/// One PHP function: its signature (for PHP's argument errors) and its body.
pub(crate) struct Function {
    pub(crate) sig: Signature,
    /// `name()`, as limit errors name the function.
    pub(crate) label: &'static str,
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
            label: concat!($name, "()"),
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
            label: concat!($name, "()"),
            call: $call,
        }
    };
}
pub(crate) use php_fn;

/// Every PHP function the dialect supports.
pub const FUNCTIONS: &[&str] = &[
    "abs",
    "addslashes",
    "array_chunk",
    "array_column",
    "array_combine",
    "array_fill",
    "array_filter",
    "array_flip",
    "array_is_list",
    "array_key_exists",
    "array_key_first",
    "array_key_last",
    "array_keys",
    "array_map",
    "array_merge",
    "array_pad",
    "array_product",
    "array_reverse",
    "array_search",
    "array_slice",
    "array_sum",
    "array_unique",
    "array_values",
    "base64_decode",
    "base64_encode",
    "bin2hex",
    "bindec",
    "boolval",
    "ceil",
    "chop",
    "chunk_split",
    "count",
    "crc32",
    "decbin",
    "dechex",
    "decoct",
    "doubleval",
    "e",
    "explode",
    "floatval",
    "floor",
    "fmod",
    "gettype",
    "hash",
    "hexdec",
    "htmlspecialchars",
    "implode",
    "in_array",
    "intdiv",
    "intval",
    "is_array",
    "is_bool",
    "is_float",
    "is_int",
    "is_null",
    "is_numeric",
    "is_string",
    "join",
    "json_decode",
    "json_encode",
    "key_exists",
    "lcfirst",
    "ltrim",
    "max",
    "mb_strlen",
    "mb_strtolower",
    "mb_strtoupper",
    "mb_substr",
    "md5",
    "min",
    "nl2br",
    "number_format",
    "octdec",
    "pow",
    "range",
    "rawurlencode",
    "round",
    "rtrim",
    "sha1",
    "sizeof",
    "sprintf",
    "sqrt",
    "str_contains",
    "str_ends_with",
    "str_pad",
    "str_repeat",
    "str_replace",
    "str_split",
    "str_starts_with",
    "strcasecmp",
    "strcmp",
    "strlen",
    "strncasecmp",
    "strncmp",
    "strpos",
    "strrev",
    "strrpos",
    "strtolower",
    "strtoupper",
    "strtr",
    "strval",
    "substr",
    "substr_count",
    "trim",
    "ucfirst",
    "ucwords",
    "urlencode",
    "vsprintf",
];

/// PHP constants the functions take as flags, as minijinja literals, for the translator to
/// substitute (it owns the general table; these complete it for this library).
pub const CONSTANTS: &[(&str, &str)] = &[
    ("STR_PAD_RIGHT", "1"),
    ("STR_PAD_LEFT", "0"),
    ("STR_PAD_BOTH", "2"),
    ("COUNT_NORMAL", "0"),
    ("COUNT_RECURSIVE", "1"),
    ("ENT_NOQUOTES", "0"),
    ("ENT_COMPAT", "2"),
    ("ENT_QUOTES", "3"),
    ("ENT_HTML401", "0"),
    ("ENT_SUBSTITUTE", "8"),
    ("ENT_IGNORE", "4"),
    ("ENT_XML1", "16"),
    ("ENT_XHTML", "32"),
    ("ENT_HTML5", "48"),
    ("SORT_REGULAR", "0"),
    ("SORT_NUMERIC", "1"),
    ("SORT_STRING", "2"),
    ("SORT_LOCALE_STRING", "5"),
    ("SORT_FLAG_CASE", "8"),
    ("JSON_BIGINT_AS_STRING", "2"),
    ("JSON_INVALID_UTF8_IGNORE", "1048576"),
    ("JSON_INVALID_UTF8_SUBSTITUTE", "2097152"),
    ("JSON_ERROR_NONE", "0"),
    ("ARRAY_FILTER_USE_BOTH", "1"),
    ("ARRAY_FILTER_USE_KEY", "2"),
    ("JSON_OBJECT_AS_ARRAY", "1"),
    ("PHP_ROUND_HALF_UP", "1"),
    ("PHP_INT_MIN", "(-9223372036854775807 - 1)"),
    ("PHP_FLOAT_MAX", "1.7976931348623157e308"),
    ("PHP_FLOAT_MIN", "2.2250738585072014e-308"),
    ("PHP_FLOAT_DIG", "15"),
];

fn library() -> impl Iterator<Item = &'static Function> {
    [
        json_fns::LIBRARY,
        strings::LIBRARY,
        strings::MORE,
        math::LIBRARY,
        math::MORE,
        arrays::LIBRARY,
        arrays::MORE,
        encoding::LIBRARY,
        format::LIBRARY,
    ]
    .into_iter()
    .flatten()
}

/// A string callable (`array_map('trim', $list)`): one of the library's functions, by its
/// case-insensitive PHP name. Closures are the translator's business, not the runtime's.
pub(crate) fn call_by_name(
    caller: &Args,
    callback: &Value,
    arguments: &[Value],
) -> Result<Value, Error> {
    // A name may start with the global namespace's `\`.
    let name = callback
        .as_str()
        .map(|n| n.strip_prefix('\\').unwrap_or(n).to_ascii_lowercase());
    let function = name
        .as_deref()
        .and_then(|name| library().find(|f| f.sig.name == name));
    let Some(function) = function else {
        let what = match callback.as_str() {
            Some(name) => format!("function \"{name}\" not found or invalid function name"),
            None => "no array or string given".to_string(),
        };
        return Err(caller.value_error(
            caller
                .sig
                .params
                .iter()
                .position(|p| *p == "callback")
                .unwrap_or(0),
            &format!("must be a valid callback or null, {what}"),
        ));
    };
    invoke(function, arguments, reads_whole_strings(function))
}

/// Functions that read no more of a string argument than its length or its ends, or charge
/// the copy they make of it themselves: every other one reads its string arguments whole.
const READ_STRINGS_IN_PART: &[&str] = &[
    "strlen",
    "is_string",
    "is_int",
    "is_float",
    "is_bool",
    "is_array",
    "is_null",
    "gettype",
    "boolval",
    "substr",
    "trim",
    "ltrim",
    "rtrim",
    "chop",
    "str_starts_with",
    "str_ends_with",
    "ucfirst",
    "lcfirst",
];

fn reads_whole_strings(function: &Function) -> bool {
    !READ_STRINGS_IN_PART.contains(&function.sig.name)
}

pub(crate) fn register(env: &mut Environment<'static>) {
    for function in library() {
        let whole = reads_whole_strings(function);
        env.add_function(function.sig.name, move |state: &State, values: &[Value]| {
            budget::call(state, function.label, || invoke(function, values, whole))
        });
    }
}

/// One call of a PHP function, charged to the render's budget: reading its string arguments
/// (as minijinja charges a filter's input) unless it reads them only in part, whatever the
/// body charges for its work and the values it builds, and, where the body charged less than
/// its result takes, the result.
fn invoke(function: &'static Function, values: &[Value], whole: bool) -> Result<Value, Error> {
    let args = Args::new(&function.sig, values)?;
    // Refused, not read as null: the fast Blade translation passes native reads, undefined where
    // the exact one raises PHP's error, and a Jinja template's undefined is strict.
    if let Some(at) = values.iter().position(Value::is_undefined) {
        return Err(args.undefined(at));
    }
    if whole {
        budget::scan(values.iter().filter_map(Value::as_str).map(str::len).sum())?;
    }
    let before = budget::memory_used();
    let result = (function.call)(&args)?;
    // Functions that grow strings check as they go; this catches the rest (escaping,
    // encodings) whose output is a small multiple of an input the host passed in.
    if result.as_str().is_some_and(|s| s.len() > MAX_STRING_LEN) {
        return Err(too_long(function.sig.name));
    }
    let returned_an_argument = values
        .iter()
        .any(|argument| budget::same_array(argument, &result));
    let charged = budget::memory_used() - before;
    let size = budget::shallow_size(&result);
    if size > charged && !returned_an_argument {
        budget::memory(size - charged)?;
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_are_numbers_php_agrees_with() {
        // php -r 'var_dump(STR_PAD_LEFT, COUNT_RECURSIVE, ENT_QUOTES, PHP_INT_MIN, PHP_FLOAT_DIG);'
        let php = [
            ("STR_PAD_LEFT", 0.0),
            ("COUNT_RECURSIVE", 1.0),
            ("ENT_QUOTES", 3.0),
            ("PHP_FLOAT_DIG", 15.0),
        ];
        let env = Environment::new();
        for (name, literal) in CONSTANTS {
            let value = env.compile_expression(literal).and_then(|e| e.eval(()));
            let value = value.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(value.is_number(), "{name}");
            if let Some((_, want)) = php.iter().find(|(n, _)| n == name) {
                assert_eq!(f64::try_from(value).ok(), Some(*want), "{name}");
            }
        }
        let min = env.compile_expression(
            CONSTANTS
                .iter()
                .find(|(n, _)| *n == "PHP_INT_MIN")
                .map_or("", |c| c.1),
        );
        assert_eq!(
            min.and_then(|e| e.eval(())).ok().and_then(|v| v.as_i64()),
            Some(i64::MIN)
        );
    }

    #[test]
    fn functions_lists_exactly_the_registered_functions() {
        let mut registered: Vec<&str> = library().map(|f| f.sig.name).collect();
        let mut listed = FUNCTIONS.to_vec();
        registered.sort_unstable();
        listed.sort_unstable();
        assert_eq!(registered, listed);
    }
}
