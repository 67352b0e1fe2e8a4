//! `run`: the suite against one target, or with `--dry-run` what it would send.

use std::io::Write as _;
use std::sync::Arc;

use crate::case::{Bindings, Case, PREFIX_PLACEHOLDER};
use crate::client::TargetKind;
use crate::exit;
use crate::gate::{Gate, Limits, PaceSettings, Policy};
use crate::profile::Profile;
use crate::report::console::Console;
use crate::report::dry_run::{plan_lines, run_lines, Estimate, SendLimits};
use crate::report::CoverageCounter;
use crate::run::pacing::SANDBOX_QUOTA;
use crate::run::Planner;
use crate::spec::Spec;

use super::execute::{conclude, execute_blocking, reporters, repro};
use super::options::RunOptions;
use super::prepare::{gate_limits, prepare};

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
    let console = Console::new(
        crate::output::HumanOut,
        repro(&options, &prepared),
        options.console,
    );
    let reporters = reporters(&options, &prepared, console)
        .count_coverage(CoverageCounter::new(&spec, &options.ops));
    let executed = match execute_blocking(&spec, &options, &prepared, false, reporters) {
        Ok(e) => e,
        Err(code) => return code,
    };
    conclude(&executed, executed.summary.failing > 0)
}

/// Where a target is, as the dry run names it.
fn target_place(kind: &TargetKind, region: &str) -> String {
    match kind {
        TargetKind::Reference(_) => "the embedded reference".into(),
        TargetKind::Local { url } => url.clone(),
        TargetKind::Aws { url: Some(url), .. } => format!("real SES rules at {url}"),
        TargetKind::Aws { url: None, .. } => format!("real SES in {region}"),
    }
}

/// `run --dry-run`: every call the run would make (before, in and after its cases) and the
/// gate's decision on it, and what the run would cost; nothing is sent.
fn dry_run(
    spec: &Arc<Spec>,
    profile: &Profile,
    options: &RunOptions,
    kind: &TargetKind,
    cases: &[Case],
) -> i32 {
    let run_id = crate::names::PLACEHOLDER_RUN_ID;
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
        Limits {
            policy,
            max_requests: limits.max_requests,
            pace: PaceSettings {
                // A sandbox account's sending rate: a real run reads the account's own.
                send_rate: real_aws.then_some(SANDBOX_QUOTA.0),
                ..limits.pace
            },
            shared_pacer: None,
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
    let _ = writeln!(
        out,
        "dry run: nothing is sent. Names show the run prefix as {PREFIX_PLACEHOLDER}; a real run uses a fresh id."
    );
    let _ = writeln!(
        out,
        "target: {}; signing for {} (from {})",
        target_place(kind, &options.region),
        options.region,
        options.region_from
    );
    let mut estimate = Estimate::default();
    // The run's own calls first and last, as `Session::start` and `Session::finish` send them.
    let opening = planner.opening(cases);
    let _ = write!(out, "{}", run_lines(&opening, &bindings));
    estimate.add_run_calls(spec, &opening, &gate);
    let plans: Vec<_> = cases.iter().map(|case| planner.plan(case)).collect();
    for (case, plan) in cases.iter().zip(&plans) {
        let _ = write!(out, "{}", plan_lines(case, plan, &bindings));
        estimate.add(spec, case, plan, &gate);
    }
    let closing = planner.closing(cases.iter().zip(&plans));
    let _ = write!(out, "{}", run_lines(&closing, &bindings));
    estimate.add_run_calls(spec, &closing, &gate);
    let send_limits = real_aws.then_some(SendLimits {
        send_rate: SANDBOX_QUOTA.0,
        max_sends: options.max_sends,
    });
    let _ = write!(out, "{}", sequence_lines(options, real_aws));
    let _ = write!(out, "{}", estimate.render(send_limits));
    exit::OK
}

/// The sequences a run would have after its cases, each with the steps its seed draws. Their
/// requests pass the same gate as the cases' (the steps of a failing one are shrunk, so a real
/// run may send more); what a sequence creates it deletes, whatever the answers.
fn sequence_lines(options: &RunOptions, real_aws: bool) -> String {
    use crate::sequence::Step;
    let plan = super::execute::sequence_plan(options, real_aws, false);
    let mut out = String::new();
    for id in plan.ids() {
        let seed = crate::sequence::sequence_seed(&id, plan.seed);
        let steps = crate::sequence::draw(seed, &plan.config).unwrap_or_default();
        let names: Vec<String> = steps
            .iter()
            .map(|step| match step {
                Step::FillPolicies | Step::AddressIdentity if real_aws => {
                    format!("{step} (not run on real SES)")
                }
                _ => step.to_string(),
            })
            .collect();
        out.push_str(&format!(
            "SEQUENCE {id}: {} steps: {}\n",
            steps.len(),
            names.join("; ")
        ));
    }
    if !out.is_empty() {
        out.push_str(&format!(
            "sequences: {} after the cases; each step's calls pass the gate like a case's, and a failing sequence is shrunk with more calls of the same kinds\n",
            plan.ids().len()
        ));
    }
    out
}
