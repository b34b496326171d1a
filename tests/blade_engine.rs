//! Engine behaviour beyond the oracle corpus: options, limits, sandbox, error locations,
//! claim references and leaky directives.

use portclaims::engine::{Dialect, ErrorKind, Escape, Limits, Options, Template, Whitespace};

fn values() -> minijinja::Value {
    let json = serde_json::json!({
        "namespace": "dpl-1",
        "data": {"app_name": "shop & co", "replicas": 3, "list": [1, 2]},
        "secret": {},
        "portClaims": {"web": 50123, "metrics": 61000},
        "limits": {"enabled": "true", "cpu": "500m"},
        "paused": false
    });
    minijinja::Value::from(minijinja::value::Serde(json))
}

fn render_with(source: &str, options: &Options) -> Result<String, portclaims::engine::Error> {
    Template::compile(source, options)?.render(&values())
}

fn render(source: &str) -> Result<String, portclaims::engine::Error> {
    render_with(source, &Options::default())
}

fn error_kind(source: &str) -> ErrorKind {
    match render(source) {
        Ok(out) => panic!("expected an error, got {out:?}"),
        Err(e) => e.kind,
    }
}

#[test]
fn smart_whitespace_removes_directive_lines() {
    let source = "spec:\n  @if($limits['enabled'])\n  limits:\n    cpu: {{ $limits['cpu'] }}\n  @endif\n  x: 1\n";
    let smart = Options {
        whitespace: Whitespace::Smart,
        ..Options::default()
    };
    assert_eq!(
        render_with(source, &smart).unwrap(),
        "spec:\n  limits:\n    cpu: 500m\n  x: 1\n"
    );
    // Blade keeps the indentation of the directive lines.
    assert_eq!(
        render(source).unwrap(),
        "spec:\n    limits:\n    cpu: 500m\n    x: 1\n"
    );
}

#[test]
fn smart_whitespace_keeps_the_yaml_structure_of_the_limits_case() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/limits-enabled");
    let source = std::fs::read_to_string(format!("{dir}/template.yaml")).unwrap();
    let smart = Options {
        whitespace: Whitespace::Smart,
        ..Options::default()
    };
    let t = Template::compile(&source, &smart).unwrap();
    // The view pipeline's ltrim applies whatever the whitespace rule: the first line loses its
    // indentation in Kublade too.
    let expected = "containers:\n      - name: app\n        resources:\n          limits:\n            cpu: 500m\n            memory: 256Mi\n";
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/values.json")).unwrap())
            .unwrap();
    assert_eq!(
        t.render(&minijinja::Value::from(minijinja::value::Serde(json)))
            .unwrap(),
        expected
    );
    let blade = Template::compile(&source, &Options::default()).unwrap();
    assert_eq!(blade.leaky_directives().len(), 2);
}

#[test]
fn huge_nesting_limits_are_clamped() {
    let options = Options {
        limits: Limits {
            max_nesting: usize::MAX,
            ..Limits::default()
        },
        ..Options::default()
    };
    let source = format!("{{{{ {}1{} }}}}", "(".repeat(100_000), ")".repeat(100_000));
    let err = Template::compile(&source, &options).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Limit);
}

#[test]
fn smart_whitespace_keeps_lines_line_aligned_for_errors() {
    let smart = Options {
        whitespace: Whitespace::Smart,
        ..Options::default()
    };
    let err = render_with("a\n  @if(true)\n  {{ $nope }}\n  @endif\n", &smart).unwrap_err();
    assert_eq!(err.span.start_line, 3);
}

#[test]
fn escape_none_prints_raw() {
    let none = Options {
        escape: Escape::None,
        ..Options::default()
    };
    assert_eq!(
        render_with("{{ $data['app_name'] }}", &none).unwrap(),
        "shop & co"
    );
    assert_eq!(render("{{ $data['app_name'] }}").unwrap(), "shop &amp; co");
}

