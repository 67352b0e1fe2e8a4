//! A target that is not SES at all is named as such: against a server that answers every
//! request with an HTML page, a run stops after its first answers and says so (exit 3) instead
//! of reporting every case, unless told to go on; a server that answers SES-shaped for some
//! operations and with HTML pages for the others (an emulator that lacks them) is not stopped.

mod common;

use std::process::{Command, Output};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A server on a thread of its own: every request gets `answer(request head)`.
fn serve(answer: fn(&str) -> String) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
            let _ = tx.send(listener.local_addr().expect("an address").port());
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    continue;
                };
                tokio::spawn(async move {
                    let head = read_head(&mut stream).await;
                    let _ = stream.write_all(answer(&head).as_bytes()).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
    });
    let port = rx.recv().expect("the server's port");
    format!("http://127.0.0.1:{port}")
}

/// The request line and headers, and the body read past (so the client is not reset).
async fn read_head(stream: &mut tokio::net::TcpStream) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let Ok(n) = stream.read(&mut chunk).await else {
            break;
        };
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let length = head
                .to_ascii_lowercase()
                .lines()
                .find_map(|l| {
                    l.strip_prefix("content-length:")
                        .map(str::trim)
                        .map(str::to_string)
                })
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                return head;
            }
        }
    }
    String::from_utf8_lossy(&buf).to_string()
}

fn http(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// `python3 -m http.server`, as far as a run can tell: an HTML page for everything.
fn static_web_server(_head: &str) -> String {
    http(
        "501 Unsupported method",
        "text/html;charset=utf-8",
        "<!DOCTYPE HTML><html><head><title>Error response</title></head><body><h1>Error response</h1></body></html>",
    )
}

/// An emulator that implements the email-template operations only, answering them with an
/// empty 200 and no content type (as aws-ses-v2-local answers its creates), and everything
/// else with an HTML 404 page.
fn templates_only(head: &str) -> String {
    if head.contains(" /v2/email/templates") {
        "HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_string()
    } else {
        http(
            "404 Not Found",
            "text/html",
            "<html><body>Not Found</body></html>",
        )
    }
}

fn run(endpoint: &str, extra: &[&str]) -> Output {
    let home = common::temp_dir("not-ses");
    Command::new(env!("CARGO_BIN_EXE_ses-conformance"))
        .args(["run", "--target", "mystub", "--endpoint", endpoint])
        .args(["--cases", "0", "--sequences", "0", "--timeout", "5"])
        .args(extra)
        .env("HOME", &home)
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secretexample")
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The `FAIL <case>` lines, wherever the console put them (stderr while a run is in progress).
fn failing_lines(out: &Output) -> usize {
    [&out.stdout, &out.stderr]
        .iter()
        .map(|s| text(s).lines().filter(|l| l.starts_with("FAIL ")).count())
        .sum()
}

const STOPPED: &str =
    "stopped: the target does not answer like SES v2: none of the first 20 answers";

#[test]
fn a_server_that_never_answers_like_ses_stops_the_run_with_exit_3() {
    let endpoint = serve(static_web_server);
    let out = run(&endpoint, &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains(STOPPED), "{stderr}");
    assert!(
        stderr.contains("501 text/html"),
        "an example answer: {stderr}"
    );
    assert!(stderr.contains("--keep-going"), "{stderr}");
    // Only the first answers were judged: the rest of the suite was never sent.
    let failing = failing_lines(&out);
    assert!(
        (1..=40).contains(&failing),
        "{failing} failing cases reported"
    );
}

#[test]
fn keep_going_runs_every_case_against_it() {
    let endpoint = serve(static_web_server);
    let out = run(&endpoint, &["--keep-going"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("stopped: the target"), "{stderr}");
    let failing = failing_lines(&out);
    assert!(failing > 100, "{failing} failing cases reported");
}

#[test]
fn an_emulator_that_answers_what_it_lacks_with_html_is_not_stopped() {
    let endpoint = serve(templates_only);
    let out = run(&endpoint, &["--json", "-"]);
    let stderr = text(&out.stderr);
    assert_ne!(out.status.code(), Some(3), "{stderr}");
    assert!(!stderr.contains("stopped: the target"), "{stderr}");
    // Every case of the selection has its record: none was left out by a stop.
    let records = text(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|r| r.get("verdict").is_some())
        .count();
    let listed = Command::new(env!("CARGO_BIN_EXE_ses-conformance"))
        .args(["list", "--cases", "0"])
        .output()
        .expect("list runs");
    let cases = text(&listed.stdout).lines().count();
    assert!(cases > 500, "{cases}");
    assert_eq!(records, cases, "{stderr}");
}
