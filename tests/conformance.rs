//! The conformance suite as a libtest-mimic harness: every case is a trial named by its id.
//!
//! * `cargo test --test conformance -- --list` names every trial without touching the network.
//! * `cargo test --test conformance -- --exact ID` runs one case.
//! * The primary target comes from `SES_CONFORMANCE_ENDPOINT` (and `SES_CONFORMANCE_TARGET` for
//!   its name); with neither set, the embedded reference. Its trials are named by the bare id.
//! * Emulators configured by `SES_CONFORMANCE_MOTO_URL` and `SES_CONFORMANCE_SES_V2_LOCAL_URL`
//!   add trials named `<target>::<id>`; one that is not configured shows as an ignored trial
//!   saying so. Operations a target lacks are ignored trials with the reason.
//! * Every answer is also snapshotted under `snapshots/<target>/` (`SES_CONFORMANCE_SNAPSHOTS=0`
//!   turns that off for ad-hoc endpoints).
//! * Each target also runs `run`'s default number of model-based sequences
//!   (`SES_CONFORMANCE_SEQUENCES` to change it), trials named `<target>::sequence::<n>`, their
//!   steps snapshotted under `snapshots/<target>/sequences/`.
//! * Findings `explore` kept in `regressions/<target>.json` replay as trials named
//!   `<operation>::regression::<hash>` (prefixed like the target's other trials).

mod common;

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use common::selected;
use libtest_mimic::{Arguments, Failed, Trial};
use ses_conformance::case::{new_run_id, Case};
use ses_conformance::client::{
    GateLimits, Target, TargetConfig, TargetError, TargetKind, Unreachable,
};
use ses_conformance::command::DEFAULT_SEQUENCES;
use ses_conformance::explore::{Regression, Regressions};
use ses_conformance::gate::PaceSettings;
use ses_conformance::generate::{self, Plan, Settings};
use ses_conformance::profile::Profile;
use ses_conformance::reference;
use ses_conformance::report::{console, Record};
use ses_conformance::run::call_plan::unsupported;
use ses_conformance::run::ledger::LedgerError;
use ses_conformance::run::{Outcome, RunConfig, Session};
use ses_conformance::sequence::{sequence_id, SequenceConfig, SequenceVerdict};
use ses_conformance::snapshot;
use ses_conformance::spec::Spec;

/// One target the suite runs against in this process.
struct TargetUnderTest {
    name: String,
    /// Prefix of trial names: empty for the primary target.
    prefix: String,
    kind: TargetKind,
    profile: Profile,
    snapshots: bool,
    session: OnceLock<Result<Arc<Session>, NoSession>>,
}

/// Why a target's session could not be started: every trial of the target fails with it.
#[derive(Debug, Clone, thiserror::Error)]
enum NoSession {
    #[error(transparent)]
    Connect(Arc<TargetError>),
    #[error("target {name} at {endpoint} is not reachable: {source}")]
    Unreachable {
        name: String,
        endpoint: String,
        source: Arc<Unreachable>,
    },
    #[error(transparent)]
    Ledger(Arc<LedgerError>),
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("cannot start the tokio runtime: {e}"))
    })
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn profile_for(spec: &Spec, name: &str) -> Profile {
    match Profile::shipped(spec, name) {
        Ok(Some(p)) => p,
        Ok(None) => Profile::bare(name),
        Err(e) => panic!("{e}"),
    }
}

