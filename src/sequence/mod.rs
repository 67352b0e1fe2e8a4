//! Model-based sequences: steps that create, update, read, list, render and delete the run's own
//! resources, each answer checked against a model of what the target was told, a failing
//! sequence shrunk by proptest to the shortest one that still fails.

pub mod caller;
pub mod execute;
pub mod model;
pub mod record;
pub mod search;
pub mod step;
pub mod verify;

pub use caller::{Called, Caller};
pub use model::{Expected, Model, Read};
pub use record::{SequenceResult, SequenceVerdict, StepRecord};
pub use search::{draw, run_sequence, sequence_id, sequence_seed, SequenceConfig};
pub use step::{any_sequence, any_step, Names, Step};
pub use verify::{judge_call, Departure, StepOutcome};
