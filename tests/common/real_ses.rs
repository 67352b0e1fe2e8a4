//! What the real-SES tests share: the `aws` target's arguments pointed at a local endpoint, the
//! secrets no output may hold, and reading a run's ledger.

use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use ses_conformance::client::{GateLimits, Target, TargetConfig, TargetKind};
use ses_conformance::profile::Profile;
use ses_conformance::reference::{Options, ReferenceServer};
use ses_conformance::run::ledger;
use ses_conformance::spec::Spec;

use super::cli::{self, harness, percent_encoded, ACCESS_KEY, SECRET_KEY, SESSION_TOKEN};
use super::owner::{Owner, IDENTITY};
use super::{spec, temp_dir};

/// The account id the runs claim (`--account-id`): no output may show it.
pub const ACCOUNT: &str = "111122223333";

/// `run` against the `aws` target at `url`, with the test identity and a ledger at `ledger`.
pub fn aws_args<'a>(url: &'a str, ledger: &'a str) -> Vec<&'a str> {
    let mut args = aws_run(url, IDENTITY);
    args.extend(["--account-id", ACCOUNT, "--ledger", ledger]);
    args
}

/// `run --target aws --endpoint URL --identity IDENTITY`.
pub fn aws_run<'a>(url: &'a str, identity: &'a str) -> Vec<&'a str> {
    vec![
        "run",
        "--target",
        "aws",
        "--endpoint",
        url,
        "--identity",
        identity,
    ]
}

/// No output holds any of `private`: each is `(what it is, its text)`, for the failure message.
pub fn assert_none_in(outputs: &[(&str, &str)], private: &[&str]) {
    for (what, text) in outputs {
        for value in private {
            assert!(!text.contains(value), "{what} holds {value:?}:\n{text}");
        }
    }
}

/// No credential (as it is, JSON-escaped or percent-encoded), signature or account id in
/// `text`.
pub fn assert_no_secret_in(what: &str, text: &str) {
    let mut secrets: Vec<String> = ["Signature=", "AWS4-HMAC-SHA256", ACCOUNT]
        .map(str::to_string)
        .to_vec();
    for credential in [ACCESS_KEY, SECRET_KEY, SESSION_TOKEN] {
        secrets.push(credential.to_string());
        secrets.push(credential.replace('/', "\\/"));
        secrets.push(percent_encoded(credential));
    }
    for secret in secrets {
        assert!(
            !text.contains(&secret),
            "{what} contains {secret:?}:\n{text}"
        );
    }
}

/// A run id as the installation whose state directory is `state` makes one: what a run of a
/// harness with `XDG_STATE_HOME=state` would be named, so its `cleanup` may act on it.
pub fn minted_in(state: &Path) -> String {
    ses_conformance::state::installation_key_at(&state.join("ses-conformance").join("key"))
        .unwrap_or_else(|e| panic!("{e}"))
        .mint()
}

/// A run id as the installation of a harness run with `HOME=home` (and no `XDG_STATE_HOME`,
/// as `cli::harness` runs it) makes one.
pub fn minted_for_home(home: &Path) -> String {
    minted_in(&home.join(".local").join("state"))
}

/// Where a harness run with `HOME=home` (and no `XDG_STATE_HOME`) keeps its ledgers.
pub fn ledgers_dir_for_home(home: &Path) -> PathBuf {
    home.join(".local/state/ses-conformance/ledgers")
}

/// A `creating` line as a hand-made, copied or tampered ledger holds it: written here, not by
/// the harness, so that what `cleanup` reads is what the test says.
pub fn ledger_line(
    run: &str,
    endpoint: &str,
    real_aws: bool,
    kind: &str,
    operation: &str,
    request: Value,
) -> String {
    json!({
        "event": "creating",
        "run": run,
        "target": "aws",
        "endpoint": endpoint,
        "real_aws": real_aws,
        "kind": kind,
        "delete_operation": operation,
        "delete_request": request,
    })
    .to_string()
}

/// The same ledger line as a `proven` one (a 200 showed the run made it).
pub fn proven(line: &str) -> String {
    line.replacen("\"creating\"", "\"proven\"", 1)
}

