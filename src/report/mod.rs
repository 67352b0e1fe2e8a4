//! Reports, all readers of the runner's events (`events`, `dispatch`): the progress display, the
//! console, a JSON result file, JUnit XML, the comparison with a baseline; and the conformance
//! matrix over result files.

pub mod console;
pub mod coverage;
pub mod diff;
pub mod dispatch;
pub mod events;
pub mod json;
pub mod junit;
pub mod matrix;
pub mod plan;
pub mod progress;
pub mod record;

pub use dispatch::{Reporters, Summary};
pub use events::{Finished, ReportError, ReportEvent, Reporter};
pub use record::{Observed, Record, RecordVerdict};
