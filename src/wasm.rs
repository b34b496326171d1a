//! The wasm-bindgen bindings the npm package uses.
use wasm_bindgen::prelude::*;

/// The package version, as Cargo knows it.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
