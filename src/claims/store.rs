//! The host's side of the contract: a store of reservations with optimistic concurrency.
//!
//! The JavaScript wrapper implements the same loop over an async store; this module gives native
//! users, tests and benchmarks a store to run it against.

use std::collections::BTreeMap;

use super::config::Claim;
use super::error::ClaimsError;
use super::groups::Groups;
use super::ledger::{Change, Decision, Ledger, Reservation};
use super::ports;

/// The store's reservations at one revision.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Snapshot {
    pub revision: u64,
    pub reservations: Vec<Reservation>,
}

/// Where reservations live between renders.
pub trait ReservationStore {
    /// The current reservations and the revision they are at.
    fn load(&mut self) -> Result<Snapshot, ClaimsError>;

    /// Applies `change` if the store is still at `base_revision`, and says whether it did.
    /// `Ok(false)` means someone committed in between: reload and decide again.
    fn commit(&mut self, base_revision: u64, change: &Change) -> Result<bool, ClaimsError>;
}

/// A store in memory: each commit moves it one revision on.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    revision: u64,
    entries: BTreeMap<(String, std::sync::Arc<str>), Reservation>,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// A store that starts with `reservations`, at revision 0. A later reservation of the same
    /// (scope, claim) replaces an earlier one; the store does not check ports, the ledger does.
    pub fn with_reservations(reservations: Vec<Reservation>) -> MemoryStore {
        let entries = reservations
            .into_iter()
            .map(|r| ((r.scope.clone(), r.claim.clone()), r))
            .collect();
        MemoryStore {
            revision: 0,
            entries,
        }
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The reservations, sorted by scope, then claim.
    pub fn reservations(&self) -> Vec<Reservation> {
        self.entries.values().cloned().collect()
    }
}

impl ReservationStore for MemoryStore {
    fn load(&mut self) -> Result<Snapshot, ClaimsError> {
        Ok(Snapshot {
            revision: self.revision,
            reservations: self.reservations(),
        })
    }

    fn commit(&mut self, base_revision: u64, change: &Change) -> Result<bool, ClaimsError> {
        if base_revision != self.revision {
            return Ok(false);
        }
        // The revision matched, so the change was decided from exactly these entries; a delete
        // that does not match is a bug in the caller, refused before anything changes.
        for (index, deleted) in change.delete.iter().enumerate() {
            if self
                .entries
                .get(&(deleted.scope.clone(), deleted.claim.clone()))
                != Some(deleted)
            {
                return Err(ClaimsError::at(
                    "change",
                    &format!("delete[{index}]"),
                    format!(
                        "scope {:?}, claim {:?} does not hold port {} in group {:?}",
                        deleted.scope, deleted.claim, deleted.port, deleted.group
                    ),
                ));
            }
        }
        for deleted in &change.delete {
            self.entries
                .remove(&(deleted.scope.clone(), deleted.claim.clone()));
        }
        for put in &change.put {
            self.entries
                .insert((put.scope.clone(), put.claim.clone()), put.clone());
        }
        self.revision = self.revision.wrapping_add(1);
        Ok(true)
    }
}

/// Decides the ports of a render of `scope` and commits them: one load and at most one commit
/// per attempt, no commit when nothing changed or on a `dry_run`. A refused commit is retried
/// from a fresh load, up to `max_attempts` times (at least once).
///
/// Each attempt starts the random generator afresh from `seed`, so a decision depends only on
/// the seed and the snapshot it was made from.
pub fn reserve(
    store: &mut impl ReservationStore,
    scope: &str,
    claims: &[Claim],
    groups: &Groups,
    seed: Option<u64>,
    dry_run: bool,
    max_attempts: usize,
) -> Result<Decision, ClaimsError> {
    let attempts = max_attempts.max(1);
    for _ in 0..attempts {
        let snapshot = store.load()?;
        let ledger = Ledger::new(snapshot.reservations, groups)?;
        let decision = ports::with_rng(seed, |rng| ledger.decide(scope, claims, rng))??;
        if dry_run || decision.change.is_empty() {
            return Ok(decision);
        }
        if store.commit(snapshot.revision, &decision.change)? {
            return Ok(decision);
        }
    }
    Err(ClaimsError::new(format!(
        "the store kept refusing commits ({attempts} attempts)"
    )))
}