#[test]
fn jinja_dialect_uses_the_same_runtime() {
    let jinja = Options {
        dialect: Dialect::Jinja,
        ..Options::default()
    };
    let t = Template::compile(
        "port: {{ portClaims.web }} {{ portClaims['metrics'] }} {{ data.app_name }}\n",
        &jinja,
    )
    .unwrap();
    assert_eq!(
        t.render(&values()).unwrap(),
        "port: 50123 61000 shop &amp; co\n"
    );
    let names: Vec<_> = t
        .claim_references()
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["web", "metrics"]);
    let err = render_with("a\n{{ missing.x }}", &jinja).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Undefined);
    assert_eq!(err.span.start_line, 2);
}

#[test]
fn nested_ifs_hit_the_nesting_limit() {
    let source = "@if(true)\n".repeat(10_000) + &"@endif\n".repeat(10_000);
    assert_eq!(error_kind(&source), ErrorKind::Limit);
}

#[test]
fn nested_parentheses_hit_the_nesting_limit() {
    let source = format!("{{{{ {}1{} }}}}", "(".repeat(10_000), ")".repeat(10_000));
    assert_eq!(error_kind(&source), ErrorKind::Limit);
    let source = format!("{{{{ {}1 }}}}", "!".repeat(10_000));
    assert_eq!(error_kind(&source), ErrorKind::Limit);
    let source = format!("{{{{ $a{} }}}}", "[0]".repeat(10_000));
    assert_eq!(error_kind(&source), ErrorKind::Limit);
}

#[test]
fn deep_but_allowed_nesting_renders() {
    let source = "@if(true)\n".repeat(40) + "x\n" + &"@endif\n".repeat(40);
    assert_eq!(render(&source).unwrap(), "x\n");
    let source = format!("{{{{ {}1{} }}}}", "(".repeat(40), ")".repeat(40));
    assert_eq!(render(&source).unwrap(), "1");
}

#[test]
fn runaway_loops_run_out_of_fuel() {
    let options = Options {
        limits: Limits {
            fuel: Some(100_000),
            ..Limits::default()
        },
        ..Options::default()
    };
    let err = render_with("@while(true)\nx\n@endwhile\n", &options).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Limit);
    assert!(err.message.contains("fuel"), "{}", err.message);
    let err = render_with("@for($i = 0; $i >= 0; $i++)\n@endfor\n", &options).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Limit);
}

/// PHP's functions refuse an undefined argument, naming it, where they read a missing argument
/// as null: minijinja's strict undefined stays strict through them.
#[test]
fn jinja_undefined_arguments_of_php_functions_are_errors() {
    let jinja = Options {
        dialect: Dialect::Jinja,
        ..Options::default()
    };
    for (source, message) in [
        (
            "{{ strtoupper(missing) }}",
            "strtoupper(): Argument #1 ($string) is undefined",
        ),
        (
            "{{ str_pad('x', data.nope) }}",
            "str_pad(): Argument #2 ($length) is undefined",
        ),
    ] {
        let err = render_with(source, &jinja).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Undefined, "{err}");
        assert!(err.to_string().contains(message), "{err}");
    }
    assert_eq!(
        render_with("{{ str_pad('x', 3, '*') }}", &jinja).unwrap(),
        "x**"
    );
}

#[test]
fn jinja_recursion_and_includes_are_bounded() {
    let jinja = Options {
        dialect: Dialect::Jinja,
        ..Options::default()
    };
    let err = render_with(
        "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
        &jinja,
    )
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Limit, "{err}");
    let err = render_with("{% include 'other.yaml' %}", &jinja).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Sandbox, "{err}");
}

#[test]
fn output_limit() {
    let options = Options {
        limits: Limits {
            max_output_bytes: 100,
            ..Limits::default()
        },
        ..Options::default()
    };
    let err = render_with(
        "@for($i = 0; $i < 1000; $i++)\nline {{ $i }}\n@endfor\n",
        &options,
    )
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Limit);
    assert!(err.message.contains("output"), "{}", err.message);
}

