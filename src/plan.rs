//! One render as the host sees it: decide the claims against the store's reservations, hand the
//! ports to the template as `$portClaims`, render, and report the change the store must commit.
//!
//! Nothing here touches the store: the decision is made against a [`Ledger`] (the engine's index
//! of a snapshot, under its groups configuration) and the host commits [`Planned::change`] itself, so a render that fails changes
//! nothing stored.

use std::fmt;

use minijinja::Value;

pub use crate::claims::DEFAULT_SCOPE;
use crate::claims::{self, Change, Claim, ClaimsError, Diagnostic, Ledger, Reservation};
use crate::engine::{self, Template};

/// What a render needs besides the store's reservations.
pub struct Request<'a> {
    pub template: &'a Template,
    pub claims: &'a [Claim],
    /// The template variables the host supplies (`data`, `secret`, `limits`, …), a map.
    pub values: &'a Value,
    pub scope: &'a str,
    pub seed: Option<u64>,
}

/// A decided and rendered template, with the change that makes its reservations stick.
#[derive(Debug)]
pub struct Planned {
    pub output: String,
    /// Claim name → port, in declaration order.
    pub ports: Vec<(String, u16)>,
    pub allocated: Vec<Reservation>,
    pub released: Vec<Reservation>,
    pub diagnostics: Vec<Diagnostic>,
    pub change: Change,
}

/// Why a render failed: the template, or the claims.
#[derive(Debug, Clone)]
pub enum Error {
    Template(engine::Error),
    Claims(ClaimsError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Template(e) => e.fmt(f),
            Error::Claims(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

impl From<engine::Error> for Error {
    fn from(e: engine::Error) -> Self {
        Error::Template(e)
    }
}

impl From<ClaimsError> for Error {
    fn from(e: ClaimsError) -> Self {
        Error::Claims(e)
    }
}

/// Decides every declared claim and renders the template with them.
pub fn plan(ledger: &Ledger, request: &Request<'_>) -> Result<Planned, Error> {
    let mut rng = claims::rng(request.seed)?;
    let decision = ledger.decide(request.scope, request.claims, &mut rng)?;
    let variables = variables(request.values, request.scope, &decision.ports);
    let output = request.template.render(&variables)?;
    Ok(Planned {
        output,
        ports: decision.ports,
        allocated: decision.allocated,
        released: decision.released,
        diagnostics: decision.diagnostics,
        change: decision.change,
    })
}

/// The variables Kublade passes to every template: the host's values, with `$portClaims` set to
/// the decided ports and the variables Kublade always defines filled in when the host left them out.
pub fn variables(values: &Value, scope: &str, ports: &[(String, u16)]) -> Value {
    let mut entries: Vec<(Value, Value)> = Vec::new();
    if let Ok(keys) = values.try_iter() {
        for key in keys {
            if key.as_str() == Some("portClaims") {
                continue;
            }
            if let Ok(value) = values.get_item(&key) {
                entries.push((key, value));
            }
        }
    }
    let claims = Value::from_pairs(ports.iter().map(|(name, port)| (name.as_str(), *port)));
    entries.push((Value::from("portClaims"), claims));
    let defaults = [
        ("namespace", Value::from(scope)),
        ("data", Value::from_pairs(Vec::<(Value, Value)>::new())),
        ("secret", Value::from_pairs(Vec::<(Value, Value)>::new())),
        ("limits", Value::from_pairs([("enabled", "false")])),
        ("paused", Value::from(false)),
    ];
    for (name, value) in defaults {
        if !entries.iter().any(|(key, _)| key.as_str() == Some(name)) {
            entries.push((Value::from(name), value));
        }
    }
    Value::from_pairs(entries)
}
