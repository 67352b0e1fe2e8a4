//! `ses-conformance`: a property-based conformance harness for the Amazon SES v2 API.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! specs/*.json -> spec -> gen -> case -> target -> check -> snapshot / report
//! ```
//!
//! * [`spec`] loads the documented contract strictly and validates requests against it;
//! * [`generate`] derives valid requests and invalid ones, each breaking exactly one named constraint;
//! * [`case`] names them, seeds them from their names, and states what the contract expects.
//!
//! Beside the pipeline, [`sdk_model`] holds the spec against the model of the `aws-sdk-sesv2`
//! the crate compiles against (model drift, before an SDK upgrade).
#![warn(missing_docs)]

// First: its printing macros (`outln!`, `errln!`) are used by every module below.
#[macro_use]
pub mod output;

pub mod baseline;
pub mod case;
pub mod check;
pub mod client;
pub mod command;
pub mod exit;
pub mod explore;
pub mod gate;
pub mod generate;
pub mod names;
pub mod profile;
pub mod redact;
pub mod reference;
pub mod report;
pub mod run;
pub mod sdk_model;
pub mod sequence;
pub mod snapshot;
pub mod spec;
pub mod state;
