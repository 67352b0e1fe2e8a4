//! Constraint coverage of a run or an exploration: for each named constraint of the spec, how
//! many valid requests exercised it (carried the member it is about) and how many invalid
//! requests broke it, and how many of each were answered as the contract says. Constraints no
//! request reached are listed with the reason.
//!
//! Coverage reads finished cases only (the same results reporters read), so `run` and `explore`
//! feed it alike: [`CoverageCounter::add`] per result, [`CoverageCounter::finish`] at the end.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::json::CoverageLine;
use crate::case::Kind;
use crate::check::Verdict;
use crate::run::{CaseResult, Outcome};
use crate::spec::{named_constraints, PathStep, Spec};

/// The end of the reason given for constraints of operations `--op` left out.
const EXCLUDED: &str = " excluded by --op";

/// A way of leaving whole operations out, which the console summary folds into one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fold {
    /// `--op` selected other operations.
    Excluded,
    /// No case of the operation was selected (`--case`).
    NotSelected,
    /// The target lacks the operation, or its cases were skipped.
    Unsupported,
}

impl Fold {
    /// The fold a reason of [`why_unreached`] belongs to; `None` for reasons about single
    /// constraints, which the summary lists one by one.
    fn of(reason: &str) -> Option<Fold> {
        if reason.ends_with(EXCLUDED) {
            Some(Fold::Excluded)
        } else if reason.starts_with(NOT_RUN) {
            Some(Fold::NotSelected)
        } else if reason.contains(UNSUPPORTED) || reason.contains(SKIPPED) {
            Some(Fold::Unsupported)
        } else {
            None
        }
    }

    fn words(self, operations: &[&str]) -> String {
        match self {
            Fold::Excluded => EXCLUDED.trim_start().to_string(),
            Fold::NotSelected => "no selected case reached".to_string(),
            Fold::Unsupported => format!(
                "the target does not implement or whose cases were skipped ({}; each reason in --json and `report`)",
                operations.join(", ")
            ),
        }
    }
}

/// The start of the reason given for an operation no case of which ran.
const NOT_RUN: &str = "no case of ";
/// In the reason given for an operation the target lacks.
const UNSUPPORTED: &str = " unsupported by the target: ";
/// In the reason given for an operation whose cases were all skipped.
const SKIPPED: &str = " skipped: ";

/// Requests of one class that exercised a constraint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Requests sent.
    pub sent: u64,
    /// Of those, answered as the contract says.
    pub as_expected: u64,
}

impl Tally {
    fn count(&mut self, conforms: bool) {
        self.sent += 1;
        self.as_expected += u64::from(conforms);
    }
}

/// The coverage of one named constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConstraintCoverage {
    /// The operation.
    pub operation: String,
    /// The constraint's name (`PolicyName.length`).
    pub constraint: String,
    /// Valid requests that carried the member the constraint is about.
    pub valid: Tally,
    /// Invalid requests that broke it.
    pub invalid: Tally,
    /// Why no request reached it, when none did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreached: Option<String>,
}

/// The coverage of every named constraint of the spec, in the spec's order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// One entry per named constraint.
    pub constraints: Vec<ConstraintCoverage>,
}

struct Row {
    name: String,
    path: Vec<PathStep>,
    in_seed: bool,
    valid: Tally,
    invalid: Tally,
}

#[derive(Default)]
struct OperationTally {
    rows: Vec<Row>,
    ran: u64,
    skipped: Option<String>,
    unsupported: Option<String>,
}

/// Counts coverage while results come in.
pub struct CoverageCounter {
    operations: BTreeMap<String, OperationTally>,
    selected: Vec<String>,
}

impl CoverageCounter {
    /// A counter for every operation of `spec`; `selected` are the operations the run was
    /// limited to (`--op`; all when empty).
    pub fn new(spec: &Spec, selected: &[String]) -> CoverageCounter {
        let operations = spec
            .operations_named(&[])
            .map(|op| {
                let rows = named_constraints(spec, op)
                    .into_iter()
                    .map(|c| Row {
                        name: c.name(),
                        path: c.path.0.clone(),
                        in_seed: c.in_seed,
                        valid: Tally::default(),
                        invalid: Tally::default(),
                    })
                    .collect();
                let tally = OperationTally {
                    rows,
                    ..OperationTally::default()
                };
                (op.operation.clone(), tally)
            })
            .collect();
        CoverageCounter {
            operations,
            selected: selected.to_vec(),
        }
    }

