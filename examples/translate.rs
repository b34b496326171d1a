//! Prints the minijinja translation of a Blade file: `cargo run --example translate -- FILE [--fast]`.
fn main() {
    let path = std::env::args().nth(1).expect("a Blade file");
    let source = std::fs::read_to_string(path).expect("readable");
    let options = portclaims::engine::Options::default();
    match portclaims::engine::Template::compile(&source, &options) {
        Ok(t) if std::env::args().any(|a| a == "--fast") => {
            print!("{}", t.fast_translated().unwrap_or(t.translated()))
        }
        Ok(t) => print!("{}", t.translated()),
        Err(e) => eprintln!("{e}"),
    }
}
