//! The importer: the vendored SES v2 model (`specs/model/`) to spec files of the table's format
//! (`specs/imported/`), one per operation and shape, and what changed since the last import.
//!
//! The imported files are the model's view, kept beside the hand-written table
//! (`specs/operations/`): hand-written rules win where both name an operation, and where they
//! differ both stay (the table's `later` rows cite the model); [`table_differences`] lists the
//! differences for a reader to decide. Run again on a newer model, [`changes`] names what moved.
//!
//! The importer never writes a safety class. A class is a person's judgement of what real SES
//! would do with a valid request; the importer carries over the `safety` and `safety_reason` it
//! finds in the file it replaces, and an operation without one is refused by the gate.
//!
//! * `botocore.rs`: the model's file format;
//! * `convert.rs`: one operation to one file, and the shapes it refers to;
//! * `prose.rs`: rules the documentation states in sentences (rate limits, page sizes);
//! * `compare.rs`: imported files against the files on disk and against the table.

mod botocore;
mod compare;
mod convert;
mod prose;

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub use compare::{changes, table_differences, Change, TableDifference};
pub use convert::Unheld;

/// Why the model could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A file could not be read or written.
    #[error("{file}: {message}")]
    File {
        /// The file.
        file: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The model says something the importer cannot turn into the table's format.
    #[error("{file}: at {path}: {message}")]
    Model {
        /// The model file.
        file: PathBuf,
        /// The JSON path in it.
        path: String,
        /// What was wrong.
        message: String,
    },
}

impl ImportError {
    fn model(path: &str, message: impl Into<String>) -> ImportError {
        ImportError::Model {
            file: PathBuf::new(),
            path: path.to_string(),
            message: message.into(),
        }
    }

    fn in_file(self, file: &Path) -> ImportError {
        match self {
            ImportError::Model { path, message, .. } => ImportError::Model {
                file: file.to_path_buf(),
                path,
                message,
            },
            other => other,
        }
    }

    fn file(file: &Path, message: impl std::fmt::Display) -> ImportError {
        ImportError::File {
            file: file.to_path_buf(),
            message: message.to_string(),
        }
    }
}

/// `specs/model/PROVENANCE.json`: which model is vendored, from where, with which checksum.
#[derive(Debug, Clone, Deserialize)]
pub struct Provenance {
    /// The model file, beside this one.
    pub model: String,
    /// The package it comes from (`botocore`).
    pub package: String,
    /// The package's version.
    pub version: String,
    /// The model file's SHA-256, hex.
    pub sha256: String,
    /// Everything else it records (where from, license, how to refresh), for readers.
    #[serde(flatten)]
    pub notes: IndexMap<String, Value>,
}

/// What one import produced.
#[derive(Debug, Clone)]
pub struct Imported {
    /// Which model.
    pub provenance: Provenance,
    /// One spec file per operation, by operation name.
    pub operations: IndexMap<String, Value>,
    /// One file per structure or enum shape the operations refer to, by shape name.
    pub shapes: IndexMap<String, Value>,
    /// Every error type the operations name, with its HTTP status (the `errors.json` format).
    pub errors: IndexMap<String, Value>,
    /// Model rules the table has no kind for yet.
    pub unheld: Vec<Unheld>,
}

