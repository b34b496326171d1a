//! Every resource a template can spend is bounded (issue #18, items 1-4): the work inside the
//! runtime's functions (fuel), the values a render builds (memory), the template's size, and how
//! deep arrays nest. Each bomb ends in a limit error that names the limit, the template, the
//! line and the column, and the next render goes on as if nothing had happened.

use portclaims::engine::{Dialect, Error, ErrorKind, Limits, Options, Template};

fn values() -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(serde_json::json!({
        "data": {"app_name": "shop"},
        "portClaims": {"web": 50123},
    })))
}

fn blade(limits: Limits) -> Options {
    Options {
        name: "bomb.yaml".into(),
        limits,
        ..Options::default()
    }
}

fn jinja(limits: Limits) -> Options {
    Options {
        dialect: Dialect::Jinja,
        ..blade(limits)
    }
}

/// Less fuel, so that the bombs go off quickly in a debug build.
fn small() -> Limits {
    Limits {
        fuel: Some(1_500_000),
        ..Limits::default()
    }
}

fn render(source: &str, options: &Options) -> Result<String, Error> {
    Template::compile(source, options)?.render(&values())
}

/// The limit error `source` ends in; it must say `says`.
fn limit_error(source: &str, options: &Options, says: &str) -> Error {
    let error = match render(source, options) {
        Ok(out) => panic!("{source}: rendered {} bytes instead of failing", out.len()),
        Err(e) => e,
    };
    assert_eq!(error.kind, ErrorKind::Limit, "{source}: {error}");
    assert!(error.message.contains(says), "{source}: {error}");
    assert_eq!(error.name, "bomb.yaml");
    // A limit leaves nothing behind: the same options render an ordinary template afterwards.
    let ordinary = match options.dialect {
        Dialect::Blade => {
            "{{ $data['app_name'] }}: {{ count(array_fill(0, 1000, str_repeat('x', 100))) }}"
        }
        Dialect::Jinja => {
            "{{ data.app_name }}: {{ count(array_fill(0, 1000, str_repeat('x', 100))) }}"
        }
    };
    assert_eq!(
        render(ordinary, options).unwrap(),
        "shop: 1000",
        "after {source}"
    );
    error
}

#[test]
fn builtins_pay_fuel_for_the_work_inside_them() {
    // `$big` is 100,000 references to one array of 100,000 elements: building it is cheap,
    // walking it is not. `$near`'s elements differ from `$big`'s in their last element only.
    let big = "array_fill(0, 100000, array_fill(0, 100000, 1))";
    let near = "array_fill(0, 100000, array_pad(array_fill(0, 99999, 1), 100000, 2))";
    let cases = [
        (
            format!("{{{{ count({big}, COUNT_RECURSIVE) }}}}"),
            "in count()",
        ),
        (format!("@if({big} == {big}) x @endif"), "in a comparison"),
        (format!("@if({big} === {big}) x @endif"), "in a comparison"),
        (format!("@if({big} < {big}) x @endif"), "in a comparison"),
        (
            format!("{{{{ in_array(array_pad(array_fill(0, 99999, 1), 100000, 2), {big}) ? 1 : 0 }}}}"),
            "in in_array()",
        ),
        (
            format!("{{{{ array_search(array_fill(0, 100000, 1), {near}) }}}}"),
            "in array_search()",
        ),
        (
            format!("{{{{ count(array_keys({near}, array_fill(0, 100000, 1))) }}}}"),
            "in array_keys()",
        ),
        (format!("{{{{ count(max({big})) }}}}"), "in max()"),
        (
            "{{ count(array_map('md5', array_fill(0, 100000, str_repeat('x', 16000000)))) }}"
                .to_string(),
            "in array_map()",
        ),
        (
            "{{ str_replace(array_fill(0, 100000, 'a'), 'b', str_repeat('xyz', 1000000)) }}"
                .to_string(),
            "in str_replace()",
        ),
        (
            "{{ strtr(str_repeat('1', 4000000), array_combine(range(1, 1000), range(1, 1000))) }}"
                .to_string(),
            "in strtr()",
        ),
        (
            "@foreach(range(1, 1000) as $i){{ strlen(e(str_repeat('&x', 1000000), false)) }}@endforeach".to_string(),
            "in e()",
        ),
    ];
    for (source, says) in &cases {
        let error = limit_error(source, &blade(small()), "fuel limit exceeded");
        assert!(error.message.contains(says), "{source}: {error}");
    }
}

