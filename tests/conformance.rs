//! Every case under `tests/cases/` rendered through the engine and compared byte for byte with
//! what Laravel's Blade produced (`expected.yaml`), or required to fail as it does
//! (`expected.error`).

use std::fs;
use std::path::Path;

use portclaims::engine::{Error, ErrorKind, Options, Template};

fn render_case(dir: &Path) -> Result<Result<String, Error>, String> {
    let template = fs::read_to_string(dir.join("template.yaml")).map_err(|e| e.to_string())?;
    let values = fs::read_to_string(dir.join("values.json")).map_err(|e| e.to_string())?;
    let values: serde_json::Value = serde_json::from_str(&values).map_err(|e| e.to_string())?;
    let values = minijinja::Value::from(minijinja::value::Serde(&values));
    let options = Options {
        name: "template.yaml".into(),
        ..Options::default()
    };
    Ok(Template::compile(&template, &options).and_then(|compiled| compiled.render(&values)))
}

/// The oracle's error (`expected.error`: `ParseError: syntax error, …`, `ErrorException:
/// Undefined array key "k"`, or `PHP Fatal error: …` where PHP dies compiling) as PHP's class
/// and message.
fn php_error(expected: &str) -> (&str, &str) {
    let first = expected.lines().next().unwrap_or("").trim_end();
    if let Some(message) = first.strip_prefix("PHP Fatal error: ") {
        return ("PHP Fatal error", message.trim_start());
    }
    match first.split_once(": ") {
        Some((class, message))
            if !class.is_empty()
                && class
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '\\') =>
        {
            (class, message)
        }
        _ => ("", first),
    }
}

/// Whether our error is the oracle's: its message word for word, except where PHP's parser or
/// compiler words a syntax error (a `ParseError` or a fatal compile error, worded after the
/// compiled PHP; ours names the Blade directive instead, COMPATIBILITY.md): there any syntax
/// error of ours agrees, or the refusal of PHP code (`<?xml` opens PHP code that PHP cannot parse).
fn same_error(expected: &str, ours: &Error) -> bool {
    match php_error(expected) {
        ("ParseError" | "PHP Fatal error", _) => {
            matches!(ours.kind, ErrorKind::Syntax | ErrorKind::Sandbox)
        }
        (_, message) => ours.message == message,
    }
}

#[test]
fn conformance_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut dirs: Vec<_> = fs::read_dir(&root)
        .expect("tests/cases")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
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
        let result = match render_case(dir) {
            Ok(result) => result,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
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
            let expected = expected.trim_end();
            match result {
                Ok(out) => failures.push(format!(
                    "{name}: rendered but Blade fails with {expected:?}:\n{out:?}"
                )),
                Err(e) if !same_error(expected, &e) => failures.push(format!(
                    "{name}: fails with {:?} ({:?}), Blade with {expected:?}",
                    e.to_string(),
                    e.kind
                )),
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
