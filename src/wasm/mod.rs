//! The wasm-bindgen bindings the npm package uses (`js/core.js` is their only caller).
//!
//! Only plain data crosses the boundary, as JSON text: `JSON.stringify` and `JSON.parse` are
//! native in every JS engine, and one string copy costs far less than walking an object graph
//! property by property across the boundary. A template's variables may come as a value tape
//! instead (see `tape`), which JS writes into this module's memory for less than
//! `JSON.stringify` costs. Errors leave as JS `Error`s whose one-line message says where the
//! problem is, with the location also as properties for editors.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use crate::claims::{self, Change};
use crate::engine::Template;
use crate::plan;

mod alloc;
mod error;
mod kublade;
mod request;
mod response;
mod tape;

use error::{claims_error, plan_error, template_error};
use request::{
    field, parse_claims, parse_groups, parse_seed, read, scope_of, scope_or_default, seed_of,
    string_field, template_options,
};
use response::{ClaimReferenceOut, DecisionOut, GroupOut, RangeOut, ReleasedOut, write};

/// The package version, as Cargo knows it.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The scope a render belongs to when the host names none.
#[wasm_bindgen(js_name = defaultScope)]
pub fn default_scope() -> String {
    plan::DEFAULT_SCOPE.to_string()
}

/// The group called `name` under a groups configuration (JSON; `null` for the defaults): its
/// protocol and the ports a new reservation of it is drawn from (as text and as `ranges` less
/// `exclude`), for editors that show a claim and maps of the ports.
#[wasm_bindgen(js_name = describeGroup)]
pub fn describe_group(name: &str, groups: &str) -> Result<String, JsValue> {
    let group = parse_groups(&read(groups)?)?.get(name);
    Ok(write(&GroupOut {
        group: name,
        protocol: group.protocol(),
        ports: group.describe_ports(),
        ranges: group.ranges(),
        exclude: group.exclude(),
        size: group.size(),
    }))
}

