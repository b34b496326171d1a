//! The cost of deciding a claim as the group fills: `cargo bench --bench allocation`.
//!
//! Fills 49152-65535 (16,384 ports) one claim at a time, as 16,384 deployments would, and prints
//! the time per claim around 0%, 50%, 90% and 99.9% fill, the full fill, and last/first ratios.
//! `cargo bench --bench allocation -- --fill-only` runs just the full fill, for profilers;
//! `-- --plan-fill` runs the full fill the way the npm package's `Ledger.plan` and `apply` do it
//! (request JSON read, decision, render, change applied), and `-- --parts-fill` the way
//! `Ledger.planParts` does (the scope arrives as text, no request to read), for profilers too.

use std::time::{Duration, Instant};

use portclaims::claims::{Claim, Groups, Ledger, rng};

const SIZE: usize = 16384;
/// Claims around each fill level whose median is its cost.
const WINDOW: usize = 200;
const BLOCK: usize = 1000;

fn decide_and_apply(ledger: &mut Ledger, index: usize, rng: &mut rand::rngs::StdRng) -> u16 {
    let claims = [Claim::new("db", "tcp")];
    let decision = match ledger.decide(&format!("d{index}"), &claims, rng) {
        Ok(d) => d,
        Err(e) => panic!("claim {index}: {e}"),
    };
    if let Err(e) = ledger.apply(&decision.change) {
        panic!("claim {index}: {e}");
    }
    decision.ports[0].1
}

/// Time per claim for `count` claims decided from a copy of `ledger`, fastest of five runs.
fn per_claim(ledger: &Ledger, from: usize, count: usize) -> Duration {
    (0..5u64)
        .map(|run| {
            let mut copy = ledger.clone();
            let mut rng = rng(Some(1000 + run)).unwrap_or_else(|e| panic!("{e}"));
            let start = Instant::now();
            for i in from..from + count {
                decide_and_apply(&mut copy, i, &mut rng);
            }
            start.elapsed() / count as u32
        })
        .min()
        .unwrap_or_default()
}

/// The full fill through `plan::plan`, as `Ledger.plan` (or, with `parts`, `Ledger.planParts`)
/// then `Ledger.apply` run it in wasm.
fn plan_fill(parts: bool) {
    use portclaims::engine::{Options, Template, values::from_json};
    let groups = Groups::default();
    let mut ledger = Ledger::new(vec![], &groups).unwrap_or_else(|e| panic!("{e}"));
    let template = Template::compile("p0: {{ $portClaims['p0'] }}", &Options::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let claims = [Claim::new("p0", "tcp")];
    let start = Instant::now();
    for i in 0..SIZE {
        let (scope, values) = if parts {
            (format!("s{i}"), minijinja::Value::UNDEFINED)
        } else {
            let request =
                from_json(&format!(r#"{{"scope":"s{i}"}}"#)).unwrap_or_else(|e| panic!("{e}"));
            let scope = request
                .get_attr("scope")
                .ok()
                .and_then(|s| s.as_str().map(str::to_string))
                .unwrap_or_default();
            let values = request
                .get_attr("values")
                .unwrap_or(minijinja::Value::UNDEFINED);
            (scope, values)
        };
        let planned = portclaims::plan::plan(
            &ledger,
            &portclaims::plan::Request {
                template: &template,
                claims: &claims,
                values: &values,
                scope: &scope,
                seed: None,
            },
        )
        .unwrap_or_else(|e| panic!("claim {i}: {e}"));
        std::hint::black_box(&planned.output);
        ledger
            .apply_owned(planned.decision.change)
            .unwrap_or_else(|e| panic!("claim {i}: {e}"));
    }
    println!(
        "full fill of {SIZE} ports through plan: {:.2?}",
        start.elapsed()
    );
}

fn main() {
    if std::env::args().any(|a| a == "--plan-fill" || a == "--parts-fill") {
        plan_fill(std::env::args().any(|a| a == "--parts-fill"));
        return;
    }
    let groups = Groups::default();
    let empty = Ledger::new(vec![], &groups).unwrap_or_else(|e| panic!("{e}"));

    // The full fill, timed once as a user would see it.
    let mut ledger = empty.clone();
    let mut rng = rng(Some(1)).unwrap_or_else(|e| panic!("{e}"));
    let start = Instant::now();
    for i in 0..SIZE {
        decide_and_apply(&mut ledger, i, &mut rng);
    }
    let full = start.elapsed();
    if std::env::args().any(|a| a == "--fill-only") {
        // For profilers: nothing but the fill.
        println!("full fill of {SIZE} ports: {full:.2?}");
        return;
    }

    // Per-claim costs at given fills: a second fill, each claim timed, and the median of the
    // claims around each level. (Timing a few claims on a copy of the ledger measured the copy's
    // first growth: its vectors are cloned without spare room, and growing one faults in fresh
    // pages, which costs more than the claims.)
    let mut ledger = empty;
    let mut rng = portclaims::claims::rng(Some(2)).unwrap_or_else(|e| panic!("{e}"));
    let times: Vec<Duration> = (0..SIZE)
        .map(|i| {
            let start = Instant::now();
            decide_and_apply(&mut ledger, i, &mut rng);
            start.elapsed()
        })
        .collect();
    let mut costs = Vec::new();
    for (label, fraction) in [("0%", 0.0), ("50%", 0.5), ("90%", 0.9), ("99.9%", 0.999)] {
        let at = ((SIZE as f64 * fraction) as usize).clamp(WINDOW / 2, SIZE - WINDOW / 2);
        let mut window = times[at - WINDOW / 2..at + WINDOW / 2].to_vec();
        window.sort();
        let cost = window[WINDOW / 2];
        println!(
            "fill {label:>6} (claims {} to {}): {cost:>10.2?} per claim (median)",
            at - WINDOW / 2,
            at + WINDOW / 2
        );
        costs.push(cost);
    }

    let first_block = per_claim(
        &Ledger::new(vec![], &groups).unwrap_or_else(|e| panic!("{e}")),
        0,
        BLOCK,
    );
    let mut ledger = Ledger::new(vec![], &groups).unwrap_or_else(|e| panic!("{e}"));
    let mut rng = portclaims::claims::rng(Some(3)).unwrap_or_else(|e| panic!("{e}"));
    for i in 0..SIZE - BLOCK {
        decide_and_apply(&mut ledger, i, &mut rng);
    }
    let last_block = per_claim(&ledger, SIZE - BLOCK, BLOCK);

    println!(
        "full fill of {SIZE} ports: {full:.2?} ({:.2?} per claim)",
        full / SIZE as u32
    );
    println!(
        "first {BLOCK} claims: {first_block:.2?} per claim, last {BLOCK}: {last_block:.2?} per claim, ratio last/first {:.2}",
        last_block.as_secs_f64() / first_block.as_secs_f64()
    );
    if let (Some(first), Some(last)) = (costs.first(), costs.last()) {
        println!(
            "ratio 99.9%/0% fill: {:.2}",
            last.as_secs_f64() / first.as_secs_f64()
        );
    }
}
