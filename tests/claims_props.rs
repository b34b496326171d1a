//! Properties over random claim sets, random existing ledgers, and random interleavings of two
//! processes that render against one store at the same time.

use std::collections::{BTreeMap, HashSet};

use portclaims::claims::{
    Claim, ClaimsError, Decision, Groups, Ledger, MemoryStore, Protocol, Reservation,
    ReservationStore, rng,
};
use proptest::prelude::*;

/// Small, overlapping groups, so that claims collide and groups fill up: `http` and `tcp` share
/// TCP ports 8006-8011, `udp` and `games` are UDP.
fn groups() -> Groups {
    let config = r#"{
        "http": { "ranges": ["8000-8011"] },
        "tcp": { "ranges": ["8006-8019"], "exclude": [8010] },
        "udp": { "ranges": ["8000-8011"] },
        "games": { "ranges": ["8014-8023"], "protocol": "udp" },
        "tiny": { "ranges": ["8030-8031"] }
    }"#;
    Groups::from_value(&serde_json::from_str(config).unwrap()).unwrap()
}

const GROUPS: [&str; 5] = ["http", "tcp", "udp", "games", "tiny"];

fn existing_strategy() -> impl Strategy<Value = Vec<Reservation>> {
    prop::collection::vec(
        (0..3usize, 0..6usize, 0..GROUPS.len(), 7998u16..8034),
        0..24,
    )
    .prop_map(|raw| {
        // Keep what a valid store could hold: one reservation per (scope, claim), one holder per
        // (protocol, port).
        let g = groups();
        let mut keys = HashSet::new();
        let mut ports = HashSet::new();
        raw.into_iter()
            .filter_map(|(scope, claim, group, port)| {
                let r = Reservation::new(
                    format!("s{scope}"),
                    format!("c{claim}"),
                    GROUPS[group],
                    port,
                );
                let fresh_key = keys.insert((r.scope.clone(), r.claim.clone()));
                let fresh_port = ports.insert((g.protocol(&r.group), r.port));
                (fresh_key && fresh_port).then_some(r)
            })
            .collect()
    })
}

fn claims_strategy() -> impl Strategy<Value = Vec<Claim>> {
    prop::collection::vec(
        (
            0..6usize,
            0..GROUPS.len(),
            prop::option::of(7998u16..8034),
            any::<bool>(),
        ),
        0..7,
    )
    .prop_map(|raw| {
        let mut seen = HashSet::new();
        raw.into_iter()
            .filter(|(claim, ..)| seen.insert(*claim))
            .map(|(claim, group, preferred, random)| Claim {
                claim: format!("c{claim}").into(),
                group: GROUPS[group].into(),
                preferred_port: preferred,
                random,
            })
            .collect()
    })
}

fn owned(ledger: &Ledger) -> Vec<Reservation> {
    ledger.reservations().into_iter().cloned().collect()
}

/// Checks a successful decision step by step against the rules, replaying its ports in order.
fn check_decision(ledger: &Ledger, g: &Groups, scope: &str, claims: &[Claim], d: &Decision) {
    let names: Vec<&str> = d.ports.iter().map(|(n, _)| &**n).collect();
    let declared: Vec<&str> = claims.iter().map(|c| &*c.claim).collect();
    assert_eq!(names, declared, "ports come in declaration order");

    // Ports held as the render goes: the ledger's, less those of moved claims.
    let mut held: HashSet<(Protocol, u16)> = ledger
        .reservations()
        .iter()
        .map(|r| (g.protocol(&r.group), r.port))
        .collect();
    for c in claims {
        if let Some(r) = ledger.get(scope, &c.claim).filter(|r| r.group != c.group) {
            held.remove(&(g.protocol(&r.group), r.port));
            assert!(
                d.released().contains(r),
                "{r:?} moved group but was not released"
            );
        }
    }
    for (c, &(_, port)) in claims.iter().zip(&d.ports) {
        let protocol = g.protocol(&c.group);
        match ledger.get(scope, &c.claim) {
            Some(r) if r.group == c.group => {
                assert_eq!(port, r.port, "{} keeps its port", c.claim);
                continue;
            }
            _ => {}
        }
        let new = Reservation::new(scope, c.claim.clone(), c.group.clone(), port);
        assert!(d.allocated().contains(&new), "{new:?} is allocated");
        assert!(
            !held.contains(&(protocol, port)),
            "{} got held port {port}",
            c.claim
        );
        match c.preferred_port {
            Some(p) if !held.contains(&(protocol, p)) => {
                assert_eq!(port, p, "{} gets its free preferred port", c.claim)
            }
            Some(_) => assert!(c.random, "{} drew though random is false", c.claim),
            None => {}
        }
        if c.preferred_port != Some(port) {
            assert!(
                g.get(&c.group).allows(port),
                "{} drew {port} outside {}",
                c.claim,
                c.group
            );
        }
        held.insert((protocol, port));
    }
}

