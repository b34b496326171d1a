//! Every case under `tests/cases/` rendered through the engine and compared byte for byte with
//! what Laravel's Blade produced (`expected.yaml`), or required to fail (`expected.error`).

use std::fs;
use std::path::Path;

use portclaims::engine::{Options, Template};

fn render_case(dir: &Path) -> Result<String, String> {
    let template = fs::read_to_string(dir.join("template.yaml")).map_err(|e| e.to_string())?;
    let values = fs::read_to_string(dir.join("values.json")).map_err(|e| e.to_string())?;
    let values: serde_json::Value = serde_json::from_str(&values).map_err(|e| e.to_string())?;
    let values = minijinja::Value::from(minijinja::value::Serde(&values));
    let options = Options {
        name: "template.yaml".into(),
        ..Options::default()
    };
    let compiled = Template::compile(&template, &options).map_err(|e| e.to_string())?;
    compiled.render(&values).map_err(|e| e.to_string())
}

/// Whether our error (`template.yaml:LINE:COLUMN: message`) is Blade's `expected` one: word for
/// word, except where PHP's parser words a syntax error (ours names the Blade directive instead;
/// COMPATIBILITY.md).
fn same_error(expected: &str, ours: &str) -> bool {
    let php_parse_error = ["syntax error", "Unclosed '", "Unmatched '"]
        .iter()
        .any(|p| expected.starts_with(p));
    let message = ours.split_once(": ").map_or(ours, |(_, message)| message);
    php_parse_error || message == expected
}

#[test]
fn conformance_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut dirs: Vec<_> = fs::read_dir(&root)
        .expect("tests/cases")
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 38, "the corpus is missing cases");
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let result = render_case(dir);
        if let Ok(expected) = fs::read(dir.join("expected.yaml")) {
            let expected = String::from_utf8_lossy(&expected).to_string();
            match result {
                Ok(out) if out == expected => {}
                Ok(out) => failures.push(format!(
                    "{name}: output differs\n--- expected\n{expected:?}\n--- actual\n{out:?}"
                )),
                Err(e) => failures.push(format!("{name}: failed: {e}")),
            }
        } else if let Ok(expected) = fs::read_to_string(dir.join("expected.error")) {
            let expected = expected.trim_end().trim_start_matches("error: ");
            match result {
                Ok(out) => failures.push(format!(
                    "{name}: rendered but Blade fails with {expected:?}:\n{out:?}"
                )),
                Err(e) if !same_error(expected, &e) => {
                    failures.push(format!("{name}: fails with {e:?}, Blade with {expected:?}"))
                }
                Err(_) => {}
            }
        } else {
            failures.push(format!("{name}: no expected.yaml or expected.error"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n\n")
    );
}
