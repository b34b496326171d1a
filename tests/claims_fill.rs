//! Filling a whole group one claim at a time: every port once, then a clear error. (What it costs
//! per claim as the group fills is measured by `cargo bench --bench allocation`, not here.)

use portclaims::claims::{Claim, Groups, Ledger, rng};

const SIZE: usize = 16384;
const BLOCK: usize = 1000;

/// Decides and applies one claim for each of `count` new scopes.
fn fill(ledger: &mut Ledger, from: usize, count: usize, seed: u64) -> Vec<u16> {
    let mut rng = rng(Some(seed)).unwrap();
    let claims = [Claim::new("db", "tcp")];
    (from..from + count)
        .map(|i| {
            let d = ledger.decide(&format!("d{i}"), &claims, &mut rng).unwrap();
            ledger.apply(&d.change).unwrap();
            d.ports[0].1
        })
        .collect()
}

#[test]
fn filling_the_dynamic_range_hands_out_every_port_once() {
    let groups = Groups::default();
    let mut ledger = Ledger::new(vec![], &groups).unwrap();

    let mut ports = fill(&mut ledger, 0, SIZE - BLOCK, 1);
    ports.extend(fill(&mut ledger, SIZE - BLOCK, BLOCK, 2));

    ports.sort_unstable();
    let expected: Vec<u16> = (49152..=65535).collect();
    assert_eq!(ports, expected, "every port of 49152-65535 exactly once");

    let e = ledger
        .decide(
            "one-more",
            &[Claim::new("db", "tcp")],
            &mut rng(Some(3)).unwrap(),
        )
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"claim "db": group "tcp" has no free port: 16384 of 16384 ports in 49152-65535 are reserved"#
    );
    // UDP is another protocol: the same ports are still free there.
    let d = ledger
        .decide(
            "one-more",
            &[Claim::new("dns", "udp")],
            &mut rng(Some(3)).unwrap(),
        )
        .unwrap();
    assert!(d.ports[0].1 >= 49152);
}
