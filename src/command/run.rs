//! `run`: the suite against one target, or with `--dry-run` what it would send.

use std::io::Write as _;
use std::sync::Arc;

use crate::case::{Bindings, Case};
use crate::exit;
use crate::explore::CoverageCounter;
use crate::report::console::Console;
use crate::report::plan::{plan_lines, Estimate};
use crate::run::Planner;
use crate::spec::Spec;
use crate::target::gate::{Gate, Limits, PaceSettings, Policy};
use crate::target::{Profile, TargetKind};

use super::execute::{conclude, execute, reporters, repro};
use super::options::RunOptions;
use super::prepare::{gate_limits, prepare, runtime};

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
    let console = Console::new(std::io::stdout(), repro(&options, &prepared.name));
    let reporters = reporters(&options, &prepared.name, console)
        .count_coverage(CoverageCounter::new(&spec, &options.ops));
    let executed = match runtime().and_then(|rt| {
        rt.block_on(execute(
            Arc::clone(&spec),
            &options,
            &prepared,
            false,
            reporters,
        ))
    }) {
        Ok(e) => e,
        Err(code) => return code,
    };
    conclude(&executed, executed.summary.failing > 0)
}

/// `run --dry-run`: every call each case would make and the gate's decision on it, and what
/// the run would cost; nothing is sent.
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
        Limits {
            policy,
            max_requests: limits.max_requests,
            pace: PaceSettings {
                // A sandbox account's sending rate: a real run reads the account's own.
                send_rate: real_aws.then_some(crate::run::pacing::SANDBOX_QUOTA.0),
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
    let mut estimate = Estimate::default();
    for case in cases {
        let plan = planner.plan(case);
        let _ = write!(out, "{}", plan_lines(case, &plan, &bindings));
        estimate.add(spec, case, &plan, &gate);
    }
    let _ = write!(
        out,
        "{}",
        estimate.render(gate.pacer().settings().send_rate)
    );
    exit::OK
}
