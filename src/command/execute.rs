//! Running prepared cases against a target, shared by `run`, `record` and `diff`: connect, run
//! every case while the reporters read the events, close the ledger, and decide the exit code.

use std::sync::Arc;

use crate::case::{new_run_id, Case};
use crate::client::{Target, TargetConfig, TargetKind};
use crate::exit;
use crate::report::console::{self, Detail, Repro};
use crate::report::json::JsonLines;
use crate::report::junit::Junit;
use crate::report::progress::Progress;
use crate::report::{Reporter, Reporters, Summary};
use crate::run::sequences::SequencePlan;
use crate::run::{self, RunConfig, Session};
use crate::sequence::SequenceConfig;
use crate::spec::Spec;

use super::durations::TIMEOUT;
use super::ledger::close_ledger;
use super::not_ses::{NotSes, ShapeWatch};
use super::options::RunOptions;
use super::outputs::{check_outputs, Output, Writes};
use super::prepare::{gate_limits, usage_error, Prepared};

/// What a run produced.
pub(super) struct Executed {
    /// What the reporters saw, and what they could not write.
    pub summary: Summary,
    /// Whether the ledger could not be written (mid-run, or when it was closed).
    pub ledger_failed: bool,
    /// Why the run stopped early because the target does not answer like SES.
    pub not_ses: Option<NotSes>,
}

/// The reporters of a run: the progress display, the command's own report (`main`), and the
/// result files the flags ask for.
pub(super) fn reporters(
    options: &RunOptions,
    prepared: &Prepared,
    main: impl Reporter + 'static,
) -> Reporters {
    // `--quiet` asks for the summary line alone: no line per failing case while the run goes.
    let progress = if options.console == Detail::Quiet {
        Progress::quiet()
    } else {
        Progress::new()
    };
    let mut reporters = Reporters::new().live(progress).ordered(main);
    if let Some(path) = &options.json {
        reporters = reporters.ordered(JsonLines::new(path.clone()));
    }
    if let Some(path) = &options.junit {
        let repro = repro(options, prepared);
        reporters = reporters.ordered(Junit::new(path.clone(), &prepared.name, repro));
    }
    reporters
}

/// How the console says to reproduce a case of this run.
pub(super) fn repro(options: &RunOptions, prepared: &Prepared) -> Repro {
    Repro {
        target: prepared.name.clone(),
        endpoint: prepared.endpoint_flag(),
        seed: options.seed,
        cases: options.random_cases,
        identity: options.identity.clone(),
        regressions: options
            .regressions
            .as_ref()
            .map(|p| p.display().to_string()),
    }
}

