//! The conformance matrix: one row per operation, one column group per target, with counts of
//! conforms / diverges / unsupported and the divergence classes seen.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::record::Record;

#[derive(Default)]
struct Cell {
    conforms: usize,
    diverges: usize,
    unsupported: usize,
    classes: BTreeSet<String>,
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
        match r.verdict.as_str() {
            "conforms" => cell.conforms += 1,
            "diverges" => {
                cell.diverges += 1;
                if let Some(c) = &r.class {
                    cell.classes.insert(c.clone());
                }
            }
            "unsupported" | "skipped" => cell.unsupported += 1,
            _ => {
                cell.diverges += 1;
                cell.classes.insert("harness-error".into());
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
                        c.classes.iter().cloned().collect::<Vec<_>>().join(", ")
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
    use crate::report::record::Observed;

    fn record(target: &str, op: &str, verdict: &str, class: Option<&str>) -> Record {
        Record {
            id: format!("{op}::x"),
            operation: op.into(),
            kind: "valid".into(),
            constraint: "c".into(),
            expect: "accept".into(),
            observed: Observed::default(),
            verdict: verdict.into(),
            class: class.map(str::to_string),
            detail: None,
            target: target.into(),
            known: None,
            millis: 0,
            baseline: None,
        }
    }

    #[test]
    fn matrix_counts_per_operation_and_target() {
        let md = markdown(&[
            record("reference", "GetAccount", "conforms", None),
            record("moto", "GetAccount", "skipped", None),
            record("moto", "SendEmail", "diverges", Some("accepted-invalid")),
            record("moto", "SendEmail", "conforms", None),
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