/// `cleanup LEDGER --endpoint URL` run in `dir` to the end; its exit code, stdout and stderr.
pub fn cleanup(ledger: &Path, url: &str, dir: &Path) -> (Option<i32>, String, String) {
    cli::run(
        &[
            "cleanup",
            ledger.to_str().unwrap_or_default(),
            "--endpoint",
            url,
        ],
        dir,
        Duration::from_secs(300),
    )
}

/// Fake credentials in this process's environment, and no AWS config files: a target built in
/// the test takes its credentials from the aws-config chain, as against real SES.
pub fn use_fake_credentials() {
    std::env::set_var("AWS_ACCESS_KEY_ID", ACCESS_KEY);
    std::env::set_var("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    std::env::set_var("AWS_CONFIG_FILE", "/nonexistent/ses-conformance-config");
    std::env::set_var(
        "AWS_SHARED_CREDENTIALS_FILE",
        "/nonexistent/ses-conformance-credentials",
    );
}

/// The `aws` target (the real-SES code path, its gate's rules included) at `url`, for the test
/// identity, with `profile` and run id `run_id`; unpaced (`PaceSettings::default()`), as the
/// local servers do not throttle. Its credentials come from the environment
/// ([`use_fake_credentials`]).
pub async fn aws_target(
    spec: &Arc<Spec>,
    url: &str,
    profile: Profile,
    run_id: &str,
) -> Arc<Target> {
    let config = TargetConfig {
        name: "aws".into(),
        kind: TargetKind::Aws {
            url: Some(url.to_string()),
            identity: IDENTITY.into(),
            account_id: None,
        },
        region: "us-east-1".into(),
        timeout: Duration::from_secs(10),
        profile,
        run_id: run_id.to_string(),
        limits: GateLimits::default(),
    };
    Arc::new(
        Target::connect(Arc::clone(spec), config)
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    )
}

/// The reference playing real SES for an account whose identity (the test identity) the user
/// verified, otherwise started with `options`.
pub async fn reference_with_identity(options: Options) -> ReferenceServer {
    ReferenceServer::start(
        spec(),
        Options {
            verified: vec![IDENTITY.into()],
            ..options
        },
    )
    .await
}

/// What the ledger still holds.
pub fn pending(ledger_path: &Path) -> Vec<ledger::Recorded> {
    ledger::read(ledger_path)
        .map(|r| r.pending().entries)
        .unwrap_or_default()
}

/// Whether the ledger ends with a `finished` line.
pub fn finished(ledger_path: &Path) -> bool {
    ledger::read(ledger_path).is_ok_and(|r| r.is_finished())
}

/// A run against "real SES" (the reference, as the `aws` target) long enough to interrupt: an
/// account with resources the harness did not make, and the harness running as a child process.
pub struct LongRun {
    /// The reference playing real SES.
    pub server: ReferenceServer,
    /// The account's owner, who made what the harness must not touch.
    pub owner: Owner,
    /// The run's working directory.
    pub dir: PathBuf,
    /// The run's ledger.
    pub ledger_path: PathBuf,
    /// The harness process.
    pub child: Child,
}

impl LongRun {
    /// Start the harness against a fresh reference whose account holds the owner's resources.
    pub async fn start(name: &str) -> LongRun {
        let server = ReferenceServer::start(spec(), Options::default()).await;
        let owner = Owner::of(&server).await;
        owner.set_up_account().await;
        let dir = temp_dir(name);
        let url = server.url();
        let ledger_path = dir.join("run.ledger.jsonl");
        let mut args = aws_args(&url, ledger_path.to_str().unwrap_or_default());
        // Paced at the documented rates, these take minutes: plenty of time to interrupt.
        args.extend([
            "--op",
            "CreateEmailTemplate",
            "--op",
            "UpdateEmailIdentityPolicy",
            "--concurrency",
            "2",
        ]);
        let child = harness(&args, &dir)
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        LongRun {
            server,
            owner,
            dir,
            ledger_path,
            child,
        }
    }

    /// Wait (a minute at most) until the run's ledger holds something it made.
    pub async fn until_it_made_something(&self) {
        let start = Instant::now();
        while pending(&self.ledger_path).is_empty() && start.elapsed() < Duration::from_secs(60) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(
            !pending(&self.ledger_path).is_empty(),
            "the run never created anything"
        );
    }
}
