//! The commands behind the CLI, as library functions: `main.rs` only parses flags into these
//! option structs. Each returns the process exit code (see `exit`).

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::baseline;
use crate::case::{new_run_id, Bindings, Case};
use crate::exit;
use crate::gen::{self, Settings};
use crate::report::{self, console, Record};
use crate::run::{self, CaseResult, Event, Outcome, Planner, RunConfig, Session, Totals};
use crate::spec::Spec;
use crate::target::gate::{Gate, PaceSettings, Policy};
use crate::target::{reference, GateLimits, Profile, Target, TargetConfig, TargetKind};

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
    /// `--concurrency`; by default 1, or 8 when calls are paced (real SES), so that waiting
    /// cases keep every operation's slots busy.
    pub concurrency: Option<usize>,
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
    /// `--max-sends`: real SES, the most recipients the run may mail.
    pub max_sends: Option<u64>,
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
            ..Default::default()
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

/// A target chosen and its cases selected: everything before the network.
struct Prepared {
    name: String,
    profile: Profile,
    kind: TargetKind,
    cases: Vec<Case>,
}

fn prepare(spec: &Spec, options: &RunOptions) -> Result<Prepared, i32> {
    for a in &options.allow {
        if !ALLOW_VALUES.contains(&a.as_str()) {
            return Err(usage_error(format!(
                "--allow {a}: one of {}",
                ALLOW_VALUES.join(", ")
            )));
        }
    }
    let name = target_name(options);
    let profile = match Profile::shipped(&spec.dir, &name) {
        Ok(Some(p)) => p,
        Ok(None) => Profile::bare(&name),
        Err(e) => return Err(usage_error(e)),
    };
    profile.check_operations(spec).map_err(usage_error)?;
    let kind = target_kind(options, &name, &profile).map_err(usage_error)?;
    let cases = select_cases(spec, options).map_err(usage_error)?;
    Ok(Prepared {
        name,
        profile,
        kind,
        cases,
    })
}

/// What a run produced, in case order.
struct Executed {
    results: Vec<CaseResult>,
    totals: Totals,
    interrupted: bool,
}

fn runtime() -> Result<tokio::runtime::Runtime, i32> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| usage_error(format!("cannot start the async runtime: {e}")))
}

/// `run`: the suite against one target.
pub fn run(spec: Arc<Spec>, options: RunOptions) -> i32 {
    let prepared = match prepare(&spec, &options) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if options.dry_run {
        return dry_run(
            &spec,
            &prepared.profile,
            &options,
            &prepared.kind,
            &prepared.cases,
        );
    }
    let executed = match runtime()
        .and_then(|rt| rt.block_on(execute(Arc::clone(&spec), &options, &prepared, false)))
    {
        Ok(e) => e,
        Err(code) => return code,
    };
    let records: Vec<Record> = executed
        .results
        .iter()
        .map(|r| Record::of(r, &prepared.name))
        .collect();
    print_console(
        &executed.results,
        &records,
        &repro(&options, &prepared.name),
        &executed.totals,
    );
    write_reports(&options, &records, &prepared.name);
    conclude(&executed, records.iter().any(Record::fails))
}

fn conclude(executed: &Executed, failing: bool) -> i32 {
    if executed.interrupted {
        eprintln!("interrupted: cases in flight finished and what the run created was removed");
        exit::INTERRUPTED
    } else if failing {
        exit::DIVERGED
    } else {
        exit::OK
    }
}

fn repro(options: &RunOptions, name: &str) -> console::Repro {
    console::Repro {
        target: name.to_string(),
        endpoint: (name != "reference")
            .then(|| options.endpoint.clone())
            .flatten(),
        seed: options.seed,
        identity: options.identity.clone(),
    }
}

fn write_reports(options: &RunOptions, records: &[Record], name: &str) {
    if let Some(path) = &options.json {
        if let Err(e) = report::json::write(path, records) {
            eprintln!("error: writing {}: {e}", path.display());
        }
    }
    if let Some(path) = &options.junit {
        if let Err(e) = report::junit::write(path, records, name) {
            eprintln!("error: writing JUnit: {e}");
        }
    }
}

/// What the target's gate enforces, from the flags and the profile. Real SES is always paced:
/// each operation at its documented rate, and 1 per second where none is documented.
fn gate_limits(options: &RunOptions, profile: &Profile, real_aws: bool) -> GateLimits {
    GateLimits {
        allow: options.allow.clone(),
        max_requests: options.max_requests,
        pace: PaceSettings {
            per_operation: options.pace || real_aws || profile.rate_limits,
            default_rate: real_aws.then_some(1.0),
            send_rate: None,
        },
    }
}

