//! Blade snippets (tests/php_blade_snippets.txt) rendered through the engine, checked against
//! what Laravel's Blade rendered (`php scripts/php-blade-expectations.php`). They exercise the
//! PHP runtime as the translator drives it.

use portclaims::engine::{Options, Template};
use serde_json::Value as Json;

fn render(snippet: &str, values: &minijinja::Value) -> Result<String, String> {
    let options = Options {
        name: "snippet.yaml".into(),
        ..Options::default()
    };
    let template = Template::compile(snippet, &options).map_err(|e| e.to_string())?;
    template.render(values).map_err(|e| e.to_string())
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
            (Err(message), _, Some(Json::String(want))) => message.contains(want.as_str()),
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
