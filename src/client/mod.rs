//! The client: what to connect to (the embedded reference, any local endpoint, or real SES),
//! and the two paths a request travels, the SDK and the wire, each through the target's gate.
//!
//! * `config.rs`: what to connect to ([`TargetConfig`], [`TargetKind`], [`GateLimits`]);
//! * `endpoint_url.rs`: the endpoint URLs the harness accepts from the user;
//! * `connect.rs`: a connected [`Target`] and how it sends one call through its gate;
//! * `serialize.rs`: a call as the spec serializes it, placeholders bound;
//! * `sdk.rs`, `sdk_ops/`: the SDK path; `wire.rs`: the wire path;
//! * `exchange.rs`: what a call sent and got back;
//! * `replay.rs`: recorded answers served back for the SDK to parse (`sdk-check`).

mod config;
mod connect;
pub mod endpoint_url;
pub mod exchange;
pub mod region;
pub mod replay;
pub mod sdk;
pub mod sdk_ops;
mod serialize;
pub mod wire;

pub use config::{GateLimits, TargetConfig, TargetKind, LOCAL_ACCOUNT};
pub use connect::{Target, TargetError, Unreachable};
pub use serialize::{outgoing, serialize_call};
