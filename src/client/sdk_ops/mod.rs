//! JSON requests to `aws-sdk-sesv2` calls and typed outputs back to JSON, from one table.
//!
//! A request is a JSON object keyed by the SES member names (`TemplateName`,
//! `Content.Simple.Subject.Data`, ...); blobs are base64 text, integers JSON numbers, absent and
//! `null` members are left unset. Enum strings go to the SDK as they are, members of the enum or
//! not, so that invalid values reach the server.
//!
//! Whatever the SDK cannot be handed is refused with
//! [`SdkFailure::Construction`](super::sdk::SdkFailure::Construction) naming the member's path:
//! a value of the wrong JSON type, an integer outside `i32`, base64 that does not decode, a
//! nested structure without a member its SDK builder requires, or a member the SDK has no field
//! for (the SDK would silently drop it). Such requests belong on the wire path.
//!
//! Outputs are printed with the SES wire names; `None` members are left out, timestamps are epoch
//! seconds, enums their wire strings, maps JSON objects with sorted keys.
//!
//! * `generated.rs`: one row per operation (generates [`OPERATIONS`] and [`call`]), per structure
//!   of requests and of answers, and per enum: generated from the SDK's own model by
//!   `src/sdk_model/mapping.rs`, never edited by hand (`tests/sdk_mapping.rs` fails when it is
//!   stale, and names the command that rewrites it);
//! * `rows.rs`: how a row becomes code;
//! * `input.rs`: JSON to SDK values, one conversion per Rust type;
//! * `output.rs`: SDK values to JSON, one conversion per Rust type.

// Generated text, one row per line: rustfmt would rewrap it and make it differ from what the
// generator writes.
#[rustfmt::skip]
mod generated;
mod input;
mod output;
mod rows;
#[cfg(test)]
mod tests;

pub use generated::{call, OPERATIONS};