fn targets(spec: &Spec) -> (Vec<TargetUnderTest>, Vec<Trial>) {
    let snapshots = env("SES_CONFORMANCE_SNAPSHOTS").as_deref() != Some("0");
    let mut targets = Vec::new();
    let primary_name = env("SES_CONFORMANCE_TARGET").unwrap_or_else(|| {
        if env("SES_CONFORMANCE_ENDPOINT").is_some() {
            "endpoint".into()
        } else {
            "reference".into()
        }
    });
    let primary_kind = match env("SES_CONFORMANCE_ENDPOINT") {
        Some(url) => TargetKind::Local { url },
        None => TargetKind::Reference(reference::Options::default()),
    };
    targets.push(TargetUnderTest {
        profile: profile_for(spec, &primary_name),
        name: primary_name,
        prefix: String::new(),
        kind: primary_kind,
        snapshots,
        session: OnceLock::new(),
    });
    let mut not_configured = Vec::new();
    // Every shipped profile that names where its URL comes from is an emulator to check.
    let emulators = Profile::shipped_emulators(spec).unwrap_or_else(|e| panic!("{e}"));
    for (name, var) in emulators {
        if targets[0].name == name {
            continue;
        }
        match env(&var) {
            Some(url) => targets.push(TargetUnderTest {
                prefix: format!("{name}::"),
                kind: TargetKind::Local { url },
                profile: profile_for(spec, &name),
                name,
                snapshots,
                session: OnceLock::new(),
            }),
            None => not_configured.push(
                Trial::test(format!("{name}::not_configured"), move || {
                    Err(format!("set {var} to the URL of a running {name} (scripts/emulators.sh start) to run its cases").into())
                })
                .with_ignored_flag(true)
                .with_kind("not configured"),
            ),
        }
    }
    (targets, not_configured)
}

impl TargetUnderTest {
    fn session(&self, spec: &Arc<Spec>) -> Result<Arc<Session>, NoSession> {
        self.session
            .get_or_init(|| {
                let config = TargetConfig {
                    name: self.name.clone(),
                    kind: self.kind.clone(),
                    region: env("AWS_REGION").unwrap_or_else(|| "us-east-1".into()),
                    timeout: Duration::from_secs(10),
                    profile: self.profile.clone(),
                    run_id: new_run_id(),
                    limits: GateLimits {
                        pace: PaceSettings {
                            per_operation: self.profile.rate_limits,
                            ..PaceSettings::default()
                        },
                        ..GateLimits::default()
                    },
                };
                runtime().block_on(async {
                    let target = Target::connect(Arc::clone(spec), config)
                        .await
                        .map_err(|e| NoSession::Connect(Arc::new(e)))?;
                    target
                        .reachable()
                        .await
                        .map_err(|source| NoSession::Unreachable {
                            name: self.name.clone(),
                            endpoint: target.endpoint.clone(),
                            source: Arc::new(source),
                        })?;
                    let run_config = RunConfig::default();
                    Session::new(Arc::clone(spec), Arc::new(target), run_config, None)
                        .map(Arc::new)
                        .map_err(|e| NoSession::Ledger(Arc::new(e)))
                })
            })
            .clone()
    }

    /// A trial for one case: ignored (with its reason) when the target cannot run it.
    fn trial(
        self: &Arc<Self>,
        spec: &Arc<Spec>,
        settings: &Arc<Settings>,
        plan: Plan,
        case: Option<Arc<Case>>,
    ) -> Trial {
        let name = format!("{}{}", self.prefix, plan.id);
        let skip = case
            .as_deref()
            .and_then(|c| unsupported(&self.profile, c))
            .or_else(|| {
                self.profile
                    .unsupported_reason(&plan.operation)
                    .map(|r| format!("{} does not implement {}: {r}", self.name, plan.operation))
            });
        if let Some(reason) = skip {
            return Trial::test(name, move || Err(reason.into()))
                .with_ignored_flag(true)
                .with_kind("unsupported");
        }
        let me = Arc::clone(self);
        let spec = Arc::clone(spec);
        let settings = Arc::clone(settings);
        Trial::test(name, move || {
            let case = match case {
                Some(c) => c,
                None => Arc::new(
                    plan.build(&spec, &settings)
                        .ok_or_else(|| Failed::from(format!("{} cannot be built", plan.id)))?,
                ),
            };
            me.run(&spec, &settings, case)
        })
    }

