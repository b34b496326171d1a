//! The wasm-bindgen bindings the npm package uses (`js/core.js` is their only caller).
//!
//! Only plain data crosses the boundary, as JSON text: `JSON.stringify` and `JSON.parse` are
//! native in every JS engine, and one string copy costs far less than walking an object graph
//! property by property across the boundary. Errors leave as JS `Error`s whose one-line message
//! says where the problem is, with the location also as properties for editors.

use std::cell::RefCell;
use std::rc::Rc;

use minijinja::Value;
use serde::Serialize;
use serde::ser::SerializeMap;
use wasm_bindgen::prelude::*;

use crate::claims::{self, Change, ClaimsError, Groups};
use crate::engine::{self, Template};
use crate::plan::{self, DEFAULT_SCOPE, Planned};

/// The package version, as Cargo knows it.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// A compiled template: `render(variables)` renders with the given variables and no allocation.
#[wasm_bindgen(js_name = CompiledTemplate)]
pub struct CompiledTemplate {
    template: Rc<Template>,
}

/// Compiles a template once, to render it many times.
#[wasm_bindgen]
pub fn compile(source: &str, options: &str) -> Result<CompiledTemplate, JsValue> {
    let options = template_options(&read(options)?)?;
    let template = Template::compile(source, &options).map_err(template_error)?;
    Ok(CompiledTemplate {
        template: Rc::new(template),
    })
}

#[wasm_bindgen(js_class = CompiledTemplate)]
impl CompiledTemplate {
    pub fn render(&self, variables: &str) -> Result<String, JsValue> {
        let variables = read(variables)?;
        self.template.render(&variables).map_err(template_error)
    }

    #[wasm_bindgen(js_name = claimReferences)]
    pub fn claim_references(&self) -> String {
        let references: Vec<_> = self
            .template
            .claim_references()
            .iter()
            .map(|r| ClaimReferenceOut {
                name: &r.name,
                range: RangeOut::from(r.span),
            })
            .collect();
        write(&references)
    }

    #[wasm_bindgen(js_name = leakyDirectives)]
    pub fn leaky_directives(&self) -> String {
        let ranges: Vec<_> = self
            .template
            .leaky_directives()
            .iter()
            .map(|span| RangeOut::from(*span))
            .collect();
        write(&ranges)
    }

    pub fn translated(&self) -> String {
        self.template.translated().to_string()
    }
}

/// The engine's index of one store snapshot. The JS layer keeps one per store and reuses it while
/// the store's revision is the one it reflects, so a render does not re-read every reservation.
#[wasm_bindgen(js_name = Ledger)]
pub struct LedgerHandle {
    ledger: claims::Ledger,
    /// The change of the last plan, applied by `applyPlanned` once the store has committed it.
    planned: RefCell<Option<Change>>,
}

#[wasm_bindgen(js_class = Ledger)]
impl LedgerHandle {
    /// Indexes a snapshot's reservations under a groups configuration (which fixes each
    /// group's protocol, and so which reservations collide).
    pub fn load(reservations: &str, groups: &str) -> Result<LedgerHandle, JsValue> {
        let groups = parse_groups(&read(groups)?)?;
        let reservations = read(reservations)?;
        let ledger = claims::Ledger::from_value(&reservations, &groups).map_err(claims_error)?;
        Ok(LedgerHandle {
            ledger,
            planned: RefCell::new(None),
        })
    }

    /// Every reservation, sorted by scope, then claim.
    pub fn reservations(&self) -> String {
        write(&self.ledger.reservations())
    }

    /// Decides the request's claims and renders its template; commits nothing.
    pub fn plan(&self, request: &str) -> Result<String, JsValue> {
        let request = read(request)?;
        let options = template_options(&request)?;
        let source = string_field(&request, "template")?.unwrap_or_default();
        let template = cached_template(&source, &options)?;
        let claims = parse_claims(&field(&request, "claims"))?;
        let scope = scope_of(&request)?;
        let values = field(&request, "values");
        let planned = plan::plan(
            &self.ledger,
            &plan::Request {
                template: &template,
                claims: &claims,
                values: &values,
                scope: &scope,
                seed: seed_of(&request)?,
            },
        )
        .map_err(plan_error)?;
        let out = write(&PlannedOut(&planned));
        self.planned.replace(Some(planned.change));
        Ok(out)
    }

