//! The commands behind the CLI, as library functions: `main.rs` only parses flags into these
//! option structs. Each returns the process exit code (see `exit`).

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::case::{new_run_id, Bindings, Case};
use crate::exit;
use crate::gen::{self, Settings};
use crate::report::{self, console, Record};
use crate::run::{self, CaseResult, Event, RunConfig, Session};
use crate::spec::Spec;
use crate::target::{reference, Profile, Target, TargetConfig, TargetKind};

/// Options of `run`.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// `--endpoint`.
    pub endpoint: Option<String>,
    /// `--target`.
    pub target: Option<String>,
    /// `--region`.
    pub region: String,
    /// `--op`.
    pub ops: Vec<String>,
    /// `--case`.
    pub case_ids: Vec<String>,
    /// `--seed`.
    pub seed: u64,
    /// `--cases`.
    pub random_cases: usize,
    /// `--json`.
    pub json: Option<PathBuf>,
    /// `--junit`.
    pub junit: Option<PathBuf>,
    /// `--concurrency`.
    pub concurrency: usize,
    /// `--timeout` in seconds.
    pub timeout_secs: f64,
    /// `--identity`.
    pub identity: Option<String>,
    /// `--account-id`.
    pub account_id: Option<String>,
    /// `--allow`.
    pub allow: Vec<String>,
    /// `--max-requests`.
    pub max_requests: Option<u64>,
    /// `--dry-run`.
    pub dry_run: bool,
    /// `--ledger`.
    pub ledger: Option<PathBuf>,
    /// `--throttle`: the embedded reference enforces the documented rate limits.
    pub reference_throttle: bool,
    /// `--pace`: pace calls at the documented rate limits (always on for real SES).
    pub pace: bool,
}

/// The opt-in names `--allow` accepts.
pub const ALLOW_VALUES: [&str; 3] = ["account-change", "sends-mail", "billable"];

fn usage_error(message: impl std::fmt::Display) -> i32 {
    eprintln!("error: {message}");
    exit::USAGE_OR_SPEC
}

