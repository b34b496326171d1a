//! Deciding a render's ports: first what each claim keeps, then what the others get.

use std::sync::Arc;

use rand::Rng;

use super::hasher::FastSet;
use super::{Change, Decision, Diagnostic, Ledger, Reservation, Severity, UNDECIDED};
use crate::claims::config::Claim;
use crate::claims::error::ClaimsError;
use crate::claims::groups::Group;
use crate::claims::ports::{self, Overlay, PoolTaken};

impl Ledger {
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
        if let Some(c) = crate::claims::tree::unprintable(scope) {
            return Err(ClaimsError::new(format!(
                "the scope {}",
                crate::claims::tree::unprintable_message(c)
            )));
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
            // Any name is a group (Kublade's are free-form, and draw from the dynamic range as
            // here), so only a name close to a known group warns: a misspelt `htpp` would
            // otherwise draw from the wrong ports silently.
            if !self.groups.is_known(&claim.group)
                && let Some(known) = self.groups.closest_known(&claim.group)
            {
                diagnostics.push(Diagnostic::at_field(
                    &claim.claim,
                    format!("[{index}].group"),
                    Severity::Warning,
                    format!(
                        "{:?} is no known group: it draws from {} ({}), as every group the port groups do not configure (did you mean {known:?}?)",
                        claim.group,
                        group.describe_ports(),
                        group.protocol()
                    ),
                ));
            }
            let kept = match self.get(scope, &claim.claim) {
                Some(held) if held.group == claim.group => {
                    // A preferred port is granted wherever it is: holding it is no news.
                    if !group.allows(held.port) && claim.preferred_port != Some(held.port) {
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
                    let holding = earlier.or_else(|| self.holder(protocol, preferred));
                    let holder = holding
                        .map(Reservation::holder)
                        .unwrap_or_else(|| "another claim".to_string());
                    if !claim.random {
                        let error = ClaimsError::for_claim(
                            &claim.claim,
                            format!(
                                "preferred {protocol} port {preferred} is held by {holder}, and \"random\" is false"
                            ),
                        );
                        return Err(match holding {
                            Some(r) => error.held_by(&r.scope, &r.claim),
                            None => error,
                        });
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
    for (what, name) in [("name", &claim.claim), ("group", &claim.group)] {
        if let Some(c) = crate::claims::tree::unprintable(name) {
            return Err(ClaimsError::new(format!(
                "a claim's {what} {}",
                crate::claims::tree::unprintable_message(c)
            )));
        }
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
        ClaimsError::for_claim(&claim.claim, message).in_group(&claim.group)
    })
}