    /// Releases one claim (`claim`), prunes the claims no longer declared (`claims`), or releases
    /// a whole scope; commits nothing.
    pub fn release(&self, request: &str) -> Result<String, JsValue> {
        let request = read(request)?;
        let scope = scope_of(&request)?;
        let change = if let Some(claim) = string_field(&request, "claim")? {
            self.ledger.release_claim(&scope, &claim)
        } else if !field(&request, "claims").is_undefined() {
            let claims = parse_claims(&field(&request, "claims"))?;
            self.ledger.prune(&scope, &claims)
        } else {
            self.ledger.release_scope(&scope)
        };
        let out = write(&ReleasedOut(&change));
        self.planned.replace(Some(change));
        Ok(out)
    }

    /// Applies the last planned change after the store committed it.
    #[wasm_bindgen(js_name = applyPlanned)]
    pub fn apply_planned(&mut self) -> Result<(), JsValue> {
        if let Some(change) = self.planned.take() {
            self.ledger.apply(&change).map_err(claims_error)?;
        }
        Ok(())
    }
}

thread_local! {
    /// The templates compiled most recently: a playground or editor re-renders the same source
    /// with new values on every keystroke, and compiling is the expensive half of a render.
    static TEMPLATES: RefCell<Vec<(String, Rc<Template>)>> = const { RefCell::new(Vec::new()) };
}

const CACHED_TEMPLATES: usize = 16;

fn cached_template(source: &str, options: &engine::Options) -> Result<Rc<Template>, JsValue> {
    let key = format!("{options:?}\u{0}{source}");
    let hit = TEMPLATES.with(|cache| {
        let mut cache = cache.borrow_mut();
        let position = cache.iter().position(|(k, _)| *k == key)?;
        let entry = cache.remove(position);
        let template = entry.1.clone();
        cache.push(entry);
        Some(template)
    });
    if let Some(template) = hit {
        return Ok(template);
    }
    let template = Rc::new(Template::compile(source, options).map_err(template_error)?);
    TEMPLATES.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() >= CACHED_TEMPLATES {
            cache.remove(0);
        }
        cache.push((key, template.clone()));
    });
    Ok(template)
}

// ---- reading requests -------------------------------------------------------------------------

fn read(json: &str) -> Result<Value, JsValue> {
    if json.is_empty() {
        return Ok(Value::UNDEFINED);
    }
    serde_json::from_str(json).map_err(|e| {
        error(
            "config",
            &format!("cannot read the options: {e}"),
            &Location::default(),
        )
    })
}

fn field(object: &Value, name: &str) -> Value {
    object.get_attr(name).unwrap_or(Value::UNDEFINED)
}

fn string_field(object: &Value, name: &str) -> Result<Option<String>, JsValue> {
    let value = field(object, name);
    if value.is_undefined() || value.is_none() {
        return Ok(None);
    }
    match value.as_str() {
        Some(s) => Ok(Some(s.to_string())),
        None => Err(config_error(
            name,
            &format!("must be a string, got {value}"),
        )),
    }
}

fn choice<T: Copy>(object: &Value, name: &str, choices: &[(&str, T)]) -> Result<T, JsValue> {
    let Some(value) = string_field(object, name)? else {
        return Ok(choices[0].1);
    };
    choices
        .iter()
        .find(|(label, _)| *label == value)
        .map(|(_, choice)| *choice)
        .ok_or_else(|| {
            let labels: Vec<_> = choices.iter().map(|(label, _)| *label).collect();
            config_error(
                name,
                &format!("must be one of {}, got {value:?}", labels.join(", ")),
            )
        })
}

