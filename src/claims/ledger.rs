//! The reservations a store holds, indexed for deciding, and the decision itself.
//!
//! A [`Ledger`] is built from one snapshot of the store. Deciding never changes it: it returns
//! the [`Change`] to commit, so a refused commit costs nothing but a reload and a new decision.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::sync::Arc;

use minijinja::Value;

use crate::engine::values::JsonObject;
use rand::Rng;

use super::config::Claim;
use super::error::ClaimsError;
use super::groups::{Group, Groups, Protocol};
use super::holders::Holders;
use super::ports::{self, Overlay, Pool, PoolTaken, PortSet};
use super::tree;

const RESERVATIONS: &str = "reservations";
/// A claim's port while a decision has yet to choose it: no reservation holds port 0 (a snapshot
/// or change that puts it is refused), so no kept port is mistaken for it.
const UNDECIDED: u16 = 0;
const CHANGE: &str = "change";

/// The scope a render belongs to when the host names none.
pub const DEFAULT_SCOPE: &str = "default";

/// A port held by one claim of one scope (a deployment).
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Reservation {
    pub scope: String,
    /// Shared with the [`Claim`] it was decided for, as is `group`: a decision copies no name
    /// but the scope's.
    pub claim: Arc<str>,
    pub group: Arc<str>,
    pub port: u16,
}

impl Reservation {
    pub fn new(
        scope: impl Into<String>,
        claim: impl Into<Arc<str>>,
        group: impl Into<Arc<str>>,
        port: u16,
    ) -> Reservation {
        Reservation {
            scope: scope.into(),
            claim: claim.into(),
            group: group.into(),
            port,
        }
    }

    fn key(&self) -> Key {
        (self.scope.clone(), self.claim.clone())
    }

    fn holder(&self) -> String {
        format!("scope {:?}, claim {:?}", self.scope, self.claim)
    }
}

/// What a store must do, all or nothing: remove `delete`, then add `put`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Change {
    pub put: Vec<Reservation>,
    pub delete: Vec<Reservation>,
}

impl Change {
    /// Nothing to commit: the host may skip the store.
    pub fn is_empty(&self) -> bool {
        self.put.is_empty() && self.delete.is_empty()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// Something a user should know about a decision that still succeeded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub claim: Option<String>,
}

impl Diagnostic {
    fn about(claim: &str, severity: Severity, message: String) -> Diagnostic {
        Diagnostic {
            severity,
            message,
            claim: Some(claim.to_string()),
        }
    }
}

/// The ports a render of one scope gets, and the change that makes them held.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Decision {
    /// Every declared claim with its port, in declaration order: the template's `$portClaims`.
    pub ports: Vec<(Arc<str>, u16)>,
    pub diagnostics: Vec<Diagnostic>,
    /// The reservations made ([`Decision::allocated`]) to put and those given up
    /// ([`Decision::released`]) to delete, for the store.
    pub change: Change,
}

impl Decision {
    /// Reservations made by this decision, in declaration order.
    pub fn allocated(&self) -> &[Reservation] {
        &self.change.put
    }

    /// Reservations given up by this decision (claims whose group changed).
    pub fn released(&self) -> &[Reservation] {
        &self.change.delete
    }

    /// The ports as the template's `$portClaims`: a map from claim name to port, in
    /// declaration order.
    pub fn port_claims(&self) -> Value {
        port_claims(&self.ports)
    }

    /// The port of `claim`, if it was declared.
    pub fn port(&self, claim: &str) -> Option<u16> {
        self.ports
            .iter()
            .find(|(name, _)| **name == *claim)
            .map(|&(_, port)| port)
    }
}

/// Claim name → port as the template's `$portClaims`, in declaration order. The names are
/// unique (the declarations were checked), so the map needs no hashing.
pub fn port_claims(ports: &[(Arc<str>, u16)]) -> Value {
    JsonObject::with_unique_keys(
        ports
            .iter()
            .map(|(claim, port)| (&**claim, Value::from(*port))),
    )
}

type Key = (String, Arc<str>);

