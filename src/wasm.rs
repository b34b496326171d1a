//! The wasm-bindgen bindings the npm package uses.
