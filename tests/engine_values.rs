//! Host values read by `engine::values::from_json` behave as minijinja's own reading of the same
//! JSON: same text, same kind, equal, same keys in the same order, same lookups; and templates
//! render the same from either.

use minijinja::Value;
use portclaims::engine::values::from_json;
use portclaims::engine::{Options, Template};
use proptest::prelude::*;

fn json_strategy() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        (-1e6f64..1e6).prop_map(serde_json::Value::from),
        "[a-z0-9 \"'<>&]{0,6}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 64, 20, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            // Up to 24 keys: objects small enough to scan and large enough to index both occur.
            prop::collection::vec(("[a-c0-9]{1,2}", inner), 0..24)
                .prop_map(|entries| { serde_json::Value::Object(entries.into_iter().collect()) }),
        ]
    })
}

fn keys(value: &Value) -> Vec<String> {
    value
        .try_iter()
        .map(|keys| keys.map(|k| k.to_string()).collect())
        .unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn reads_as_minijinja_reads(json in json_strategy()) {
        let text = json.to_string();
        let ours = from_json(&text).expect("valid JSON");
        let theirs: Value = serde_json::from_str(&text).expect("valid JSON");
        prop_assert_eq!(ours.to_string(), theirs.to_string());
        prop_assert_eq!(ours.kind(), theirs.kind());
        prop_assert_eq!(&ours, &theirs);
        prop_assert_eq!(keys(&ours), keys(&theirs));
        for key in keys(&theirs) {
            prop_assert_eq!(
                ours.get_attr(&key).expect("lookup"),
                theirs.get_attr(&key).expect("lookup")
            );
        }
    }

    #[test]
    fn templates_render_the_same_from_either(json in json_strategy()) {
        let text = serde_json::json!({ "data": json }).to_string();
        let template = Template::compile(
            "@foreach($data as $k => $v){{ $k }}={{ json_encode($v) }};@endforeach {{ count($data) }} {{ json_encode($data) }}",
            &Options::default(),
        )
        .expect("compiles");
        let ours = template.render(&from_json(&text).expect("valid JSON"));
        let theirs = template.render(&serde_json::from_str::<Value>(&text).expect("valid JSON"));
        prop_assert_eq!(ours.map_err(|e| e.to_string()), theirs.map_err(|e| e.to_string()));
    }
}
