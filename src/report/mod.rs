//! Reports, all readers of what the runner and the explorer did (`events`, `dispatch`): the
//! progress display, the console, a JSON result file, JUnit XML, the comparison with a
//! baseline, constraint coverage, what `explore` found; and the conformance matrix over result
//! files.

pub mod baseline;
pub mod console;
pub mod coverage;
pub mod diff;
pub mod dispatch;
pub mod dry_run;
pub mod events;
pub mod explore;
pub mod json;
pub mod junit;
pub mod matrix;
pub mod parity;
pub mod parity_view;
pub mod progress;
pub mod record;

pub use coverage::{Coverage, CoverageCounter};
pub use dispatch::{Reporters, Summary};
pub use events::{Finished, ReportError, ReportEvent, Reporter};
pub use record::{Observed, Record, RecordVerdict};
