//! The strict loader: reads `specs/`, and refuses anything it does not understand with an error
//! that names the file and the JSON path.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::de::DeserializeOwned;

use super::integrity::{check_operation, check_resources, check_shape};
use super::kinds::Protocol;
use super::model::{ErrorDef, Operation, ResourceDef, Shape, Volatile, VolatileShape};
use super::source::SpecSource;
use super::Spec;

/// Why a spec directory could not be loaded. Every variant names the file, and where it can, the
/// JSON path inside it.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// The file or directory could not be read.
    #[error("{file}: cannot read: {source}")]
    Read {
        /// The file.
        file: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid JSON, or does not fit the model (unknown key, wrong type, ...).
    #[error("{file}: at {path}: {message}")]
    Parse {
        /// The file.
        file: PathBuf,
        /// JSON path of the offending value, e.g. `$.input.PageSize.constraints.range`.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// The file parses but says something impossible or dangling.
    #[error("{file}: at {path}: {message}")]
    Invalid {
        /// The file.
        file: PathBuf,
        /// JSON path of the offending value.
        path: String,
        /// What was wrong.
        message: String,
    },
}

impl SpecError {
    pub(super) fn invalid(
        file: &Path,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> SpecError {
        SpecError::Invalid {
            file: file.to_path_buf(),
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Load and check every file of a spec directory.
pub fn load_dir(dir: &Path) -> Result<Spec, SpecError> {
    load_from(SpecSource::Dir(dir.to_path_buf()))
}

/// Load and check every file of a spec table, from wherever its files come from.
pub fn load_from(source: SpecSource) -> Result<Spec, SpecError> {
    let shapes = load_shapes(&source)?;
    let resources: IndexMap<String, ResourceDef> = parse_in(&source, "resources.json")?;
    let errors: IndexMap<String, ErrorDef> = parse_in(&source, "errors.json")?;
    let protocol: Protocol = parse_in(&source, "protocol.json")?;
    let volatile: IndexMap<String, Volatile> = parse_in(&source, "volatile.json")?;
    let (operations, op_files) = load_operations(&source, "operations")?;
    let (setup, setup_files) = load_operations(&source, "setup")?;

    let spec = Spec {
        dir: match &source {
            SpecSource::Dir(dir) => dir.clone(),
            SpecSource::Embedded => Path::new(env!("CARGO_MANIFEST_DIR")).join("specs"),
        },
        source,
        operations,
        setup,
        shapes,
        resources,
        errors,
        volatile,
        protocol,
    };
    for (op, file) in spec.operations.values().zip(&op_files) {
        check_operation(&spec, op, file)?;
    }
    for (op, file) in spec.setup.values().zip(&setup_files) {
        check_operation(&spec, op, file)?;
    }
    for shape in spec.shapes.values() {
        let file = spec.source.file(&format!("shapes/{}.json", shape.shape));
        check_shape(&spec, shape, &file)?;
    }
    check_resources(&spec, &spec.source.file("resources.json"))?;
    check_volatile(&spec, &spec.source.file("volatile.json"))?;
    Ok(spec)
}

/// Parse the file `relative` of a spec table into `T`, reporting the JSON path of the first
/// error.
pub fn parse_in<T: DeserializeOwned>(source: &SpecSource, relative: &str) -> Result<T, SpecError> {
    let text = source.read(relative)?;
    parse_str(&source.file(relative), &text)
}

/// Parse one JSON file into `T`, reporting the JSON path of the first error.
pub fn parse_file<T: DeserializeOwned>(file: &Path) -> Result<T, SpecError> {
    let text = std::fs::read_to_string(file).map_err(|source| SpecError::Read {
        file: file.to_path_buf(),
        source,
    })?;
    parse_str(file, &text)
}

/// Parse JSON text that came from `file` into `T`, reporting the JSON path of the first error.
pub fn parse_str<T: DeserializeOwned>(file: &Path, text: &str) -> Result<T, SpecError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|err| SpecError::Parse {
        file: file.to_path_buf(),
        path: json_path(&err.path().to_string()),
        message: err.inner().to_string(),
    })?;
    de.end().map_err(|err| SpecError::Parse {
        file: file.to_path_buf(),
        path: "$".into(),
        message: err.to_string(),
    })?;
    Ok(value)
}

fn json_path(serde_path: &str) -> String {
    if serde_path == "." || serde_path.is_empty() {
        "$".into()
    } else {
        format!("$.{serde_path}")
    }
}

fn file_stem(file: &Path) -> String {
    file.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn load_shapes(source: &SpecSource) -> Result<IndexMap<String, Shape>, SpecError> {
    let mut shapes = IndexMap::new();
    for relative in source.json_files("shapes")? {
        let shape: Shape = parse_in(source, &relative)?;
        let file = source.file(&relative);
        if shape.shape != file_stem(&file) {
            return Err(SpecError::invalid(
                &file,
                "$.shape",
                format!(
                    "shape `{}` must live in a file named `{}.json`",
                    shape.shape, shape.shape
                ),
            ));
        }
        shapes.insert(shape.shape.clone(), shape);
    }
    Ok(shapes)
}

fn load_operations(
    source: &SpecSource,
    folder: &str,
) -> Result<(IndexMap<String, Operation>, Vec<PathBuf>), SpecError> {
    let mut operations = IndexMap::new();
    let mut files = Vec::new();
    for relative in source.json_files(folder)? {
        let op: Operation = parse_in(source, &relative)?;
        let file = source.file(&relative);
        if op.operation != file_stem(&file) {
            return Err(SpecError::invalid(
                &file,
                "$.operation",
                format!(
                    "operation `{}` must live in a file named `{}.json`",
                    op.operation, op.operation
                ),
            ));
        }
        operations.insert(op.operation.clone(), op);
        files.push(file);
    }
    Ok((operations, files))
}

/// Every volatile member's `operation` is one of the table's, and a token is given exactly when
/// the value is masked whole.
fn check_volatile(spec: &Spec, file: &Path) -> Result<(), SpecError> {
    for (name, rule) in &spec.volatile {
        if let Some(op) = rule.operation.as_deref() {
            if spec.operation(op).is_none() {
                let message = format!("`{op}` is not an operation of the table");
                return Err(SpecError::invalid(
                    file,
                    format!("$.{name}.operation"),
                    message,
                ));
            }
        }
        let whole = rule.shape != VolatileShape::RenderedMessage;
        if whole != rule.token.is_some() {
            let message = if whole {
                "a value masked whole needs a `token`"
            } else {
                "a rendered message is masked inside; it takes no `token`"
            };
            return Err(SpecError::invalid(file, format!("$.{name}.token"), message));
        }
    }
    Ok(())
}
