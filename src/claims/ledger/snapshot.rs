//! A store's snapshot read into a ledger, and a ledger's reservations listed in the order
//! stores keep them.

use minijinja::Value;

use super::{DEFAULT_SCOPE, Ledger, RESERVATIONS, Reservation};
use crate::claims::error::ClaimsError;
use crate::claims::groups::Groups;
use crate::claims::tree;

impl Ledger {
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
pub(super) fn sort_by_scope_and_claim(items: Vec<&Reservation>) -> Vec<&Reservation> {
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
}
