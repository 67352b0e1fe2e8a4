//! Snapshots: the one place that sets up insta and its redactions (`answers`), and the
//! snapshots of sequences built on it (`sequence`).

mod answers;
mod sequence;

pub use answers::*;
pub use sequence::{assert_sequence, sequence_value};
