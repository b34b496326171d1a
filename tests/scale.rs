//! Inputs whose size is within the limits must cost time in proportion to their size: each test
//! here uses a size that took minutes (or never ended) when a step was quadratic, and finishes
//! at once when it is linear.

use portclaims::kublade::json::variables;

/// A values document whose `data` has many keys: merging it over the variables Kublade computes
/// looked each key up among those already merged.
#[test]
fn values_with_many_keys_resolve_in_one_pass() {
    let n = 100_000;
    let mut values = String::from(r#"{"data":{"#);
    for i in 0..n {
        if i > 0 {
            values.push(',');
        }
        values.push_str(&format!(r#""k{i}":"v""#));
    }
    values.push_str(r#"},"secret":{"a":{"b":1}}}"#);
    let out = variables(None, &values, "ns", true);
    let parsed: serde_json::Value = serde_json::from_str(&out).unwrap();
    let data = parsed["variables"]["data"].as_object().unwrap();
    assert_eq!(data.len(), n);
    assert_eq!(data["k0"], "v");
    assert_eq!(data[&format!("k{}", n - 1)], "v");
    assert_eq!(parsed["variables"]["secret"]["a"]["b"], 1);
}
