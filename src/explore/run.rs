//! The explore loop: draw requests from the classes' strategies, send each as a case through the
//! session (every real-SES rule of the gate applies), judge it like `run`, and shrink each
//! divergence to its minimal request, every shrink step a real request counted in the budget.
//!
//! proptest's `TestRunner::run` takes a synchronous closure; here every attempt is an awaited
//! request, so the same loop is driven by hand as in `sequence::search`: `new_tree` draws,
//! `simplify` tries something simpler, `complicate` backs off one that made the failure go away.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::{Duration, Instant};

use proptest::strategy::{Strategy, ValueTree};

use crate::generate::rng::seeded_runner;
use proptest::test_runner::TestRunner;
use serde_json::Value;

use super::case::{as_gen_case, case_of, explore_id};
use super::findings::{ExploreReport, Finding, Stop};
use super::strategy::{classes_for, Class};
use crate::check::{classify, Known};
use crate::check::{DivergenceClass, Verdict};
use crate::run::{CaseResult, Outcome, Session};
use crate::spec::Spec;

/// What to explore, and for how long.
#[derive(Debug, Clone)]
pub struct ExploreOptions {
    /// Only these operations (all when empty), as `--op`.
    pub operations: Vec<String>,
    /// The most requests of the explored operations to send, draws and shrink steps together
    /// (fixtures and removals come on top; the gate's own `--max-requests` still holds).
    pub budget: Option<usize>,
    /// Stop drawing after this long (a shrink under way finishes its current step).
    pub time: Option<Duration>,
    /// The seed; one is picked (and reported) when absent.
    pub seed: Option<u64>,
    /// The most shrink steps for one finding.
    pub max_shrink_steps: usize,
}

/// Requests explored when neither a budget nor a time limit is given.
pub const DEFAULT_BUDGET: usize = 500;

impl Default for ExploreOptions {
    fn default() -> ExploreOptions {
        ExploreOptions {
            operations: Vec::new(),
            budget: None,
            time: None,
            seed: None,
            max_shrink_steps: 500,
        }
    }
}

/// What the loop tells its caller as it goes.
#[derive(Debug, Clone)]
pub enum ExploreEvent {
    /// The exploration starts: its seed and how many classes it draws from.
    Started {
        /// The seed.
        seed: u64,
        /// Classes of requests.
        classes: usize,
    },
    /// A request was sent and judged.
    Ran {
        /// Its result.
        result: CaseResult,
        /// Whether it was a shrink step.
        shrinking: bool,
    },
    /// A divergence was found and shrunk.
    Found(Box<Finding>),
}

/// A seed from the clock, for explorations not given one.
pub fn pick_seed() -> u64 {
    crate::case::stable_hash(&crate::case::new_run_id())
}

