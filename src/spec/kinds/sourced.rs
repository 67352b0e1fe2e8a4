//! Rows without parameters: a member constraint that is just documented ([`Sourced`]), and a
//! rule of the protocol ([`ProtocolRule`]).

use serde::{Deserialize, Serialize};

use super::impl_row;

/// A constraint that needs no parameters.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Sourced {
    /// Where the documentation states it.
    pub source: String,
    /// Error types a target may answer with when it is broken; defaults to `BadRequestException`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    /// A remark for the reader.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// What the current API does with the rule, where it changed after the seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub later: Option<LaterRule>,
    /// Present when SES certainly enforces this rule before acting on a request today (a member
    /// the current model requires, a value SES cannot deserialize, an enum value outside the
    /// current model's set); says why, with its source. Only a request breaking such a rule may go
    /// to an opt-in operation on real SES without `--allow`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enforced: Option<String>,
}

impl_row!(Sourced);

/// A parameterless rule as documented after the seed.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LaterRule {
    /// The rule no longer holds (UseCaseDescription is no longer required).
    pub dropped: bool,
    /// Where the change is documented.
    pub source: String,
}

/// One protocol-level rule.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProtocolRule {
    /// Where the protocol states it.
    pub source: String,
    /// Error types a target may answer with when it is broken.
    pub errors: Vec<String>,
    /// Why SES certainly enforces it before acting (see [`Sourced::enforced`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enforced: Option<String>,
}
