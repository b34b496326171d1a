//! The store contract: `reserve` loads, decides and commits, and retries refused commits.

use portclaims::claims::{
    Change, Claim, ClaimsError, Groups, Ledger, MemoryStore, Reservation, ReservationStore,
    Snapshot, reserve,
};

/// A memory store that refuses its first `refusals` commits, as if another process had committed
/// just before each one; it counts what it is asked.
struct Contended {
    inner: MemoryStore,
    refusals: usize,
    loads: usize,
    commits: usize,
    /// Committed by the "other process" at each refusal, so each retry sees a new revision.
    rival_port: u16,
}

impl Contended {
    fn new(refusals: usize) -> Contended {
        Contended {
            inner: MemoryStore::new(),
            refusals,
            loads: 0,
            commits: 0,
            rival_port: 50000,
        }
    }
}

impl ReservationStore for Contended {
    fn load(&mut self) -> Result<Snapshot, ClaimsError> {
        self.loads += 1;
        self.inner.load()
    }

    fn commit(&mut self, base_revision: u64, change: &Change) -> Result<bool, ClaimsError> {
        self.commits += 1;
        if self.refusals > 0 {
            self.refusals -= 1;
            let revision = self.inner.revision();
            let rival = Reservation::new(
                "rival",
                format!("c{}", self.rival_port),
                "tcp",
                self.rival_port,
            );
            self.rival_port += 1;
            assert!(self.inner.commit(
                revision,
                &Change {
                    put: vec![rival],
                    delete: vec![]
                }
            )?);
            return Ok(false);
        }
        self.inner.commit(base_revision, change)
    }
}

fn claims() -> Vec<Claim> {
    vec![Claim::new("web", "http"), Claim::new("db", "tcp")]
}

#[test]
fn reserve_commits_once_then_reuses() {
    let mut store = MemoryStore::new();
    let g = Groups::default();
    let first = reserve(&mut store, "shop", &claims(), &g, Some(1), false, 3).unwrap();
    assert_eq!(store.revision(), 1);
    assert_eq!(store.reservations().len(), 2);
    let again = reserve(&mut store, "shop", &claims(), &g, Some(2), false, 3).unwrap();
    assert_eq!(again.ports, first.ports);
    assert!(again.change.is_empty());
    assert_eq!(
        store.revision(),
        1,
        "nothing changed, so nothing was committed"
    );
}

#[test]
fn dry_run_commits_nothing() {
    let mut store = MemoryStore::new();
    let d = reserve(
        &mut store,
        "shop",
        &claims(),
        &Groups::default(),
        Some(1),
        true,
        3,
    )
    .unwrap();
    assert_eq!(d.allocated().len(), 2);
    assert_eq!((store.revision(), store.reservations().len()), (0, 0));
}

#[test]
fn refused_commits_are_retried_from_a_fresh_load() {
    let mut store = Contended::new(2);
    let g = Groups::default();
    let d = reserve(&mut store, "shop", &claims(), &g, Some(7), false, 5).unwrap();
    assert_eq!((store.loads, store.commits), (3, 3));
    let held = store.inner.reservations();
    assert_eq!(held.len(), 4, "two rivals and two of ours: {held:?}");
    for (claim, port) in &d.ports {
        assert!(
            held.contains(&Reservation::new(
                "shop",
                claim.clone(),
                d.allocated()
                    .iter()
                    .find(|r| &r.claim == claim)
                    .unwrap()
                    .group
                    .clone(),
                *port
            ))
        );
    }
    Ledger::new(held, &g).unwrap();
}

#[test]
fn a_store_that_keeps_refusing_is_given_up_on() {
    let mut store = Contended::new(10);
    let e = reserve(
        &mut store,
        "shop",
        &claims(),
        &Groups::default(),
        None,
        false,
        3,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "the store kept refusing commits (3 attempts)"
    );
    assert_eq!((store.loads, store.commits), (3, 3));
    // Zero attempts still tries once.
    let mut store = Contended::new(10);
    let e = reserve(
        &mut store,
        "shop",
        &claims(),
        &Groups::default(),
        None,
        false,
        0,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "the store kept refusing commits (1 attempts)"
    );
    assert_eq!(store.commits, 1);
}

