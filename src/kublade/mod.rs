//! Kublade's rules for what a deployment's templates see: how `.kublade/fields.json` is
//! imported, how the values a user gives become the request Kublade's API receives, how that
//! request is validated and resolved into stored values, and the variables every template file
//! is rendered with (`$namespace $data $secret $limits $paused`; `$portClaims` comes from the
//! claims). `../shared/spec/kublade-notes.md` describes the pipeline; `../shared/kublade-oracle`
//! runs it.
//!
//! [`resolve`] is the one entry point: every host (the CLI, the playground, editors) asks it for
//! the variables, so the rules live here only.

use std::collections::HashSet;

use indexmap::IndexMap;
use minijinja::Value;
use minijinja::value::ValueKind;

pub mod fields;
mod form;
pub mod json;
mod php;
pub mod request;
pub mod traps;

pub use fields::{Field, FieldType, ImportError};
pub use request::Refusal;

/// The variables every template sees and whose names a values document may set directly.
pub const VARIABLES: [&str; 5] = ["namespace", "data", "secret", "limits", "paused"];

/// What a render is given besides the templates.
pub struct Inputs<'a> {
    /// fields.json's decoded content, when the folder has one.
    pub fields: Option<&'a Value>,
    /// The values document: field values by key (the request's `data[<template>]`), `limit`
    /// (the request's limit object), and the overrides `namespace`, `data`, `secret`, `limits`,
    /// `paused` (merged into the variables Kublade would compute).
    pub values: &'a Value,
    /// `$namespace` when neither the values nor a field set it: the deployment's name.
    pub namespace: &'a str,
    /// Whether a field the values leave out is sent as Kublade's create form pre-fills it (a
    /// template then renders with its defaults); otherwise it is not sent, as an API client
    /// that omits it.
    pub defaults: bool,
}

/// Something wrong with the inputs, as data for the host to place and show.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// `error` (nothing renders) or `warning`.
    pub severity: &'static str,
    /// `fields` (fields.json, at `path`) or `values` (the values, at `path`).
    pub source: &'static str,
    /// Where in that source: `[2].type` in fields.json, a key of the values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The field it is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The validation rule Kublade refuses the request with (`required`, `max:10`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// What kind of problem it is, for a host that says how to fix it: `unknown-field` (a value
    /// for no field of fields.json), `not-set-on-create` (a value Kublade ignores on create),
    /// `limit` (the request's limit object).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
    /// Where in the source's text, when known (a JSON syntax error): 1-based.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    pub message: String,
}

impl Problem {
    pub(crate) fn error(
        source: &'static str,
        path: Option<String>,
        message: impl Into<String>,
    ) -> Problem {
        Problem {
            severity: "error",
            source,
            path,
            field: None,
            rule: None,
            code: None,
            line: None,
            column: None,
            message: message.into(),
        }
    }

    fn warning(source: &'static str, path: Option<String>, message: impl Into<String>) -> Problem {
        Problem {
            severity: "warning",
            ..Problem::error(source, path, message)
        }
    }
}

/// The variables, or why there are none, and what else is worth saying.
#[derive(Debug)]
pub struct Resolved {
    /// `None` when a problem is an error.
    pub variables: Option<Value>,
    pub problems: Vec<Problem>,
}

/// `$limits` of a deployment without limits: what a template sees when the host gives none.
pub fn default_limits() -> Value {
    request::limits_value(false, 0.0, 0)
}

/// The variable Kublade always defines called `name`, as a deployment without values has it.
pub fn default_variable(name: &str, namespace: &str) -> Option<Value> {
    Some(match name {
        "namespace" => Value::from(namespace),
        "data" | "secret" => Value::from_pairs(Vec::<(Value, Value)>::new()),
        "limits" => default_limits(),
        "paused" => Value::from(false),
        _ => return None,
    })
}

/// How many of fields.json's keys a message about an unknown key lists.
const NAMED_FIELDS: usize = 20;

