//! Model drift: the spec table held against the `aws-sdk-sesv2` model that a crate compiles
//! against, read from the SDK's generated source.
//!
//! ```no_run
//! use ses_conformance::sdk_model::{check, Baseline, SdkModel, SdkSource};
//! use ses_conformance::spec::Spec;
//!
//! let spec = Spec::load_default()?;
//! let source = SdkSource::locate(env!("CARGO_MANIFEST_DIR").as_ref())?;
//! let sdk = SdkModel::read(&spec, &source)?;
//! let report = check(&spec, &sdk, &Baseline::load(&Baseline::path(&spec))?);
//! for finding in &report.findings {
//!     println!("{finding}"); // starts with the row to update, e.g. specs/shapes/MailType.json $.values
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! It checks
//!
//! * **enums**: every enum shape of `specs/shapes/` against the SDK enum's `values()`;
//! * **members**: the members of every operation input and output (the 22 and the setup ones) and
//!   of every structure shape against the fields of the SDK builder (and, where a member names a
//!   shape, that the SDK field's type names the same shape);
//! * **required**: `constraints.required` of every input, output and shape member against the SDK
//!   model;
//! * **the baseline** `specs/sdk-baseline.json`: what the SDK has and the 2020 seed lacks (known
//!   extra enum values and members), and the deliberate required-ness differences with their
//!   reason. Anything new fails; a baseline entry that no longer holds fails too.
//!
//! [`bless`] computes the baseline that makes the current spec and SDK agree, keeping the reasons
//! of required differences that still hold; a new one gets a `TODO` reason, which fails the next
//! check until someone writes why the spec deliberately differs.
//!
//! * `locate.rs`: where the SDK's source is (`cargo metadata`);
//! * `parse.rs`: the strict reader of generated source;
//! * `read.rs`: the [`SdkModel`] of every spec row;
//! * `baseline.rs`: the baseline file;
//! * `check.rs`: [`check`], [`bless`] and their [`DriftFinding`]s;
//! * `upgrade.rs`: [`check_upgrade`], what `sdk-check` reports before an SDK upgrade (the
//!   contract trials and the drift check);
//! * `trials.rs`: how `tests/sdk_contract.rs` hands its failing trials to [`check_upgrade`];
//! * `error.rs`: typed errors.

mod baseline;
mod check;
mod error;
mod locate;
mod mapping;
mod parse;
mod read;
pub mod trials;
mod upgrade;

pub use baseline::{Baseline, RequiredDifference, BASELINE_FILE, BLESS_VAR, TODO_REASON};
pub use check::{bless, check, check_crate, rebless, DriftFinding, Report};
pub use error::{
    Error, LayoutError, LocateError, ParseError, ReadError, ReadProblem, SdkBaselineError,
};
pub use locate::SdkSource;
pub use mapping::{
    difference as mapping_difference, render as render_mapping, staleness as mapping_staleness,
    MAPPING_FILE, REGENERATE as REGENERATE_MAPPING,
};
pub use read::{member_sets, MemberSet, SdkField, SdkLocation, SdkModel, SdkStruct};
pub use upgrade::{check_upgrade, DriftChange, UpgradeError, UpgradeReport};
