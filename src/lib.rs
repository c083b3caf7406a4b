//! sprawl: an offline secret-sprawl scanner.
//!
//! Data flows one way:
//!
//! ```text
//! cli (clap types) -> config (validated) -> source (blobs) -> scan (matches)
//!     -> finding (placed, fingerprinted) -> report (text, json, jsonl, sarif)
//! ```
//!
//! [`run::run`] is the entry point the binary calls; [`scanner::scan`] drives a whole scan and
//! [`scan::Matcher`] scans one blob, for tests and benches.

#![warn(missing_docs)]

pub mod cli;
pub mod config;
pub mod context;
pub mod docs;
pub mod finding;
pub mod inventory;
pub mod merge;
pub mod output;
pub mod progress;
pub mod redact;
pub mod report;
pub mod rule_check;
pub mod rules;
pub mod run;
pub mod scan;
pub mod scanner;
pub mod shard;
pub mod source;
pub mod stats;
pub mod suppress;
pub mod yaml;
