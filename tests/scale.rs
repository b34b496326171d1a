//! Inputs whose size is within the limits must cost time in proportion to their size: each test
//! here uses a size that took minutes (or never ended) when a step was quadratic, and finishes
//! at once when it is linear. The bound each test runs under is many times what the linear step
//! takes in a debug build, and a fraction of what the quadratic one took.

use std::sync::mpsc;
use std::time::Duration;

use portclaims::kublade::json::variables;

/// `work`'s result, or a failure when it has not finished after `seconds`.
fn within<T: Send + 'static>(seconds: u64, work: impl FnOnce() -> T + Send + 'static) -> T {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || send.send(work()));
    receive
        .recv_timeout(Duration::from_secs(seconds))
        .unwrap_or_else(|_| panic!("still running after {seconds} s: the step is not linear"))
}

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
    let out = within(60, move || variables(None, &values, "ns", true));
    let parsed: serde_json::Value = serde_json::from_str(&out).unwrap();
    let data = parsed["variables"]["data"].as_object().unwrap();
    assert_eq!(data.len(), n);
    assert_eq!(data["k0"], "v");
    assert_eq!(data[&format!("k{}", n - 1)], "v");
    assert_eq!(parsed["variables"]["secret"]["a"]["b"], 1);
}

/// Many distinct `$portClaims[…]` and `$data[…]` reads on one line: each read's span counted the
/// line's characters from its start, and each key was looked up among the keys already read.
#[test]
fn many_distinct_reads_compile_in_one_pass() {
    use portclaims::engine::{Options, Template};
    let n = 85_000;
    let mut source = String::new();
    for i in 0..n {
        source.push_str(&format!(
            "{{{{$portClaims[\"c{i}\"]??$data[\"k{i}\"]??'é'}}}}"
        ));
    }
    let text = source.clone();
    let template = within(90, move || Template::compile(&text, &Options::default())).unwrap();
    let claims = template.claim_references();
    assert_eq!(claims.len(), n);
    let last = &claims[n - 1];
    assert_eq!(last.span.start_line, 1);
    // Columns count characters: each read before the last has one two-byte `é`.
    let before: usize = source[..source.rfind("$portClaims").unwrap()]
        .chars()
        .count();
    assert_eq!(last.span.start_column, before + 1);
    let reads = template.reads().unwrap().to_json();
    assert!(
        reads.contains(&format!(r#""k{}":true"#, n - 1)),
        "{}",
        &reads[..100]
    );
    assert_eq!(reads.matches(":true").count(), 2 * n);
}

/// Values past the values limit are refused before they are parsed, as a render refuses them.
#[test]
fn values_past_the_limit_are_refused_unread() {
    let limit = portclaims::engine::Limits::DEFAULT_MAX_VALUE_BYTES;
    let values = format!(r#"{{"data":{{"a":"{}"}}}}"#, "x".repeat(limit));
    let out = variables(None, &values, "ns", true);
    let parsed: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(parsed["variables"].is_null());
    let message = parsed["problems"][0]["message"].as_str().unwrap();
    assert_eq!(
        message,
        format!(
            "values limit exceeded: the values are {} bytes, more than the {limit} a render reads",
            values.len()
        )
    );
}

/// Putting keys into a hash table (`array_unique`'s set, a PHP array that is no list) costs far
/// more than visiting an element, and the fuel pays for it: the default fuel no longer lets one
/// call hash a million keys.
#[test]
fn hashing_keys_is_paid_for_in_fuel() {
    use portclaims::engine::{ErrorKind, Options, Template};
    let values = minijinja::Value::from_pairs(Vec::<(&str, i64)>::new());
    for (source, function) in [
        (
            "{{ count(array_unique(range(0, 1, 0.000001))) }}",
            "array_unique()",
        ),
        (
            "{{ count(array_flip(range(1000000, 1, -1))) }}",
            "array_flip()",
        ),
    ] {
        let error = Template::compile(source, &Options::default())
            .unwrap()
            .render(&values)
            .unwrap_err();
        assert_eq!(error.kind, ErrorKind::Limit, "{}", error.message);
        assert!(
            error
                .message
                .starts_with(&format!("fuel limit exceeded in {function}")),
            "{}",
            error.message
        );
    }
    // A template's own arrays of keys are far inside it.
    let ordinary = "{{ count(array_unique(array_merge(range(1, 1000), range(1, 1000)))) }} {{ count(array_flip(range(1, 1000))) }}";
    let output = Template::compile(ordinary, &Options::default())
        .unwrap()
        .render(&values)
        .unwrap();
    assert_eq!(output, "1000 1000");
}