/// Seeds the generator that unseeded draws fork from with 32 bytes of the host's secure
/// randomness (otherwise the core asks WebCrypto on its first unseeded draw).
#[wasm_bindgen(js_name = provideEntropy)]
pub fn provide_entropy(bytes: &[u8]) -> Result<(), JsValue> {
    let entropy = <[u8; 32]>::try_from(bytes)
        .map_err(|_| error::config_error("entropy", "must be exactly 32 bytes"))?;
    claims::seed_secure(entropy);
    Ok(())
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
        self.template
            .check_values_size(variables.len())
            .map_err(template_error)?;
        let variables = request::variables(read(variables)?, "variables")?;
        self.template.render(&variables).map_err(template_error)
    }

    /// `render` with the variables as the first `length` bytes of the tape buffer (see `tape`).
    #[wasm_bindgen(js_name = renderTape)]
    pub fn render_tape(&self, length: usize) -> Result<String, JsValue> {
        self.template
            .check_values_size(length)
            .map_err(template_error)?;
        let variables = request::variables(tape::read_tape(length, "variables")?, "variables")?;
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
                guarded: r.guarded,
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

    /// For each line of the template, the text it prints as written, cut where the render
    /// computes something (`null` for a line that prints no text of its own); `null` for the
    /// Jinja dialect. `check` finds the template line of an output line with it.
    #[wasm_bindgen(js_name = printedLines)]
    pub fn printed_lines(&self) -> String {
        write(&self.template.printed_lines())
    }

    /// What the template can read of its variables, as `Reads::to_json` writes it, or `null`
    /// when that is not known (the Jinja dialect): the JS layer sends only that.
    pub fn reads(&self) -> String {
        self.template
            .reads()
            .map_or_else(|| "null".to_string(), |reads| reads.to_json())
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
    /// Changes planned and not yet applied, by id, oldest first, but for the last plan's, which
    /// `last` holds until the next plan. Renders of one store may interleave between their
    /// plan and their commit, so each commit names its own change.
    pending: VecDeque<(u32, Change)>,
    next_id: u32,
    /// What the last `plan` decided, with the id its change is kept under, for `details`: kept
    /// so the JS layer can read the decision as numbers and ask for text only when there is
    /// text it cannot know (parsing JSON costs more than the rest of a small render). Its change
    /// is the one kept, not a copy: `apply` takes it from here.
    last: Option<(u32, claims::Decision)>,
    /// The last plan's decision as the outcome tells it (see `outcomeLength`), empty before a
    /// successful plan: kept in one buffer that `outcomeAt` reads number by number, so that
    /// reading it allocates nothing on either side.
    numbers: Vec<u32>,
}

/// Planned changes kept for `apply`; one evicted before its commit only costs a fresh `load`.
const PENDING_CHANGES: usize = 64;

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
            pending: VecDeque::new(),
            next_id: 0,
            last: None,
            numbers: Vec::new(),
        })
    }

    /// Every reservation, sorted by scope, then claim.
    pub fn reservations(&self) -> String {
        write(&self.ledger.reservations())
    }

    /// Decides `claims` (the ports.json array, as JSON) in `scope` (the default scope when
    /// absent, with `seed` as text) and renders `template` with them and the values the first
    /// `values_length` bytes of the tape buffer hold (see `tape`; none when 0); commits nothing.
    /// Returns the output; the outcome and `details` tell what was decided.
    #[wasm_bindgen(js_name = planTape)]
    pub fn plan_tape(
        &mut self,
        template: &CompiledTemplate,
        claims: &str,
        values_length: usize,
        scope: Option<String>,
        seed: Option<String>,
    ) -> Result<String, JsValue> {
        self.forget();
        let claims = cached_claims(claims)?;
        let scope = scope_or_default(scope)?;
        template
            .template
            .check_values_size(values_length)
            .map_err(template_error)?;
        let values = tape::read_tape(values_length, "values")?;
        let values = request::variables(values, "values")?;
        let seed = seed.as_deref().map(parse_seed).transpose()?;
        let planned = plan::plan(
            &self.ledger,
            &plan::Request {
                template: &template.template,
                claims: &claims,
                values: &values,
                scope: &scope,
                seed,
            },
        )
        .map_err(plan_error)?;
        self.keep_decision(planned.decision);
        Ok(planned.output)
    }

    /// Decides `claims` (the ports.json array, as JSON) in the `request`'s `scope` (with its
    /// `seed`), as `plan` does, rendering nothing; commits nothing. The outcome and `details`
    /// tell what was decided, as after a plan.
    pub fn decide(&mut self, claims: &str, request: &str) -> Result<(), JsValue> {
        self.forget();
        let claims = cached_claims(claims)?;
        let request = read(request)?;
        let scope = scope_of(&request)?;
        let seed = seed_of(&request)?;
        let decision = plan::decide(&self.ledger, &scope, &claims, seed).map_err(claims_error)?;
        self.keep_decision(decision);
        Ok(())
    }

    /// How many numbers the last plan's outcome has: 0 before a successful plan. The outcome
    /// tells its decision as numbers: the id its change is kept under (see `apply`), then 1 when
    /// it released reservations or has diagnostics (read `details`), else 0, then for each
    /// declared claim, in order, its port and 1 when this plan reserved it, else 0.
    #[wasm_bindgen(js_name = outcomeLength)]
    pub fn outcome_length(&self) -> u32 {
        u32::try_from(self.numbers.len()).unwrap_or(u32::MAX)
    }

    /// The number at `index` of the outcome, or 0 past its end: read one by one, as copying
    /// them into a new array costs more than the rest of reading them.
    #[wasm_bindgen(js_name = outcomeAt)]
    pub fn outcome_at(&self, index: u32) -> u32 {
        self.numbers.get(index as usize).copied().unwrap_or(0)
    }

    /// The last plan's decision as JSON: `claims`, `allocated`, `released` and `diagnostics`,
    /// as the render result has them. `null` before a successful plan, and once its change has
    /// been applied (the JS layer reads it before it commits).
    pub fn details(&self) -> String {
        self.last.as_ref().map_or_else(
            || "null".to_string(),
            |(_, decision)| write(&DecisionOut(decision)),
        )
    }

    /// Releases one claim (`claim`), prunes the claims no longer declared (`claims`), or releases
    /// a whole scope; commits nothing.
    pub fn release(&mut self, request: &str) -> Result<String, JsValue> {
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
        let id = self.take_id();
        let released = write(&ReleasedOut(&change, id));
        self.keep(id, change);
        Ok(released)
    }

    /// Applies the planned change `id` once the store has committed it, so that the index
    /// matches the store's new revision. False when the change is no longer kept: the index
    /// must then be loaded afresh.
    pub fn apply(&mut self, id: u32) -> Result<bool, JsValue> {
        let change = match &self.last {
            Some((last, decision)) if *last == id && !decision.change.is_empty() => {
                self.last.take().map(|(_, decision)| decision.change)
            }
            _ => self
                .pending
                .iter()
                .position(|(kept, _)| *kept == id)
                .and_then(|position| self.pending.remove(position))
                .map(|(_, change)| change),
        };
        let Some(change) = change else {
            return Ok(false);
        };
        self.ledger.apply_owned(change).map_err(claims_error)?;
        Ok(true)
    }
}

