//! The harness's own state on disk (ledgers, the installation key, regressions files): where it
//! lives, and how it is written. State is private to the user who runs the harness (files 0600,
//! directories 0700 when this module creates them) and is never written through a symbolic
//! link: a link planted where the harness keeps state could point its writes anywhere, so a
//! link there is refused, naming the path.

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::names::RunKey;

/// Why a state file or directory could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The path is a symbolic link (or, for a file, one of the directories the harness made on
    /// the way is): the harness does not write through links.
    #[error("{path}: is a symbolic link; the harness does not write its state through links (remove it, or choose another path)")]
    Symlink {
        /// The path.
        path: PathBuf,
    },
    /// An I/O error.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StateError + '_ {
    move |source| StateError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The platform's state directory as `var` (an environment lookup) describes it:
/// `$XDG_STATE_HOME` when set to an absolute path (the XDG spec ignores relative ones), else
/// `%LOCALAPPDATA%` on Windows, `~/Library/Application Support` on macOS and `~/.local/state`
/// elsewhere.
pub fn state_dir_from(var: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let absolute = |name: &str| var(name).map(PathBuf::from).filter(|p| p.is_absolute());
    if let Some(dir) = absolute("XDG_STATE_HOME") {
        return Some(dir);
    }
    if cfg!(windows) {
        return absolute("LOCALAPPDATA");
    }
    let home = absolute("HOME")?;
    if cfg!(target_os = "macos") {
        Some(home.join("Library").join("Application Support"))
    } else {
        Some(home.join(".local").join("state"))
    }
}

/// `<state dir>/ses-conformance`, from an environment lookup.
pub fn harness_dir_from(var: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    state_dir_from(var).map(|d| d.join("ses-conformance"))
}

/// `<state dir>/ses-conformance` from this process's environment.
pub fn harness_dir() -> Option<PathBuf> {
    harness_dir_from(|name| std::env::var_os(name))
}

/// Why the installation key could not be had.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Neither `XDG_STATE_HOME` nor `HOME` says where state lives.
    #[error("no state directory for the installation key: set XDG_STATE_HOME or HOME")]
    NoStateDir,
    /// The key file could not be read or written.
    #[error(transparent)]
    State(#[from] StateError),
    /// The key file holds something else.
    #[error("{path}: {source}")]
    NotAKey {
        /// The key file.
        path: PathBuf,
        /// Why.
        #[source]
        source: crate::names::NotAKey,
    },
    /// No randomness to make a key from.
    #[error(transparent)]
    NoRandomness(#[from] crate::names::NoRandomness),
}

/// The installation key's file: `<state dir>/ses-conformance/key`.
pub fn key_path() -> Result<PathBuf, KeyError> {
    harness_dir()
        .map(|d| d.join("key"))
        .ok_or(KeyError::NoStateDir)
}

/// This installation's key, made (0600, in a 0700 directory) the first time a run needs one.
/// Two runs starting at once get the same key: the file is made whole beside its place and
/// linked in only if no key is there yet, never replaced.
pub fn installation_key() -> Result<RunKey, KeyError> {
    installation_key_at(&key_path()?)
}

/// The key kept in `path` (an installation's `key` file), made there if missing, as
/// [`installation_key`] does for this process's state directory.
pub fn installation_key_at(path: &Path) -> Result<RunKey, KeyError> {
    let path = path.to_path_buf();
    if let Some(key) = read_key(&path)? {
        return Ok(key);
    }
    let key = RunKey::generate()?;
    let temp = path.with_file_name(format!(".key.{}.tmp", std::process::id()));
    write_private(&temp, format!("{}\n", key.to_hex()).as_bytes())?;
    let linked = std::fs::hard_link(&temp, &path);
    let _ = std::fs::remove_file(&temp);
    match linked {
        Ok(()) => {
            sync_dir(parent_dir(&path)).map_err(io(&path))?;
            Ok(key)
        }
        // Another run made it first: that one is the installation's.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            read_key(&path)?.ok_or_else(|| {
                KeyError::State(StateError::Io {
                    path: path.clone(),
                    source: e,
                })
            })
        }
        Err(source) => Err(KeyError::State(StateError::Io { path, source })),
    }
}

/// The installation key if one was ever made; `cleanup` never makes one (no key, no run of
/// this installation to clean up after).
pub fn existing_installation_key() -> Result<Option<RunKey>, KeyError> {
    read_key(&key_path()?)
}

