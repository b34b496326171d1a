//! Draws are uniform over a group's free ports: a chi-square test on small groups.
//!
//! The seeds are fixed, so the statistics are too: a correct draw passes every time, and the
//! thresholds (p = 0.001) leave a wide margin for any other seed.

use std::collections::BTreeMap;

use portclaims::claims::{Claim, Groups, Ledger, Reservation, rng};

/// Pearson's statistic for `counts` against equal expected counts.
fn chi_square(counts: &BTreeMap<u16, u32>, categories: usize) -> f64 {
    let total: u32 = counts.values().sum();
    let expected = f64::from(total) / categories as f64;
    let observed: f64 = counts
        .values()
        .map(|&c| (f64::from(c) - expected).powi(2) / expected)
        .sum();
    // Categories never drawn count too.
    let missing = categories.saturating_sub(counts.len()) as f64 * expected;
    observed + missing
}

fn groups(config: &str) -> Groups {
    Groups::from_value(&serde_json::from_str(config).unwrap()).unwrap()
}

#[test]
fn chi_square_flags_a_biased_draw() {
    // The statistic itself must be able to fail the tests below.
    let biased: BTreeMap<u16, u32> = (0..20)
        .map(|p| (p, if p < 10 { 1200 } else { 800 }))
        .collect();
    assert!(chi_square(&biased, 20) > 43.82);
    let fair: BTreeMap<u16, u32> = (0..20).map(|p| (p, 1000)).collect();
    assert_eq!(chi_square(&fair, 20), 0.0);
    let one_missing: BTreeMap<u16, u32> = (0..19).map(|p| (p, 1000)).collect();
    assert!(chi_square(&one_missing, 20) > 43.82);
}

#[test]
fn draws_are_uniform_over_an_empty_group() {
    let g = groups(r#"{ "tcp": { "ranges": ["30000-30019"] } }"#);
    let ledger = Ledger::new(vec![], &g).unwrap();
    let claims = [Claim::new("db", "tcp")];
    let mut counts = BTreeMap::new();
    for seed in 0..20_000 {
        let d = ledger
            .decide("s", &claims, &mut rng(Some(seed)).unwrap())
            .unwrap();
        *counts.entry(d.ports[0].1).or_insert(0u32) += 1;
    }
    assert!(counts.keys().all(|p| (30000..=30019).contains(p)));
    let stat = chi_square(&counts, 20);
    // 19 degrees of freedom: P(X > 43.82) = 0.001.
    assert!(stat < 43.82, "chi-square {stat:.1} for {counts:?}");
}

#[test]
fn draws_are_uniform_over_the_free_ports_of_a_partly_taken_group() {
    // 60-79 spans two words of the bitset; some ports are held by other scopes, one is taken by
    // an earlier claim of the same render, and one was released by a claim that moved group.
    let g = groups(r#"{ "tcp": { "ranges": ["60-79"] }, "other": { "ranges": ["1000-1001"] } }"#);
    let held = [(61, "a"), (63, "b"), (64, "c"), (70, "d"), (79, "e")];
    let mut reservations: Vec<Reservation> = held
        .iter()
        .map(|&(p, s)| Reservation::new(s, "x", "tcp", p))
        .collect();
    reservations.push(Reservation::new("s", "moved", "tcp", 75));
    let ledger = Ledger::new(reservations, &g).unwrap();
    let claims = [
        Claim::new("first", "tcp").preferring(62, false),
        Claim::new("moved", "other"),
        Claim::new("db", "tcp"),
    ];
    let free: Vec<u16> = (60..=79)
        .filter(|p| ![61, 62, 63, 64, 70, 79].contains(p))
        .collect();
    let mut counts = BTreeMap::new();
    for seed in 0..14_000 {
        let d = ledger
            .decide("s", &claims, &mut rng(Some(seed)).unwrap())
            .unwrap();
        let port = d.port("db").unwrap();
        assert!(free.contains(&port), "drew {port}");
        *counts.entry(port).or_insert(0u32) += 1;
    }
    assert!(counts.contains_key(&75), "the released port is drawn again");
    let stat = chi_square(&counts, free.len());
    // 13 degrees of freedom: P(X > 34.53) = 0.001.
    assert_eq!(free.len(), 14);
    assert!(stat < 34.53, "chi-square {stat:.1} for {counts:?}");
}

#[test]
fn draws_are_uniform_over_the_dynamic_range() {
    // Over 16,384 ports, compare halves and quarters (the draw walks from either end).
    let ledger = Ledger::new(vec![], &Groups::default()).unwrap();
    let claims = [Claim::new("db", "tcp")];
    let mut quarters = BTreeMap::new();
    for seed in 0..8_000 {
        let port = ledger
            .decide("s", &claims, &mut rng(Some(seed)).unwrap())
            .unwrap()
            .ports[0]
            .1;
        *quarters.entry((port - 49152) / 4096).or_insert(0u32) += 1;
    }
    let stat = chi_square(&quarters, 4);
    // 3 degrees of freedom: P(X > 16.27) = 0.001.
    assert!(stat < 16.27, "chi-square {stat:.1} for {quarters:?}");
}
