//! Standard input (the `-` path): a unified diff's added lines, or one input held to the same
//! limits as a file, read whole or streamed when it is long.

use std::io::{self, BufRead, Read};

use super::diff::{self, DiffMode};
use super::fs::hand_over;
use super::read::ReadLimits;
use super::{Sink, SkipReason, SourceError};

/// The path standard input is shown under.
pub(crate) const STDIN_PATH: &str = "<stdin>";

/// Reads standard input and hands it to `sink`: as a unified diff's hunks when `diff` says so
/// (see [`super::diff`]), else as [`super::read::read_input`] says.
///
/// The length of standard input is not known before it is read, so `max_size`
/// (`--max-file-size`) is applied as it is read: up to the size read whole, input that goes
/// past it is skipped as too large, as a file would be; past that size (which only a limit above
/// [`ReadLimits::whole`] allows), what was streamed is scanned and the rest is cut off with a
/// warning. A diff is not held to it: each hunk is streamed.
pub(crate) fn read_stdin(limits: ReadLimits, max_size: u64, diff: DiffMode, sink: &mut dyn Sink) {
    let mut stdin = io::stdin().lock();
    let result = match diff {
        DiffMode::Always => read_diff_from(&mut stdin, sink).map(|hunks| {
            if hunks == 0 {
                sink.warning(SourceError {
                    path: STDIN_PATH.to_string(),
                    message: "--diff was given, but standard input holds no hunk of a unified \
                              diff, so nothing was scanned; without --diff it is scanned as text"
                        .into(),
                });
            }
        }),
        DiffMode::Never => read_text(&mut stdin, limits, max_size, sink),
        DiffMode::Auto => read_either(&mut stdin, limits, max_size, sink),
    };
    if let Err(err) = result {
        sink.error(SourceError {
            path: STDIN_PATH.to_string(),
            message: format!("cannot read: {err}"),
        });
    }
}

/// Standard input that starts like a diff is read as one, with a note; other input as text.
fn read_either(
    stdin: &mut dyn BufRead,
    limits: ReadLimits,
    max_size: u64,
    sink: &mut dyn Sink,
) -> io::Result<()> {
    // The first two lines decide (a `---` line must be followed by `+++`).
    let mut head = Vec::new();
    for _ in 0..2 {
        (&mut *stdin)
            .take(HEAD_LIMIT)
            .read_until(b'\n', &mut head)?;
    }
    let mut input = io::Cursor::new(head).chain(stdin);
    if !diff::looks_like_diff(input.get_ref().0.get_ref()) {
        return read_text(&mut input, limits, max_size, sink);
    }
    sink.note(
        "standard input is a unified diff: only the lines it adds are scanned, at their files' \
         paths and lines (--no-diff scans it as text)"
            .into(),
    );
    let hunks = read_diff_from(&mut io::BufReader::new(input), sink)?;
    if hunks == 0 {
        sink.warning(SourceError {
            path: STDIN_PATH.to_string(),
            message: "standard input starts like a diff but holds no hunk, so nothing was \
                      scanned; --no-diff scans it as text"
                .into(),
        });
    }
    Ok(())
}

/// How much of each of the first two lines is looked at to recognise a diff.
const HEAD_LIMIT: u64 = 4096;

fn read_diff_from(input: &mut dyn BufRead, sink: &mut dyn Sink) -> io::Result<u64> {
    diff::read_diff(input, sink)
}

/// Standard input as text: read whole, or streamed, under the size limit.
fn read_text(
    stdin: &mut dyn Read,
    limits: ReadLimits,
    max_size: u64,
    sink: &mut dyn Sink,
) -> io::Result<()> {
    let mut buf = Vec::new();
    let streamed_limit = max_size > limits.whole;
    let limits = ReadLimits {
        whole: limits.whole.min(max_size),
        ..limits
    };
    if streamed_limit {
        let mut held = (&mut *stdin).take(max_size);
        let handed = hand_over(STDIN_PATH, &mut held, limits, &mut buf, sink);
        let at_limit = held.limit() == 0;
        handed?;
        if at_limit && stdin.read(&mut [0])? > 0 {
            sink.warning(cut_off(max_size));
        }
        Ok(())
    } else {
        let mut held = (&mut *stdin).take(max_size.saturating_add(1));
        let mut too_large = TooLarge(sink);
        hand_over(STDIN_PATH, &mut held, limits, &mut buf, &mut too_large)
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

    fn hunk(&mut self, hunk: &mut diff::Hunk<'_>) {
        self.0.hunk(hunk);
    }

    fn note(&mut self, note: String) {
        self.0.note(note);
    }
}
