//! `--junit` as a CI reader acts on it: a failure carries the request, what the contract
//! expected, what came back and the command that reproduces it; a known divergence of the
//! target's profile is `skipped` with its class, never a pass.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{cli, spec, temp_dir};
use ses_conformance::reference::{Fault, Faults, Options, ReferenceServer};

const LIMIT: Duration = Duration::from_secs(120);

/// The case the fault makes diverge: an update of a missing template answers 200.
const CASE: &str = "update_email_template::invalid::missing_template_not_found::0";

/// A reference whose UpdateEmailTemplate answers 200 and changes nothing.
async fn faulty_server() -> ReferenceServer {
    let options = Options {
        faults: Faults(vec![Fault::UpdateTemplateIgnored]),
        ..Options::default()
    };
    ReferenceServer::start(spec(), options).await
}

/// A copy of the shipped table with a profile for the target `faulty` that lists the fault.
fn specs_with_profile(dir: &Path) -> String {
    let specs = dir.join("specs");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("specs"), &specs);
    let profile = serde_json::json!({
        "target": "faulty",
        "description": "the reference with UpdateTemplateIgnored",
        "identity": "create",
        "known_divergences": [{
            "cases": "update_email_template::invalid::missing_template_not_found::*",
            "class": "behaviour",
            "what": "An update of a missing template answers 200.",
            "why": "src/reference/faults.rs UpdateTemplateIgnored"
        }]
    });
    std::fs::write(specs.join("targets/faulty.json"), profile.to_string())
        .unwrap_or_else(|e| panic!("{e}"));
    specs.to_string_lossy().into_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}

/// `run --target faulty` of UpdateEmailTemplate's cases; its exit code and JUnit XML.
async fn junit_of(url: &str, dir: &Path, specs: Option<&str>) -> (Option<i32>, String) {
    let junit = dir.join("junit.xml");
    let mut args = cli::args(&[
        "run",
        "--target",
        "faulty",
        "--endpoint",
        url,
        "--op",
        "UpdateEmailTemplate",
        "--sequences",
        "0",
        "--junit",
        &junit.to_string_lossy(),
    ]);
    if let Some(specs) = specs {
        args.extend(cli::args(&["--specs", specs]));
    }
    let (code, stdout, stderr) = cli::run_off_runtime(args, dir, LIMIT).await;
    let xml = std::fs::read_to_string(&junit)
        .unwrap_or_else(|e| panic!("{}: {e}\n{stdout}\n{stderr}", junit.display()));
    (code, xml)
}

/// The `<testcase>` element of `id`, up to its end.
fn testcase<'x>(xml: &'x str, id: &str) -> &'x str {
    let start = xml
        .find(&format!("<testcase name=\"{id}\""))
        .unwrap_or_else(|| panic!("no test case {id}:\n{xml}"));
    let rest = &xml[start..];
    let end = rest
        .find("</testcase>")
        .map_or(rest.len(), |e| e + "</testcase>".len());
    &rest[..end]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_carries_the_request_the_expectation_the_answer_and_its_reproduction() {
    let server = faulty_server().await;
    let dir = temp_dir("junit-failure");
    let (code, xml) = junit_of(&server.url(), &dir, None).await;
    assert_eq!(code, Some(1), "{xml}");
    let case = testcase(&xml, CASE);
    assert!(case.contains("<failure"), "{case}");
    assert!(case.contains("diverges: behaviour"), "{case}");
    for part in [
        "request (",
        "expected: reject with NotFoundException",
        "observed: 200",
        "reproduce: ses-conformance run --target faulty --endpoint",
    ] {
        assert!(case.contains(part), "no {part:?} in:\n{case}");
    }
    assert!(
        case.contains(&format!("--case &apos;{CASE}&apos;"))
            || case.contains(&format!("--case '{CASE}'")),
        "{case}"
    );
    // What conforms passes.
    let conforming = testcase(&xml, "update_email_template::valid::minimal::0");
    assert!(
        !conforming.contains("<failure") && !conforming.contains("<skipped"),
        "{conforming}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_known_divergence_is_skipped_with_its_class_not_passed() {
    let server = faulty_server().await;
    let dir = temp_dir("junit-known");
    let specs = specs_with_profile(&dir);
    let (code, xml) = junit_of(&server.url(), &dir, Some(&specs)).await;
    assert_eq!(code, Some(0), "{xml}");
    let case = testcase(&xml, CASE);
    assert!(!case.contains("<failure"), "{case}");
    assert!(case.contains("<skipped"), "{case}");
    assert!(
        case.contains(
            "known divergence of the target&apos;s profile, as listed: diverges: behaviour"
        ) || case
            .contains("known divergence of the target's profile, as listed: diverges: behaviour"),
        "{case}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
