//! PHP semantics for translated Blade templates.
//!
//! # Contract with the translator (`crate::blade`)
//!
//! The translator turns every PHP expression into a minijinja expression. Where minijinja's own
//! operators already mean what PHP means (literals, list literals, `not`/`and`/`or` on booleans,
//! inline `if … else …`), it uses them; everything else becomes a call to one of the runtime
//! functions below, which [`register`] adds to an environment as globals. Their names start with
//! `_` so that they cannot be confused with the PHP functions a template calls by name.
//!
//! | runtime function | PHP meaning |
//! | --- | --- |
//! | `_truthy(v)` | `(bool) $v`: `""`, `"0"`, `0`, `0.0`, `null`, `[]` and `false` are false |
//! | `_get(c, k)` | `$c[$k]` in a read: error `Undefined array key "k"` (or `Undefined array key 3`) when missing; error on null/scalars as PHP 8 warns |
//! | `c\|_fget(k)` (a filter) | `_get` for the fast translation's computed keys: an undefined `k` is an error |
//! | `a\|_coalesce(b)` (a filter) | the fast translation's `$a ?? $b`: `a` when set and not null, else `b` |
//! | `_lget(c, k)` | `$c[$k]` inside `isset`/`empty`/`??`: undefined instead of an error |
//! | `_iget(c, k)` | the last `$c[$k]` of `isset`/`empty`: `_lget`, but a string offset never fails |
//! | `_var(v, "name")` | reading `$name`: error `Undefined variable $name` when `v` is undefined |
//! | `_silenced(_mute(), v)` | `@$v`: PHP's warnings while `v` runs give PHP's value (null for a missing key or variable, `"Array"` for an array as a string) instead of an error; exceptions still fail |
//! | `_warn("message")` | a warning the translation knows of (a property of a non-object): an error, null under `@` |
//! | `_isset(v)` | defined and not null |
//! | `_empty(v)` | `empty($v)`: not set, or falsy |
//! | `(c\|_tkeep or b)\|_kept` (filters) | `$c ?: $b`, `$c` evaluated once: `_tkeep` wraps `c` when it is true, `_kept` unwraps whichever `or` chose |
//! | `(a\|_skeep or b)\|_kept` (filters) | `$a ?? $b` likewise: `_skeep` wraps `a` when it is set and not null |
//! | `_concat(a, b)` | `$a . $b` with PHP's string conversion |
//! | `_fcat(a, b, …)` | `$a . $b . …` for the fast translation's computed keys: an undefined part is an error |
//! | `_add _sub _mul _div _mod _pow (a, b)` | arithmetic with numeric strings, int/float rules, `DivisionByZeroError`, `%` by zero error |
//! | `_neg(v)`, `_pos(v)` | unary minus and plus |
//! | `_eq _ne _ident _nident _lt _gt _le _ge _cmp (a, b)` | `== != === !== < > <= >= <=>` with PHP 8 loose comparison |
//! | `_xor(a, b)` | logical xor of the truthiness |
//! | `_arr(pairs)` | array literal with keys: `pairs` is a list of `[key, value]`, or `[value]` for positional entries; returns a list when the keys are 0..n-1 in order, otherwise a map |
//! | `_values(v)` / `_pairs(v)` | what `@foreach ($v as $x)` / `@foreach ($v as $k => $x)` iterates: a list of values / a list of `[key, value]` pairs; error for non-arrays as PHP warns |
//! | `_raw(v)` | `{!! $v !!}`: PHP string conversion, marked safe so the formatter does not escape it |
//! | `_json(v, flags, depth)` | `@json($v, flags, depth)`: the text `json_encode` gives, marked safe; flags default to Blade's 15 (`JSON_HEX_TAG\|JSON_HEX_AMP\|JSON_HEX_APOS\|JSON_HEX_QUOT`) when omitted or none, depth to 512; empty when PHP's encoder fails (it returns false) |
//!
//! PHP arrays are minijinja sequences when their keys are 0..n-1 in order and maps (insertion
//! ordered) otherwise; integer-like string keys are integers, as in PHP.
//!
//! Every PHP function the dialect supports is registered under its PHP name and listed in
//! [`FUNCTIONS`], which the translator consults so that an unknown function is a compile-time
//! error naming it. [`CONSTANTS`] gives, as minijinja literals, the flag constants those
//! functions take (`STR_PAD_LEFT`, `COUNT_RECURSIVE`, …).
//!
//! Errors carry PHP's message, one line (`Undefined array key "k"`, `Division by zero`,
//! `strtoupper() expects exactly 1 argument, 0 given`). PHP's warnings and notices are errors
//! too, as Laravel 12's error handler makes them; deprecations (`strtoupper(null)`, a float key
//! with a fraction) go on as PHP goes on, since that handler only logs them. Results that would grow
//! past 16 MiB (`str_repeat`, `sprintf` widths, …) are errors instead of PHP's memory limit.
//!
//! Echo (`{{ }}`) goes through the formatter returned by [`formatter`]: PHP's string conversion
//! (`true` → `1`, `false`/`null` → empty, floats as PHP prints them, arrays an error) followed,
//! unless escaping is off or the value is safe, by Laravel's `e()`:
//! `& < > " '` → `&amp; &lt; &gt; &quot; &#039;`.
//!
//! Helpers take their arguments as a slice, so undefined values reach them whatever the
//! environment's undefined behaviour is; `_isset`/`_empty`/`_lget` rely on that.

