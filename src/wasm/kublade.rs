//! Kublade's rules for the JS folder renderer (`js/folder.js`) and `check`: JSON text in and out,
//! as `crate::kublade::json` writes it.

use wasm_bindgen::prelude::*;

use super::error::error_with_field;
use super::tape::read_tape;
use crate::engine::Limits;
use crate::kublade::json;

/// `{ variables, problems }`: the variables Kublade renders a deployment with, for fields.json's
/// text (when the folder has one), the values document as the first `values_length` bytes of the
/// tape buffer (see `tape`; none when 0), the default `$namespace`, and whether fields the values
/// leave out take their defaults. `js/folder.js` writes the tape, refusing what JSON cannot carry.
#[wasm_bindgen(js_name = kubladeVariablesTape)]
pub fn kublade_variables_tape(
    fields: Option<String>,
    values_length: usize,
    namespace: &str,
    defaults: bool,
) -> Result<String, JsValue> {
    let limit = Limits::DEFAULT_MAX_VALUE_BYTES;
    if values_length > limit {
        return Err(error_with_field(
            "limit",
            "values",
            &format!(
                "values: values limit exceeded: the values are {values_length} bytes, more than the {limit} a render reads"
            ),
        ));
    }
    let values = read_tape(values_length, "values")?;
    Ok(json::variables_with(
        fields.as_deref(),
        &values,
        namespace,
        defaults,
    ))
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
