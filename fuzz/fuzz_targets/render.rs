//! A template and JSON variables separated by a NUL byte: full rendering never panics, and a
//! small fuel budget, memory budget and output limit stop runaway templates. The variables are
//! read as the npm package reads them (`engine::values::from_json`). Where the fast translation
//! renders, the exact one must render the same (or stop at a limit, since it does more work):
//! `render` uses the exact translation only when the fast one fails.
#![no_main]
use libfuzzer_sys::fuzz_target;
use portclaims::engine::values::from_json;
use portclaims::engine::{ErrorKind, Limits, Options, Template};

fuzz_target!(|input: &str| {
    let (source, variables) = input.split_once('\0').unwrap_or((input, "{}"));
    let Ok(variables) = from_json(variables) else {
        return;
    };
    let options = Options {
        limits: Limits {
            fuel: Some(100_000),
            max_output_bytes: 1 << 16,
            max_nesting: 64,
            max_memory_bytes: 8 << 20,
            ..Limits::default()
        },
        ..Options::default()
    };
    if let Ok(template) = Template::compile(source, &options) {
        if let Ok(output) = template.render(&variables) {
            match template.render_exact(&variables) {
                Ok(exact) => assert_eq!(output, exact, "the fast and exact translations differ"),
                Err(e) if e.kind == ErrorKind::Limit => {}
                Err(e) => panic!("only the exact translation fails: {e}"),
            }
        }
    }
});
