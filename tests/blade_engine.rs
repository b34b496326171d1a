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