    /// Count one finished case.
    pub fn add(&mut self, result: &CaseResult) {
        let case = &result.case;
        let Some(tally) = self.operations.get_mut(&case.operation) else {
            return;
        };
        let verdict = match &result.outcome {
            Outcome::Skipped { reason } => {
                tally.skipped.get_or_insert_with(|| reason.clone());
                return;
            }
            Outcome::Ran { verdict, .. } => verdict,
        };
        if let Verdict::Unsupported { detail } = verdict {
            tally.unsupported.get_or_insert_with(|| detail.clone());
            return;
        }
        tally.ran += 1;
        let conforms = matches!(verdict, Verdict::Conforms | Verdict::ConformsInItems { .. });
        for row in &mut tally.rows {
            match case.kind {
                Kind::Invalid if case.constraint == row.name => row.invalid.count(conforms),
                Kind::Valid if present_at(&case.request, &row.path) => row.valid.count(conforms),
                _ => {}
            }
        }
    }

    /// The coverage, with a reason for each constraint no request reached.
    pub fn finish(self) -> Coverage {
        let mut constraints = Vec::new();
        for (operation, tally) in self.operations {
            let selected = self.selected.is_empty() || self.selected.contains(&operation);
            for row in &tally.rows {
                let reached = row.valid.sent + row.invalid.sent > 0;
                let unreached =
                    (!reached).then(|| why_unreached(&operation, selected, &tally, row));
                constraints.push(ConstraintCoverage {
                    operation: operation.clone(),
                    constraint: row.name.clone(),
                    valid: row.valid,
                    invalid: row.invalid,
                    unreached,
                });
            }
        }
        Coverage { constraints }
    }
}

fn why_unreached(operation: &str, selected: bool, tally: &OperationTally, row: &Row) -> String {
    if !selected {
        return format!("{operation}{EXCLUDED}");
    }
    if tally.ran == 0 {
        if let Some(detail) = &tally.unsupported {
            return format!("{operation}{UNSUPPORTED}{detail}");
        }
        if let Some(reason) = &tally.skipped {
            return format!("{operation}{SKIPPED}{reason}");
        }
        return format!("{NOT_RUN}{operation} was run");
    }
    if !row.in_seed {
        return "documented only after the seed: no case breaks it".into();
    }
    "no valid request carried the member and no invalid request broke it".into()
}

/// Whether `request` has a value at `path` (any item of a list, any entry of a map).
pub fn present_at(request: &Value, path: &[PathStep]) -> bool {
    let Some((step, rest)) = path.split_first() else {
        return true;
    };
    match (step, request) {
        (PathStep::Member(name), Value::Object(obj)) => obj
            .get(name)
            .filter(|v| !v.is_null())
            .is_some_and(|v| present_at(v, rest)),
        (PathStep::Item, Value::Array(items)) => items.iter().any(|v| present_at(v, rest)),
        (PathStep::Key | PathStep::Value, Value::Object(obj)) => {
            obj.values().any(|v| present_at(v, rest))
        }
        _ => false,
    }
}

impl Coverage {
    /// Constraints some request reached.
    pub fn reached(&self) -> usize {
        self.constraints
            .iter()
            .filter(|c| c.unreached.is_none())
            .count()
    }

    /// Constraints some request reached but not every one of them was answered as expected.
    pub fn answered_otherwise(&self) -> usize {
        self.constraints
            .iter()
            .filter(|c| {
                c.valid.as_expected < c.valid.sent || c.invalid.as_expected < c.invalid.sent
            })
            .count()
    }

    /// `N of M constraints reached, K of them with an answer not as expected`.
    pub fn headline(&self) -> String {
        format!(
            "{} of {} constraints reached, {} of them with an answer not as expected",
            self.reached(),
            self.constraints.len(),
            self.answered_otherwise()
        )
    }

