//! Any text, as a Blade or Jinja template in either whitespace mode: compiling returns a value
//! or an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use portclaims::engine::{Dialect, Options, Template, Whitespace};

fuzz_target!(|source: &str| {
    for (dialect, whitespace) in [
        (Dialect::Blade, Whitespace::Blade),
        (Dialect::Blade, Whitespace::Smart),
        (Dialect::Jinja, Whitespace::Blade),
    ] {
        let options = Options {
            dialect,
            whitespace,
            ..Options::default()
        };
        let _ = Template::compile(source, &options);
    }
});
