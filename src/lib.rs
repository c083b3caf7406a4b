//! sprawl: an offline secret-sprawl scanner.
//!
//! Data flows one way:
//!
//! ```text
//! cli (clap types) -> config (validated) -> source (blobs) -> engine (matches)
//!     -> finding (placed, fingerprinted) -> report (text, json, jsonl, sarif)
//! ```
//!
//! # The public surface
//!
//! The library serves the `sprawl` binary (`src/main.rs`), the benches (`benches/`), the fuzz
//! targets (`fuzz/fuzz_targets/`, a crate of their own) and the integration tests (`tests/cli/`).
//! What they use is `pub`; everything else is `pub(crate)`, so the compiler can point at dead
//! code.
//!
//! - [`cli`] and [`run`]: the binary parses a [`cli::Cli`] and calls [`run::run`], the entry
//!   point of every command; the `history` bench and the `config` fuzz target build a
//!   [`config::ScanConfig`] from a parsed command line.
//! - [`rules`] and [`engine`] (the hot path): a [`rules::RuleSet`] built from [`rules::builtin::load`] or
//!   [`rules::parse_rule_file`], and the [`engine::Matcher`] that scans one buffer with it (the
//!   `matcher` bench, the `matcher`, `decode` and `rules` fuzz targets, the property tests).
//! - [`pipeline`] (what drives sources into the engine): [`pipeline::scan`] drives a whole configured scan (the `history` bench);
//!   [`pipeline::findings_in`] turns one [`source::Blob`] into placed [`finding::Finding`]s (the
//!   `matcher` and `lines` fuzz targets, the property tests).
//! - [`source`]: [`source::expand`] unpacks an archive in memory (the `archive` fuzz target);
//!   [`source::git::walk`] lists a history's blobs (the `history` bench).
//! - [`report`], [`inventory`] and [`stats`]: [`report::write`] (the `lines` fuzz target), and the
//!   JSON report and inventory as types with their schemas, which the integration tests parse
//!   sprawl's output back into.
//! - [`suppress`] and [`output`]: a baseline file read, applied and written back (the `baseline`
//!   fuzz target).
//! - Values the tests and benches compute as sprawl does: [`finding::fingerprint`],
//!   [`engine::checks::crc32_base62`], [`config::CHUNK_SIZE`], [`config::max_threads`].

#![warn(missing_docs)]

pub mod cli;
pub mod config;
pub(crate) mod context;
pub(crate) mod docs;
pub mod engine;
pub mod finding;
pub mod inventory;
pub(crate) mod merge;
pub mod output;
pub mod pipeline;
pub(crate) mod progress;
pub(crate) mod redact;
pub mod report;
pub(crate) mod rule_check;
pub mod rules;
pub mod run;
pub(crate) mod shard;
pub mod source;
pub mod stats;
pub mod suppress;
pub(crate) mod yaml;