/// The variables Kublade renders a deployment's files with, for these inputs.
pub fn resolve(inputs: &Inputs<'_>) -> Resolved {
    let mut problems = Vec::new();
    let fields = match inputs.fields.map(fields::import) {
        None => None,
        Some(Ok(fields)) => Some(fields),
        Some(Err(ImportError { path, message })) => {
            problems.push(Problem::error("fields", Some(path), message));
            return Resolved {
                variables: None,
                problems,
            };
        }
    };
    let values = inputs.values;
    if !matches!(
        values.kind(),
        ValueKind::Map | ValueKind::Undefined | ValueKind::None
    ) {
        problems.push(Problem::error(
            "values",
            None,
            format!(
                "the values must be a mapping of names to values, got {}",
                php::describe(values)
            ),
        ));
        return Resolved {
            variables: None,
            problems,
        };
    }
    let given = request::entries(values);
    // Lookups by key, not scans: fields.json may declare thousands of fields.
    let field_keys: HashSet<&str> = fields.iter().flatten().map(|f| f.key.as_str()).collect();
    let is_field = |key: &str| field_keys.contains(key);
    let given_keys: HashSet<&str> = given.iter().filter_map(|(k, _)| k.as_str()).collect();
    // The field list an unknown key's message names, written once.
    let mut known_fields: Option<String> = None;

    // The values document, split: field values (the request), the limit object, overrides.
    let mut sent: Vec<(Value, Value)> = Vec::new();
    let mut loose_data: Vec<(Value, Value)> = Vec::new();
    let mut overrides: Vec<(&str, Value)> = Vec::new();
    let mut limit = Value::from(());
    for (key, value) in &given {
        let name = key
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| key.to_string());
        if is_field(&name) {
            sent.push((key.clone(), value.clone()));
        } else if name == "portClaims" {
            problems.push(Problem::error(
                "values",
                Some(name),
                "`portClaims` cannot be given as a value: the ports come from the claims",
            ));
        } else if name == "limit" {
            limit = value.clone();
        } else if let Some(variable) = VARIABLES.iter().find(|v| **v == name) {
            overrides.push((variable, value.clone()));
        } else if let Some(fields) = &fields {
            let known = known_fields.get_or_insert_with(|| {
                if fields.is_empty() {
                    String::new()
                } else {
                    // A message is one line a person reads: the first fields, and how many.
                    let keys: Vec<&str> = fields
                        .iter()
                        .take(NAMED_FIELDS)
                        .map(|f| f.key.as_str())
                        .collect();
                    let more = if fields.len() > NAMED_FIELDS {
                        format!(", … ({} in all)", fields.len())
                    } else {
                        String::new()
                    };
                    format!(" (its fields: {}{more})", keys.join(", "))
                }
            });
            let mut problem = Problem::error(
                "values",
                Some(name.clone()),
                format!("there is no field {name:?} in fields.json{known}"),
            );
            problem.field = Some(name);
            problem.code = Some("unknown-field");
            problems.push(problem);
        } else {
            loose_data.push((key.clone(), value.clone()));
        }
    }
    limits_keys(&limit, &mut problems);

    let mut variables = Vec::new();
    let (data, secret) = match &fields {
        Some(fields) => {
            // A field the user does not give is sent as Kublade's form pre-fills it.
            let mut sent_keys: HashSet<String> = sent
                .iter()
                .filter_map(|(k, _)| k.as_str().map(str::to_string))
                .collect();
            for field in fields.iter().filter(|f| f.set_on_create && inputs.defaults) {
                if !sent_keys.contains(field.key.as_str()) {
                    if let Some(value) = form::prefilled(field) {
                        sent_keys.insert(field.key.clone());
                        sent.push((Value::from(field.key.as_str()), value));
                    }
                }
            }
            for field in fields.iter().filter(|f| !f.set_on_create) {
                if given_keys.contains(field.key.as_str()) {
                    let mut problem = Problem::warning(
                        "values",
                        Some(field.key.clone()),
                        format!(
                            "{} is not set on create (its \"set_on_create\" is false): Kublade ignores the value given and uses the template's default",
                            request::field_name(field)
                        ),
                    );
                    problem.field = Some(field.key.clone());
                    problem.code = Some("not-set-on-create");
                    problems.push(problem);
                }
            }
            let request = request::middleware(&Value::from_pairs(sent));
            let resolved = request::validate(fields, &request, true)
                .and_then(|()| request::resolve_create(fields, &request).map_err(|r| vec![r]));
            match resolved {
                Ok(resolved) => resolved,
                Err(refusals) => {
                    problems.extend(refusals.into_iter().map(refusal_problem));
                    (Value::UNDEFINED, Value::UNDEFINED)
                }
            }
        }
        None => (
            Value::from_pairs(loose_data),
            Value::from_pairs(Vec::<(Value, Value)>::new()),
        ),
    };
    let limits = match request::resolve_limits(&request::middleware(&limit)) {
        Ok(limits) => limits,
        Err(refusal) => {
            problems.push(refusal_problem(refusal));
            Value::UNDEFINED
        }
    };
    if problems.iter().any(|p| p.severity == "error") {
        return Resolved {
            variables: None,
            problems,
        };
    }

    let override_of = |name: &str| {
        overrides
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    };
    let merged = |name: &'static str, resolved: Value, problems: &mut Vec<Problem>| {
        match override_of(name) {
            None => resolved,
            Some(extra) if extra.is_none() => resolved,
            Some(extra) if extra.kind() == ValueKind::Map => deep_merge(&resolved, &extra),
            Some(extra) => {
                problems.push(Problem::error(
                    "values",
                    Some(name.to_string()),
                    format!("`{name}` must be a mapping, got {}", php::describe(&extra)),
                ));
                resolved
            }
        }
    };
    let data = merged("data", data, &mut problems);
    let secret = merged("secret", secret, &mut problems);
    let limits = merged("limits", limits, &mut problems);
    let namespace = override_of("namespace")
        .filter(|v| !v.is_none())
        .unwrap_or_else(|| Value::from(inputs.namespace));
    let paused = override_of("paused")
        .filter(|v| !v.is_none())
        .unwrap_or(Value::from(false));
    variables.extend([
        ("namespace", namespace),
        ("data", data),
        ("secret", secret),
        ("limits", limits),
        ("paused", paused),
    ]);
    let failed = problems.iter().any(|p| p.severity == "error");
    Resolved {
        variables: (!failed).then(|| Value::from_pairs(variables)),
        problems,
    }
}

