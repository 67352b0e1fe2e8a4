//! Exploration against the embedded reference: a fault that shows only for some values is found,
//! shrunk to its boundary, kept as a regression and replayed by a later run; the unbroken
//! reference gives no finding however long the search.

mod common;

use std::sync::Arc;

use common::{reference_target, spec, temp_dir};
use ses_conformance::case::PREFIX_PLACEHOLDER;
use ses_conformance::check::{DivergenceClass, Verdict};
use ses_conformance::explore::{
    keep_findings, regression_cases, run_exploration, ExploreEvent, ExploreOptions, ExploreReport,
};
use ses_conformance::reference::{Fault, Faults, Options};
use ses_conformance::report::explore::{render_console, ReplayCommand};
use ses_conformance::report::{Coverage, CoverageCounter};
use ses_conformance::run::{Outcome, RunConfig, Session};
use ses_conformance::spec::Spec;

async fn session(spec: &Arc<Spec>, faults: Vec<Fault>) -> Session {
    let target = reference_target(
        spec,
        Options {
            faults: Faults(faults),
            ..Options::default()
        },
    )
    .await;
    Session::new(Arc::clone(spec), target, RunConfig::default(), None)
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn explore(
    spec: &Arc<Spec>,
    faults: Vec<Fault>,
    ops: &[&str],
    budget: usize,
    seed: u64,
) -> ExploreReport {
    explore_counting(spec, faults, ops, budget, seed).await.0
}

/// An exploration, and the constraints its requests reached (counted from its events, as the
/// command counts them).
async fn explore_counting(
    spec: &Arc<Spec>,
    faults: Vec<Fault>,
    ops: &[&str],
    budget: usize,
    seed: u64,
) -> (ExploreReport, Coverage) {
    let session = session(spec, faults).await;
    let operations: Vec<String> = ops.iter().map(|s| s.to_string()).collect();
    let options = ExploreOptions {
        operations: operations.clone(),
        budget: Some(budget),
        seed: Some(seed),
        ..ExploreOptions::default()
    };
    let mut coverage = CoverageCounter::new(spec, &operations);
    let report = run_exploration(&session, Arc::clone(spec), &options, |event| {
        if let ExploreEvent::Ran { result, .. } = event {
            coverage.add(result);
        }
    })
    .await;
    session.finish().await;
    (report, coverage.finish())
}

fn replay() -> ReplayCommand {
    ReplayCommand {
        target: "reference".into(),
        endpoint: None,
        identity: None,
        regressions: "regressions/reference.json".into(),
    }
}

/// The verdict of one case run alone against a reference with `faults`.
async fn verdict_of(
    spec: &Arc<Spec>,
    faults: Vec<Fault>,
    case: ses_conformance::case::Case,
) -> Verdict {
    let session = session(spec, faults).await;
    let result = session.run_case(Arc::new(case)).await;
    session.finish().await;
    match result.outcome {
        Outcome::Ran { verdict, .. } => verdict,
        Outcome::Skipped { reason } => panic!("skipped: {reason}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_name_fault_is_found_shrunk_to_the_boundary_kept_and_replayed() {
    let spec = spec();
    let faults = vec![Fault::TemplateNameLongRejected];
    let report = explore(&spec, faults.clone(), &["CreateEmailTemplate"], 400, 12).await;
    println!(
        "{}",
        render_console(&report, &Coverage::default(), &replay())
    );
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
    let finding = &report.findings[0];
    assert_eq!(finding.class, DivergenceClass::RejectedValid);
    assert_eq!(finding.label, "valid");
    let name = finding.request()["TemplateName"]
        .as_str()
        .unwrap_or_default();
    assert!(name.starts_with(PREFIX_PLACEHOLDER), "{name}");
    assert_eq!(name.chars().count(), 41, "not at the boundary: {name}");
    assert!(
        name[PREFIX_PLACEHOLDER.len()..].chars().all(|c| c == 'a'),
        "not the simplest characters: {name}"
    );
    assert!(report.requests <= 400);

    let dir = temp_dir("explore");
    let path = dir.join("regressions").join("reference.json");
    assert_eq!(keep_findings(&path, &report.findings).ok(), Some(1));
    assert_eq!(
        keep_findings(&path, &report.findings).ok(),
        Some(0),
        "kept twice"
    );
    let cases = regression_cases(&spec, &path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cases.len(), 1);
    assert!(cases[0]
        .id
        .starts_with("create_email_template::regression::"));

    let faulty = verdict_of(&spec, faults, cases[0].clone()).await;
    assert_eq!(
        faulty.class(),
        Some(DivergenceClass::RejectedValid),
        "{faulty:?}"
    );
    let unbroken = verdict_of(&spec, Vec::new(), cases[0].clone()).await;
    assert_eq!(unbroken, Verdict::Conforms);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_unbroken_reference_gives_no_finding_in_a_long_exploration() {
    let spec = spec();
    let (report, coverage) = explore_counting(&spec, Vec::new(), &[], 2000, 2024).await;
    println!("{}", render_console(&report, &coverage, &replay()));
    println!("{}", coverage.render());
    let found: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{} {} {}", f.minimal.case.id, f.class, f.request()))
        .collect();
    assert!(found.is_empty(), "{found:#?}");
    assert_eq!(report.requests, 2000);
    assert!(report.undrawable.is_empty(), "{:?}", report.undrawable);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_name_accepted_is_shrunk_to_one_past_the_maximum() {
    let spec = spec();
    let faults = vec![Fault::PolicyNameLengthNotChecked];
    let report = explore(&spec, faults, &["CreateEmailIdentityPolicy"], 400, 5).await;
    println!(
        "{}",
        render_console(&report, &Coverage::default(), &replay())
    );
    let finding = report
        .findings
        .iter()
        .find(|f| f.label == "policy_name_length_above_max")
        .unwrap_or_else(|| panic!("not found: {:#?}", report.findings));
    assert_eq!(finding.class, DivergenceClass::AcceptedInvalid);
    let name = finding.request()["PolicyName"].as_str().unwrap_or_default();
    assert_eq!(name.chars().count(), 65, "not at the boundary: {name}");
    assert!(name.starts_with(PREFIX_PLACEHOLDER), "{name}");
}

/// Not a check: the figures of the closing note (explored requests per second against `run`'s
/// cases per second, same process, same reference). `cargo test --release --test explore --
/// --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn explore_rate_against_run_rate() {
    let spec = spec();
    let session = session(&spec, Vec::new()).await;
    let settings = ses_conformance::generate::Settings::default();
    let cases: Vec<_> = ses_conformance::generate::generate(&spec, &settings)
        .into_iter()
        .map(Arc::new)
        .collect();
    let count = cases.len();
    let started = std::time::Instant::now();
    // One case at a time, as exploration sends them.
    for case in cases {
        session.run_case(case).await;
    }
    let run_rate = count as f64 / started.elapsed().as_secs_f64();
    session.finish().await;
    let report = explore(&spec, Vec::new(), &[], 2000, 2024).await;
    let explore_rate = report.requests_per_second();
    println!(
        "run: {count} cases at {run_rate:.1}/s; explore: {} requests at {explore_rate:.1}/s; ratio {:.2}",
        report.requests,
        explore_rate / run_rate
    );
}
