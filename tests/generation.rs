//! Properties of case generation: every valid request is valid, every invalid request breaks
//! exactly the one constraint it is named for, ids are unique and seeds reproduce requests.

use std::collections::HashSet;

use proptest::prelude::*;
use ses_conformance::case::{Case, Kind, Origin};
use ses_conformance::generate::{self, Settings};
use ses_conformance::spec::{self, Spec};

/// A rule a test checks, broken, and how.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Broken(String);

fn spec() -> &'static Spec {
    static SPEC: std::sync::OnceLock<Spec> = std::sync::OnceLock::new();
    SPEC.get_or_init(|| Spec::load_default().unwrap_or_else(|e| panic!("{e}")))
}

/// The constraints a case's request breaks, by name, as the validator sees them (plus the
/// malformed body a wire case may carry instead of its JSON).
fn broken(case: &Case) -> Vec<String> {
    let op = spec()
        .operation(&case.operation)
        .expect("case of a known operation");
    let mut names: Vec<String> = spec::validate(spec(), op, &case.request)
        .into_iter()
        .map(|v| v.constraint)
        .collect();
    if let Some(body) = &case.raw_body {
        if serde_json::from_str::<serde_json::Value>(body).is_err() {
            names.push("request.json_body".into());
        }
    }
    names
}

fn assert_case_agrees_with_validator(case: &Case) -> Result<(), Broken> {
    let broken = broken(case);
    match (case.kind, case.origin) {
        (Kind::Valid, _) | (Kind::Invalid, Origin::Behaviour) => {
            if !broken.is_empty() {
                return Err(Broken(format!(
                    "{}: request should meet every constraint but breaks {broken:?}\nrequest: {}",
                    case.id, case.request
                )));
            }
        }
        (Kind::Invalid, Origin::Constraint) => {
            if broken != vec![case.constraint.clone()] {
                return Err(Broken(format!(
                    "{}: should break exactly `{}`, breaks {broken:?}\nrequest: {}",
                    case.id, case.constraint, case.request
                )));
            }
        }
    }
    Ok(())
}

#[test]
fn default_cases_agree_with_the_validator() {
    let cases = generate::generate(spec(), &Settings::default());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            assert_case_agrees_with_validator(c)
                .err()
                .map(|e| e.to_string())
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases disagree:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// Whatever the global seed, random instances keep the property.
    #[test]
    fn random_cases_agree_with_the_validator(seed in any::<u64>()) {
        let settings = Settings { global_seed: seed, random_cases: 3, operations: vec![] };
        for case in generate::generate(spec(), &settings) {
            prop_assert!(assert_case_agrees_with_validator(&case).is_ok(), "{}", assert_case_agrees_with_validator(&case).unwrap_err());
        }
    }
}

#[test]
fn case_ids_are_unique() {
    let cases = generate::generate(spec(), &Settings::default());
    let mut seen = HashSet::new();
    for case in &cases {
        assert!(seen.insert(case.id.clone()), "duplicate id {}", case.id);
    }
}

#[test]
fn a_case_reproduces_from_its_id_alone() {
    let all = generate::generate(spec(), &Settings::default());
    let again = generate::generate(spec(), &Settings::default());
    assert_eq!(all, again);
    let other_seed = generate::generate(
        spec(),
        &Settings {
            global_seed: 7,
            ..Settings::default()
        },
    );
    let changed = all
        .iter()
        .zip(&other_seed)
        .filter(|(a, b)| a.request != b.request)
        .count();
    assert!(changed > 0, "the global seed changes random requests");
}

#[test]
fn every_operation_has_cases_and_every_constraint_a_valid_and_an_invalid_case() {
    let cases = generate::generate(spec(), &Settings::default());
    for op in spec().operations.values() {
        let op_cases: Vec<&Case> = cases
            .iter()
            .filter(|c| c.operation == op.operation)
            .collect();
        assert!(!op_cases.is_empty(), "{} has no cases", op.operation);
        for constraint in spec::named_constraints(spec(), op)
            .into_iter()
            .filter(|c| c.in_seed)
        {
            let name = constraint.name();
            for kind in [Kind::Valid, Kind::Invalid] {
                assert!(
                    op_cases
                        .iter()
                        .any(|c| c.constraint == name && c.kind == kind),
                    "{}: constraint {name} has no {kind:?} case",
                    op.operation
                );
            }
        }
    }
}
