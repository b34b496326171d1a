//! Nested loops that share variable names, rendered by portclaims and by a small model of PHP's
//! function scoping (every assignment is to one variable table, which nothing undoes): the
//! expectation does not depend on the translation. `scripts/differential.mjs` checks the same
//! kind of templates against real Blade.

use std::collections::HashMap;

use portclaims::engine::{Options, Template};
use proptest::prelude::*;
use serde_json::{Value as Json, json};

const NAMES: &[&str] = &["e", "f", "g", "i"];

#[derive(Clone, Debug)]
enum Node {
    /// `[{{ json_encode($n ?? 'unset') }}|{{ empty($n) ? 'E' : 'F' }}]`
    Read(&'static str),
    Foreach {
        items: &'static str,
        key: Option<&'static str>,
        value: &'static str,
        body: Vec<Node>,
    },
    If {
        cond: bool,
        then: Vec<Node>,
        other: Vec<Node>,
    },
    /// `@for($i = 0; $i < 2; $i++)`: only `@for` loops assign `$i` (a `@foreach` assigning the
    /// variable of a `@for` around it could make it run forever).
    For(Vec<Node>),
}

fn values() -> Json {
    json!({
        "e": "top",
        "data": {
            "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
            "more": [{"name": "C", "value": "3"}],
            "none": [],
            "outer": ["o1", "o2"],
        },
    })
}

fn source(nodes: &[Node], out: &mut String) {
    for node in nodes {
        match node {
            Node::Read(n) => out.push_str(&format!(
                "[{{{{ json_encode(${n} ?? 'unset') }}}}|{{{{ empty(${n}) ? 'E' : 'F' }}}}]\n"
            )),
            Node::Foreach {
                items,
                key,
                value,
                body,
            } => {
                let target = match key {
                    Some(k) => format!("${k} => ${value}"),
                    None => format!("${value}"),
                };
                out.push_str(&format!("@foreach($data['{items}'] as {target})\n"));
                source(body, out);
                out.push_str("@endforeach\n");
            }
            Node::If { cond, then, other } => {
                out.push_str(if *cond { "@if(true)\n" } else { "@if(false)\n" });
                source(then, out);
                out.push_str("@else\n");
                source(other, out);
                out.push_str("@endif\n");
            }
            Node::For(body) => {
                out.push_str("@for($i = 0; $i < 2; $i++)\n");
                source(body, out);
                out.push_str("@endfor\n");
            }
        }
    }
}

fn empty(v: Option<&Json>) -> bool {
    match v {
        None | Some(Json::Null) => true,
        Some(Json::Bool(b)) => !b,
        Some(Json::Number(n)) => n.as_f64() == Some(0.0),
        Some(Json::String(s)) => s.is_empty() || s == "0",
        Some(Json::Array(a)) => a.is_empty(),
        Some(Json::Object(o)) => o.is_empty(),
    }
}

/// PHP: one table of variables for the whole template.
fn run(nodes: &[Node], vars: &mut HashMap<String, Json>, data: &Json, out: &mut String) {
    for node in nodes {
        match node {
            Node::Read(n) => {
                let v = vars.get(*n).filter(|v| !v.is_null());
                let encoded = v.map_or("\"unset\"".to_string(), |v| v.to_string());
                out.push('[');
                out.push_str(&encoded.replace('"', "&quot;"));
                out.push('|');
                out.push(if empty(v) { 'E' } else { 'F' });
                out.push_str("]\n");
            }
            Node::Foreach {
                items,
                key,
                value,
                body,
            } => {
                let list = data[*items].as_array().cloned().unwrap_or_default();
                for (k, v) in list.into_iter().enumerate() {
                    if let Some(key) = key {
                        vars.insert(key.to_string(), json!(k));
                    }
                    vars.insert(value.to_string(), v);
                    run(body, vars, data, out);
                }
            }
            Node::If { cond, then, other } => {
                run(if *cond { then } else { other }, vars, data, out);
            }
            Node::For(body) => {
                vars.insert("i".to_string(), json!(0));
                while vars.get("i").and_then(Json::as_i64).is_some_and(|i| i < 2) {
                    run(body, vars, data, out);
                    let i = vars.get("i").and_then(Json::as_i64).unwrap_or(0);
                    vars.insert("i".to_string(), json!(i + 1));
                }
            }
        }
    }
}

fn node() -> impl Strategy<Value = Node> {
    let leaf = proptest::sample::select(NAMES).prop_map(Node::Read);
    leaf.prop_recursive(5, 40, 4, |inner| {
        let body = proptest::collection::vec(inner.clone(), 0..4);
        prop_oneof![
            (
                proptest::sample::select(&["env", "more", "none", "outer"][..]),
                proptest::option::of(proptest::sample::select(&["e", "f", "g"][..])),
                proptest::sample::select(&["e", "f", "g"][..]),
                body.clone(),
            )
                .prop_map(|(items, key, value, body)| Node::Foreach {
                    items,
                    key: key.filter(|k| *k != value),
                    value,
                    body,
                }),
            (any::<bool>(), body.clone(), body.clone()).prop_map(|(cond, then, other)| Node::If {
                cond,
                then,
                other
            }),
            body.prop_map(Node::For),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn loops_sharing_names_render_as_php_scopes_them(
        nodes in proptest::collection::vec(node(), 1..5)
    ) {
        let mut src = String::new();
        source(&nodes, &mut src);
        let values = values();
        let mut vars: HashMap<String, Json> = values
            .as_object()
            .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        let mut expected = String::new();
        run(&nodes, &mut vars, &values["data"], &mut expected);
        let template = Template::compile(&src, &Options::default()).expect("compiles");
        let mj = minijinja::Value::from(minijinja::value::Serde(&values));
        let fast = template.render(&mj).map_err(|e| e.to_string());
        let exact = template.render_exact(&mj).map_err(|e| e.to_string());
        prop_assert_eq!(fast.as_deref(), Ok(expected.as_str()), "{}", src);
        prop_assert_eq!(exact.as_deref(), Ok(expected.as_str()), "{}", src);
    }
}
