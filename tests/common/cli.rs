//! Running the `ses-conformance` binary the way a user would, with fake credentials that must
//! never show up anywhere.

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

/// Run the binary to the end; its exit code, stdout and stderr.
pub fn run(args: &[&str], dir: &Path, limit: Duration) -> (Option<i32>, String, String) {
    let output = wait(
        harness(args, dir).spawn().unwrap_or_else(|e| panic!("{e}")),
        limit,
    );
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}
