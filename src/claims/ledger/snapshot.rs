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
