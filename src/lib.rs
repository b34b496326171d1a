//! portclaims: Kubernetes manifest templates, written in Laravel Blade, that claim ports by name.
//!
//! The crate is the core that the npm package ships as WebAssembly:
//! - [`blade`] translates a Blade template into a minijinja template, once.
//! - [`php`] gives the translated template PHP's semantics: truthiness, comparison, echo
//!   formatting and the PHP functions templates may call.
//! - [`engine`] compiles and renders templates (Blade or plain Jinja) and reports errors in terms
//!   of the source the user wrote.
//! - [`claims`] decides which port each claim holds: port groups, the allocator, and the
//!   reservation-store contract the host implements.
//! - [`kublade`] is Kublade's own rules: fields, requests, the variables of a deployment, and
//!   the traps `check` warns about.

pub mod blade;
pub mod claims;
pub mod engine;
pub mod kublade;
pub mod php;
pub mod plan;

#[cfg(target_arch = "wasm32")]
mod wasm;
