//! Arbitrary JSON as ports.json, as a groups object and as a snapshot's reservations: parsing
//! returns a value or an error naming the field, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use minijinja::Value;
use portclaims::claims::{Groups, Ledger, parse_claims};

fuzz_target!(|input: &str| {
    let Ok(json) = serde_json::from_str::<serde_json::Value>(input) else {
        return;
    };
    let value = Value::from(minijinja::value::Serde(&json));
    let _ = parse_claims(&value);
    let groups = Groups::from_value(&value).unwrap_or_default();
    let _ = Ledger::from_value(&value, &groups);
});
