//! Standard input as one blob (the `-` path).

use std::io;

use super::read::{read_blob, ReadOutcome};
use super::{Blob, Sink, SkipReason, SourceError};

/// The path standard input is shown under.
pub const STDIN_PATH: &str = "<stdin>";

/// Reads standard input, held to the same limits as files (an archive is read whole when
/// `archives`), and hands it to `sink`.
pub fn read_stdin(max_size: u64, archives: bool, sink: &mut dyn Sink) {
    let mut buf = Vec::new();
    match read_blob(io::stdin().lock(), max_size, archives, &mut buf) {
        Ok(ReadOutcome::Text) => sink.blob(Blob {
            path: STDIN_PATH,
            bytes: &buf,
        }),
        Ok(ReadOutcome::Binary) => sink.skipped(STDIN_PATH, SkipReason::Binary),
        Ok(ReadOutcome::TooLarge) => sink.skipped(STDIN_PATH, SkipReason::TooLarge),
        Err(err) => sink.error(SourceError {
            path: STDIN_PATH.to_string(),
            message: format!("cannot read: {err}"),
        }),
    }
}
