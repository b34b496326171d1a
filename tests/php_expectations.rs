//! Every case of `tests/php_cases.json`, whose expectations real PHP wrote
//! (`php scripts/php-expectations.php > tests/php_cases.json`), run against the runtime.

use minijinja::Environment;
use minijinja::value::Value;
use serde_json::Value as Json;

fn environment(escape: bool) -> Environment<'static> {
    let mut env = Environment::new();
    portclaims::php::register(&mut env);
    env.set_formatter(portclaims::php::formatter(escape));
    env
}

/// A case's argument as a template value; `{"__float__": "INF"}` stands for the floats JSON
/// cannot write.
fn to_value(json: &Json) -> Value {
    match json {
        Json::Null => Value::from(()),
        Json::Bool(b) => Value::from(*b),
        Json::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Value::from(i),
            (None, Some(u)) => Value::from(u),
            _ => Value::from(n.as_f64().unwrap_or(f64::NAN)),
        },
        Json::String(s) => Value::from(s.as_str()),
        Json::Array(items) => Value::from(items.iter().map(to_value).collect::<Vec<_>>()),
        Json::Object(map) => match map.get("__float__").and_then(Json::as_str) {
            Some("INF") => Value::from(f64::INFINITY),
            Some("-INF") => Value::from(f64::NEG_INFINITY),
            Some(_) => Value::from(f64::NAN),
            None => Value::from_pairs(map.iter().map(|(k, v)| (k.as_str(), to_value(v)))),
        },
    }
}

/// Runs one case: the result as PHP typed it (`{"integer": 5}`), or the error message.
fn run(env: &Environment<'static>, op: &str, args: &[Json]) -> Result<Value, String> {
    let context = Value::from_pairs(
        args.iter()
            .enumerate()
            .map(|(i, arg)| (format!("a{i}"), to_value(arg))),
    );
    let detail = |e: minijinja::Error| {
        e.detail()
            .map(str::to_string)
            .unwrap_or_else(|| e.to_string())
    };
    match op {
        "echo" | "echo_raw" => {
            let env = environment(op == "echo");
            env.render_str("{{ a0 }}", context)
                .map(Value::from)
                .map_err(detail)
        }
        _ => {
            let call = format!(
                "{op}({})",
                (0..args.len())
                    .map(|i| format!("a{i}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let expr = env.compile_expression_owned(call).map_err(detail)?;
            expr.eval(context).map_err(detail)
        }
    }
}

fn matches(actual: &Value, expected: &Json) -> bool {
    let Some((ty, want)) = expected.as_object().and_then(|o| o.iter().next()) else {
        return false;
    };
    match ty.as_str() {
        "NULL" => actual.is_none() || actual.is_undefined(),
        "boolean" => {
            actual.kind() == minijinja::value::ValueKind::Bool
                && Some(actual.is_true()) == want.as_bool()
        }
        "integer" => actual.is_integer() && actual.as_i64() == want.as_i64(),
        "float" => {
            if actual.kind() != minijinja::value::ValueKind::Number || actual.is_integer() {
                return false;
            }
            let Ok(got) = f64::try_from(actual.clone()) else {
                return false;
            };
            match want {
                Json::String(s) if s == "NAN" => got.is_nan(),
                Json::String(s) if s == "INF" => got == f64::INFINITY,
                Json::String(s) if s == "-INF" => got == f64::NEG_INFINITY,
                _ => want.as_f64().map(f64::to_bits) == Some(got.to_bits()),
            }
        }
        "string" => actual.as_str().is_some() && actual.as_str() == want.as_str(),
        "array" => serde_json::to_value(actual).ok().as_ref() == Some(want),
        _ => false,
    }
}

#[test]
fn runtime_and_functions_agree_with_php() {
    let cases: Vec<(String, Vec<Json>, Json)> =
        serde_json::from_str(include_str!("php_cases.json")).expect("php_cases.json is valid");
    let env = environment(true);
    let mut failures = Vec::new();
    for (op, args, expected) in &cases {
        let actual = run(&env, op, args);
        let ok = match (&actual, expected.get("ok"), expected.get("error")) {
            (Ok(value), Some(want), _) => matches(value, want),
            (Err(message), _, Some(Json::String(want))) => message == want,
            _ => false,
        };
        if !ok {
            let args = serde_json::to_string(args).unwrap_or_default();
            failures.push(format!("{op}{args}: expected {expected}, got {actual:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from PHP:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