    /// The unreached constraints grouped by reason, each as `Operation Constraint`.
    pub fn unreached_by_reason(&self) -> BTreeMap<&str, Vec<String>> {
        let mut by_reason: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for c in &self.constraints {
            if let Some(reason) = &c.unreached {
                by_reason
                    .entry(reason)
                    .or_default()
                    .push(format!("{} {}", c.operation, c.constraint));
            }
        }
        by_reason
    }

    /// Plain text for a console summary: how many constraints were reached (and how many of
    /// those saw an answer not as expected), and the unreached ones grouped by reason.
    /// Per-constraint tallies are long: they go to `--json` and `report`.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "coverage: {}", self.headline());
        // Whole operations left out (by --op, by a --case selection, or because the target
        // lacks them) would list most of the spec, each with the target's reason again: one
        // line per kind of leaving out. Their reasons stay in --json and `report`.
        let mut folded: BTreeMap<Fold, (usize, Vec<&str>)> = BTreeMap::new();
        let mut other = Vec::new();
        for (reason, names) in self.unreached_by_reason() {
            match Fold::of(reason) {
                Some(fold) => {
                    let (constraints, operations) = folded.entry(fold).or_default();
                    *constraints += names.len();
                    operations.extend(self.operations_unreached_for(reason));
                }
                None => other.push((reason, names)),
            }
        }
        for (fold, (constraints, operations)) in folded {
            let _ = writeln!(
                out,
                "  not reached: {constraints} constraints of {} operations {}",
                operations.len(),
                fold.words(&operations)
            );
        }
        for (reason, names) in other {
            let _ = writeln!(out, "  not reached ({reason}): {}", names.join(", "));
        }
        out
    }

    /// The operations whose unreached constraints have this reason.
    fn operations_unreached_for(&self, reason: &str) -> Vec<&str> {
        let mut operations: Vec<&str> = self
            .constraints
            .iter()
            .filter(|c| c.unreached.as_deref() == Some(reason))
            .map(|c| c.operation.as_str())
            .collect();
        operations.dedup();
        operations
    }

    /// Plain text: a summary line, one line per reached constraint with its tallies, and the
    /// unreached constraints grouped by reason.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "coverage: {} of {} constraints reached",
            self.reached(),
            self.constraints.len()
        );
        for c in self.constraints.iter().filter(|c| c.unreached.is_none()) {
            let _ = writeln!(
                out,
                "  {}  {}  valid {}/{}  invalid {}/{}",
                c.operation,
                c.constraint,
                c.valid.as_expected,
                c.valid.sent,
                c.invalid.as_expected,
                c.invalid.sent
            );
        }
        for (reason, names) in self.unreached_by_reason() {
            let _ = writeln!(out, "  not reached ({reason}): {}", names.join(", "));
        }
        out
    }
}

