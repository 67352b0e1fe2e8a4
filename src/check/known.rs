//! Known divergences: how a verdict stands against what the target's profile says it does.
//! Known divergences are strict: one that stops happening is `Stale`, and fails the run, so a
//! fixed emulator bug is noticed and the list never rots.

use serde::{Deserialize, Serialize};

use super::verdict::{DivergenceClass, Verdict, VerdictName};
use crate::case::{Case, Kind, Origin};
use crate::profile::{KnownClass, Profile};
use crate::spec::{validate_in, Edition, Spec};

/// How a case's verdict stands against its target's known divergences. In result files it is
/// the text `as-listed` or `stale: <pattern> expects <class>` (and absent when not listed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Known {
    /// No known divergence covers the case.
    #[default]
    NotListed,
    /// A known divergence covers it, and it happened as listed.
    AsListed,
    /// A known divergence covers it, but the case did not diverge that way: the entry is stale.
    Stale {
        /// The entry's `cases` pattern.
        pattern: String,
        /// The class the entry expects.
        expected: KnownClass,
    },
}

impl Known {
    /// Whether no known divergence covers the case.
    pub fn is_not_listed(&self) -> bool {
        *self == Known::NotListed
    }

    /// Whether a case with this verdict (`None`: not judged, as a skipped case) fails a run: a
    /// divergence, harness error or unsupported operation no known divergence lists, or a listed
    /// one that no longer happens.
    pub fn fails(&self, verdict: Option<VerdictName>) -> bool {
        match self {
            Known::AsListed => false,
            Known::Stale { .. } => true,
            Known::NotListed => matches!(
                verdict,
                Some(VerdictName::Diverges | VerdictName::HarnessError | VerdictName::Unsupported)
            ),
        }
    }

    /// Parse the text `Display` writes.
    pub fn parse(text: &str) -> Option<Known> {
        match text {
            "not-listed" => Some(Known::NotListed),
            "as-listed" => Some(Known::AsListed),
            _ => {
                // A pattern may hold spaces (`... (current rules)`); a class never does.
                let (pattern, expected) = text.strip_prefix("stale: ")?.rsplit_once(" expects ")?;
                Some(Known::Stale {
                    pattern: pattern.to_string(),
                    expected: KnownClass::parse(expected)?,
                })
            }
        }
    }
}

impl std::fmt::Display for Known {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Known::NotListed => f.write_str("not-listed"),
            Known::AsListed => f.write_str("as-listed"),
            Known::Stale { pattern, expected } => write!(f, "stale: {pattern} expects {expected}"),
        }
    }
}

impl Serialize for Known {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Known {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Known, D::Error> {
        let text = String::deserialize(deserializer)?;
        Known::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{text}` is not `as-listed` or `stale: <pattern> expects <class>`"
            ))
        })
    }
}

/// How a verdict stands against the profile's known divergences: the listed ones, then those
/// the profile's `current_rules` imply for this case's request.
pub fn classify(spec: &Spec, profile: &Profile, case: &Case, verdict: &Verdict) -> Known {
    let expected = match profile.known_for(&case.id, &case.request) {
        Some(known) => Some((
            known.cases.clone(),
            known.class,
            known.or_classes.as_slice(),
        )),
        None => current_rules_divergence(spec, profile, case).map(|class| {
            (
                format!("{} (current rules)", case.id),
                KnownClass::Diverges(class),
                &[][..],
            )
        }),
    };
    let Some((pattern, expected, or_classes)) = expected else {
        return Known::NotListed;
    };
    let observed = Verdict::known_class(verdict);
    if observed == Some(expected) || observed.is_some_and(|c| or_classes.contains(&c)) {
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
    use crate::profile::KnownDivergence;

    #[test]
    fn a_listed_divergence_that_no_longer_happens_is_stale() {
        let mut p = Profile::bare("t");
        p.known_divergences.push(KnownDivergence {
            cases: "x::*".into(),
            when: None,
            class: KnownClass::Diverges(DivergenceClass::AcceptedInvalid),
            or_classes: vec![KnownClass::Diverges(DivergenceClass::WrongErrorType)],
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
            let mut c = crate::generate::generate(&spec, &crate::generate::Settings::default())
                .into_iter()
                .next()
                .unwrap_or_else(|| panic!("no case"));
            c.id = id.into();
            c
        };
        let classify = |id: &str, v: &Verdict| classify(&spec, &p, &case(id), v);
        assert_eq!(classify("x::1", &diverges), Known::AsListed);
        let or_class = Verdict::Diverges {
            class: DivergenceClass::WrongErrorType,
            detail: String::new(),
        };
        assert_eq!(classify("x::1", &or_class), Known::AsListed);
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
            let settings = crate::generate::Settings {
                global_seed: seed,
                random_cases: 4,
                operations: vec!["ListEmailTemplates".into()],
            };
            for case in crate::generate::generate(&spec, &settings) {
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
    fn standings_read_back_as_written() {
        let standings = [
            Known::AsListed,
            Known::Stale {
                pattern: "x::*".into(),
                expected: KnownClass::Diverges(DivergenceClass::WrongStatus),
            },
            Known::Stale {
                pattern: "list_email_templates::invalid::page_size_above_max::0 (current rules)"
                    .into(),
                expected: KnownClass::Unsupported,
            },
        ];
        for known in standings {
            let json = serde_json::to_string(&known).unwrap_or_default();
            let back: Known = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json}: {e}"));
            assert_eq!(back, known, "{json}");
        }
        assert_eq!(
            serde_json::to_string(&Known::AsListed).unwrap_or_default(),
            "\"as-listed\""
        );
        assert!(serde_json::from_str::<Known>("\"stale: x expects conforms\"").is_err());
    }

    #[test]
    fn only_unlisted_failures_and_stale_entries_fail_a_run() {
        let stale = Known::Stale {
            pattern: "x".into(),
            expected: KnownClass::Unsupported,
        };
        for name in VerdictName::ALL {
            assert!(!Known::AsListed.fails(Some(name)));
            assert!(stale.fails(Some(name)));
            assert_eq!(
                Known::NotListed.fails(Some(name)),
                name != VerdictName::Conforms
            );
        }
        assert!(!Known::NotListed.fails(None));
    }

    #[test]
    fn known_classes_are_divergence_classes_and_unsupported() {
        for class in DivergenceClass::ALL {
            let json = format!("\"{}\"", class.as_str());
            let known: KnownClass =
                serde_json::from_str(&json).unwrap_or_else(|e| panic!("{class}: {e}"));
            assert_eq!(known, KnownClass::Diverges(class));
            assert_eq!(serde_json::to_string(&known).unwrap_or_default(), json);
        }
        let unsupported: KnownClass =
            serde_json::from_str("\"unsupported\"").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(unsupported, KnownClass::Unsupported);
        let err = serde_json::from_str::<KnownClass>("\"conforms\"")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("unknown variant `conforms`"), "{err}");
        assert!(err.contains("`unsupported`"), "{err}");
    }
}