/// A render starts on a budget of fuel too small to write the output limit (a quarter of its
/// bytes, a fuel per 64) and falls back to the full budget and the limit's own check: what it
/// renders or refuses must not depend on which of the two answered.
#[test]
fn renders_past_the_first_budget_as_the_limits_allow() {
    let limited = |fuel: Option<u64>| Options {
        limits: Limits {
            fuel,
            max_output_bytes: 64 * 1024,
            ..Limits::default()
        },
        ..Options::default()
    };
    // First budget: 64 KiB / 256 = 256 fuel, 16 KiB of output.
    let big = render_with("{{ str_repeat('x', 40000) }}", &limited(None)).unwrap();
    assert_eq!(big, "x".repeat(40000));
    let many = render_with(
        "@foreach(range(1, 300) as $i){{ $i % 10 }}@endforeach",
        &limited(Some(1_000_000)),
    );
    let expected: String = (1..=300).map(|i| (i % 10).to_string()).collect();
    assert_eq!(many.unwrap(), expected);
    let err = render_with("{{ str_repeat('x', 70000) }}", &limited(None)).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Limit);
    assert!(err.message.contains("output limit"), "{}", err.message);
    // A fuel limit under the first budget is the one that answers.
    let err = render_with(
        "@foreach(range(1, 300) as $i){{ $i }}@endforeach",
        &limited(Some(100)),
    )
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Limit);
    assert!(err.message.contains("fuel"), "{}", err.message);
    // The exact translation's error, after the fast one failed on the first budget.
    let err = render_with(
        "@foreach(range(1, 300) as $i){{ $i }}@endforeach{{ $data['missing'] }}",
        &limited(None),
    )
    .unwrap_err();
    assert!(err.message.contains("missing"), "{}", err.message);
    assert_eq!(err.span.start_line, 1);
}

#[test]
fn sandbox_refusals() {
    for source in [
        "@php echo 1; @endphp",
        "@php($x = 1)",
        "@include('other')",
        "@extends('layout')",
        "@component('x')\n@endcomponent",
        "{{ `ls` }}",
        "{{ env('HOME') }}",
        "{{ exec('ls') }}",
        "{{ system('ls') }}",
        "{{ file_get_contents('/etc/passwd') }}",
        "{{ $this->foo }}",
        "{{ new Foo() }}",
        "{{ Foo::bar() }}",
        "{{ $$name }}",
        "{{ $_SERVER['HOME'] }}",
        "{{ $__env }}",
        "{{ isset($app) ? 1 : 0 }}",
        "{{ $app ?? 'x' }}",
        "{{ \"$app\" }}",
        "@if(empty($app)) x @endif",
        "{{ $data->method() }}",
        "<?php echo 1; ?>",
        "<?= 1 ?>",
        "{{ nonexistent_function(1) }}",
    ] {
        let err = Template::compile(source, &Options::default()).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Sandbox, "{source}: {err}");
    }
    let err = Template::compile("{{ foo(1) }}", &Options::default()).unwrap_err();
    assert!(
        err.message.contains("Call to undefined function foo()"),
        "{}",
        err.message
    );
}

#[test]
fn unknown_directives_are_text() {
    assert_eq!(
        render("mail: admin@example.com\n@example.com\n").unwrap(),
        "mail: admin@example.com\n@example.com\n"
    );
}

#[test]
fn errors_name_line_and_column() {
    let err = render("a: 1\nb: {{ $data['missing_key'] }}\n").unwrap_err();
    assert_eq!(err.kind, ErrorKind::Undefined);
    assert_eq!(err.message, "Undefined array key \"missing_key\"");
    assert_eq!((err.span.start_line, err.span.start_column), (2, 7));
    assert_eq!(err.source_line, "b: {{ $data['missing_key'] }}");
    assert_eq!(
        err.to_string(),
        "template:2:7: Undefined array key \"missing_key\""
    );

    let err = render("x\n\n  {{ $foo }}").unwrap_err();
    assert_eq!(err.message, "Undefined variable $foo");
    assert_eq!((err.span.start_line, err.span.start_column), (3, 6));

    let options = Options {
        name: "svc.yaml".into(),
        ..Options::default()
    };
    let err = Template::compile("a\n@if($paused)\nb\n", &options).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Syntax);
    assert_eq!(err.span.start_line, 2);
    assert!(err.to_string().starts_with("svc.yaml:2:1: "), "{err}");

    let err = Template::compile("a\n{{ 1 + }}\n", &Options::default()).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Syntax);
    assert_eq!(err.span.start_line, 2);
}

