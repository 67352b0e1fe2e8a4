//! The conformance matrix: one row per operation, one column group per target, with counts of
//! conforms / diverges / unsupported and the divergence classes seen.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::record::{Record, RecordVerdict};
use crate::check::VerdictName;

#[derive(Default)]
struct Cell {
    conforms: usize,
    diverges: usize,
    unsupported: usize,
    classes: BTreeSet<&'static str>,
}

/// A Markdown table over the records of any number of runs (targets in order of appearance).
pub fn markdown(records: &[Record]) -> String {
    let mut targets: Vec<String> = Vec::new();
    let mut cells: BTreeMap<(String, String), Cell> = BTreeMap::new();
    let mut operations: BTreeSet<String> = BTreeSet::new();
    for r in records {
        if !targets.contains(&r.target) {
            targets.push(r.target.clone());
        }
        operations.insert(r.operation.clone());
        let cell = cells
            .entry((r.operation.clone(), r.target.clone()))
            .or_default();
        match r.verdict {
            RecordVerdict::Ran(VerdictName::Conforms) => cell.conforms += 1,
            RecordVerdict::Ran(VerdictName::Diverges) => {
                cell.diverges += 1;
                if let Some(c) = r.class {
                    cell.classes.insert(c.as_str());
                }
            }
            RecordVerdict::Ran(VerdictName::Unsupported) | RecordVerdict::Skipped => {
                cell.unsupported += 1
            }
            RecordVerdict::Ran(VerdictName::HarnessError) => {
                cell.diverges += 1;
                cell.classes.insert(VerdictName::HarnessError.as_str());
            }
        }
    }
    let mut out = String::new();
    let _ = write!(out, "| operation |");
    for t in &targets {
        let _ = write!(
            out,
            " {t}: conforms / diverges / unsupported | {t}: divergence classes |"
        );
    }
    let _ = writeln!(out);
    let _ = write!(out, "|---|");
    for _ in &targets {
        let _ = write!(out, "---|---|");
    }
    let _ = writeln!(out);
    for op in &operations {
        let _ = write!(out, "| {op} |");
        for t in &targets {
            match cells.get(&(op.clone(), t.clone())) {
                Some(c) => {
                    let classes = if c.classes.is_empty() {
                        "".to_string()
                    } else {
                        c.classes.iter().copied().collect::<Vec<_>>().join(", ")
                    };
                    let _ = write!(
                        out,
                        " {} / {} / {} | {} |",
                        c.conforms, c.diverges, c.unsupported, classes
                    );
                }
                None => {
                    let _ = write!(out, " - | |");
                }
            }
        }
        let _ = writeln!(out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{DivergenceClass, Known};
    use crate::report::record::Observed;

    fn record(
        target: &str,
        op: &str,
        verdict: RecordVerdict,
        class: Option<DivergenceClass>,
    ) -> Record {
        Record {
            id: format!("{op}::x"),
            operation: op.into(),
            kind: "valid".into(),
            constraint: "c".into(),
            expect: "accept".into(),
            observed: Observed::default(),
            verdict,
            class,
            detail: None,
            target: target.into(),
            known: Known::NotListed,
            millis: 0,
            baseline: None,
            sequence: None,
        }
    }

    #[test]
    fn matrix_counts_per_operation_and_target() {
        let md = markdown(&[
            record("reference", "GetAccount", RecordVerdict::CONFORMS, None),
            record("moto", "GetAccount", RecordVerdict::Skipped, None),
            record(
                "moto",
                "SendEmail",
                RecordVerdict::DIVERGES,
                Some(DivergenceClass::AcceptedInvalid),
            ),
            record("moto", "SendEmail", RecordVerdict::CONFORMS, None),
        ]);
        assert!(
            md.contains("| GetAccount | 1 / 0 / 0 |  | 0 / 0 / 1 |  |"),
            "{md}"
        );
        assert!(
            md.contains("| SendEmail | - | | 1 / 1 / 0 | accepted-invalid |"),
            "{md}"
        );
    }
}