/// Read and check the vendored model in `model_dir`, and convert every operation.
pub fn import(model_dir: &Path) -> Result<Imported, ImportError> {
    let provenance_file = model_dir.join("PROVENANCE.json");
    let provenance: Provenance = read_json(&provenance_file)?;
    let model_file = model_dir.join(&provenance.model);
    let text = std::fs::read(&model_file).map_err(|e| ImportError::file(&model_file, e))?;
    let digest = hex(&Sha256::digest(&text));
    if digest != provenance.sha256 {
        return Err(ImportError::file(
            &model_file,
            format!(
                "its SHA-256 is {digest}, {} says {}: record the new model's version, source and checksum there when you replace it",
                provenance_file.display(),
                provenance.sha256
            ),
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(&text);
    let model: botocore::ServiceModel = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        ImportError::model(&format!("$.{}", e.path()), e.inner().to_string()).in_file(&model_file)
    })?;
    if model.metadata.protocol != "rest-json" {
        return Err(ImportError::model(
            "$.metadata.protocol",
            format!(
                "`{}`: the table describes rest-json operations only",
                model.metadata.protocol
            ),
        )
        .in_file(&model_file));
    }
    let origin = format!(
        "SES v2 model ({} {} {}, apiVersion {})",
        provenance.package, provenance.version, provenance.model, model.metadata.api_version
    );
    let mut converter = convert::Converter::new(&model, &origin);
    let mut operations = IndexMap::new();
    for (name, op) in &model.operations {
        let file = converter
            .operation(name, op)
            .map_err(|e| e.in_file(&model_file))?;
        operations.insert(name.clone(), file);
    }
    operations.sort_keys();
    let mut shapes = std::mem::take(&mut converter.shapes);
    shapes.sort_keys();
    let mut errors: IndexMap<String, Value> = converter
        .errors
        .iter()
        .map(|(name, status)| {
            let source = format!("{origin}: shape {name} ({status})");
            (name.clone(), json!({"status": status, "source": source}))
        })
        .collect();
    errors.sort_keys();
    Ok(Imported {
        provenance,
        operations,
        shapes,
        errors,
        unheld: converter.unheld,
    })
}

/// The keys a person writes into an imported operation's file, which an import keeps.
pub const REVIEWED_KEYS: [&str; 2] = ["safety", "safety_reason"];

impl Imported {
    /// Carry the reviewed keys of the files already in `out` over into the new files.
    pub fn keep_reviews(&mut self, out: &Path) -> Result<(), ImportError> {
        for (name, file) in self.operations.iter_mut() {
            let path = out.join("operations").join(format!("{name}.json"));
            if !path.is_file() {
                continue;
            }
            let old: Value = read_json(&path)?;
            for key in REVIEWED_KEYS.iter().rev() {
                if let (Some(value), Some(object)) = (old.get(*key), file.as_object_mut()) {
                    let rest: Vec<(String, Value)> = std::mem::take(object).into_iter().collect();
                    for (k, v) in rest {
                        let after_http = k == "http";
                        object.insert(k, v);
                        if after_http {
                            object.insert(key.to_string(), value.clone());
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// The files to write under `out`: path relative to it, and text.
    pub fn files(&self) -> Vec<(String, String)> {
        let mut files = Vec::new();
        for (name, op) in &self.operations {
            files.push((format!("operations/{name}.json"), pretty(op)));
        }
        for (name, shape) in &self.shapes {
            files.push((format!("shapes/{name}.json"), pretty(shape)));
        }
        files.push(("errors.json".into(), pretty(&json!(self.errors))));
        files
    }

    /// Write every file under `out`, removing imported files of operations and shapes the
    /// model no longer has.
    pub fn write(&self, out: &Path) -> Result<(), ImportError> {
        let wanted = self.files();
        for dir in ["operations", "shapes"] {
            let dir = out.join(dir);
            std::fs::create_dir_all(&dir).map_err(|e| ImportError::file(&dir, e))?;
            for entry in std::fs::read_dir(&dir).map_err(|e| ImportError::file(&dir, e))? {
                let path = entry.map_err(|e| ImportError::file(&dir, e))?.path();
                let relative = relative_name(out, &path);
                if !wanted.iter().any(|(r, _)| *r == relative) {
                    std::fs::remove_file(&path).map_err(|e| ImportError::file(&path, e))?;
                }
            }
        }
        for (relative, text) in &wanted {
            let path = out.join(relative);
            std::fs::write(&path, text).map_err(|e| ImportError::file(&path, e))?;
        }
        Ok(())
    }
}

/// `dir/file.json` as `dir/file.json` relative to `out`, with `/` separators.
fn relative_name(out: &Path, path: &Path) -> String {
    path.strip_prefix(out)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// JSON as the table's files are written: two-space indents, a final newline.
pub fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, ImportError> {
    let text = std::fs::read_to_string(path).map_err(|e| ImportError::file(path, e))?;
    let mut de = serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(&mut de)
        .map_err(|e| ImportError::file(path, format!("at $.{}: {}", e.path(), e.inner())))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
