//! What the engine adds to the PHP runtime: loop and failure helpers, the render context, the
//! bounded output and the limits a template meets before it renders.

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use minijinja::value::{Enumerator, Object, ObjectRepr, Rest};
use minijinja::{Environment, Error, ErrorKind, State, Value};

use super::{Dialect, Limits};
use crate::php::budget;

/// Refuses, before anything reads it, a template larger than `max_bytes`: compiling takes time
/// and memory in proportion to the source, many times its size.
pub fn check_template_size(source: &str, name: &str, max_bytes: usize) -> Result<(), super::Error> {
    if source.len() <= max_bytes {
        return Ok(());
    }
    Err(super::Error {
        kind: super::ErrorKind::Limit,
        message: format!(
            "template size limit exceeded: the template is {} bytes, more than the {max_bytes} a template may have",
            source.len()
        ),
        name: name.to_string(),
        span: super::Span::NOWHERE,
        source_line: String::new(),
    })
}

/// The fuel a template renders on.
///
/// minijinja charges what its own operators and filters build (`~`, `*`, `indent`, …) to the fuel,
/// a fuel per 64 bytes, and checks a value's size against the fuel left before it builds one;
/// that is all that bounds them. A Blade translation builds its strings and arrays with the
/// runtime's functions, which charge the memory budget; a Jinja template builds them with
/// minijinja's, so its fuel is capped at the memory budget's worth.
pub fn fuel(limits: &Limits, dialect: Dialect) -> Option<u64> {
    match dialect {
        Dialect::Blade => limits.fuel,
        Dialect::Jinja => {
            let memory = u64::try_from(limits.max_memory_bytes / 64).unwrap_or(u64::MAX);
            Some(limits.fuel.map_or(memory, |fuel| fuel.min(memory)))
        }
    }
}

/// An endless sequence: `@for` and `@while` loop over it until they break or run out of fuel.
#[derive(Debug)]
struct Forever;

impl Object for Forever {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Iterable
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Iter(Box::new(std::iter::repeat(Value::from(true))))
    }
}

/// Every runtime global (the PHP runtime and the engine's own), registered once per process.
fn all_globals() -> &'static Environment<'static> {
    static ALL: OnceLock<Environment<'static>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut env = Environment::empty();
        crate::php::register(&mut env);
        register(&mut env);
        env
    })
}

/// Adds the runtime globals to a template's environment.
///
/// A translated Blade template (exact and fast) names every global it calls, so it gets only those: each name the
/// template looks up walks the globals' map, and a map of a dozen entries is walked far faster
/// than one of hundreds. A Jinja template gets them all.
pub fn add_globals(env: &mut Environment<'static>, translated: &[&str], only_used: bool) {
    let used: HashSet<&str> = if only_used {
        translated.iter().flat_map(|t| identifiers(t)).collect()
    } else {
        HashSet::new()
    };
    for (name, value) in all_globals().globals() {
        if !only_used || used.contains(name) {
            env.add_global(name, value);
        }
    }
    if !only_used {
        bound_recursive_printing(env);
    }
}

/// minijinja's `pprint` filter and `debug` function print values with Rust's pretty `Debug`,
/// which recurses once per level of nesting and needs more stack per level than anything else a
/// Jinja template can do: they refuse values nested deeper than the render allows (a Jinja
/// template nests its own list literals, up to its recursion limits, without asking the runtime).
fn bound_recursive_printing(env: &mut Environment<'static>) {
    env.add_filter("pprint", |state: &State, value: &Value| {
        budget::call(state, "pprint", || {
            budget::check_nesting(value, 0, "the printed value")?;
            printed(minijinja::filters::pprint(value))
        })
    });
    env.add_function("debug", |state: &State, args: Rest<Value>| {
        budget::call(state, "debug()", || {
            for value in args.iter() {
                budget::check_nesting(value, 0, "a printed value")?;
            }
            if args.is_empty() {
                for name in state.known_variables() {
                    let value = state.lookup(&name).unwrap_or_default();
                    budget::check_nesting(&value, 0, &format!("the variable {name}"))?;
                }
            }
            printed(minijinja::functions::debug(state, Rest(args.0.clone())))
        })
    });
}

/// Charges a printed value's text as minijinja charges its own serialisations.
fn printed(text: String) -> Result<Value, Error> {
    budget::string(text.len())?;
    budget::scan(text.len().saturating_mul(15))?;
    Ok(Value::from(text))
}

