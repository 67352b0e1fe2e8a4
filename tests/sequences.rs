//! Model-based sequences: the unbroken reference meets the model in every sequence, and a
//! sequence that fails is shrunk to the shortest one that still fails.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{reference_target, spec};
use ses_conformance::case::new_run_id;
use ses_conformance::check::DivergenceClass;
use ses_conformance::client::{GateLimits, Target, TargetConfig, TargetKind};
use ses_conformance::profile::Profile;
use ses_conformance::reference::{Fault, Faults, Options};
use ses_conformance::run::sequences::SequencePlan;
use ses_conformance::run::{RunConfig, Session};
use ses_conformance::sequence::{SequenceConfig, SequenceResult, SequenceVerdict};

async fn run(target: Arc<Target>, count: usize, seed: u64) -> Vec<SequenceResult> {
    let spec = spec();
    let session = Session::new(Arc::clone(&spec), target, RunConfig::default(), None)
        .unwrap_or_else(|e| panic!("{e}"));
    let plan = SequencePlan {
        count,
        only: None,
        seed,
        config: SequenceConfig::default(),
    };
    let results = session.run_sequences(&plan, |_| {}).await;
    session.finish().await;
    results
}

fn show(results: &[SequenceResult]) -> String {
    results
        .iter()
        .filter(|r| r.verdict != SequenceVerdict::Conforms)
        .map(|r| format!("{} {:?}\n{}", r.id, r.verdict, r.render_steps()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_unbroken_reference_meets_the_model_in_every_sequence() {
    let spec = spec();
    let target = reference_target(&spec, Options::default()).await;
    let results = run(target, 40, 0).await;
    assert_eq!(results.len(), 40);
    let not_conforming: Vec<_> = results
        .iter()
        .filter(|r| r.verdict != SequenceVerdict::Conforms)
        .collect();
    assert!(not_conforming.is_empty(), "{}", show(&results));
    let steps: usize = results.iter().map(|r| r.steps.len()).sum();
    assert!(
        steps > 40 * 3,
        "sequences too short to say anything: {steps} steps"
    );
}

/// Prints what sequences find on a local endpoint: `SEQ_PROBE_URL=http://... cargo test --test
/// sequences -- --ignored --nocapture probe`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn probe() {
    let Ok(url) = std::env::var("SEQ_PROBE_URL") else {
        return;
    };
    let name = std::env::var("SEQ_PROBE_PROFILE").unwrap_or_else(|_| "moto".into());
    let spec = spec();
    let file =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("specs/targets/{name}.json"));
    let profile = Profile::load(&spec, &file).unwrap_or_else(|e| panic!("{e}"));
    let config = TargetConfig {
        name: name.clone(),
        kind: TargetKind::Local { url },
        region: "us-east-1".into(),
        timeout: Duration::from_secs(10),
        profile,
        run_id: new_run_id(),
        limits: GateLimits::default(),
    };
    let target = Arc::new(Target::connect(Arc::clone(&spec), config).await.unwrap());
    let count = std::env::var("SEQ_PROBE_COUNT")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(20);
    let results = run(target, count, 0).await;
    println!("{}", show(&results));
}

/// Run 80 sequences against a reference with `fault`; every sequence that departs does so with
/// `class`, at least one does, and the shortest failing one has at most `max_steps` steps.
async fn caught(fault: Fault, class: DivergenceClass, max_steps: usize) {
    let spec = spec();
    let options = Options {
        faults: Faults(vec![fault]),
        ..Options::default()
    };
    let target = reference_target(&spec, options).await;
    // The run's seed, as the suite's other tests take it: any seed must catch the fault.
    let seed = std::env::var("SES_CONFORMANCE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let results = run(target, 80, seed).await;
    let failing: Vec<&SequenceResult> = results
        .iter()
        .filter(|r| matches!(r.verdict, SequenceVerdict::Diverges { .. }))
        .collect();
    assert!(
        !failing.is_empty(),
        "{fault:?} went unnoticed by 80 sequences"
    );
    for r in &failing {
        assert!(
            matches!(r.verdict, SequenceVerdict::Diverges { class: c, .. } if c == class),
            "{fault:?}: {} {:?}\n{}",
            r.id,
            r.verdict,
            r.render_steps()
        );
    }
    let shortest = failing.iter().map(|r| r.steps.len()).min().unwrap_or(0);
    assert!(
        shortest <= max_steps,
        "{fault:?}: the shortest failing sequence has {shortest} steps:\n{}",
        show(&results)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_that_changes_nothing_is_caught_and_shrunk() {
    caught(Fault::UpdateTemplateIgnored, DivergenceClass::Behaviour, 3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_that_deletes_nothing_is_caught() {
    caught(Fault::DeleteTemplateIgnored, DivergenceClass::Behaviour, 3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_that_stores_nothing_is_caught() {
    caught(
        Fault::CustomTemplateNotStored,
        DivergenceClass::Behaviour,
        2,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_that_repeats_an_item_is_caught() {
    caught(Fault::ListingRepeatsItem, DivergenceClass::Behaviour, 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_that_stops_after_one_page_is_caught() {
    caught(Fault::ListingStopsEarly, DivergenceClass::Behaviour, 3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_next_token_that_never_ends_is_caught() {
    caught(Fault::NextTokenNeverEnds, DivergenceClass::Behaviour, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policy_views_that_disagree_are_caught() {
    caught(
        Fault::IdentityPoliciesMissing,
        DivergenceClass::Behaviour,
        2,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_entry_that_disagrees_with_get_is_caught() {
    caught(
        Fault::VerificationListingDisagrees,
        DivergenceClass::Behaviour,
        2,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_never_rendered_is_caught() {
    caught(Fault::RenderNotSubstituted, DivergenceClass::Behaviour, 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_past_the_limit_is_caught() {
    caught(Fault::PolicyLimitNotEnforced, DivergenceClass::Behaviour, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_created_status_other_than_200_is_caught_in_sequences() {
    caught(Fault::CreatedAs201, DivergenceClass::WrongStatus, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_body_that_is_not_json_is_caught_in_sequences() {
    caught(Fault::ErrorBodyNotJson, DivergenceClass::MalformedError, 1).await;
}

/// As a user sees it: a run against a server that keeps no update fails (exit 1), prints the
/// shortest failing sequence as numbered steps with one reproduction command, and that command
/// alone fails the same way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_sequence_fails_the_run_and_its_printed_command_reproduces_it() {
    use ses_conformance::reference::ReferenceServer;
    let options = Options {
        faults: Faults(vec![Fault::UpdateTemplateIgnored]),
        ..Options::default()
    };
    let server = ReferenceServer::start(spec(), options).await;
    let url = server.url();
    let dir = common::temp_dir("sequence-cli");
    let args = [
        "run",
        "--target",
        "faulty",
        "--endpoint",
        &url,
        "--op",
        "GetAccount",
        "--sequences",
        "40",
        // The failing sequence in full, steps and all (by default only its group's example).
        "--verbose",
    ];
    let (code, stdout, _) =
        tokio::task::block_in_place(|| common::cli::run(&args, &dir, Duration::from_secs(120)));
    assert_eq!(code, Some(1), "{stdout}");
    let repro = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("reproduce: ses-conformance "))
        .unwrap_or_else(|| panic!("no reproduction command:\n{stdout}"))
        .to_string();
    assert!(
        stdout.contains("\n  1. ") && stdout.contains("       expected: "),
        "numbered steps with what each call expected: {stdout}"
    );
    assert!(repro.contains("--sequence 'sequence::"), "{repro}");
    let repro_args: Vec<String> = repro
        .split_whitespace()
        .map(|a| a.trim_matches('\'').to_string())
        .collect();
    let repro_args: Vec<&str> = repro_args.iter().map(String::as_str).collect();
    let (code, again, _) = tokio::task::block_in_place(|| {
        common::cli::run(&repro_args, &dir, Duration::from_secs(120))
    });
    assert_eq!(code, Some(1), "{again}");
    assert!(
        again.contains("0 cases and 1 sequences, 1 failing"),
        "{again}"
    );
}
