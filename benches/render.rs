//! `cargo bench --bench render`: the native core against plain minijinja rendering the same
//! translated template with the same runtime, and the cost of translating a 1,000-line template.
//! Ratios are what matter on a noisy machine: both sides run interleaved in one process.

use std::hint::black_box;
use std::time::{Duration, Instant};

use minijinja::{Environment, Value};
use portclaims::engine::{Options, Template};

const SERVICE: &str = "apiVersion: v1
kind: Service
metadata:
  name: {{ $data['name'] }}
  namespace: {{ $namespace }}
spec:
  ports:
@foreach($data['ports'] as $p)
  - name: {{ $p['name'] }}
    port: {{ $p['port'] }}
    targetPort: {{ $p['target'] }}
@endforeach
";

fn values(i: usize) -> Value {
    Value::from(minijinja::value::Serde(&serde_json::json!({
        "namespace": format!("ns-{i}"),
        "data": {
            "name": format!("app-{i}"),
            "ports": [
                { "name": "http", "port": 50000 + i % 100, "target": 80 },
                { "name": "https", "port": 51000 + i % 100, "target": 443 },
                { "name": "metrics", "port": 52000 + i % 100, "target": 9090 },
            ],
        },
        "portClaims": { "web": 50123 },
    })))
}

/// Best time per call over a few rounds of about `budget` each.
fn measure(mut f: impl FnMut(usize), budget: Duration) -> Duration {
    let mut calls = 1usize;
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(20) {
        for i in 0..calls {
            f(i);
        }
        calls *= 2;
    }
    let per_round = calls.max(1) * (budget.as_millis() as usize) / 20 / 5;
    (0..5)
        .map(|_| {
            let start = Instant::now();
            for i in 0..per_round.max(1) {
                f(i);
            }
            start.elapsed() / per_round.max(1) as u32
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let budget = Duration::from_millis(400);
    let pool: Vec<Value> = (0..256).map(values).collect();

    let ours = Template::compile(SERVICE, &Options::default()).expect("the service compiles");
    let mut plain = Environment::new();
    portclaims::php::register(&mut plain);
    plain.set_formatter(portclaims::php::formatter(true));
    plain.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
    plain
        .add_template_owned("service", ours.translated().to_string())
        .expect("the translation is valid minijinja");
    let plain = plain.get_template("service").expect("just added");
    assert_eq!(
        ours.render(&pool[0]).expect("renders"),
        plain
            .render(minijinja::context! { _v => &pool[0] })
            .expect("renders"),
        "both sides render the same text"
    );

    let portclaims = measure(|i| drop(black_box(ours.render(&pool[i & 255]))), budget);
    let minijinja = measure(
        |i| {
            drop(black_box(
                plain.render(minijinja::context! { _v => &pool[i & 255] }),
            ))
        },
        budget,
    );
    println!("render, Service with 3 ports in a loop:");
    println!("  portclaims {portclaims:>10.2?}   plain minijinja {minijinja:>10.2?}");
    println!(
        "  portclaims / minijinja = {:.3} (goal: within 10%, i.e. at most 1.10)",
        portclaims.as_secs_f64() / minijinja.as_secs_f64()
    );

    let thousand_lines: String =
        SERVICE
            .lines()
            .cycle()
            .take(996)
            .fold(String::new(), |mut s, l| {
                s.push_str(l);
                s.push('\n');
                s
            });
    let translate = measure(
        |_| {
            let settings = portclaims::blade::Settings {
                smart_whitespace: false,
                max_nesting: 256,
                functions: portclaims::php::FUNCTIONS,
                constants: portclaims::php::CONSTANTS,
            };
            drop(black_box(portclaims::blade::translate(
                &thousand_lines,
                settings,
            )))
        },
        budget,
    );
    println!("translate a 996-line Blade template: {translate:.2?} (goal: under 1 ms)");
}
