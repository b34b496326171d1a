//! Blade snippets (tests/php_blade_snippets.txt) rendered through the engine, checked against
//! what Laravel's Blade rendered (`php scripts/php-blade-expectations.php`). They exercise the
//! PHP runtime as the translator drives it.

use portclaims::engine::{Error, ErrorKind, Options, Template};
use serde_json::Value as Json;

fn render(snippet: &str, values: &minijinja::Value) -> Result<String, Error> {
    let options = Options {
        name: "snippet.yaml".into(),
        ..Options::default()
    };
    Template::compile(snippet, &options)?.render(values)
}

/// Our error is PHP's: its message, except that PHP's parser and compiler word syntax errors after
/// the compiled PHP (COMPATIBILITY.md), where any syntax error of ours agrees.
fn same_error(ours: &Error, class: Option<&Json>, message: &str) -> bool {
    match class.and_then(Json::as_str) {
        Some("ParseError" | "PHP Fatal error") => ours.kind == ErrorKind::Syntax,
        _ => ours.message == message,
    }
}

#[test]
fn snippets_render_as_blade_does() {
    let cases: Vec<(String, Json)> =
        serde_json::from_str(include_str!("php_blade_cases.json")).expect("valid cases");
    let values: Json =
        serde_json::from_str(include_str!("cases/echo-scalars/values.json")).expect("valid values");
    let values = minijinja::Value::from(minijinja::value::Serde(&values));
    let mut failures = Vec::new();
    for (snippet, expected) in &cases {
        let actual = render(snippet, &values);
        let ok = match (&actual, expected.get("ok"), expected.get("error")) {
            (Ok(out), Some(Json::String(want)), _) => out == want,
            (Err(e), _, Some(Json::String(want))) => same_error(e, expected.get("class"), want),
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "{snippet}\n   Blade: {expected}\n  engine: {actual:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} snippets differ from Blade:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
