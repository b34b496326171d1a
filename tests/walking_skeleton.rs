//! The seed's Basic Usage example, end to end through the Rust API: decide, render, commit.

use minijinja::Value;
use portclaims::claims::{Groups, Ledger, parse_claims};
use portclaims::engine::{Options, Template};
use portclaims::plan::{Request, plan};

const BASIC_USAGE: &str = include_str!("cases/seed-basic/template.yaml");

fn web_claim() -> Value {
    Value::from(minijinja::value::Serde(
        &serde_json::json!([{ "claim": "web", "group": "http" }]),
    ))
}

#[test]
fn basic_usage_renders_with_a_port_from_the_http_group_and_keeps_it() {
    let template = Template::compile(BASIC_USAGE, &Options::default()).expect("compiles");
    let claims = parse_claims(&web_claim()).expect("claims parse");
    let groups = Groups::default();
    let values = Value::from(minijinja::value::Serde(&serde_json::json!({})));
    let mut ledger = Ledger::new(Vec::new(), &groups).expect("empty ledger");
    let request = Request {
        template: &template,
        claims: &claims,
        values: &values,
        scope: "default",
        seed: None,
    };

    let first = plan(&ledger, &request).expect("renders");
    let port = first.decision.ports[0].1;
    assert!((80..=443).contains(&port), "port {port} is in 80-443");
    assert!(first.output.contains(&format!("\n    port: {port}\n")));
    assert_eq!(first.decision.change.put.len(), 1);

    ledger.apply(&first.decision.change).expect("applies");
    let second = plan(&ledger, &request).expect("renders again");
    assert_eq!(second.decision.ports, first.decision.ports);
    assert!(second.decision.change.put.is_empty() && second.decision.change.delete.is_empty());
    assert_eq!(second.output, first.output);
}

#[test]
fn a_failing_template_yields_an_error_and_no_change_to_commit() {
    let template =
        Template::compile("{{ $data['missing'] }}", &Options::default()).expect("compiles");
    let claims = parse_claims(&web_claim()).expect("claims parse");
    let groups = Groups::default();
    let values = Value::from(minijinja::value::Serde(&serde_json::json!({ "data": {} })));
    let ledger = Ledger::new(Vec::new(), &groups).expect("empty ledger");
    let request = Request {
        template: &template,
        claims: &claims,
        values: &values,
        scope: "default",
        seed: Some(1),
    };
    let error = plan(&ledger, &request).expect_err("the key is missing");
    assert!(error.to_string().contains("missing"), "{error}");
}
