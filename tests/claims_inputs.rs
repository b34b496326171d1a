//! Whatever a host passes in, the core answers with a value or a one-line error, never a panic:
//! in WebAssembly a panic would take down the module for every later call.

use minijinja::Value;
use portclaims::claims::{Groups, Ledger, parse_claims, rng};
use proptest::prelude::*;
use serde_json::json;

/// JSON trees shaped like the inputs, with the field names and edge values that matter.
fn tree() -> impl Strategy<Value = serde_json::Value> {
    let key = prop::sample::select(vec![
        "group",
        "claim",
        "preferred_port",
        "random",
        "ranges",
        "exclude",
        "protocol",
        "scope",
        "port",
        "reservations",
        "tcp",
        "udp",
        "http",
        "custom",
        "x",
    ]);
    let leaf = prop_oneof![
        Just(json!(null)),
        any::<bool>().prop_map(|b| json!(b)),
        prop::sample::select(vec![
            0i64,
            1,
            80,
            443,
            8080,
            49152,
            65535,
            65536,
            -1,
            i64::MAX,
            i64::MIN
        ])
        .prop_map(|n| json!(n)),
        prop::sample::select(vec![0.5f64, 8080.0, -0.0, 1e300, 65535.0000001])
            .prop_map(|n| json!(n)),
        prop::sample::select(vec![
            "",
            "tcp",
            "udp",
            "http",
            "custom",
            "TCP",
            "sctp",
            "web",
            "1-2",
            "65535-1",
            "0-5",
            "80",
            "8080 ",
            "1-65535",
            "a-b",
            "-",
            "1--2",
            "99999999999999999999",
            "\n",
        ])
        .prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6).prop_map(|pairs| {
                serde_json::Value::Object(
                    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
                )
            }),
        ]
    })
}

fn one_line(e: &portclaims::claims::ClaimsError) -> bool {
    let text = e.to_string();
    !text.is_empty() && !text.contains('\n')
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn any_input_gives_a_value_or_a_one_line_error(claims in tree(), groups in tree(), reservations in tree(), seed in any::<u64>()) {
        let claims_value: Value = serde_json::from_value(claims).unwrap();
        let groups_value: Value = serde_json::from_value(groups).unwrap();
        let reservations_value: Value = serde_json::from_value(reservations).unwrap();
        let parsed = parse_claims(&claims_value);
        if let Err(e) = &parsed { prop_assert!(one_line(e), "{e}"); }
        let g = match Groups::from_value(&groups_value) {
            Ok(g) => g,
            Err(e) => { prop_assert!(one_line(&e), "{e}"); Groups::default() }
        };
        let ledger = match Ledger::from_value(&reservations_value, &g) {
            Ok(l) => l,
            Err(e) => { prop_assert!(one_line(&e), "{e}"); Ledger::new(vec![], &g).unwrap() }
        };
        if let Ok(claims) = parsed {
            match ledger.decide("default", &claims, &mut rng(Some(seed)).unwrap()) {
                Ok(d) => {
                    let mut l = ledger.clone();
                    l.apply(&d.change).unwrap();
                }
                Err(e) => prop_assert!(one_line(&e), "{e}"),
            }
        }
    }
}

#[test]
fn every_claims_field_error_names_its_field() {
    // One malformed field at a time, from a valid claim.
    let valid = json!({ "group": "tcp", "claim": "web", "preferred_port": 8080, "random": false });
    for (field, bad) in [
        ("group", json!("")),
        ("group", json!(["tcp"])),
        ("claim", json!(3)),
        ("preferred_port", json!("http")),
        ("preferred_port", json!(-80)),
        ("preferred_port", json!({})),
        ("random", json!("true")),
        ("random", json!(0)),
    ] {
        let mut item = valid.clone();
        item[field] = bad.clone();
        let v: Value = serde_json::from_value(json!([valid.clone(), item])).unwrap();
        let e = parse_claims(&v).unwrap_err();
        assert_eq!(
            e.field.as_deref(),
            Some(format!("[1].{field}").as_str()),
            "{e}"
        );
        assert!(
            e.to_string()
                .starts_with(&format!("ports.json: [1].{field}: ")),
            "{e}"
        );
    }
}
