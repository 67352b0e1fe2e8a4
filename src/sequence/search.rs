//! Draw a sequence from its seed, run it, and when it departs from the model shrink it to the
//! shortest sequence that still departs.
//!
//! Drawing and shrinking are proptest's: the sequence is a `proptest::collection::vec` of steps,
//! and its `ValueTree` says what to try next (`simplify` drops steps, then simplifies each step
//! toward slot 0 and the first kind; `complicate` backs off a simplification that made the
//! failure go away). proptest's `TestRunner::run` drives that loop with a synchronous closure;
//! here every attempt is a run of real requests, so the same loop is driven from async code.
//! proptest-state-machine was not used: its transitions depend on preconditions over the state,
//! while every step here is defined in every state, so a plain vector shrinks by dropping steps
//! with no precondition to re-check, and a failure is a value rather than a panic.

use proptest::strategy::{Strategy, ValueTree};

use crate::generate::rng::seeded_runner;

use super::caller::Caller;
use super::execute::{execute, Execution};
use super::record::{SequenceResult, SequenceVerdict};
use super::step::{any_sequence, Names, Step};
use crate::case::{base36, case_seed, stable_hash};
use crate::spec::Spec;

/// How sequences are drawn and shrunk.
#[derive(Debug, Clone, Copy)]
pub struct SequenceConfig {
    /// The most steps a drawn sequence has.
    pub max_steps: usize,
    /// The most shrink attempts for one failing sequence (each is a fresh run of requests).
    pub max_shrink_attempts: usize,
}

impl Default for SequenceConfig {
    fn default() -> Self {
        SequenceConfig {
            max_steps: 12,
            max_shrink_attempts: 64,
        }
    }
}

/// The id of sequence `index`.
pub fn sequence_id(index: usize) -> String {
    format!("sequence::{index}")
}

/// The seed of sequence `id` in a run seeded `global_seed` (the same derivation as cases').
pub fn sequence_seed(id: &str, global_seed: u64) -> u64 {
    case_seed(id, global_seed)
}

/// The steps sequence `id` draws from `seed`, without running anything.
pub fn draw(seed: u64, config: &SequenceConfig) -> Option<Vec<Step>> {
    let mut runner = seeded_runner(seed);
    let tree = any_sequence(config.max_steps).new_tree(&mut runner).ok()?;
    Some(tree.current())
}

/// Names for attempt `attempt` of sequence `id`: each attempt has its own, so no attempt sees
/// what an earlier one left behind on a target that failed to delete it.
fn names_for(id: &str, attempt: usize) -> Names {
    Names::new(&base36(stable_hash(&format!("{id}#{attempt}")), 5))
}

/// Run sequence `id` drawn from `seed`, shrinking it when it departs.
pub async fn run_sequence<C: Caller>(
    spec: &Spec,
    caller: &C,
    id: &str,
    seed: u64,
    config: &SequenceConfig,
) -> SequenceResult {
    let mut runner = seeded_runner(seed);
    let mut tree = match any_sequence(config.max_steps).new_tree(&mut runner) {
        Ok(tree) => tree,
        Err(reason) => {
            return SequenceResult {
                id: id.to_string(),
                seed,
                verdict: SequenceVerdict::Inconclusive {
                    detail: format!("no sequence could be drawn: {reason}"),
                },
                steps: Vec::new(),
                drawn_steps: 0,
                shrink_attempts: 0,
                requests: 0,
                prefix: String::new(),
            }
        }
    };
    let drawn = tree.current();
    let first = execute(spec, caller, &drawn, &names_for(id, 0)).await;
    let mut requests = first.requests;
    if !first.fails() {
        return finished(id, seed, drawn.len(), first, 0, requests);
    }
    let mut shortest = first;
    let mut attempts = 0;
    if tree.simplify() {
        while attempts < config.max_shrink_attempts {
            attempts += 1;
            let candidate = tree.current();
            let execution = execute(spec, caller, &candidate, &names_for(id, attempts)).await;
            requests += execution.requests;
            let keep_going = if execution.fails() {
                shortest = execution;
                tree.simplify()
            } else {
                tree.complicate()
            };
            if !keep_going {
                break;
            }
        }
    }
    finished(id, seed, drawn.len(), shortest, attempts, requests)
}

fn finished(
    id: &str,
    seed: u64,
    drawn_steps: usize,
    execution: Execution,
    shrink_attempts: usize,
    requests: usize,
) -> SequenceResult {
    let verdict = match &execution.finding {
        Some(f) => SequenceVerdict::Diverges {
            class: f.class,
            detail: f.detail.clone(),
        },
        None => match execution.steps.iter().find_map(|s| s.inconclusive.clone()) {
            Some(detail) => SequenceVerdict::Inconclusive { detail },
            None => SequenceVerdict::Conforms,
        },
    };
    SequenceResult {
        id: id.to_string(),
        seed,
        verdict,
        prefix: execution.prefix,
        steps: execution.steps,
        drawn_steps,
        shrink_attempts,
        requests,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_draws_the_same_steps_and_another_seed_others() {
        let config = SequenceConfig::default();
        let a = draw(7, &config).unwrap();
        assert_eq!(a, draw(7, &config).unwrap());
        let differ = (0..8).any(|s| draw(100 + s, &config).unwrap() != a);
        assert!(differ);
        assert!(!a.is_empty() && a.len() <= config.max_steps);
    }
}
