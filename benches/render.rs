//! `cargo bench --bench render`: the native core against plain minijinja rendering the same
//! translated template with the same runtime, and the cost of translating a 1,000-line template.
//! Ratios are what matter on a noisy machine: both sides run interleaved in one process.
//!
//! `cargo bench --bench render -- --profile WHAT N`, WHAT one of `service`, `deployment`,
//! `plain-service`, `plain-deployment`, `fueled-service`, `fueled-deployment`, `npm-service`,
//! `npm-deployment`, `translate`, runs only that work N times, for `valgrind --tool=callgrind`
//! (instruction counts are deterministic where timings are not). The `npm-` cases do the core's
//! part of an npm render: read the JSON text the JS layer sends (only what the template reads)
//! with `from_json`, then render.

use std::hint::black_box;
use std::time::{Duration, Instant};

use std::sync::Arc;

use minijinja::value::Object;
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

/// The 160-line Deployment of `bench/manifests.mjs` (four containers with env, probes, mounts).
const DEPLOYMENT: &str = include_str!("deployment.blade.php");

fn values(i: usize) -> Value {
    Value::from(minijinja::value::Serde(&serde_json::json!({
        "namespace": format!("ns-{i}"),
        "data": {
            "name": format!("app-{i}"),
            "image": format!("nginx:1.{}", i % 30),
            "replicas": i % 5,
            "limited": i % 2 == 0,
            "ports": [
                { "name": "http", "port": 50000 + i % 100, "target": 80 },
                { "name": "https", "port": 51000 + i % 100, "target": 443 },
                { "name": "metrics", "port": 52000 + i % 100, "target": 9090 },
            ],
            "env": (0..12)
                .map(|k| serde_json::json!({ "name": format!("VAR_{k}"), "value": format!("value-{i}-{k}") }))
                .collect::<Vec<_>>(),
            "volumes": [
                { "name": "cache", "path": "/var/cache" },
                { "name": "tmp", "path": "/tmp" },
                { "name": "config", "path": "/etc/app" },
            ],
        },
        "secret": {},
        "limits": { "enabled": "true", "cpu": "500m", "memory": "256Mi" },
        "portClaims": { "web": 50123, "metrics": 61000 },
        "paused": false,
    })))
}

/// The JSON text the npm package sends the core for a render of `values(i)`: what the Service
/// (`deployment` false) or the Deployment reads of them, in the order `JSON.stringify` writes.
fn npm_json(i: usize, deployment: bool) -> String {
    let ports = serde_json::json!([
        { "name": "http", "port": 50000 + i % 100, "target": 80 },
        { "name": "https", "port": 51000 + i % 100, "target": 443 },
        { "name": "metrics", "port": 52000 + i % 100, "target": 9090 },
    ]);
    if !deployment {
        return serde_json::json!({
            "data": { "name": format!("app-{i}"), "ports": ports },
            "namespace": format!("ns-{i}"),
        })
        .to_string();
    }
    serde_json::json!({
        "data": {
            "name": format!("app-{i}"),
            "replicas": i % 5,
            "image": format!("nginx:1.{}", i % 30),
            "env": (0..12)
                .map(|k| serde_json::json!({ "name": format!("VAR_{k}"), "value": format!("value-{i}-{k}") }))
                .collect::<Vec<_>>(),
            "limited": i % 2 == 0,
            "volumes": [
                { "name": "cache", "path": "/var/cache" },
                { "name": "tmp", "path": "/tmp" },
                { "name": "config", "path": "/etc/app" },
            ],
        },
        "namespace": format!("ns-{i}"),
        "portClaims": { "web": 50123, "metrics": 61000 },
        "limits": { "cpu": "500m", "memory": "256Mi" },
    })
    .to_string()
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

/// What a fast translation reads its variables from, as portclaims' own root answers it: `_v`
/// (all of them), and each variable by its name.
#[derive(Debug)]
struct Root(Value);

impl Object for Root {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, name: &str) -> Option<Value> {
        if name == "_v" {
            return Some(self.0.clone());
        }
        self.0.get_attr(name).ok().filter(|v| !v.is_undefined())
    }
}

/// A template compiled by portclaims, and plain minijinja set up with the same runtime on the
/// same translated text (the fast translation, which is what portclaims renders when it
/// succeeds): what portclaims adds on top of minijinja is the difference.
///
/// portclaims renders on a fuel budget (`Limits::fuel`, required), which minijinja charges on
/// every instruction; `fueled` is plain minijinja with that same budget, to tell that cost apart
/// from the engine's own.
struct Pair {
    ours: Template,
    plain: Environment<'static>,
    fueled: Environment<'static>,
}

impl Pair {
    fn new(source: &str) -> Pair {
        let ours = Template::compile(source, &Options::default()).expect("the template compiles");
        let mut plain = Environment::new();
        portclaims::php::register(&mut plain);
        plain.add_function("_namespace", minijinja::functions::namespace);
        plain.set_formatter(portclaims::php::formatter(true));
        plain.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
        plain
            .add_template_owned(
                "t",
                ours.fast_translated()
                    .unwrap_or(ours.translated())
                    .to_string(),
            )
            .expect("the translation is valid minijinja");
        let mut fueled = plain.clone();
        fueled.set_fuel(Options::default().limits.fuel);
        Pair {
            ours,
            plain,
            fueled,
        }
    }

    fn ours(&self, values: &Value) -> String {
        self.ours.render(values).expect("renders")
    }

    fn plain(&self, values: &Value) -> String {
        Self::render_plain(&self.plain, values)
    }

    fn fueled(&self, values: &Value) -> String {
        Self::render_plain(&self.fueled, values)
    }

