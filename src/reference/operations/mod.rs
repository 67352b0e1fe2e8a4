//! The reference's handler of each operation, one file per family of operations, and the
//! dispatch from an operation's name to its handler.

mod account;
mod custom_templates;
mod dispatch;
mod identities;
mod paging;
mod sending;
mod templates;