/// Cases in flight: as asked, else 8 when calls are paced (so waiting cases keep every
/// operation's slots busy), else 1.
fn concurrency(options: &RunOptions, target: &Target) -> usize {
    let paced = target.gate.pacer().settings().per_operation;
    options
        .concurrency
        .unwrap_or(if paced { 8 } else { 1 })
        .max(1)
}

/// Connect, run every prepared case, and return the results in case order. With
/// `isolate_answers`, cases whose answers depend on what else exists run alone (what baselines
/// need); a plain run judges them alike without waiting.
async fn execute(
    spec: Arc<Spec>,
    options: &RunOptions,
    prepared: &Prepared,
    isolate_answers: bool,
) -> Result<Executed, i32> {
    let name = &prepared.name;
    let real_aws = matches!(prepared.kind, TargetKind::Aws { .. });
    let run_id = new_run_id();
    let config = TargetConfig {
        name: name.clone(),
        kind: prepared.kind.clone(),
        region: options.region.clone(),
        timeout: Duration::from_secs_f64(options.timeout_secs.max(0.001)),
        profile: prepared.profile.clone(),
        run_id: run_id.clone(),
        limits: gate_limits(options, &prepared.profile, real_aws),
    };
    let target = match Target::connect(Arc::clone(&spec), config).await {
        Ok(t) => Arc::new(t),
        Err(e) => {
            eprintln!("error: {e}");
            return Err(exit::UNREACHABLE);
        }
    };
    if let Err(detail) = target.reachable().await {
        eprintln!(
            "error: target {name} at {} is not reachable: {detail}",
            target.endpoint
        );
        return Err(exit::UNREACHABLE);
    }
    // Real SES always gets a ledger: the safety rules require one.
    let ledger = match &options.ledger {
        Some(path) => Some(path.clone()),
        None if real_aws => Some(run::ledger::default_ledger_path(&run_id).map_err(usage_error)?),
        None => None,
    };
    let paced = target.gate.pacer().settings().per_operation;
    let run_config = RunConfig {
        concurrency: concurrency(options, &target),
        max_sends: options.max_sends,
        isolate_answers,
        interleave: paced,
        ..RunConfig::default()
    };
    let session = Session::new(
        Arc::clone(&spec),
        Arc::clone(&target),
        run_config,
        ledger.as_deref(),
    )
    .map(Arc::new)
    .map_err(usage_error)?;
    if let Some(path) = &ledger {
        eprintln!(
            "run {run_id}: every resource it creates is recorded first in the ledger {} (after a crash, `ses-conformance cleanup` removes what is left)",
            path.display()
        );
    }
    match session.start().await {
        Ok(Some(allowance)) => eprintln!("{}", console::allowance(&allowance)),
        Ok(None) => {}
        Err(detail) => {
            eprintln!("error: target {name} at {}: {detail}", target.endpoint);
            return Err(exit::UNREACHABLE);
        }
    }
    let cases: Vec<Arc<Case>> = prepared.cases.iter().cloned().map(Arc::new).collect();
    let order: std::collections::HashMap<String, usize> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.clone(), i))
        .collect();
    let mut progress = console::Progress::new(cases.len());
    let mut results: Vec<CaseResult> = Vec::new();
    let interrupted = session
        .run_all(cases, |event| {
            progress.on_event(&event);
            if let Event::Finished(result) = event {
                results.push(result);
            }
        })
        .await;
    progress.finish();
    if let Some(path) = &ledger {
        close_ledger(path);
    }
    results.sort_by_key(|r| order.get(&r.case.id).copied().unwrap_or(usize::MAX));
    Ok(Executed {
        results,
        totals: session.totals(),
        interrupted,
    })
}

