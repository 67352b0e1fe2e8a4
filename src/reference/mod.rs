//! The embedded reference target: a `wiremock` server in this process whose stateful responder
//! implements the documented contract of the table's operations, validating every request with the
//! spec table's validator. It is the default target, so the suite runs with no setup, and it is
//! how the harness itself is tested (see `faults` for deliberately broken variants).

mod error;
pub mod faults;
mod operations;
mod responder;
pub mod sandbox;
mod server;
pub mod state;
mod store;

pub use error::ApiError;
pub use faults::{Fault, Faults};
pub use server::{Options, ReferenceServer, Stats};
