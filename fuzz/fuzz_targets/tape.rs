//! Arbitrary bytes as a value tape, read twice with the same keys (so the second reading names
//! keys the first one taught): reading returns a value or an error at an offset, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use portclaims::engine::values::{TapeKeys, from_tape};

fuzz_target!(|tape: &[u8]| {
    let mut keys = TapeKeys::default();
    for _ in 0..2 {
        if let Ok(value) = from_tape(tape, &mut keys) {
            let _ = value.to_string();
        }
    }
});