#[test]
fn fuel_errors_point_at_the_call() {
    let source =
        "a: 1\nb: {{ count(array_fill(0, 100000, array_fill(0, 100000, 1)), COUNT_RECURSIVE) }}\n";
    let error = limit_error(source, &blade(small()), "fuel limit exceeded in count()");
    assert_eq!((error.span.start_line, error.span.start_column), (2, 7));
    assert_eq!(error.source_line, source.lines().nth(1).unwrap());
    assert_eq!(
        error.to_string(),
        "bomb.yaml:2:7: fuel limit exceeded in count(): the template asks for more work than its fuel allows"
    );
}

#[test]
fn the_default_fuel_ends_a_builtin_bomb() {
    let error = limit_error(
        "{{ count(array_fill(0, 1048576, array_fill(0, 1048576, 1)), COUNT_RECURSIVE) }}",
        &blade(Limits::default()),
        "fuel limit exceeded in count()",
    );
    assert_eq!(error.span.start_column, 4);
}

#[test]
fn a_render_builds_no_more_than_its_memory_budget() {
    let limits = Limits {
        max_memory_bytes: 80 << 20,
        ..Limits::default()
    };
    let error = limit_error(
        "{{ count(array_map('strrev', array_fill(0, 1048576, str_repeat('x', 16000000)))) }}",
        &blade(limits.clone()),
        "memory limit exceeded in array_map(): the values this render builds would take more than 83886080 bytes",
    );
    assert_eq!((error.span.start_line, error.span.start_column), (1, 10));
    // What a render builds is a total: strings dropped long ago still count.
    limit_error(
        "@for($i = 0; $i < 1000; $i++){{ strlen(str_repeat('x', 1000000)) }}@endfor",
        &blade(limits.clone()),
        "memory limit exceeded in str_repeat()",
    );
    // Each of these builds about twice the budget.
    let less = Limits {
        max_memory_bytes: 16 << 20,
        ..Limits::default()
    };
    for source in [
        "{{ count(array_fill(0, 300000, 1)) + count(array_fill(0, 300000, 1)) }}",
        "{{ count(range(1, 600000)) }}",
        "{{ strlen(implode(',', array_fill(0, 100000, str_repeat('y', 300)))) }}",
        "{{ strlen(json_encode(array_fill(0, 100000, str_repeat('y', 300)))) }}",
        "{{ strlen(sprintf('%s%s%s', str_repeat('y', 9000000), str_repeat('y', 9000000), 1)) }}",
        "{{ count(explode(',', str_repeat('ab,', 1000000))) }}",
        "{{ count(str_split(str_repeat('ab', 4000000), 8)) }}",
        "{{ count(json_decode(json_encode(range(1, 300000)))) }}",
        "{{ strlen(str_pad('', 9000000)) + strlen(str_pad('', 9000000)) }}",
        "@for($i = 0, $s = str_repeat('ab', 3000000); $i < 10; $i++){{ strlen($s . $s) }}@endfor",
        "@for($i = 0, $s = str_repeat('ab', 3000000); $i < 10; $i++){{ strlen(\"$s-$s\") }}@endfor",
        "@foreach(array_fill(0, 200, str_repeat('z', 100000)) as $s){{ strlen(strtoupper($s)) }}@endforeach",
        "@foreach(array_fill(0, 200, str_repeat('z', 100000)) as $s){{ strlen(str_replace('z', 'zz', $s)) }}@endforeach",
        "@foreach(array_fill(0, 200, str_repeat('<', 100000)) as $s){{ strlen(e($s)) }}@endforeach",
        "@foreach(array_fill(0, 200, str_repeat('z', 100000)) as $s){{ strlen(base64_encode($s)) }}@endforeach",
        "@foreach(range(1, 200) as $i){{ count(array_merge(range(1, 50000), [$i])) }}@endforeach",
    ] {
        limit_error(source, &blade(less.clone()), "memory limit exceeded");
    }
    // Each render starts with the whole budget.
    let template = Template::compile(
        "{{ strlen(str_repeat('x', 15000000)) + strlen(str_repeat('x', 15000000)) + strlen(str_repeat('x', 15000000)) }}",
        &blade(limits.clone()),
    )
    .unwrap();
    for _ in 0..3 {
        assert_eq!(template.render(&values()).unwrap(), "45000000");
    }
}

