//! The one error type of the claims core.

use std::fmt;

/// Why a claims configuration, a groups configuration, a snapshot or a decision was refused.
///
/// It prints as one line that says where the problem is, so a user can find it in the file they
/// wrote: `ports.json: [2].preferred_port: must be an integer from 1 to 65535, got "abc"`, or
/// `claim "web": preferred port 8080 is held by scope "shop", claim "api"`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ClaimsError {
    /// The input the error is in: `ports.json`, `port groups`, `reservations` or `change`;
    /// `None` for errors that arise while deciding.
    pub document: Option<String>,
    /// Where in that input, as a path: `[2].preferred_port`, `tcp.ranges[1]`.
    pub field: Option<String>,
    /// The claim a decision failed for.
    pub claim: Option<String>,
    /// What is wrong, without the location.
    pub message: String,
    /// The group a claim could not be given a port from.
    pub group: Option<Box<str>>,
    /// The scope and claim holding the port a claim insisted on (boxed, as `group`, to keep
    /// every `Result` of the claims small).
    pub holder: Option<Box<(String, String)>>,
}

impl ClaimsError {
    /// An error with no location, for failures of the whole operation.
    pub fn new(message: impl Into<String>) -> ClaimsError {
        ClaimsError {
            document: None,
            field: None,
            claim: None,
            message: message.into(),
            group: None,
            holder: None,
        }
    }

    /// An error at `field` of `document`; an empty `field` means the document itself.
    pub(crate) fn at(document: &str, field: &str, message: impl Into<String>) -> ClaimsError {
        ClaimsError {
            document: Some(document.to_string()),
            field: (!field.is_empty()).then(|| field.to_string()),
            claim: None,
            message: message.into(),
            group: None,
            holder: None,
        }
    }

    /// An error deciding `claim`.
    pub(crate) fn for_claim(claim: &str, message: impl Into<String>) -> ClaimsError {
        ClaimsError {
            document: None,
            field: None,
            claim: Some(claim.to_string()),
            message: message.into(),
            group: None,
            holder: None,
        }
    }

    /// The same error, naming the group that had no port to give.
    pub(crate) fn in_group(mut self, group: &str) -> ClaimsError {
        self.group = Some(group.into());
        self
    }

    /// The same error, naming the scope and claim that hold the port.
    pub(crate) fn held_by(mut self, scope: &str, claim: &str) -> ClaimsError {
        self.holder = Some(Box::new((scope.to_string(), claim.to_string())));
        self
    }
}

impl ClaimsError {
    /// The error as it prints, without the input it is in: `[2].preferred_port: must be …`, for
    /// a host that names that input its own way (the file the user gave for `ports.json`).
    pub fn detail(&self) -> String {
        Detail(self).to_string()
    }
}

/// Everything of the printed error after its `document: `.
struct Detail<'a>(&'a ClaimsError);

impl fmt::Display for Detail<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(field) = &self.0.field {
            write!(f, "{field}: ")?;
        }
        if let Some(claim) = &self.0.claim {
            write!(f, "claim {claim:?}: ")?;
        }
        // Messages quote user text with `{:?}`, which escapes line breaks, so this stays one line.
        f.write_str(&self.0.message)
    }
}

impl fmt::Display for ClaimsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(document) = &self.document {
            write!(f, "{document}: ")?;
        }
        Detail(self).fmt(f)
    }
}

impl std::error::Error for ClaimsError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_location() {
        let e = ClaimsError::at("ports.json", "[2].preferred_port", "must be an integer");
        assert_eq!(
            e.to_string(),
            "ports.json: [2].preferred_port: must be an integer"
        );
        let e = ClaimsError::at("port groups", "", "must be an object");
        assert_eq!(e.to_string(), "port groups: must be an object");
        let e = ClaimsError::for_claim("web", "no free port");
        assert_eq!(e.to_string(), "claim \"web\": no free port");
        assert_eq!(ClaimsError::new("gave up").to_string(), "gave up");
    }

    #[test]
    fn detail_is_the_display_without_the_document() {
        let e = ClaimsError::at("ports.json", "[2].preferred_port", "must be an integer");
        assert_eq!(e.detail(), "[2].preferred_port: must be an integer");
        let e = ClaimsError::at("port groups", "", "must be an object");
        assert_eq!(e.detail(), "must be an object");
        let mut e = ClaimsError::for_claim("we\"b", "no free port");
        e.field = Some("[0]".into());
        assert_eq!(e.detail(), "[0]: claim \"we\\\"b\": no free port");
        assert_eq!(e.to_string(), e.detail());
    }
}