#[test]
fn errors_after_multiline_constructs_keep_their_line() {
    let source = "{{-- a\nb\nc --}}\n@if(\n  true\n)\n{{ $x }}\n@endif\n";
    let err = render(source).unwrap_err();
    assert_eq!(err.span.start_line, 7, "{err}");
    let t = Template::compile(source, &Options::default()).unwrap();
    assert_eq!(
        t.translated().matches('\n').count(),
        source.matches('\n').count()
    );
}

#[test]
fn claim_references_are_found_with_spans() {
    let source = "a: {{ $portClaims['web'] }}\n@if(isset($portClaims[\"metrics\"]))\nb\n@endif\n";
    let t = Template::compile(source, &Options::default()).unwrap();
    let claims: Vec<_> = t
        .claim_references()
        .iter()
        .map(|c| (c.name.as_str(), c.span.start_line, c.span.start_column))
        .collect();
    assert_eq!(claims, [("web", 1, 7), ("metrics", 2, 11)]);
    assert_eq!(t.claim_references()[0].span.end_column, 25);
}

#[test]
fn leaky_directives_are_reported() {
    let source = "a:\n  @if(true)\n  b: 1\n  @endif\n@if(true)\nc\n@endif\n";
    let t = Template::compile(source, &Options::default()).unwrap();
    let lines: Vec<_> = t
        .leaky_directives()
        .iter()
        .map(|s| (s.start_line, s.start_column))
        .collect();
    assert_eq!(lines, [(2, 3), (4, 3)]);
    let smart = Options {
        whitespace: Whitespace::Smart,
        ..Options::default()
    };
    assert!(
        Template::compile(source, &smart)
            .unwrap()
            .leaky_directives()
            .is_empty()
    );
}

#[test]
fn templates_render_many_times() {
    let t = Template::compile(
        "{{ $namespace }}-{{ $data['replicas'] + 1 }}",
        &Options::default(),
    )
    .unwrap();
    for _ in 0..3 {
        assert_eq!(t.render(&values()).unwrap(), "dpl-1-4");
    }
}

#[test]
fn hostile_inputs_never_panic() {
    let inputs = [
        "{{",
        "}}",
        "{!!",
        "@if(",
        "@if((",
        "@foreach",
        "@foreach()",
        "@for(;;",
        "@for(;;)",
        "{{ 'é",
        "{{ \"\\u{zz}\" }}",
        "{{ \"$\" }}",
        "{{ \"{$\" }}",
        "@switch(1)x@case(1)@endswitch",
        "@endforeach",
        "@else",
        "@break",
        "@empty",
        "{{ 0x }}",
        "{{ 1e }}",
        "{{ 99999999999999999999999 }}",
        "{{ .5 }}",
        "{{ $a[] }}",
        "@json()",
        "@unless()",
        "é@if(true)ü@endif",
        "{{-- ",
        "@verbatim",
        "@{{",
        "{{ 'a' ?: }}",
        "{{ a ? b : c ? d : e }}",
        "\u{feff}{{ 1 }}",
        "{{ 1 < 2 < 3 }}",
        "{{ (int) '5' }}",
        "@for($i = 0; $i < 3; $i++)\n{{ $loop->index }}\n@endfor",
        "{{ $loop->index }}",
        "{{ $loop }}",
        "@foreach([1] as $x){{ $loop->parent->index }}@endforeach",
    ];
    for input in inputs {
        if let Ok(t) = Template::compile(input, &Options::default()) {
            let _ = t.render(&values());
        }
        let jinja = Options {
            dialect: Dialect::Jinja,
            ..Options::default()
        };
        if let Ok(t) = Template::compile(input, &jinja) {
            let _ = t.render(&values());
        }
    }
}

#[test]
fn jinja_optional_claims_can_be_tested() {
    let jinja = Options {
        dialect: Dialect::Jinja,
        ..Options::default()
    };
    let source = "{% if portClaims.optional is defined %}o{% endif %}{{ portClaims.optional | default(8080) }}";
    assert_eq!(render_with(source, &jinja).unwrap(), "8080");
}

