//! The reservations a store holds, indexed for deciding, and the decision itself.
//!
//! A [`Ledger`] is built from one snapshot of the store. Deciding never changes it: it returns
//! the [`Change`] to commit, so a refused commit costs nothing but a reload and a new decision.

use std::borrow::Cow;
use std::sync::Arc;

use super::config::Claim;
use super::error::ClaimsError;
use super::groups::{Groups, Protocol};
use super::holders::Holders;
use super::ports::{Pool, PoolTaken, PortSet};
use super::tree;
use hasher::{FastMap, FastSet};
use records::Key;

const RESERVATIONS: &str = "reservations";
/// A claim's port while a decision has yet to choose it: no reservation holds port 0 (a snapshot
/// or change that puts it is refused), so no kept port is mistaken for it.
const UNDECIDED: u16 = 0;
const CHANGE: &str = "change";

/// The scope a render belongs to when the host names none.
pub const DEFAULT_SCOPE: &str = "default";

mod apply;
mod decide;
mod hasher;
mod records;
mod snapshot;

pub use records::{Change, Decision, Diagnostic, Reservation, Severity, port_claims};

/// The store's reservations as the engine knows them: by (scope, claim), and as taken ports per
/// protocol, so a decision costs the same however many reservations there are.
///
/// Each reservation lives once, in a slot; the indexes hold slot numbers, so keeping a committed
/// reservation copies no name but its scope's, once, as the key of the scope's entry.
#[derive(Debug, Clone)]
pub struct Ledger {
    groups: Groups,
    /// Every reservation, by slot; `None` for a slot freed by a removal, in `free`.
    slots: Vec<Option<Reservation>>,
    free: Vec<u32>,
    /// The slots of each scope's reservations, sorted by claim.
    scopes: FastMap<Box<str>, Ids>,
    len: usize,
    /// Indexed by [`Protocol::index`].
    taken: [PortSet; 2],
    /// The slot of the reservation that holds each taken port.
    holders: Holders,
    /// For each pool of ports the groups draw from, how many of its ports are taken, by
    /// [`Protocol::index`]: kept up to date so that a draw need not count them.
    pool_taken: Vec<(Arc<Pool>, [PoolTaken; 2])>,
}

/// The slots of one entry of [`Ledger::scopes`]: most scopes hold one claim, which then needs
/// no allocation.
#[derive(Debug, Clone)]
enum Ids {
    One(u32),
    Many(Vec<u32>),
}

impl Ids {
    fn as_slice(&self) -> &[u32] {
        match self {
            Ids::One(id) => std::slice::from_ref(id),
            Ids::Many(ids) => ids,
        }
    }

    /// Inserts `id` at `at`, which is within `0..=len`.
    fn insert(&mut self, at: usize, id: u32) {
        match self {
            Ids::One(first) => {
                let first = *first;
                *self = Ids::Many(if at == 0 {
                    vec![id, first]
                } else {
                    vec![first, id]
                });
            }
            Ids::Many(ids) => ids.insert(at.min(ids.len()), id),
        }
    }

    /// Removes the id at `at`, which is within `0..len`; true when none is left.
    fn remove(&mut self, at: usize) -> bool {
        match self {
            Ids::One(_) => true,
            Ids::Many(ids) => {
                if at < ids.len() {
                    ids.remove(at);
                }
                ids.is_empty()
            }
        }
    }
}

/// Where (`scope`, `claim`) is, or would go, in `ids`: a binary search over the slots' names.
fn search(
    slots: &[Option<Reservation>],
    ids: &[u32],
    scope: &str,
    claim: &str,
) -> Result<usize, usize> {
    ids.binary_search_by(|&id| match slots.get(id as usize) {
        Some(Some(r)) => (r.scope.as_str(), &*r.claim).cmp(&(scope, claim)),
        // Every id in the index names a filled slot; this is only a safe answer.
        _ => std::cmp::Ordering::Less,
    })
}