/// A failed decision must fail for a reason the rules give.
fn check_failure(ledger: &Ledger, g: &Groups, scope: &str, claims: &[Claim], e: &ClaimsError) {
    let name = e
        .claim
        .as_deref()
        .unwrap_or_else(|| panic!("error names no claim: {e}"));
    let claim = claims
        .iter()
        .find(|c| *c.claim == *name)
        .unwrap_or_else(|| panic!("unknown claim in {e}"));
    let group = g.get(&claim.group);
    let protocol = group.protocol();
    let held = |p: u16| {
        ledger.holder(protocol, p).is_some_and(|r| {
            r.scope != scope
                || claims
                    .iter()
                    .all(|c| c.claim != r.claim || c.group == r.group)
        })
    };
    if e.message.contains("has no free port") {
        let free = (1..=u16::MAX)
            .filter(|&p| group.allows(p) && !held(p))
            .count();
        // Only ports decided earlier in this render can have used up the rest.
        assert!(free < claims.len(), "{e}: {free} ports were free");
    } else if e.message.contains("\"random\" is false") {
        assert!(!claim.random, "{e}");
        let p = claim.preferred_port.unwrap_or_else(|| panic!("{e}"));
        let earlier_may_hold = claims.iter().take_while(|c| *c.claim != *name).count() > 0;
        assert!(held(p) || earlier_may_hold, "{e}: port {p} was free");
    } else {
        panic!("unexpected failure: {e}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn decisions_follow_the_rules(
        existing in existing_strategy(),
        claims in claims_strategy(),
        scope in 0..3usize,
        seed in any::<u64>(),
    ) {
        let g = groups();
        let scope = format!("s{scope}");
        let ledger = Ledger::new(existing.clone(), &g).unwrap();
        match ledger.decide(&scope, &claims, &mut rng(Some(seed)).unwrap()) {
            Ok(d) => {
                check_decision(&ledger, &g, &scope, &claims, &d);
                let mut applied = ledger.clone();
                applied.apply(&d.change).unwrap();
                // No port twice per protocol: a fresh ledger accepts the result.
                let rebuilt = Ledger::new(owned(&applied), &g).unwrap();
                // Other scopes are untouched.
                let others = |l: &Ledger| owned(l).into_iter().filter(|r| r.scope != scope).collect::<Vec<_>>();
                prop_assert_eq!(others(&ledger), others(&applied));
                // Deciding again, from the kept ledger or a reload, changes nothing.
                for l in [&applied, &rebuilt] {
                    let again = l.decide(&scope, &claims, &mut rng(Some(seed ^ 1)).unwrap()).unwrap();
                    prop_assert_eq!(&again.ports, &d.ports);
                    prop_assert!(again.change.is_empty());
                }
            }
            Err(e) => check_failure(&ledger, &g, &scope, &claims, &e),
        }
    }

    #[test]
    fn release_and_prune_remove_only_what_they_say(
        existing in existing_strategy(),
        claims in claims_strategy(),
        scope in 0..3usize,
    ) {
        let g = groups();
        let scope = format!("s{scope}");
        let ledger = Ledger::new(existing, &g).unwrap();
        let declared: HashSet<&str> = claims.iter().map(|c| &*c.claim).collect();
        let mut pruned = ledger.clone();
        pruned.apply(&ledger.prune(&scope, &claims)).unwrap();
        for r in owned(&ledger) {
            let gone = r.scope == scope && !declared.contains(&*r.claim);
            prop_assert_eq!(pruned.get(&r.scope, &r.claim).is_none(), gone);
        }
        let mut released = ledger.clone();
        released.apply(&ledger.release_scope(&scope)).unwrap();
        prop_assert!(owned(&released).iter().all(|r| r.scope != scope));
        prop_assert_eq!(released.len(), owned(&ledger).iter().filter(|r| r.scope != scope).count());
    }

    #[test]
    fn a_ledger_kept_by_apply_decides_like_a_reloaded_one(
        existing in existing_strategy(),
        renders in prop::collection::vec((0..3usize, claims_strategy(), 0..4u8), 1..12),
        seed in any::<u64>(),
    ) {
        let g = groups();
        let mut kept = Ledger::new(existing, &g).unwrap();
        for (step, (scope, claims, action)) in renders.into_iter().enumerate() {
            let scope = format!("s{scope}");
            let seed = seed.wrapping_add(step as u64);
            let reloaded = Ledger::new(owned(&kept), &g).unwrap();
            let decided = kept.decide(&scope, &claims, &mut rng(Some(seed)).unwrap());
            let expected = reloaded.decide(&scope, &claims, &mut rng(Some(seed)).unwrap());
            prop_assert_eq!(&decided, &expected);
            let change = match (action, decided) {
                (0, _) => kept.release_scope(&scope),
                (1, _) => kept.prune(&scope, &claims[..claims.len() / 2]),
                (_, Ok(d)) => d.change,
                (_, Err(_)) => continue,
            };
            kept.apply(&change).unwrap();
        }
    }

    #[test]
    fn racing_processes_never_share_a_port_or_lose_one(
        existing in existing_strategy(),
        first in (0..3usize, claims_strategy()),
        second in (0..3usize, claims_strategy()),
        schedule in prop::collection::vec(any::<bool>(), 0..24),
        seed in any::<u64>(),
    ) {
        let g = groups();
        let mut store = MemoryStore::with_reservations(existing);
        let (a_scope, a_claims) = first;
        // Two renders of one scope render the same template; renders of two scopes may differ.
        let (b_scope, b_claims) = if second.0 == a_scope { (a_scope, a_claims.clone()) } else { second };
        let mut processes = [
            Process::new(format!("s{a_scope}"), a_claims, seed),
            Process::new(format!("s{b_scope}"), b_claims, seed.wrapping_add(1)),
        ];
        let mut steps = schedule.into_iter().map(usize::from).chain((0..200).map(|i| i % 2));
        while processes.iter().any(|p| !p.finished()) {
            let next = steps.next().unwrap_or(0);
            processes[next].step(&mut store, &g);
        }

        // No port twice per protocol: the store's contents form a valid ledger.
        let final_ledger = Ledger::new(store.reservations(), &g).unwrap();
        for p in &processes {
            match &p.phase {
                Phase::Done(d) => {
                    // Nothing lost: every port a finished render used is still reserved for it.
                    for (claim, port) in &d.ports {
                        let held = final_ledger.get(&p.scope, claim).map(|r| r.port);
                        prop_assert_eq!(held, Some(*port), "{} lost {}", p.scope, claim);
                    }
                }
                Phase::Failed(e) => {
                    prop_assert!(
                        e.message.contains("has no free port") || e.message.contains("\"random\" is false"),
                        "unexpected failure: {}", e
                    );
                }
                _ => unreachable!(),
            }
        }
        if let [Process { phase: Phase::Done(a), scope: sa, .. }, Process { phase: Phase::Done(b), scope: sb, .. }] = &processes
            && sa == sb
        {
            prop_assert_eq!(&a.ports, &b.ports, "racing renders of one scope agree");
        }
    }
}

enum Phase {
    Load,
    Commit(u64, Decision),
    Done(Decision),
    Failed(ClaimsError),
}

/// One render going through the store contract one step at a time: load and decide, then commit.
struct Process {
    scope: String,
    claims: Vec<Claim>,
    seed: u64,
    attempts: usize,
    phase: Phase,
}

impl Process {
    fn new(scope: String, claims: Vec<Claim>, seed: u64) -> Process {
        Process {
            scope,
            claims,
            seed,
            attempts: 0,
            phase: Phase::Load,
        }
    }

    fn finished(&self) -> bool {
        matches!(self.phase, Phase::Done(_) | Phase::Failed(_))
    }

    fn step(&mut self, store: &mut MemoryStore, g: &Groups) {
        let phase = std::mem::replace(&mut self.phase, Phase::Load);
        self.phase = match phase {
            Phase::Load => {
                self.attempts += 1;
                assert!(self.attempts < 50, "a render kept being refused");
                let snapshot = store.load().unwrap();
                let ledger = Ledger::new(snapshot.reservations, g).unwrap();
                let seed = self.seed.wrapping_add(self.attempts as u64);
                match ledger.decide(&self.scope, &self.claims, &mut rng(Some(seed)).unwrap()) {
                    Ok(d) if d.change.is_empty() => Phase::Done(d),
                    Ok(d) => Phase::Commit(snapshot.revision, d),
                    Err(e) => Phase::Failed(e),
                }
            }
            Phase::Commit(revision, d) => {
                if store.commit(revision, &d.change).unwrap() {
                    Phase::Done(d)
                } else {
                    Phase::Load
                }
            }
            finished => finished,
        };
    }
}

#[test]
fn the_checks_catch_a_wrong_decision() {
    // The property checks must be able to fail: feed them a decision that hands out a held port.
    let g = groups();
    let ledger = Ledger::new(vec![Reservation::new("other", "c0", "http", 8001)], &g).unwrap();
    let claims = [Claim::new("c1", "http")];
    let mut d = ledger
        .decide("s0", &claims, &mut rng(Some(1)).unwrap())
        .unwrap();
    d.ports[0].1 = 8001;
    d.change.put[0].port = 8001;
    let caught = std::panic::catch_unwind(|| check_decision(&ledger, &g, "s0", &claims, &d));
    assert!(caught.is_err());
    let by_scope: BTreeMap<_, _> = ledger
        .reservations()
        .iter()
        .map(|r| (r.scope.clone(), r.port))
        .collect();
    assert_eq!(by_scope.get("other"), Some(&8001));
}