/// The request's limit object has `is_active`, `cpu` and `memory`; `enabled` is what the
/// template sees (set it with the `limits` override), an easy mistake to make.
fn limits_keys(limit: &Value, problems: &mut Vec<Problem>) {
    if limit.kind() != ValueKind::Map {
        return;
    }
    for (key, _) in request::entries(limit) {
        let name = key.as_str().unwrap_or_default();
        if !["is_active", "cpu", "memory"].contains(&name) {
            problems.push(Problem {
                code: Some("limit"),
                ..Problem::error(
                    "values",
                    Some(format!("limit.{name}")),
                    format!(
                        "limit.{name}: the request's limit object has is_active, cpu and memory{}",
                        if name == "enabled" {
                            " ($limits['enabled'] is 'true' when is_active is 1; `limits:` sets $limits as is)"
                        } else {
                            ""
                        }
                    ),
                )
            });
        }
    }
}

fn refusal_problem(refusal: Refusal) -> Problem {
    let path = refusal.field.clone();
    let source = if refusal.limit { "values" } else { "fields" };
    Problem {
        severity: "error",
        source,
        path: if source == "values" { path } else { None },
        field: refusal.field,
        rule: refusal.rule,
        code: refusal.limit.then_some("limit"),
        line: None,
        column: None,
        message: refusal.message,
    }
}

