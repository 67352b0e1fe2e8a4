//! The files a command writes, checked before its first request: against real SES every request
//! spends paced quota, so a file the run could not write is said before the run starts (exit 4),
//! not after it. Each check does what the writer will do, as far as it can without leaving
//! anything behind: a file is opened (or created and removed again), a directory that will be
//! made is probed through its nearest existing ancestor.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};

use crate::exit;
use crate::state::{self, parent_dir};

use super::options::RunOptions;

/// How a command writes one of its files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Writes {
    /// Created or truncated in place; its directory must exist (`--json`, `--junit`).
    File,
    /// State appended in place, its directories made, never through a link (the ledger).
    AppendedState,
    /// State replaced whole by a file renamed over it, its directories made, never through a
    /// link (the regressions file).
    ReplacedState,
    /// A directory made with its parents, files written in it (`record --out`).
    Directory,
}

/// One file (or directory) a command writes.
#[derive(Debug, Clone)]
pub(super) struct Output {
    /// The flag that names it (`--json`), or what it is when no flag did (`the ledger`).
    pub flag: &'static str,
    /// Where.
    pub path: PathBuf,
    /// How it is written.
    pub writes: Writes,
}

impl Output {
    /// An output named by `flag`.
    pub fn new(flag: &'static str, path: &Path, writes: Writes) -> Output {
        Output {
            flag,
            path: path.to_path_buf(),
            writes,
        }
    }
}

/// Why an output cannot be written.
#[derive(Debug, thiserror::Error)]
#[error("{flag} {}: cannot be written: {reason} (nothing was sent)", .path.display())]
pub struct OutputError {
    /// The flag that names it.
    pub flag: &'static str,
    /// The path.
    pub path: PathBuf,
    /// Why.
    pub reason: String,
}

/// The result files every command that runs cases may write (`--json`, `--junit`).
pub(super) fn result_files(options: &RunOptions) -> Vec<Output> {
    let json = options
        .json
        .iter()
        .filter(|p| !crate::output::is_stdout(p))
        .map(|p| Output::new("--json", p, Writes::File));
    let junit = options
        .junit
        .iter()
        .map(|p| Output::new("--junit", p, Writes::File));
    json.chain(junit).collect()
}

/// Check every output; on the first that cannot be written, say so and return exit code 4.
pub(super) fn check_outputs<'a>(outputs: impl IntoIterator<Item = &'a Output>) -> Result<(), i32> {
    for output in outputs {
        if let Err(e) = check(output) {
            errln!("error: {e}");
            return Err(exit::IO_FAILURE);
        }
    }
    Ok(())
}

/// Whether `output` can be written the way its command writes it.
pub(super) fn check(output: &Output) -> Result<(), OutputError> {
    let fail = |reason: String| OutputError {
        flag: output.flag,
        path: output.path.clone(),
        reason,
    };
    let path = &output.path;
    match output.writes {
        Writes::File => check_file(path).map_err(fail),
        Writes::AppendedState | Writes::ReplacedState => {
            state::refuse_symlink(path)
                .and_then(|()| state::refuse_symlink(parent_dir(path)))
                .map_err(|e| fail(e.to_string()))?;
            if path.is_dir() {
                return Err(fail("it is a directory".into()));
            }
            if output.writes == Writes::AppendedState && path.exists() {
                OpenOptions::new()
                    .append(true)
                    .open(path)
                    .map_err(|e| fail(e.to_string()))?;
            }
            probe_dir_to_be(parent_dir(path)).map_err(fail)
        }
        Writes::Directory => {
            if path.exists() && !path.is_dir() {
                return Err(fail("it is not a directory".into()));
            }
            probe_dir_to_be(path).map_err(fail)
        }
    }
}

/// A file written in place: opened for appending when it exists (nothing is truncated yet),
/// else created and removed again (through a link to nothing, its target, as the writer would).
fn check_file(path: &Path) -> Result<(), String> {
    if path.is_dir() {
        return Err("it is a directory".into());
    }
    if path.exists() {
        return OpenOptions::new()
            .append(true)
            .open(path)
            .map(drop)
            .map_err(|e| e.to_string());
    }
    match std::fs::read_link(path) {
        Ok(target) => check_new_file(&parent_dir(path).join(target)),
        Err(_) => check_new_file(path),
    }
}