/// Random soup of Blade and PHP fragments: compiling and rendering may fail, never panic.
#[test]
fn random_inputs_never_panic() {
    const PIECES: &[&str] = &[
        "@if(",
        "@elseif(",
        "@else",
        "@endif",
        "@foreach(",
        " as ",
        "$k => ",
        "@endforeach",
        "@forelse(",
        "@empty",
        "@endforelse",
        "@for(",
        ";",
        "@endfor",
        "@while(",
        "@endwhile",
        "@switch(",
        "@case(",
        "@default",
        "@break",
        "@continue",
        "@endswitch",
        "@json(",
        "@isset(",
        "@unless(",
        "@verbatim",
        "@endverbatim",
        "{{",
        "}}",
        "{!!",
        "!!}",
        "{{--",
        "--}}",
        "@{{",
        "@@",
        "(",
        ")",
        "[",
        "]",
        "'",
        "\"",
        "$",
        "$data",
        "$loop",
        "->",
        "parent",
        "index",
        "['a']",
        "[0]",
        "1",
        "1.5",
        "-",
        "+",
        ".",
        "??",
        "?:",
        "?",
        ":",
        "!",
        "&&",
        "||",
        "==",
        "<=>",
        "**",
        "\n",
        "\r\n",
        " ",
        "\t",
        "é",
        "🎉",
        "{",
        "}",
        "%",
        "#",
        "\\",
        "{$",
        "count(",
        "strtoupper(",
        ",",
        "=>",
        "$i++",
        "$i = 0",
        "<?php",
        "`",
        "true",
        "null",
        "0x",
        "1e",
        "PHP_EOL",
        "(int)",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let values = values();
    for _ in 0..1500 {
        let len = (next() % 24) as usize;
        let source: String = (0..len)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect();
        for dialect in [Dialect::Blade, Dialect::Jinja] {
            for whitespace in [Whitespace::Blade, Whitespace::Smart] {
                let options = Options {
                    dialect,
                    whitespace,
                    limits: Limits {
                        fuel: Some(20_000),
                        ..Limits::default()
                    },
                    ..Options::default()
                };
                match Template::compile(&source, &options) {
                    Ok(t) => {
                        let _ = t.render(&values);
                    }
                    // minijinja rejecting the translation would be a translator bug.
                    Err(e) if dialect == Dialect::Blade => {
                        assert!(!e.message.starts_with("syntax error: "), "{source:?}: {e}");
                    }
                    Err(_) => {}
                }
            }
        }
    }
}

#[test]
fn unclosed_tags_scan_in_linear_time() {
    let started = std::time::Instant::now();
    for piece in ["{{ ", "{{-- ", "{!! ", "@if(", "@verbatim ", "@{{ "] {
        let source = piece.repeat(50_000);
        let _ = Template::compile(&source, &Options::default());
    }
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn smart_whitespace_with_crlf_and_trailing_blanks() {
    let smart = Options {
        whitespace: Whitespace::Smart,
        ..Options::default()
    };
    let source = "ports:\r\n    @foreach($portClaims as $name => $port)  \r\n    - {{ $name }}: {{ $port }}\r\n    @endforeach {{-- done --}}\r\nend\r\n";
    assert_eq!(
        render_with(source, &smart).unwrap(),
        "ports:\r\n    - web: 50123\r\n    - metrics: 61000\r\nend\r\n"
    );
}

#[test]
fn smart_whitespace_in_jinja_trims_block_lines() {
    let source =
        "spec:\n  {% if paused %}\n  paused: true\n  {% else %}\n  paused: false\n  {% endif %}\n";
    let jinja = Options {
        dialect: Dialect::Jinja,
        ..Options::default()
    };
    let smart = Options {
        whitespace: Whitespace::Smart,
        ..jinja.clone()
    };
    assert_eq!(
        render_with(source, &smart).unwrap(),
        "spec:\n  paused: false\n"
    );
    assert_eq!(
        render_with(source, &jinja).unwrap(),
        "spec:\n  \n  paused: false\n  \n"
    );
}

/// Plain reads render natively first (`_v["data"]["list"]`) and exactly again when that fails:
/// every failure of the fast translation must still give PHP's own error and location.
#[test]
fn fast_reads_fail_with_the_exact_errors() {
    let cases = [
        ("{{ $data['nope'] }}", "Undefined array key \"nope\""),
        ("{{ $nope }}", "Undefined variable $nope"),
        ("{{ $nope['x'] }}", "Undefined variable $nope"),
        (
            "{{ $namespace['x'] }}",
            "Cannot access offset of type string on string",
        ),
        ("{{ $data['list']['x'] }}", "Undefined array key \"x\""),
        (
            "{{ $data['replicas']['x'] }}",
            "Trying to access array offset on value of type int",
        ),
        (
            "{{ $data['list'] }}",
            "htmlspecialchars(): Argument #1 ($string) must be of type string, array given",
        ),
        (
            "@foreach($data['nope'] as $x){{ $x }}@endforeach",
            "Undefined array key \"nope\"",
        ),
        (
            "@foreach($data['list'] as $x){{ $x['k'] }}@endforeach",
            "Trying to access array offset on value of type int",
        ),
    ];
    for (source, message) in cases {
        let template = Template::compile(source, &Options::default()).expect("compiles");
        assert!(template.fast_translated().is_some(), "{source}");
        let err = template.render(&values()).expect_err(source);
        assert_eq!(err.message, message, "{source}");
        assert_eq!(err.span.start_line, 1, "{source}");
    }
}

/// An `Undefined …` error says what it did not find as data: the variable read and the key.
#[test]
fn undefined_errors_name_the_variable_and_key() {
    let missing = |variable: Option<&str>, key: Option<&str>| {
        Some(portclaims::engine::Missing {
            variable: variable.map(str::to_string),
            key: key.map(str::to_string),
        })
    };
    let cases = [
        (
            "{{ $portClaims['db'] }}",
            missing(Some("portClaims"), Some("db")),
        ),
        ("x: {{ $data['list'][7] }}", missing(None, Some("7"))),
        (
            "x: {{ $data [ \"n]'\" ] }}",
            missing(Some("data"), Some("n]'")),
        ),
        (
            "x: {{ $data[$data['list'][0] . ']'] }}",
            missing(Some("data"), Some("1]")),
        ),
        (
            "@foreach(['a', 'b'] as $k){{ $data[$k] }}@endforeach",
            missing(Some("data"), Some("a")),
        ),
        ("{{ $nope }}", missing(Some("nope"), None)),
        ("{{ strtoupper($nope) }}", missing(Some("nope"), None)),
        ("{{ ['a' => 1]['b'] }}", missing(None, Some("b"))),
        ("{{ 1 / 0 }}", None),
    ];
    for (source, expected) in cases {
        let err = render(source).expect_err(source);
        assert_eq!(err.missing.as_deref(), expected.as_ref(), "{source}");
    }
}

#[test]
fn fast_reads_render_what_exact_reads_render() {
    let source = "{{ $data['app_name'] }}/{{ $portClaims['web'] }}/{{ $secret['x'] ?? 'none' }}\n@foreach($data['list'] as $i => $x){{ $i }}={{ $x }} @endforeach\n{{ $x }}";
    let template = Template::compile(source, &Options::default()).expect("compiles");
    assert!(template.fast_translated().is_some());
    assert_eq!(
        template.render(&values()).expect("renders"),
        "shop &amp; co/50123/none\n0=1 1=2 2"
    );
}

#[test]
fn directives_kublade_compiles_but_the_sandbox_cannot_run_are_refused() {
    // Laravel 12's own, and those Livewire and laravel-permission register in Kublade (in their
    // exact case: `@Role` is no directive there, so it stays text).
    for source in [
        "@session('flash') x @endsession",
        "@use('App\\Models\\User')",
        "@vite('app.js')",
        "@includeIsolated('other', ['a' => 1])",
        "@pushOnce('scripts') x @endPushOnce",
        "# owned by @role('admin')",
        "@this",
        "@livewireStyles",
    ] {
        assert_eq!(error_kind(source), ErrorKind::Sandbox, "{source}");
    }
    assert_eq!(render("a: @Role('admin')").unwrap(), "a: @Role('admin')");
}

#[test]
fn the_jinja_dialect_keeps_leading_blanks() {
    let jinja = Options {
        dialect: Dialect::Jinja,
        ..Options::default()
    };
    assert_eq!(render_with("\n  a: {{ 1 }}", &jinja).unwrap(), "\n  a: 1");
    assert_eq!(render("\n  a: {{ 1 }}").unwrap(), "a: 1");
}

#[test]
fn claim_references_say_whether_a_missing_claim_is_guarded() {
    let source = "{{ $portClaims['a'] }}\n\
        @if(isset($x, $portClaims['b'])) {{ $portClaims['b'] }} @endif\n\
        {{ $portClaims['c'] ?? 80 }} {{ $d[$portClaims['e']] ?? 1 }}\n\
        @isset($portClaims['f']) @endisset @empty($portClaims['g']['h']) @endempty\n\
        {{ empty($portClaims['i']) ? 1 : 2 }} {{ 1 ?? $portClaims['j'] }}\n";
    let t = Template::compile(source, &Options::default()).unwrap();
    let mut seen: Vec<_> = t
        .claim_references()
        .iter()
        .map(|c| (c.name.as_str(), c.span.start_line, c.guarded))
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("a", 1, false),
            ("b", 2, false),
            ("b", 2, true),
            ("c", 3, true),
            ("e", 3, false),
            ("f", 4, true),
            ("g", 4, true),
            ("i", 5, true),
            ("j", 5, false),
        ]
    );
}

