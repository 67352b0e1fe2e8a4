//! Where ledgers live by default: one file per run in the platform's state directory, so that a
//! run leaves nothing in the working directory and `cleanup` with no argument can find every
//! unfinished one.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::file::LedgerError;
use super::read::read;
use super::run_names::is_run_id;

/// The extension of ledger files in the state directory.
const EXTENSION: &str = "jsonl";

/// `<state dir>/ses-conformance/ledgers`, from an environment lookup.
pub fn ledger_dir_from(var: impl Fn(&str) -> Option<OsString>) -> Result<PathBuf, LedgerError> {
    crate::state::harness_dir_from(var)
        .map(|d| d.join("ledgers"))
        .ok_or(LedgerError::NoStateDir)
}

/// The directory ledgers live in by default, from this process's environment.
pub fn ledger_dir() -> Result<PathBuf, LedgerError> {
    ledger_dir_from(|name| std::env::var_os(name))
}

/// `<ledger dir>/<run id>.jsonl`, in a given ledger directory.
pub fn ledger_path_in(dir: &Path, run_id: &str) -> Result<PathBuf, LedgerError> {
    if !is_run_id(run_id) {
        return Err(LedgerError::RunId(run_id.to_string()));
    }
    Ok(dir.join(format!("{run_id}.{EXTENSION}")))
}

/// Where a run's ledger goes unless `--ledger` says otherwise.
pub fn default_ledger_path(run_id: &str) -> Result<PathBuf, LedgerError> {
    ledger_path_in(&ledger_dir()?, run_id)
}

/// Every ledger in `dir` that is not marked finished, sorted by name. A ledger that cannot be
/// read is listed too, so that the caller reports it. A missing directory holds none.
pub fn unfinished_ledgers(dir: &Path) -> Result<Vec<PathBuf>, LedgerError> {
    let listing = match std::fs::read_dir(dir) {
        Ok(listing) => listing,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(LedgerError::Io {
                path: dir.to_path_buf(),
                source,
            })
        }
    };
    let mut out = Vec::new();
    for item in listing {
        let path = item
            .map_err(|source| LedgerError::Io {
                path: dir.to_path_buf(),
                source,
            })?
            .path();
        let is_ledger = path.extension().is_some_and(|e| e == EXTENSION) && path.is_file();
        if is_ledger && !read(&path).is_ok_and(|r| r.is_finished()) {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::ledger::Ledger;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn xdg_state_home_is_honoured() {
        let dir = ledger_dir_from(env(&[
            ("XDG_STATE_HOME", "/xdg/state"),
            ("HOME", "/home/u"),
        ]))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(dir, PathBuf::from("/xdg/state/ses-conformance/ledgers"));
        assert_eq!(
            ledger_path_in(&dir, "abcdef70wxyz").unwrap_or_else(|e| panic!("{e}")),
            PathBuf::from("/xdg/state/ses-conformance/ledgers/abcdef70wxyz.jsonl")
        );
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn without_xdg_state_home_it_is_under_home() {
        let dir = ledger_dir_from(env(&[("HOME", "/home/u")])).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            dir,
            PathBuf::from("/home/u/.local/state/ses-conformance/ledgers")
        );
        // A relative XDG_STATE_HOME is ignored, as the XDG spec says.
        let dir = ledger_dir_from(env(&[("XDG_STATE_HOME", "rel"), ("HOME", "/home/u")]))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(dir.starts_with("/home/u/.local/state"));
    }

    #[test]
    fn no_home_is_an_error_not_the_current_directory() {
        assert!(matches!(
            ledger_dir_from(env(&[])),
            Err(LedgerError::NoStateDir)
        ));
    }

    #[test]
    fn a_run_id_that_is_not_one_names_no_file() {
        for bad in ["../x", "abc", "ABC123", "abc/12"] {
            assert!(matches!(
                ledger_path_in(Path::new("/d"), bad),
                Err(LedgerError::RunId(_))
            ));
        }
    }

    #[test]
    fn unfinished_ledgers_are_those_without_a_finished_line() {
        let dir = std::env::temp_dir().join(format!(
            "ses-conformance-unfinished-{}-{}",
            std::process::id(),
            crate::case::new_run_id()
        ));
        let open = |name: &str| Ledger::open(&dir.join(name)).unwrap_or_else(|e| panic!("{e}"));
        let done = open("aaaaaa.jsonl");
        done.finish().unwrap_or_else(|e| panic!("{e}"));
        // Created, then the run crashed before it wrote anything.
        drop(open("bbbbbb.jsonl"));
        std::fs::write(dir.join("cccccc.jsonl"), "not json\n").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.join("notes.txt"), "").unwrap_or_else(|e| panic!("{e}"));
        let found = unfinished_ledgers(&dir).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            found,
            vec![dir.join("bbbbbb.jsonl"), dir.join("cccccc.jsonl")]
        );
        assert_eq!(
            unfinished_ledgers(&dir.join("missing")).ok(),
            Some(Vec::new())
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
