//! Known divergences: how a verdict stands against what the target's profile says it does.
//! Known divergences are strict: one that stops happening is `Stale`, and fails the run, so a
//! fixed emulator bug is noticed and the list never rots.

use serde::Serialize;

use super::verdict::Verdict;
use crate::target::profile::Profile;

/// How a case's verdict stands against its target's known divergences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Known {
    /// No known divergence covers the case.
    NotListed,
    /// A known divergence covers it, and it happened as listed.
    AsListed,
    /// A known divergence covers it, but the case did not diverge that way: the entry is stale.
    Stale {
        /// The entry's `cases` pattern.
        pattern: String,
        /// The class the entry expects.
        expected: String,
    },
}

/// How a verdict stands against the profile's known divergences.
pub fn classify(profile: &Profile, case_id: &str, verdict: &Verdict) -> Known {
    let Some(known) = profile.known_for(case_id) else {
        return Known::NotListed;
    };
    let observed = match verdict {
        Verdict::Diverges { class, .. } => Some(class.as_str()),
        Verdict::Unsupported { .. } => Some("unsupported"),
        _ => None,
    };
    if observed == Some(known.class.as_str()) {
        Known::AsListed
    } else {
        Known::Stale {
            pattern: known.cases.clone(),
            expected: known.class.as_str().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::DivergenceClass;
    use crate::target::profile::{KnownClass, KnownDivergence};

    #[test]
    fn a_listed_divergence_that_no_longer_happens_is_stale() {
        let mut p = Profile::bare("t");
        p.known_divergences.push(KnownDivergence {
            cases: "x::*".into(),
            class: KnownClass::AcceptedInvalid,
            what: "w".into(),
            why: "y".into(),
        });
        let diverges = Verdict::Diverges {
            class: DivergenceClass::AcceptedInvalid,
            detail: String::new(),
        };
        let other_class = Verdict::Diverges {
            class: DivergenceClass::WrongStatus,
            detail: String::new(),
        };
        assert_eq!(classify(&p, "x::1", &diverges), Known::AsListed);
        assert!(matches!(
            classify(&p, "x::1", &Verdict::Conforms),
            Known::Stale { .. }
        ));
        assert!(matches!(
            classify(&p, "x::1", &other_class),
            Known::Stale { .. }
        ));
        assert_eq!(classify(&p, "y::1", &Verdict::Conforms), Known::NotListed);
    }

    #[test]
    fn every_divergence_class_can_be_listed() {
        for class in DivergenceClass::ALL {
            let json = format!("\"{}\"", class.as_str());
            let known: KnownClass =
                serde_json::from_str(&json).unwrap_or_else(|e| panic!("{class}: {e}"));
            assert_eq!(known.as_str(), class.as_str());
        }
    }
}
