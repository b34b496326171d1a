//! Port claims: groups, the allocator and the reservation-store contract.
//!
//! A template declares claims ([`parse_claims`] reads Kublade's `.kublade/ports.json`); each
//! claim names a port group ([`Groups`]). To render a scope (one deployment), the host loads its
//! store's reservations into a [`Ledger`], asks it to [`decide`](Ledger::decide) every claim's
//! port, and commits the decision's [`Change`]. The core is pure and synchronous: it never
//! touches the store, so a refused commit is answered by reloading and deciding again.
//!
//! # The host's loop
//!
//! ```text
//! groups   = Groups::from_value(groups_config)          // once per configuration
//! claims   = parse_claims(ports_json)                   // once per template
//! loop (at most N attempts):
//!     snapshot = await store.load()                     // { revision, reservations }
//!     ledger   = Ledger::from_value(snapshot.reservations, &groups)
//!     decision = ledger.decide(scope, &claims, &mut rng(seed))
//!     if decision.change.is_empty() or dry run: render with decision.port_claims()
//!     else if await store.commit(snapshot.revision, decision.change): render
//!     else: reload and decide again (someone committed in between)
//! ```
//!
//! [`reserve`] is that loop for native stores ([`ReservationStore`], [`MemoryStore`]). A host
//! that keeps its ledger between renders calls [`Ledger::apply`] after each successful commit
//! instead of reloading.
//!
//! # Rules
//!
//! - A claim that holds a port in its group keeps it, even if the group's ranges changed since
//!   (with a warning). A claim whose group changed gets a new port and releases the old one.
//! - A new claim gets its preferred port if no one holds it, else (when `random` allows) a port
//!   drawn uniformly among its group's free ports.
//! - Ports are exclusive per protocol across every scope and group: `http` and `tcp` share TCP
//!   ports, `udp` has its own. Ports decided earlier in a render count as held.
//! - A decision fails whole or succeeds whole; its error names the claim.
//! - A draw costs the same however full its group is: see the `ports` module.
//! - No input makes the core panic; every error is one line naming the field or the claim.

mod config;
mod error;
mod groups;
mod holders;
mod ledger;
mod ports;
mod store;
pub(crate) mod tree;

pub use config::{Claim, parse_claims};
pub use error::ClaimsError;
pub use groups::{Group, Groups, Protocol};
pub use ledger::{
    Change, DEFAULT_SCOPE, Decision, Diagnostic, Ledger, Reservation, Severity, port_claims,
};
pub use ports::{rng, seed_secure, with_rng};
pub use store::{MemoryStore, ReservationStore, Snapshot, reserve};
