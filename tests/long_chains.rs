//! Long flat shapes: thousands of interpolations in one string, of `@elseif`s, `@case`s, loops,
//! list items or arguments. Nothing in them is nested, so each renders, on a stack as small as
//! WebAssembly's, or ends in a limit error that names its line and column; none overflows the
//! stack. And `?:`/`??` read their left operand once, so that chains of them compile in time
//! linear in their length.

use portclaims::engine::{Error, ErrorKind, Limits, Options, Template};

/// The stack the core runs on in WebAssembly (1 MiB), where a render that recursed once per item
/// of a long flat shape overflowed it; four times that for the larger frames of a debug build.
const STACK: usize = if cfg!(debug_assertions) {
    4 << 20
} else {
    1 << 20
};

fn values() -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(serde_json::json!({
        "namespace": "ns",
        "data": {"app": "shop", "zero": "0", "none": null, "list": [1, 2, 3]},
    })))
}

fn options() -> Options {
    Options {
        name: "long.yaml".into(),
        limits: Limits {
            fuel: Some(50_000_000),
            ..Limits::default()
        },
        ..Options::default()
    }
}

/// Compiles and renders `source` on a thread with WebAssembly's stack.
fn render(source: String) -> Result<String, Error> {
    render_with(source, options())
}

fn render_with(source: String, options: Options) -> Result<String, Error> {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || Template::compile(&source, &options)?.render(&values()))
        .unwrap()
        .join()
        .unwrap()
}

/// The translation of `source` (compiled on WebAssembly's stack too).
fn translated(source: String) -> String {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            Template::compile(&source, &options())
                .unwrap()
                .translated()
                .to_string()
        })
        .unwrap()
        .join()
        .unwrap()
}

