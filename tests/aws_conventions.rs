//! The conventions of AWS tools, each checked on the binary as a user would meet it: the region
//! and endpoint are read where the AWS CLI reads them, `--json -` keeps stdout for JSON lines,
//! `NO_COLOR` holds, and flags that make no sense are refused naming the flag (exit 2).

mod common;

use std::path::Path;
use std::process::{Command, Output};

/// The binary with no AWS variable of the machine that runs the tests, a home of its own, and
/// `vars` set.
fn ses_conformance(home: &Path, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ses-conformance"));
    command.args(args).env("HOME", home);
    for (name, _) in std::env::vars() {
        if name.starts_with("AWS_") || name == "NO_COLOR" {
            command.env_remove(name);
        }
    }
    command
        .env("AWS_CONFIG_FILE", home.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("credentials"))
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secretexample");
    for (name, value) in vars {
        command.env(name, value);
    }
    command.output().expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A home whose shared config gives profile `p1` the region eu-central-1.
fn home_with_profile(name: &str) -> std::path::PathBuf {
    let home = common::temp_dir(name);
    std::fs::write(home.join("config"), "[profile p1]\nregion = eu-central-1\n").unwrap();
    home
}

const DRY_RUN_AWS: &[&str] = &[
    "run",
    "--target",
    "aws",
    "--identity",
    "example.org",
    "--op",
    "GetAccount",
    "--dry-run",
];

fn signing_line(out: &Output) -> String {
    text(&out.stdout)
        .lines()
        .find(|l| l.starts_with("target: "))
        .unwrap_or_else(|| panic!("no target line in {}", text(&out.stdout)))
        .to_string()
}

#[test]
fn the_region_is_read_in_the_aws_clis_order() {
    let home = home_with_profile("conv-region");
    let profile = [("AWS_PROFILE", "p1")];
    let out = ses_conformance(&home, DRY_RUN_AWS, &profile);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        signing_line(&out).ends_with("signing for eu-central-1 (from the profile's region)"),
        "{}",
        signing_line(&out)
    );
    let default_region = [("AWS_PROFILE", "p1"), ("AWS_DEFAULT_REGION", "eu-west-2")];
    let out = ses_conformance(&home, DRY_RUN_AWS, &default_region);
    assert!(signing_line(&out).ends_with("signing for eu-west-2 (from AWS_DEFAULT_REGION)"));
    let region = [
        ("AWS_PROFILE", "p1"),
        ("AWS_DEFAULT_REGION", "eu-west-2"),
        ("AWS_REGION", "eu-west-3"),
    ];
    let out = ses_conformance(&home, DRY_RUN_AWS, &region);
    assert!(signing_line(&out).ends_with("signing for eu-west-3 (from AWS_REGION)"));
    let mut with_flag = DRY_RUN_AWS.to_vec();
    with_flag.extend(["--region", "ap-south-1"]);
    let out = ses_conformance(&home, &with_flag, &region);
    assert!(
        signing_line(&out)
            .contains("real SES in ap-south-1; signing for ap-south-1 (from --region)"),
        "{}",
        signing_line(&out)
    );
    let out = ses_conformance(&home, DRY_RUN_AWS, &[]);
    assert!(signing_line(&out).ends_with("signing for us-east-1 (from default)"));
}

#[test]
fn the_endpoint_variables_are_read_service_first() {
    let home = common::temp_dir("conv-endpoint");
    let dry = ["run", "--op", "GetAccount", "--dry-run"];
    let both = [
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:5901"),
        ("AWS_ENDPOINT_URL_SESV2", "http://127.0.0.1:5902"),
    ];
    let out = ses_conformance(&home, &dry, &both);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(signing_line(&out).starts_with("target: http://127.0.0.1:5902;"));
    let out = ses_conformance(&home, &dry, &both[..1]);
    assert!(signing_line(&out).starts_with("target: http://127.0.0.1:5901;"));
    let mut with_flag = dry.to_vec();
    with_flag.extend(["--endpoint", "http://127.0.0.1:5903"]);
    let out = ses_conformance(&home, &with_flag, &both);
    assert!(signing_line(&out).starts_with("target: http://127.0.0.1:5903;"));
    let mut reference = dry.to_vec();
    reference.extend(["--target", "reference"]);
    let out = ses_conformance(&home, &reference, &both);
    assert!(signing_line(&out).starts_with("target: the embedded reference;"));
    let out = ses_conformance(&home, &dry, &[("AWS_ENDPOINT_URL_SESV2", "notaurl")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("AWS_ENDPOINT_URL_SESV2: \"notaurl\""),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn json_to_stdout_leaves_stdout_to_json_lines() {
    let home = common::temp_dir("conv-json");
    let out = ses_conformance(
        &home,
        &[
            "run",
            "--op",
            "GetAccount",
            "--json",
            "-",
            "--sequences",
            "0",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines.len() >= 2,
        "a record per case and a coverage line: {stdout}"
    );
    for line in &lines {
        let value: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
        assert!(value.is_object(), "{line}");
    }
    let stderr = text(&out.stderr);
    assert!(
        stderr.lines().any(|l| l.starts_with("coverage: ")),
        "the summary goes to stderr: {stderr}"
    );
    assert!(!stdout.contains("coverage: "), "{stdout}");
    assert!(
        !home.join("-").exists() && !Path::new("-").exists(),
        "no file named -"
    );
}

#[test]
fn no_color_output_carries_no_escape_codes() {
    let home = common::temp_dir("conv-color");
    for args in [
        &["run", "--op", "GetAccount", "--sequences", "0"][..],
        &["run", "--concurrency", "x"][..],
    ] {
        let out = ses_conformance(&home, args, &[("NO_COLOR", "1")]);
        assert!(
            !out.stdout.contains(&0x1b) && !out.stderr.contains(&0x1b),
            "{args:?}"
        );
    }
}

#[test]
fn flags_that_make_no_sense_are_refused_naming_the_flag() {
    let home = common::temp_dir("conv-flags");
    let cases: [(&[&str], &str); 4] = [
        (
            &["run", "--endpoint", "notaurl"],
            "--endpoint: \"notaurl\" is not an absolute http or https URL",
        ),
        (&["run", "--timeout", "-1"], "--timeout"),
        (
            &["run", "--concurrency", "0"],
            "0 cases in flight would run nothing: give at least 1",
        ),
        (&["run", "--concurrency", "-2"], "give at least 1"),
    ];
    for (args, says) in cases {
        let out = ses_conformance(&home, args, &[]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("unexpected argument"),
            "{args:?}: {stderr}"
        );
    }
}
