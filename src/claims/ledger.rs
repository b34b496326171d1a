//! The reservations a store holds, indexed for deciding, and the decision itself.
//!
//! A [`Ledger`] is built from one snapshot of the store. Deciding never changes it: it returns
//! the [`Change`] to commit, so a refused commit costs nothing but a reload and a new decision.

use std::collections::{BTreeMap, HashMap, HashSet};

use minijinja::Value;
use rand::Rng;

use super::config::Claim;
use super::error::ClaimsError;
use super::groups::{Group, Groups, Protocol};
use super::ports::{self, PortSet};
use super::tree;

const RESERVATIONS: &str = "reservations";
const CHANGE: &str = "change";

/// The scope a render belongs to when the host names none.
pub const DEFAULT_SCOPE: &str = "default";

/// A port held by one claim of one scope (a deployment).
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Reservation {
    pub scope: String,
    pub claim: String,
    pub group: String,
    pub port: u16,
}

impl Reservation {
    pub fn new(
        scope: impl Into<String>,
        claim: impl Into<String>,
        group: impl Into<String>,
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
    pub ports: Vec<(String, u16)>,
    /// Reservations made by this decision.
    pub allocated: Vec<Reservation>,
    /// Reservations given up by this decision (claims whose group changed).
    pub released: Vec<Reservation>,
    pub diagnostics: Vec<Diagnostic>,
    /// `allocated` to put and `released` to delete, for the store.
    pub change: Change,
}

impl Decision {
    /// The port of `claim`, if it was declared.
    pub fn port(&self, claim: &str) -> Option<u16> {
        self.ports
            .iter()
            .find(|(name, _)| name == claim)
            .map(|&(_, port)| port)
    }
}

type Key = (String, String);

/// The store's reservations as the engine knows them: by (scope, claim), and as taken ports per
/// protocol, so a decision costs the same however many reservations there are.
#[derive(Debug, Clone)]
pub struct Ledger {
    groups: Groups,
    entries: BTreeMap<Key, Reservation>,
    /// Indexed by [`Protocol::index`].
    taken: [PortSet; 2],
    holders: HashMap<(Protocol, u16), Key>,
}

impl Ledger {
    /// Indexes a snapshot. A snapshot that holds one port twice in one protocol, reserves a
    /// (scope, claim) twice or holds port 0 is refused: deciding from it could hand a port out twice.
    pub fn new(reservations: Vec<Reservation>, groups: &Groups) -> Result<Ledger, ClaimsError> {
        let mut ledger = Ledger {
            groups: groups.clone(),
            entries: BTreeMap::new(),
            taken: [PortSet::new(), PortSet::new()],
            holders: HashMap::with_capacity(reservations.len()),
        };
        let mut index_of: HashMap<Key, usize> = HashMap::with_capacity(reservations.len());
        for (index, reservation) in reservations.into_iter().enumerate() {
            let at = |field: &str| format!("[{index}]{field}");
            for (field, text) in [
                ("scope", &reservation.scope),
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

    fn insert(&mut self, protocol: Protocol, reservation: Reservation) {
        let key = reservation.key();
        self.taken[protocol.index()].insert(reservation.port);
        self.holders
            .insert((protocol, reservation.port), key.clone());
        self.entries.insert(key, reservation);
    }

    fn remove(&mut self, key: &Key) {
        if let Some(reservation) = self.entries.remove(key) {
            let protocol = self.groups.protocol(&reservation.group);
            self.taken[protocol.index()].remove(reservation.port);
            self.holders.remove(&(protocol, reservation.port));
        }
    }

    /// The groups this ledger decides with.
    pub fn groups(&self) -> &Groups {
        &self.groups
    }

    /// Every reservation, sorted by scope, then claim.
    pub fn reservations(&self) -> Vec<&Reservation> {
        self.entries.values().collect()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The reservation of `claim` in `scope`.
    pub fn get(&self, scope: &str, claim: &str) -> Option<&Reservation> {
        self.entries.get(&(scope.to_string(), claim.to_string()))
    }

    /// Who holds `port` over `protocol`, across all scopes and groups.
    pub fn holder(&self, protocol: Protocol, port: u16) -> Option<&Reservation> {
        self.holders
            .get(&(protocol, port))
            .and_then(|key| self.entries.get(key))
    }

    /// Applies a change the store has committed, so the next decision needs no reload.
    /// All or nothing: a change that does not fit this ledger is refused whole.
    pub fn apply(&mut self, change: &Change) -> Result<(), ClaimsError> {
        let mut deleted: HashSet<Key> = HashSet::new();
        let mut freed: HashSet<(Protocol, u16)> = HashSet::new();
        for (index, reservation) in change.delete.iter().enumerate() {
            let field = format!("delete[{index}]");
            let key = reservation.key();
            match self.entries.get(&key) {
                Some(current) if current == reservation && !deleted.contains(&key) => {
                    freed.insert((self.groups.protocol(&current.group), current.port));
                    deleted.insert(key);
                }
                Some(current) if current == reservation => {
                    return Err(ClaimsError::at(
                        CHANGE,
                        &field,
                        format!("{} is deleted twice", reservation.holder()),
                    ));
                }
                Some(current) => {
                    return Err(ClaimsError::at(
                        CHANGE,
                        &field,
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
                        &field,
                        format!("{} is not reserved", reservation.holder()),
                    ));
                }
            }
        }
        let mut put_keys: HashSet<Key> = HashSet::new();
        let mut put_ports: HashMap<(Protocol, u16), &Reservation> = HashMap::new();
        for (index, reservation) in change.put.iter().enumerate() {
            let field = format!("put[{index}]");
            if reservation.scope.is_empty()
                || reservation.claim.is_empty()
                || reservation.group.is_empty()
            {
                return Err(ClaimsError::at(
                    CHANGE,
                    &field,
                    "scope, claim and group must be non-empty strings",
                ));
            }
            if reservation.port == 0 {
                return Err(ClaimsError::at(CHANGE, &field, "port 0 cannot be reserved"));
            }
            let key = reservation.key();
            if (self.entries.contains_key(&key) && !deleted.contains(&key)) || !put_keys.insert(key)
            {
                return Err(ClaimsError::at(
                    CHANGE,
                    &field,
                    format!("{} is already reserved", reservation.holder()),
                ));
            }
            let protocol = self.groups.protocol(&reservation.group);
            let slot = (protocol, reservation.port);
            let held_before = self
                .holder(protocol, reservation.port)
                .filter(|_| !freed.contains(&slot));
            if let Some(other) = held_before.or_else(|| put_ports.get(&slot).copied()) {
                return Err(ClaimsError::at(
                    CHANGE,
                    &field,
                    format!(
                        "{protocol} port {} is already held by {}",
                        reservation.port,
                        other.holder()
                    ),
                ));
            }
            put_ports.insert(slot, reservation);
        }
        for key in &deleted {
            self.remove(key);
        }
        for reservation in &change.put {
            self.insert(
                self.groups.protocol(&reservation.group),
                reservation.clone(),
            );
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
        let mut taken = self.taken.clone();
        let mut diagnostics = Vec::new();
        let mut released = Vec::new();

        // First what each claim already holds, so a port kept by a later claim is never handed
        // to an earlier one, and a port released by a moved claim may be reused.
        let mut seen: HashSet<&str> = HashSet::with_capacity(claims.len());
        let mut plan: Vec<(&Claim, Group, Option<u16>)> = Vec::with_capacity(claims.len());
        for claim in claims {
            check_claim(claim, &mut seen)?;
            let group = self.groups.get(&claim.group);
            let kept = match self.get(scope, &claim.claim) {
                Some(held) if held.group == claim.group => {
                    if !group.allows(held.port) {
                        diagnostics.push(Diagnostic::about(
                            &claim.claim,
                            Severity::Warning,
                            format!(
                                "keeps port {}, which is outside group {:?} ({}), because it was reserved before",
                                held.port,
                                group.name(),
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
            plan.push((claim, group, kept));
        }

        let mut decided_here: HashMap<(Protocol, u16), &str> = HashMap::new();
        let mut ports = Vec::with_capacity(claims.len());
        let mut allocated = Vec::new();
        for (claim, group, kept) in plan {
            if let Some(port) = kept {
                ports.push((claim.claim.clone(), port));
                continue;
            }
            if group.ranges().is_empty() {
                return Err(ClaimsError::for_claim(
                    &claim.claim,
                    format!(
                        "group {:?} has no port range: give it one in the port groups config, e.g. {{ {:?}: {{ \"ranges\": [\"30000-30100\"] }} }}",
                        group.name(),
                        group.name()
                    ),
                ));
            }
            let protocol = group.protocol();
            let taken_here = &mut taken[protocol.index()];
            let port = match claim.preferred_port {
                Some(preferred) if !taken_here.contains(preferred) => preferred,
                Some(preferred) => {
                    let holder = match decided_here.get(&(protocol, preferred)) {
                        Some(other) => format!("scope {scope:?}, claim {other:?}"),
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
                    let port = draw(claim, &group, taken_here, rng)?;
                    diagnostics.push(Diagnostic::about(
                        &claim.claim,
                        Severity::Warning,
                        format!("preferred {protocol} port {preferred} is held by {holder}: drew port {port} instead"),
                    ));
                    port
                }
                None => draw(claim, &group, taken_here, rng)?,
            };
            taken_here.insert(port);
            decided_here.insert((protocol, port), &claim.claim);
            ports.push((claim.claim.clone(), port));
            allocated.push(Reservation::new(scope, &claim.claim, &claim.group, port));
        }

        let change = Change {
            put: allocated.clone(),
            delete: released.clone(),
        };
        Ok(Decision {
            ports,
            allocated,
            released,
            diagnostics,
            change,
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
        let declared: HashSet<&str> = claims.iter().map(|c| c.claim.as_str()).collect();
        self.release_where(scope, |r| !declared.contains(r.claim.as_str()))
    }

    fn release_where(&self, scope: &str, mut release: impl FnMut(&Reservation) -> bool) -> Change {
        let start = (scope.to_string(), String::new());
        let delete = self
            .entries
            .range(start..)
            .map(|(_, r)| r)
            .take_while(|r| r.scope == scope)
            .filter(|r| release(r))
            .cloned()
            .collect();
        Change {
            put: Vec::new(),
            delete,
        }
    }
}

fn check_claim<'a>(claim: &'a Claim, seen: &mut HashSet<&'a str>) -> Result<(), ClaimsError> {
    if claim.claim.is_empty() {
        return Err(ClaimsError::new("a claim needs a non-empty name"));
    }
    if !seen.insert(&claim.claim) {
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
    taken: &PortSet,
    rng: &mut (impl Rng + ?Sized),
) -> Result<u16, ClaimsError> {
    ports::draw(group.allowed(), taken, rng).ok_or_else(|| {
        let size = group.size();
        let message = if size == 0 {
            format!(
                "group {:?} has no port to draw from: {} leaves none",
                group.name(),
                group.describe_ports()
            )
        } else {
            format!(
                "group {:?} has no free port: {} of {} ports in {} are reserved",
                group.name(),
                group.allowed().count_common(taken),
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
        claim,
        group,
        port,
    })
}