/// A file that does not exist yet: created in its directory and removed again.
fn check_new_file(path: &Path) -> Result<(), String> {
    let dir = parent_dir(path);
    if !dir.is_dir() {
        return Err(format!("its directory {} does not exist", dir.display()));
    }
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| e.to_string())?;
    std::fs::remove_file(path).map_err(|e| e.to_string())
}

/// A directory that is there or will be made: its nearest existing ancestor must be a
/// directory files can be created in.
fn probe_dir_to_be(dir: &Path) -> Result<(), String> {
    let existing = dir
        .ancestors()
        .find(|d| d.as_os_str().is_empty() || std::fs::symlink_metadata(d).is_ok())
        .map(|d| {
            if d.as_os_str().is_empty() {
                Path::new(".")
            } else {
                d
            }
        })
        .unwrap_or(Path::new("."));
    if !existing.is_dir() {
        return Err(format!("{} is not a directory", existing.display()));
    }
    let probe = existing.join(format!(".ses-conformance-probe-{}", std::process::id()));
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(|e| format!("no file can be created in {}: {e}", existing.display()))?;
    std::fs::remove_file(&probe).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "ses-conformance-outputs-{name}-{}",
            crate::case::new_run_id()
        ));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        dir
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .map(|d| {
                d.filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn writable_outputs_pass_and_leave_nothing_behind() {
        let dir = temp("writable");
        let outputs = [
            Output::new("--json", &dir.join("r.jsonl"), Writes::File),
            Output::new("--ledger", &dir.join("a/b/l.jsonl"), Writes::AppendedState),
            Output::new(
                "--regressions",
                &dir.join("r/x.json"),
                Writes::ReplacedState,
            ),
            Output::new("--out", &dir.join("base/line"), Writes::Directory),
        ];
        for output in &outputs {
            assert!(check(output).is_ok(), "{output:?}: {:?}", check(output));
        }
        assert!(leftovers(&dir).is_empty(), "{:?}", leftovers(&dir));
        // An existing file is opened, not truncated.
        std::fs::write(dir.join("r.jsonl"), "kept").unwrap_or_else(|e| panic!("{e}"));
        assert!(check(&outputs[0]).is_ok());
        assert_eq!(
            std::fs::read(dir.join("r.jsonl")).unwrap_or_default(),
            b"kept"
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn an_output_that_cannot_be_written_is_named_with_its_flag() {
        let dir = temp("unwritable");
        std::fs::write(dir.join("afile"), "").unwrap_or_else(|e| panic!("{e}"));
        let outputs = [
            Output::new("--json", &dir.join("missing/r.jsonl"), Writes::File),
            Output::new("--junit", &dir, Writes::File),
            Output::new(
                "--ledger",
                &dir.join("afile/l.jsonl"),
                Writes::AppendedState,
            ),
            Output::new("--regressions", &dir, Writes::ReplacedState),
            Output::new("--out", &dir.join("afile"), Writes::Directory),
            Output::new("--out", &dir.join("afile/x/y"), Writes::Directory),
        ];
        for output in &outputs {
            let message = check(output)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_else(|| panic!("{output:?} passed"));
            assert!(message.starts_with(output.flag), "{message}");
            assert!(
                message.contains(&output.path.display().to_string()),
                "{message}"
            );
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_where_state_goes_is_refused_before_the_run() {
        let dir = temp("links");
        let link = dir.join("kept.json");
        std::os::unix::fs::symlink(dir.join("elsewhere"), &link).unwrap_or_else(|e| panic!("{e}"));
        for writes in [Writes::AppendedState, Writes::ReplacedState] {
            let message = check(&Output::new("--regressions", &link, writes))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(message.contains("symbolic link"), "{message}");
        }
        // A result file may be a link (`--json /dev/stdout`); checking leaves nothing behind.
        assert!(check(&Output::new("--json", &link, Writes::File)).is_ok());
        assert!(!dir.join("elsewhere").exists());
        assert!(check(&Output::new("--json", Path::new("/dev/null"), Writes::File)).is_ok());
        let _ = std::fs::remove_dir_all(dir);
    }
}
