//! Compiling and rendering templates.
//!
//! [`Template::compile`] translates a Blade template into minijinja once (or takes a Jinja
//! template as it is) and builds the environment that renders it; [`Template::render`] only
//! runs it. Errors always point at the source the user wrote.

mod error;
pub mod jinja_chains;
pub(crate) mod position;
mod runtime;
pub mod values;

use std::sync::Arc;

use minijinja::{Environment, UndefinedBehavior, Value};

use crate::blade::{self, Failure, FailureKind};
pub use error::{Error, ErrorKind, Missing, Span};
use position::LineIndex;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dialect {
    #[default]
    Blade,
    Jinja,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Escape {
    #[default]
    Html,
    None,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Whitespace {
    /// Blade's rules: only the newline right after a directive disappears.
    #[default]
    Blade,
    /// A line holding only directives disappears with its indentation and newline.
    Smart,
}

/// The most nesting any template may use, whatever `Limits::max_nesting` says.
pub const MAX_NESTING: usize = 128;

/// What one template may spend. Every limit and its default are listed in README.md ("Limits").
#[derive(Clone, Debug)]
pub struct Limits {
    /// minijinja fuel: roughly the number of instructions one render may run, with the work
    /// inside the runtime's functions charged too (see `php::budget`).
    pub fuel: Option<u64>,
    pub max_output_bytes: usize,
    /// Nesting of directives and of expressions.
    pub max_nesting: usize,
    /// A template's source, refused before it is parsed.
    pub max_template_bytes: usize,
    /// The strings and arrays one render builds, in total (see `php::budget`).
    pub max_memory_bytes: usize,
    /// How deep arrays may nest: in the values a render builds, and in the values the host
    /// passes in (which the value reader refuses past it).
    pub max_value_depth: usize,
    /// The values the host passes in, as the value reader receives them (JSON or a value tape).
    pub max_value_bytes: usize,
}

impl Limits {
    pub const DEFAULT_MAX_TEMPLATE_BYTES: usize = 4 * 1024 * 1024;
    pub const DEFAULT_MAX_MEMORY_BYTES: usize = 256 * 1024 * 1024;
    pub const DEFAULT_MAX_VALUE_DEPTH: usize = 128;
    pub const DEFAULT_MAX_VALUE_BYTES: usize = 16 * 1024 * 1024;
}

impl Default for Limits {
    fn default() -> Self {
        // minijinja's parser stops at 150 levels of its own recursion, and each translated
        // level costs it about two, so the nesting limit stays well below that.
        Limits {
            fuel: Some(5_000_000),
            max_output_bytes: 16 * 1024 * 1024,
            max_nesting: 64,
            max_template_bytes: Self::DEFAULT_MAX_TEMPLATE_BYTES,
            max_memory_bytes: Self::DEFAULT_MAX_MEMORY_BYTES,
            max_value_depth: Self::DEFAULT_MAX_VALUE_DEPTH,
            max_value_bytes: Self::DEFAULT_MAX_VALUE_BYTES,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Options {
    pub dialect: Dialect,
    pub escape: Escape,
    pub whitespace: Whitespace,
    /// The template's name in error messages; empty means `template`.
    pub name: String,
    pub limits: Limits,
}

/// A literal claim read: `$portClaims['x']` in Blade, `portClaims.x` in Jinja.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimReference {
    pub name: String,
    pub span: Span,
    /// Whether a missing claim is no error here: tested with `isset`/`empty`, or left of `??`.
    pub guarded: bool,
}

/// Where the translated source came from, for mapping errors back.
struct SourceMap {
    lines: LineIndex,
    translated_lines: LineIndex,
    segments: Vec<blade::emit::Segment>,
    identity: bool,
}

pub struct Template {
    env: Environment<'static>,
    /// `env` on too little fuel to write `max_output_bytes` (see [`Template::render`]).
    bounded: Option<Environment<'static>>,
    name: String,
    /// The name of the fast translation in `env`, when there is one (see [`Template::render`]).
    fast_name: Option<String>,
    fast_translated: Option<String>,
    /// The variables the fast translation reads bare, which its root answers (see
    /// [`runtime::blade_context`]).
    fast_roots: Arc<[String]>,
    translated: String,
    source: Arc<str>,
    map: SourceMap,
    claims: Vec<ClaimReference>,
    leaky: Vec<Span>,
    reads: Option<blade::Reads>,
    max_output_bytes: usize,
    max_value_bytes: usize,
    /// The memory budget and value nesting limit each render starts with.
    max_memory_bytes: usize,
    max_value_depth: usize,
    dialect: Dialect,
}

impl std::fmt::Debug for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Template")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Template {
    pub fn compile(source: &str, options: &Options) -> Result<Template, Error> {
        let name = if options.name.is_empty() {
            "template".to_string()
        } else {
            options.name.clone()
        };
        runtime::check_template_size(source, &name, options.limits.max_template_bytes)?;
        let lines = LineIndex::new(source);
        let nesting = options.limits.max_nesting.min(MAX_NESTING);
        let (translated, fast, segments, claims, leaky, reads, identity) = match options.dialect {
            Dialect::Blade => {
                let settings = blade::Settings {
                    smart_whitespace: options.whitespace == Whitespace::Smart,
                    // The translator and parser recurse once per level: keep them far from the
                    // stack's end (1 MiB in WebAssembly) whatever the caller asks for.
                    max_nesting: nesting,
                    functions: crate::php::FUNCTIONS,
                    constants: crate::php::CONSTANTS,
                };
                let t = blade::translate(source, settings)
                    .map_err(|f| failure_error(&f, &name, source, &lines))?;
                let claims = t
                    .claims
                    .iter()
                    .map(|(n, a, b, guarded)| ClaimReference {
                        name: n.clone(),
                        span: lines.span(source, *a, *b),
                        guarded: *guarded,
                    })
                    .collect();
                let leaky = t
                    .leaky
                    .iter()
                    .map(|(a, b)| lines.span(source, *a, *b))
                    .collect();
                (
                    t.source,
                    t.fast.map(|fast| (fast, t.fast_roots)),
                    t.segments,
                    claims,
                    leaky,
                    Some(t.reads),
                    false,
                )
            }
            Dialect::Jinja => {
                jinja_chains::check(source)
                    .map_err(|f| failure_error(&f, &name, source, &lines))?;
                let claims = runtime::jinja_claims(source)
                    .into_iter()
                    .map(|(n, a, b)| ClaimReference {
                        name: n,
                        span: lines.span(source, a, b),
                        guarded: false,
                    })
                    .collect();
                (
                    source.to_string(),
                    None,
                    Vec::new(),
                    claims,
                    Vec::new(),
                    None,
                    true,
                )
            }
        };
        let map = SourceMap {
            translated_lines: LineIndex::new(&translated),
            lines,
            segments,
            identity,
        };
        let mut env = match options.dialect {
            // A Blade translation calls only the runtime's functions and minijinja's `namespace`
            // (as `_namespace`, which no template variable can shadow and which leaves the name
            // to `$namespace`): minijinja's hundred builtin filters, tests and functions would
            // cost every compile (and the first one, in WebAssembly, compiling their code) for
            // nothing.
            Dialect::Blade => {
                let mut env = Environment::empty();
                env.add_function("_namespace", minijinja::functions::namespace);
                env
            }
            Dialect::Jinja => Environment::new(),
        };
        env.set_debug(true);
        env.set_undefined_behavior(match options.dialect {
            Dialect::Blade => UndefinedBehavior::Chainable,
            Dialect::Jinja => UndefinedBehavior::Strict,
        });
        env.set_fuel(runtime::fuel(&options.limits, options.dialect));
        // Every loop takes a frame; a macro call (Jinja only) costs four and recurses natively, so
        // this also keeps recursive macros far from the end of a WebAssembly stack.
        env.set_recursion_limit((nesting * 2 + 16).min(500));
        // Jinja's own form of Smart whitespace: a line holding only a block tag disappears.
        let jinja_smart =
            options.dialect == Dialect::Jinja && options.whitespace == Whitespace::Smart;
        if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .trim_blocks(jinja_smart)
            .lstrip_blocks(jinja_smart)
            .build()
        {
            env.set_syntax(syntax);
        }
        // The fast translation calls helpers of its own (`_fget`, `_fcat`).
        let fast_text = fast.as_ref().map_or("", |(fast, _)| fast.as_str());
        if translated.contains("|_") || fast_text.contains("|_") {
            crate::php::register_filters(&mut env);
        }
        runtime::add_globals(
            &mut env,
            &[&translated, fast_text],
            options.dialect == Dialect::Blade,
        );
        env.set_formatter(crate::php::formatter(options.escape == Escape::Html));
        let mut template = Template {
            env: Environment::empty(),
            bounded: None,
            name: name.clone(),
            fast_name: None,
            fast_translated: None,
            fast_roots: Arc::from([]),
            translated: translated.clone(),
            source: Arc::from(source),
            map,
            claims,
            leaky,
            reads,
            max_output_bytes: options.limits.max_output_bytes,
            max_value_bytes: options.limits.max_value_bytes,
            max_memory_bytes: options.limits.max_memory_bytes,
            max_value_depth: options.limits.max_value_depth,
            dialect: options.dialect,
        };
        if let Err(e) = env.add_template_owned(name.clone(), translated) {
            return Err(template.map_error(&e));
        }
        if let Some((fast, roots)) = fast {
            // Any name but the template's own; the fast translation's errors are never shown.
            let fast_name = format!("{name}\u{0}fast");
            if env
                .add_template_owned(fast_name.clone(), fast.clone())
                .is_ok()
            {
                template.fast_name = Some(fast_name);
                template.fast_translated = Some(fast);
                template.fast_roots = Arc::from(roots);
            }
        }
        template.bounded = bounded(&env, &options.limits);
        template.env = env;
        Ok(template)
    }

    /// Renders the template.
    ///
    /// A Blade template with a fast translation renders that first: it reads what the exact
    /// translation reads whenever it succeeds, but where the exact one raises PHP's error it may
    /// only fail somehow. So whenever it fails, the exact translation renders again and decides the
    /// result and the error.
    ///
    /// Whichever translation renders first does so on the bounded environment, straight into a
    /// `String`: minijinja takes a writer of our own (the output limit's) only through
    /// `render_captured_to`, which makes a manifest's render measurably slower in WebAssembly
    /// (`npm run bench`). Fuel only adds failures and the output limit cannot trip within the
    /// bounded budget, so a success there is the render's result, and any error but running out
    /// of fuel is the one the full budget would meet too.
    pub fn render(&self, variables: &Value) -> Result<String, Error> {
        self.render_any(variables).map(|output| self.finish(output))
    }

    fn render_any(&self, variables: &Value) -> Result<String, Error> {
        let fast = self.fast_name.is_some();
        match self.render_bounded(fast, variables) {
            Some(Ok(output)) => return Ok(output),
            Some(Err(e)) if e.kind() != minijinja::ErrorKind::OutOfFuel && fast => {
                // The fast translation failed as it would on the full budget: the exact one decides.
                return self.render_named(false, variables);
            }
            _ => {}
        }
        if fast {
            if let Ok(output) = self.render_named(true, variables) {
                return Ok(output);
            }
        }
        self.render_named(false, variables)
    }

    /// Renders only the exact translation, as [`Template::render`] does when the fast one fails:
    /// for tests that hold the two to the same output.
    #[doc(hidden)]
    pub fn render_exact(&self, variables: &Value) -> Result<String, Error> {
        self.render_named(false, variables)
            .map(|output| self.finish(output))
    }

    /// A Blade template's output as Laravel's view pipeline hands it on: its `PhpEngine` returns
    /// `ltrim(ob_get_clean())`, so blanks, tabs, newlines, NUL and vertical tabs at the start go.
    /// A Jinja template's output is minijinja's, as it is.
    fn finish(&self, mut output: String) -> String {
        if self.dialect == Dialect::Blade {
            let kept = output.trim_start_matches([' ', '\t', '\n', '\r', '\0', '\x0B']);
            let cut = output.len() - kept.len();
            output.drain(..cut);
        }
        output
    }

    /// Renders the fast translation (which must exist) or the exact one on the bounded
    /// environment; `None` when there is none.
    fn render_bounded(
        &self,
        fast: bool,
        variables: &Value,
    ) -> Option<Result<String, minijinja::Error>> {
        let tmpl = self.bounded.as_ref()?.get_template(self.name(fast)).ok()?;
        let _budget = self.budget();
        Some(tmpl.render(self.context(fast, variables)))
    }

    /// The name of the fast translation in the environments (which must exist), or the exact one's.
    fn name(&self, fast: bool) -> &str {
        match &self.fast_name {
            Some(name) if fast => name,
            _ => &self.name,
        }
    }

    fn context(&self, fast: bool, variables: &Value) -> Value {
        match self.dialect {
            Dialect::Blade => runtime::blade_context(variables, fast.then_some(&self.fast_roots)),
            Dialect::Jinja => variables.clone(),
        }
    }

    /// Renders the fast translation (which must exist) or the exact one through the output limit.
    fn render_named(&self, fast: bool, variables: &Value) -> Result<String, Error> {
        let tmpl = self
            .env
            .get_template(self.name(fast))
            .map_err(|e| self.map_error(&e))?;
        let context = self.context(fast, variables);
        let _budget = self.budget();
        let mut out =
            runtime::LimitedOutput::new(self.max_output_bytes, self.source.len() * 2 + 256);
        let result = tmpl.render_captured_to(context, &mut out).map(|_| ());
        match result {
            Ok(_) => out
                .into_string()
                .map_err(|m| self.plain_error(ErrorKind::Runtime, m)),
            // The output is written out whole after the render: about the whole template.
            Err(_) if out.exceeded() => Err(self.plain_error(
                ErrorKind::Limit,
                format!(
                    "output limit exceeded: the output is larger than {} bytes",
                    self.max_output_bytes
                ),
            )),
            Err(e2) => Err(self.map_error(&e2)),
        }
    }

    /// A fresh memory budget for one render (each attempt of [`Template::render`] starts anew).
    fn budget(&self) -> crate::php::budget::RenderBudget {
        crate::php::budget::RenderBudget::begin(self.max_memory_bytes, self.max_value_depth)
    }

    /// Refuses values of `bytes` (as JSON or a value tape) past the values limit, before they are
    /// read: reading takes time and memory in proportion.
    pub fn check_values_size(&self, bytes: usize) -> Result<(), Error> {
        if bytes <= self.max_value_bytes {
            return Ok(());
        }
        Err(self.plain_error(
            ErrorKind::Limit,
            format!(
                "values limit exceeded: the values are {bytes} bytes, more than the {} a render reads",
                self.max_value_bytes
            ),
        ))
    }

    /// The translation rendered first when it exists (see [`Template::render`]).
    pub fn fast_translated(&self) -> Option<&str> {
        self.fast_translated.as_deref()
    }

    pub fn translated(&self) -> &str {
        &self.translated
    }

    /// What a Blade template can read of its variables: the rest of them cannot change its
    /// output or its errors. `None` (Jinja) means anything.
    pub fn reads(&self) -> Option<&blade::Reads> {
        self.reads.as_ref()
    }

    pub fn claim_references(&self) -> &[ClaimReference] {
        &self.claims
    }

    pub fn leaky_directives(&self) -> &[Span] {
        &self.leaky
    }

    /// What each line of a Blade template prints as written ([`blade::printed::printed_lines`]);
    /// `None` for the Jinja dialect.
    pub fn printed_lines(&self) -> Option<Vec<Option<blade::printed::Pieces>>> {
        match self.dialect {
            // The template compiled, so it scans.
            Dialect::Blade => blade::printed::printed_lines(&self.source).ok(),
            Dialect::Jinja => None,
        }
    }

    fn plain_error(&self, kind: ErrorKind, message: String) -> Error {
        Error {
            kind,
            message,
            name: self.name.clone(),
            span: Span::NOWHERE,
            source_line: String::new(),
            missing: None,
        }
    }

    fn map_error(&self, e: &minijinja::Error) -> Error {
        let (kind, message) = error::classify(e);
        let source = &*self.source;
        let map = &self.map;
        let range = match (e.range(), e.line()) {
            (Some(r), _) => Some(r.start),
            (None, Some(line)) => map.translated_lines.offset_of_line(line),
            (None, None) => None,
        };
        let segment = match range {
            Some(t) if !map.identity => {
                let i = map.segments.partition_point(|s| s.out <= t);
                i.checked_sub(1).and_then(|i| map.segments.get(i))
            }
            _ => None,
        };
        let (start, end) = match (range, segment) {
            (None, _) => (0, 0),
            (Some(t), _) if map.identity => (t, e.range().map_or(t, |r| r.end)),
            (Some(_), Some(seg)) => seg.src,
            (Some(_), None) => (0, 0),
        };
        let subscripted = segment
            .and_then(|seg| seg.subscripted)
            .and_then(|(a, b)| source.get(a..b));
        let span = map.lines.span(source, start, end);
        Error {
            kind,
            message,
            name: self.name.clone(),
            source_line: map.lines.line_text(source, span.start_line),
            span,
            missing: error::Missing::of(e, subscripted),
        }
    }
}

/// minijinja charges a fuel for every 64 bytes a render writes (its `UNITS_PER_FUEL`), so a
/// render that succeeds on `max_output_bytes / 64` fuel wrote less than the limit. A quarter of
/// that keeps a failing attempt's output under a quarter of the limit, besides the one write that
/// ran the budget out, and still runs a manifest's render a hundred times over (65,536 fuel by
/// default).
const OUTPUT_BYTES_PER_BOUNDED_FUEL: usize = 4 * 64;

/// `env` on the budget of fuel described at [`OUTPUT_BYTES_PER_BOUNDED_FUEL`], never more
/// than its own.
fn bounded(env: &Environment<'static>, limits: &Limits) -> Option<Environment<'static>> {
    let fuel = u64::try_from(limits.max_output_bytes / OUTPUT_BYTES_PER_BOUNDED_FUEL).ok()?;
    let fuel = env.fuel().map_or(fuel, |limit| limit.min(fuel));
    if fuel == 0 {
        return None;
    }
    // Compiled templates are shared between the two, not copied.
    let mut bounded = env.clone();
    bounded.set_fuel(Some(fuel));
    Some(bounded)
}

fn failure_error(f: &Failure, name: &str, source: &str, lines: &LineIndex) -> Error {
    let kind = match f.kind {
        FailureKind::Syntax => ErrorKind::Syntax,
        FailureKind::Sandbox => ErrorKind::Sandbox,
        FailureKind::Limit => ErrorKind::Limit,
    };
    let span = lines.span(source, f.start, f.end);
    Error {
        kind,
        message: f.message.clone(),
        name: name.to_string(),
        source_line: lines.line_text(source, span.start_line),
        span,
        missing: None,
    }
}