/// A hasher for the ledger's own maps: a multiply per eight bytes instead of SipHash. Keys are
/// scope and claim names from the host, not from strangers, so flooding is not a concern, and
/// the maps are looked up several times for every claim decided.
#[derive(Default)]
struct FastHasher(u64);

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        // A multiply only carries low bits upwards, and tables index by the low bits: mix the
        // high bits down (MurmurHash3's finalizer), or names that differ only after their first
        // bytes ("d1", "d2", ...) would all share a few buckets.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut eight = [0u8; 8];
            eight.copy_from_slice(word);
            self.write_u64(u64::from_le_bytes(eight));
        }
        let mut rest = words.remainder();
        if !rest.is_empty() {
            // The last bytes, zero-padded and little-endian, read in at most three loads rather
            // than byte by byte: most scope names are shorter than eight bytes, and in
            // WebAssembly a loop per byte showed in every render's profile.
            let (mut last, mut shift) = (0u64, 0);
            if let Some((four, tail)) = rest.split_first_chunk::<4>() {
                last = u64::from(u32::from_le_bytes(*four));
                (shift, rest) = (32, tail);
            }
            if let Some((two, tail)) = rest.split_first_chunk::<2>() {
                last |= u64::from(u16::from_le_bytes(*two)) << shift;
                shift += 16;
                rest = tail;
            }
            if let Some(&one) = rest.first() {
                last |= u64::from(one) << shift;
            }
            self.write_u64(last);
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }

    fn write_u16(&mut self, n: u16) {
        self.write_u64(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn write_isize(&mut self, n: isize) {
        // The derived `Hash` of an enum writes its discriminant as an `isize`.
        self.write_u64(n as u64);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;
type FastSet<K> = HashSet<K, BuildHasherDefault<FastHasher>>;

/// The store's reservations as the engine knows them: by (scope, claim), and as taken ports per
/// protocol, so a decision costs the same however many reservations there are.
///
/// Each reservation lives once, in a slot; the indexes hold slot numbers, so keeping a committed
/// reservation copies no name and, for a scope's first claim, allocates nothing.
#[derive(Debug, Clone)]
pub struct Ledger {
    groups: Groups,
    /// Every reservation, by slot; `None` for a slot freed by a removal, in `free`.
    slots: Vec<Option<Reservation>>,
    free: Vec<u32>,
    /// The slots of each scope's reservations, by the hash of the scope's name ([`scope_key`]),
    /// sorted by scope, then claim: scopes whose names share a hash share an entry. Keyed by the
    /// hash, not the name, so that a new scope costs no copy of its name; lookups compare names.
    scopes: FastMap<u64, Ids>,
    len: usize,
    /// Indexed by [`Protocol::index`].
    taken: [PortSet; 2],
    /// The slot of the reservation that holds each taken port.
    holders: Holders,
    /// For each pool of ports the groups draw from, how many of its ports are taken, by
    /// [`Protocol::index`]: kept up to date so that a draw need not count them.
    pool_taken: Vec<(Arc<Pool>, [PoolTaken; 2])>,
}

/// The key of a scope's entry in [`Ledger::scopes`].
fn scope_key(scope: &str) -> u64 {
    #[cfg(test)]
    if tests::COLLIDE.with(std::cell::Cell::get) {
        return 0;
    }
    BuildHasherDefault::<FastHasher>::default().hash_one(scope)
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

    /// Reads the `reservations` array of a snapshot (or a snapshot object holding one).
    /// A reservation without a scope belongs to [`DEFAULT_SCOPE`].
    pub fn from_value(v: &Value, groups: &Groups) -> Result<Ledger, ClaimsError> {
        let list = if tree::is_object(v) {
            tree::field(v, "reservations").unwrap_or_default()
        } else {
            v.clone()
        };
        let items = tree::items(&list).ok_or_else(|| {
            ClaimsError::at(
                RESERVATIONS,
                "",
                format!(
                    "must be an array of reservations, got {}",
                    tree::describe(&list)
                ),
            )
        })?;
        let reservations = items
            .iter()
            .enumerate()
            .map(|(index, item)| parse_reservation(index, item))
            .collect::<Result<Vec<_>, _>>()?;
        Ledger::new(reservations, groups)
    }

    /// Adds a reservation whose (scope, claim) and port the caller has checked are free.
    fn insert(&mut self, protocol: Protocol, reservation: Reservation) {
        let port = reservation.port;
        self.taken[protocol.index()].insert(port);
        self.count_taken(protocol, port, true);
        let key = scope_key(&reservation.scope);
        let found = self.scopes.get(&key).map(|ids| {
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
                if let Some(ids) = self.scopes.get_mut(&key) {
                    ids.insert(at, id);
                }
                self.len += 1;
                id
            }
            None => {
                let id = self.fill_slot(reservation);
                self.scopes.insert(key, Ids::One(id));
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
        let key = scope_key(scope);
        let Some(ids) = self.scopes.get_mut(&key) else {
            return;
        };
        let Ok(at) = search(&self.slots, ids.as_slice(), scope, claim) else {
            return;
        };
        let id = ids.as_slice().get(at).copied();
        if ids.remove(at) {
            self.scopes.remove(&key);
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
        let all: Vec<&Reservation> = self.slots.iter().flatten().collect();
        sort_by_scope_and_claim(all)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The reservation of `claim` in `scope`.
    pub fn get(&self, scope: &str, claim: &str) -> Option<&Reservation> {
        let ids = self.scopes.get(&scope_key(scope))?.as_slice();
        let at = search(&self.slots, ids, scope, claim).ok()?;
        self.slot(*ids.get(at)?)
    }

    fn slot(&self, id: u32) -> Option<&Reservation> {
        self.slots.get(id as usize)?.as_ref()
    }

    /// The reservations of `scope`, sorted by claim.
    fn scope(&self, scope: &str) -> impl Iterator<Item = &Reservation> {
        self.scopes
            .get(&scope_key(scope))
            .map_or(&[][..], Ids::as_slice)
            .iter()
            .filter_map(|&id| self.slot(id))
            .filter(move |r| r.scope == scope)
    }

    /// Who holds `port` over `protocol`, across all scopes and groups.
    pub fn holder(&self, protocol: Protocol, port: u16) -> Option<&Reservation> {
        self.slot(self.holders.get(protocol, port)?)
    }

    /// Applies a change the store has committed, so the next decision needs no reload.
    /// All or nothing: a change that does not fit this ledger is refused whole.
    pub fn apply(&mut self, change: &Change) -> Result<(), ClaimsError> {
        self.apply_owned(change.clone())
    }

    /// [`Ledger::apply`], keeping the change's reservations instead of copying them.
    pub fn apply_owned(&mut self, change: Change) -> Result<(), ClaimsError> {
        self.check_change(&change)?;
        for reservation in &change.delete {
            self.remove(&reservation.scope, &reservation.claim);
        }
        for reservation in change.put {
            self.insert(self.groups.protocol(&reservation.group), reservation);
        }
        Ok(())
    }

    /// Refuses a change that deletes what this ledger does not hold (or deletes it twice), or
    /// puts what is held after its deletes (or puts it twice).
    fn check_change(&self, change: &Change) -> Result<(), ClaimsError> {
        let mut deleted: FastSet<(&str, &str)> = FastSet::default();
        // A map like `put_ports` below rather than a set: one hash table type less to compile.
        let mut freed: FastMap<(Protocol, u16), &Reservation> = FastMap::default();
        for (index, reservation) in change.delete.iter().enumerate() {
            let field = || format!("delete[{index}]");
            let key = (reservation.scope.as_str(), &*reservation.claim);
            match self.get(&reservation.scope, &reservation.claim) {
                Some(current) if current == reservation && !deleted.contains(&key) => {
                    freed.insert(
                        (self.groups.protocol(&current.group), current.port),
                        current,
                    );
                    deleted.insert(key);
                }
                Some(current) if current == reservation => {
                    return Err(ClaimsError::at(
                        CHANGE,
                        &field(),
                        format!("{} is deleted twice", reservation.holder()),
                    ));
                }
                Some(current) => {
                    return Err(ClaimsError::at(
                        CHANGE,
                        &field(),
                        format!(
                            "{} holds port {} in group {:?}, not port {} in group {:?}",
                            current.holder(),
                            current.port,
                            current.group,
                            reservation.port,
                            reservation.group
                        ),
                    ));
                }
                None => {
                    return Err(ClaimsError::at(
                        CHANGE,
                        &field(),
                        format!("{} is not reserved", reservation.holder()),
                    ));
                }
            }
        }
        // Most changes put a claim or a few: compare those directly instead of building sets.
        let few = change.put.len() <= 16;
        let mut put_keys: FastSet<(&str, &str)> = FastSet::default();
        let mut put_ports: FastMap<(Protocol, u16), &Reservation> = FastMap::default();
        for (index, reservation) in change.put.iter().enumerate() {
            let field = || format!("put[{index}]");
            if reservation.scope.is_empty()
                || reservation.claim.is_empty()
                || reservation.group.is_empty()
            {
                return Err(ClaimsError::at(
                    CHANGE,
                    &field(),
                    "scope, claim and group must be non-empty strings",
                ));
            }
            if reservation.port == 0 {
                return Err(ClaimsError::at(
                    CHANGE,
                    &field(),
                    "port 0 cannot be reserved",
                ));
            }
            let key = (reservation.scope.as_str(), &*reservation.claim);
            let put_before = if few {
                change
                    .put
                    .iter()
                    .take(index)
                    .any(|r| (r.scope.as_str(), &*r.claim) == key)
            } else {
                !put_keys.insert(key)
            };
            if (self.get(&reservation.scope, &reservation.claim).is_some()
                && !deleted.contains(&key))
                || put_before
            {
                return Err(ClaimsError::at(
                    CHANGE,
                    &field(),
                    format!("{} is already reserved", reservation.holder()),
                ));
            }
            let protocol = self.groups.protocol(&reservation.group);
            let slot = (protocol, reservation.port);
            // The bitset first: most puts take a free port, whose holder need not be looked up.
            let held_before = if self.taken[protocol.index()].contains(reservation.port) {
                self.holder(protocol, reservation.port)
                    .filter(|_| !freed.contains_key(&slot))
            } else {
                None
            };
            let put_earlier = || {
                if few {
                    change.put.iter().take(index).find(|r| {
                        r.port == reservation.port && self.groups.protocol(&r.group) == protocol
                    })
                } else {
                    put_ports.get(&slot).copied()
                }
            };
            if let Some(other) = held_before.or_else(put_earlier) {
                return Err(ClaimsError::at(
                    CHANGE,
                    &field(),
                    format!(
                        "{protocol} port {} is already held by {}",
                        reservation.port,
                        other.holder()
                    ),
                ));
            }
            if !few {
                put_ports.insert(slot, reservation);
            }
        }
        Ok(())
    }

    /// Decides the port of every claim a render of `scope` declares, in declaration order.
    ///
    /// A claim keeps the port it holds in its group; a claim without one gets its preferred port
    /// if no one holds it, or a port drawn uniformly among its group's free ports. Ports
    /// decided earlier in the same render count as held. Any failure fails the whole decision.
    pub fn decide(
        &self,
        scope: &str,
        claims: &[Claim],
        rng: &mut (impl Rng + ?Sized),
    ) -> Result<Decision, ClaimsError> {
        if scope.is_empty() {
            return Err(ClaimsError::new("the scope must be a non-empty string"));
        }
        let [tcp, udp] = &self.taken;
        let mut taken = [Overlay::new(tcp), Overlay::new(udp)];
        let mut diagnostics = Vec::new();
        let mut released = Vec::new();

        // First what each claim already holds, so a port kept by a later claim is never handed
        // to an earlier one, and a port released by a moved claim may be reused.
        // The ports list doubles as the plan: a kept port, or `UNDECIDED` for the second pass.
        let mut seen = Seen::default();
        let mut ports: Vec<(Arc<str>, u16)> = Vec::with_capacity(claims.len());
        for (index, claim) in claims.iter().enumerate() {
            check_claim(claims, index, &mut seen)?;
            let group = self.groups.spec(&claim.group);
            let kept = match self.get(scope, &claim.claim) {
                Some(held) if held.group == claim.group => {
                    if !group.allows(held.port) {
                        diagnostics.push(Diagnostic::about(
                            &claim.claim,
                            Severity::Warning,
                            format!(
                                "keeps port {}, which is outside group {:?} ({}), because it was reserved before",
                                held.port,
                                claim.group,
                                group.describe_ports()
                            ),
                        ));
                    }
                    Some(held.port)
                }
                Some(held) => {
                    taken[self.groups.protocol(&held.group).index()].remove(held.port);
                    diagnostics.push(Diagnostic::about(
                        &claim.claim,
                        Severity::Info,
                        format!(
                            "moved from group {:?} to {:?}: releases port {}",
                            held.group, claim.group, held.port
                        ),
                    ));
                    released.push(held.clone());
                    None
                }
                None => None,
            };
            ports.push((Arc::clone(&claim.claim), kept.unwrap_or(UNDECIDED)));
        }

        let mut allocated = Vec::new();
        let last = claims.len().saturating_sub(1);
        for (index, (claim, (_, decided))) in claims.iter().zip(ports.iter_mut()).enumerate() {
            if *decided != UNDECIDED {
                continue;
            }
            let group = self.groups.spec(&claim.group);
            if group.ranges().is_empty() {
                return Err(ClaimsError::for_claim(
                    &claim.claim,
                    format!(
                        "group {:?} has no port range: give it one in the port groups config, e.g. {{ {:?}: {{ \"ranges\": [\"30000-30100\"] }} }}",
                        claim.group, claim.group
                    ),
                ));
            }
            let protocol = group.protocol();
            let taken_here = &mut taken[protocol.index()];
            let base_taken = self.taken_in(group.allowed(), protocol);
            let port = match claim.preferred_port {
                Some(preferred) if !taken_here.contains(preferred) => preferred,
                Some(preferred) => {
                    let earlier = allocated.iter().find(|r: &&Reservation| {
                        r.port == preferred && self.groups.protocol(&r.group) == protocol
                    });
                    let holder = match earlier {
                        Some(other) => other.holder(),
                        None => self
                            .holder(protocol, preferred)
                            .map(Reservation::holder)
                            .unwrap_or_else(|| "another claim".to_string()),
                    };
                    if !claim.random {
                        return Err(ClaimsError::for_claim(
                            &claim.claim,
                            format!(
                                "preferred {protocol} port {preferred} is held by {holder}, and \"random\" is false"
                            ),
                        ));
                    }
                    let port = draw(claim, group, taken_here, &base_taken, rng)?;
                    diagnostics.push(Diagnostic::about(
                        &claim.claim,
                        Severity::Warning,
                        format!("preferred {protocol} port {preferred} is held by {holder}: drew port {port} instead"),
                    ));
                    port
                }
                None => draw(claim, group, taken_here, &base_taken, rng)?,
            };
            // Only later claims look at what this one takes: after the last, the overlay would
            // copy a word of the set for no one (an allocation in every one-claim render).
            if index < last {
                taken_here.insert(port);
            }
            *decided = port;
            allocated.push(Reservation::new(
                scope,
                Arc::clone(&claim.claim),
                Arc::clone(&claim.group),
                port,
            ));
        }

        Ok(Decision {
            ports,
            diagnostics,
            change: Change {
                put: allocated,
                delete: released,
            },
        })
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

/// The claim names met so far in a render: the earlier claims themselves while there are few,
/// which needs no allocation or hashing, then a set of their names.
#[derive(Default)]
struct Seen<'a> {
    many: FastSet<&'a str>,
}

impl<'a> Seen<'a> {
    /// Records the name of `claims[index]`, every earlier claim having been recorded; false if
    /// an earlier claim has it.
    fn insert(&mut self, claims: &'a [Claim], index: usize) -> bool {
        const FEW: usize = 16;
        let Some(claim) = claims.get(index) else {
            return true;
        };
        if index < FEW {
            return !claims.iter().take(index).any(|c| c.claim == claim.claim);
        }
        if index == FEW {
            self.many.extend(claims.iter().take(FEW).map(|c| &*c.claim));
        }
        self.many.insert(&claim.claim)
    }
}

fn check_claim<'a>(
    claims: &'a [Claim],
    index: usize,
    seen: &mut Seen<'a>,
) -> Result<(), ClaimsError> {
    let Some(claim) = claims.get(index) else {
        return Ok(());
    };
    if claim.claim.is_empty() {
        return Err(ClaimsError::new("a claim needs a non-empty name"));
    }
    if !seen.insert(claims, index) {
        return Err(ClaimsError::for_claim(&claim.claim, "is declared twice"));
    }
    if claim.group.is_empty() {
        return Err(ClaimsError::for_claim(
            &claim.claim,
            "needs a non-empty group",
        ));
    }
    if claim.preferred_port == Some(0) {
        return Err(ClaimsError::for_claim(
            &claim.claim,
            "preferred port must be from 1 to 65535, got 0",
        ));
    }
    Ok(())
}

fn draw(
    claim: &Claim,
    group: &Group,
    taken: &Overlay,
    base_taken: &PoolTaken,
    rng: &mut (impl Rng + ?Sized),
) -> Result<u16, ClaimsError> {
    ports::draw(group.allowed(), taken, base_taken, rng).ok_or_else(|| {
        let size = group.size();
        let message = if size == 0 {
            format!(
                "group {:?} has no port to draw from: {} leaves none",
                claim.group,
                group.describe_ports()
            )
        } else {
            let free = group.allowed().count_free(taken, base_taken.total());
            format!(
                "group {:?} has no free port: {} of {} ports in {} are reserved",
                claim.group,
                size.saturating_sub(free),
                size,
                group.describe_ports()
            )
        };
        ClaimsError::for_claim(&claim.claim, message)
    })
}

fn parse_reservation(index: usize, item: &Value) -> Result<Reservation, ClaimsError> {
    if !tree::is_object(item) {
        return Err(ClaimsError::at(
            RESERVATIONS,
            &format!("[{index}]"),
            format!(
                "must be an object with \"scope\", \"claim\", \"group\" and \"port\", got {}",
                tree::describe(item)
            ),
        ));
    }
    let text = |field: &str, default: Option<&str>| -> Result<String, ClaimsError> {
        let value = match (tree::optional(item, field), default) {
            (Some(v), _) => v,
            (None, Some(default)) => return Ok(default.to_string()),
            (None, None) => {
                return Err(ClaimsError::at(
                    RESERVATIONS,
                    &format!("[{index}]"),
                    format!("missing {field:?}"),
                ));
            }
        };
        match value.as_str() {
            Some(s) if !s.is_empty() => Ok(s.to_string()),
            _ => Err(ClaimsError::at(
                RESERVATIONS,
                &format!("[{index}].{field}"),
                format!("must be a non-empty string, got {}", tree::describe(&value)),
            )),
        }
    };
    let scope = text("scope", Some(DEFAULT_SCOPE))?;
    let claim = text("claim", None)?;
    let group = text("group", None)?;
    let port_value = tree::field(item, "port")
        .ok_or_else(|| ClaimsError::at(RESERVATIONS, &format!("[{index}]"), "missing \"port\""))?;
    let port = tree::port(&port_value).ok_or_else(|| {
        ClaimsError::at(
            RESERVATIONS,
            &format!("[{index}].port"),
            format!(
                "must be an integer from 1 to 65535, got {}",
                tree::describe(&port_value)
            ),
        )
    })?;
    Ok(Reservation {
        scope,
        claim: claim.into(),
        group: group.into(),
        port,
    })
}

/// A bottom-up merge sort by scope, then claim. The standard library's sort would do, but each
/// element type it sorts adds its own copy of it to the WebAssembly binary (about 6 KB here).
fn sort_by_scope_and_claim(items: Vec<&Reservation>) -> Vec<&Reservation> {
    let mut src = items;
    let mut dst = Vec::with_capacity(src.len());
    let mut width = 1;
    while width < src.len() {
        dst.clear();
        for chunk in src.chunks(width.saturating_mul(2)) {
            let (left, right) = chunk.split_at(width.min(chunk.len()));
            let (mut left, mut right) = (left.iter().peekable(), right.iter().peekable());
            loop {
                let from_right = match (left.peek(), right.peek()) {
                    (Some(a), Some(b)) => (&b.scope, &b.claim) < (&a.scope, &a.claim),
                    (None, Some(_)) => true,
                    (_, None) => false,
                };
                let next = if from_right {
                    right.next()
                } else {
                    left.next()
                };
                let Some(&item) = next else { break };
                dst.push(item);
            }
        }
        std::mem::swap(&mut src, &mut dst);
        width = width.saturating_mul(2);
    }
    src
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::collections::BTreeMap;

    thread_local! {
        /// Makes every scope name hash alike, so that scopes share one entry of the index.
        pub(super) static COLLIDE: Cell<bool> = const { Cell::new(false) };
    }

    /// Random decisions, releases and prunes, applied, against a plain map of what is held;
    /// with scope names that hash alike or not.
    fn the_index_follows_its_changes(collide: bool) {
        COLLIDE.with(|c| c.set(collide));
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
    fn the_index_follows_its_changes_with_distinct_scope_hashes() {
        the_index_follows_its_changes(false);
    }

    #[test]
    fn the_index_follows_its_changes_when_every_scope_hashes_alike() {
        the_index_follows_its_changes(true);
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

    #[test]
    fn merge_sort_agrees_with_the_standard_sort() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for len in 0..70 {
            let owned: Vec<Reservation> = (0..len)
                .map(|i| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    let scope = format!("s{}", seed % 5);
                    Reservation::new(scope, format!("c{}", (seed >> 8) % 7), "g", i)
                })
                .collect();
            let refs: Vec<&Reservation> = owned.iter().collect();
            let mut want = refs.clone();
            want.sort_by(|a, b| (&a.scope, &a.claim).cmp(&(&b.scope, &b.claim)));
            let got = sort_by_scope_and_claim(refs);
            // Stable, like sort_by: equal keys keep their order (their ports tell them apart).
            assert_eq!(got, want, "{len}");
        }
    }

    #[test]
    fn the_hasher_reads_a_names_last_bytes_as_zero_padded_words() {
        // Every length of tail (0 to 7 bytes past whole words) must read as a little-endian,
        // zero-padded word, or names would hash by fewer of their bytes than they have.
        let bytes: Vec<u8> = (1..=23).collect();
        for len in 0..=bytes.len() {
            let name = &bytes[..len];
            let mut expected = FastHasher::default();
            for chunk in name.chunks(8) {
                let mut eight = [0u8; 8];
                eight[..chunk.len()].copy_from_slice(chunk);
                expected.write_u64(u64::from_le_bytes(eight));
            }
            let mut hashed = FastHasher::default();
            hashed.write(name);
            assert_eq!(hashed.0, expected.0, "{len} bytes");
        }
    }

    #[test]
    fn names_that_differ_late_spread_over_buckets() {
        // Tables index by the low bits of a hash; "d1", "d2", ... must not share them.
        let build = BuildHasherDefault::<FastHasher>::default();
        let buckets: HashSet<u64> = (0..4096)
            .map(|i| build.hash_one(format!("d{i}")) & 4095)
            .collect();
        assert!(buckets.len() > 2048, "{} buckets of 4096", buckets.len());
        let ports: HashSet<u64> = (0..4096u16)
            .map(|p| build.hash_one((Protocol::Tcp, 49152 + p)) & 4095)
            .collect();
        assert!(ports.len() > 2048, "{} buckets of 4096", ports.len());
    }
}