/// A key file given by the user (`cleanup --key-file`), as `read_key` reads the installation's.
pub fn key_from_file(path: &Path) -> Result<RunKey, KeyError> {
    let text = std::fs::read_to_string(path).map_err(io(path))?;
    RunKey::from_hex(&text).map_err(|source| KeyError::NotAKey {
        path: path.to_path_buf(),
        source,
    })
}

fn read_key(path: &Path) -> Result<Option<RunKey>, KeyError> {
    refuse_symlink(path)?;
    if let Ok(file) = File::open(path) {
        // A key others could read proves nothing: keep it private.
        tighten(&file, 0o600).map_err(|source| StateError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    }
    match std::fs::read_to_string(path) {
        Ok(text) => RunKey::from_hex(&text)
            .map(Some)
            .map_err(|source| KeyError::NotAKey {
                path: path.to_path_buf(),
                source,
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(KeyError::State(StateError::Io {
            path: path.to_path_buf(),
            source,
        })),
    }
}

/// Refuse `path` when it is a symbolic link (dangling or not). A path that does not exist is
/// fine: it will be created.
pub fn refuse_symlink(path: &Path) -> Result<(), StateError> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(StateError::Symlink {
            path: path.to_path_buf(),
        }),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(StateError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Create `dir` and its missing ancestors, each new one private (0700) and synced into its
/// parent, so that a file created in it survives a crash. An existing directory is left as it
/// is (it may be the user's own, shared on purpose); `dir` itself must not be a link.
pub fn create_private_dir(dir: &Path) -> Result<(), StateError> {
    refuse_symlink(dir)?;
    let missing: Vec<&Path> = dir
        .ancestors()
        .take_while(|d| !d.as_os_str().is_empty() && std::fs::symlink_metadata(d).is_err())
        .collect();
    for created in missing.iter().rev() {
        make_private_dir(created).map_err(io(created))?;
        sync_dir(parent_dir(created)).map_err(io(created))?;
    }
    Ok(())
}

#[cfg(unix)]
fn make_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt as _;
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        other => other,
    }
}

#[cfg(not(unix))]
fn make_private_dir(dir: &Path) -> std::io::Result<()> {
    match std::fs::create_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        other => other,
    }
}

/// Take group and other permissions off an open file or directory when it has any (`mode` is
/// what it becomes then). Nothing to do on platforms without Unix modes.
#[cfg(unix)]
fn tighten(file: &File, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let current = file.metadata()?.permissions().mode();
    if current & 0o077 != 0 {
        file.set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn tighten(_file: &File, _mode: u32) -> std::io::Result<()> {
    Ok(())
}

/// The harness's own directories (its state directory and those below it, down to `dir`) made
/// private when an earlier version left them open to others; a directory outside the state
/// directory (a `--ledger` path of the user's) is the user's business.
fn tighten_harness_dirs(dir: &Path) -> Result<(), StateError> {
    let Some(own) = harness_dir() else {
        return Ok(());
    };
    let Ok(below) = dir.strip_prefix(&own) else {
        return Ok(());
    };
    let mut at = own.clone();
    for step in std::iter::once(None).chain(below.components().map(Some)) {
        if let Some(step) = step {
            at.push(step);
        }
        refuse_symlink(&at)?;
        if let Ok(d) = File::open(&at) {
            tighten(&d, 0o700).map_err(io(&at))?;
        }
    }
    Ok(())
}

/// The directory a file lives in (`.` for a bare file name).
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Sync a directory, so that a file just created in it is found after a crash.
#[cfg(unix)]
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Other platforms cannot open a directory to sync it; creating the file is all there is.
#[cfg(not(unix))]
pub fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Options that create a file 0600 and never follow a link at its last component.
fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    options
}

/// Open a state file for appending, creating it (0600, its directories 0700) when missing;
/// `true` when this call created it. A link at `path` is refused.
pub fn open_private_append(path: &Path) -> Result<(File, bool), StateError> {
    create_private_dir(parent_dir(path))?;
    tighten_harness_dirs(parent_dir(path))?;
    refuse_symlink(path)?;
    let created = private_options().append(true).create_new(true).open(path);
    let (file, created) = match created {
        Ok(file) => (file, true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let file = private_options()
                .append(true)
                .open(path)
                .map_err(|e| link_or_io(path, e))?;
            // A state file an earlier version left readable by others is made private now.
            tighten(&file, 0o600).map_err(io(path))?;
            (file, false)
        }
        Err(e) => return Err(link_or_io(path, e)),
    };
    if created {
        sync_dir(parent_dir(path)).map_err(io(path))?;
    }
    Ok((file, created))
}

/// Replace a state file's content whole: written to a private temporary file beside it, synced,
/// then renamed over it, so a crash leaves the old content or the new, never half of either. A
/// link at `path` is refused rather than replaced or followed.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), StateError> {
    let dir = parent_dir(path);
    create_private_dir(dir)?;
    refuse_symlink(path)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let temp = dir.join(format!(
        ".{}.{}.tmp",
        name.unwrap_or_else(|| "state".into()),
        std::process::id()
    ));
    let _ = std::fs::remove_file(&temp);
    let mut file = private_options()
        .write(true)
        .create_new(true)
        .open(&temp)
        .map_err(|e| link_or_io(&temp, e))?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&temp, path))
        .and_then(|()| sync_dir(dir));
    if let Err(source) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(StateError::Io {
            path: path.to_path_buf(),
            source,
        });
    }
    Ok(())
}

