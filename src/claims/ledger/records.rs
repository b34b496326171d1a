//! What a ledger holds and decides: reservations, the change a store commits, and a render's
//! decision with its diagnostics.

use std::sync::Arc;

use minijinja::Value;

use crate::engine::values::JsonObject;

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

    pub(super) fn key(&self) -> Key {
        (self.scope.clone(), self.claim.clone())
    }

    pub(super) fn holder(&self) -> String {
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
    /// The field of the claims it is about (`[0].group`), when it is one field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl Diagnostic {
    pub(super) fn about(claim: &str, severity: Severity, message: String) -> Diagnostic {
        Diagnostic {
            severity,
            message,
            claim: Some(claim.to_string()),
            field: None,
        }
    }

    pub(super) fn at_field(
        claim: &str,
        field: String,
        severity: Severity,
        message: String,
    ) -> Diagnostic {
        Diagnostic {
            field: Some(field),
            ..Diagnostic::about(claim, severity, message)
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

pub(super) type Key = (String, Arc<str>);