fn template_options(request: &Value) -> Result<engine::Options, JsValue> {
    use engine::{Dialect, Escape, Whitespace};
    let mut options = engine::Options {
        dialect: choice(
            request,
            "dialect",
            &[("blade", Dialect::Blade), ("jinja", Dialect::Jinja)],
        )?,
        escape: choice(
            request,
            "escape",
            &[("html", Escape::Html), ("none", Escape::None)],
        )?,
        whitespace: choice(
            request,
            "whitespace",
            &[("blade", Whitespace::Blade), ("smart", Whitespace::Smart)],
        )?,
        name: string_field(request, "name")?.unwrap_or_default(),
        ..Default::default()
    };
    let limits = field(request, "limits");
    if !limits.is_undefined() && !limits.is_none() {
        if let Some(fuel) = positive(&limits, "fuel")? {
            options.limits.fuel = Some(fuel);
        }
        if let Some(bytes) = positive(&limits, "maxOutputBytes")? {
            options.limits.max_output_bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
        }
        if let Some(depth) = positive(&limits, "maxNesting")? {
            options.limits.max_nesting = usize::try_from(depth).unwrap_or(usize::MAX);
        }
    }
    Ok(options)
}

fn positive(object: &Value, name: &str) -> Result<Option<u64>, JsValue> {
    let value = field(object, name);
    if value.is_undefined() || value.is_none() {
        return Ok(None);
    }
    match value.as_i64().and_then(|n| u64::try_from(n).ok()) {
        Some(n) if n > 0 => Ok(Some(n)),
        _ => Err(config_error(
            &format!("limits.{name}"),
            &format!("must be a positive integer, got {value}"),
        )),
    }
}

fn scope_of(request: &Value) -> Result<String, JsValue> {
    match string_field(request, "scope")? {
        Some(scope) if scope.is_empty() => Err(config_error("scope", "must not be empty")),
        Some(scope) => Ok(scope),
        None => Ok(DEFAULT_SCOPE.to_string()),
    }
}

/// Seeds arrive as strings (the JS layer stringifies them) so that every u64 survives.
fn seed_of(request: &Value) -> Result<Option<u64>, JsValue> {
    let value = field(request, "seed");
    if value.is_undefined() || value.is_none() {
        return Ok(None);
    }
    let text = value.to_string();
    text.parse::<u64>().map(Some).map_err(|_| {
        config_error(
            "seed",
            &format!("must be an integer from 0 to 18446744073709551615, got {text}"),
        )
    })
}

fn parse_claims(value: &Value) -> Result<Vec<claims::Claim>, JsValue> {
    if value.is_undefined() || value.is_none() {
        return Ok(Vec::new());
    }
    claims::parse_claims(value).map_err(claims_error)
}

fn parse_groups(value: &Value) -> Result<Groups, JsValue> {
    if value.is_undefined() || value.is_none() {
        return Ok(Groups::default());
    }
    Groups::from_value(value).map_err(claims_error)
}

// ---- writing results --------------------------------------------------------------------------

fn write<T: Serialize + ?Sized>(value: &T) -> String {
    // Serialising plain data to a string cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

struct PlannedOut<'a>(&'a Planned);

impl Serialize for PlannedOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let planned = self.0;
        let mut map = serializer.serialize_map(Some(6))?;
        map.serialize_entry("output", &planned.output)?;
        map.serialize_entry("claims", &PortsOut(&planned.ports))?;
        map.serialize_entry("allocated", &planned.allocated)?;
        map.serialize_entry("released", &planned.released)?;
        map.serialize_entry("diagnostics", &DiagnosticsOut(&planned.diagnostics))?;
        map.serialize_entry("change", &ChangeOut(&planned.change))?;
        map.end()
    }
}

struct ReleasedOut<'a>(&'a Change);

impl Serialize for ReleasedOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("released", &self.0.delete)?;
        map.serialize_entry("change", &ChangeOut(self.0))?;
        map.end()
    }
}