/// `assert_eq!` without printing thousands of lines.
fn same(actual: String, expected: String) {
    if actual != expected {
        let at = actual
            .bytes()
            .zip(expected.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(actual.len().min(expected.len()));
        panic!(
            "{} bytes instead of {}, differing from byte {at}: {:?}",
            actual.len(),
            expected.len(),
            actual.get(at..(at + 80).min(actual.len())).unwrap_or("")
        );
    }
}

fn limit(source: String, line: usize, column: usize) -> Error {
    let error = render(source).expect_err("a limit error");
    assert_eq!(error.kind, ErrorKind::Limit, "{error}");
    assert_eq!(
        (error.span.start_line, error.span.start_column),
        (line, column),
        "{error}"
    );
    error
}

#[test]
fn a_string_with_many_interpolations_renders() {
    for n in [7_000, 40_000] {
        let source = format!("{{{{ \"{}\" }}}}", "x$namespace ".repeat(n));
        same(render(source).unwrap(), "xns ".repeat(n));
        let source = format!("{{!! \"{}\" !!}}", "{$data['app']}-".repeat(n));
        same(render(source).unwrap(), "shop-".repeat(n));
        let source = format!("{{{{ \"{}\" }}}}", "$data[app]".repeat(n));
        same(render(source).unwrap(), "shop".repeat(n));
    }
    // An error in one part still names that part.
    let source = format!("{{{{ \"{}$nope\" }}}}", "$namespace".repeat(5_000));
    let error = render(source).unwrap_err();
    assert_eq!(error.message, "Undefined variable $nope", "{error}");
    assert_eq!(
        (error.span.start_line, error.span.start_column),
        (1, 5 + 10 * 5_000)
    );
}

#[test]
fn a_long_chain_of_concatenations_renders() {
    // A chain of `.` nests nothing: it is not held to the nesting limit (Blade renders any).
    for n in [65, 200, 20_000] {
        let source = format!("{{{{ {} }}}}", vec!["'a'"; n].join(" . "));
        same(render(source).unwrap(), "a".repeat(n));
        let source = format!("{{{{ {} }}}}", vec!["$namespace . '-'"; n].join(" . "));
        same(render(source).unwrap(), "ns-".repeat(n));
    }
    // With operators that bind tighter, and as a computed key.
    let source = format!("{{{{ {} }}}}", vec!["1 + 1"; 500].join(" . "));
    same(render(source).unwrap(), "2".repeat(500));
    let source = format!("{{{{ $data['a' . {}'pp'] }}}}", "'' . ".repeat(300));
    same(render(source).unwrap(), "shop".to_string());
    // An error in one operand still names that operand.
    let source = format!("{{{{ {}$nope }}}}", "$namespace . ".repeat(1_000));
    let error = render(source).unwrap_err();
    assert_eq!(error.message, "Undefined variable $nope", "{error}");
    assert_eq!(
        (error.span.start_line, error.span.start_column),
        (1, 4 + 13 * 1_000)
    );
}

#[test]
fn a_long_elseif_chain_renders() {
    for n in [5_000, 20_000] {
        // The true branch last, then in the middle with an `@elseif` after it that would fail if
        // it were tested, then none and the `@else`.
        let source = format!(
            "@if(false)\n{}@elseif(true) yes\n@endif",
            "@elseif(false) x\n".repeat(n)
        );
        assert_eq!(render(source).unwrap(), "yes\n");
        let source = format!(
            "@if(false)\n{}@elseif($namespace == 'ns') middle\n@elseif($nope) x\n{}@endif",
            "@elseif(false) x\n".repeat(n / 2),
            "@elseif(false) x\n".repeat(n / 2)
        );
        assert_eq!(render(source).unwrap(), "middle\n");
        let source = format!(
            "@if(false)\n{}@else\nnone\n@endif",
            "@elseif(false) x\n".repeat(n)
        );
        assert_eq!(render(source).unwrap(), "none\n");
    }
}

#[test]
fn every_branch_of_a_long_chain_is_taken_when_its_condition_holds() {
    // In a loop, so that each iteration takes another branch of the same chain (and a branch
    // taken in one iteration leaves nothing behind for the next).
    let n = 100;
    let mut source =
        String::from("@foreach([0, 7, 8, 9, 17, 50, 99, 100, 3] as $i)\n@if($i == 0)\nb0\n");
    for k in 1..n {
        source.push_str(&format!("@elseif($i == {k})\nb{k}\n"));
    }
    source.push_str("@else\nnone\n@endif\n@endforeach\n");
    assert_eq!(
        render(source).unwrap(),
        "b0\nb7\nb8\nb9\nb17\nb50\nb99\nnone\nb3\n"
    );
    // A branch that leaves its loop leaves nothing behind for the chain's next run either.
    let mut source =
        String::from("@foreach([1, 2] as $o)\n@foreach([50, 3] as $i)\n@if($i == 0)\nb0\n");
    for k in 1..n {
        source.push_str(&format!("@elseif($i == {k})\nb{k}\n@break\n"));
    }
    source.push_str("@endif\n@endforeach\n@endforeach\n");
    assert_eq!(render(source).unwrap(), "b50\nb50\n");
    // `@unless` and `@isset` open chains too.
    let source = format!(
        "@unless(true)\n{}@elseif(1)\nyes\n@endunless",
        "@elseif(0)\n".repeat(50)
    );
    assert_eq!(render(source).unwrap(), "yes\n");
    let source = format!(
        "@isset($nope)\n{}@elseif(1)\nyes\n@endisset",
        "@elseif(0)\n".repeat(50)
    );
    assert_eq!(render(source).unwrap(), "yes\n");
}

#[test]
fn long_chains_nested_as_deep_as_the_limit_render() {
    // 64 `@if`s inside one another, each with a long chain whose last branch holds the next.
    let depth = 64;
    let mut source = String::new();
    for _ in 0..depth {
        source.push_str("@if(false)\n");
        source.push_str(&"@elseif(false)\n".repeat(300));
        source.push_str("@elseif(true)\n");
    }
    source.push_str("deep\n");
    source.push_str(&"@endif\n".repeat(depth));
    assert_eq!(render(source).unwrap(), "deep\n");
    // A cut chain nests no deeper in minijinja than an uncut one: 100 of them inside one another
    // render under the highest nesting limit.
    let depth = 100;
    let mut source = String::new();
    for _ in 0..depth {
        source.push_str("@if(false)\n");
        source.push_str(&"@elseif(false)\n".repeat(20));
        source.push_str("@elseif(true)\n");
    }
    source.push_str("deep\n");
    source.push_str(&"@endif\n".repeat(depth));
    let mut options = options();
    options.limits.max_nesting = 128;
    assert_eq!(render_with(source, options).unwrap(), "deep\n");
}

#[test]
fn other_long_flat_shapes_render() {
    let n = 5_000;
    // @switch with thousands of @case.
    let mut source = String::from("@switch($namespace)\n");
    for k in 0..n {
        source.push_str(&format!("@case('c{k}')\nc{k}\n@break\n"));
    }
    source.push_str("@case('ns')\nfound\n@break\n@default\nnone\n@endswitch\n");
    assert_eq!(render(source).unwrap(), "found\n");
    // Thousands of loops, @isset, @unless one after the other.
    let source = "@foreach([1] as $x){{ $x }}@endforeach\n".repeat(n);
    same(render(source).unwrap(), "1".repeat(n));
    let source = "@isset($data)i @endisset\n".repeat(n);
    same(render(source).unwrap(), "i ".repeat(n));
    let source = "@unless(false)u @endunless\n".repeat(n);
    same(render(source).unwrap(), "u ".repeat(n));
    // isset() of thousands of variables, as a directive and in an expression.
    let vars = vec!["$data"; 20_000].join(", ");
    let source = format!("@isset({vars}, $data['app'])\nall\n@endisset");
    assert_eq!(render(source).unwrap(), "all\n");
    let source = format!("@isset({vars}, $nope)\nall\n@else\nnot all\n@endisset");
    assert_eq!(render(source).unwrap(), "not all\n");
    let source = format!("{{!! json_encode([isset({vars}), isset({vars}, $nope)]) !!}}");
    assert_eq!(render(source).unwrap(), "[true,false]");
    // A list of 100,000 items, a call with 100,000 arguments.
    let items: Vec<String> = (1..=100_000).map(|i| i.to_string()).collect();
    let source = format!("{{{{ count([{}]) }}}}", items.join(", "));
    assert_eq!(render(source).unwrap(), "100000");
    let source = format!("{{{{ max({}) }}}}", items[..2000].join(","));
    assert_eq!(render(source).unwrap(), "2000");
    let source = format!("{{{{ count(['k' => 1, {}]) }}}}", items.join(", "));
    assert_eq!(render(source).unwrap(), "100001");
}

#[test]
fn long_nested_shapes_are_limit_errors_at_their_place() {
    let n = 10_000;
    // `??` is right-associative: each one nests the rest.
    let source = format!("a\n  {{{{ {}1 }}}}", "$data['none'] ?? ".repeat(n));
    let error = limit(source, 2, 6 + 17 * 63 + 6);
    assert!(error.message.contains("nesting"), "{error}");
    limit(
        format!("{{{{ count({}{}) }}}}", "[".repeat(n), "]".repeat(n)),
        1,
        10 + 63,
    );
    limit(
        format!("{{{{ {}1{} }}}}", "(".repeat(n), ")".repeat(n)),
        1,
        4 + 64,
    );
    limit(format!("{{{{ {} }}}}", vec!["true"; n].join(" && ")), 1, 4);
    limit(format!("{{{{ {} }}}}", vec!["1"; n].join(" + ")), 1, 4);
    // Parentheses nest a chain of `.` in another.
    limit(
        format!("{{{{ {}'a'{} }}}}", "(".repeat(n), " . 'b')".repeat(n)),
        1,
        4 + 64,
    );
    limit(format!("{{{{ {}1 }}}}", "-".repeat(n)), 1, 4 + 128);
    limit(
        format!("{}x{}", "@if(true)".repeat(n), "@endif".repeat(n)),
        1,
        577,
    );
    // A call passes at most 2,000 arguments (minijinja's bound): the first one past is the error.
    let items: Vec<String> = (1..=100_000).map(|i| i.to_string()).collect();
    let error = limit(format!("{{{{ max({}) }}}}", items.join(",")), 1, 8 + 8_893);
    assert_eq!(error.message, "a call takes at most 2000 arguments");
}

#[test]
fn chains_of_short_ternaries_and_coalescing_compile_linearly() {
    // As long as the nesting limit lets them be (each `?:` or `(… ?? …)` nests the one before).
    let n = 60;
    let cases = [
        (
            format!("{{{{ {}1 }}}}", "$data['app'] ?: ".repeat(n)),
            "shop",
        ),
        (format!("{{{{ {}1 }}}}", "$data['zero'] ?: ".repeat(n)), "1"),
        (
            format!(
                "{{{{ {}$data['none']{} }}}}",
                "(".repeat(n),
                " ?? 'd')".repeat(n)
            ),
            "d",
        ),
        (
            format!(
                "{{{{ {}$data['zero']{} }}}}",
                "(".repeat(n),
                " ?? 'd')".repeat(n)
            ),
            "0",
        ),
        (
            format!(
                "{{{{ {}$data{}['app'] }}}}",
                "(".repeat(30),
                "['app'] ?? $data)".repeat(30)
            ),
            "shop",
        ),
        (
            format!(
                "{{{{ {}$data['none']{} }}}}",
                "(".repeat(n),
                " ?: $data['none'] ?? 'e')".repeat(n)
            ),
            "e",
        ),
        (
            format!(
                "{{{{ {}'last'{} }}}}",
                "$data['zero'] ? 1 : (".repeat(30),
                ")".repeat(30)
            ),
            "last",
        ),
    ];
    for (source, expected) in cases {
        let length = translated(source.clone()).len();
        assert!(
            length < 200 * source.len(),
            "{source}: a translation of {length} bytes"
        );
        assert_eq!(render(source).unwrap(), expected);
    }
}

#[test]
fn short_ternaries_and_coalescing_keep_php_semantics() {
    let cases = [
        // `?:` keeps a true left operand, whatever minijinja thinks of it; a false one ("0")
        // gives the right one, which is evaluated only then.
        ("{{ $data['app'] ?: $nope }}", "shop"),
        ("{{ $data['zero'] ?: 'z' }}", "z"),
        ("{{ 0.0 ?: 'f' }}", "f"),
        ("{!! json_encode($data['list'] ?: 1) !!}", "[1,2,3]"),
        ("{!! json_encode([] ?: 'empty') !!}", "\"empty\""),
        // `??` keeps a set left operand however false it is.
        ("{{ $data['zero'] ?? $nope }}", "0"),
        ("{{ json_encode(false ?? 1) }}", "false"),
        ("{{ json_encode(0 ?? 1) }}", "0"),
        ("{{ $data['none'] ?? 'n' }}", "n"),
        ("{{ $nope ?? $data['nope'] ?? 'm' }}", "m"),
        (
            "{{ $data['app']['x'] ?? 'string offset' }}",
            "string offset",
        ),
    ];
    for (source, expected) in cases {
        assert_eq!(render(source.to_string()).unwrap(), expected, "{source}");
    }
    let error = render("{{ $data['zero'] ?: $nope }}".to_string()).unwrap_err();
    assert_eq!(error.message, "Undefined variable $nope");
    assert_eq!((error.span.start_line, error.span.start_column), (1, 21));
}
