//! `record`: run the cases once and store their answers as a baseline.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use crate::baseline;
use crate::report::baseline::Writer;
use crate::spec::Spec;

use super::durations::OLDER_THAN;
use super::execute::{conclude, execute_blocking, reporters};
use super::options::RunOptions;
use super::outputs::{Output, Writes};
use super::prepare::{prepare, usage_error};

/// `record`: run the cases once and store their answers as a baseline. With `older_than`, only
/// cases never recorded or recorded more than that many days ago are run. A baseline of another
/// target or region in `out` is refused unless `overwrite` (`--overwrite`) says to replace it.
pub fn record(
    spec: Arc<Spec>,
    options: RunOptions,
    out: PathBuf,
    older_than: Option<f64>,
    overwrite: bool,
) -> i32 {
    if let Some(Err(e)) = older_than.map(|days| OLDER_THAN.check(days)) {
        return usage_error(e);
    }
    let mut prepared = match prepare(&spec, &options) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let meta = baseline::Meta {
        target: prepared.name.clone(),
        region: options.region.clone(),
        seed: options.seed,
        random_cases: options.random_cases,
    };
    if let Err(e) = baseline::may_record_into(&out, &meta, overwrite) {
        return usage_error(e);
    }
    prepared
        .outputs
        .push(Output::new("--out", &out, Writes::Directory));
    if let Some(days) = older_than {
        let now = SystemTime::now();
        prepared
            .cases
            .retain(|c| match baseline::read_entry(&out, &c.id) {
                Ok(Some(entry)) => baseline::older_than(&entry, days, now),
                _ => true,
            });
        errln!(
            "{} cases are missing or older than {days} days",
            prepared.cases.len()
        );
    }
    let writer = Writer::new(Arc::clone(&spec), out, meta, crate::output::HumanOut);
    let reporters = reporters(&options, &prepared, writer);
    let executed = match execute_blocking(&spec, &options, &prepared, true, reporters) {
        Ok(e) => e,
        Err(code) => return code,
    };
    conclude(&executed, false)
}
