//! Inputs too long to hold whole, scanned from a reader in overlapping windows, with memory
//! bounded by the window size whatever the input's length.
//!
//! Each window *owns* [`CHUNK_SIZE`] bytes of the input and sees [`overlap`] more on each side
//! of them. A finding belongs to the window that owns its secret's first byte, so every secret
//! is reported once. The overlap is at least the longest match any loaded rule can make, so
//! the whole match around an owned secret (the name before a password, the `BEGIN` line of a
//! key) lies inside the window. What a rule cannot bound (a PEM body, written `.+?`) is held to
//! [`MAX_OVERLAP`]: longer matches than that across a window edge are not found, a limit far
//! beyond any real key or token.
//!
//! Findings are placed in the whole input: the window's [`Origin`] (its offset, the lines
//! before it, and the part of its first line before it) shifts their lines, columns and offsets.
//! Encoded text is decoded per window, each with its own decoding budget. UTF-16 input is
//! decoded to UTF-8 as it is read ([`crate::source::utf8_reader`]).
//!
//! [`BlobScanner::scan_reader`] takes any reader, so a large git blob read as a stream can be
//! scanned the same way as a file.

use std::io::{self, Read};
use std::ops::Range;

use super::{BlobScanner, Explanation, Scope};
use crate::config::CHUNK_SIZE;
use crate::finding::{count_chars, Finding};
use crate::rules::RuleSet;
use crate::source::{self, Blob, SourceError};
use crate::stats::Stats;

/// The least overlap: enough for a snippet's context and a line before the secret.
const MIN_OVERLAP: usize = 64 << 10;

/// The most overlap, for rules whose matches have no bound.
pub(crate) const MAX_OVERLAP: usize = 1 << 20;

/// How many bytes windows share: the longest match a loaded rule can make, within
/// [`MIN_OVERLAP`] and [`MAX_OVERLAP`] (rules without a bound count as the most).
pub(crate) fn overlap(rules: &RuleSet) -> usize {
    rules
        .rules()
        .iter()
        .map(|rule| rule.max_len().unwrap_or(MAX_OVERLAP))
        .max()
        .unwrap_or(0)
        .clamp(MIN_OVERLAP, MAX_OVERLAP)
}

/// The size of the windows a long input is scanned in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Windows {
    /// The bytes each window owns.
    pub chunk: usize,
    /// The bytes it sees on each side of them.
    pub overlap: usize,
}

impl Windows {
    /// [`CHUNK_SIZE`] and the [`overlap`] `rules` need.
    pub(crate) fn for_rules(rules: &RuleSet) -> Windows {
        Windows {
            chunk: CHUNK_SIZE,
            overlap: overlap(rules),
        }
    }
}

/// Where a window starts in its input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Origin {
    /// The input's bytes before the window.
    offset: usize,
    /// Its lines before the window's first line.
    lines: usize,
    /// The bytes of the window's first line that lie before the window.
    column: usize,
    /// The same, in code points.
    chars: usize,
}

impl Origin {
    /// Moves the origin past `passed`, the bytes a window drops before the next starts.
    fn advance(&mut self, passed: &[u8]) {
        self.offset += passed.len();
        match memchr::memrchr(b'\n', passed) {
            Some(last) => {
                self.lines += memchr::memchr_iter(b'\n', passed).count();
                self.column = passed.len() - last - 1;
                self.chars = count_chars(&passed[last + 1..]);
            }
            None => {
                self.column += passed.len();
                self.chars += count_chars(passed);
            }
        }
    }

    /// Shifts the lines and columns of a finding placed in the window to the whole input.
    fn place(&self, finding: &mut Finding) {
        if finding.line == 1 {
            finding.column += self.column;
            finding.char_columns.0 += self.chars;
        }
        if finding.end_line == 1 {
            finding.end_column += self.column;
            finding.char_columns.1 += self.chars;
        }
        finding.line += self.lines;
        finding.end_line += self.lines;
    }

    fn place_explanation(&self, explanation: &mut Explanation) {
        if explanation.line == 1 {
            explanation.column += self.column;
        }
        explanation.line += self.lines;
    }
}

