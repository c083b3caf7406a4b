//! The hot path: prefilter, regex confirmation, secret extraction and gates. No I/O here: these
//! functions take bytes and return matches, so tests and benches can drive them directly.

pub mod entropy;
pub mod filters;
mod matcher;
mod prefilter;

pub use filters::Filter;
pub use matcher::{DropCounts, DropReason, Dropped, Match, Matcher};
pub use prefilter::{Candidates, Prefilter};
