//! How the reference answers each operation: plain CRUD from the spec (`crud.rs`), and the named
//! behaviours plain CRUD does not cover, one file per family, chosen in `dispatch.rs`.

mod account;
mod crud;
mod custom_templates;
mod dispatch;
mod identities;
mod paging;
mod sending;
mod templates;