    /// A trial replaying one kept regression; its case is built when it runs, so `--list`
    /// only reads the file.
    fn regression_trial(
        self: &Arc<Self>,
        spec: &Arc<Spec>,
        settings: &Arc<Settings>,
        entry: Regression,
    ) -> Trial {
        let name = format!("{}{}", self.prefix, entry.case_id());
        if let Some(reason) = self.profile.unsupported_reason(&entry.operation) {
            let reason = format!(
                "{} does not implement {}: {reason}",
                self.name, entry.operation
            );
            return Trial::test(name, move || Err(reason.into()))
                .with_ignored_flag(true)
                .with_kind("unsupported");
        }
        let (me, spec, settings) = (Arc::clone(self), Arc::clone(spec), Arc::clone(settings));
        Trial::test(name, move || {
            let case = entry.case(&spec).ok_or_else(|| {
                Failed::from(format!(
                    "{}: no class `{}` of operation `{}` in the spec",
                    regressions_file(&me.name).display(),
                    entry.class,
                    entry.operation
                ))
            })?;
            me.run(&spec, &settings, Arc::new(case))
        })
    }

    /// The trials of the target's regressions file: none when there is none, one failing trial
    /// naming the file and JSON path when it does not load.
    fn regression_trials(
        self: &Arc<Self>,
        spec: &Arc<Spec>,
        settings: &Arc<Settings>,
        args: &Arguments,
    ) -> Vec<Trial> {
        let path = regressions_file(&self.name);
        match Regressions::load(&path) {
            Ok(file) => file
                .entries
                .into_iter()
                .filter(|e| selected(args, &format!("{}{}", self.prefix, e.case_id())))
                .map(|entry| self.regression_trial(spec, settings, entry))
                .collect(),
            Err(e) => {
                let message = e.to_string();
                vec![Trial::test(
                    format!("{}regressions::file", self.prefix),
                    move || Err(message.into()),
                )]
            }
        }
    }

    fn run(&self, spec: &Arc<Spec>, settings: &Settings, case: Arc<Case>) -> Result<(), Failed> {
        let session = self.session(spec)?;
        let result = runtime().block_on(session.run_case(Arc::clone(&case)));
        let record = Record::of(&result, &self.name);
        let repro = console::Repro {
            target: self.name.clone(),
            endpoint: match &self.kind {
                TargetKind::Local { url } => Some(url.clone()),
                _ => None,
            },
            seed: settings.global_seed,
            cases: settings.random_cases,
            identity: None,
            regressions: regressions_file(&self.name)
                .is_file()
                .then(|| regressions_file(&self.name).display().to_string()),
        };
        if let Outcome::Ran { observation, .. } = &result.outcome {
            if self.snapshots {
                let name = self.name.clone();
                let obs = observation.clone();
                let snap_case = Arc::clone(&case);
                let snap_spec = Arc::clone(spec);
                if std::panic::catch_unwind(AssertUnwindSafe(move || {
                    snapshot::assert_case(&snap_spec, &name, &snap_case, &obs)
                }))
                .is_err()
                {
                    return Err(format!(
                        "the answer differs from snapshots/{}/{}.snap (see the diff above; review with `cargo insta review`)",
                        self.name,
                        snapshot::name(&case.id)
                    )
                    .into());
                }
            }
        }
        if let Outcome::Skipped { reason } = &result.outcome {
            return Err(format!("not run: {reason}").into());
        }
        if result.fails_run() {
            return Err(console::failure_report(&result, &record, &repro).into());
        }
        Ok(())
    }
}

impl TargetUnderTest {
    /// A trial for one sequence (`<prefix>sequence::<n>`): run while no case runs, its steps
    /// snapshotted under `snapshots/<target>/sequences/`.
    fn sequence_trial(self: &Arc<Self>, spec: &Arc<Spec>, seed: u64, index: usize) -> Trial {
        let id = sequence_id(index);
        let name = format!("{}{id}", self.prefix);
        let me = Arc::clone(self);
        let spec = Arc::clone(spec);
        Trial::test(name, move || me.run_sequence(&spec, seed, &id)).with_kind("sequence")
    }

