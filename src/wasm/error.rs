//! Errors as JS `Error`s: a one-line message, and where the problem is as properties.

use wasm_bindgen::JsValue;

use crate::claims::ClaimsError;
use crate::engine;
use crate::plan;

#[derive(Default)]
pub(super) struct Location<'a> {
    file: Option<&'a str>,
    field: Option<&'a str>,
    span: Option<engine::Span>,
    source_line: Option<&'a str>,
}

pub(super) fn error(kind: &str, message: &str, at: &Location<'_>) -> JsValue {
    let error = js_sys::Error::new(message);
    let set = |key: &str, value: JsValue| {
        let _ = js_sys::Reflect::set(&error, &JsValue::from_str(key), &value);
    };
    set("kind", JsValue::from_str(kind));
    if let Some(file) = at.file {
        set("file", JsValue::from_str(file));
    }
    if let Some(field) = at.field {
        set("field", JsValue::from_str(field));
    }
    if let Some(span) = at.span {
        set("line", JsValue::from(span.start_line as u32));
        set("column", JsValue::from(span.start_column as u32));
        set("endLine", JsValue::from(span.end_line as u32));
        set("endColumn", JsValue::from(span.end_column as u32));
    }
    if let Some(line) = at.source_line {
        set("sourceLine", JsValue::from_str(line));
    }
    error.into()
}

pub(super) fn config_error(field: &str, message: &str) -> JsValue {
    let at = Location {
        field: Some(field),
        ..Default::default()
    };
    error("config", &format!("{field}: {message}"), &at)
}

/// An error of `kind` about the input `field` (`values`), its message as given.
pub(super) fn error_with_field(kind: &str, field: &str, message: &str) -> JsValue {
    let at = Location {
        field: Some(field),
        ..Default::default()
    };
    error(kind, message, &at)
}

pub(super) fn template_error(e: engine::Error) -> JsValue {
    let kind = match e.kind {
        engine::ErrorKind::Syntax => "syntax",
        engine::ErrorKind::Undefined => "undefined",
        engine::ErrorKind::Runtime => "runtime",
        engine::ErrorKind::Limit => "limit",
        engine::ErrorKind::Sandbox => "sandbox",
    };
    // An error about the whole template has no line to show.
    let placed = e.span.start_line > 0;
    let at = Location {
        file: Some(&e.name),
        span: placed.then_some(e.span),
        source_line: placed.then_some(e.source_line.as_str()),
        ..Default::default()
    };
    let error = error(kind, &e.to_string(), &at);
    let set = |key: &str, value: &str| {
        let _ = js_sys::Reflect::set(&error, &JsValue::from_str(key), &JsValue::from_str(value));
    };
    // The message without its `file:line:column: `, for hosts that show the place apart.
    set("reason", &e.message.replace(['\n', '\r'], " "));
    // What an `Undefined …` error did not find: `variable` (without `$`) and the missing `key`.
    if let Some(missing) = e.missing.as_deref() {
        if let Some(variable) = &missing.variable {
            set("variable", variable);
        }
        if let Some(key) = &missing.key {
            set("key", key);
        }
    }
    error
}

/// A claims error with its parts as properties, so that hosts place it without reading the
/// message: `source` (the input it is in: `ports.json`, `port groups`, `reservations`,
/// `change`), `field` (where in it), `claim` (the claim a decision failed for), `group` (the
/// group that had no port to give it), `holder` (`{ scope, claim }` holding the port it insisted
/// on), `reason` (the message without its location) and `detail` (the message without the
/// input's name, for a host that names the input its own way: the file the user gave).
pub(super) fn claims_error(e: ClaimsError) -> JsValue {
    let at = Location {
        field: e.field.as_deref(),
        ..Default::default()
    };
    let error = error("claims", &e.to_string(), &at);
    let set = |key: &str, value: &str| {
        let _ = js_sys::Reflect::set(&error, &JsValue::from_str(key), &JsValue::from_str(value));
    };
    if let Some(source) = &e.document {
        set("source", source);
    }
    if let Some(claim) = &e.claim {
        set("claim", claim);
    }
    if let Some(group) = &e.group {
        set("group", group);
    }
    if let Some((scope, claim)) = e.holder.as_deref() {
        let holder = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&holder, &"scope".into(), &JsValue::from_str(scope));
        let _ = js_sys::Reflect::set(&holder, &"claim".into(), &JsValue::from_str(claim));
        let _ = js_sys::Reflect::set(&error, &"holder".into(), &holder);
    }
    set("reason", &e.message);
    set("detail", &e.detail());
    error
}

pub(super) fn plan_error(e: plan::Error) -> JsValue {
    match e {
        plan::Error::Template(e) => template_error(e),
        plan::Error::Claims(e) => claims_error(e),
    }
}
