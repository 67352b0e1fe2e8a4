//! What a run makes and removes: the ledger every resource is written to before it is created
//! (`ledger/`), the shared fixtures cases only read (`fixtures.rs`), what a case makes and a
//! call proves (`made.rs`), and cleanup after a crash (`cleanup.rs`).

pub mod cleanup;
pub mod fixtures;
pub mod ledger;
pub mod made;
