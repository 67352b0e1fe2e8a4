//! What the real-SES tests share: the `aws` target's arguments pointed at a local endpoint, the
//! secrets no output may hold, and reading a run's ledger.

use std::path::{Path, PathBuf};
use std::process::Child;

use ses_conformance::reference::{Options, ReferenceServer};
use ses_conformance::run::ledger;

use super::cli::{harness, percent_encoded, ACCESS_KEY, SECRET_KEY, SESSION_TOKEN};
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
    pub _server: ReferenceServer,
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
            _server: server,
            owner,
            dir,
            ledger_path,
            child,
        }
    }
}
