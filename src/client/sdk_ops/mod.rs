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
//! * `table.rs`: one row per operation (generates [`OPERATIONS`] and [`call`]);
//! * `shapes.rs`: one row per structure of requests and of answers, and the enums;
//! * `rows.rs`: how a row becomes code;
//! * `input.rs`: JSON to SDK values, one conversion per Rust type;
//! * `output.rs`: SDK values to JSON, one conversion per Rust type.

mod input;
mod output;
mod rows;
mod shapes;
mod table;

pub use table::{call, OPERATIONS};