/// Explore `session`'s target with requests drawn from the spec's strategies.
pub async fn run_exploration(
    session: &Session,
    spec: Arc<Spec>,
    options: &ExploreOptions,
    mut on_event: impl FnMut(&ExploreEvent),
) -> ExploreReport {
    let seed = options.seed.unwrap_or_else(pick_seed);
    let started = Instant::now();
    let mut explorer = Explorer {
        session,
        spec: Arc::clone(&spec),
        options,
        seed,
        started,
        budget: budget_of(options),
        runner: seeded_runner(seed),
        sent: 0,
        shrink_requests: 0,
        known: 0,
        not_judged: 0,
    };
    let mut classes: Vec<Vec<Class>> = spec
        .operations_named(&options.operations)
        .map(|op| classes_for(&spec, op))
        .filter(|classes| !classes.is_empty())
        .collect();
    let total: usize = classes.iter().map(Vec::len).sum();
    on_event(&ExploreEvent::Started {
        seed,
        classes: total,
    });
    let mut findings = Vec::new();
    let mut undrawable = Vec::new();
    let mut round = 0;
    let stop = loop {
        if let Some(stop) = explorer.should_stop() {
            break stop;
        }
        classes.retain(|c| !c.is_empty());
        if classes.is_empty() {
            break Stop::Exhausted;
        }
        let op_index = round % classes.len();
        let pick = pick_class(&classes[op_index], round / classes.len());
        round += 1;
        let class = &classes[op_index][pick];
        let tree = match class.strategy.new_tree(&mut explorer.runner) {
            Ok(tree) => tree,
            Err(reason) => {
                undrawable.push((explorer_label(class), reason.to_string()));
                classes[op_index].remove(pick);
                continue;
            }
        };
        if let Some(finding) = explorer.try_class(class, tree, &mut on_event).await {
            on_event(&ExploreEvent::Found(Box::new(finding.clone())));
            findings.push(finding);
            // One finding per class: the rest of the budget goes to classes not yet failing.
            classes[op_index].remove(pick);
        } else if !class.drawn {
            // A class with one fixed request (a raw body) has nothing more to draw.
            classes[op_index].remove(pick);
        }
    };
    ExploreReport {
        target: session.target().name.clone(),
        seed,
        requests: explorer.sent,
        shrink_requests: explorer.shrink_requests,
        gate_requests: session.requests(),
        max_requests: session.target().gate.requests().max(),
        known: explorer.known,
        not_judged: explorer.not_judged,
        elapsed: started.elapsed(),
        stop,
        findings,
        undrawable,
    }
}

fn explorer_label(class: &Class) -> String {
    format!("{}::{}", class.operation, class.label())
}

/// Which class of an operation's to draw in its `turn`th turn: valid requests every other
/// turn (their space is the widest), the invalid classes in order in between.
fn pick_class(classes: &[Class], turn: usize) -> usize {
    let valid = classes
        .iter()
        .position(|c| c.kind == crate::case::Kind::Valid);
    let invalid: Vec<usize> = (0..classes.len()).filter(|&i| Some(i) != valid).collect();
    match (valid, invalid.is_empty()) {
        (Some(v), true) => v,
        (Some(v), false) if turn % 2 == 0 => v,
        (Some(_), false) => invalid[(turn / 2) % invalid.len()],
        (None, _) => invalid[turn % invalid.len()],
    }
}

fn budget_of(options: &ExploreOptions) -> Option<usize> {
    match (options.budget, options.time) {
        (None, None) => Some(DEFAULT_BUDGET),
        (budget, _) => budget,
    }
}

struct Explorer<'a> {
    session: &'a Session,
    spec: Arc<Spec>,
    options: &'a ExploreOptions,
    seed: u64,
    started: Instant,
    budget: Option<usize>,
    runner: TestRunner,
    sent: usize,
    shrink_requests: usize,
    known: usize,
    not_judged: usize,
}

type Tree = Box<dyn ValueTree<Value = Value>>;

