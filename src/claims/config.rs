//! The claims a template declares: Kublade's `.kublade/ports.json`.

use std::collections::HashMap;
use std::sync::Arc;

use minijinja::Value;

use super::error::ClaimsError;
use super::tree;

const DOCUMENT: &str = "ports.json";

/// One declared claim: a template's request for a port of a group, under a name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Claim {
    /// The name templates use: `$portClaims['web']`. Shared, not copied, by every decision and
    /// reservation of the claim.
    pub claim: Arc<str>,
    /// The port group the port is drawn from.
    pub group: Arc<str>,
    /// The port wanted, granted when no one holds it, even outside the group's ranges.
    pub preferred_port: Option<u16>,
    /// Whether a random port of the group may be given when the preferred port is held.
    pub random: bool,
}

impl Claim {
    /// A claim for any free port of `group`.
    pub fn new(claim: impl Into<Arc<str>>, group: impl Into<Arc<str>>) -> Claim {
        Claim {
            claim: claim.into(),
            group: group.into(),
            preferred_port: None,
            random: true,
        }
    }

    /// The same claim, asking for `port` first.
    pub fn preferring(mut self, port: u16, random: bool) -> Claim {
        self.preferred_port = Some(port);
        self.random = random;
        self
    }
}

/// The fields of a claim: Kublade's four.
const FIELDS: &[&str] = &["group", "claim", "preferred_port", "random"];

/// Reads a `ports.json` array. A field other than Kublade's four is an error (a misspelt
/// `preferred_port` would otherwise go unnoticed), with the field it most likely meant.
pub fn parse_claims(v: &Value) -> Result<Vec<Claim>, ClaimsError> {
    let items = tree::items(v).ok_or_else(|| {
        ClaimsError::at(
            DOCUMENT,
            "",
            format!("must be an array of claims, got {}", tree::describe(v)),
        )
    })?;
    let mut first_seen: HashMap<Arc<str>, usize> = HashMap::new();
    let mut claims = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let claim = parse_claim(index, item)?;
        if let Some(first) = first_seen.get(&claim.claim) {
            return Err(ClaimsError::at(
                DOCUMENT,
                &format!("[{index}].claim"),
                format!("{:?} is declared twice (first at [{first}])", claim.claim),
            ));
        }
        first_seen.insert(claim.claim.clone(), index);
        claims.push(claim);
    }
    Ok(claims)
}

fn parse_claim(index: usize, item: &Value) -> Result<Claim, ClaimsError> {
    let at = |field: &str| {
        if field.is_empty() {
            format!("[{index}]")
        } else {
            format!("[{index}].{field}")
        }
    };
    if !tree::is_object(item) {
        return Err(ClaimsError::at(
            DOCUMENT,
            &at(""),
            format!(
                "must be an object with \"group\" and \"claim\", got {}",
                tree::describe(item)
            ),
        ));
    }
    let required_name = |field: &str| -> Result<Arc<str>, ClaimsError> {
        let v = tree::field(item, field)
            .ok_or_else(|| ClaimsError::at(DOCUMENT, &at(""), format!("missing {field:?}")))?;
        match v.as_str() {
            Some(s) if !s.is_empty() => match tree::unprintable(s) {
                None => Ok(Arc::from(s)),
                Some(c) => Err(ClaimsError::at(
                    DOCUMENT,
                    &at(field),
                    tree::unprintable_message(c),
                )),
            },
            _ => Err(ClaimsError::at(
                DOCUMENT,
                &at(field),
                format!("must be a non-empty string, got {}", tree::describe(&v)),
            )),
        }
    };
    for (key, _) in tree::entries(item).unwrap_or_default() {
        if !FIELDS.contains(&key.as_str()) {
            let hint = match closest_name(&key, FIELDS) {
                Some(field) => format!(" (did you mean {field:?}?)"),
                None => format!("; a claim has only {}", FIELDS.join(", ")),
            };
            let path = tree::key_path(&key);
            let field = if path.starts_with('[') {
                format!("[{index}]{path}")
            } else {
                at(&path)
            };
            return Err(ClaimsError::at(
                DOCUMENT,
                &field,
                format!("unknown field{hint}"),
            ));
        }
    }
    let group = required_name("group")?;
    let claim = required_name("claim")?;
    let preferred_port = match tree::optional(item, "preferred_port") {
        None => None,
        Some(v) => Some(tree::port(&v).ok_or_else(|| {
            ClaimsError::at(
                DOCUMENT,
                &at("preferred_port"),
                format!(
                    "must be an integer from 1 to 65535, got {}",
                    tree::describe(&v)
                ),
            )
        })?),
    };
    let random = match tree::optional(item, "random") {
        None => true,
        Some(v) if v.kind() == minijinja::value::ValueKind::Bool => v.is_true(),
        Some(v) => {
            return Err(ClaimsError::at(
                DOCUMENT,
                &at("random"),
                format!("must be true or false, got {}", tree::describe(&v)),
            ));
        }
    };
    Ok(Claim {
        claim,
        group,
        preferred_port,
        random,
    })
}

