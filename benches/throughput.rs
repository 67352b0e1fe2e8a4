//! Throughput of the harness against a plain loop, in the same run, against the same embedded
//! reference: `cargo bench --bench throughput`.
//!
//! The plain loop sends exactly what the harness sends (each case's fixtures, its request, its
//! cleanup) through the same clients, and does nothing else: no observation, no verdict, no
//! events. The ratio harness / plain loop is the harness's overhead; machines here are noisy, so
//! every figure is a median of alternating rounds and only ratios are meaningful.
//!
//! `explore` is measured in the same rounds: requests explored per second (every operation,
//! a fixed seed, the same reference) as a ratio to the harness's cases per second at
//! concurrency 1 (exploration sends one request at a time), and the shrink steps each finding
//! took against references with a value-dependent fault.

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::reference_target;
use ses_conformance::case::{Call, Case, RequestPath};
use ses_conformance::client::Target;
use ses_conformance::explore::{run_exploration, ExploreOptions};
use ses_conformance::generate::{self, Settings};
use ses_conformance::reference;
use ses_conformance::run::{RunConfig, Session};
use ses_conformance::spec::Spec;

const ROUNDS: usize = 5;
/// Requests per exploration round: about twice the suite's cases.
const EXPLORE_BUDGET: usize = 2000;

/// The same requests as the harness, in a plain loop, nothing else.
/// One call through the SDK path, as fixtures and cleanups go.
async fn send_call(target: &Target, spec: &Spec, call: &Call) {
    target
        .send(spec, &call.operation, &call.request, RequestPath::Sdk, None)
        .await;
}

async fn plain_loop(spec: &Arc<Spec>, cases: &[Arc<Case>]) -> Duration {
    let target = reference_target(spec, reference::Options::default()).await;
    let identity =
        serde_json::json!({"EmailIdentity": ses_conformance::case::IDENTITY_PLACEHOLDER});
    let start = Instant::now();
    let setup = Call {
        operation: "CreateEmailIdentity".into(),
        request: identity.clone(),
    };
    send_call(&target, spec, &setup).await;
    for case in cases {
        for f in &case.fixtures {
            send_call(&target, spec, &f.create).await;
        }
        let answer = target
            .send(
                spec,
                &case.operation,
                &case.request,
                case.path,
                case.raw_body.as_deref(),
            )
            .await;
        // As the harness does: what a case would have made is removed only when the target
        // accepted it (an invalid create that was refused made nothing).
        let accepted = answer
            .response
            .as_ref()
            .is_some_and(|r| (200..300).contains(&r.status));
        if accepted {
            for c in &case.creates {
                send_call(&target, spec, &c.delete).await;
            }
        }
        for f in case.fixtures.iter().rev() {
            send_call(&target, spec, &f.delete).await;
        }
    }
    let teardown = Call {
        operation: "DeleteEmailIdentity".into(),
        request: identity,
    };
    send_call(&target, spec, &teardown).await;
    start.elapsed()
}

