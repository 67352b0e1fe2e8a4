//! The real-SES code path (the `aws` target pointed at the embedded reference): throttling is
//! backed off and never a divergence, and pacing at the documented rate is never throttled.

mod common;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use common::{reference_target_with, spec};
use ses_conformance::client::GateLimits;
use ses_conformance::gate::PaceSettings;
use ses_conformance::generate::{self, Settings};
use ses_conformance::reference::Options;
use ses_conformance::run::{RunConfig, Session};

async fn throttled_run(pace: bool) -> (usize, usize, u64) {
    let spec = spec();
    let target = reference_target_with(
        &spec,
        Options {
            throttle: true,
            faults: Default::default(),
            sandbox: false,
            verified: Vec::new(),
        },
        GateLimits {
            pace: PaceSettings {
                per_operation: pace,
                ..PaceSettings::default()
            },
            ..GateLimits::default()
        },
    )
    .await;
    let run_config = RunConfig {
        concurrency: 3,
        throttle_retries: 12,
        backoff: Duration::from_millis(100),
        ..RunConfig::default()
    };
    let session = Arc::new(
        Session::new(Arc::clone(&spec), Arc::clone(&target), run_config, None)
            .unwrap_or_else(|e| panic!("{e}")),
    );
    let settings = Settings {
        random_cases: 0,
        operations: vec!["GetEmailTemplate".into()],
        ..Settings::default()
    };
    let cases = generate::generate(&spec, &settings)
        .into_iter()
        .map(Arc::new)
        .collect();
    let (mut conforming, mut total) = (0, 0);
    session
        .run_all(cases, |event| {
            if let ses_conformance::run::Event::Finished(r) = event {
                total += 1;
                conforming += usize::from(!r.fails_run());
            }
        })
        .await;
    (
        conforming,
        total,
        target
            .reference_stats()
            .map(|s| s.throttled.load(Ordering::Relaxed))
            .unwrap_or(0),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_is_backed_off_and_never_counted_as_a_divergence() {
    let (conforming, total, throttled) = throttled_run(false).await;
    assert!(
        throttled > 0,
        "the reference never throttled: the test proves nothing"
    );
    assert_eq!(
        conforming, total,
        "{throttled} throttled answers turned into divergences"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pacing_at_the_documented_rate_is_never_throttled() {
    let (conforming, total, throttled) = throttled_run(true).await;
    assert_eq!(throttled, 0);
    assert_eq!(conforming, total);
}
