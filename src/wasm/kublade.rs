//! Kublade's rules for the JS folder renderer (`js/folder.js`) and `check`: JSON text in and out,
//! as `crate::kublade::json` writes it.

use wasm_bindgen::prelude::*;

use crate::kublade::json;

/// `{ variables, problems }`: the variables Kublade renders a deployment with, for fields.json's
/// text (when the folder has one), the values document as JSON, the default `$namespace`, and
/// whether fields the values leave out take their defaults.
#[wasm_bindgen(js_name = kubladeVariables)]
pub fn kublade_variables(
    fields: Option<String>,
    values: &str,
    namespace: &str,
    defaults: bool,
) -> String {
    json::variables(fields.as_deref(), values, namespace, defaults)
}

/// The most bytes the values may take as JSON: the host counts what it expands (YAML aliases)
/// against it before it writes the JSON.
#[wasm_bindgen(js_name = maxValueBytes)]
pub fn max_value_bytes() -> usize {
    crate::engine::Limits::DEFAULT_MAX_VALUE_BYTES
}

/// `[{ kind, message, hint, range }]`: the traps Kublade sets in `source`, given the variables it
/// is rendered with (JSON, or empty).
#[wasm_bindgen(js_name = kubladeTraps)]
pub fn kublade_traps(source: &str, variables: &str) -> String {
    json::traps(source, variables)
}
