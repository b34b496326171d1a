//! Templates built to spend: every render ends within small budgets (fuel, memory, nesting,
//! template size) in its output or an error, never a panic; a limit error says which limit; and
//! the next render on the same thread does not notice (a failed render leaves nothing behind).
//!
//! The input is a template, with JSON variables after a NUL byte. A first line of flags makes
//! the shapes a short input cannot spell: `#j` renders it as Jinja, `#x1000` repeats the rest a
//! thousand times (large templates). Run with `-timeout` and `-rss_limit_mb` (scripts/fuzz.sh)
//! so that a render which outruns its fuel or its memory budget is a failure too.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use portclaims::engine::values::from_json;
use portclaims::engine::{Dialect, ErrorKind, Limits, Options, Template};

/// Largest template the repetition flag builds: four times the size limit below.
const MAX_SOURCE: usize = 1 << 20;

fn limits() -> Limits {
    Limits {
        fuel: Some(200_000),
        max_output_bytes: 1 << 16,
        max_template_bytes: 1 << 18,
        max_memory_bytes: 8 << 20,
        max_value_depth: 32,
        ..Limits::default()
    }
}

/// A template that builds and walks a little of everything: what it prints is fixed.
fn ordinary() -> &'static Template {
    static ORDINARY: OnceLock<Template> = OnceLock::new();
    ORDINARY.get_or_init(|| {
        let source = "{{ count(array_fill(0, 100, str_repeat('x', 10))) }} {{ md5(implode(',', range(1, 50))) }} {{ in_array([1, [2]], [[1, [2]]]) ? 'y' : 'n' }}";
        let options = Options {
            limits: limits(),
            ..Options::default()
        };
        Template::compile(source, &options).expect("the ordinary template compiles")
    })
}

fuzz_target!(|input: &str| {
    let (mut source, variables) = input.split_once('\0').unwrap_or((input, "{}"));
    let Ok(variables) = from_json(variables) else {
        return;
    };
    let mut dialect = Dialect::Blade;
    let mut repeat = 1usize;
    if let Some((flags, rest)) = source.strip_prefix('#').and_then(|s| s.split_once('\n')) {
        source = rest;
        for flag in flags.split_whitespace() {
            if flag == "j" {
                dialect = Dialect::Jinja;
            } else if let Some(n) = flag.strip_prefix('x').and_then(|n| n.parse::<usize>().ok()) {
                repeat = n.clamp(1, MAX_SOURCE / source.len().max(1));
            }
        }
    }
    let source = source.repeat(repeat);
    let options = Options {
        dialect,
        limits: limits(),
        ..Options::default()
    };
    let result = Template::compile(&source, &options).and_then(|t| t.render(&variables));
    match result {
        Err(e) if e.kind == ErrorKind::Limit => {
            assert!(e.message.contains("limit"), "a limit error that names no limit: {e}");
        }
        Err(e) if source.len() > options.limits.max_template_bytes => {
            panic!("a template past the size limit gave another error: {e}")
        }
        _ => {}
    }
    assert_eq!(
        ordinary().render(&minijinja::Value::from(())).ok().as_deref(),
        Some("100 0b3e2461abad4646040e86ee0da94219 y"),
        "a render after {source:?} went otherwise than before it"
    );
});
