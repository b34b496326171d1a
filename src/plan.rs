//! One render as the host sees it: decide the claims against the store's reservations, hand the
//! ports to the template as `$portClaims`, render, and report the change the store must commit.
//!
//! Nothing here touches the store: the decision is made against a [`Ledger`] (the engine's index
//! of a snapshot, under its groups configuration) and the host commits [`Planned::change`] itself, so a render that fails changes
//! nothing stored.

use std::fmt;

use std::sync::Arc;

use minijinja::Value;
use minijinja::value::{Enumerator, Object, ObjectRepr, ValueKind};

pub use crate::claims::DEFAULT_SCOPE;
use crate::claims::{self, Claim, ClaimsError, Decision, Ledger};
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
    /// The ports, diagnostics and change the template was rendered with.
    pub decision: Decision,
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
    let decision = decide(ledger, request.scope, request.claims, request.seed)?;
    let variables = variables(request.values, request.scope, &decision.ports);
    let output = request.template.render(&variables)?;
    Ok(Planned { output, decision })
}

/// Decides every declared claim of `scope`, as a render would, rendering nothing: for hosts that
/// render several templates with one decision (a folder), or only want the ports.
pub fn decide(
    ledger: &Ledger,
    scope: &str,
    claims: &[Claim],
    seed: Option<u64>,
) -> Result<Decision, ClaimsError> {
    claims::with_rng(seed, |rng| ledger.decide(scope, claims, rng))?
}

/// The variables Kublade passes to every template: the host's values, with `$portClaims` set to
/// the decided ports and the variables Kublade always defines filled in when the host left them out.
pub fn variables(values: &Value, scope: &str, ports: &[(Arc<str>, u16)]) -> Value {
    Value::from_object(Variables {
        values: values.clone(),
        port_claims: claims::port_claims(ports),
        namespace: Value::from(scope),
    })
}

/// The variables Kublade always defines, in the order they follow the host's own.
const DEFAULTS: [&str; 5] = crate::kublade::VARIABLES;

/// The variables as a map that looks names up where they live: copying the host's values into a
/// new map would cost more than rendering most templates.
#[derive(Debug)]
struct Variables {
    values: Value,
    port_claims: Value,
    namespace: Value,
}

impl Variables {
    fn host(&self, name: &str) -> Option<Value> {
        if self.values.kind() != ValueKind::Map {
            return None;
        }
        self.values
            .get_attr(name)
            .ok()
            .filter(|value| !value.is_undefined())
    }

    fn default(&self, name: &str) -> Option<Value> {
        crate::kublade::default_variable(name, self.namespace.as_str().unwrap_or_default())
    }
}

impl Object for Variables {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, name: &str) -> Option<Value> {
        if name == "portClaims" {
            return Some(self.port_claims.clone());
        }
        self.host(name).or_else(|| self.default(name))
    }

    /// The host's names (but `portClaims`), then `portClaims`, then the defaults it lacks.
    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let mut names: Vec<Value> = Vec::new();
        if self.values.kind() == ValueKind::Map {
            if let Ok(keys) = self.values.try_iter() {
                names.extend(keys.filter(|key| key.as_str() != Some("portClaims")));
            }
        }
        names.push(Value::from("portClaims"));
        for name in DEFAULTS {
            if self.host(name).is_none() {
                names.push(Value::from(name));
            }
        }
        Enumerator::Values(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(json: &str) -> Value {
        serde_json::from_str(json).expect("valid JSON")
    }

    #[test]
    fn host_values_come_first_then_port_claims_then_missing_defaults() {
        let v = variables(
            &host(r#"{"data": {"a": 1}, "portClaims": {"x": 1}, "extra": null}"#),
            "team-a",
            &[("web".into(), 8080)],
        );
        let names: Vec<String> = v
            .try_iter()
            .expect("a map")
            .map(|k| k.to_string())
            .collect();
        assert_eq!(
            names,
            [
                "data",
                "extra",
                "portClaims",
                "namespace",
                "secret",
                "limits",
                "paused"
            ]
        );
        assert_eq!(v.get_attr("data").expect("data").to_string(), r#"{'a': 1}"#);
        assert!(v.get_attr("extra").expect("extra").is_none());
        assert_eq!(
            v.get_attr("portClaims").expect("claims").to_string(),
            r#"{'web': 8080}"#
        );
        assert_eq!(
            v.get_attr("namespace").expect("ns").as_str(),
            Some("team-a")
        );
        assert_eq!(
            v.get_attr("limits").expect("limits").to_string(),
            r#"{'enabled': 'false', 'cpu': 0.0, 'memory': 0}"#
        );
        assert!(!v.get_attr("paused").expect("paused").is_true());
        assert!(v.get_attr("other").expect("lookup").is_undefined());
    }

    #[test]
    fn values_that_are_not_a_map_give_only_claims_and_defaults() {
        let v = variables(&host("[1, 2]"), "s", &[]);
        assert_eq!(v.try_iter().expect("a map").count(), 6);
        assert_eq!(v.get_attr("namespace").expect("ns").as_str(), Some("s"));
    }
}