mod args;
mod arith;
mod array;
mod arrays;
pub mod budget;
pub(crate) mod compare;
mod digest;
mod encoding;
mod format;
mod functions;
mod json;
mod json_fns;
mod math;
pub(crate) mod number;
mod pow;
mod runtime;
mod strings;
pub(crate) mod value;

use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind, Output, State};

pub use functions::{CONSTANTS, FUNCTIONS};
pub(crate) use value::Missing;

/// The runtime's filters (the fast translation's `_fget` and `_coalesce`), which [`register`]
/// adds too: a template's environment takes the globals it names from a shared one, and its
/// filters from here.
pub fn register_filters(env: &mut Environment<'static>) {
    runtime::register_filters(env);
}

/// Adds every runtime helper and PHP function to `env` as globals.
pub fn register(env: &mut Environment<'static>) {
    runtime::register(env);
    functions::register(env);
}

/// The echo formatter: PHP's string conversion, then Laravel's `e()` unless `escape` is false or
/// the value is safe.
pub fn formatter(
    escape: bool,
) -> impl Fn(&mut Output, &mut State, &Value) -> Result<(), Error> + Send + Sync + 'static {
    move |out, _state, value| {
        if let Some(written) = write_common(out, value, escape) {
            return written.map_err(|_| write_failure());
        }
        if value.is_undefined() {
            return Err(value::error("Undefined variable"));
        }
        if !escape || value.is_safe() {
            return value::write_php_string(out, value);
        }
        let written = match value::view(value) {
            // The common cases, without allocating: digits and `-` never need escaping.
            value::Php::Str(s) => write_escaped(out, s),
            value::Php::Int(i) => write!(out, "{i}"),
            value::Php::Array | value::Php::Other => {
                // `e()` hands the value to htmlspecialchars(), whose type check fails first.
                return Err(value::error(format!(
                    "htmlspecialchars(): Argument #1 ($string) must be of type string, {} given",
                    value::view(value).type_name()
                )));
            }
            _ => write_escaped(out, &value::to_php_string(value)?),
        };
        written.map_err(|_| write_failure())
    }
}

fn write_failure() -> Error {
    Error::new(ErrorKind::WriteFailure, "could not write output")
}

/// Echo's usual cases, a string or a small non-negative integer, written without the general
/// path's conversions (its view of the value clones it to read an integer, and `{i}` goes through
/// `core::fmt`); `None` for every other value.
fn write_common(out: &mut Output, value: &Value, escape: bool) -> Option<std::fmt::Result> {
    if let Some(s) = value.as_str() {
        return Some(if escape && !value.is_safe() {
            write_escaped(out, s)
        } else {
            out.write_str(s)
        });
    }
    // `as_usize` reads integers without cloning; one beyond `i64::MAX` prints as PHP's float.
    let n = value
        .is_integer()
        .then(|| value.as_usize())
        .flatten()
        .and_then(|n| u64::try_from(n).ok())
        .filter(|&n| n <= i64::MAX as u64)?;
    Some(out.write_str(number::decimal(n, &mut [0u8; 20])))
}

/// Laravel's `e()`: `htmlspecialchars($s, ENT_QUOTES, 'UTF-8', true)`.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Writing into a String cannot fail.
    let _ = write_escaped(&mut out, s);
    out
}

fn write_escaped(out: &mut impl std::fmt::Write, s: &str) -> std::fmt::Result {
    // All five specials are ASCII, so every byte found is a whole character and the slices
    // between them stay on character boundaries.
    let mut plain_from = 0;
    for (at, byte) in s.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#039;",
            _ => continue,
        };
        out.write_str(s.get(plain_from..at).unwrap_or(""))?;
        out.write_str(entity)?;
        plain_from = at + 1;
    }
    out.write_str(s.get(plain_from..).unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn echo(value: Value, escape: bool) -> Result<String, String> {
        let mut env = Environment::new();
        env.set_formatter(formatter(escape));
        env.render_str("{{ v }}", minijinja::context! { v => value })
            .map_err(|e| e.to_string())
    }

    #[test]
    fn echoes_integers_as_php_prints_them() {
        for (value, printed) in [
            (Value::from(0), "0"),
            (Value::from(7u8), "7"),
            (Value::from(10), "10"),
            (Value::from(65_535u64), "65535"),
            (Value::from(-42), "-42"),
            (Value::from(i64::MAX), "9223372036854775807"),
            (Value::from(i64::MIN), "-9223372036854775808"),
            // Past i64, PHP's json_decode makes a float, which echo prints with 14 digits.
            (Value::from(i64::MAX as u64 + 1), "9.2233720368548E+18"),
            (Value::from(u64::MAX), "1.844674407371E+19"),
            (Value::from(3.0), "3"),
            (Value::from(true), "1"),
            (Value::from(false), ""),
        ] {
            for escape in [true, false] {
                assert_eq!(
                    echo(value.clone(), escape).as_deref(),
                    Ok(printed),
                    "{value:?}"
                );
            }
        }
    }

    #[test]
    fn echoes_strings_escaped_unless_safe_or_raw() {
        let text = "a<b>&\"c'";
        assert_eq!(
            echo(Value::from(text), true).as_deref(),
            Ok("a&lt;b&gt;&amp;&quot;c&#039;")
        );
        assert_eq!(echo(Value::from(text), false).as_deref(), Ok(text));
        assert_eq!(
            echo(Value::from_safe_string(text.to_string()), true).as_deref(),
            Ok(text)
        );
        assert_eq!(echo(Value::from("plain"), true).as_deref(), Ok("plain"));
        assert!(echo(Value::UNDEFINED, true).is_err());
    }
}
