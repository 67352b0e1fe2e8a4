//! Known divergences: how a verdict stands against what the target's profile says it does.
//! Known divergences are strict: one that stops happening is `Stale`, and fails the run, so a
//! fixed emulator bug is noticed and the list never rots.

use serde::Serialize;

use super::verdict::{DivergenceClass, Verdict};
use crate::case::{Case, Kind, Origin};
use crate::spec::{validate_in, Edition, Spec};
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

/// How a verdict stands against the profile's known divergences: the listed ones, then those
/// the profile's `current_rules` imply for this case's request.
pub fn classify(spec: &Spec, profile: &Profile, case: &Case, verdict: &Verdict) -> Known {
    let expected = match profile.known_for(&case.id, &case.request) {
        Some(known) => Some((known.cases.clone(), known.class.as_str().to_string())),
        None => current_rules_divergence(spec, profile, case).map(|class| {
            (
                format!("{} (current rules)", case.id),
                class.as_str().to_string(),
            )
        }),
    };
    let Some((pattern, expected)) = expected else {
        return Known::NotListed;
    };
    let observed = match verdict {
        Verdict::Diverges { class, .. } => Some(class.as_str()),
        Verdict::Unsupported { .. } => Some("unsupported"),
        _ => None,
    };
    if observed == Some(expected.as_str()) {
        Known::AsListed
    } else {
        Known::Stale { pattern, expected }
    }
}

/// The divergence a target following the current rules must show on this case: the seed calls
/// its request invalid and the current rules valid (`accepted-invalid`), or the other way round
/// (`rejected-valid`). Only constraint cases: a behaviour's expectation is not about validity.
pub fn current_rules_divergence(
    spec: &Spec,
    profile: &Profile,
    case: &Case,
) -> Option<DivergenceClass> {
    profile.current_rules.as_ref()?;
    if case.origin != Origin::Constraint {
        return None;
    }
    let op = spec.operation(&case.operation)?;
    // A body that is not the request's JSON (malformed JSON) is judged by neither edition.
    if case.raw_body.is_some() {
        return None;
    }
    let seed_valid = validate_in(spec, op, &case.request, Edition::Seed).is_empty();
    let current_valid = validate_in(spec, op, &case.request, Edition::Current).is_empty();
    match (case.kind, seed_valid, current_valid) {
        (Kind::Invalid, false, true) => Some(DivergenceClass::AcceptedInvalid),
        (Kind::Valid, true, false) => Some(DivergenceClass::RejectedValid),
        _ => None,
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
            when: None,
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
        let spec = Spec::load_default().unwrap_or_else(|e| panic!("{e}"));
        let case = |id: &str| {
            let mut c = crate::gen::generate(&spec, &crate::gen::Settings::default())
                .into_iter()
                .next()
                .unwrap_or_else(|| panic!("no case"));
            c.id = id.into();
            c
        };
        let classify = |id: &str, v: &Verdict| classify(&spec, &p, &case(id), v);
        assert_eq!(classify("x::1", &diverges), Known::AsListed);
        assert!(matches!(
            classify("x::1", &Verdict::Conforms),
            Known::Stale { .. }
        ));
        assert!(matches!(
            classify("x::1", &other_class),
            Known::Stale { .. }
        ));
        assert_eq!(classify("y::1", &Verdict::Conforms), Known::NotListed);
    }

    #[test]
    fn the_current_rules_decide_which_cases_diverge_for_any_value() {
        let spec = Spec::load_default().unwrap_or_else(|e| panic!("{e}"));
        let mut p = Profile::bare("t");
        p.current_rules = Some("test".into());
        for seed in 0..20 {
            let settings = crate::gen::Settings {
                global_seed: seed,
                random_cases: 4,
                operations: vec!["ListEmailTemplates".into()],
            };
            for case in crate::gen::generate(&spec, &settings) {
                let size = case
                    .request
                    .get("PageSize")
                    .and_then(serde_json::Value::as_i64);
                let expected = match (case.constraint.as_str(), case.kind, size) {
                    ("PageSize.range", Kind::Invalid, Some(11..=100)) => {
                        Some(DivergenceClass::AcceptedInvalid)
                    }
                    _ => None,
                };
                assert_eq!(
                    current_rules_divergence(&spec, &p, &case),
                    expected,
                    "{} with PageSize {size:?}",
                    case.id
                );
            }
        }
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
