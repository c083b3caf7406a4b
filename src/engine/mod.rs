//! The hot path: the rule set's keyword prefilter, regex confirmation, secret extraction and
//! gates, then the same over decoded text (`decode`). No I/O here: these functions take bytes
//! and return matches, so tests and benches can drive them directly. This module depends on
//! `rules` (the rules, their vocabulary and prefilter), never the reverse.

mod around;
pub mod checks;
pub(crate) mod decode;
pub(crate) mod entropy;
pub(crate) mod filters;
mod matcher;
mod ranges;
mod stand_in;

pub use decode::{DecodeLimits, Decoded, Encoding};
pub(crate) use matcher::{Changed, DropCounts, DropReason, Dropped, Outcome};
pub use matcher::{Match, Matcher};
pub(crate) use ranges::RangeIndex;
