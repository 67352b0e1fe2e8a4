//! Running the `ses-conformance` binary the way a user would, with fake credentials that must
//! never show up anywhere.

use std::future::Future;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// An access key that must never be printed.
pub const ACCESS_KEY: &str = "AKIDLEAKCANARY0000001";
/// A secret key that must never be printed.
pub const SECRET_KEY: &str = "secret-leak-canary-should-never-be-printed";
/// A session token that must never be printed (set by the tests that need one, as
/// `AWS_SESSION_TOKEN`): base64-like, with the characters JSON and URLs encode.
pub const SESSION_TOKEN: &str = "FwoGZXIvYXdzEBoaDLeakCanary/SessionToken+never/printed==";

/// `text` percent-encoded as a URL query value: every byte but RFC 3986's unreserved ones.
pub fn percent_encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The binary with a clean environment: fake credentials, no AWS config files, `dir` as HOME and
/// working directory (so ledgers land under it).
pub fn harness(args: &[&str], dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ses-conformance"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_CONFIG_FILE", dir.join("no-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("no-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Wait for a child, but never forever. Its output is read as it comes, so a child that prints
/// more than a pipe holds never blocks.
pub fn wait(mut child: Child, limit: Duration) -> Output {
    let reader = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut buf);
            }
            buf
        })
    };
    let stdout = reader(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = reader(child.stderr.take().map(|p| Box::new(p) as _));
    let start = Instant::now();
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status;
        }
        if start.elapsed() >= limit {
            let _ = child.kill();
            panic!("the harness did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}

/// Run a command made by [`harness`] (and changed as the test needs) to the end, within `limit`;
/// its exit code, stdout and stderr.
pub fn finish(cmd: &mut Command, limit: Duration) -> (Option<i32>, String, String) {
    let output = wait(cmd.spawn().unwrap_or_else(|e| panic!("{e}")), limit);
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Run the binary to the end; its exit code, stdout and stderr.
pub fn run(args: &[&str], dir: &Path, limit: Duration) -> (Option<i32>, String, String) {
    finish(&mut harness(args, dir), limit)
}

/// Owned arguments, for a command that moves to another thread.
pub fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// [`run`] on a blocking thread: the runtime that serves a reference started by the test keeps
/// answering while the binary runs.
pub async fn run_off_runtime(
    args: Vec<String>,
    dir: &Path,
    limit: Duration,
) -> (Option<i32>, String, String) {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args, &dir, limit)
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"))
}

/// Send `sig` (as `kill` takes it: `-STOP`, `-CONT`, `-TERM`, …) to the process `pid`; whether
/// `kill` delivered it.
pub fn signal(sig: &str, pid: u32) -> bool {
    Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .unwrap_or_else(|e| panic!("kill {sig} {pid}: {e}"))
        .success()
}

/// Wait until `made_something` holds, then stop `child` (SIGSTOP) and look again: what the run
/// made may have been removed in between, so it goes on (SIGCONT) until it holds while the run
/// is stopped. The child comes back stopped, so what it made still exists when the caller acts.
/// Panics, with the child's output, when the child exits first or nothing holds within `limit`.
pub async fn stop_when_it_made_something<F, Fut>(
    mut child: Child,
    limit: Duration,
    made_something: F,
) -> Child
where
    F: Fn() -> Fut,
    Fut: Future<Output = bool>,
{
    let start = Instant::now();
    loop {
        let exited = child.try_wait().ok().flatten();
        if start.elapsed() > limit || exited.is_some() {
            let out = wait(child, Duration::from_secs(10));
            panic!(
                "the run made nothing within {limit:?} ({}):\n{}\n{}",
                exited.map_or("still running".to_string(), |s| format!("exited: {s}")),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        if made_something().await {
            assert!(signal("-STOP", child.id()), "the run could not be stopped");
            if made_something().await {
                return child;
            }
            assert!(signal("-CONT", child.id()), "the run could not go on");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
