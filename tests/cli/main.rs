//! sprawl's integration tests: one test binary (as ripgrep's `tests/tests.rs`), one module per
//! area, each test building its fixture in a fresh temp folder with [`util::TestEnv`] and running
//! the real `sprawl` binary. Secrets are generated at run time; see [`util::Fake`].

mod archive;
mod badinput;
mod checks;
mod config;
mod decode;
mod diff;
mod docs;
mod findings;
mod formats;
mod formats_more;
mod git;
mod incremental;
mod inventory;
mod large;
mod markers;
mod modules;
mod noise;
mod output;
mod pairs;
mod progress;
mod props;
mod recall;
mod rules;
mod scan;
mod schema;
mod security;
mod staged;
mod suppress;
mod util;
mod walk;