/// Raw digests and the hashing algorithms portclaims lacks are refused with a message saying
/// so (COMPATIBILITY.md), never printed as different text.
#[test]
fn raw_digests_and_missing_hash_algorithms_are_refused() {
    for (source, message) in [
        (
            "{{ base64_encode(hash('sha256', 'a', true)) }}",
            "hash(): Argument #3 ($binary) cannot be true",
        ),
        (
            "{{ bin2hex(md5('a', true)) }}",
            "md5(): Argument #2 ($binary) cannot be true",
        ),
        (
            "{{ sha1('a', 1) }}",
            "sha1(): Argument #2 ($binary) cannot be true",
        ),
        (
            "{{ hash('whirlpool', 'a') }}",
            "hash(): Argument #1 ($algo) \"whirlpool\" is a hashing algorithm portclaims does not implement",
        ),
    ] {
        let error = render(source).expect_err(source);
        assert!(
            error.message.starts_with(message),
            "{source}: {}",
            error.message
        );
    }
    assert_eq!(
        render("{{ md5('a', false) }}").unwrap(),
        "0cc175b9c0f1b6a831c399e269772661"
    );
}

/// The `mb_` functions read UTF-8, ASCII, 8bit and ISO-8859-1; PHP's other encodings are
/// refused saying so (COMPATIBILITY.md), where a name PHP does not know fails as in PHP.
#[test]
fn encodings_portclaims_lacks_are_refused() {
    let error = render("{{ mb_strlen('a', 'UTF-16') }}").expect_err("UTF-16");
    assert!(
        error
            .message
            .contains("is an encoding portclaims does not support"),
        "{}",
        error.message
    );
    let error = render("{{ mb_strlen('a', 'nope') }}").expect_err("nope");
    assert_eq!(
        error.message,
        "mb_strlen(): Argument #2 ($encoding) must be a valid encoding, \"nope\" given"
    );
}

/// `str_replace`'s `$count` is a reference: refused when the template is compiled
/// (COMPATIBILITY.md), where PHP would assign it.
#[test]
fn by_reference_arguments_are_not_supported() {
    let source = "{!! str_replace('a', 'b', 'aa', $count) !!}";
    let err = Template::compile(source, &Options::default()).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Syntax, "{source}: {err}");
    assert!(err.message.contains("by reference"), "{}", err.message);
}