    fn run_sequence(&self, spec: &Arc<Spec>, seed: u64, id: &str) -> Result<(), Failed> {
        let session = self.session(spec)?;
        let config = SequenceConfig::default();
        let result = runtime().block_on(session.run_sequence_alone(id, seed, &config));
        let record = Record::of_sequence(&result, &self.name);
        if self.snapshots && !matches!(result.verdict, SequenceVerdict::Inconclusive { .. }) {
            let (name, snap_spec, snap) = (self.name.clone(), Arc::clone(spec), result.clone());
            if std::panic::catch_unwind(AssertUnwindSafe(move || {
                snapshot::assert_sequence(&snap_spec, &name, &snap)
            }))
            .is_err()
            {
                return Err(format!(
                    "the steps differ from snapshots/{}/sequences/{}.snap (see the diff above; review with `cargo insta review`)",
                    self.name,
                    snapshot::name(id)
                )
                .into());
            }
        }
        if record.fails() {
            let repro = console::Repro {
                target: self.name.clone(),
                endpoint: match &self.kind {
                    TargetKind::Local { url } => Some(url.clone()),
                    _ => None,
                },
                seed,
                cases: generate::DEFAULT_RANDOM_CASES,
                identity: None,
                regressions: None,
            };
            return Err(console::sequence_report(&result, &record, &repro).into());
        }
        Ok(())
    }
}

/// Sequences per target: `SES_CONFORMANCE_SEQUENCES`, else `run`'s default.
fn sequence_count() -> usize {
    env("SES_CONFORMANCE_SEQUENCES")
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_SEQUENCES)
}

/// Where `explore` keeps a target's findings in this project.
fn regressions_file(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(ses_conformance::explore::default_path(target))
}

fn main() {
    let args = Arguments::from_args();
    let spec = Arc::new(Spec::load_default().unwrap_or_else(|e| panic!("{e}")));
    let settings = Arc::new(Settings {
        random_cases: env("SES_CONFORMANCE_CASES")
            .and_then(|v| v.parse().ok())
            .unwrap_or(generate::DEFAULT_RANDOM_CASES),
        global_seed: env("SES_CONFORMANCE_SEED")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
        operations: Vec::new(),
    });
    let (targets, mut trials) = targets(&spec);
    let targets: Vec<Arc<TargetUnderTest>> = targets.into_iter().map(Arc::new).collect();
    let plans = generate::plans(&spec, &settings);
    for target in &targets {
        // Whether a case's fixtures are supported is only known once it is built: targets that
        // lack operations build their cases up front to mark those trials ignored, the others
        // build each case when it runs. `--list` builds nothing (it names trials, and nextest
        // lists once per run), so there only a missing operation marks a trial unsupported.
        let build_now = !args.list && !target.profile.unsupported.is_empty();
        for plan in plans
            .iter()
            .filter(|p| selected(&args, &format!("{}{}", target.prefix, p.id)))
        {
            let case = if build_now {
                plan.build(&spec, &settings).map(Arc::new)
            } else {
                None
            };
            trials.push(target.trial(&spec, &settings, plan.clone(), case));
        }
        for index in 0..sequence_count() {
            let name = format!("{}{}", target.prefix, sequence_id(index));
            if selected(&args, &name) {
                trials.push(target.sequence_trial(&spec, settings.global_seed, index));
            }
        }
        trials.extend(target.regression_trials(&spec, &settings, &args));
    }
    let conclusion = libtest_mimic::run(&args, trials);
    for target in &targets {
        if let Some(Ok(session)) = target.session.get() {
            runtime().block_on(session.finish());
        }
    }
    conclusion.exit();
}