/// minijinja's own operators and filters charge what they build to the fuel only, so the Jinja
/// dialect's fuel is the memory budget's worth.
#[test]
fn jinja_builtins_build_no_more_than_the_memory_budget() {
    for source in [
        "{{ 'x' | indent(3000000000) }}",
        "{{ 'x\nx\nx' | indent(200000000) | length }}",
        "{% set s = 'x' * 100000000 %}{% set s = s ~ s %}{% set s = s ~ s %}{{ s | length }}",
        "{{ ('x' * 100000000 + 'y' * 100000000 + 'z' * 100000000) | length }}",
        "{{ ('x' * 10000000) | replace('x', 'y' * 100) | length }}",
        "{% for i in range(0, 1000000) %}{% endfor %}{% for i in range(0, 1000000) %}{% endfor %}{% for i in range(0, 1000000) %}{% endfor %}",
    ] {
        let error = limit_error(source, &jinja(Limits::default()), "limit exceeded");
        assert!(
            error.message.contains("fuel") || error.message.contains("memory"),
            "{source}: {error}"
        );
    }
}

#[test]
fn templates_past_the_size_limit_are_refused_before_parsing() {
    let limits = Limits {
        max_template_bytes: 1000,
        ..Limits::default()
    };
    // Unparseable, so that only a check made before parsing can answer with a limit error.
    let error = Template::compile(&"{{ @if(".repeat(200), &blade(limits.clone())).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Limit, "{error}");
    assert_eq!(
        error.to_string(),
        "bomb.yaml: template size limit exceeded: the template is 1400 bytes, more than the 1000 a template may have"
    );
    let just_fits = format!("{}\n", "x".repeat(999));
    assert_eq!(
        render(&just_fits, &blade(limits.clone())).unwrap(),
        just_fits
    );
    for options in [blade(Limits::default()), jinja(Limits::default())] {
        let source = "a: b\n".repeat(Limits::DEFAULT_MAX_TEMPLATE_BYTES / 5 + 1);
        let error = Template::compile(&source, &options).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Limit, "{error}");
        assert!(error.message.contains("4194304"), "{error}");
    }
}

#[test]
fn values_past_the_size_limit_are_refused_before_reading() {
    let limits = Limits {
        max_value_bytes: 100,
        ..Limits::default()
    };
    let template = Template::compile("x", &blade(limits)).expect("compiles");
    assert!(template.check_values_size(100).is_ok());
    let error = template.check_values_size(101).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Limit, "{error}");
    assert_eq!(
        error.to_string(),
        "bomb.yaml: values limit exceeded: the values are 101 bytes, more than the 100 a render reads"
    );
    let template = Template::compile("x", &jinja(Limits::default())).expect("compiles");
    assert!(
        template
            .check_values_size(Limits::DEFAULT_MAX_VALUE_BYTES + 1)
            .is_err()
    );
}