#[test]
fn a_failing_decision_commits_nothing() {
    let g = Groups::from_value(
        &serde_json::from_str(r#"{ "tcp": { "ranges": ["100-100"] } }"#).unwrap(),
    )
    .unwrap();
    let mut store = MemoryStore::with_reservations(vec![Reservation::new("x", "y", "tcp", 100)]);
    let e = reserve(&mut store, "shop", &claims(), &g, Some(1), false, 3).unwrap_err();
    assert_eq!(e.claim.as_deref(), Some("db"));
    assert_eq!((store.revision(), store.reservations().len()), (0, 1));
}

#[test]
fn an_invalid_snapshot_is_an_error_not_a_decision() {
    let mut store = MemoryStore::with_reservations(vec![
        Reservation::new("a", "x", "tcp", 50000),
        Reservation::new("b", "y", "http", 50000),
    ]);
    let e = reserve(
        &mut store,
        "shop",
        &claims(),
        &Groups::default(),
        Some(1),
        false,
        3,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("reservations: [1].port: TCP port 50000 is held twice"),
        "{e}"
    );
}

#[test]
fn memory_store_commits_only_at_its_revision_and_refuses_bad_deletes() {
    let mut store = MemoryStore::new();
    let r = Reservation::new("a", "x", "tcp", 50000);
    let put = Change {
        put: vec![r.clone()],
        delete: vec![],
    };
    assert!(!store.commit(5, &put).unwrap());
    assert!(store.commit(0, &put).unwrap());
    assert!(!store.commit(0, &put).unwrap(), "revision 0 is gone");
    let wrong = Change {
        put: vec![],
        delete: vec![Reservation::new("a", "x", "tcp", 50001)],
    };
    assert_eq!(
        store.commit(1, &wrong).unwrap_err().to_string(),
        r#"change: delete[0]: scope "a", claim "x" does not hold port 50001 in group "tcp""#
    );
    assert_eq!(
        store.load().unwrap(),
        Snapshot {
            revision: 1,
            reservations: vec![r.clone()]
        }
    );
    assert!(
        store
            .commit(
                1,
                &Change {
                    put: vec![],
                    delete: vec![r]
                }
            )
            .unwrap()
    );
    assert_eq!(
        store.load().unwrap(),
        Snapshot {
            revision: 2,
            reservations: vec![]
        }
    );
}

#[test]
fn a_ledger_kept_with_apply_matches_a_reload() {
    let g = Groups::default();
    let mut store = MemoryStore::new();
    let mut ledger = Ledger::new(vec![], &g).unwrap();
    let mut rng = portclaims::claims::rng(Some(3)).unwrap();
    for i in 0..50 {
        let scope = format!("s{}", i % 7);
        let claims = vec![Claim::new(
            format!("c{}", i % 5),
            ["http", "tcp", "udp"][i % 3],
        )];
        let d = ledger.decide(&scope, &claims, &mut rng).unwrap();
        let revision = store.revision();
        assert!(store.commit(revision, &d.change).unwrap());
        // The WebAssembly bindings move committed changes in; both ways must agree.
        if i % 2 == 0 {
            ledger.apply(&d.change).unwrap();
        } else {
            ledger.apply_owned(d.change).unwrap();
        }
        if i % 11 == 0 {
            let change = ledger.release_scope(&scope);
            assert!(store.commit(store.revision(), &change).unwrap());
            ledger.apply_owned(change).unwrap();
        }
        let reloaded = Ledger::new(store.reservations(), &g).unwrap();
        assert_eq!(ledger.reservations(), reloaded.reservations());
        // A change the ledger no longer fits is refused whole, however it is handed over.
        let stale = ledger.release_scope(&scope);
        if !stale.is_empty() {
            let mut twice = stale.clone();
            twice.delete.extend(stale.delete.iter().cloned());
            assert!(ledger.apply_owned(twice).is_err());
            assert_eq!(ledger.reservations(), reloaded.reservations());
        }
    }
}