/// `base` with `extra`'s entries on top: mappings in both are merged, anything else replaced.
/// Keyed by an index map, so a values document with many keys merges in one pass.
fn deep_merge(base: &Value, extra: &Value) -> Value {
    let mut entries: IndexMap<Value, Value> = if base.kind() == ValueKind::Map {
        request::entries(base).into_iter().collect()
    } else {
        IndexMap::new()
    };
    for (key, value) in request::entries(extra) {
        match entries.get_mut(&key) {
            Some(existing)
                if existing.kind() == ValueKind::Map && value.kind() == ValueKind::Map =>
            {
                *existing = deep_merge(existing, &value);
            }
            Some(existing) => *existing = value,
            None => {
                entries.insert(key, value);
            }
        }
    }
    Value::from_pairs(entries.into_iter().collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Value {
        serde_json::from_str(text).unwrap()
    }

    fn resolve_json(fields: Option<&str>, values: &str) -> Resolved {
        let fields = fields.map(json);
        resolve(&Inputs {
            fields: fields.as_ref(),
            values: &json(values),
            namespace: "ns",
            defaults: true,
        })
    }

    #[test]
    fn without_fields_the_values_land_in_data_and_limits_are_kublades() {
        let r = resolve_json(
            None,
            r#"{"replicas": 3, "secret": {"pw": "x"}, "paused": true}"#,
        );
        assert_eq!(r.problems, []);
        assert_eq!(
            serde_json::to_string(&r.variables.unwrap()).unwrap(),
            r#"{"namespace":"ns","data":{"replicas":3},"secret":{"pw":"x"},"limits":{"enabled":"false","cpu":0.0,"memory":0},"paused":true}"#
        );
    }

    #[test]
    fn fields_resolve_as_kublade_stores_them() {
        let fields = r#"[
            {"type": "input_text", "key": "name", "label": "Name", "value": "shop", "required": true, "set_on_create": true},
            {"type": "textarea", "key": "notes", "label": "Notes", "value": null, "required": true},
            {"type": "input_number", "key": "replicas", "label": "Replicas", "value": 2, "min": 1, "max": 10, "required": true, "set_on_create": true},
            {"type": "select", "key": "tier", "label": "Tier", "value": null, "set_on_create": true,
             "options": [{"value": "small", "label": "S", "default": true}, {"value": "large", "label": "L"}]},
            {"type": "input_text", "key": "namespace", "label": "Namespace", "value": "x", "set_on_create": true},
            {"type": "input_text", "key": "pw", "label": "Password", "value": null, "secret": true, "set_on_create": true}
        ]"#;
        let r = resolve_json(
            Some(fields),
            r#"{"replicas": 3, "namespace": " prod ", "pw": ""}"#,
        );
        assert_eq!(r.problems, []);
        assert_eq!(
            serde_json::to_string(&r.variables.unwrap()).unwrap(),
            r#"{"namespace":"ns","data":{"name":"shop","notes":"","replicas":3,"tier":"small","namespace":"prod"},"secret":{"pw":""},"limits":{"enabled":"false","cpu":0.0,"memory":0},"paused":false}"#
        );
        let refused = resolve_json(Some(fields), r#"{"replicas": "11"}"#);
        assert!(refused.variables.is_none());
        assert_eq!(
            refused.problems[0].message,
            r#"field "replicas" (Replicas) is 11, above its maximum 10"#
        );
        assert_eq!(refused.problems[0].rule.as_deref(), Some("max:10"));
    }

    #[test]
    fn values_for_fields_kublade_does_not_read_warn() {
        let fields = r#"[{"type": "input_text", "key": "a", "label": "A", "value": "d"}]"#;
        let r = resolve_json(Some(fields), r#"{"a": "given"}"#);
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].severity, "warning");
        assert_eq!(r.problems[0].code, Some("not-set-on-create"));
        let unknown = resolve_json(Some(fields), r#"{"b": "x"}"#);
        assert_eq!(unknown.problems[0].code, Some("unknown-field"));
        assert_eq!(unknown.problems[0].field.as_deref(), Some("b"));
        assert!(
            serde_json::to_string(&r.variables.unwrap())
                .unwrap()
                .contains(r#""a":"d""#)
        );
    }

    #[test]
    fn limit_takes_the_request_keys_and_limits_overrides_the_variable() {
        let r = resolve_json(None, r#"{"limit": {"enabled": "true"}}"#);
        assert!(r.variables.is_none());
        assert!(r.problems[0].message.starts_with(
            "limit.enabled: the request's limit object has is_active, cpu and memory"
        ));
        assert_eq!(r.problems[0].code, Some("limit"));
        let r = resolve_json(None, r#"{"limit": {"is_active": 1, "cpu": "lots"}}"#);
        assert_eq!(r.problems[0].code, Some("limit"), "{:?}", r.problems);
        let r = resolve_json(
            None,
            r#"{"limit": {"is_active": 1, "cpu": "2"}, "limits": {"memory": "1Gi"}}"#,
        );
        let json = serde_json::to_string(&r.variables.unwrap()).unwrap();
        assert!(json.contains(r#""limits":{"enabled":"true","cpu":2.0,"memory":"1Gi"}"#));
    }
}