/// Check `--op` values against the spec.
pub fn check_ops(spec: &Spec, ops: &[String]) -> Result<(), String> {
    for op in ops {
        if spec.operation(op).is_none() {
            return Err(format!(
                "--op {op}: unknown operation (known: {})",
                spec.operations
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    Ok(())
}

/// `list`: print every case id (or JSON line).
pub fn list(spec: &Spec, ops: Vec<String>, json: bool, seed: u64, random_cases: usize) -> i32 {
    if let Err(e) = check_ops(spec, &ops) {
        return usage_error(e);
    }
    let settings = Settings {
        global_seed: seed,
        random_cases,
        operations: ops,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    // Ids alone need no request generation; JSON lines build each case as they go.
    for plan in gen::plans(spec, &settings) {
        let line = if json {
            match plan.build(spec, &settings) {
                Some(case) => case.listing().to_string(),
                None => continue,
            }
        } else {
            plan.id
        };
        if writeln!(out, "{line}").is_err() {
            // A closed pipe (`| head`) is not an error.
            return exit::OK;
        }
    }
    let _ = out.flush();
    exit::OK
}

/// The name a run reports under.
fn target_name(options: &RunOptions) -> String {
    match (&options.target, &options.endpoint) {
        (Some(t), _) => t.clone(),
        (None, Some(_)) => "endpoint".into(),
        (None, None) => "reference".into(),
    }
}

/// Resolve what to connect to from the flags (and the profile's endpoint variable).
fn target_kind(options: &RunOptions, name: &str, profile: &Profile) -> Result<TargetKind, String> {
    if name == "aws" {
        let identity = options
            .identity
            .clone()
            .ok_or("--target aws needs --identity NAME: a domain or address you verified in SES (the harness cannot verify one)")?;
        return Ok(TargetKind::Aws {
            url: options.endpoint.clone(),
            identity,
            account_id: options.account_id.clone(),
        });
    }
    if let Some(url) = &options.endpoint {
        return Ok(TargetKind::Local { url: url.clone() });
    }
    if name == "reference" {
        return Ok(TargetKind::Reference(reference::Options {
            throttle: options.reference_throttle,
            faults: Default::default(),
        }));
    }
    match profile
        .endpoint_env
        .as_deref()
        .and_then(|var| std::env::var(var).ok().map(|v| (var, v)))
    {
        Some((_, url)) => Ok(TargetKind::Local { url }),
        None => Err(format!(
            "--target {name}: no --endpoint given{}",
            profile
                .endpoint_env
                .as_deref()
                .map(|v| format!(" and {v} is not set"))
                .unwrap_or_default()
        )),
    }
}

/// Select the cases of a run.
fn select_cases(spec: &Spec, options: &RunOptions) -> Result<Vec<Case>, String> {
    check_ops(spec, &options.ops)?;
    let settings = Settings {
        global_seed: options.seed,
        random_cases: options.random_cases,
        operations: options.ops.clone(),
    };
    let mut cases = gen::generate(spec, &settings);
    if !options.case_ids.is_empty() {
        for id in &options.case_ids {
            if !cases.iter().any(|c| &c.id == id) {
                return Err(format!(
                    "--case {id}: no such case (see `ses-conformance list`)"
                ));
            }
        }
        cases.retain(|c| options.case_ids.contains(&c.id));
    }
    Ok(cases)
}

/// `run`: the suite against one target.
pub fn run(spec: Arc<Spec>, options: RunOptions) -> i32 {
    for a in &options.allow {
        if !ALLOW_VALUES.contains(&a.as_str()) {
            return usage_error(format!("--allow {a}: one of {}", ALLOW_VALUES.join(", ")));
        }
    }
    let name = target_name(&options);
    let profile = match Profile::shipped(&name) {
        Ok(Some(p)) => p,
        Ok(None) if name == "aws" || name == "reference" => Profile::bare(&name),
        Ok(None) => Profile::bare(&name),
        Err(e) => return usage_error(e),
    };
    if let Err(e) = profile.check_operations(&spec) {
        return usage_error(e);
    }
    let kind = match target_kind(&options, &name, &profile) {
        Ok(k) => k,
        Err(e) => return usage_error(e),
    };
    let cases = match select_cases(&spec, &options) {
        Ok(c) => c,
        Err(e) => return usage_error(e),
    };
    let real_aws = matches!(kind, TargetKind::Aws { .. });
    if options.dry_run {
        return dry_run(&spec, &profile, real_aws, &options, &kind, &cases);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return usage_error(format!("cannot start the async runtime: {e}")),
    };
    runtime.block_on(run_async(spec, options, name, profile, kind, cases))
}

async fn run_async(
    spec: Arc<Spec>,
    options: RunOptions,
    name: String,
    profile: Profile,
    kind: TargetKind,
    cases: Vec<Case>,
) -> i32 {
    let real_aws = matches!(kind, TargetKind::Aws { .. });
    let run_id = new_run_id();
    let config = TargetConfig {
        name: name.clone(),
        kind: kind.clone(),
        region: options.region.clone(),
        timeout: Duration::from_secs_f64(options.timeout_secs.max(0.001)),
        profile: profile.clone(),
        run_id: run_id.clone(),
    };
    let target = match Target::connect(Arc::clone(&spec), config).await {
        Ok(t) => Arc::new(t),
        Err(e) => {
            eprintln!("error: {e}");
            return exit::UNREACHABLE;
        }
    };
    if let Err(detail) = target.reachable().await {
        eprintln!(
            "error: target {name} at {} is not reachable: {detail}",
            target.endpoint
        );
        return exit::UNREACHABLE;
    }
    // Real SES always gets a ledger: the safety rules require one.
    let ledger = options.ledger.clone().or_else(|| {
        real_aws.then(|| PathBuf::from(format!("ses-conformance-{run_id}.ledger.jsonl")))
    });
    let run_config = RunConfig {
        concurrency: options.concurrency.max(1),
        allow: options.allow.clone(),
        max_requests: options.max_requests,
        pace: options.pace || real_aws || profile.rate_limits,
        default_rate: real_aws.then_some(1.0),
        ..RunConfig::default()
    };
    let session = match Session::new(
        Arc::clone(&spec),
        Arc::clone(&target),
        run_config,
        ledger.as_deref(),
    ) {
        Ok(s) => Arc::new(s),
        Err(e) => return usage_error(e),
    };
    if let Some(path) = &ledger {
        eprintln!("run {run_id}: ledger {}", path.display());
    }
    let cases: Vec<Arc<Case>> = cases.into_iter().map(Arc::new).collect();
    let mut progress = console::Progress::new(cases.len());
    let mut results: Vec<CaseResult> = Vec::new();
    let order: std::collections::HashMap<String, usize> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.clone(), i))
        .collect();
    let interrupted = session
        .run_all(cases, |event| {
            progress.on_event(&event);
            if let Event::Finished(result) = event {
                results.push(result);
            }
        })
        .await;
    progress.finish();
    results.sort_by_key(|r| order.get(&r.case.id).copied().unwrap_or(usize::MAX));
    let records: Vec<Record> = results.iter().map(|r| Record::of(r, &name)).collect();
    let repro = console::Repro {
        target: name.clone(),
        endpoint: (name != "reference")
            .then(|| options.endpoint.clone())
            .flatten(),
        seed: options.seed,
        identity: options.identity.clone(),
    };
    print_console(&results, &records, &repro, session.requests());
    if let Some(path) = &options.json {
        if let Err(e) = report::json::write(path, &records) {
            eprintln!("error: writing {}: {e}", path.display());
        }
    }
    if let Some(path) = &options.junit {
        if let Err(e) = report::junit::write(path, &records, &name) {
            eprintln!("error: writing JUnit: {e}");
        }
    }
    if interrupted {
        eprintln!("interrupted: cases in flight finished and what the run created was removed");
        return exit::INTERRUPTED;
    }
    if records.iter().any(Record::fails) {
        exit::DIVERGED
    } else {
        exit::OK
    }
}

fn print_console(
    results: &[CaseResult],
    records: &[Record],
    repro: &console::Repro,
    requests: u64,
) {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for (result, record) in results.iter().zip(records) {
        if record.fails() {
            let _ = write!(out, "{}", console::failure_report(result, record, repro));
        }
    }
    let _ = writeln!(out);
    let _ = write!(out, "{}", console::summary_table(records));
    let failing = records.iter().filter(|r| r.fails()).count();
    let _ = writeln!(
        out,
        "{} cases, {failing} failing, {requests} requests sent",
        records.len()
    );
}

fn dry_run(
    spec: &Spec,
    profile: &Profile,
    real_aws: bool,
    options: &RunOptions,
    kind: &TargetKind,
    cases: &[Case],
) -> i32 {
    let run_id = "000000";
    let bindings = match kind {
        TargetKind::Aws { identity, .. } => {
            Bindings::for_identity(run_id, identity, &options.region, "000000000000")
        }
        _ => Bindings::placeholders(),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let _ = writeln!(out, "dry run: nothing is sent. Names show the run prefix as conf000000-; a real run uses a fresh id.");
    let mut sends = 0;
    for case in cases {
        if let Some(reason) = run::skip_reason(spec, profile, real_aws, &options.allow, case) {
            let _ = writeln!(out, "SKIP   {}: {reason}", case.id);
            continue;
        }
        for f in &case.fixtures {
            let _ = writeln!(
                out,
                "CREATE {} {}",
                f.create.operation,
                abbreviate_json(&bindings.bind_value(&f.create.request, &[]))
            );
        }
        let _ = writeln!(
            out,
            "SEND   {} {} via {:?}: {}",
            case.id,
            case.operation,
            case.path,
            abbreviate_json(&bindings.bind_value(&case.request, &[]))
        );
        sends += 1;
        for c in &case.creates {
            let _ = writeln!(
                out,
                "REMOVE {} {} (if the target created it)",
                c.delete.operation,
                bindings.bind_value(&c.delete.request, &[])
            );
        }
        for f in case.fixtures.iter().rev() {
            let _ = writeln!(
                out,
                "REMOVE {} {}",
                f.delete.operation,
                bindings.bind_value(&f.delete.request, &[])
            );
        }
    }
    let _ = writeln!(
        out,
        "{sends} cases would be sent, {} skipped",
        cases.len() - sends
    );
    exit::OK
}

fn abbreviate_json(v: &serde_json::Value) -> String {
    console::abbreviate(&v.to_string(), 300)
}

/// `cleanup LEDGER`: remove what a crashed run left behind, and only what it named.
pub fn cleanup(spec: Arc<Spec>, ledger_path: PathBuf, region: String, timeout_secs: f64) -> i32 {
    let entries = match run::ledger::read(&ledger_path) {
        Ok(e) => e,
        Err(e) => return usage_error(e),
    };
    let pending = run::ledger::pending(&entries);
    if pending.is_empty() {
        println!("{}: nothing left to remove", ledger_path.display());
        return exit::OK;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return usage_error(format!("cannot start the async runtime: {e}")),
    };
    runtime.block_on(run::cleanup_entries(
        spec,
        &ledger_path,
        pending,
        &region,
        Duration::from_secs_f64(timeout_secs),
    ))
}

/// `report RESULT.json...`: the conformance matrix.
pub fn report(files: &[PathBuf]) -> i32 {
    let mut records = Vec::new();
    for f in files {
        match report::json::read(f) {
            Ok(r) => records.extend(r),
            Err(e) => return usage_error(e),
        }
    }
    print!("{}", report::matrix::markdown(&records));
    exit::OK
}
