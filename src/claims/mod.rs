//! Port claims: groups, the allocator and the reservation-store contract.
//!
//! A template declares claims ([`parse_claims`] reads Kublade's `.kublade/ports.json`); each
//! claim names a port group ([`Groups`]). To render a scope (a deployment), the host loads its
//! store's reservations into a [`Ledger`], asks it to [`decide`](Ledger::decide) every claim's
//! port, and commits the decision's [`Change`]. The core is pure and synchronous: it never
//! touches the store, so a refused commit is answered by reloading and deciding again
//! ([`reserve`] is that loop for native stores).
//!
//! Ports are exclusive per protocol across every scope and group (`http` and `tcp` share TCP
//! ports), and a draw costs the same however full its group is (see [`ports`]).

mod config;
mod error;
mod groups;
mod ledger;
mod ports;
mod store;
mod tree;

pub use config::{Claim, parse_claims};
pub use error::ClaimsError;
pub use groups::{Group, Groups, Protocol};
pub use ledger::{Change, DEFAULT_SCOPE, Decision, Diagnostic, Ledger, Reservation, Severity};
pub use ports::rng;
pub use store::{MemoryStore, ReservationStore, Snapshot, reserve};