#[test]
fn arrays_a_render_builds_nest_no_deeper_than_the_limit() {
    let error = limit_error(
        "x: 1\n@for($a = [], $i = 0; $i < 100000; $a = [$a], $i++)\n@endfor\n{{ count($a) }}",
        &blade(Limits::default()),
        "value nesting limit exceeded in a @for header: the value assigned to $a nests arrays more than 128 levels deep",
    );
    assert_eq!(error.span.start_line, 2);
    for (source, says) in [
        (
            "@for($a = 1, $i = 0; $i < 1000; $a = array_fill(0, 1, $a), $i++)@endfor",
            "in array_fill(): the filled value",
        ),
        (
            "@for($a = [1], $i = 0; $i < 1000; $a = array_chunk($a, 1), $i++)@endfor",
            "in array_chunk(): the chunked array",
        ),
        (
            "@for($a = 1, $i = 0; $i < 1000; $a = array_pad([], 1, $a), $i++)@endfor",
            "in array_pad(): the padding value",
        ),
        (
            "@for($a = [], $i = 0; $i < 1000; $a = ['k' => $a, 'n' => $i], $i++)@endfor",
            "the value assigned to $a",
        ),
        (
            "@for($a = [], $i = 0; $i < 1000; $a = $i % 2 ? [$a] : [[$a]], $i++)@endfor",
            "the value assigned to $a",
        ),
        (
            "@for($a = [], $i = 0; $i < 1000; $a ??= 1, $a = [1, 2, [3, $a]], $i++)@endfor",
            "the value assigned to $a",
        ),
        (
            "{{ count(json_decode(str_repeat('[', 200) . str_repeat(']', 200), true)) }}",
            "in json_decode(): the decoded value",
        ),
    ] {
        limit_error(source, &blade(Limits::default()), says);
    }
    // Up to the limit, nesting works.
    assert_eq!(
        render(
            "@for($a = [], $i = 0; $i < 127; $a = [$a], $i++)@endfor{{ count($a, COUNT_RECURSIVE) }} {{ strlen(json_encode($a)) }}",
            &blade(Limits::default())
        )
        .unwrap(),
        "127 256"
    );
    // The limit is the template's.
    let shallow = Limits {
        max_value_depth: 10,
        ..Limits::default()
    };
    render(
        "@for($a = [], $i = 0; $i < 9; $a = [$a], $i++)@endfor",
        &blade(shallow.clone()),
    )
    .unwrap();
    limit_error(
        "@for($a = [], $i = 0; $i < 11; $a = [$a], $i++)@endfor",
        &blade(shallow.clone()),
        "more than 10 levels deep",
    );
    // The runtime's functions refuse what they cannot walk without recursing too deep.
    limit_error(
        "{% set ns = namespace(a=[]) %}{% for i in range(0, 1000) %}{% set ns.a = array_fill(0, 1, ns.a) %}{% endfor %}",
        &jinja(Limits::default()),
        "value nesting limit exceeded in array_fill()",
    );
    limit_error(
        "{% set ns = namespace(a=[]) %}{% for i in range(0, 200) %}{% set ns.a = [ns.a] %}{% endfor %}{{ count(ns.a, 1) }}",
        &jinja(Limits::default()),
        "value nesting limit exceeded in count()",
    );
    limit_error(
        "{% set ns = namespace(a=[]) %}{% for i in range(0, 200) %}{% set ns.a = [ns.a] %}{% endfor %}{{ json_encode(ns.a) }}",
        &jinja(Limits::default()),
        "value nesting limit exceeded in json_encode()",
    );
    limit_error(
        "{% set ns = namespace(a=[]) %}{% for i in range(0, 200) %}{% set ns.a = [ns.a] %}{% endfor %}{{ in_array(ns.a, [ns.a]) }}",
        &jinja(Limits::default()),
        "value nesting limit exceeded in in_array()",
    );
    // A Jinja macro nests its own list literals as deep as its recursion allows; the printers
    // that recurse deepest refuse them.
    let wrap = format!("{}a{}", "[".repeat(20), "]".repeat(20));
    for (print, says) in [("a|pprint", "in pprint"), ("debug(a)", "in debug()")] {
        limit_error(
            &format!(
                "{{% macro f(a, n) %}}{{% if n > 0 %}}{{{{ f({wrap}, n - 1) }}}}{{% else %}}{{{{ {print} }}}}{{% endif %}}{{% endmacro %}}{{{{ f([], 10) }}}}"
            ),
            &jinja(Limits::default()),
            says,
        );
    }
    // Within the limit they print what minijinja prints.
    let plain = minijinja::Environment::new();
    assert_eq!(
        render("{{ [[1, [2]]]|pprint }}", &jinja(Limits::default())).unwrap(),
        plain.render_str("{{ [[1, [2]]]|pprint }}", ()).unwrap()
    );
}

/// Ordinary templates never notice the budgets: what these build and walk is far below them.
#[test]
fn ordinary_templates_render_as_before() {
    let source = "@foreach(range(1, 200) as $i)\n- {{ str_pad((string) $i, 5, '0', STR_PAD_LEFT) }} {{ md5('x' . $i) }} {{ in_array($i, range(1, 50)) ? 'low' : 'high' }} {{ implode(',', array_slice(explode(' ', 'a b c d e'), 1, 2)) }}\n@endforeach\n";
    let out = render(source, &blade(Limits::default())).unwrap();
    assert_eq!(out.lines().count(), 200);
    // php -r 'echo md5("x1");'
    assert!(
        out.starts_with("- 00001 6dbf9ac2da09ee1d3debf5a51873ec6d low b,c\n"),
        "{out}"
    );
    assert!(out.ends_with(" high b,c\n"), "{out}");
    let with_less = Limits {
        fuel: Some(60_000),
        max_memory_bytes: 1 << 20,
        ..Limits::default()
    };
    assert_eq!(render(source, &blade(with_less)).unwrap(), out);
}
