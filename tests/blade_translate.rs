//! The translated minijinja source: its shape, its line alignment and translation errors.

use portclaims::blade::{FailureKind, Settings, translate};

fn settings() -> Settings<'static> {
    Settings {
        smart_whitespace: false,
        max_nesting: 64,
        functions: &["strtoupper", "count"],
        constants: &[("STR_PAD_LEFT", "0")],
    }
}

fn tr(src: &str) -> String {
    translate(src, settings())
        .map(|t| t.source)
        .unwrap_or_else(|f| panic!("{src}: {f:?}"))
}

#[test]
fn echo_and_raw_echo() {
    assert_eq!(tr("{{ $a }}"), "{{ _var(_v[\"a\"], \"a\") }}");
    assert_eq!(
        tr("{!! $a['k'] !!}"),
        "{{ _raw(_get(_var(_v[\"a\"], \"a\"), \"k\")) }}"
    );
}

#[test]
fn operators_use_runtime_helpers() {
    assert_eq!(tr("{{ 1 + 2 * 3 }}"), "{{ _add(1, _mul(2, 3)) }}");
    assert_eq!(
        tr("{{ 'a' . 1 . 'b' }}"),
        "{{ (\"a\" ~ _concat(1, \"\") ~ \"b\") }}"
    );
    assert_eq!(
        tr("{{ !$a && $b }}"),
        "{{ ((not _truthy(_var(_v[\"a\"], \"a\"))) and _truthy(_var(_v[\"b\"], \"b\"))) }}"
    );
    assert_eq!(
        tr("{{ $a['x'] ?? 1 }}"),
        "{{ (_lget(_v[\"a\"], \"x\")|_skeep or 1)|_kept }}"
    );
    assert_eq!(
        tr("{{ $a ?: -1 ?: 2 }}"),
        "{{ ((_var(_v[\"a\"], \"a\")|_tkeep or -1)|_kept|_tkeep or 2)|_kept }}"
    );
    assert_eq!(
        tr("{{ 1 == 2 ? 'y' : 'n' }}"),
        "{{ (\"y\" if _eq(1, 2) else \"n\") }}"
    );
}

#[test]
fn functions_pass_through_by_lowercase_name() {
    assert_eq!(tr("{{ STRTOUPPER('a') }}"), "{{ strtoupper(\"a\") }}");
    let f = translate("{{ nope() }}", settings()).unwrap_err();
    assert_eq!(f.kind, FailureKind::Sandbox);
    assert_eq!(f.message, "Call to undefined function nope()");
}

#[test]
fn directive_newlines_move_into_comments() {
    assert_eq!(
        tr("@if($a)\nx\n@endif\n"),
        "{% if _truthy(_var(_v[\"a\"], \"a\")) %}{#\n#}x\n{% endif %}{#\n#}"
    );
}

#[test]
fn template_delimiters_in_text_survive() {
    let out = tr("a {% b %} {# c #} {{-- d --}} @{{ e }}");
    assert!(!out.contains("{%  b"), "{out}");
    assert_eq!(out.matches("{% ").count(), 0, "{out}");
}

#[test]
fn foreach_binds_locals_and_loop_alias() {
    let out = tr("@foreach($xs as $k => $v){{ $loop->index }}{{ $v }}@endforeach{{ $v }}");
    assert_eq!(
        out,
        concat!(
            "{% set _g = _namespace(l_k=_v[\"k\"], l_v=_v[\"v\"], ) %}{% for l_k, l_v in _pairs(_var(_v[\"xs\"], \"xs\")) %}",
            "{% set _loop1 = loop %}{% set _g.l_k = l_k %}{% set _g.l_v = l_v %}",
            "{{ _loop1.index0 }}{{ l_v }}{% endfor %}{{ _var(_g.l_v, \"v\") }}"
        )
    );
}

#[test]
fn lines_stay_aligned() {
    let src = "a\n@if(\n$x\n)\n{{ $y\n }}\n{{-- \n --}}\n@endif\n@switch($z)\n\n@case(1)\n@break\n@endswitch\nend\n";
    let out = tr(src);
    assert_eq!(
        out.matches('\n').count(),
        src.matches('\n').count(),
        "{out}"
    );
}

#[test]
fn segments_map_back_to_the_source() {
    let t = translate("ab {{ $x['k'] }}", settings()).unwrap();
    let at = t.source.find("_get").unwrap();
    let seg = t.segments.iter().rev().find(|s| s.out <= at).unwrap();
    assert_eq!(seg.src, (6, 13));
}

#[test]
fn syntax_errors_point_at_the_problem() {
    let f = translate("x\n@foreach($a)\n@endforeach", settings()).unwrap_err();
    assert_eq!((f.kind, f.start), (FailureKind::Syntax, 2));
    let f = translate("{{ $a + }}", settings()).unwrap_err();
    assert_eq!(f.kind, FailureKind::Syntax);
    let f = translate("@endif", settings()).unwrap_err();
    assert_eq!(f.message, "syntax error, unexpected @endif");
    let f = translate("{{ 1 ? 2 : 3 ? 4 : 5 }}", settings()).unwrap_err();
    assert!(f.message.starts_with("Unparenthesized"), "{}", f.message);
}

#[test]
fn runtime_constants_are_substituted() {
    assert_eq!(
        tr("{{ STR_PAD_LEFT }}{{ JSON_PRETTY_PRINT }}"),
        "{{ 0 }}{{ 128 }}"
    );
    assert_eq!(
        tr("{{ NOPE }}"),
        "{{ _fail(\"Undefined constant \\\"NOPE\\\"\") }}"
    );
}

#[test]
fn claims_are_read_only_where_port_claims_is_the_template_variable() {
    // A loop that assigns `$portClaims` changes it from its start on, and, through the loops
    // around it, from theirs.
    let src = "{{ $portClaims['a'] }}\n\
               @foreach($xs as $x){{ $portClaims['b'] }}\n\
               @foreach($ys as $portClaims)@endforeach\n\
               @endforeach\n\
               {{ $portClaims['c'] }}";
    let t = translate(src, settings()).unwrap_or_else(|f| panic!("{f:?}"));
    let names: Vec<&str> = t.claims.iter().map(|(n, ..)| n.as_str()).collect();
    assert_eq!(names, ["a"]);
}

#[test]
fn for_headers_assign_php_variables() {
    // The initialiser reads the template variable before the header assigns it.
    let out = tr("@for($i = $i + 1; $i < 3; $i++){{ $i }}@endfor{{ $i }}");
    assert!(
        out.starts_with("{% set _g = _namespace(l_i=_v[\"i\"], ) %}"),
        "{out}"
    );
    assert!(
        out.contains("{% set _g.l_i = _add(_var(_g.l_i, \"i\"), 1) %}"),
        "{out}"
    );
    // Assigning `$loop` is refused rather than shadowing Blade's loop object.
    let err = translate("@for($loop = 0; $loop < 2; $loop++)@endfor", settings())
        .err()
        .map(|f| f.message);
    assert!(err.is_some_and(|m| m.contains("not supported")));
}