/// What part of a blob a scan reports: all of it, or the owned part of a window.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    /// Secrets starting in these bytes of the blob are reported.
    own: Range<usize>,
    /// Where the blob starts in its input.
    origin: Origin,
    /// Whether the blob is a window of a longer input.
    window: bool,
}

impl Part {
    /// A whole input.
    pub(crate) fn whole() -> Part {
        Part {
            own: 0..usize::MAX,
            origin: Origin::default(),
            window: false,
        }
    }

    /// Whether the blob is a window of a longer input.
    pub(crate) fn is_window(&self) -> bool {
        self.window
    }

    /// Whether a secret starting at `offset` of the blob is this part's to report.
    pub(crate) fn owns(&self, offset: usize) -> bool {
        self.own.contains(&offset)
    }

    /// Places a finding of the blob in the whole input: lines and columns.
    pub(crate) fn place(&self, finding: &mut Finding) {
        self.origin.place(finding);
    }

    /// Places an explanation of the blob in the whole input.
    pub(crate) fn place_explanation(&self, explanation: &mut Explanation) {
        self.origin.place_explanation(explanation);
    }

    /// The offset in the whole input of a blob offset.
    pub(crate) fn offset(&self, offset: usize) -> usize {
        self.origin.offset + offset
    }

    /// The line in the whole input that holds byte `at` of the blob.
    pub(crate) fn line_of(&self, bytes: &[u8], at: usize) -> usize {
        self.origin.lines + 1 + memchr::memchr_iter(b'\n', &bytes[..at.min(bytes.len())]).count()
    }
}

impl BlobScanner<'_> {
    /// Scans `input`, shown as `path` with its first line numbered `first_line` (1 for a file;
    /// a diff hunk's start), in overlapping windows of [`CHUNK_SIZE`] bytes (see the module
    /// header), adding its findings to `out` as each window is done. Returns the
    /// bytes read; a read error ends the scan, with the findings of the windows before it kept.
    /// Archives are not opened: a stream is text.
    pub(crate) fn scan_reader(
        &mut self,
        path: &str,
        first_line: usize,
        input: &mut dyn Read,
        out: &mut StreamOut<'_>,
    ) -> io::Result<u64> {
        let Windows { chunk, overlap } = self.windows;
        let mut input = source::utf8_reader(Box::new(input))?;
        // Grown as needed: most hunks of a diff are short.
        let mut buf: Vec<u8> = Vec::new();
        let mut origin = Origin {
            lines: first_line.saturating_sub(1),
            ..Origin::default()
        };
        let mut own_start = 0;
        let mut read = 0u64;
        loop {
            let want = own_start + chunk + overlap;
            let before = buf.len();
            (&mut input)
                .take((want - before) as u64)
                .read_to_end(&mut buf)?;
            read += (buf.len() - before) as u64;
            let end = buf.len() < want;
            let own_end = if end { usize::MAX } else { own_start + chunk };
            let part = Part {
                own: own_start..own_end,
                origin,
                window: true,
            };
            let blob = Blob { path, bytes: &buf };
            let mut found = self.scan_part(
                blob,
                Scope::File,
                &part,
                out.stats,
                out.explained,
                out.warnings,
            );
            out.findings.append(&mut found);
            if end {
                return Ok(read);
            }
            // The next window starts `overlap` bytes before the next owned byte (or where this
            // one did, when it owns less than that).
            let next = own_end.saturating_sub(overlap);
            origin.advance(&buf[..next]);
            buf.drain(..next);
            own_start = own_end - next;
        }
    }
}

/// Where [`BlobScanner::scan_reader`] puts what it finds.
pub(crate) struct StreamOut<'a> {
    /// Findings, in input order.
    pub findings: &'a mut Vec<Finding>,
    /// Counts.
    pub stats: &'a mut Stats,
    /// With `--explain`, the dropped candidates.
    pub explained: &'a mut Vec<Explanation>,
    /// Warnings (a misspelt inline allow).
    pub warnings: &'a mut Vec<SourceError>,
}

#[cfg(test)]
mod tests;