/// A Markdown section per coverage line: the constraints reached with their tallies (as
/// expected / sent, for valid and invalid requests), then the unreached ones by reason.
pub fn markdown(lines: &[CoverageLine]) -> String {
    let mut out = String::new();
    for line in lines {
        let coverage = &line.coverage;
        let _ = writeln!(out, "\n## Constraint coverage: {}\n", line.target);
        let _ = writeln!(out, "{}.\n", coverage.headline());
        let _ = writeln!(
            out,
            "| operation | constraint | valid: as expected / sent | invalid: as expected / sent |"
        );
        let _ = writeln!(out, "|---|---|---|---|");
        for c in coverage
            .constraints
            .iter()
            .filter(|c| c.unreached.is_none())
        {
            let _ = writeln!(
                out,
                "| {} | {} | {} / {} | {} / {} |",
                c.operation,
                c.constraint,
                c.valid.as_expected,
                c.valid.sent,
                c.invalid.as_expected,
                c.invalid.sent
            );
        }
        let unreached = coverage.unreached_by_reason();
        if !unreached.is_empty() {
            let _ = writeln!(out, "\nNot reached:\n");
        }
        for (reason, names) in unreached {
            let _ = writeln!(out, "* {reason}: {}", names.join(", "));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use serde_json::json;

    use super::*;
    use crate::check::{Known, Observation};
    use crate::generate::{self, Settings};

    fn spec() -> Spec {
        Spec::load_default().unwrap_or_else(|e| panic!("{e}"))
    }

    fn ran(case: crate::case::Case) -> CaseResult {
        CaseResult {
            case: Arc::new(case),
            outcome: Outcome::Ran {
                verdict: Verdict::Conforms,
                observation: Box::new(Observation::failed("not sent".into())),
                known: Known::NotListed,
            },
            duration: Duration::ZERO,
        }
    }

    #[test]
    fn members_are_found_in_lists_and_structures() {
        let request = json!({"Tags": [{"Key": "a"}], "Content": {"Simple": {}}});
        let tags_key = [
            PathStep::Member("Tags".into()),
            PathStep::Item,
            PathStep::Member("Key".into()),
        ];
        assert!(present_at(&request, &tags_key));
        assert!(present_at(&request, &[PathStep::Member("Content".into())]));
        assert!(!present_at(&request, &[PathStep::Member("Missing".into())]));
        assert!(present_at(&request, &[]));
    }

    #[test]
    fn a_run_of_one_operation_reaches_its_constraints_and_names_the_others_excluded() {
        let spec = spec();
        let only = vec!["ListEmailTemplates".to_string()];
        let settings = Settings {
            random_cases: 0,
            operations: only.clone(),
            ..Settings::default()
        };
        let mut counter = CoverageCounter::new(&spec, &only);
        for case in generate::generate(&spec, &settings) {
            counter.add(&ran(case));
        }
        let coverage = counter.finish();
        let page = coverage
            .constraints
            .iter()
            .find(|c| c.operation == "ListEmailTemplates" && c.constraint == "PageSize.range")
            .unwrap_or_else(|| panic!("PageSize.range"));
        assert!(page.valid.sent > 0 && page.invalid.sent > 0, "{page:?}");
        assert_eq!(page.invalid.as_expected, page.invalid.sent);
        let other = coverage
            .constraints
            .iter()
            .find(|c| c.operation == "CreateEmailTemplate")
            .unwrap_or_else(|| panic!("CreateEmailTemplate"));
        assert_eq!(
            other.unreached.as_deref(),
            Some("CreateEmailTemplate excluded by --op")
        );
        assert!(coverage.render().contains("excluded by --op"));
        let others = coverage.constraints.len() - coverage.reached();
        let excluded: std::collections::BTreeSet<&str> = coverage
            .constraints
            .iter()
            .map(|c| c.operation.as_str())
            .filter(|op| *op != "ListEmailTemplates")
            .collect();
        assert!(
            coverage.summary().contains(&format!(
                "not reached: {others} constraints of {} operations excluded by --op",
                excluded.len()
            )),
            "one line for what --op left out: {}",
            coverage.summary()
        );
    }

    #[test]
    fn operations_left_out_whole_are_one_line_each_kind_and_their_reasons_stay_in_the_data() {
        let spec = spec();
        let settings = Settings {
            random_cases: 0,
            operations: vec!["ListEmailTemplates".to_string()],
            ..Settings::default()
        };
        // A --case selection: nothing excluded by --op, only one operation's case ran.
        let mut counter = CoverageCounter::new(&spec, &[]);
        for case in generate::generate(&spec, &settings).into_iter().take(1) {
            counter.add(&ran(case));
        }
        let coverage = counter.finish();
        let summary = coverage.summary();
        let not_run = coverage
            .constraints
            .iter()
            .filter(|c| {
                c.unreached
                    .as_deref()
                    .is_some_and(|r| r.starts_with(NOT_RUN))
            })
            .count();
        assert!(not_run > 100, "{not_run}");
        assert!(
            summary.contains(&format!("not reached: {not_run} constraints of ")),
            "{summary}"
        );
        assert!(summary.lines().count() < 10, "{summary}");
        assert!(
            !summary.contains("CreateEmailTemplate TemplateName"),
            "{summary}"
        );
        assert!(coverage
            .render()
            .contains("CreateEmailTemplate TemplateName"));
        assert_eq!(
            Fold::of("SendBulkEmail unsupported by the target: 404"),
            Some(Fold::Unsupported)
        );
        assert_eq!(
            Fold::of("SendBulkEmail skipped: moto does not implement it"),
            Some(Fold::Unsupported)
        );
        assert_eq!(
            Fold::of("no valid request carried the member and no invalid request broke it"),
            None
        );
    }
}
