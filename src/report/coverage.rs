//! The coverage section of `report`: per constraint, the requests of a run that reached it, as
//! Markdown, from the coverage line of a result file.

use std::fmt::Write as _;

use super::json::CoverageLine;

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