/// The words of minijinja source that could name a global (a superset: strings count too).
fn identifiers(source: &str) -> impl Iterator<Item = &str> {
    source
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|word| word.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
}

fn register(env: &mut Environment<'static>) {
    env.add_function("_forever", || Value::from_object(Forever));
    // A PHP error known at translation time but raised only if the code runs.
    env.add_function("_fail", |message: String| -> Result<Value, Error> {
        Err(Error::new(ErrorKind::InvalidOperation, message))
    });
}

/// Blade reads every template variable through `_v`, so that no PHP name can collide with a
/// minijinja keyword, global or the translator's own names. A fast translation also reads some
/// variables bare (`bare`, see `emit::is_bare_variable`); the exact one reads none (`None`).
pub fn blade_context(variables: &Value, bare: Option<&Arc<[String]>>) -> Value {
    Value::from_object(BladeContext {
        variables: variables.clone(),
        bare: bare.cloned(),
    })
}

/// The root of a Blade render: `_v`, and each variable read bare as `_v` holds it (undefined when
/// it is not set, rather than a miss that would send minijinja on to its globals). Every other
/// name misses, so that the runtime's functions are found. minijinja looks every name up here
/// before its globals, so comparisons beat hashing into a map.
#[derive(Debug)]
struct BladeContext {
    variables: Value,
    bare: Option<Arc<[String]>>,
}

impl Object for BladeContext {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, name: &str) -> Option<Value> {
        if name == "_v" {
            return Some(self.variables.clone());
        }
        self.bare
            .as_deref()?
            .iter()
            .any(|bare| bare == name)
            .then(|| self.variables.get_attr(name).unwrap_or_default())
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(&["_v"])
    }
}

/// Output with a size limit.
pub struct LimitedOutput {
    buf: Vec<u8>,
    limit: usize,
    exceeded: bool,
}

impl LimitedOutput {
    pub fn new(limit: usize, capacity: usize) -> Self {
        LimitedOutput {
            buf: Vec::with_capacity(capacity.min(limit)),
            limit,
            exceeded: false,
        }
    }

    pub fn exceeded(&self) -> bool {
        self.exceeded
    }

    pub fn into_string(self) -> Result<String, String> {
        String::from_utf8(self.buf).map_err(|_| "the output is not valid UTF-8".to_string())
    }
}

impl std::io::Write for LimitedOutput {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.buf.len() + data.len() > self.limit {
            self.exceeded = true;
            return Err(std::io::Error::other("output limit exceeded"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    /// One check and one copy per piece of output (the default loops over `write`).
    fn write_all(&mut self, data: &[u8]) -> std::io::Result<()> {
        self.write(data).map(|_| ())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `portClaims.name`, `portClaims['name']` and `portClaims["name"]` in a Jinja template.
pub fn jinja_claims(source: &str) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    let bytes = source.as_bytes();
    for (at, _) in source.match_indices("portClaims") {
        if at > 0
            && (bytes[at - 1].is_ascii_alphanumeric()
                || bytes[at - 1] == b'_'
                || bytes[at - 1] == b'.')
        {
            continue;
        }
        let after = at + "portClaims".len();
        let rest = source.get(after..).unwrap_or("");
        if let Some(name) = rest.strip_prefix('.') {
            let len = name
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(name.len());
            if len > 0 && !name.starts_with(|c: char| c.is_ascii_digit()) {
                out.push((name[..len].to_string(), at, after + 1 + len));
            }
        } else if let Some(inner) = rest.strip_prefix('[') {
            let Some(quote) = inner.chars().next().filter(|c| *c == '\'' || *c == '"') else {
                continue;
            };
            let body = &inner[1..];
            if let Some(close) = body.find(quote) {
                if body[close + 1..].starts_with(']') {
                    out.push((body[..close].to_string(), at, after + 1 + 1 + close + 2));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The translator reads a variable bare only when no global answers to its name, and it
    /// knows the globals by the PHP functions' list and the `_` prefix: every global must be one
    /// or the other.
    #[test]
    fn every_global_is_a_php_function_or_underscored() {
        let stray: Vec<_> = all_globals()
            .globals()
            .map(|(name, _)| name)
            .filter(|name| !name.starts_with('_') && !crate::php::FUNCTIONS.contains(name))
            .collect();
        assert!(stray.is_empty(), "{stray:?}");
    }
}
