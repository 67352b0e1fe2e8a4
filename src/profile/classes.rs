//! The classes of outcome a profile names: how an answer departs from the contract, and
//! `unsupported`. They are the words of `check`'s verdicts; they live here, below `check`, because
//! profiles are written in them and `check` reads profiles.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// How an answer departs from the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DivergenceClass {
    /// An invalid request was accepted.
    AcceptedInvalid,
    /// A valid request was rejected.
    RejectedValid,
    /// Rejected with an error type the contract does not allow here.
    WrongErrorType,
    /// The right error type with the wrong HTTP status.
    WrongStatus,
    /// An error answer without a readable error type.
    MalformedError,
    /// A successful answer that does not fit the documented output.
    ResponseShape,
    /// A documented behaviour not honoured.
    Behaviour,
}

impl DivergenceClass {
    /// The kebab-case name used in reports and profiles.
    pub fn as_str(self) -> &'static str {
        match self {
            DivergenceClass::AcceptedInvalid => "accepted-invalid",
            DivergenceClass::RejectedValid => "rejected-valid",
            DivergenceClass::WrongErrorType => "wrong-error-type",
            DivergenceClass::WrongStatus => "wrong-status",
            DivergenceClass::MalformedError => "malformed-error",
            DivergenceClass::ResponseShape => "response-shape",
            DivergenceClass::Behaviour => "behaviour",
        }
    }

    /// Every class, in report order.
    pub const ALL: [DivergenceClass; 7] = [
        DivergenceClass::AcceptedInvalid,
        DivergenceClass::RejectedValid,
        DivergenceClass::WrongErrorType,
        DivergenceClass::WrongStatus,
        DivergenceClass::MalformedError,
        DivergenceClass::ResponseShape,
        DivergenceClass::Behaviour,
    ];

    /// Parse a kebab-case name.
    pub fn parse(text: &str) -> Option<DivergenceClass> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

/// The outcome a known divergence names: a divergence class, or `unsupported`, spelled as
/// verdicts spell them (`accepted-invalid`, ..., `unsupported`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KnownClass {
    /// The target diverges with this class.
    Diverges(DivergenceClass),
    /// The target says it does not implement the operation.
    Unsupported,
}

impl KnownClass {
    /// Every class a known divergence can name, in report order.
    pub fn all() -> impl Iterator<Item = KnownClass> {
        DivergenceClass::ALL
            .into_iter()
            .map(KnownClass::Diverges)
            .chain([KnownClass::Unsupported])
    }

    /// The kebab-case name, as verdicts and reports spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            KnownClass::Diverges(class) => class.as_str(),
            // As the verdict `unsupported` is spelled (`check` holds the two to each other).
            KnownClass::Unsupported => "unsupported",
        }
    }

    /// Parse a kebab-case name.
    pub fn parse(text: &str) -> Option<KnownClass> {
        Self::all().find(|k| k.as_str() == text)
    }
}

impl std::fmt::Display for KnownClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for KnownClass {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for KnownClass {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<KnownClass, D::Error> {
        static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
        let text = String::deserialize(deserializer)?;
        KnownClass::parse(&text).ok_or_else(|| {
            let names = NAMES.get_or_init(|| KnownClass::all().map(KnownClass::as_str).collect());
            serde::de::Error::unknown_variant(&text, names)
        })
    }
}