/// The plain loop as a task on the runtime's workers, where the harness's cases run too: a
/// future blocked on from the main thread pays for cross-thread wake-ups the harness does not.
async fn plain_on_worker(spec: &Arc<Spec>, cases: &[Arc<Case>]) -> Duration {
    let (spec, cases) = (Arc::clone(spec), cases.to_vec());
    tokio::spawn(async move { plain_loop(&spec, &cases).await })
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn harness(spec: &Arc<Spec>, cases: &[Arc<Case>], concurrency: usize) -> Duration {
    let target = reference_target(spec, reference::Options::default()).await;
    let config = RunConfig {
        concurrency,
        ..RunConfig::default()
    };
    let session = Arc::new(
        Session::new(Arc::clone(spec), target, config, None).unwrap_or_else(|e| panic!("{e}")),
    );
    let start = Instant::now();
    let mut failing = 0;
    session
        .run_all(cases.to_vec(), |event| {
            if let ses_conformance::run::Event::Finished(r) = event {
                failing += usize::from(r.fails_run());
            }
        })
        .await;
    let elapsed = start.elapsed();
    assert_eq!(
        failing, 0,
        "the reference must conform while being measured"
    );
    elapsed
}

/// A session on a fresh reference with these faults.
async fn session_on(spec: &Arc<Spec>, faults: Vec<reference::Fault>) -> Session {
    let options = reference::Options {
        faults: reference::Faults(faults),
        ..reference::Options::default()
    };
    let target = reference_target(spec, options).await;
    Session::new(Arc::clone(spec), target, RunConfig::default(), None)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// One exploration of every operation: its wall time and the requests it explored.
async fn explore(spec: &Arc<Spec>) -> (Duration, usize) {
    let session = session_on(spec, Vec::new()).await;
    let options = ExploreOptions {
        budget: Some(EXPLORE_BUDGET),
        seed: Some(2024),
        ..ExploreOptions::default()
    };
    let report = run_exploration(&session, Arc::clone(spec), &options, |_| {}).await;
    session.finish().await;
    assert!(
        report.findings.is_empty(),
        "the reference must conform while being measured"
    );
    (report.elapsed, report.requests)
}

/// Shrink steps of each finding against a reference with one value-dependent fault.
async fn shrink_steps(
    spec: &Arc<Spec>,
    fault: reference::Fault,
    op: &str,
    seed: u64,
) -> Vec<usize> {
    let session = session_on(spec, vec![fault]).await;
    let options = ExploreOptions {
        operations: vec![op.to_string()],
        budget: Some(400),
        seed: Some(seed),
        ..ExploreOptions::default()
    };
    let report = run_exploration(&session, Arc::clone(spec), &options, |_| {}).await;
    session.finish().await;
    report.findings.iter().map(|f| f.shrink_steps).collect()
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn main() {
    let spec = Arc::new(Spec::load_default().unwrap_or_else(|e| panic!("{e}")));
    let cases: Vec<Arc<Case>> = generate::generate(&spec, &Settings::default())
        .into_iter()
        .map(Arc::new)
        .collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let concurrencies = [1, 2, 4, 8];
    let mut plain = Vec::new();
    let mut by_concurrency: Vec<Vec<Duration>> = vec![Vec::new(); concurrencies.len()];
    // Explored requests per second, as a ratio to the harness's cases per second at
    // concurrency 1 in the same round.
    let mut explore_ratios = Vec::new();
    let mut explore_rates = Vec::new();
    let mut shrinks = Vec::new();
    runtime.block_on(async {
        // Warm-up: connection pools, page cache, lazy statics.
        plain_on_worker(&spec, &cases).await;
        harness(&spec, &cases, 1).await;
        explore(&spec).await;
        for _ in 0..ROUNDS {
            plain.push(plain_on_worker(&spec, &cases).await);
            for (i, c) in concurrencies.iter().enumerate() {
                by_concurrency[i].push(harness(&spec, &cases, *c).await);
            }
            let (elapsed, requests) = explore(&spec).await;
            let explore_rate = requests as f64 / elapsed.as_secs_f64();
            let run_rate =
                cases.len() as f64 / by_concurrency[0][by_concurrency[0].len() - 1].as_secs_f64();
            explore_rates.push(explore_rate);
            explore_ratios.push(explore_rate / run_rate);
        }
        shrinks.push((
            "TemplateNameLongRejected",
            shrink_steps(
                &spec,
                reference::Fault::TemplateNameLongRejected,
                "CreateEmailTemplate",
                12,
            )
            .await,
        ));
        shrinks.push((
            "PolicyNameLengthNotChecked",
            shrink_steps(
                &spec,
                reference::Fault::PolicyNameLengthNotChecked,
                "CreateEmailIdentityPolicy",
                5,
            )
            .await,
        ));
    });
    let plain = median(plain);
    let n = cases.len() as f64;
    println!(
        "cases: {} (default settings), rounds: {ROUNDS}, medians",
        cases.len()
    );
    println!(
        "plain loop (same requests, same clients, concurrency 1): {:>8.1} ms  {:>7.0} cases/s",
        plain.as_secs_f64() * 1e3,
        n / plain.as_secs_f64()
    );
    for (i, c) in concurrencies.iter().enumerate() {
        let t = median(by_concurrency[i].clone());
        println!(
            "harness --concurrency {c}: {:>8.1} ms  {:>7.0} cases/s  ratio to plain loop {:.3}",
            t.as_secs_f64() * 1e3,
            n / t.as_secs_f64(),
            t.as_secs_f64() / plain.as_secs_f64()
        );
    }
    explore_rates.sort_by(f64::total_cmp);
    explore_ratios.sort_by(f64::total_cmp);
    println!(
        "explore (every operation, {EXPLORE_BUDGET} requests, seed 2024): {:>7.0} requests/s  ratio to harness --concurrency 1 cases/s {:.3}",
        explore_rates[ROUNDS / 2],
        explore_ratios[ROUNDS / 2]
    );
    for (fault, steps) in shrinks {
        println!("explore shrink steps per finding against the {fault} fault: {steps:?}");
    }
}
