//! Baselines: record then diff against the same target finds nothing; against a target that
//! differs in one answer, exactly that case is reported; and the configured emulators differ
//! from the committed reference baseline only as their profiles say (ignored trials, saying so,
//! when an emulator is not configured).

mod common;

use std::path::{Path, PathBuf};

use common::{spec, temp_dir as temp};
use libtest_mimic::{Arguments, Failed, Trial};
use ses_conformance::command::{self, RunOptions};
use ses_conformance::exit;
use ses_conformance::reference::{Fault, Faults, Options, ReferenceServer};
use ses_conformance::report::{self, Record};

fn options(ops: &[&str], json: &Path) -> RunOptions {
    RunOptions {
        region: "us-east-1".into(),
        ops: ops.iter().map(|s| s.to_string()).collect(),
        random_cases: 0,
        concurrency: Some(2),
        timeout_secs: 10.0,
        json: Some(json.to_path_buf()),
        ..RunOptions::default()
    }
}

fn unexplained(records: &[Record]) -> Vec<String> {
    records
        .iter()
        .filter(|r| r.baseline.is_some_and(|b| !b.full && !b.allowed))
        .map(|r| r.id.clone())
        .collect()
}

fn record_then_diff_finds_nothing() -> Result<(), Failed> {
    let dir = temp("baseline-same");
    let out = dir.join("baseline");
    let ops = [
        "ListEmailTemplates",
        "GetEmailTemplate",
        "CreateEmailIdentityPolicy",
    ];
    let code = command::record(
        spec(),
        options(&ops, &dir.join("record.jsonl")),
        out.clone(),
        None,
        false,
    );
    if code != exit::OK {
        return Err(format!("record exited {code}").into());
    }
    let json = dir.join("diff.jsonl");
    let code = command::diff(spec(), options(&ops, &json), out);
    let records = report::json::read(&json)?;
    let compared = records
        .iter()
        .filter(|r| r.baseline.is_some_and(|b| b.full))
        .count();
    let _ = std::fs::remove_dir_all(&dir);
    if code != exit::OK || compared != records.len() || records.is_empty() {
        return Err(format!(
            "diff exited {code}; {compared} of {} cases matched fully",
            records.len()
        )
        .into());
    }
    Ok(())
}

fn re_recording_takes_only_stale_cases() -> Result<(), Failed> {
    let dir = temp("baseline-stale");
    let out = dir.join("baseline");
    let ops = ["GetEmailTemplate"];
    if command::record(
        spec(),
        options(&ops, &dir.join("first.jsonl")),
        out.clone(),
        None,
        false,
    ) != exit::OK
    {
        return Err("record failed".into());
    }
    // Nothing is a day old yet: nothing is re-recorded. Everything is older than no time at all.
    let fresh = dir.join("fresh.jsonl");
    command::record(spec(), options(&ops, &fresh), out.clone(), Some(1.0), false);
    let all = dir.join("all.jsonl");
    command::record(spec(), options(&ops, &all), out.clone(), Some(0.0), false);
    let (fresh, all, first) = (
        report::json::read(&fresh)?,
        report::json::read(&all)?,
        report::json::read(&dir.join("first.jsonl"))?,
    );
    let _ = std::fs::remove_dir_all(&dir);
    if !fresh.is_empty() || all.len() != first.len() || first.is_empty() {
        return Err(format!(
            "re-recorded {} fresh and {} of {} stale cases",
            fresh.len(),
            all.len(),
            first.len()
        )
        .into());
    }
    Ok(())
}

fn one_differing_answer_is_reported_alone() -> Result<(), Failed> {
    let dir = temp("baseline-differs");
    let out = dir.join("baseline");
    let ops = ["ListEmailTemplates", "GetEmailTemplate"];
    if command::record(
        spec(),
        options(&ops, &dir.join("record.jsonl")),
        out.clone(),
        None,
        false,
    ) != exit::OK
    {
        return Err("record failed".into());
    }
    // A reference that accepts PageSize 11: with --cases 0, exactly one case sends it.
    let runtime = tokio::runtime::Runtime::new()?;
    let server = runtime.block_on(ReferenceServer::start(
        spec(),
        Options {
            throttle: false,
            faults: Faults(vec![Fault::PageBoundNotEnforced]),
            sandbox: false,
            verified: Vec::new(),
        },
    ));
    let json = dir.join("diff.jsonl");
    let mut opts = options(&ops, &json);
    opts.endpoint = Some(server.url());
    opts.target = Some("broken-reference".into());
    let code = command::diff(spec(), opts, out);
    let records = report::json::read(&json)?;
    let _ = std::fs::remove_dir_all(&dir);
    let reported = unexplained(&records);
    if code != exit::DIVERGED
        || reported != vec!["list_email_templates::invalid::page_size_above_max::0".to_string()]
    {
        return Err(format!("diff exited {code} and reported {reported:?}").into());
    }
    Ok(())
}

fn emulator_matches_the_reference_baseline(name: &str, url: String) -> Result<(), Failed> {
    let dir = temp(&format!("diff-{name}"));
    let json = dir.join("diff.jsonl");
    let mut opts = options(&[], &json);
    opts.endpoint = Some(url);
    opts.target = Some(name.into());
    let baseline = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("baselines")
        .join("reference");
    let code = command::diff(spec(), opts, baseline);
    let records = report::json::read(&json)?;
    let _ = std::fs::remove_dir_all(&dir);
    let reported = unexplained(&records);
    if !reported.is_empty() || (code != exit::OK && code != exit::DIVERGED) {
        return Err(
            format!("{name}: diff exited {code}; unexplained mismatches: {reported:?}").into(),
        );
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = vec![
        Trial::test(
            "record_then_diff_finds_nothing",
            record_then_diff_finds_nothing,
        ),
        Trial::test(
            "one_differing_answer_is_reported_alone",
            one_differing_answer_is_reported_alone,
        ),
        Trial::test(
            "re_recording_takes_only_stale_cases",
            re_recording_takes_only_stale_cases,
        ),
    ];
    // Every shipped profile that names where its URL comes from is an emulator to diff.
    let emulators = ses_conformance::profile::Profile::shipped_emulators(&common::spec())
        .unwrap_or_else(|e| panic!("{e}"));
    for (name, var) in emulators {
        let trial_name = format!("diff_against_reference_baseline::{name}");
        match std::env::var(&var).ok().filter(|v| !v.is_empty()) {
            Some(url) => trials.push(Trial::test(trial_name, move || emulator_matches_the_reference_baseline(&name, url))),
            None => trials.push(
                Trial::test(trial_name, move || Err(format!("set {var} (scripts/emulators.sh start) to diff {name} against the reference baseline").into()))
                    .with_ignored_flag(true)
                    .with_kind("not configured"),
            ),
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
