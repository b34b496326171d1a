//! Applying a change the store has committed, after checking that it fits the ledger whole.

use super::hasher::{FastMap, FastSet};
use super::{CHANGE, Change, Ledger, Reservation};
use crate::claims::error::ClaimsError;
use crate::claims::groups::Protocol;

impl Ledger {
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
}
