//! Plain minijinja behind wasm-bindgen: a template compiled once, rendered with values read from
//! JSON text (as portclaims receives them) or with values read once and reused (no engine can
//! render for less).

use minijinja::{AutoEscape, Environment, Value};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct Floor {
    env: Environment<'static>,
    prebuilt: Value,
}

/// minijinja's own `Deserialize`: JSON straight into its values, no tree in between.
fn read(json: &str) -> Result<Value, JsError> {
    Ok(serde_json::from_str(json)?)
}

#[wasm_bindgen]
impl Floor {
    /// Compiles `template` as the benchmark's nunjucks does (HTML escaping, `trimBlocks`) and
    /// reads `values` once.
    #[wasm_bindgen(constructor)]
    pub fn new(template: String, values: &str) -> Result<Floor, JsError> {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .trim_blocks(true)
                .build()?,
        );
        env.add_template_owned("t", template)?;
        Ok(Floor {
            env,
            prebuilt: read(values)?,
        })
    }

    /// Renders with the values read by `new`.
    #[wasm_bindgen(js_name = renderPrebuilt)]
    pub fn render_prebuilt(&self) -> Result<String, JsError> {
        Ok(self.env.get_template("t")?.render(&self.prebuilt)?)
    }

    /// Reads `values` from JSON text, then renders.
    #[wasm_bindgen(js_name = renderJson)]
    pub fn render_json(&self, values: &str) -> Result<String, JsError> {
        Ok(self.env.get_template("t")?.render(read(values)?)?)
    }
}
