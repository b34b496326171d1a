//! Reading requests: JSON text from the JS layer into values, options and claims, with errors
//! that name the option.

use minijinja::Value;
use minijinja::value::ValueKind;
use wasm_bindgen::JsValue;

use super::error::{Location, claims_error, config_error, error};
use crate::claims::{self, Groups};
use crate::engine;
use crate::plan::DEFAULT_SCOPE;

pub(super) fn read(json: &str) -> Result<Value, JsValue> {
    if json.is_empty() {
        return Ok(Value::UNDEFINED);
    }
    crate::engine::values::from_json(json).map_err(|e| {
        error(
            "config",
            &format!("cannot read the options: {e}"),
            &Location::default(),
        )
    })
}

pub(super) fn field(object: &Value, name: &str) -> Value {
    object.get_attr(name).unwrap_or(Value::UNDEFINED)
}

pub(super) fn string_field(object: &Value, name: &str) -> Result<Option<String>, JsValue> {
    let value = field(object, name);
    if value.is_undefined() || value.is_none() {
        return Ok(None);
    }
    match value.as_str() {
        Some(s) => Ok(Some(s.to_string())),
        None => Err(config_error(
            name,
            &format!("must be a string, got {value}"),
        )),
    }
}

pub(super) fn choice<T: Copy>(
    object: &Value,
    name: &str,
    choices: &[(&str, T)],
) -> Result<T, JsValue> {
    let Some(value) = string_field(object, name)? else {
        return Ok(choices[0].1);
    };
    choices
        .iter()
        .find(|(label, _)| *label == value)
        .map(|(_, choice)| *choice)
        .ok_or_else(|| {
            let labels: Vec<_> = choices.iter().map(|(label, _)| *label).collect();
            config_error(
                name,
                &format!("must be one of {}, got {value:?}", labels.join(", ")),
            )
        })
}

/// The limits a host may set (see [`template_options`]).
const LIMITS: [&str; 3] = ["fuel", "maxOutputBytes", "maxNesting"];

pub(super) fn template_options(request: &Value) -> Result<engine::Options, JsValue> {
    use engine::{Dialect, Escape, Whitespace};
    let mut options = engine::Options {
        dialect: choice(
            request,
            "dialect",
            &[("blade", Dialect::Blade), ("jinja", Dialect::Jinja)],
        )?,
        escape: choice(
            request,
            "escape",
            &[("html", Escape::Html), ("none", Escape::None)],
        )?,
        whitespace: choice(
            request,
            "whitespace",
            &[("blade", Whitespace::Blade), ("smart", Whitespace::Smart)],
        )?,
        name: string_field(request, "name")?.unwrap_or_default(),
        ..Default::default()
    };
    let limits = field(request, "limits");
    if !limits.is_undefined() && !limits.is_none() {
        if limits.kind() != ValueKind::Map {
            return Err(config_error(
                "limits",
                &format!("must be an object of {}, got {limits}", LIMITS.join(", ")),
            ));
        }
        // A misspelt limit would leave the default in force, silently.
        for key in limits.try_iter().into_iter().flatten() {
            let key = key.to_string();
            if !LIMITS.contains(&key.as_str()) {
                return Err(config_error(
                    &format!("limits.{key}"),
                    &format!("unknown limit; the limits are {}", LIMITS.join(", ")),
                ));
            }
        }
        if let Some(fuel) = positive(&limits, "fuel")? {
            options.limits.fuel = Some(fuel);
        }
        if let Some(bytes) = positive(&limits, "maxOutputBytes")? {
            options.limits.max_output_bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
        }
        if let Some(depth) = positive(&limits, "maxNesting")? {
            options.limits.max_nesting = usize::try_from(depth).unwrap_or(usize::MAX);
        }
    }
    Ok(options)
}

pub(super) fn positive(object: &Value, name: &str) -> Result<Option<u64>, JsValue> {
    let value = field(object, name);
    if value.is_undefined() || value.is_none() {
        return Ok(None);
    }
    match value.as_i64().and_then(|n| u64::try_from(n).ok()) {
        Some(n) if n > 0 => Ok(Some(n)),
        _ => Err(config_error(
            &format!("limits.{name}"),
            &format!("must be a positive integer, got {value}"),
        )),
    }
}

pub(super) fn scope_of(request: &Value) -> Result<String, JsValue> {
    scope_or_default(string_field(request, "scope")?)
}

/// The scope the host named, or [`DEFAULT_SCOPE`] when it named none.
pub(super) fn scope_or_default(scope: Option<String>) -> Result<String, JsValue> {
    match scope {
        Some(scope) if scope.is_empty() => Err(config_error("scope", "must not be empty")),
        Some(scope) => Ok(scope),
        None => Ok(DEFAULT_SCOPE.to_string()),
    }
}

/// Seeds arrive as strings (the JS layer stringifies them) so that every u64 survives.
pub(super) fn seed_of(request: &Value) -> Result<Option<u64>, JsValue> {
    let value = field(request, "seed");
    if value.is_undefined() || value.is_none() {
        return Ok(None);
    }
    parse_seed(&value.to_string()).map(Some)
}

pub(super) fn parse_seed(text: &str) -> Result<u64, JsValue> {
    text.parse::<u64>().map_err(|_| {
        config_error(
            "seed",
            &format!("must be an integer from 0 to 18446744073709551615, got {text}"),
        )
    })
}

pub(super) fn parse_claims(value: &Value) -> Result<Vec<claims::Claim>, JsValue> {
    if value.is_undefined() || value.is_none() {
        return Ok(Vec::new());
    }
    claims::parse_claims(value).map_err(claims_error)
}

pub(super) fn parse_groups(value: &Value) -> Result<Groups, JsValue> {
    if value.is_undefined() || value.is_none() {
        return Ok(Groups::default());
    }
    Groups::from_value(value).map_err(claims_error)
}

/// Template variables: an object of them, or nothing (`null`/absent) for none.
pub(super) fn variables(value: Value, name: &str) -> Result<Value, JsValue> {
    let absent = value.is_undefined() || value.is_none();
    if !absent && value.kind() != minijinja::value::ValueKind::Map {
        return Err(config_error(
            name,
            &format!(
                "must be an object of template variables, got {}",
                claims::tree::describe(&value)
            ),
        ));
    }
    Ok(value)
}
