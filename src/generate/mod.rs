//! Case generation from the spec table: valid requests, invalid ones that each break exactly one
//! named constraint, and documented behaviours.

pub mod behaviours;
mod build;
pub mod edit;
mod fixtures;
pub mod kind;
mod plan;
pub mod rng;
pub mod text;
pub mod values;
pub mod variants;

pub use build::accept_with_paging;
pub use fixtures::cleanup_of_own_creation;
pub use kind::{Edit, Generate, Group, Hints, LeafEdit};
pub use plan::{
    case_ids, cases_for, generate, plans, plans_for, Plan, Settings, DEFAULT_RANDOM_CASES,
};
pub use values::{Ctx, Mode};
pub use variants::{variants_for, Variant, Variants};
