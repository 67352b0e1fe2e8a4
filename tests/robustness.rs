//! The harness never panics on what a server sends back. A misbehaving local server answers
//! with HTML pages, empty, truncated and binary bodies, wrong content types, 500s, connection
//! resets, non-HTTP bytes and answers slower than the timeout; every answer must become a
//! verdict, the right one, on both the SDK and the wire path.

use std::sync::Arc;
use std::time::Duration;

use ses_conformance::case::{new_run_id, Case, RequestPath};
use ses_conformance::check::{judge, observe, Verdict};
use ses_conformance::client::{Target, TargetConfig, TargetKind};
use ses_conformance::generate::{self, Settings};
use ses_conformance::profile::Profile;
use ses_conformance::spec::Spec;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// How the server misbehaves.
#[derive(Debug, Clone, Copy)]
enum Misbehaviour {
    HtmlError500,
    HtmlNotFound,
    EmptyOk,
    TruncatedJsonOk,
    BinaryOk,
    JsonAsTextPlain,
    Json500WithType,
    ResetConnection,
    NotHttp,
    TooSlow,
}

async fn read_request(stream: &mut tokio::net::TcpStream) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let Ok(n) = stream.read(&mut chunk).await else {
            return;
        };
        if n == 0 {
            return;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                return;
            }
        }
    }
}

fn http(status: &str, content_type: &str, extra: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// A 200 with `body` as `content_type`.
fn ok(content_type: &str, body: &[u8]) -> Vec<u8> {
    http("200 OK", content_type, "", body)
}

/// A 500 with `body` as `content_type`, and the `extra` header lines.
fn failed(content_type: &str, extra: &str, body: &[u8]) -> Vec<u8> {
    http("500 Internal Server Error", content_type, extra, body)
}

/// What the server writes back for `mode`, when it answers at all (a reset sends nothing).
async fn answer(mode: Misbehaviour) -> Option<Vec<u8>> {
    use Misbehaviour::*;
    Some(match mode {
        HtmlError500 => failed(
            "text/html",
            "",
            b"<html><body><h1>500</h1>oops</body></html>",
        ),
        HtmlNotFound => http(
            "404 Not Found",
            "text/html; charset=utf-8",
            "",
            b"<!doctype html><title>404 Not Found</title><h1>Not Found</h1>",
        ),
        EmptyOk => ok("application/json", b""),
        TruncatedJsonOk => ok("application/json", b"{\"RenderedTemplate\": \"Subj"),
        BinaryOk => ok("application/octet-stream", &[0, 159, 146, 150, 255, 1, 2]),
        JsonAsTextPlain => ok("text/plain", b"{\"RenderedTemplate\": \"Subject: x\"}"),
        Json500WithType => failed(
            "application/json",
            "x-amzn-errortype: InternalFailure\r\n",
            b"{\"message\": null}",
        ),
        ResetConnection => return None,
        NotHttp => b"hello, this is not HTTP\r\n\r\n".to_vec(),
        TooSlow => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            ok("application/json", b"{}")
        }
    })
}

async fn serve(mode: Misbehaviour) -> String {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                read_request(&mut stream).await;
                let Some(answer) = answer(mode).await else {
                    return;
                };
                let _ = stream.write_all(&answer).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

fn case(id: &str) -> Case {
    let spec = Spec::load_default().unwrap_or_else(|e| panic!("{e}"));
    generate::generate(
        &spec,
        &Settings {
            random_cases: 0,
            operations: vec!["TestRenderEmailTemplate".into()],
            ..Settings::default()
        },
    )
    .into_iter()
    .find(|c| c.id == id)
    .unwrap_or_else(|| panic!("no case {id}"))
}

/// Send a case's request (no fixtures) to a misbehaving server and judge the answer.
async fn verdict(mode: Misbehaviour, case: &Case) -> Verdict {
    let spec = Arc::new(Spec::load_default().unwrap_or_else(|e| panic!("{e}")));
    let url = serve(mode).await;
    let config = TargetConfig {
        name: "misbehaving".into(),
        kind: TargetKind::Local { url },
        region: "us-east-1".into(),
        timeout: Duration::from_millis(700),
        profile: Profile::bare("misbehaving"),
        run_id: new_run_id(),
        limits: Default::default(),
    };
    let target = Target::connect(Arc::clone(&spec), config)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let exchange = target
        .send(
            &spec,
            &case.operation,
            &case.request,
            case.path,
            case.raw_body.as_deref(),
        )
        .await;
    judge(
        &spec,
        case,
        &observe(&exchange, &target.bindings, &target.mask),
    )
}

fn class(v: &Verdict) -> String {
    match v {
        Verdict::Diverges { class, .. } => class.as_str().to_string(),
        other => other.name().to_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_misbehaviour_becomes_the_right_verdict_on_both_paths() {
    let valid_sdk = case("test_render_email_template::valid::minimal::0");
    let invalid_wire = case("test_render_email_template::invalid::template_data_missing::0");
    assert_eq!(valid_sdk.path, RequestPath::Sdk);
    assert_eq!(invalid_wire.path, RequestPath::Wire);
    let expectations = [
        (
            Misbehaviour::HtmlError500,
            "rejected-valid",
            "malformed-error",
        ),
        // A valid request answered by an HTML 404 finds no route: unsupported. An invalid one
        // is judged: an error answer without a readable type.
        (Misbehaviour::HtmlNotFound, "unsupported", "malformed-error"),
        (Misbehaviour::EmptyOk, "response-shape", "accepted-invalid"),
        (
            Misbehaviour::TruncatedJsonOk,
            "response-shape",
            "accepted-invalid",
        ),
        (Misbehaviour::BinaryOk, "response-shape", "accepted-invalid"),
        (
            Misbehaviour::JsonAsTextPlain,
            "conforms",
            "accepted-invalid",
        ),
        (
            Misbehaviour::Json500WithType,
            "rejected-valid",
            "wrong-error-type",
        ),
        (
            Misbehaviour::ResetConnection,
            "harness-error",
            "harness-error",
        ),
        (Misbehaviour::NotHttp, "harness-error", "harness-error"),
        (Misbehaviour::TooSlow, "harness-error", "harness-error"),
    ];
    let mut wrong = Vec::new();
    for (mode, on_valid, on_invalid) in expectations {
        for (case, expected) in [(&valid_sdk, on_valid), (&invalid_wire, on_invalid)] {
            let v = verdict(mode, case).await;
            if class(&v) != expected {
                wrong.push(format!(
                    "{mode:?} on {}: expected {expected}, got {v:?}",
                    case.id
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_says_so() {
    let v = verdict(
        Misbehaviour::TooSlow,
        &case("test_render_email_template::valid::minimal::0"),
    )
    .await;
    match v {
        Verdict::HarnessError { detail } => assert!(detail.contains("timeout"), "{detail}"),
        other => panic!("expected a harness error, got {other:?}"),
    }
}
