//! Helpers the harness's own tests share.
#![allow(dead_code)]

pub mod account;
pub mod cli;
pub mod owner;
pub mod real_ses;
pub mod recorder;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use ses_conformance::case::new_run_id;
use ses_conformance::client::{GateLimits, Target, TargetConfig, TargetKind};
use ses_conformance::profile::Profile;
use ses_conformance::reference::Options;
use ses_conformance::spec::Spec;

/// The shipped spec table.
pub fn spec() -> Arc<Spec> {
    Arc::new(Spec::load_default().unwrap_or_else(|e| panic!("{e}")))
}

/// A copy of the directory `from` (files and subdirectories) at `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        let dest = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_dir(&path, &dest);
        } else {
            std::fs::copy(&path, &dest).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}

/// A fresh directory under the system's temporary directory.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "ses-conformance-{name}-{}-{}",
        std::process::id(),
        new_run_id()
    ));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for item in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = item.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

/// Every file under `dir`, concatenated: what a test looks through for text no output may hold.
pub fn all_files(dir: &Path) -> String {
    files_under(dir)
        .iter()
        .map(|path| std::fs::read_to_string(path).unwrap_or_default())
        .collect()
}

/// A fresh embedded reference target with these options.
pub async fn reference_target(spec: &Arc<Spec>, options: Options) -> Arc<Target> {
    reference_target_with(spec, options, GateLimits::default()).await
}

/// A fresh embedded reference target with these options, whose gate enforces `limits`.
pub async fn reference_target_with(
    spec: &Arc<Spec>,
    options: Options,
    limits: GateLimits,
) -> Arc<Target> {
    let config = TargetConfig {
        name: "reference".into(),
        kind: TargetKind::Reference(options),
        region: "us-east-1".into(),
        timeout: Duration::from_secs(10),
        profile: Profile::bare("reference"),
        run_id: new_run_id(),
        limits,
    };
    Arc::new(
        Target::connect(Arc::clone(spec), config)
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    )
}

/// Whether libtest's filter (`--exact`, `--skip`) selects a trial name: applied before cases are
/// built, so `--exact ID` builds one.
pub fn selected(args: &libtest_mimic::Arguments, name: &str) -> bool {
    let matches = |filter: &str| {
        if args.exact {
            name == filter
        } else {
            name.contains(filter)
        }
    };
    args.filter.as_deref().is_none_or(matches) && !args.skip.iter().any(|s| matches(s))
}

/// A rule a test checks, broken, and how: the message of the assertion that reports it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Broken(pub String);
