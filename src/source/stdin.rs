//! Standard input as one input (the `-` path), held to the same limits as a file: read whole,
//! or streamed when it is long.

use std::io::{self, Read};

use super::fs::hand_over;
use super::read::ReadLimits;
use super::{Sink, SkipReason, SourceError};

/// The path standard input is shown under.
pub const STDIN_PATH: &str = "<stdin>";

/// Reads standard input as [`super::read::read_input`] says and hands it to `sink`.
///
/// Its length is not known before it is read, so `max_size` (`--max-file-size`) is applied as
/// it is read: up to the size read whole, standard input that goes past it is skipped as too
/// large, as a file would be; past that size (which only a limit above [`ReadLimits::whole`]
/// allows), what was streamed is scanned and the rest is cut off with a warning.
pub fn read_stdin(limits: ReadLimits, max_size: u64, sink: &mut dyn Sink) {
    let mut buf = Vec::new();
    let mut stdin = io::stdin().lock();
    let streamed_limit = max_size > limits.whole;
    let limits = ReadLimits {
        whole: limits.whole.min(max_size),
        ..limits
    };
    let result = if streamed_limit {
        let mut held = (&mut stdin).take(max_size);
        let handed = hand_over(STDIN_PATH, &mut held, limits, &mut buf, sink);
        let at_limit = held.limit() == 0;
        handed.and_then(|()| {
            if at_limit && stdin.read(&mut [0])? > 0 {
                sink.warning(cut_off(max_size));
            }
            Ok(())
        })
    } else {
        let mut held = (&mut stdin).take(max_size.saturating_add(1));
        let mut too_large = TooLarge(sink);
        hand_over(STDIN_PATH, &mut held, limits, &mut buf, &mut too_large)
    };
    if let Err(err) = result {
        sink.error(SourceError {
            path: STDIN_PATH.to_string(),
            message: format!("cannot read: {err}"),
        });
    }
}

fn cut_off(max_size: u64) -> SourceError {
    SourceError {
        path: STDIN_PATH.to_string(),
        message: format!(
            "longer than the file size limit ({max_size} bytes): only its first {max_size} bytes \
             were scanned"
        ),
    }
}

/// A sink that takes a stream for input over the size limit: skipped as too large.
struct TooLarge<'s>(&'s mut dyn Sink);

impl Sink for TooLarge<'_> {
    fn blob(&mut self, blob: super::Blob<'_>) {
        self.0.blob(blob);
    }

    fn stream(&mut self, path: &str, _: &mut dyn Read) {
        self.0.skipped(path, SkipReason::TooLarge);
    }

    fn warning(&mut self, warning: SourceError) {
        self.0.warning(warning);
    }

    fn skipped(&mut self, path: &str, reason: SkipReason) {
        self.0.skipped(path, reason);
    }

    fn error(&mut self, error: SourceError) {
        self.0.error(error);
    }
}
