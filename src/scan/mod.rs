//! The hot path: the rule set's keyword prefilter, regex confirmation, secret extraction and
//! gates, then the same over decoded text ([`decode`]). No I/O here: these functions take bytes
//! and return matches, so tests and benches can drive them directly. This module depends on
//! `rules` (the rules, their vocabulary and prefilter), never the reverse.

pub mod checks;
pub mod decode;
pub mod entropy;
pub mod filters;
mod matcher;
mod ranges;
mod stand_in;

pub use decode::{DecodeLimits, Decoded, Encoding};
pub use matcher::{Changed, DropCounts, DropReason, Dropped, Match, Matcher, Outcome, RuleMask};
pub use ranges::RangeIndex;
