//! Arguments of PHP's internal functions: arity checks and the coercive parameter typing of
//! PHP 8 (`strict_types=0`), with PHP's messages.

use std::borrow::Cow;

use minijinja::Error;
use minijinja::value::Value;

use super::number::{Num, parse_numeric};
use super::value::{Php, error, float_to_string, view};

/// The signature of one PHP function.
pub(crate) struct Signature {
    pub(crate) name: &'static str,
    /// Parameter names, as PHP's messages quote them; the last repeats for variadics.
    pub(crate) params: &'static [&'static str],
    pub(crate) required: usize,
    pub(crate) variadic: bool,
}

/// The arguments of one call.
pub(crate) struct Args<'a> {
    pub(crate) sig: &'static Signature,
    pub(crate) values: &'a [Value],
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "argument" } else { "arguments" }
}

impl<'a> Args<'a> {
    /// Checks the count as PHP does: `f() expects exactly 1 argument, 0 given`.
    pub(crate) fn new(sig: &'static Signature, values: &'a [Value]) -> Result<Self, Error> {
        let given = values.len();
        let max = if sig.variadic {
            usize::MAX
        } else {
            sig.params.len()
        };
        if given < sig.required || given > max {
            let (how, n) = if sig.required == max {
                ("exactly", max)
            } else if given < sig.required {
                ("at least", sig.required)
            } else {
                ("at most", max)
            };
            return Err(error(format!(
                "{}() expects {how} {n} {}, {given} given",
                sig.name,
                plural(n)
            )));
        }
        Ok(Args { sig, values })
    }

    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }

    /// The argument at `i`, if given.
    pub(crate) fn get(&self, i: usize) -> Option<&'a Value> {
        self.values.get(i)
    }

    /// The argument at `i` as it is (`mixed`); undefined (null to PHP) when not given.
    pub(crate) fn mixed(&self, i: usize) -> &'a Value {
        const MISSING: &Value = &Value::UNDEFINED;
        self.values.get(i).unwrap_or(MISSING)
    }

    fn param(&self, i: usize) -> &'static str {
        let params = self.sig.params;
        params.get(i).or(params.last()).copied().unwrap_or("value")
    }

    /// `f(): Argument #1 ($string) is undefined`.
    pub(crate) fn undefined(&self, i: usize) -> Error {
        Error::new(
            minijinja::ErrorKind::UndefinedError,
            format!(
                "{}(): Argument #{} (${}) is undefined",
                self.sig.name,
                i + 1,
                self.param(i)
            ),
        )
    }

    /// `f(): Argument #2 ($offset) must be of type int, string given`.
    pub(crate) fn type_error(&self, i: usize, expected: &str) -> Error {
        error(format!(
            "{}(): Argument #{} (${}) must be of type {expected}, {} given",
            self.sig.name,
            i + 1,
            self.param(i),
            view(self.mixed(i)).type_name()
        ))
    }

    /// `f(): Argument #1 ($value) must …` with a message of the function's own.
    pub(crate) fn value_error(&self, i: usize, what: &str) -> Error {
        error(format!(
            "{}(): Argument #{} (${}) {what}",
            self.sig.name,
            i + 1,
            self.param(i)
        ))
    }

    /// A `string` parameter.
    pub(crate) fn string(&self, i: usize) -> Result<Cow<'a, str>, Error> {
        let value = self.mixed(i);
        Ok(match view(value) {
            Php::Str(s) => Cow::Borrowed(s),
            Php::Int(n) => Cow::Owned(n.to_string()),
            Php::Float(f) => Cow::Owned(float_to_string(f)),
            Php::Bool(b) => Cow::Borrowed(if b { "1" } else { "" }),
            // PHP deprecates null for a scalar parameter; Laravel 12's handler only logs that.
            Php::Null | Php::Undefined => Cow::Borrowed(""),
            Php::Array | Php::Other => return Err(self.type_error(i, "string")),
        })
    }

    /// An optional `string` parameter.
    pub(crate) fn opt_string(&self, i: usize) -> Result<Option<Cow<'a, str>>, Error> {
        if i < self.len() {
            self.string(i).map(Some)
        } else {
            Ok(None)
        }
    }

    /// An optional `?string` parameter: `None` when not given or null.
    pub(crate) fn opt_nullable_string(&self, i: usize) -> Result<Option<Cow<'a, str>>, Error> {
        match view(self.mixed(i)) {
            Php::Null | Php::Undefined => Ok(None),
            // `string`'s only failure is its type error, which names the nullable type here.
            _ => self
                .string(i)
                .map(Some)
                .map_err(|_| self.type_error(i, "?string")),
        }
    }

    /// An `int` parameter.
    pub(crate) fn int(&self, i: usize) -> Result<i64, Error> {
        let value = self.mixed(i);
        match view(value) {
            Php::Int(n) => Ok(n),
            Php::Bool(b) => Ok(b as i64),
            Php::Float(f) => self.float_as_int(i, f),
            Php::Str(s) => match parse_numeric(s) {
                Some((Num::Int(n), true)) => Ok(n),
                Some((Num::Float(f), true)) => self.float_as_int(i, f),
                _ => Err(self.type_error(i, "int")),
            },
            Php::Null | Php::Undefined => Ok(0),
            Php::Array | Php::Other => Err(self.type_error(i, "int")),
        }
    }

    fn float_as_int(&self, i: usize, f: f64) -> Result<i64, Error> {
        if !f.is_finite() || !super::number::fits_int(f) {
            return Err(self.type_error(i, "int"));
        }
        // A fraction is a deprecation ("Implicit conversion … loses precision"), which Laravel
        // 12's handler only logs: the value is truncated.
        Ok(f as i64)
    }

    /// An optional `int` parameter.
    pub(crate) fn opt_int(&self, i: usize) -> Result<Option<i64>, Error> {
        if i < self.len() {
            self.int(i).map(Some)
        } else {
            Ok(None)
        }
    }

    /// An optional `?int` parameter: null is "not given".
    pub(crate) fn opt_nullable_int(&self, i: usize) -> Result<Option<i64>, Error> {
        match self.get(i) {
            // `int`'s only failure is its type error, which names the nullable type here.
            Some(v) if !(v.is_none() || v.is_undefined()) => self
                .int(i)
                .map(Some)
                .map_err(|_| self.type_error(i, "?int")),
            _ => Ok(None),
        }
    }

    /// An `int|float` parameter.
    pub(crate) fn number(&self, i: usize) -> Result<Num, Error> {
        self.numeric(i, "int|float")
    }

    /// A `float` parameter.
    pub(crate) fn float(&self, i: usize) -> Result<f64, Error> {
        self.numeric(i, "float").map(Num::as_f64)
    }

    fn numeric(&self, i: usize, ty: &str) -> Result<Num, Error> {
        let value = self.mixed(i);
        match view(value) {
            Php::Int(n) => Ok(Num::Int(n)),
            Php::Float(f) => Ok(Num::Float(f)),
            Php::Bool(b) => Ok(Num::Int(b as i64)),
            Php::Str(s) => match parse_numeric(s) {
                Some((n, true)) => Ok(n),
                _ => Err(self.type_error(i, ty)),
            },
            Php::Null | Php::Undefined => Ok(Num::Int(0)),
            Php::Array | Php::Other => Err(self.type_error(i, ty)),
        }
    }

    /// A `bool` parameter.
    pub(crate) fn bool(&self, i: usize) -> Result<bool, Error> {
        let value = self.mixed(i);
        match view(value) {
            Php::Null | Php::Undefined => Ok(false),
            Php::Array | Php::Other => Err(self.type_error(i, "bool")),
            _ => Ok(super::value::truthy(value)),
        }
    }

    /// An optional `bool` parameter.
    pub(crate) fn opt_bool(&self, i: usize) -> Result<bool, Error> {
        if i < self.len() {
            self.bool(i)
        } else {
            Ok(false)
        }
    }

    /// An `array` parameter.
    pub(crate) fn array(&self, i: usize) -> Result<&'a Value, Error> {
        let value = self.mixed(i);
        match view(value) {
            Php::Array => Ok(value),
            _ => Err(self.type_error(i, "array")),
        }
    }
}