    fn render_plain(env: &Environment<'static>, values: &Value) -> String {
        let template = env.get_template("t").expect("just added");
        template
            .render(Value::from_object(Root(values.clone())))
            .expect("renders")
    }

    fn compare(&self, name: &str, pool: &[Value], budget: Duration) {
        assert_eq!(
            self.ours(&pool[0]),
            self.plain(&pool[0]),
            "both sides render the same text"
        );
        // Taking turns, round by round: the machine's speed drifts more than the difference.
        let mut best = [Duration::MAX; 3];
        for _ in 0..10 {
            let times = [
                measure(|i| drop(black_box(self.ours(&pool[i & 255]))), budget / 10),
                measure(|i| drop(black_box(self.plain(&pool[i & 255]))), budget / 10),
                measure(
                    |i| drop(black_box(self.fueled(&pool[i & 255]))),
                    budget / 10,
                ),
            ];
            for (b, t) in best.iter_mut().zip(times) {
                *b = (*b).min(t);
            }
        }
        let [portclaims, minijinja, fueled] = best;
        println!("render, {name}:");
        println!(
            "  portclaims {portclaims:>10.2?}   plain minijinja {minijinja:>10.2?}   with the same fuel {fueled:>10.2?}"
        );
        println!(
            "  portclaims / minijinja = {:.3} (goal: within 10%, i.e. at most 1.10); / minijinja with fuel = {:.3}",
            portclaims.as_secs_f64() / minijinja.as_secs_f64(),
            portclaims.as_secs_f64() / fueled.as_secs_f64()
        );
    }
}

/// `--paths`: what the fast translation pays, side by side with the exact one (which `render`
/// falls back to when the fast one fails), and what compiling both costs.
fn paths(pool: &[Value], budget: Duration) {
    let computed = "@foreach($portClaims as $name => $port)\n- {{ $name }}: {{ $portClaims[$name] }} {{ $portClaims[$name . ''] }}\n@endforeach\n";
    for (name, source) in [
        ("Service", SERVICE),
        ("Deployment", DEPLOYMENT),
        ("computed claim keys", computed),
    ] {
        let t = Template::compile(source, &Options::default()).expect("compiles");
        let mut best = [Duration::MAX; 2];
        for _ in 0..10 {
            let times = [
                measure(|i| drop(black_box(t.render(&pool[i & 255]))), budget / 10),
                measure(
                    |i| drop(black_box(t.render_exact(&pool[i & 255]))),
                    budget / 10,
                ),
            ];
            for (b, t) in best.iter_mut().zip(times) {
                *b = (*b).min(t);
            }
        }
        let [fast, exact] = best;
        println!(
            "render {name}: fast translation {fast:.2?}, exact translation {exact:.2?}, exact / fast = {:.2}",
            exact.as_secs_f64() / fast.as_secs_f64()
        );
        let t0 = Instant::now();
        for _ in 0..200 {
            black_box(Template::compile(source, &Options::default()).expect("compiles"));
        }
        println!("  compile (both translations): {:.2?}", t0.elapsed() / 200);
    }
}

/// The service, repeated to 996 lines.
fn thousand_lines() -> String {
    SERVICE
        .lines()
        .cycle()
        .take(996)
        .fold(String::new(), |mut s, l| {
            s.push_str(l);
            s.push('\n');
            s
        })
}

fn translate(source: &str) {
    let settings = portclaims::blade::Settings {
        smart_whitespace: false,
        max_nesting: 256,
        functions: portclaims::php::FUNCTIONS,
        constants: portclaims::php::CONSTANTS,
    };
    drop(black_box(portclaims::blade::translate(source, settings)));
}

/// `--profile WHAT N`: only that work, N times.
fn profile(what: &str, times: usize, pool: &[Value]) {
    let source = match what {
        "service" | "plain-service" | "fueled-service" | "npm-service" => SERVICE,
        "deployment" | "plain-deployment" | "fueled-deployment" | "npm-deployment" => DEPLOYMENT,
        "translate" => {
            let text = thousand_lines();
            (0..times).for_each(|_| translate(&text));
            return;
        }
        other => panic!("unknown profile {other}"),
    };
    let pair = Pair::new(source);
    if let Some(manifest) = what.strip_prefix("npm-") {
        let texts: Vec<String> = (0..256)
            .map(|i| npm_json(i, manifest == "deployment"))
            .collect();
        for i in 0..times {
            let values =
                portclaims::engine::values::from_json(&texts[i & 255]).expect("valid JSON");
            drop(black_box(pair.ours(&values)));
        }
        return;
    }
    for i in 0..times {
        let values = &pool[i & 255];
        drop(black_box(if what.starts_with("plain-") {
            pair.plain(values)
        } else if what.starts_with("fueled-") {
            pair.fueled(values)
        } else {
            pair.ours(values)
        }));
    }
}

fn main() {
    let budget = Duration::from_millis(400);
    let pool = || -> Vec<Value> { (0..256).map(values).collect() };
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--profile") {
        let what = args.get(at + 1).map_or("service", String::as_str);
        let times = args
            .get(at + 2)
            .and_then(|n| n.parse().ok())
            .unwrap_or(1000);
        // The npm cases build their own values: the pool would only blur their profile.
        let pool = if what.starts_with("npm-") {
            Vec::new()
        } else {
            pool()
        };
        return profile(what, times, &pool);
    }
    let pool = pool();
    if args.iter().any(|a| a == "--paths") {
        return paths(&pool, budget);
    }

    Pair::new(SERVICE).compare("Service with 3 ports in a loop", &pool, budget);
    Pair::new(DEPLOYMENT).compare("160-line Deployment", &pool, budget);

    let text = thousand_lines();
    let time = measure(|_| translate(&text), budget);
    println!("translate a 996-line Blade template: {time:.2?} (goal: under 1 ms)");
}