impl Ledger {
    /// Indexes a snapshot. A snapshot that holds one port twice in one protocol, reserves a
    /// (scope, claim) twice or holds port 0 is refused: deciding from it could hand a port out twice.
    pub fn new(reservations: Vec<Reservation>, groups: &Groups) -> Result<Ledger, ClaimsError> {
        let mut ledger = Ledger {
            groups: groups.clone(),
            slots: Vec::with_capacity(reservations.len()),
            free: Vec::new(),
            scopes: FastMap::default(),
            len: 0,
            taken: [PortSet::new(), PortSet::new()],
            holders: Holders::default(),
            pool_taken: groups
                .pools()
                .into_iter()
                .map(|p| {
                    let none = PoolTaken::none(&p);
                    (p, [none.clone(), none])
                })
                .collect(),
        };
        let mut index_of: FastMap<Key, usize> = FastMap::default();
        for (index, reservation) in reservations.into_iter().enumerate() {
            let at = |field: &str| format!("[{index}]{field}");
            for (field, text) in [
                ("scope", reservation.scope.as_str()),
                ("claim", &reservation.claim),
                ("group", &reservation.group),
            ] {
                if text.is_empty() {
                    return Err(ClaimsError::at(
                        RESERVATIONS,
                        &at(&format!(".{field}")),
                        "must be a non-empty string, got \"\"",
                    ));
                }
                if let Some(c) = tree::unprintable(text) {
                    return Err(ClaimsError::at(
                        RESERVATIONS,
                        &at(&format!(".{field}")),
                        tree::unprintable_message(c),
                    ));
                }
            }
            if reservation.port == 0 {
                return Err(ClaimsError::at(
                    RESERVATIONS,
                    &at(".port"),
                    "must be an integer from 1 to 65535, got 0",
                ));
            }
            let key = reservation.key();
            if let Some(first) = index_of.get(&key) {
                return Err(ClaimsError::at(
                    RESERVATIONS,
                    &at(""),
                    format!(
                        "{} is reserved twice (first at [{first}])",
                        reservation.holder()
                    ),
                ));
            }
            let protocol = groups.protocol(&reservation.group);
            if let Some(other) = ledger.holder(protocol, reservation.port) {
                let first = index_of.get(&other.key()).copied().unwrap_or_default();
                return Err(ClaimsError::at(
                    RESERVATIONS,
                    &at(".port"),
                    format!(
                        "{protocol} port {} is held twice: by {} (at [{first}]) and by {} (at [{index}])",
                        reservation.port,
                        other.holder(),
                        reservation.holder()
                    ),
                ));
            }
            index_of.insert(key, index);
            ledger.insert(protocol, reservation);
        }
        Ok(ledger)
    }

    /// Adds a reservation whose (scope, claim) and port the caller has checked are free.
    fn insert(&mut self, protocol: Protocol, reservation: Reservation) {
        let port = reservation.port;
        self.taken[protocol.index()].insert(port);
        self.count_taken(protocol, port, true);
        let found = self.scopes.get(reservation.scope.as_str()).map(|ids| {
            let at = search(
                &self.slots,
                ids.as_slice(),
                &reservation.scope,
                &reservation.claim,
            );
            at.map(|at| ids.as_slice().get(at).copied())
        });
        let id = match found {
            // Held already (the caller said it is not): the new reservation replaces it.
            Some(Ok(Some(id))) => {
                if let Some(slot) = self.slots.get_mut(id as usize) {
                    *slot = Some(reservation);
                }
                id
            }
            Some(Ok(None)) => return,
            Some(Err(at)) => {
                let id = self.fill_slot(reservation);
                if let Some(Some(filled)) = self.slots.get(id as usize) {
                    if let Some(ids) = self.scopes.get_mut(filled.scope.as_str()) {
                        ids.insert(at, id);
                    }
                }
                self.len += 1;
                id
            }
            None => {
                let scope = Box::from(reservation.scope.as_str());
                let id = self.fill_slot(reservation);
                self.scopes.insert(scope, Ids::One(id));
                self.len += 1;
                id
            }
        };
        self.holders.insert(protocol, port, id);
    }

    /// Puts `reservation` into a free slot, or a new one, and returns the slot.
    fn fill_slot(&mut self, reservation: Reservation) -> u32 {
        match self.free.pop() {
            Some(id) => {
                if let Some(slot) = self.slots.get_mut(id as usize) {
                    *slot = Some(reservation);
                }
                id
            }
            None => {
                // A ledger holds at most one reservation per (protocol, port): far fewer than
                // `u32::MAX` slots are ever filled at once, and freed ones are reused.
                let id = u32::try_from(self.slots.len()).unwrap_or(u32::MAX);
                self.slots.push(Some(reservation));
                id
            }
        }
    }

