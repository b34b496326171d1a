//! Every runtime helper and PHP function, called with every combination of awkward arguments,
//! must return a value or an error: never panic, never allocate without bound.

use minijinja::Environment;
use minijinja::value::Value;

const HELPERS: &[&str] = &[
    "_truthy", "_get", "_lget", "_var", "_isset", "_empty", "_concat", "_add", "_sub", "_mul",
    "_div", "_mod", "_pow", "_neg", "_pos", "_eq", "_ne", "_ident", "_nident", "_lt", "_gt", "_le",
    "_ge", "_cmp", "_xor", "_arr", "_values", "_pairs", "_raw", "_json",
];

fn awkward_values() -> Vec<(&'static str, Value)> {
    vec![
        ("null", Value::from(())),
        ("true", Value::from(true)),
        ("false", Value::from(false)),
        ("zero", Value::from(0)),
        ("minus_one", Value::from(-1)),
        ("int_min", Value::from(i64::MIN)),
        ("int_max", Value::from(i64::MAX)),
        ("u64_max", Value::from(u64::MAX)),
        ("half", Value::from(1.5)),
        ("minus_zero", Value::from(-0.0)),
        ("nan", Value::from(f64::NAN)),
        ("inf", Value::from(f64::INFINITY)),
        ("huge", Value::from(1e300)),
        ("empty", Value::from("")),
        ("zero_str", Value::from("0")),
        ("numeric_str", Value::from(" -9223372036854775809 ")),
        ("utf8", Value::from("héllo wörld ✓")),
        (
            "format",
            Value::from("%'é-+099.99999e %1$s %2147483647$s %.60f %"),
        ),
        ("range", Value::from("é..a..z..")),
        (
            "list",
            Value::from(vec![Value::from(1), Value::from("a"), Value::from(())]),
        ),
        (
            "pairs",
            Value::from(vec![
                Value::from(vec![Value::from(()), Value::from(1)]),
                Value::from(vec![Value::from(i64::MAX), Value::from(2)]),
            ]),
        ),
        (
            "map",
            Value::from_pairs([
                ("k", Value::from(vec![Value::from(())])),
                ("9", Value::from(1.5)),
            ]),
        ),
        ("empty_list", Value::from(Vec::<Value>::new())),
    ]
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    portclaims::php::register(&mut env);
    env.set_formatter(portclaims::php::formatter(true));
    env
}

#[test]
fn nothing_panics_on_awkward_arguments() {
    let env = environment();
    let values = awkward_values();
    let context = Value::from_pairs(values.iter().map(|(name, v)| (*name, v.clone())));
    // "missing" is undefined: no such variable.
    let names: Vec<&str> = values.iter().map(|(n, _)| *n).chain(["missing"]).collect();
    let small: Vec<&str> = [
        "null",
        "minus_one",
        "int_max",
        "nan",
        "utf8",
        "format",
        "list",
        "map",
        "missing",
    ]
    .to_vec();
    let functions = HELPERS.iter().chain(portclaims::php::FUNCTIONS);
    let mut calls = 0usize;
    for function in functions {
        let mut argument_lists: Vec<Vec<&str>> = vec![vec![]];
        argument_lists.extend(names.iter().map(|a| vec![*a]));
        for a in &names {
            for b in &names {
                argument_lists.push(vec![a, b]);
            }
        }
        for a in &small {
            for b in &small {
                for c in &small {
                    argument_lists.push(vec![a, b, c]);
                }
            }
        }
        for args in argument_lists {
            let call = format!("{function}({})", args.join(", "));
            let expr = env
                .compile_expression_owned(call.clone())
                .expect("the call compiles");
            // Any result is fine; a panic fails the test, and naming the call helps.
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                expr.eval(context.clone())
            }));
            assert!(result.is_ok(), "{call} panicked");
            calls += 1;
        }
    }
    assert!(calls > 10_000);
}

#[test]
fn echo_never_panics() {
    let values = awkward_values();
    let context = Value::from_pairs(values.iter().map(|(name, v)| (*name, v.clone())));
    for escape in [true, false] {
        let mut env = Environment::new();
        portclaims::php::register(&mut env);
        env.set_formatter(portclaims::php::formatter(escape));
        for (name, _) in &values {
            let _ = env.render_str(&format!("{{{{ {name} }}}}"), context.clone());
        }
    }
}

#[test]
fn deep_json_does_not_overflow_the_stack() {
    let env = environment();
    for call in [
        "json_decode(str_repeat('[', 200000), true, 1000000)",
        "json_decode(str_repeat('{\"a\":', 200000), true, 1000000)",
    ] {
        let result = env.compile_expression(call).and_then(|e| e.eval(()));
        let value = result.unwrap_or_else(|e| panic!("{call}: {e}"));
        assert!(value.is_none(), "{call}: {value:?}");
    }
}

#[test]
fn results_are_capped_at_16_mib() {
    let env = environment();
    for call in [
        "str_repeat('ab', 20000000)",
        "str_pad('x', 20000000)",
        "sprintf('%20000000d', 1)",
        "str_replace('a', str_repeat('b', 1000), str_repeat('a', 20000))",
        "implode(',', [str_repeat('a', 9000000), str_repeat('b', 9000000)])",
        "json_encode(array_fill(0, 3, str_repeat('a', 8000000)))",
        "_json(array_fill(0, 3, str_repeat('a', 8000000)))",
        "_concat(str_repeat('a', 9000000), str_repeat('b', 9000000))",
        "e(str_repeat('<', 5000000))",
        "bin2hex(str_repeat('a', 9000000))",
    ] {
        let result = env.compile_expression(call).and_then(|e| e.eval(()));
        let message = result.expect_err(call).to_string();
        assert!(message.contains("16 MiB"), "{call}: {message}");
    }
    for call in [
        "explode(',', str_repeat(',', 2000000))",
        "str_split(str_repeat('a', 2000000))",
        "range(0, 2000000)",
        "array_fill(0, 2000000, 1)",
    ] {
        let result = env.compile_expression(call).and_then(|e| e.eval(()));
        assert!(result.is_err(), "{call} should be refused");
    }
    // Just under the cap is fine.
    let ok = env
        .compile_expression("strlen(str_repeat('ab', 8000000))")
        .and_then(|e| e.eval(()));
    assert_eq!(ok.ok().and_then(|v| v.as_i64()), Some(16_000_000));
}
