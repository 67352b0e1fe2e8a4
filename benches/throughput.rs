//! Throughput of the harness against a plain loop, in the same run, against the same embedded
//! reference: `cargo bench --bench throughput`.
//!
//! The plain loop sends exactly what the harness sends (each case's fixtures, its request, its
//! cleanup) through the same clients, and does nothing else: no observation, no verdict, no
//! events. The ratio harness / plain loop is the harness's overhead; machines here are noisy, so
//! every figure is a median of alternating rounds and only ratios are meaningful.

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::reference_target;
use ses_conformance::case::{Call, Case, RequestPath};
use ses_conformance::gen::{self, Settings};
use ses_conformance::run::{RunConfig, Session};
use ses_conformance::spec::Spec;
use ses_conformance::target::{reference, Target};

const ROUNDS: usize = 5;

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
        target
            .send(
                spec,
                &case.operation,
                &case.request,
                case.path,
                case.raw_body.as_deref(),
            )
            .await;
        for c in &case.creates {
            send_call(&target, spec, &c.delete).await;
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

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn main() {
    let spec = Arc::new(Spec::load_default().unwrap_or_else(|e| panic!("{e}")));
    let cases: Vec<Arc<Case>> = gen::generate(&spec, &Settings::default())
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
    runtime.block_on(async {
        // Warm-up: connection pools, page cache, lazy statics.
        plain_on_worker(&spec, &cases).await;
        harness(&spec, &cases, 1).await;
        for _ in 0..ROUNDS {
            plain.push(plain_on_worker(&spec, &cases).await);
            for (i, c) in concurrencies.iter().enumerate() {
                by_concurrency[i].push(harness(&spec, &cases, *c).await);
            }
        }
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
}
