//! The fast translation (native reads, loop variable copies left out where nothing reads them)
//! must render exactly what the exact translation renders, or fail: `Template::render` falls back
//! to the exact one only when the fast one fails, so any other difference would change output.

use std::fs;
use std::path::Path;

use portclaims::engine::{Options, Template};
use proptest::prelude::*;
use serde_json::Value as Json;

/// Renders `source` both ways: `(render, render_exact)`, each as output or error message.
type Both = (Result<String, String>, Result<String, String>);

fn both(source: &str, values: &minijinja::Value) -> Option<Both> {
    let template = Template::compile(source, &Options::default()).ok()?;
    Some(both_ways(&template, values))
}

/// A compiled template rendered both ways, as [`both`] renders its source.
fn both_ways(template: &Template, values: &minijinja::Value) -> Both {
    (
        template.render(values).map_err(|e| e.to_string()),
        template.render_exact(values).map_err(|e| e.to_string()),
    )
}

fn value(json: &Json) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(json))
}

#[test]
fn conformance_cases_render_the_same_fast_and_exact() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut dirs: Vec<_> = fs::read_dir(&root)
        .expect("tests/cases")
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    let mut compared = 0;
    let mut failures = Vec::new();
    for dir in &dirs {
        let (Ok(template), Ok(values)) = (
            fs::read_to_string(dir.join("template.yaml")),
            fs::read_to_string(dir.join("values.json")),
        ) else {
            continue;
        };
        let values: Json = serde_json::from_str(&values).expect("valid values");
        if let Some((fast, exact)) = both(&template, &value(&values)) {
            compared += 1;
            if fast != exact {
                failures.push(format!("{}: {fast:?} / {exact:?}", dir.display()));
            }
        }
    }
    assert!(compared >= 38, "only {compared} cases compiled");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn blade_snippets_render_the_same_fast_and_exact() {
    let cases: Vec<(String, Json)> =
        serde_json::from_str(include_str!("php_blade_cases.json")).expect("valid cases");
    let values: Json =
        serde_json::from_str(include_str!("cases/echo-scalars/values.json")).expect("valid values");
    let values = value(&values);
    let mut failures = Vec::new();
    for (snippet, _) in &cases {
        if let Some((fast, exact)) = both(snippet, &values) {
            if fast != exact {
                failures.push(format!("{snippet}: {fast:?} / {exact:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn loop_values() -> minijinja::Value {
    value(&serde_json::json!({
        "e": "top",
        "data": {
            "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
            "more": [{"name": "C", "value": "3"}],
            "none": [],
            "outer": ["o1", "o2"],
        },
        "flag": true,
        "off": false,
    }))
}

/// Two loops over `$e`: the fast translation copies `$e` out of a loop (into `_g`, which holds
/// PHP's value of every variable loops assign) only when something reads it after that loop
/// starts, or anywhere in a loop around it.
#[test]
fn copies_nothing_reads_are_left_out_of_the_fast_translation() {
    let fast_of = |source: &str| {
        let template = Template::compile(source, &Options::default()).expect("compiles");
        let fast = template.fast_translated().expect("a fast translation");
        // The exact translation copies everything.
        assert_eq!(
            template
                .translated()
                .matches("{% set _g.l_e = l_e %}")
                .count(),
            source.matches("as $e").count() + source.matches("=> $e").count()
        );
        assert_eq!(
            template.render(&loop_values()).map_err(|e| e.to_string()),
            template
                .render_exact(&loop_values())
                .map_err(|e| e.to_string())
        );
        (
            fast.to_string(),
            template.render(&loop_values()).expect("renders"),
        )
    };

    let (fast, out) = fast_of(
        "@foreach($data['env'] as $e){{ $e['name'] }}@endforeach\n\
         @foreach($data['more'] as $e){{ $e['name'] }}@endforeach\n",
    );
    assert!(
        !fast.contains("_g.l_") && !fast.contains("namespace(l_"),
        "{fast}"
    );
    assert_eq!(out, "ABC");

    let (fast, out) = fast_of(
        "@foreach($data['env'] as $e){{ $e['name'] }}@endforeach\n\
         {{ $e['name'] }}\n\
         @foreach($data['more'] as $e){{ $e['name'] }}@endforeach\n",
    );
    assert_eq!(fast.matches("{% set _g.l_e = l_e %}").count(), 1, "{fast}");
    assert!(
        fast.find("{% set _g.l_e = l_e %}") < fast.find("{{ _g.l_e"),
        "{fast}"
    );
    assert_eq!(out, "ABB\nC");

    let (fast, out) = fast_of(
        "@foreach($data['env'] as $e){{ $e['name'] }}@endforeach\n\
         @foreach($data['none'] as $e){{ $e['name'] }}@endforeach\n\
         {{ $e['value'] }}",
    );
    assert_eq!(fast.matches("{% set _g.l_e = l_e %}").count(), 2, "{fast}");
    assert!(fast.contains("namespace(l_e=_v[\"e\"], )"), "{fast}");
    assert_eq!(out, "AB2");

    // A read before the second loop, inside a loop around both, reads what the second loop left.
    let (fast, out) = fast_of(
        "@foreach($data['outer'] as $o)\n\
         {{ $e['name'] ?? $e }}\n\
         @foreach($data['env'] as $e){{ $e['name'] }}@endforeach\n\
         @endforeach\n",
    );
    assert_eq!(fast.matches("{% set _g.l_e = l_e %}").count(), 1, "{fast}");
    assert_eq!(out, "top\nABB\nAB");

    // Of `$k => $e`, only what is read.
    let (fast, out) = fast_of(
        "@foreach($data['env'] as $k => $e)@endforeach\n\
         @foreach($data['more'] as $k => $e)@endforeach\n\
         {{ $k }}",
    );
    assert!(!fast.contains("l_e=") && !fast.contains("_g.l_e"), "{fast}");
    assert_eq!(fast.matches("{% set _g.l_k = l_k %}").count(), 2, "{fast}");
    assert_eq!(out, "0");
}

/// Pieces of templates that loop over, read and test a few variable names.
fn piece() -> impl Strategy<Value = String> {
    let name = prop_oneof![Just("$e"), Just("$f"), Just("$loop")];
    let target = prop_oneof![Just("$e"), Just("$f"), Just("$k => $e"), Just("$e => $f")];
    let items = prop_oneof![
        Just("$data['env']"),
        Just("$data['more']"),
        Just("$data['none']"),
        Just("$data['outer']"),
    ];
    let read = name.prop_map(|n| {
        if n == "$loop" {
            "{{ $loop ? 'l' : 'n' }}\n".to_string()
        } else {
            format!("[{{{{ json_encode({n} ?? 'unset') }}}}|{{{{ empty({n}) ? 'E' : 'F' }}}}]\n@isset({n})\nset\n@endisset\n")
        }
    });
    let leaf = prop_oneof![
        read,
        Just("text _g.l_e\n".to_string()),
        Just("{{ $k ?? 'nok' }}\n".to_string()),
    ];
    leaf.prop_recursive(4, 24, 4, move |inner| {
        prop_oneof![
            (
                items.clone(),
                target.clone(),
                proptest::collection::vec(inner.clone(), 0..4)
            )
                .prop_map(|(items, target, body)| format!(
                    "@foreach({items} as {target})\n{}@endforeach\n",
                    body.concat()
                )),
            (
                items.clone(),
                target.clone(),
                proptest::collection::vec(inner.clone(), 0..3),
                proptest::collection::vec(inner.clone(), 0..3)
            )
                .prop_map(|(items, target, body, empty)| format!(
                    "@forelse({items} as {target})\n{}@empty\n{}@endforelse\n",
                    body.concat(),
                    empty.concat()
                )),
            (
                prop_oneof![Just("$flag"), Just("$off")],
                proptest::collection::vec(inner.clone(), 0..3),
                proptest::collection::vec(inner.clone(), 0..3)
            )
                .prop_map(|(cond, then, other)| format!(
                    "@if({cond})\n{}@else\n{}@endif\n",
                    then.concat(),
                    other.concat()
                )),
            (prop_oneof![Just("$e"), Just("$i")], inner.clone())
                .prop_map(|(v, body)| format!("@for({v} = 0; {v} < 2; {v}++)\n{body}@endfor\n")),
            proptest::collection::vec(inner, 1..4).prop_map(|v| v.concat()),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn loops_render_the_same_fast_and_exact(pieces in proptest::collection::vec(piece(), 1..5)) {
        let source = pieces.concat();
        if let Some((fast, exact)) = both(&source, &loop_values()) {
            prop_assert_eq!(fast, exact, "{}", source);
        }
    }
}

/// The benchmark's Deployment (four loops over `$e`, five over `$v`) renders the same both ways,
/// and its fast translation copies no loop variable (nothing reads one after its loop).
#[test]
fn benchmark_deployment_renders_the_same_fast_and_exact() {
    let source = include_str!("../benches/deployment.blade.php");
    let template = Template::compile(source, &Options::default()).expect("compiles");
    let fast = template.fast_translated().expect("a fast translation");
    assert!(
        !fast.contains("_g.l_") && !fast.contains("namespace(l_"),
        "{fast}"
    );
    for i in 0..4 {
        let values = value(&serde_json::json!({
            "namespace": format!("ns-{i}"),
            "data": {
                "name": format!("app-{i}"),
                "image": format!("nginx:1.{i}"),
                "replicas": i,
                "limited": i % 2 == 0,
                "ports": [{ "name": "http", "port": 50000 + i, "target": 80 }],
                "env": (0..i * 3)
                    .map(|k| serde_json::json!({ "name": format!("VAR_{k}"), "value": format!("v-{k}") }))
                    .collect::<Vec<_>>(),
                "volumes": (0..i)
                    .map(|k| serde_json::json!({ "name": format!("vol-{k}"), "path": format!("/v/{k}") }))
                    .collect::<Vec<_>>(),
            },
            "secret": {},
            "limits": { "enabled": "true", "cpu": "500m", "memory": "256Mi" },
            "portClaims": { "web": 50123, "metrics": 61000 },
            "paused": false,
        }));
        let (fast, exact) = both_ways(&template, &values);
        assert!(fast.is_ok(), "{fast:?}");
        assert_eq!(fast, exact);
    }
}

/// Keys that are identifiers read as attributes in the fast translation (`data.name`), the
/// rest as subscripts; minijinja's keywords are plain identifiers after a dot. Either way the
/// fast translation renders what the exact one does, on maps read from JSON and on values that
/// are no map (a list, a string, a number: PHP's errors, from the exact translation).
#[test]
fn identifier_keys_read_as_attributes_and_render_the_same() {
    let keys = [
        "name", "_x1", "true", "none", "in", "not", "loop", "a-b", "é", "x y", "Z9",
    ];
    let source: String = keys
        .iter()
        .map(|k| format!("{{{{ $data['{k}'] }}}}|"))
        .collect();
    let template = Template::compile(&source, &Options::default()).expect("compiles");
    let fast = template.fast_translated().expect("a fast translation");
    for key in ["name", "_x1", "true", "none", "in", "not", "loop", "Z9"] {
        assert!(fast.contains(&format!("{{{{ data.{key} ")), "{key}: {fast}");
    }
    for key in ["a-b", "é", "x y"] {
        assert!(
            fast.contains(&format!("{{{{ data[\"{key}\"]")),
            "{key}: {fast}"
        );
    }
    let entries = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.to_string(), Json::from(i)));
    let data = Json::Object(entries.collect());
    let all = keys
        .iter()
        .enumerate()
        .map(|(i, _)| format!("{i}|"))
        .collect::<String>();
    for (data, expected) in [
        (data, Ok(all)),
        (Json::from(vec![1, 2]), Err("Undefined array key \"name\"")),
        (
            Json::from("text"),
            Err("Cannot access offset of type string on string"),
        ),
        (
            Json::from(5),
            Err("Trying to access array offset on value of type int"),
        ),
    ] {
        let values =
            portclaims::engine::values::from_json(&serde_json::json!({ "data": data }).to_string())
                .expect("valid JSON");
        let (fast, exact) = both(&source, &values).expect("compiles");
        assert_eq!(fast, exact);
        match expected {
            Ok(text) => assert_eq!(fast, Ok(text)),
            Err(message) => assert!(
                fast.as_ref().is_err_and(|e| e.contains(message)),
                "{fast:?}"
            ),
        }
    }
}

/// The fast translation reads a template variable bare (`data`, not `_v.data`) unless minijinja
/// could find something else under that name: a PHP function of the runtime (`$count`, `$e`), one
/// of minijinja's words (`$true`, `$self`) or a name the translation keeps for itself (`$_x`,
/// `$l_x`). Bare or not, both translations render the same: with every variable set, with each
/// one missing, and with values that hold keys named like the runtime's own names.
#[test]
fn variables_read_bare_only_where_nothing_else_answers_to_the_name() {
    let names = [
        "data",
        "namespace",
        "x",
        "count",
        "e",
        "true",
        "self",
        "_x",
        "l_x",
        "_v",
    ];
    let source: String = names.iter().map(|n| format!("{{{{ ${n} }}}}|")).collect();
    let template = Template::compile(&source, &Options::default()).expect("compiles");
    let fast = template.fast_translated().expect("a fast translation");
    for bare in ["data", "namespace", "x"] {
        assert!(
            fast.contains(&format!("{{{{ {bare} }}}}")),
            "{bare}: {fast}"
        );
    }
    for kept in ["count", "e", "true", "self", "_x", "l_x", "_v"] {
        assert!(
            fast.contains(&format!("{{{{ _v.{kept} }}}}")),
            "{kept}: {fast}"
        );
    }
    let all: serde_json::Map<String, Json> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.to_string(), Json::from(i)))
        .collect();
    let mut cases = vec![(Json::Object(all.clone()), true)];
    for name in names {
        let mut some = all.clone();
        some.remove(name);
        cases.push((Json::Object(some), false));
    }
    let mut shadowing = all.clone();
    for key in ["_values", "_var", "_namespace", "_fail", "count"] {
        shadowing.insert(key.to_string(), Json::from("shadow"));
    }
    cases.push((Json::Object(shadowing), true));
    for (values, renders) in cases {
        let read = portclaims::engine::values::from_json(&values.to_string()).expect("valid JSON");
        let (fast, exact) = both(&source, &read).expect("compiles");
        assert_eq!(fast, exact, "{values}");
        assert_eq!(fast.is_ok(), renders, "{values}: {fast:?}");
    }
    let expected: String = (0..names.len()).map(|i| format!("{i}|")).collect();
    let read = portclaims::engine::values::from_json(&Json::Object(all).to_string()).expect("JSON");
    assert_eq!(template.render(&read).expect("renders"), expected);
}

/// Computed keys (`$c[$k]`, `$c[$a . '-' . $b]`, integer and numeric-string literals) read
/// natively in the fast translation: every container against every kind of key, including the
/// ones minijinja's own `c[k]` reads differently from PHP (negative indexes, `true`, floats,
/// numeric strings, characters of a non-ASCII string, null, undefined), renders as the exact
/// translation does.
#[test]
fn computed_keys_render_the_same_fast_and_exact() {
    let values = value(&serde_json::json!({
        "list": ["zero", "one", "two"],
        "map": {"a": "A", "1": "one", "-1": "minus", "01": "zero-one", "true": "T", "": "empty",
                "1.5": "f", "a-b": "AB", "none": "N"},
        "text": "héllo",
        "nested": {"a": {"b": "deep"}},
        "keys": {"str": "a", "int": 1, "neg": -1, "numeric": "1", "padded": "01", "t": true,
                 "f": false, "float": 1.5, "whole": 1.0, "null": null, "list": [1], "map": {"x": 1},
                 "pre": "a", "post": "b", "nonascii": "é"},
    }));
    let containers = ["$list", "$map", "$text", "$nested", "$missing", "$map['a']"];
    let keys = [
        "$keys['str']",
        "$keys['int']",
        "$keys['neg']",
        "$keys['numeric']",
        "$keys['padded']",
        "$keys['t']",
        "$keys['f']",
        "$keys['float']",
        "$keys['whole']",
        "$keys['null']",
        "$keys['list']",
        "$keys['map']",
        "$keys['nonascii']",
        "$keys['absent']",
        "$undefinedKey",
        "$keys['pre'] . '-' . $keys['post']",
        "$keys['int'] . ''",
        "$keys['null'] . 'a'",
        "$keys['absent'] . 'a'",
        "0",
        "1",
        "-1",
        "'1'",
        "'-1'",
        "'01'",
    ];
    let mut compared = 0;
    for c in containers {
        for k in keys {
            for source in [
                format!("{{{{ {c}[{k}] }}}}\n"),
                format!("{{{{ {c}[{k}]['b'] }}}}\n"),
                format!("@foreach({c}[{k}] as $x){{{{ $x }}}},@endforeach\n"),
                format!("@foreach($list as $i => $x){{{{ {c}[$i] }}}}@endforeach\n"),
            ] {
                let template = Template::compile(&source, &Options::default()).expect("compiles");
                assert!(template.fast_translated().is_some(), "{source}");
                let (fast, exact) = both_ways(&template, &values);
                assert_eq!(fast, exact, "{source}");
                compared += 1;
            }
        }
    }
    assert_eq!(compared, containers.len() * keys.len() * 4);
    // The reads above are native in the fast translation, not left to the exact one.
    let template = Template::compile(
        "{{ $map[$keys['str']] }}{{ $map[$keys['pre'] . '-' . $keys['post']] }}",
        &Options::default(),
    )
    .expect("compiles");
    let fast = template.fast_translated().expect("a fast translation");
    assert!(fast.contains("(map|_fget(keys.str))"), "{fast}");
    assert!(
        fast.contains("map[_fcat(keys.pre, \"-\", keys.post)]"),
        "{fast}"
    );
    assert_eq!(template.render(&values).expect("renders"), "AAB");
}

/// The computed reads above on containers as the npm package hands them over (read from JSON
/// text into the engine's own objects) and on a map the template builds (its integer keys held as
/// integers): where `_fget` and `_get` read a map by a string key straight through minijinja's
/// lookup, and where the fast render's root hands out the variables it resolved when it started.
#[test]
fn computed_keys_on_host_objects_and_built_maps_render_the_same_fast_and_exact() {
    let values = portclaims::engine::values::from_json(
        r#"{"map": {"a": "A", "1": "one", "-1": "minus", "01": "zero-one", "true": "T", "": "empty",
                    "1.5": "f", "none": "N", "x": {"b": "deep"}},
            "list": ["zero", "one"],
            "keys": {"str": "a", "int": 1, "neg": -1, "numeric": "1", "padded": "01", "t": true,
                     "float": 1.5, "null": null, "b": "b", "list": [1], "nonascii": "é"}}"#,
    )
    .expect("JSON");
    let built = "['a' => 'A', 1 => 'one', '-1' => 'minus', '01' => 'zero-one', 'true' => 'T', \
                 '' => 'empty', 'x' => ['b' => 'deep']]";
    let containers = ["$map", "$map['x']", "$list", "$built", "$built['x']"];
    let keys = [
        "$keys['str']",
        "$keys['int']",
        "$keys['neg']",
        "$keys['numeric']",
        "$keys['padded']",
        "$keys['t']",
        "$keys['float']",
        "$keys['null']",
        "$keys['b']",
        "$keys['list']",
        "$keys['nonascii']",
        "$keys['absent']",
        "'-1'",
        "1",
    ];
    let (mut compared, mut rendered) = (0, 0);
    for c in containers {
        for k in keys {
            for body in [
                format!("{{{{ {c}[{k}] }}}}"),
                format!("@foreach($keys as $k)\n{{{{ {c}[$k] }}}},\n@endforeach"),
            ] {
                let source = format!("@foreach([{built}] as $built)\n{body}\n@endforeach\n");
                let template = Template::compile(&source, &Options::default()).expect("compiles");
                let fast = template.fast_translated().expect("a fast translation");
                assert!(fast.contains("|_fget("), "{source}\n{fast}");
                let (output, exact) = both_ways(&template, &values);
                assert_eq!(output, exact, "{source}");
                compared += 1;
                rendered += usize::from(output.is_ok());
            }
        }
    }
    assert_eq!(compared, containers.len() * keys.len() * 2);
    // Both outcomes are compared: reads that find their key, and PHP's errors for those that do not.
    assert!(
        rendered > 10 && rendered < compared,
        "{rendered} of {compared}"
    );
    let read = |source: &str| {
        let template = Template::compile(source, &Options::default()).expect("compiles");
        template.render(&values).map_err(|e| e.to_string())
    };
    let each = format!(
        "@foreach([{built}] as $built){{{{ $built[$keys['numeric']] }}}}|{{{{ $built[$keys['padded']] }}}}|{{{{ $map[$keys['int']] }}}}|{{{{ $map['x'][$keys['b']] }}}}@endforeach"
    );
    assert_eq!(read(&each).as_deref(), Ok("one|zero-one|one|deep"));
    assert_eq!(
        read("{{ $map[$keys['b']] }}"),
        Err("template:1:4: Undefined array key \"b\"".to_string())
    );
}

/// Keys read from a `@foreach`'s `$loop` (`index`, `iteration`, `remaining`, `count`, through
/// `->parent`) are native in the fast translation, and read what the exact one reads: the items,
/// and PHP's error where the key is past the end.
#[test]
fn loop_field_keys_render_the_same_fast_and_exact() {
    let values = portclaims::engine::values::from_json(
        r#"{"list": ["a", "b", "c"], "map": {"1": "one", "2": "two", "3": "three"}}"#,
    )
    .expect("JSON");
    let reads = [
        ("$list[$loop->index]", Ok("abc")),
        ("$map[$loop->iteration]", Ok("onetwothree")),
        ("$list[$loop->remaining]", Ok("cba")),
        ("$map[$loop->count]", Ok("threethreethree")),
        ("$list[$loop->iteration]", Err("Undefined array key 3")),
        ("$list[$loop->count]", Err("Undefined array key 3")),
    ];
    for (read, expected) in reads {
        let source = format!("@foreach($list as $x)\n{{{{ {read} }}}}\n@endforeach\n");
        let template = Template::compile(&source, &Options::default()).expect("compiles");
        let fast = template.fast_translated().expect("a fast translation");
        assert!(fast.contains("|_fget(_loop1."), "{source}\n{fast}");
        let (output, exact) = both_ways(&template, &values);
        assert_eq!(output, exact, "{source}");
        match expected {
            Ok(text) => assert_eq!(
                output.as_deref().map(|o| o.replace('\n', "")),
                Ok(text.to_string()),
                "{source}"
            ),
            Err(message) => assert!(
                output.as_ref().is_err_and(|e| e.ends_with(message)),
                "{source}: {output:?}"
            ),
        }
    }
    let nested = "@foreach($list as $x)\n@foreach($list as $y)\n{{ $list[$loop->parent->index] }}\n@endforeach\n@endforeach\n";
    let template = Template::compile(nested, &Options::default()).expect("compiles");
    let fast = template.fast_translated().expect("a fast translation");
    assert!(fast.contains("(list|_fget(_loop1.index0))"), "{fast}");
    let output = template.render(&values).expect("renders");
    assert_eq!(output.replace('\n', ""), "aaabbbccc");
    assert_eq!(template.render_exact(&values).expect("renders"), output);
}

/// `$a ?? $b` is native in the fast translation where `$a` reads a variable by identifier keys
/// (then at most one computed key): on every kind of container, set, null, missing, and where
/// PHP's `isset` itself fails, it renders as the exact translation does.
#[test]
fn coalescing_reads_render_the_same_fast_and_exact() {
    let values = portclaims::engine::values::from_json(
        r#"{"map": {"a": "A", "n": null, "zero": 0, "empty": "", "x": {"b": "deep", "n": null},
                    "1": "one", "": "blank"},
            "list": ["zero", "one"], "text": "héllo", "null": null, "int": 7, "flag": false,
            "keys": {"str": "a", "int": 1, "neg": -1, "num": "1", "space": " 1", "t": true,
                     "float": 1.5, "null": null, "list": [1], "missing": "nope"},
            "fallback": "F"}"#,
    )
    .expect("JSON");
    let reads = [
        "$map['a']",
        "$map['n']",
        "$map['zero']",
        "$map['empty']",
        "$map['x']['b']",
        "$map['x']['n']",
        "$map['x']['b']['c']",
        "$map['nope']['deeper']",
        "$list['a']",
        "$text['a']",
        "$null['a']",
        "$int['a']",
        "$flag['a']",
        "$undefined",
        "$undefined['a']",
        "$map['a']['b']",
        "$text[' 1']",
        "$text['1x']",
        "$text[' 1x']",
        "$text['+1']",
        "$text['1']",
        "$map['1']",
        "$list['0']",
        "$list['-1']",
    ];
    let keys = [
        "$keys['str']",
        "$keys['int']",
        "$keys['neg']",
        "$keys['num']",
        "$keys['space']",
        "$keys['t']",
        "$keys['float']",
        "$keys['null']",
        "$keys['list']",
        "$keys['missing']",
        "$keys['absent']",
    ];
    let containers = ["$map", "$list", "$text", "$null", "$map['x']", "$undefined"];
    let defaults = [
        "'d'",
        "0",
        "null",
        "$fallback",
        "$undefined",
        "$map['x']['b'] ?? 'e'",
    ];
    let mut sources: Vec<String> = Vec::new();
    for a in reads {
        for b in defaults {
            sources.push(format!("{{{{ {a} ?? {b} }}}}"));
        }
    }
    for c in containers {
        for k in keys {
            sources.push(format!("{{{{ {c}[{k}] ?? 'd' }}}}"));
        }
    }
    let (mut native, mut rendered) = (0, 0);
    for body in &sources {
        let source = format!("@foreach([1] as $one)\n{body}\n@endforeach\n");
        let template = Template::compile(&source, &Options::default()).expect("compiles");
        let fast = template.fast_translated().expect("a fast translation");
        native += usize::from(fast.contains("|_coalesce("));
        let (output, exact) = both_ways(&template, &values);
        assert_eq!(output, exact, "{source}\n{fast}");
        rendered += usize::from(output.is_ok());
    }
    // Every form above has a native translation, and both outcomes are compared.
    assert_eq!(native, sources.len());
    assert!(
        rendered > sources.len() / 2 && rendered < sources.len(),
        "{rendered} of {}",
        sources.len()
    );
    let read = |body: &str| {
        let template = Template::compile(body, &Options::default()).expect("compiles");
        template.render(&values).map_err(|e| e.to_string())
    };
    assert_eq!(
        read("{{ $map['n'] ?? 'd' }}|{{ $map['zero'] ?? 'd' }}|{{ $map[$keys['num']] ?? 'd' }}|{{ $map['x']['nope'] ?? $fallback }}").as_deref(),
        Ok("d|0|one|F")
    );
}

