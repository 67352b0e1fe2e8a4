//! Targets: where cases are sent (the embedded reference, any local endpoint, or real SES), and
//! the two paths a request travels (the SDK and the wire).
//!
//! * `config.rs`: what to connect to ([`TargetConfig`], [`TargetKind`], [`GateLimits`]);
//! * `endpoint_url.rs`: the endpoint URLs the harness accepts from the user;
//! * `connect.rs`: a connected [`Target`] and how it sends one call through its gate;
//! * `serialize.rs`: a call as the spec serializes it, placeholders bound.

mod config;
mod connect;
pub mod decode;
pub mod endpoint_url;
pub mod exchange;
pub mod gate;
pub mod profile;
pub mod reference;
pub mod replay;
pub mod safety;
pub mod sdk;
pub mod sdk_ops;
mod serialize;
pub mod wire;

pub use config::{GateLimits, TargetConfig, TargetKind, LOCAL_ACCOUNT};
pub use connect::{Target, TargetError, Unreachable};
pub use profile::{IdentityMode, Profile};
pub use serialize::{outgoing, serialize_call};
