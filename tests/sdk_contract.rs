//! Contract checks for `aws-sdk-sesv2` upgrades, as snapshots (libtest-mimic, no network beyond
//! 127.0.0.1):
//!
//! * `replay::<id>`: each answer of a recorded baseline (`baselines/reference` unless
//!   `SES_CONFORMANCE_BASELINE` names another) is served from a local wiremock server and parsed
//!   by the SDK; what the SDK makes of it (the typed output or the typed error, printed as JSON)
//!   is snapshotted under `snapshots/replay-<baseline>/`.
//! * `wire_request::<id>`: the exact HTTP request the SDK produces for each SDK-path case
//!   (method, path, query, content type, body; signature, date and agent headers left out) is
//!   snapshotted under `snapshots/wire-requests/`.
//!
//! After an SDK upgrade, any change in how it serialises requests or parses SES answers is a
//! snapshot diff (`ses-conformance sdk-check` runs this, and checks model drift itself). With
//! `SES_CONFORMANCE_FAILED_TRIALS` set, the names of the failing trials are written to that file
//! as a JSON list once every trial has run, for `sdk-check` to report.

mod common;

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use common::selected;
use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::{json, Value};
use ses_conformance::baseline;
use ses_conformance::case::{Case, RequestPath};
use ses_conformance::client::exchange::{SdkView, SentRequest};
use ses_conformance::client::replay::ReplayServer;
use ses_conformance::client::sdk::{self, Endpoint};
use ses_conformance::generate::{self, Settings};
use ses_conformance::sdk_model::trials as failed_trials;
use ses_conformance::snapshot;
use ses_conformance::spec::Spec;

struct Replay {
    runtime: tokio::runtime::Runtime,
    server: ReplayServer,
    client: aws_sdk_sesv2::Client,
    /// One case at a time: the server has one current answer.
    turn: std::sync::Mutex<()>,
}

fn replay() -> &'static Replay {
    static REPLAY: OnceLock<Replay> = OnceLock::new();
    REPLAY.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let server = runtime.block_on(ReplayServer::start());
        let endpoint = Endpoint {
            url: Some(server.url()),
            region: "us-east-1".into(),
            timeout: Duration::from_secs(10),
        };
        let client = sdk::local_client(&endpoint);
        Replay {
            runtime,
            server,
            client,
            turn: std::sync::Mutex::new(()),
        }
    })
}

fn baseline_dir() -> PathBuf {
    std::env::var("SES_CONFORMANCE_BASELINE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("baselines")
                .join("reference")
        })
}

fn snapshot_or_fail(
    folder: &str,
    id: &str,
    description: &str,
    info: &Value,
    value: &Value,
) -> Result<(), Failed> {
    let (folder_owned, id_owned) = (folder.to_string(), id.to_string());
    let (description, info, value) = (description.to_string(), info.clone(), value.clone());
    std::panic::catch_unwind(AssertUnwindSafe(move || {
        snapshot::assert_value(&folder_owned, &id_owned, &description, &info, &value)
    }))
    .map_err(|_| {
        Failed::from(format!(
            "snapshots/{folder}/{}.snap differs (see the diff above; `cargo insta review`)",
            snapshot::name(id)
        ))
    })
}

/// What the SDK made of a recorded answer, volatile values masked as in snapshots.
fn sdk_view(spec: &Spec, operation: &str, view: &SdkView) -> Value {
    match view {
        SdkView::Output { output } => {
            json!({"output": snapshot::redact_value(spec, operation, output)})
        }
        SdkView::ServiceError { code, message } => {
            json!({"error": {"code": code, "message": message}})
        }
        SdkView::ResponseError { detail } => json!({"unparseable": detail}),
        SdkView::ConstructionFailure { detail } => json!({"not_sent": detail}),
        SdkView::NotUsed => json!({"not_sent": "wire path"}),
    }
}

/// The request the SDK sent, as reviewable JSON.
fn wire_view(sent: &SentRequest) -> Value {
    let (path, query) = sent.uri.split_once('?').unwrap_or((&sent.uri, ""));
    let path = path
        .strip_prefix("http://")
        .and_then(|p| p.find('/').map(|i| &p[i..]))
        .unwrap_or(path);
    let content_type = sent
        .headers
        .iter()
        .find(|(k, _)| k == "content-type")
        .map(|(_, v)| v.clone());
    let body = if sent.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice::<Value>(&sent.body)
            .map(|b| snapshot::shorten(&b))
            .unwrap_or_else(|_| json!(String::from_utf8_lossy(&sent.body)))
    };
    json!({"method": sent.method, "path": path, "query": query, "content_type": content_type, "body": body})
}

