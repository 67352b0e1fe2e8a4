//! `list`: every case id, or every case as a JSON line.

use std::io::Write as _;

use crate::exit;
use crate::generate::{self, Settings};
use crate::spec::Spec;

use super::prepare::{check_ops, usage_error};

/// `list`: print every case id (or JSON line).
pub fn list(spec: &Spec, ops: Vec<String>, json: bool, seed: u64, random_cases: usize) -> i32 {
    if let Err(e) = check_ops(spec, &ops) {
        return usage_error(e);
    }
    let settings = Settings {
        global_seed: seed,
        random_cases,
        operations: ops,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    // Ids alone need no request generation; JSON lines build each case as they go.
    for plan in generate::plans(spec, &settings) {
        let line = if json {
            match plan.build(spec, &settings) {
                Some(case) => case.listing().to_string(),
                None => continue,
            }
        } else {
            plan.id
        };
        if writeln!(out, "{line}").is_err() {
            // A closed pipe (`| head`) is not an error.
            return exit::OK;
        }
    }
    let _ = out.flush();
    exit::OK
}