thread_local! {
    /// The claims of the last render: a host renders one ports.json many times, and reading it
    /// again costs more than comparing its text.
    static CLAIMS: RefCell<Option<(String, Rc<Vec<claims::Claim>>)>> = const { RefCell::new(None) };
}

fn cached_claims(json: &str) -> Result<Rc<Vec<claims::Claim>>, JsValue> {
    let hit = CLAIMS.with(|cache| match &*cache.borrow() {
        Some((text, claims)) if text == json => Some(claims.clone()),
        _ => None,
    });
    if let Some(claims) = hit {
        return Ok(claims);
    }
    let claims = Rc::new(parse_claims(&read(json)?)?);
    CLAIMS.with(|cache| *cache.borrow_mut() = Some((json.to_string(), claims.clone())));
    Ok(claims)
}

/// Writes what the outcome tells of `decision` (see `outcomeLength`), whose change is kept under
/// `id`, into `numbers`.
fn outcome_numbers(decision: &claims::Decision, id: u32, numbers: &mut Vec<u32>) {
    numbers.clear();
    let detailed = !decision.released().is_empty() || !decision.diagnostics.is_empty();
    numbers.extend([id, u32::from(detailed)]);
    let mut allocated = decision.allocated().iter().peekable();
    for (claim, port) in &decision.ports {
        // `allocated` follows the declaration order, as `ports` does.
        let fresh = allocated.next_if(|r| r.claim == *claim).is_some();
        numbers.extend([u32::from(*port), u32::from(fresh)]);
    }
}

impl LedgerHandle {
    /// Forgets the last plan's decision, as a new plan starts, keeping its change for `apply`.
    fn forget(&mut self) {
        if let Some((id, decision)) = self.last.take() {
            self.keep(id, decision.change);
        }
        self.numbers.clear();
    }

    /// Keeps a plan's decision for the outcome, `details` and `apply`, under a new id.
    fn keep_decision(&mut self, decision: claims::Decision) {
        let id = self.take_id();
        outcome_numbers(&decision, id, &mut self.numbers);
        self.last = Some((id, decision));
    }

    /// The id of the next change to keep.
    fn take_id(&mut self) -> u32 {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        id
    }

    /// Keeps `change` for `apply` under `id`, unless it is empty.
    fn keep(&mut self, id: u32, change: Change) {
        if change.is_empty() {
            return;
        }
        if self.pending.len() >= PENDING_CHANGES {
            self.pending.pop_front();
        }
        self.pending.push_back((id, change));
    }
}
