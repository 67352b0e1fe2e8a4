//! What can go wrong finding, reading and checking the SDK model. Every error names where: the
//! spec row whose SDK counterpart was being read, the SDK file, the line.

use std::path::PathBuf;

/// DriftFinding the `aws-sdk-sesv2` source the crate compiles against.
#[derive(Debug, thiserror::Error)]
pub enum LocateError {
    /// `cargo metadata` could not be started.
    #[error("running `{cargo} metadata`: {source}")]
    Spawn {
        /// The cargo binary.
        cargo: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// `cargo metadata` failed.
    #[error("`{cargo} metadata` failed: {stderr}")]
    Failed {
        /// The cargo binary.
        cargo: String,
        /// What it printed.
        stderr: String,
    },
    /// `cargo metadata` printed something other than its JSON.
    #[error("`cargo metadata` printed no JSON: {0}")]
    Json(#[source] serde_json::Error),
    /// The metadata does not say where the SDK is.
    #[error("cargo metadata: {0}")]
    Metadata(&'static str),
}

/// A piece of SDK source the reader does not understand: the generated layout changed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParseError {
    /// No such struct.
    #[error("no `pub struct {name} {{` found")]
    NoStruct {
        /// The struct looked for.
        name: String,
    },
    /// A line inside a struct that is neither a field, a comment nor an attribute.
    #[error("line {line} of `{name}` is not a field: `{text}`")]
    NotAField {
        /// The struct.
        name: String,
        /// The line number in the file, from 1.
        line: usize,
        /// The line.
        text: String,
    },
    /// A struct without its closing line.
    #[error("`pub struct {name}` is not closed by a `}}` line")]
    Unclosed {
        /// The struct.
        name: String,
    },
    /// The last field's type never ends.
    #[error("the last field of `{name}` has no end")]
    OpenField {
        /// The struct.
        name: String,
    },
    /// A required marker that is not right before a known field's setter.
    #[error(
        "line {line}: `This field is required.` is not followed by the setter of a known field \
         but by `{next}`"
    )]
    StrayRequiredMarker {
        /// The line number of what follows the marker.
        line: usize,
        /// What follows it.
        next: String,
    },
    /// A `missing_field(` call that names no known field.
    #[error("`missing_field(` is not followed by a known field name but by `{shown}`")]
    StrayMissingField {
        /// The start of what follows.
        shown: String,
    },
    /// A client doc member line whose member cannot be read.
    #[error("cannot read the member of `{0}`")]
    ClientDocMember(String),
    /// A client doc input without its required flag.
    #[error("no `required: **true|false**` for input `{0}`")]
    ClientDocRequired(String),
    /// A client doc member line outside a member list.
    #[error("member line outside a member list: `{0}`")]
    ClientDocStray(String),
    /// The client doc lacks its input or output list.
    #[error("no `The fluent builder ...` / `On success, responds with` lines")]
    ClientDocMissing,
    /// No such enum.
    #[error("no `pub enum {name} {{` found")]
    NoEnum {
        /// The enum looked for.
        name: String,
    },
    /// The enum's `values()` cannot be read.
    #[error("`{name}::values()` cannot be read: {detail}")]
    EnumValues {
        /// The enum.
        name: String,
        /// What is wrong.
        detail: String,
    },
}

/// Why one spec row's SDK counterpart could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    /// The SDK file cannot be read.
    #[error("{file}: {source}")]
    Io {
        /// The file inside the SDK crate.
        file: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The SDK file has an unexpected layout.
    #[error("{file} {item}: {source}")]
    Parse {
        /// The file inside the SDK crate.
        file: String,
        /// The struct or enum being read.
        item: String,
        /// What is wrong.
        #[source]
        source: ParseError,
    },
    /// Two sources of the same model disagree.
    #[error("{file}: {detail}")]
    Disagree {
        /// The file inside the SDK crate.
        file: String,
        /// What disagrees with what.
        detail: String,
    },
}

/// Reading the SDK model failed: its code layout changed (or a spec row names something the SDK
/// does not have at all). Every problem is listed; none is skipped.
#[derive(Debug, thiserror::Error)]
#[error(
    "reading aws-sdk-sesv2 {version} at {} failed ({} problem(s)); the SDK's code layout \
     changed, update the reader in src/sdk_model/:\n  {}",
    root.display(),
    problems.len(),
    problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  ")
)]
pub struct ReadError {
    /// The SDK version.
    pub version: String,
    /// The SDK crate's directory.
    pub root: PathBuf,
    /// What could not be read.
    pub problems: Vec<ReadProblem>,
}

/// One spec row whose SDK counterpart could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadProblem {
    /// The SDK file of a row.
    #[error("specs/{row}: reading the SDK: {source}")]
    Row {
        /// The spec row (`operations/X.json $.input`, `shapes/X.json $.values`).
        row: String,
        /// What went wrong.
        #[source]
        source: LayoutError,
    },
    /// A builder with no fields for a row with members.
    #[error(
        "{origin}: zero fields parsed, but specs/{row} has {members} members; the SDK's code \
         layout changed"
    )]
    ZeroFields {
        /// The spec row.
        row: String,
        /// The builder read.
        origin: String,
        /// How many members the row has.
        members: usize,
    },
    /// Not one member of the whole model is required: the markers moved.
    #[error("no required member found anywhere: the SDK's required markers changed")]
    NoRequiredMember,
}

/// Reading or writing `specs/sdk-baseline.json`.
#[derive(Debug, thiserror::Error)]
pub enum SdkBaselineError {
    /// The file cannot be read.
    #[error("{}: {source}; create it with SES_CONFORMANCE_BLESS_DRIFT=1 cargo test --test model_drift", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a baseline.
    #[error("{}: {source}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// Where and why.
        #[source]
        source: serde_path_to_error::Error<serde_json::Error>,
    },
    /// The file cannot be written.
    #[error("writing {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// Anything that keeps the model drift check from reaching a verdict.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The SDK source was not found.
    #[error(transparent)]
    Locate(#[from] LocateError),
    /// The SDK source was not understood.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The baseline file.
    #[error(transparent)]
    Baseline(#[from] SdkBaselineError),
    /// The SDK mapping could not be generated from the SDK's source.
    #[error(
        "generating {} from aws-sdk-sesv2 {version}: {source}",
        super::MAPPING_FILE
    )]
    Mapping {
        /// The SDK version read.
        version: String,
        /// What in the SDK's source was not understood.
        #[source]
        source: LayoutError,
    },
}
