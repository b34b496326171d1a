//! The buffer `js/tape.js` writes value tapes into (the format is in `engine::values::tape`).
//! It lives in the module's own memory, so a render's variables cross without being copied.

use std::cell::RefCell;

use minijinja::Value;
use wasm_bindgen::prelude::*;

use super::error::config_error;
use crate::engine::values::{TapeKeys, from_tape};

thread_local! {
    static TAPE: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static KEYS: RefCell<TapeKeys> = RefCell::new(TapeKeys::default());
}

/// What `js/tape.js` writes with: the module's memory, to write tapes into, and the format's
/// tags, key flags and deepest nesting, which are defined once, in `engine::values::tape`.
#[wasm_bindgen(js_name = tapeFormat)]
pub fn tape_format() -> JsValue {
    use crate::engine::values::tape as format;
    let object = js_sys::Object::new();
    let set = |key: &str, value: JsValue| {
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(key), &value);
    };
    set("memory", wasm_bindgen::memory());
    for (name, tag) in format::TAGS {
        set(name, JsValue::from(tag));
    }
    set("KEY_KNOWN", JsValue::from(format::KEY_KNOWN));
    set("KEY_NEW", JsValue::from(format::KEY_NEW));
    set("MAX_DEPTH", JsValue::from(format::MAX_DEPTH as u32));
    object.into()
}

/// A buffer larger than this, asked for a quarter of it or less (as JS does when a tape starts
/// after a large one), gives the memory back.
const KEPT_BYTES: usize = 1 << 20;

/// Makes the tape buffer at least `bytes` long, keeping what it holds, and returns where it starts
/// (it moves when it grows or shrinks).
#[wasm_bindgen(js_name = tapeRoom)]
pub fn tape_room(bytes: usize) -> *const u8 {
    TAPE.with(|tape| {
        let mut tape = tape.borrow_mut();
        if tape.len() < bytes {
            tape.resize(bytes, 0);
        } else if tape.len() > KEPT_BYTES && bytes <= tape.len() / 4 {
            tape.truncate(bytes);
            tape.shrink_to_fit();
        }
        tape.as_ptr()
    })
}

/// The value the tape's first `length` bytes hold (none, when 0: the host gave no values); errors
/// name `field`.
pub(super) fn read_tape(length: usize, field: &str) -> Result<Value, JsValue> {
    if length == 0 {
        return Ok(Value::UNDEFINED);
    }
    TAPE.with(|tape| match tape.borrow().get(..length) {
        Some(bytes) => KEYS
            .with(|keys| from_tape(bytes, &mut keys.borrow_mut()))
            .map_err(|e| config_error(field, &e.to_string())),
        None => Err(config_error(
            field,
            &format!("the value tape holds fewer than {length} bytes"),
        )),
    })
}
