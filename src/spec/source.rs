//! Where a spec table's files come from: the table embedded in the binary at build time
//! (`build.rs`), or a directory (`--specs DIR`). Both are read through the same loader, and
//! errors name a file as `specs/<file>` (embedded) or `DIR/<file>`, with the JSON path.

use std::path::{Path, PathBuf};

use super::SpecError;

/// The files of `specs/` as they were when this binary was built: (path under `specs/`, text).
static EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_specs.rs"));

/// Where the files of a spec table are read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecSource {
    /// The table built into the binary: it needs no checkout.
    Embedded,
    /// A directory on disk.
    Dir(PathBuf),
}

impl SpecSource {
    /// How errors name `relative` (a path under the table, e.g. `operations/GetAccount.json`).
    pub fn file(&self, relative: &str) -> PathBuf {
        match self {
            SpecSource::Embedded => Path::new("specs").join(relative),
            SpecSource::Dir(dir) => dir.join(relative),
        }
    }

    /// Whether the table has the file `relative`.
    pub fn has(&self, relative: &str) -> bool {
        match self {
            SpecSource::Embedded => embedded(relative).is_some(),
            SpecSource::Dir(dir) => dir.join(relative).is_file(),
        }
    }

    /// The text of the file `relative`.
    pub fn read(&self, relative: &str) -> Result<String, SpecError> {
        match self {
            SpecSource::Embedded => {
                embedded(relative)
                    .map(str::to_string)
                    .ok_or_else(|| SpecError::Read {
                        file: self.file(relative),
                        source: std::io::ErrorKind::NotFound.into(),
                    })
            }
            SpecSource::Dir(dir) => {
                let file = dir.join(relative);
                std::fs::read_to_string(&file).map_err(|source| SpecError::Read { file, source })
            }
        }
    }

    /// The `.json` files directly in `folder` (e.g. `operations`), as paths under the table,
    /// sorted.
    pub fn json_files(&self, folder: &str) -> Result<Vec<String>, SpecError> {
        let mut files = match self {
            SpecSource::Embedded => embedded_json_in(folder),
            SpecSource::Dir(dir) => dir_json_in(dir, folder)?,
        };
        files.sort();
        Ok(files)
    }
}

fn embedded(relative: &str) -> Option<&'static str> {
    EMBEDDED
        .iter()
        .find(|(path, _)| *path == relative)
        .map(|(_, text)| *text)
}

fn embedded_json_in(folder: &str) -> Vec<String> {
    let prefix = format!("{folder}/");
    EMBEDDED
        .iter()
        .filter_map(|(path, _)| path.strip_prefix(&prefix).map(|name| (path, name)))
        .filter(|(_, name)| !name.contains('/') && name.ends_with(".json"))
        .map(|(path, _)| path.to_string())
        .collect()
}

fn dir_json_in(dir: &Path, folder: &str) -> Result<Vec<String>, SpecError> {
    let folder_path = dir.join(folder);
    let read_err = |source| SpecError::Read {
        file: folder_path.clone(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&folder_path).map_err(read_err)? {
        let path = entry.map_err(read_err)?.path();
        let is_json = path.extension().is_some_and(|ext| ext == "json");
        if let (true, Some(name)) = (is_json, path.file_name()) {
            files.push(format!("{folder}/{}", name.to_string_lossy()));
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_table_holds_every_file_of_the_checkouts_specs() {
        let dir = SpecSource::Dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("specs"));
        for folder in ["operations", "setup", "shapes", "targets"] {
            let on_disk = dir.json_files(folder).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                SpecSource::Embedded.json_files(folder).unwrap_or_default(),
                on_disk
            );
            for file in on_disk {
                assert_eq!(
                    SpecSource::Embedded.read(&file).ok(),
                    dir.read(&file).ok(),
                    "{file}"
                );
            }
        }
    }

    #[test]
    fn embedded_files_are_named_under_specs() {
        let error = SpecSource::Embedded.read("operations/NoSuchOperation.json");
        let message = error
            .map(|_| String::new())
            .unwrap_or_else(|e| e.to_string());
        assert!(
            message.starts_with("specs/operations/NoSuchOperation.json: cannot read"),
            "{message}"
        );
    }
}