/// The exit code, by the one precedence of [`exit::of`], and what a stop says.
pub(super) fn conclude(executed: &Executed, failing: bool) -> i32 {
    let code = exit::of(exit::Ending {
        interrupted: executed.summary.interrupted,
        stdout_closed: crate::output::stdout_closed(),
        write_failed: executed.ledger_failed || !executed.summary.errors.is_empty(),
        diverged: failing,
        not_ses: executed.not_ses.is_some(),
    });
    match code {
        exit::UNREACHABLE => {
            if let Some(not_ses) = &executed.not_ses {
                errln!("stopped: the target does not answer like SES v2: {not_ses}. Check --endpoint (and --target); --keep-going runs every case anyway.");
            }
        }
        exit::OUTPUT_CLOSED => errln!("stopped: stdout was closed (its reader went away); cases in flight stopped at their next wait and what the run created was removed"),
        exit::INTERRUPTED => errln!("interrupted: cases in flight stopped at their next wait and what the run created was removed"),
        _ => {}
    }
    code
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

/// Sequences a run has after its cases: `--sequence` alone, else `--sequences` or the
/// default. `record` and `diff` (which isolate answers) have none: a baseline holds single
/// answers by case id, and a sequence's answers depend on the run that drew it.
pub(super) fn sequence_plan(
    options: &RunOptions,
    real_aws: bool,
    isolate_answers: bool,
) -> SequencePlan {
    let default = if real_aws {
        DEFAULT_SEQUENCES_REAL_SES
    } else {
        DEFAULT_SEQUENCES
    };
    let count = match (isolate_answers, options.sequence.is_some()) {
        (true, _) => 0,
        (false, true) => 1,
        // `--case` reproduces cases: no sequences unless asked for.
        (false, false) if !options.case_ids.is_empty() => options.sequences.unwrap_or(0),
        (false, false) => options.sequences.unwrap_or(default),
    };
    SequencePlan {
        count,
        only: options.sequence.clone().filter(|_| !isolate_answers),
        seed: options.seed,
        config: if real_aws {
            // Every step is paced on real SES: shorter sequences, fewer shrink attempts.
            SequenceConfig {
                max_steps: 8,
                max_shrink_attempts: 16,
            }
        } else {
            SequenceConfig::default()
        },
    }
}

/// Sequences per run on a local target: enough to meet the state faults the self-tests plant
/// (tests/sequences.rs) whatever the seed, in a few seconds against the embedded reference.
pub const DEFAULT_SEQUENCES: usize = 80;

/// Sequences per run against real SES, where every step is paced at the documented rate.
pub const DEFAULT_SEQUENCES_REAL_SES: usize = 4;

/// A session on a connected target, started; it holds the ledger it writes (if any).
pub(super) struct Connected {
    /// The session every request goes through.
    pub session: Arc<Session>,
}

/// Connect to the prepared target and start a session on it, as `run` and `explore` both do:
/// reachability checked, the ledger chosen (always one for real SES), the account's quota read.
pub(super) async fn connect_session(
    spec: &Arc<Spec>,
    options: &RunOptions,
    prepared: &Prepared,
    isolate_answers: bool,
) -> Result<Connected, i32> {
    let name = &prepared.name;
    let real_aws = matches!(prepared.kind, TargetKind::Aws { .. });
    // Real SES always gets a ledger: the safety rules require one.
    let keeps_ledger = real_aws || options.ledger.is_some();
    let run_id = mint_run_id(keeps_ledger)?;
    let config = TargetConfig {
        name: name.clone(),
        kind: prepared.kind.clone(),
        region: options.region.clone(),
        timeout: TIMEOUT
            .duration(options.timeout_secs)
            .map_err(usage_error)?,
        profile: prepared.profile.clone(),
        run_id: run_id.clone(),
        limits: gate_limits(options, &prepared.profile, real_aws),
    };
    // The ledger and every other file the command writes are checked before the first request.
    let ledger = match &options.ledger {
        Some(path) => Some(path.clone()),
        None if real_aws => Some(run::ledger::default_ledger_path(&run_id).map_err(usage_error)?),
        None => None,
    };
    let ledger_output = ledger.as_deref().map(|path| {
        let flag = if options.ledger.is_some() {
            "--ledger"
        } else {
            "the ledger"
        };
        Output::new(flag, path, Writes::AppendedState)
    });
    check_outputs(prepared.outputs.iter().chain(&ledger_output))?;
    let target = match Target::connect(Arc::clone(spec), config).await {
        Ok(t) => Arc::new(t),
        Err(e) => {
            errln!("error: {e}");
            return Err(exit::UNREACHABLE);
        }
    };
    if let Err(detail) = target.reachable().await {
        errln!(
            "error: target {name} at {} is not reachable: {detail}",
            target.endpoint
        );
        return Err(exit::UNREACHABLE);
    }
    let paced = target.gate.pacer().settings().per_operation;
    let run_config = RunConfig {
        concurrency: concurrency(options, &target),
        max_sends: options.max_sends,
        isolate_answers,
        interleave: paced,
        // Nothing is known of a target without a profile: its first answers should show
        // whether it speaks SES at all, whatever operations it lacks.
        each_operation_first: !prepared.profiled && !is_reference(prepared),
        ..RunConfig::default()
    };
    let session = Session::new(
        Arc::clone(spec),
        Arc::clone(&target),
        run_config,
        ledger.as_deref(),
    )
    .map(Arc::new)
    .map_err(usage_error)?;
    if let Some(path) = &ledger {
        errln!(
            "run {run_id}: every resource it creates is recorded first in the ledger {} (after a crash, `ses-conformance cleanup` removes what is left)",
            path.display()
        );
    }
    match session.start().await {
        Ok(Some(allowance)) => errln!("{}", console::allowance(&allowance)),
        Ok(None) => {}
        Err(detail) => {
            errln!("error: target {name} at {}: {detail}", target.endpoint);
            return Err(exit::UNREACHABLE);
        }
    }
    Ok(Connected { session })
}

/// A run's id. A run that keeps a ledger mints it with this installation's key, so that
/// `cleanup` can later prove the names in the ledger are this installation's; one that keeps
/// none needs no proof (no file will name its resources) and mints with a key of its own.
fn mint_run_id(keeps_ledger: bool) -> Result<String, i32> {
    if !keeps_ledger {
        return Ok(new_run_id());
    }
    match crate::state::installation_key() {
        Ok(key) => Ok(key.mint()),
        Err(e) => Err(usage_error(format!(
            "the installation key, which proves this run's names are its own: {e}"
        ))),
    }
}

/// After the session's own cleanup: say what the ledger could not record and close it.
/// Whether the ledger failed (mid-run, or when it was closed).
pub(super) fn close_session(connected: &Connected) -> bool {
    let failures = connected.session.take_ledger_failures();
    if let Some(first) = failures.first() {
        errln!(
            "error: {first} ({} ledger writes failed; the ledger may not name everything the run created)",
            failures.len()
        );
    }
    // The session's own handle, which holds the ledger's lock until the ledger is closed.
    let closed = connected.session.ledger().is_none_or(close_ledger);
    !failures.is_empty() || !closed
}

/// [`execute`] on a runtime of its own: the commands' entry points are synchronous.
pub(super) fn execute_blocking(
    spec: &Arc<Spec>,
    options: &RunOptions,
    prepared: &Prepared,
    isolate_answers: bool,
    reporters: Reporters,
) -> Result<Executed, i32> {
    super::prepare::runtime()?.block_on(execute(
        Arc::clone(spec),
        options,
        prepared,
        isolate_answers,
        reporters,
    ))
}

/// Connect, run every prepared case with `reporters` reading the events, and let them finish.
/// With `isolate_answers`, cases whose answers depend on what else exists run alone (what
/// baselines need); a plain run judges them alike without waiting.
pub(super) async fn execute(
    spec: Arc<Spec>,
    options: &RunOptions,
    prepared: &Prepared,
    isolate_answers: bool,
    mut reporters: Reporters,
) -> Result<Executed, i32> {
    let connected = connect_session(&spec, options, prepared, isolate_answers).await?;
    let session = &connected.session;
    let cases: Vec<Arc<Case>> = prepared.cases.iter().cloned().map(Arc::new).collect();
    let real_aws = matches!(prepared.kind, TargetKind::Aws { .. });
    let sequences = sequence_plan(options, real_aws, isolate_answers);
    let mut watch = ShapeWatch::new(!options.keep_going && !is_reference(prepared));
    session
        .run_suite(cases, &sequences, |event| {
            if watch.trips_on(&event) {
                session.interrupt();
            }
            reporters.on_event(event)
        })
        .await;
    let ledger_failed = close_session(&connected);
    let summary = reporters.finish();
    for error in &summary.errors {
        errln!("error: {error}");
    }
    Ok(Executed {
        summary,
        ledger_failed,
        not_ses: watch.verdict().cloned(),
    })
}

/// The embedded reference speaks SES by construction: nothing to watch or probe.
fn is_reference(prepared: &Prepared) -> bool {
    matches!(prepared.kind, TargetKind::Reference(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(ops: &[&str]) -> RunOptions {
        RunOptions {
            region: "us-east-1".into(),
            ops: ops.iter().map(|s| s.to_string()).collect(),
            random_cases: 0,
            timeout_secs: 10.0,
            ..RunOptions::default()
        }
    }

    fn spec() -> Arc<Spec> {
        Arc::new(Spec::load_default().unwrap_or_else(|e| panic!("{e}")))
    }

    #[test]
    fn a_file_the_run_cannot_write_has_its_own_exit_code() {
        let nowhere = std::env::temp_dir()
            .join(format!("ses-conformance-nowhere-{}", std::process::id()))
            .join("missing-dir");
        let json = RunOptions {
            json: Some(nowhere.join("results.jsonl")),
            ..options(&["GetAccount"])
        };
        assert_eq!(crate::command::run(spec(), json), exit::IO_FAILURE);
        let junit = RunOptions {
            junit: Some(nowhere.join("junit.xml")),
            ..options(&["GetAccount"])
        };
        assert_eq!(crate::command::run(spec(), junit), exit::IO_FAILURE);
        // A baseline directory that cannot be made: a file stands where its parent should be.
        let file =
            std::env::temp_dir().join(format!("ses-conformance-not-a-dir-{}", std::process::id()));
        std::fs::write(&file, "").unwrap_or_else(|e| panic!("{e}"));
        let code = crate::command::record(
            spec(),
            options(&["GetAccount"]),
            file.join("b"),
            None,
            false,
        );
        let _ = std::fs::remove_file(&file);
        assert_eq!(code, exit::IO_FAILURE);
        assert_eq!(
            crate::command::run(spec(), options(&["GetAccount"])),
            exit::OK
        );
    }
}