struct ChangeOut<'a>(&'a Change);

impl Serialize for ChangeOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("put", &self.0.put)?;
        map.serialize_entry("delete", &self.0.delete)?;
        map.end()
    }
}

/// Claim name → port as an object, in declaration order.
struct PortsOut<'a>(&'a [(String, u16)]);

impl Serialize for PortsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(name, port)| (name, port)))
    }
}

struct DiagnosticsOut<'a>(&'a [claims::Diagnostic]);

impl Serialize for DiagnosticsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|d| DiagnosticOut {
            severity: severity_name(&d.severity),
            message: &d.message,
            claim: d.claim.as_deref(),
        }))
    }
}

#[derive(Serialize)]
struct DiagnosticOut<'a> {
    severity: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    claim: Option<&'a str>,
}

fn severity_name(severity: &claims::Severity) -> &'static str {
    match severity {
        claims::Severity::Error => "error",
        claims::Severity::Warning => "warning",
        claims::Severity::Info => "info",
    }
}

#[derive(Serialize)]
struct ClaimReferenceOut<'a> {
    name: &'a str,
    range: RangeOut,
}

#[derive(Serialize)]
struct RangeOut {
    start: PositionOut,
    end: PositionOut,
}

#[derive(Serialize)]
struct PositionOut {
    line: usize,
    column: usize,
}

impl From<engine::Span> for RangeOut {
    fn from(span: engine::Span) -> Self {
        RangeOut {
            start: PositionOut {
                line: span.start_line,
                column: span.start_column,
            },
            end: PositionOut {
                line: span.end_line,
                column: span.end_column,
            },
        }
    }
}

// ---- errors -----------------------------------------------------------------------------------

#[derive(Default)]
struct Location<'a> {
    file: Option<&'a str>,
    field: Option<&'a str>,
    span: Option<engine::Span>,
    source_line: Option<&'a str>,
}

fn error(kind: &str, message: &str, at: &Location<'_>) -> JsValue {
    let error = js_sys::Error::new(message);
    let set = |key: &str, value: JsValue| {
        let _ = js_sys::Reflect::set(&error, &JsValue::from_str(key), &value);
    };
    set("kind", JsValue::from_str(kind));
    if let Some(file) = at.file {
        set("file", JsValue::from_str(file));
    }
    if let Some(field) = at.field {
        set("field", JsValue::from_str(field));
    }
    if let Some(span) = at.span {
        set("line", JsValue::from(span.start_line as u32));
        set("column", JsValue::from(span.start_column as u32));
        set("endLine", JsValue::from(span.end_line as u32));
        set("endColumn", JsValue::from(span.end_column as u32));
    }
    if let Some(line) = at.source_line {
        set("sourceLine", JsValue::from_str(line));
    }
    error.into()
}

fn config_error(field: &str, message: &str) -> JsValue {
    let at = Location {
        field: Some(field),
        ..Default::default()
    };
    error("config", &format!("{field}: {message}"), &at)
}

fn template_error(e: engine::Error) -> JsValue {
    let kind = match e.kind {
        engine::ErrorKind::Syntax => "syntax",
        engine::ErrorKind::Undefined => "undefined",
        engine::ErrorKind::Runtime => "runtime",
        engine::ErrorKind::Limit => "limit",
        engine::ErrorKind::Sandbox => "sandbox",
    };
    let at = Location {
        file: Some(&e.name),
        span: Some(e.span),
        source_line: Some(&e.source_line),
        ..Default::default()
    };
    error(kind, &e.to_string(), &at)
}

fn claims_error(e: ClaimsError) -> JsValue {
    let at = Location {
        field: e.field.as_deref(),
        ..Default::default()
    };
    error("claims", &e.to_string(), &at)
}

fn plan_error(e: plan::Error) -> JsValue {
    match e {
        plan::Error::Template(e) => template_error(e),
        plan::Error::Claims(e) => claims_error(e),
    }
}