    fn remove(&mut self, scope: &str, claim: &str) {
        let Some(ids) = self.scopes.get_mut(scope) else {
            return;
        };
        let Ok(at) = search(&self.slots, ids.as_slice(), scope, claim) else {
            return;
        };
        let id = ids.as_slice().get(at).copied();
        if ids.remove(at) {
            self.scopes.remove(scope);
        }
        let removed = id.and_then(|id| {
            let reservation = self.slots.get_mut(id as usize)?.take()?;
            self.free.push(id);
            Some(reservation)
        });
        if let Some(reservation) = removed {
            self.len -= 1;
            let protocol = self.groups.protocol(&reservation.group);
            self.taken[protocol.index()].remove(reservation.port);
            self.count_taken(protocol, reservation.port, false);
            self.holders.remove(protocol, reservation.port);
        }
    }

    fn count_taken(&mut self, protocol: Protocol, port: u16, taken: bool) {
        for (pool, counts) in &mut self.pool_taken {
            if pool.contains(port) {
                counts[protocol.index()].count_port(pool, port, taken);
            }
        }
    }

    /// How many ports of `pool` are taken over `protocol`, before this decision's changes.
    fn taken_in(&self, pool: &Arc<Pool>, protocol: Protocol) -> Cow<'_, PoolTaken> {
        match self.pool_taken.iter().find(|(p, _)| Arc::ptr_eq(p, pool)) {
            Some((_, counts)) => Cow::Borrowed(&counts[protocol.index()]),
            // Every pool of the ledger's groups is counted; this is only a safe answer.
            None => Cow::Owned(PoolTaken::count(pool, &self.taken[protocol.index()])),
        }
    }

    /// The groups this ledger decides with.
    pub fn groups(&self) -> &Groups {
        &self.groups
    }

    /// Every reservation, sorted by scope, then claim.
    pub fn reservations(&self) -> Vec<&Reservation> {
        let mut all: Vec<&Reservation> = self.slots.iter().flatten().collect();
        all.sort_by(|a, b| (&a.scope, &a.claim).cmp(&(&b.scope, &b.claim)));
        all
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The reservation of `claim` in `scope`.
    pub fn get(&self, scope: &str, claim: &str) -> Option<&Reservation> {
        let ids = self.scopes.get(scope)?.as_slice();
        let at = search(&self.slots, ids, scope, claim).ok()?;
        self.slot(*ids.get(at)?)
    }

    fn slot(&self, id: u32) -> Option<&Reservation> {
        self.slots.get(id as usize)?.as_ref()
    }

    /// The reservations of `scope`, sorted by claim.
    fn scope(&self, scope: &str) -> impl Iterator<Item = &Reservation> {
        self.scopes
            .get(scope)
            .map_or(&[][..], Ids::as_slice)
            .iter()
            .filter_map(|&id| self.slot(id))
    }

    /// Who holds `port` over `protocol`, across all scopes and groups.
    pub fn holder(&self, protocol: Protocol, port: u16) -> Option<&Reservation> {
        self.slot(self.holders.get(protocol, port)?)
    }

    /// Gives up the port of one claim of `scope`.
    pub fn release_claim(&self, scope: &str, claim: &str) -> Change {
        Change {
            put: Vec::new(),
            delete: self.get(scope, claim).cloned().into_iter().collect(),
        }
    }

    /// Gives up every port of `scope`, as when a deployment is deleted.
    pub fn release_scope(&self, scope: &str) -> Change {
        self.release_where(scope, |_| true)
    }

    /// Gives up the ports of `scope`'s claims that `claims` no longer declares.
    pub fn prune(&self, scope: &str, claims: &[Claim]) -> Change {
        // The ledger's own hasher: each hasher and element type compiles its own hash table.
        let declared: FastSet<&str> = claims.iter().map(|c| &*c.claim).collect();
        self.release_where(scope, |r| !declared.contains(&*r.claim))
    }

    fn release_where(&self, scope: &str, mut release: impl FnMut(&Reservation) -> bool) -> Change {
        let delete = self.scope(scope).filter(|r| release(r)).cloned().collect();
        Change {
            put: Vec::new(),
            delete,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Random decisions, releases and prunes, applied, against a plain map of what is held.
    #[test]
    fn the_index_follows_its_changes() {
        let config = r#"{"a": {"ranges": ["1000-1011"]}, "b": {"ranges": ["1006-1019"]},
            "u": {"ranges": ["1000-1011"], "protocol": "udp"}}"#;
        let groups =
            Groups::from_value(&crate::engine::values::from_json(config).unwrap()).unwrap();
        let mut ledger = Ledger::new(vec![], &groups).unwrap();
        let mut model: BTreeMap<(String, Arc<str>), Reservation> = BTreeMap::new();
        let mut choices = crate::claims::rng(Some(0x9e37_79b9_7f4a_7c15)).unwrap();
        let mut next = move |n: u64| rand::RngExt::random_range(&mut choices, 0..n);
        for step in 0..3000 {
            let scope = format!("s{}", next(5));
            let claims: Vec<Claim> = (0..next(4))
                .map(|_| Claim::new(format!("c{}", next(6)), ["a", "b", "u"][next(3) as usize]))
                .collect();
            let change = match next(8) {
                0 => ledger.release_claim(&scope, &format!("c{}", next(6))),
                1 => ledger.release_scope(&scope),
                2 => ledger.prune(&scope, &claims),
                _ => {
                    let mut rng = crate::claims::rng(Some(step)).unwrap();
                    match ledger.decide(&scope, &claims, &mut rng) {
                        Ok(d) => d.change,
                        Err(_) => continue,
                    }
                }
            };
            ledger.apply(&change).unwrap();
            // A change applied twice is refused whole, and changes nothing.
            if !change.is_empty() {
                let mut again = ledger.clone();
                assert!(again.apply(&change).is_err());
                assert_eq!(again.reservations(), ledger.reservations());
            }
            for r in &change.delete {
                assert_eq!(
                    model.remove(&(r.scope.clone(), r.claim.clone())).as_ref(),
                    Some(r)
                );
            }
            for r in &change.put {
                assert!(
                    model
                        .insert((r.scope.clone(), r.claim.clone()), r.clone())
                        .is_none()
                );
            }
            let want: Vec<&Reservation> = model.values().collect();
            assert_eq!(ledger.reservations(), want, "step {step}");
            assert_eq!(ledger.len(), model.len());
            for s in 0..5 {
                for c in 0..6 {
                    let (s, c) = (format!("s{s}"), Arc::<str>::from(format!("c{c}")));
                    assert_eq!(ledger.get(&s, &c), model.get(&(s.clone(), c.clone())));
                }
            }
            for port in 999..1021 {
                for protocol in [Protocol::Tcp, Protocol::Udp] {
                    let held = model
                        .values()
                        .find(|r| r.port == port && groups.protocol(&r.group) == protocol);
                    assert_eq!(ledger.holder(protocol, port), held, "{protocol} {port}");
                }
            }
            // The same decisions as a ledger read afresh from what is held.
            let reloaded = Ledger::new(model.values().cloned().collect(), &groups).unwrap();
            let claims = [Claim::new("c1", "a"), Claim::new("c9", "u")];
            let decide =
                |l: &Ledger| l.decide(&scope, &claims, &mut crate::claims::rng(Some(7)).unwrap());
            assert_eq!(decide(&ledger), decide(&reloaded));
        }
    }

    #[test]
    fn a_decision_shares_the_claims_names_instead_of_copying_them() {
        let ledger = Ledger::new(vec![], &Groups::default()).unwrap();
        let claims = [Claim::new("web", "tcp"), Claim::new("dns", "udp")];
        let mut rng = crate::claims::rng(Some(3)).unwrap();
        let d = ledger.decide("s", &claims, &mut rng).unwrap();
        assert_eq!(d.allocated().len(), 2);
        for ((claim, (name, _)), reservation) in claims.iter().zip(&d.ports).zip(d.allocated()) {
            assert!(Arc::ptr_eq(name, &claim.claim), "{name}");
            assert!(Arc::ptr_eq(&reservation.claim, &claim.claim), "{name}");
            assert!(Arc::ptr_eq(&reservation.group, &claim.group), "{name}");
        }
    }
}