/// `record`: run the cases once and store their answers as a baseline. With `older_than`, only
/// cases never recorded or recorded more than that many days ago are run.
pub fn record(spec: Arc<Spec>, options: RunOptions, out: PathBuf, older_than: Option<f64>) -> i32 {
    let mut prepared = match prepare(&spec, &options) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let meta = baseline::Meta {
        target: prepared.name.clone(),
        region: options.region.clone(),
        seed: options.seed,
        random_cases: options.random_cases,
    };
    if let Ok(existing) = baseline::read_meta(&out) {
        if (existing.seed, existing.random_cases) != (meta.seed, meta.random_cases) {
            return usage_error(format!(
                "{}: recorded with --seed {} --cases {}; re-record with the same settings or into a new directory",
                out.display(),
                existing.seed,
                existing.random_cases
            ));
        }
    }
    if let Some(days) = older_than {
        let now = SystemTime::now();
        prepared
            .cases
            .retain(|c| match baseline::read_entry(&out, &c.id) {
                Ok(Some(entry)) => baseline::older_than(&entry, days, now),
                _ => true,
            });
        eprintln!(
            "{} cases are missing or older than {days} days",
            prepared.cases.len()
        );
    }
    let executed = match runtime()
        .and_then(|rt| rt.block_on(execute(Arc::clone(&spec), &options, &prepared, true)))
    {
        Ok(e) => e,
        Err(code) => return code,
    };
    if let Err(e) = baseline::write_meta(&out, &meta) {
        return usage_error(e);
    }
    let mut written = 0;
    for result in &executed.results {
        // A case that was not sent (skipped, interrupted) keeps its previous recording.
        if let Outcome::Ran {
            verdict,
            observation,
            ..
        } = &result.outcome
        {
            let entry = baseline::entry(
                &spec,
                &result.case,
                &meta,
                verdict,
                observation,
                SystemTime::now(),
            );
            if let Err(e) = baseline::write_entry(&out, &entry) {
                return usage_error(e);
            }
            written += 1;
        }
    }
    let records: Vec<Record> = executed
        .results
        .iter()
        .map(|r| Record::of(r, &prepared.name))
        .collect();
    write_reports(&options, &records, &prepared.name);
    println!(
        "recorded {written} cases from {} into {}",
        prepared.name,
        out.display()
    );
    conclude(&executed, false)
}

/// `diff`: replay a baseline's cases against a target and compare answers at two levels.
pub fn diff(spec: Arc<Spec>, mut options: RunOptions, baseline_dir: PathBuf) -> i32 {
    let meta = match baseline::read_meta(&baseline_dir) {
        Ok(m) => m,
        Err(e) => return usage_error(e),
    };
    let entries = match baseline::read_entries(&baseline_dir) {
        Ok(e) => e,
        Err(e) => return usage_error(e),
    };
    // The same ids, seeds and fixtures as the recording.
    options.seed = meta.seed;
    options.random_cases = meta.random_cases;
    let mut prepared = match prepare(&spec, &options) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let recorded: std::collections::HashMap<&str, &baseline::Entry> =
        entries.iter().map(|e| (e.id.as_str(), e)).collect();
    prepared
        .cases
        .retain(|c| recorded.contains_key(c.id.as_str()));
    let executed = match runtime()
        .and_then(|rt| rt.block_on(execute(Arc::clone(&spec), &options, &prepared, true)))
    {
        Ok(e) => e,
        Err(code) => return code,
    };
    let mut records = Vec::new();
    let mut unexplained = 0;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for result in &executed.results {
        let mut record = Record::of(result, &prepared.name);
        let (Outcome::Ran { observation, .. }, Some(entry)) =
            (&result.outcome, recorded.get(result.case.id.as_str()))
        else {
            records.push(record);
            continue;
        };
        let observed = crate::snapshot::normalise(&spec, &result.case, observation);
        let m = baseline::compare::compare(&entry.answer, &observed);
        let allowed = baseline::compare::explained(&prepared.profile, &result.case, m);
        if !allowed {
            unexplained += 1;
            let level = if m.verdict {
                "full (message or body)"
            } else {
                "verdict (status or error type)"
            };
            let _ = writeln!(
                out,
                "--- {} differs from the baseline at the {level} level",
                result.case.id
            );
            let _ = write!(
                out,
                "{}",
                baseline::compare::side_by_side(&entry.answer, &observed)
            );
            let _ = writeln!(
                out,
                "    reproduce: {}",
                repro(&options, &prepared.name).command(&result.case.id)
            );
        }
        record.baseline = Some(report::record::BaselineMatch {
            verdict: m.verdict,
            full: m.full,
            allowed,
        });
        records.push(record);
    }
    let _ = writeln!(out);
    let _ = write!(out, "{}", console::baseline_table(&records));
    let _ = writeln!(
        out,
        "{} cases compared with {} (recorded from {} in {}), {unexplained} unexplained mismatches",
        records.iter().filter(|r| r.baseline.is_some()).count(),
        baseline_dir.display(),
        meta.target,
        meta.region
    );
    drop(out);
    write_reports(&options, &records, &prepared.name);
    conclude(&executed, unexplained > 0)
}

fn print_console(
    results: &[CaseResult],
    records: &[Record],
    repro: &console::Repro,
    totals: &Totals,
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
        "{} cases, {failing} failing, {}",
        records.len(),
        console::totals(totals)
    );
}

