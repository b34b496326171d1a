//! Writing results: the shapes the JS layer parses, as JSON text.

use serde::Serialize;
use serde::ser::SerializeMap;

use crate::claims::{self, Change, Decision};
use crate::engine;

pub(super) fn write<T: Serialize + ?Sized>(value: &T) -> String {
    // Serialising plain data to a string cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

/// What a planned render decided, as the render result has it (the output travels apart).
pub(super) struct DecisionOut<'a>(pub(super) &'a Decision);

impl Serialize for DecisionOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let decision = self.0;
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("claims", &PortsOut(&decision.ports))?;
        map.serialize_entry("allocated", decision.allocated())?;
        map.serialize_entry("released", decision.released())?;
        map.serialize_entry("diagnostics", &DiagnosticsOut(&decision.diagnostics))?;
        map.end()
    }
}

pub(super) struct ReleasedOut<'a>(pub(super) &'a Change, pub(super) u32);

impl Serialize for ReleasedOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("released", &self.0.delete)?;
        map.serialize_entry("change", &ChangeOut(self.1))?;
        map.end()
    }
}

/// The id the core keeps a change under. Its reservations are already in the result: a plan's
/// `allocated` and `released`, a release's `released`.
pub(super) struct ChangeOut(u32);

impl Serialize for ChangeOut {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("id", &self.0)?;
        map.end()
    }
}

/// Claim name → port as an object, in declaration order.
pub(super) struct PortsOut<'a>(&'a [(std::sync::Arc<str>, u16)]);

impl Serialize for PortsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(name, port)| (name, port)))
    }
}

pub(super) struct DiagnosticsOut<'a>(&'a [claims::Diagnostic]);

impl Serialize for DiagnosticsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|d| DiagnosticOut {
            severity: severity_name(&d.severity),
            message: &d.message,
            claim: d.claim.as_deref(),
            field: d.field.as_deref(),
        }))
    }
}

#[derive(Serialize)]
pub(super) struct DiagnosticOut<'a> {
    severity: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    claim: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

pub(super) fn severity_name(severity: &claims::Severity) -> &'static str {
    match severity {
        claims::Severity::Error => "error",
        claims::Severity::Warning => "warning",
        claims::Severity::Info => "info",
    }
}

/// A port group as a host shows it: its protocol, its ports in words, how many it may hand out.
#[derive(Serialize)]
pub(super) struct GroupOut<'a> {
    pub(super) group: &'a str,
    pub(super) protocol: claims::Protocol,
    pub(super) ports: String,
    /// `[from, to]` pairs, sorted and merged, before exclusions; and the exclusions.
    pub(super) ranges: &'a [(u16, u16)],
    pub(super) exclude: &'a [(u16, u16)],
    pub(super) size: u32,
}

#[derive(Serialize)]
pub(super) struct ClaimReferenceOut<'a> {
    pub(super) name: &'a str,
    pub(super) range: RangeOut,
    pub(super) guarded: bool,
}

#[derive(Serialize)]
pub(super) struct RangeOut {
    start: PositionOut,
    end: PositionOut,
}

#[derive(Serialize)]
pub(super) struct PositionOut {
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