impl Explorer<'_> {
    fn should_stop(&self) -> Option<Stop> {
        if self.session.is_interrupted() {
            Some(Stop::Interrupted)
        } else if self.session.request_budget_spent() {
            // Every draw from now on would be skipped unsent: stop instead of spinning.
            Some(Stop::RequestBudget)
        } else if self.budget.is_some_and(|b| self.sent >= b) {
            Some(Stop::Budget)
        } else if self
            .options
            .time
            .is_some_and(|t| self.started.elapsed() >= t)
        {
            Some(Stop::Time)
        } else {
            None
        }
    }

    /// Send the tree's request; when it diverges, shrink it and return the finding.
    async fn try_class(
        &mut self,
        class: &Class,
        mut tree: Tree,
        on_event: &mut impl FnMut(&ExploreEvent),
    ) -> Option<Finding> {
        let original = tree.current();
        let first = self.send(class, original.clone(), false, on_event).await;
        let class_of_failure = self.finding_class(class, &first)?;
        let mut minimal = first;
        let mut steps = 0;
        let mut successes = 0;
        let mut going = step(&mut tree, |t| t.simplify());
        while going && steps < self.options.max_shrink_steps && self.should_stop().is_none() {
            steps += 1;
            let result = self.send(class, tree.current(), true, on_event).await;
            going = if self.finding_class(class, &result) == Some(class_of_failure) {
                successes += 1;
                minimal = result;
                step(&mut tree, |t| t.simplify())
            } else {
                step(&mut tree, |t| t.complicate())
            };
        }
        Some(Finding {
            operation: class.operation.clone(),
            kind: class.kind,
            constraint: class.anchor.constraint.clone(),
            label: class.label().to_string(),
            class: class_of_failure,
            minimal,
            original,
            shrink_steps: steps,
            shrink_successes: successes,
            seed: self.seed,
        })
    }

    async fn send(
        &mut self,
        class: &Class,
        request: Value,
        shrinking: bool,
        on_event: &mut impl FnMut(&ExploreEvent),
    ) -> CaseResult {
        let id = explore_id(class, self.sent);
        let case = case_of(&self.spec, class, request, id, self.seed);
        let result = self.session.run_case(Arc::new(case)).await;
        self.sent += 1;
        self.shrink_requests += usize::from(shrinking);
        on_event(&ExploreEvent::Ran {
            result: result.clone(),
            shrinking,
        });
        result
    }

    /// The divergence class when the result is a finding: a divergence the target's profile
    /// does not list (judged against `generate`'s id for the class, which profiles are written
    /// against). Listed ones are counted, answers not judged are counted, neither is a finding.
    fn finding_class(&mut self, class: &Class, result: &CaseResult) -> Option<DivergenceClass> {
        let verdict = match &result.outcome {
            Outcome::Ran { verdict, .. } => verdict,
            Outcome::Skipped { .. } => {
                self.not_judged += 1;
                return None;
            }
        };
        let profile = &self.session.target().profile;
        let known = classify(
            &self.spec,
            profile,
            &as_gen_case(class, &result.case),
            verdict,
        );
        match (verdict, known) {
            (Verdict::Diverges { .. }, Known::AsListed) => {
                self.known += 1;
                None
            }
            (Verdict::Diverges { class, .. }, _) => Some(*class),
            (Verdict::HarnessError { .. }, _) => {
                self.not_judged += 1;
                None
            }
            _ => None,
        }
    }
}

/// One move of the value tree. proptest's filter panics when it cannot step back into its
/// class; that ends the shrink (the smallest failure so far stands) instead of the run.
fn step(tree: &mut Tree, move_: fn(&mut Tree) -> bool) -> bool {
    catch_unwind(AssertUnwindSafe(|| move_(tree))).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_requests_get_every_other_turn_and_invalid_classes_take_turns() {
        let spec = Arc::new(Spec::load_default().unwrap_or_else(|e| panic!("{e}")));
        let op = spec
            .operation("ListEmailTemplates")
            .unwrap_or_else(|| panic!("ListEmailTemplates"));
        let classes = classes_for(&spec, op);
        assert!(classes.len() >= 3);
        let picks: Vec<usize> = (0..6).map(|t| pick_class(&classes, t)).collect();
        assert_eq!(picks[0], 0);
        assert_eq!(picks[2], 0);
        assert_ne!(picks[1], picks[3]);
    }

    #[test]
    fn the_same_seed_draws_the_same_requests() {
        let spec = Arc::new(Spec::load_default().unwrap_or_else(|e| panic!("{e}")));
        let op = spec
            .operation("CreateEmailTemplate")
            .unwrap_or_else(|| panic!("CreateEmailTemplate"));
        let classes = classes_for(&spec, op);
        let draw = |seed| {
            let mut runner = seeded_runner(seed);
            (0..5)
                .map(|_| {
                    classes[0]
                        .strategy
                        .new_tree(&mut runner)
                        .map(|t| t.current())
                        .unwrap_or_default()
                })
                .collect::<Vec<Value>>()
        };
        assert_eq!(draw(3), draw(3));
        assert_ne!(draw(3), draw(4));
    }
}