/// Operands of consumers that refuse undefined (a condition's `_truthy`, the operators' helpers,
/// `.` and interpolation, PHP's functions and casts) are read natively in the fast translation,
/// and render what the exact translation renders: with the keys there, missing, or read from
/// what PHP cannot index by a string.
#[test]
fn operands_read_natively_render_the_same_fast_and_exact() {
    let operands = [
        "@if($d['k']) T @else F @endif",
        "{{ $d['k'] ? 'T' : 'F' }}",
        "{{ !$d['k'] ? 'N' : 'Y' }}",
        "{{ $d['k'] > 1 ? 'G' : 'L' }}",
        "{{ $d['k'] == '2' ? 'E' : 'D' }}",
        "{{ $d['k'] <=> 1 }}",
        "{{ $d['k'] + 1 }}",
        "{{ -$d['k'] }}",
        "{{ $d['k'] . '!' }}",
        "{{ \"<{$d['k']}>\" }}",
        "{{ (int) $d['k'] }}",
        "{{ strtoupper($d['k']) }}",
        "{{ str_pad($d['k'], 4, '*') }}",
        "{{ strlen(strtolower($d['k'])) }}",
        "{{ count($d['list']) }}",
        "{{ implode(',', $d['list']) }}",
        "@if($d['k'] && count($d['list']) > 1) B @endif",
        "{{ $d['k'] xor $d['list'] ? 'X' : 'O' }}",
        "{{ $d['nested']['k'] ?? 'none' }}",
        "{{ max($d['k'], $d['nested']['k']) }}",
    ];
    let source = operands.join("\n");
    let template = Template::compile(&source, &Options::default()).expect("compiles");
    let fast = template.fast_translated().expect("a fast translation");
    for native in [
        "_truthy(d.k)",
        "_gt(d.k, 1)",
        "_concat(d.k, \"\")",
        "strtoupper(d.k)",
        "strtolower(d.k)",
        "count(d.list)",
        "max(d.k, d.nested.k)",
    ] {
        assert!(fast.contains(native), "{native}: {fast}");
    }
    assert!(!fast.contains("_get("), "{fast}");
    for d in [
        serde_json::json!({ "k": "2", "list": ["a", "b"], "nested": { "k": 7 } }),
        serde_json::json!({ "k": 0, "list": [], "nested": { "k": -1 } }),
        serde_json::json!({ "k": null, "list": ["x"], "nested": {} }),
        serde_json::json!({ "list": ["a"], "nested": { "k": 1 } }),
        serde_json::json!({ "k": "x", "nested": { "k": 1 } }),
        serde_json::json!({ "k": "x", "list": "text", "nested": "text" }),
        serde_json::json!(["k", "list"]),
        serde_json::json!("text"),
        serde_json::json!(5),
    ] {
        let values = value(&serde_json::json!({ "d": d }));
        let (fast, exact) = both_ways(&template, &values);
        assert_eq!(fast, exact, "{d}");
        // And each operand on its own, so that an error early in the line hides none.
        for operand in operands {
            let (fast, exact) = both(operand, &values).expect("compiles");
            assert_eq!(fast, exact, "{operand} with {d}");
        }
    }
}