/// The name a misspelt one most likely meant, among `names`: the nearest by edit distance
/// (two letters swapped count as one edit, the commonest slip: `tpc` for `tcp`), ignoring case
/// and `_`/`-`, and near enough to be a typo.
pub(crate) fn closest_name<'a, S: AsRef<str>>(key: &str, names: &'a [S]) -> Option<&'a str> {
    let normal = |s: &str| s.to_ascii_lowercase().replace(['-', ' '], "_");
    let key = normal(key);
    names
        .iter()
        .map(|name| {
            let name = name.as_ref();
            let plain = |s: &str| s.replace('_', "");
            let distance = strsim::osa_distance(&key, &normal(name))
                .min(strsim::osa_distance(&plain(&key), &plain(&normal(name))));
            (distance, name)
        })
        .filter(|(distance, name)| *distance <= (name.len() / 4).max(1))
        .min()
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Vec<Claim>, ClaimsError> {
        parse_claims(&serde_json::from_str::<Value>(json).unwrap())
    }

    fn error(json: &str) -> String {
        parse(json).unwrap_err().to_string()
    }

    #[test]
    fn reads_kublade_claims_with_defaults() {
        let claims = parse(
            r#"[
                { "group": "k8s-test", "claim": "httpExample", "preferred_port": 8080, "random": true },
                { "group": "tcp", "claim": "db" },
                { "group": "udp", "claim": "dns", "preferred_port": null, "random": null },
                { "group": "http", "claim": "web", "preferred_port": "8081", "random": false }
            ]"#,
        )
        .unwrap();
        assert_eq!(
            claims,
            vec![
                Claim::new("httpExample", "k8s-test").preferring(8080, true),
                Claim::new("db", "tcp"),
                Claim::new("dns", "udp"),
                Claim::new("web", "http").preferring(8081, false),
            ]
        );
        assert_eq!(parse("[]").unwrap(), vec![]);
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            (
                r#"{}"#,
                "ports.json: must be an array of claims, got an object",
            ),
            (
                r#"null"#,
                "ports.json: must be an array of claims, got null",
            ),
            (
                r#"[5]"#,
                "ports.json: [0]: must be an object with \"group\" and \"claim\", got 5",
            ),
            (
                r#"[{"group": "tcp"}]"#,
                "ports.json: [0]: missing \"claim\"",
            ),
            (
                r#"[{"claim": "web"}]"#,
                "ports.json: [0]: missing \"group\"",
            ),
            (
                r#"[{"group": "tcp", "claim": ""}]"#,
                "ports.json: [0].claim: must be a non-empty string, got \"\"",
            ),
            (
                r#"[{"group": "tcp", "claim": null}]"#,
                "ports.json: [0].claim: must be a non-empty string, got null",
            ),
            (
                r#"[{"group": 7, "claim": "web"}]"#,
                "ports.json: [0].group: must be a non-empty string, got 7",
            ),
            (
                r#"[{"group": "a", "claim": "a"}, {"group": "a", "claim": "b"}, {"group": "tcp", "claim": "web", "preferred_port": "abc"}]"#,
                "ports.json: [2].preferred_port: must be an integer from 1 to 65535, got \"abc\"",
            ),
            (
                r#"[{"group": "tcp", "claim": "web", "preferred_port": 0}]"#,
                "ports.json: [0].preferred_port: must be an integer from 1 to 65535, got 0",
            ),
            (
                r#"[{"group": "tcp", "claim": "web", "preferred_port": 65536}]"#,
                "ports.json: [0].preferred_port: must be an integer from 1 to 65535, got 65536",
            ),
            (
                r#"[{"group": "tcp", "claim": "web", "preferred_port": 80.5}]"#,
                "ports.json: [0].preferred_port: must be an integer from 1 to 65535, got 80.5",
            ),
            (
                r#"[{"group": "tcp", "claim": "web", "random": "yes"}]"#,
                "ports.json: [0].random: must be true or false, got \"yes\"",
            ),
            (
                r#"[{"group": "tcp", "claim": "web", "preferred_port": -80}]"#,
                "ports.json: [0].preferred_port: must be an integer from 1 to 65535, got -80",
            ),
            (
                r#"[{"group": "tcp", "claim": "web", "preferred_port": 1e20}]"#,
                "ports.json: [0].preferred_port: must be an integer from 1 to 65535, got 100000000000000000000.0",
            ),
            (
                r#"[{"group": "tcp", "claim": "web"}, {"group": "tcp", "claim": "db", "prefered_port": 8080}]"#,
                "ports.json: [1].prefered_port: unknown field (did you mean \"preferred_port\"?)",
            ),
            (
                r#"[{"group": "tcp", "claim": "web", "preferredPort": 8080}]"#,
                "ports.json: [0].preferredPort: unknown field (did you mean \"preferred_port\"?)",
            ),
            (
                r#"[{"groups": "tcp", "claim": "web"}]"#,
                "ports.json: [0].groups: unknown field (did you mean \"group\"?)",
            ),
            (
                r#"[{"group": "tcp", "claim": "web", "note": "x"}]"#,
                "ports.json: [0].note: unknown field; a claim has only group, claim, preferred_port, random",
            ),
            (
                r#"[{"group": "tcp", "claim": "web", "a b": 1}]"#,
                "ports.json: [0][\"a b\"]: unknown field; a claim has only group, claim, preferred_port, random",
            ),
            (
                r#"[{"group": "tcp", "claim": "web\u001b]0;owned\u0007"}]"#,
                "ports.json: [0].claim: must not contain control characters or bidirectional marks, found U+001B",
            ),
            (
                r#"[{"group": "tcp\u202e", "claim": "web"}]"#,
                "ports.json: [0].group: must not contain control characters or bidirectional marks, found U+202E",
            ),
            (
                r#"[{"group": "tcp", "claim": "web\u009b2J"}]"#,
                "ports.json: [0].claim: must not contain control characters or bidirectional marks, found U+009B",
            ),
            (
                r#"[{"group": "tcp", "claim": "web"}, {"group": "a", "claim": "b"}, {"group": "a", "claim": "c"}, {"group": "udp", "claim": "web"}]"#,
                "ports.json: [3].claim: \"web\" is declared twice (first at [0])",
            ),
        ];
        for (json, expected) in cases {
            assert_eq!(error(json), expected, "{json}");
        }
    }

    /// A number too large for a float (`1e400`) reaches the core as infinity, when the host's
    /// JSON keeps it.
    #[test]
    fn infinite_ports_are_refused() {
        let claim = std::collections::BTreeMap::from([
            ("group", Value::from("tcp")),
            ("claim", Value::from("web")),
            ("preferred_port", Value::from(f64::INFINITY)),
        ]);
        let claims = Value::from(vec![Value::from(claim)]);
        assert_eq!(
            parse_claims(&claims).unwrap_err().to_string(),
            "ports.json: [0].preferred_port: must be an integer from 1 to 65535, got inf"
        );
    }

    #[test]
    fn error_fields_are_structured() {
        let e = parse(r#"[{"group": "tcp", "claim": "web", "random": 1}]"#).unwrap_err();
        assert_eq!(e.document.as_deref(), Some("ports.json"));
        assert_eq!(e.field.as_deref(), Some("[0].random"));
    }
}
