//! Filling a whole group one claim at a time: every port once, then a clear error, at a cost per
//! claim that does not grow with the fill.

use std::time::{Duration, Instant};

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

/// The fastest of five runs of `count` claims from `ledger`'s state, to keep noise from other
/// processes on the machine out of the comparison.
fn time_block(ledger: &Ledger, from: usize, count: usize) -> Duration {
    (0..5)
        .map(|run| {
            let mut copy = ledger.clone();
            let start = Instant::now();
            fill(&mut copy, from, count, 100 + run);
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

#[test]
fn filling_the_dynamic_range_hands_out_every_port_once() {
    let groups = Groups::default();
    let mut ledger = Ledger::new(vec![], &groups).unwrap();

    let first_block = time_block(&ledger, 0, BLOCK);
    let start = Instant::now();
    let mut ports = fill(&mut ledger, 0, SIZE - BLOCK, 1);
    let mut total = start.elapsed();
    let last_block = time_block(&ledger, SIZE - BLOCK, BLOCK);
    let start = Instant::now();
    ports.extend(fill(&mut ledger, SIZE - BLOCK, BLOCK, 2));
    total += start.elapsed();

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

    let ratio = last_block.as_secs_f64() / first_block.as_secs_f64();
    eprintln!(
        "full fill {total:?} ({:?} per claim); first {BLOCK}: {first_block:?}, last {BLOCK}: {last_block:?}, ratio {ratio:.2}",
        total / SIZE as u32
    );
    assert!(
        ratio <= 2.0,
        "the last claims cost {ratio:.2} times the first"
    );
    if !cfg!(debug_assertions) {
        assert!(
            total < Duration::from_millis(200),
            "full fill took {total:?}"
        );
    }
}