fn dry_run(
    spec: &Arc<Spec>,
    profile: &Profile,
    options: &RunOptions,
    kind: &TargetKind,
    cases: &[Case],
) -> i32 {
    let run_id = "000000";
    let real_aws = matches!(kind, TargetKind::Aws { .. });
    let bindings = match kind {
        TargetKind::Aws { identity, .. } => {
            Bindings::for_identity(run_id, identity, &options.region, "000000000000")
        }
        _ => Bindings::placeholders(),
    };
    let policy = match kind {
        TargetKind::Aws { identity, .. } => Some(Policy {
            run_id: run_id.into(),
            identity: identity.clone(),
            allow: options.allow.iter().cloned().collect(),
        }),
        _ => None,
    };
    let limits = gate_limits(options, profile, real_aws);
    let gate = Gate::new(
        Arc::clone(spec),
        crate::target::gate::Limits {
            policy,
            max_requests: limits.max_requests,
            pace: PaceSettings {
                // A sandbox account's sending rate: a real run reads the account's own.
                send_rate: real_aws.then_some(crate::run::session::SANDBOX_QUOTA.0),
                ..limits.pace
            },
        },
    );
    let planner = Planner {
        spec,
        profile,
        bindings: &bindings,
        gate: &gate,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let _ = writeln!(out, "dry run: nothing is sent. Names show the run prefix as conf000000-; a real run uses a fresh id.");
    let mut estimate = report::plan::Estimate::default();
    for case in cases {
        let plan = planner.plan(case);
        let _ = write!(out, "{}", report::plan::plan_lines(case, &plan, &bindings));
        estimate.add(spec, case, &plan, &gate);
    }
    let _ = write!(
        out,
        "{}",
        estimate.render(gate.pacer().settings().send_rate)
    );
    exit::OK
}

/// After the session's own cleanup: mark the ledger finished when nothing in it is pending, or
/// say what is left.
fn close_ledger(path: &std::path::Path) {
    let read = match run::ledger::read(path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return;
        }
    };
    report_ledger_lines(path, &read);
    let pending = read.pending();
    if pending.is_empty() && read.malformed().next().is_none() {
        if let Err(e) = run::ledger::Ledger::open(path).and_then(|l| l.finish()) {
            eprintln!("error: {e}");
        }
    } else if !pending.is_empty() {
        eprintln!(
            "{}: {} resources are still pending; `ses-conformance cleanup` removes them",
            path.display(),
            pending.entries.len()
        );
    }
}

/// Print what a ledger's reader skipped, and the identities with no proof of creation.
fn report_ledger_lines(path: &std::path::Path, read: &run::ledger::ReadLedger) {
    for warning in &read.warnings {
        let level = match warning.problem {
            run::ledger::LineProblem::Torn => "warning",
            run::ledger::LineProblem::Malformed => "error",
        };
        eprintln!("{level}: {}: {warning}", path.display());
    }
    for unproven in &read.pending().unproven {
        let address = unproven.entry.delete_request["EmailIdentity"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| unproven.entry.delete_request.to_string());
        eprintln!(
            "note: {} line {}: no proof it was created; check the account for {address}",
            path.display(),
            unproven.line
        );
    }
}

/// Options of `cleanup`.
#[derive(Debug, Clone)]
pub struct CleanupOptions {
    /// The ledger to clean; every unfinished ledger in the state directory when `None`.
    pub ledger: Option<PathBuf>,
    /// `--endpoint`: what to connect to and check entries against (default: real SES in
    /// `region`).
    pub endpoint: Option<String>,
    /// `--region`.
    pub region: String,
    /// `--timeout` in seconds.
    pub timeout_secs: f64,
}

/// `cleanup [LEDGER]`: remove what crashed runs left behind, and only what they named, at the
/// endpoint given by the flags. Exit 0 when nothing is left, 1 when an entry was refused, could
/// not be removed or could not be read, 2 when a ledger does not load, 3 when the endpoint
/// cannot be set up.
pub fn cleanup(spec: Arc<Spec>, options: CleanupOptions) -> i32 {
    let to = run::CleanupTarget::new(
        options.endpoint.clone(),
        &options.region,
        Duration::from_secs_f64(options.timeout_secs.max(0.001)),
    );
    let paths = match ledgers_to_clean(&options) {
        Ok(paths) => paths,
        Err(code) => return code,
    };
    let runtime = match runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    paths
        .iter()
        .map(|path| runtime.block_on(cleanup_ledger(Arc::clone(&spec), path, &to)))
        .max()
        .unwrap_or(exit::OK)
}

