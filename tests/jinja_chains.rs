//! A Jinja template's flat chains (`~`, `and`, `+`, `not`, `elif`) are refused with a located
//! limit error before minijinja, whose compiler recurses once per link, sees them.

use portclaims::engine::{Dialect, ErrorKind, Options, Template};

fn jinja() -> Options {
    Options {
        name: "chain.yaml".into(),
        dialect: Dialect::Jinja,
        ..Options::default()
    }
}

fn refused(source: &str, says: &str, line: usize, column: usize) {
    let error = Template::compile(source, &jinja()).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Limit, "{}", error.message);
    assert!(error.message.contains(says), "{}", error.message);
    assert_eq!(error.name, "chain.yaml");
    assert_eq!(
        (error.span.start_line, error.span.start_column),
        (line, column)
    );
}

#[test]
fn long_flat_chains_are_a_limit_error() {
    let chain = |op: &str, n: usize| format!("a: 1\nb: {{{{ {} }}}}\n", vec!["\"a\""; n].join(op));
    // The operator past the limit, on line 2: `b: {{ "a"` then ` ~ "a"` per operator.
    let past = 9 + 1000 * 6 + 2;
    refused(&chain(" ~ ", 30_000), "more than 1000 operators", 2, past);
    refused(&chain(" + ", 50_000), "more than 1000 operators", 2, past);
    refused(
        &chain(" and ", 50_000),
        "more than 1000 operators",
        2,
        9 + 1000 * 8 + 2,
    );
    let nots = format!("{{{{ {}true }}}}", "not ".repeat(100_000));
    refused(&nots, "more than 1000 operators", 1, 4 + 1000 * 4);
    let elifs = format!(
        "{{% if false %}}\n{}{{% endif %}}",
        "{% elif false %}x\n".repeat(5_000)
    );
    refused(&elifs, "more than 500 elifs", 502, 1);
}

#[test]
fn chains_within_the_limits_render() {
    let values = minijinja::Value::from_pairs(Vec::<(&str, i64)>::new());
    let chain = format!("{{{{ {} }}}}", vec!["\"a\""; 1_000].join(" ~ "));
    let output = Template::compile(&chain, &jinja())
        .unwrap()
        .render(&values)
        .unwrap();
    assert_eq!(output, "a".repeat(1_000));
    let elifs = format!(
        "{{% if false %}}{}{{% elif true %}}y{{% endif %}}",
        "{% elif false %}x".repeat(499)
    );
    let output = Template::compile(&elifs, &jinja())
        .unwrap()
        .render(&values)
        .unwrap();
    assert_eq!(output, "y");
}