fn replay_trial(
    spec: Arc<Spec>,
    minimal: Arc<Vec<Case>>,
    entry: baseline::RecordedCase,
    case: Option<Case>,
    folder: String,
) -> Result<(), Failed> {
    let Some(raw) = entry.raw.clone() else {
        return Err(format!("{}: the baseline has no raw answer to replay", entry.id).into());
    };
    // A wire-path case cannot go through the SDK; any SDK request of the operation will do,
    // since the answer is canned.
    let request = match &case {
        Some(c) if c.path == RequestPath::Sdk => c.request.clone(),
        _ => minimal
            .iter()
            .find(|c| c.operation == entry.operation)
            .map(|c| c.request.clone())
            .ok_or_else(|| Failed::from(format!("no minimal case of {}", entry.operation)))?,
    };
    let r = replay();
    let exchange = {
        let _turn = r.turn.lock().unwrap_or_else(|p| p.into_inner());
        r.server.set(raw.clone());
        r.runtime.block_on(sdk::send(
            &r.client,
            &entry.operation,
            &request,
            Default::default(),
        ))
    };
    let info = json!({"operation": entry.operation, "recorded_from": entry.target, "answer": {"status": raw.status, "headers": raw.headers}});
    snapshot_or_fail(
        &folder,
        &entry.id,
        &format!("{} (replayed through aws-sdk-sesv2)", entry.id),
        &info,
        &sdk_view(&spec, &entry.operation, &exchange.sdk),
    )
}

fn wire_trial(case: Case) -> Result<(), Failed> {
    let r = replay();
    let exchange = {
        let _turn = r.turn.lock().unwrap_or_else(|p| p.into_inner());
        r.server.set(ses_conformance::client::exchange::RawAnswer {
            status: 200,
            headers: [("content-type".to_string(), "application/json".to_string())].into(),
            body: "{}".into(),
        });
        r.runtime.block_on(sdk::send(
            &r.client,
            &case.operation,
            &case.request,
            Default::default(),
        ))
    };
    let sent = exchange.request.ok_or_else(|| {
        Failed::from(format!(
            "{}: the SDK sent nothing: {:?}",
            case.id, exchange.sdk
        ))
    })?;
    let info = json!({"operation": case.operation, "request": snapshot::shorten(&case.request)});
    snapshot_or_fail(
        "wire-requests",
        &case.id,
        &format!("{} (as aws-sdk-sesv2 serialises it)", case.id),
        &info,
        &wire_view(&sent),
    )
}

/// The names of the trials that failed, for [`failed_trials::FAILED_TRIALS_VAR`].
type FailedTrials = Arc<Mutex<Vec<String>>>;

/// A trial whose failure (an error or a panic) is also noted in `failed`.
fn noted(
    name: String,
    failed: &FailedTrials,
    run: impl FnOnce() -> Result<(), Failed> + Send + 'static,
) -> Trial {
    let failed = Arc::clone(failed);
    let note = name.clone();
    Trial::test(name, move || {
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(run));
        if !matches!(outcome, Ok(Ok(()))) {
            failed.lock().unwrap_or_else(|p| p.into_inner()).push(note);
        }
        match outcome {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

fn main() {
    let args = Arguments::from_args();
    let failed = FailedTrials::default();
    let spec = Arc::new(Spec::load_default().unwrap_or_else(|e| panic!("{e}")));
    let dir = baseline_dir();
    let meta = baseline::read_meta(&dir).unwrap_or_else(|e| panic!("{e}"));
    let entries = baseline::read_entries(&dir).unwrap_or_else(|e| panic!("{e}"));
    let folder = format!(
        "replay-{}",
        dir.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    );
    let settings = Settings {
        global_seed: meta.seed,
        random_cases: meta.random_cases,
        operations: vec![],
    };
    let plans = generate::plans(&spec, &settings);
    let minimal = Arc::new(
        plans
            .iter()
            .filter(|p| p.id.contains("::valid::minimal::0"))
            .filter_map(|p| p.build(&spec, &settings))
            .collect::<Vec<_>>(),
    );
    let mut trials = Vec::new();
    for entry in entries {
        let name = format!("replay::{}", entry.id);
        if !selected(&args, &name) {
            continue;
        }
        let (spec, minimal, folder, settings) = (
            Arc::clone(&spec),
            Arc::clone(&minimal),
            folder.clone(),
            settings.clone(),
        );
        let plan = plans.iter().find(|p| p.id == entry.id).cloned();
        trials.push(noted(name, &failed, move || {
            let case = plan.and_then(|p| p.build(&spec, &settings));
            replay_trial(spec, minimal, entry, case, folder)
        }));
    }
    for plan in plans.iter().filter(|p| p.path() == RequestPath::Sdk) {
        let name = format!("wire_request::{}", plan.id);
        if !selected(&args, &name) {
            continue;
        }
        let (spec, settings, plan) = (Arc::clone(&spec), settings.clone(), plan.clone());
        trials.push(noted(name, &failed, move || {
            let case = plan
                .build(&spec, &settings)
                .ok_or_else(|| Failed::from(format!("{} cannot be built", plan.id)))?;
            wire_trial(case)
        }));
    }
    let conclusion = libtest_mimic::run(&args, trials);
    if let Some(path) = std::env::var_os(failed_trials::FAILED_TRIALS_VAR) {
        let mut failed = failed.lock().unwrap_or_else(|p| p.into_inner()).clone();
        failed.sort();
        failed_trials::write(path.as_ref(), &failed)
            .unwrap_or_else(|e| panic!("{}: {e}", PathBuf::from(path).display()));
    }
    conclusion.exit();
}