/// The ledger named on the command line, or every unfinished one in the state directory.
fn ledgers_to_clean(options: &CleanupOptions) -> Result<Vec<PathBuf>, i32> {
    if let Some(path) = &options.ledger {
        return Ok(vec![path.clone()]);
    }
    let dir = run::ledger::ledger_dir().map_err(usage_error)?;
    let paths = run::ledger::unfinished_ledgers(&dir).map_err(usage_error)?;
    if paths.is_empty() {
        println!("{}: no unfinished ledgers", dir.display());
    }
    Ok(paths)
}

/// Clean one ledger; its exit code.
async fn cleanup_ledger(spec: Arc<Spec>, path: &std::path::Path, to: &run::CleanupTarget) -> i32 {
    let read = match run::ledger::read(path) {
        Ok(r) => r,
        Err(e) => return usage_error(e),
    };
    report_ledger_lines(path, &read);
    let pending = read.pending();
    let tally = match run::cleanup_entries(spec, path, &pending.entries, to).await {
        Ok(t) => t,
        Err(e @ run::CleanupError::Connect { .. }) => {
            eprintln!("error: {e}");
            return exit::UNREACHABLE;
        }
        Err(e) => return usage_error(e),
    };
    let unread = read.malformed().count();
    let clean = tally.refused == 0 && tally.left == 0 && unread == 0;
    if clean && !read.is_finished() {
        if let Err(e) = run::ledger::Ledger::open(path).and_then(|l| l.finish()) {
            return usage_error(e);
        }
    }
    println!(
        "{}: {} removed, {} refused, {} could not be removed, {unread} unreadable lines{}",
        path.display(),
        tally.removed,
        tally.refused,
        tally.left,
        if clean { "; finished" } else { "" }
    );
    if clean {
        exit::OK
    } else {
        exit::DIVERGED
    }
}

/// `serve`: the embedded reference on 127.0.0.1 until a stop signal.
pub fn serve(
    spec: Arc<Spec>,
    port: u16,
    sandbox: bool,
    throttle: bool,
    verified: Vec<String>,
) -> i32 {
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    rt.block_on(async {
        let options = reference::Options {
            throttle,
            sandbox,
            verified,
            ..Default::default()
        };
        let server = match reference::ReferenceServer::start_on(spec, options, port).await {
            Ok(server) => server,
            Err(e) => return usage_error(format!("--port {port}: {e}")),
        };
        println!("{}", server.url());
        eprintln!(
            "serving the embedded reference{} at {} (stop with Ctrl-C)",
            if sandbox {
                " in the real-SES sandbox mode"
            } else {
                ""
            },
            server.url()
        );
        crate::run::signals::stop_signal().await;
        let effects = server.side_effects();
        if !effects.is_empty() {
            eprintln!("side effects: {}", effects.join("; "));
        }
        exit::OK
    })
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

/// `sdk-check`: before upgrading `aws-sdk-sesv2`, run the contract checks in this checkout
/// ([`sdk_model::check_upgrade`](crate::sdk_model::check_upgrade)) and say what changed.
pub fn sdk_check(baseline: Option<PathBuf>) -> i32 {
    use crate::sdk_model::{check_upgrade, UpgradeError};
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    eprintln!(
        "running the SDK contract checks in {} (this builds the tests)...",
        manifest.display()
    );
    let report = match check_upgrade(&manifest, baseline.as_deref()) {
        Ok(report) => report,
        Err(e) => {
            if let UpgradeError::NotRun { stderr } = &e {
                eprintln!("{stderr}");
            }
            return usage_error(e);
        }
    };
    println!("aws-sdk-sesv2 {}", report.sdk_version);
    print_changes(
        "answers the SDK now parses differently (snapshots/replay-*/)",
        &report.replay,
    );
    print_changes(
        "requests the SDK now serialises differently (snapshots/wire-requests/)",
        &report.wire,
    );
    print_changes(
        "spec rows that no longer match the SDK's model (src/sdk_model/)",
        &report.drift,
    );
    if report.is_unchanged() {
        println!("no change: the SDK serialises every request, parses every recorded answer and models every operation as before");
        return exit::OK;
    }
    if report.has_other_failures() {
        println!("other checks failed; run `cargo test --test sdk_contract` to see them");
    }
    println!("review snapshot changes with `cargo insta review`; update the spec rows named above (or re-bless specs/sdk-baseline.json with SES_CONFORMANCE_BLESS_DRIFT=1 cargo test --test model_drift)");
    exit::DIVERGED
}

fn print_changes(what: &str, items: &[impl std::fmt::Display]) {
    if items.is_empty() {
        return;
    }
    println!("{} {what}:", items.len());
    for item in items.iter().take(40) {
        println!("  {item}");
    }
    if items.len() > 40 {
        println!("  ... and {} more", items.len() - 40);
    }
}
