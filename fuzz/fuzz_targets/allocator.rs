//! Byte-driven sequences of decisions, commits and releases against small groups: no port is ever
//! held twice per protocol, and nothing panics.
#![no_main]
use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use minijinja::Value;
use portclaims::claims::{Claim, Groups, Ledger, Protocol};

fuzz_target!(|bytes: &[u8]| {
    let groups = serde_json::json!({
        "a": { "ranges": ["40000-40007"] },
        "b": { "ranges": ["40004-40011"], "exclude": [40010] },
        "u": { "ranges": ["40000-40003"], "protocol": "udp" },
    });
    let Ok(groups) = Groups::from_value(&Value::from(minijinja::value::Serde(&groups))) else {
        return;
    };
    let Ok(mut ledger) = Ledger::new(Vec::new(), &groups) else {
        return;
    };
    let mut rng = match portclaims::claims::rng(Some(7)) {
        Ok(rng) => rng,
        Err(_) => return,
    };
    for chunk in bytes.chunks(3) {
        let [op, a, b] = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let scope = format!("s{}", a % 4);
        let group = ["a", "b", "u", "tcp"][usize::from(b % 4)];
        let mut claim = Claim::new(format!("c{}", b % 5), group);
        if op & 0x10 != 0 {
            claim = claim.preferring(40000 + u16::from(a % 12), op & 0x20 != 0);
        }
        let change = match op % 3 {
            0 => match ledger.decide(&scope, &[claim], &mut rng) {
                Ok(decision) => decision.change,
                Err(_) => continue,
            },
            1 => ledger.release_claim(&scope, &format!("c{}", b % 5)),
            _ => ledger.release_scope(&scope),
        };
        if ledger.apply(&change).is_err() {
            continue;
        }
        let mut held = HashSet::new();
        for r in ledger.reservations() {
            let protocol: Protocol = groups.protocol(&r.group);
            assert!(held.insert((protocol, r.port)), "port {} held twice", r.port);
        }
    }
});