/// `O_NOFOLLOW` makes opening a link fail with `ELOOP`: say it is a link.
fn link_or_io(path: &Path, source: std::io::Error) -> StateError {
    #[cfg(unix)]
    if source.raw_os_error() == Some(libc::ELOOP) {
        return StateError::Symlink {
            path: path.to_path_buf(),
        };
    }
    StateError::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "ses-conformance-state-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::metadata(path)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or_default()
    }

    #[cfg(unix)]
    #[test]
    fn new_state_is_private() {
        let dir = temp("private");
        let path = dir.join("a").join("b").join("ledger.jsonl");
        let (_, created) = open_private_append(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(created);
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.join("a").join("b")), 0o700);
        assert_eq!(mode(&dir.join("a")), 0o700);
        let (_, again) = open_private_append(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(!again);
        write_private(&dir.join("key"), b"k").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(mode(&dir.join("key")), 0o600);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_state_file_left_open_to_others_is_made_private() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = temp("tighten");
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let path = dir.join("old.jsonl");
        std::fs::write(&path, b"").unwrap_or_else(|e| panic!("{e}"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))
            .unwrap_or_else(|e| panic!("{e}"));
        let (_, created) = open_private_append(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(!created);
        assert_eq!(mode(&path), 0o600);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn links_are_refused_dangling_or_not() {
        let dir = temp("links");
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let target = dir.join("elsewhere");
        let link = dir.join("ledger.jsonl");
        std::os::unix::fs::symlink(&target, &link).unwrap_or_else(|e| panic!("{e}"));
        // Dangling: nothing may be created at the other end.
        assert!(matches!(
            open_private_append(&link),
            Err(StateError::Symlink { .. })
        ));
        assert!(matches!(
            write_private(&link, b"x"),
            Err(StateError::Symlink { .. })
        ));
        assert!(!target.exists());
        std::fs::write(&target, b"theirs").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            open_private_append(&link),
            Err(StateError::Symlink { .. })
        ));
        assert!(matches!(
            write_private(&link, b"x"),
            Err(StateError::Symlink { .. })
        ));
        assert_eq!(std::fs::read(&target).unwrap_or_default(), b"theirs");
        // A linked directory the harness would write into is refused too.
        let linked_dir = dir.join("state");
        std::os::unix::fs::symlink(&dir, &linked_dir).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            create_private_dir(&linked_dir),
            Err(StateError::Symlink { .. })
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_write_replaces_the_content_whole() {
        let dir = temp("replace");
        let path = dir.join("regressions.json");
        write_private(&path, b"first").unwrap_or_else(|e| panic!("{e}"));
        write_private(&path, b"second").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read(&path).unwrap_or_default(), b"second");
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(Result::ok).map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_state_dir_follows_xdg() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| OsString::from(v))
            }
        };
        assert_eq!(
            harness_dir_from(env(&[("XDG_STATE_HOME", "/x"), ("HOME", "/h")])),
            Some(PathBuf::from("/x/ses-conformance"))
        );
        assert_eq!(harness_dir_from(env(&[])), None);
    }
}
