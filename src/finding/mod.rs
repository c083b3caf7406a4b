//! A finding: a confirmed secret, placed in its source (line and column) and identified by a
//! fingerprint.
//!
//! Placement happens only for matches, never per byte: `Lines` walks forward through the blob
//! counting newlines with memchr (and code points for SARIF's columns), so a blob's findings,
//! taken in order, cost one pass over the bytes up to the last of them. Snippets look only at a
//! bounded window around their secret, and find the other secrets to mask in it through a
//! `RangeIndex`: a file's cost stays linear in its size plus its findings, also when a million
//! findings share one line.
//!
//! The fingerprint is the SHA-256 of the rule id and the secret. It stays the same when the secret
//! moves to another line or file, so baselines and SARIF `partialFingerprints` key on it. It is a
//! hash of the secret: it does not reveal the secret, but anyone holding a candidate secret can
//! check whether it is the one found.

mod demotion;
mod document;

use std::ops::Range;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::engine::{Encoding, Match, RangeIndex};
use crate::redact::redacted;
use crate::rules::{Confidence, Rule};
use crate::source::git::CommitInfo;
use crate::source::EntryPath;
pub use demotion::Context;
pub(crate) use demotion::Demotion;
pub(crate) use document::{place_in_document, LineIndex};

/// The longest stretch of a line kept around a secret for display.
const SNIPPET_CONTEXT: usize = 80;

/// A secret found in a source.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The rule's id.
    pub(crate) rule_id: String,
    /// The rule's human name.
    pub(crate) rule_name: String,
    /// How sure the finding is: the rule's confidence, or low when its place lowered it.
    pub(crate) confidence: Confidence,
    /// When the place lowered the confidence (a test folder, documentation): from what, and why.
    pub(crate) demoted: Option<Demotion>,
    /// Where the secret was found (`src/config.py`, `<stdin>`; inside an archive the archive and
    /// the place in it, shown as `app.jar!config/app.properties`).
    pub(crate) path: FindingPath,
    /// In a document turned into text for scanning (a notebook's cells): the part the secret is
    /// in and its place there, as the document shows it. `line` and `column` are then the
    /// file's own, and `path` names the file itself.
    pub(crate) part: Option<DocumentPlace>,
    /// 1-based line of the secret's first byte.
    pub line: usize,
    /// 1-based column (in bytes) of the secret's first byte.
    pub column: usize,
    /// 1-based line of the secret's last byte.
    pub end_line: usize,
    /// 1-based column (in bytes) just past the secret's last byte, as in SARIF regions.
    pub end_column: usize,
    /// `column` and `end_column` counted in Unicode code points rather than bytes (an invalid
    /// UTF-8 byte counts as one), as SARIF readers count them.
    pub char_columns: (usize, usize),
    /// Byte offset of the secret's start in the blob it was found in.
    pub offset: usize,
    /// The secret's bytes, never printed in clear unless the user asks.
    pub secret: Vec<u8>,
    /// The identifier found with the secret (an AWS access key id with its secret key), shown
    /// redacted like the secret.
    pub(crate) paired_id: Option<Vec<u8>>,
    /// Hex SHA-256 of the rule id and the secret.
    pub(crate) fingerprint: String,
    /// Shannon entropy of the secret, bits per byte.
    pub(crate) entropy: f64,
    /// The line that holds the secret's first byte, cut around the secret.
    pub(crate) snippet: Snippet,
    /// Where the secret was read: an input named by `path`, or a commit of git history.
    pub(crate) provenance: Provenance,
    /// For a secret found in decoded text, the encodings undone to reach it, outermost first;
    /// the position is then that of its encoded text, the secret and fingerprint the decoded
    /// secret's. Empty for a secret found as written.
    pub encoding: Vec<Encoding>,
}

/// A place inside a document that sprawl turned into texts to scan (a notebook's cells and
/// outputs): which text, and the line and column there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DocumentPlace {
    /// The text's name: `cell-3`, `cell-3/output-1`, `metadata`.
    pub name: String,
    /// 1-based line in that text.
    pub line: usize,
    /// 1-based byte column in that text.
    pub column: usize,
}

/// Where a finding is: a file (on disk, in git, `<stdin>`), or a place inside an archive or
/// document that such a file holds. Built from its parts and shown as `outer!inner` (nested
/// archives: `outer!lib/inner.jar!app.env`), so the outer file is never cut out of a string
/// again by guessing where a `!` falls.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct FindingPath {
    /// The path as shown.
    shown: String,
    /// Inside an archive: the length of the outer file's path at the start of `shown`, which a
    /// `!` and the inner place follow.
    outer_len: Option<usize>,
}

impl FindingPath {
    /// The place `inner` inside the archive or document at `outer`.
    pub(crate) fn inside(outer: &str, inner: &str) -> FindingPath {
        FindingPath {
            shown: format!("{outer}!{inner}"),
            outer_len: Some(outer.len()),
        }
    }

    /// The path as shown: `outer!inner` inside an archive.
    pub(crate) fn as_str(&self) -> &str {
        &self.shown
    }

    /// The file on disk or in git: the path itself, or the archive's path. SARIF locations and
    /// `git show` name it.
    pub(crate) fn outer(&self) -> &str {
        &self.shown[..self.outer_len.unwrap_or(self.shown.len())]
    }

    /// Inside an archive: the place inside it.
    pub(crate) fn inner(&self) -> Option<&str> {
        self.outer_len.map(|len| &self.shown[len + 1..])
    }

    /// The same place inside the archive or document at `outer` (another path of the same
    /// blob), or `outer` itself when this is no place inside one.
    pub(crate) fn moved_to(&self, outer: &str) -> FindingPath {
        match self.inner() {
            Some(inner) => FindingPath::inside(outer, inner),
            None => FindingPath::from(outer),
        }
    }
}

impl From<&EntryPath> for FindingPath {
    /// The place a text inside an input was found at, its parts kept.
    fn from(path: &EntryPath) -> FindingPath {
        FindingPath {
            shown: path.to_string(),
            outer_len: path.within().map(|_| path.outer().len()),
        }
    }
}

impl From<&str> for FindingPath {
    fn from(path: &str) -> FindingPath {
        FindingPath::from(path.to_string())
    }
}

impl From<String> for FindingPath {
    fn from(shown: String) -> FindingPath {
        FindingPath {
            shown,
            outer_len: None,
        }
    }
}

impl std::ops::Deref for FindingPath {
    type Target = str;

    fn deref(&self) -> &str {
        &self.shown
    }
}

impl std::fmt::Display for FindingPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

impl PartialEq<str> for FindingPath {
    fn eq(&self, other: &str) -> bool {
        self.shown == other
    }
}

impl PartialEq<&str> for FindingPath {
    fn eq(&self, other: &&str) -> bool {
        self.shown == *other
    }
}

/// Where a finding was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Provenance {
    /// An input as it is now, all `path` says: a file, the standard input, a diff, the staged
    /// index.
    Input,
    /// Git history: the commit that introduced the blob at `path`.
    History(GitOrigin),
}

impl Provenance {
    /// The commit that introduced the finding, for a finding of git history.
    pub(crate) fn commit(&self) -> Option<&GitOrigin> {
        match self {
            Provenance::Input => None,
            Provenance::History(origin) => Some(origin),
        }
    }
}

/// The commit that introduced a finding, and how often the secret occurs elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GitOrigin {
    /// The oldest commit that introduced the blob at this path.
    pub commit: Arc<CommitInfo>,
    /// The commit's position in the walk (oldest first), for ordering.
    pub order: usize,
    /// How many other places (a commit and path, or another line) hold the same secret.
    pub occurrences: usize,
}

/// The line around a secret, in parts, so that printers can mask or highlight the secret and
/// mask every other secret on the same line too. One string holds the text, and each part is a
/// stretch of it: a finding costs one allocation for its snippet, however many secrets share the
/// line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Snippet {
    /// The line's text; it starts with `…` and ends with `…` when the line was cut.
    text: String,
    /// Where each part ends in `text`, and what it is, in order.
    ends: Vec<(usize, PartKind)>,
}

/// What a stretch of a snippet is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PartKind {
    /// Plain text.
    Text,
    /// The finding's own secret (the part of it on this line).
    Secret,
    /// Another secret found on the same line.
    OtherSecret,
}

impl Finding {
    /// Places `found` in `blob` and builds the finding. `lines` must be fed matches in
    /// ascending position; `secrets` holds the byte ranges of every secret found in the blob, so
    /// that the snippet masks the others too.
    pub(crate) fn new(
        rule: &Rule,
        found: &Match,
        blob: &[u8],
        lines: &mut Lines<'_>,
        path: &str,
        secrets: &RangeIndex,
    ) -> Finding {
        // A decoded secret is placed on its encoded text.
        let written = &blob[found.secret.clone()];
        let secret = found
            .decoded
            .as_ref()
            .map_or(written, |decoded| &decoded.secret);
        let start = lines.locate(found.secret.start);
        let end = end_of(start, written);
        let start_chars = start.char_column;
        let end_chars = match memchr::memrchr(b'\n', written) {
            None => start_chars + count_chars(written),
            Some(last) => 1 + count_chars(&written[last + 1..]),
        };
        Finding {
            rule_id: rule.id.clone(),
            rule_name: rule.name.clone(),
            confidence: rule.confidence,
            demoted: None,
            path: FindingPath::from(path),
            part: None,
            line: start.line,
            column: start.column,
            end_line: end.0,
            end_column: end.1,
            char_columns: (start_chars, end_chars),
            offset: found.secret.start,
            secret: secret.to_vec(),
            paired_id: found.paired.clone().map(|range| blob[range].to_vec()),
            fingerprint: fingerprint(&rule.id, secret),
            entropy: found.entropy,
            snippet: Snippet::around(blob, start.line_start, found.secret.clone(), secrets),
            provenance: Provenance::Input,
            encoding: found
                .decoded
                .as_ref()
                .map(|decoded| decoded.encoding.clone())
                .unwrap_or_default(),
        }
    }

    /// The file on disk or in git that holds the finding: `path`, or its archive's path.
    pub(crate) fn outer_path(&self) -> &str {
        self.path.outer()
    }

    /// Inside an archive: the place inside it (`config/app.properties`, or for nested archives
    /// `lib/inner.jar!app.env`).
    pub(crate) fn inner_path(&self) -> Option<&str> {
        self.path.inner()
    }

    /// The secret as text (invalid UTF-8 replaced), whole.
    pub(crate) fn secret_text(&self) -> String {
        String::from_utf8_lossy(&self.secret).into_owned()
    }

    /// The secret as it may be shown: redacted unless `redact` is false.
    pub(crate) fn shown_secret(&self, redact: bool) -> String {
        if redact {
            redacted(&self.secret_text())
        } else {
            self.secret_text()
        }
    }

    /// The paired identifier, if any, as it may be shown: redacted unless `redact` is false.
    pub(crate) fn shown_paired_id(&self, redact: bool) -> Option<String> {
        let text = String::from_utf8_lossy(self.paired_id.as_deref()?).into_owned();
        Some(if redact { redacted(&text) } else { text })
    }
}

/// A 1-based position in a blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in bytes.
    pub column: usize,
    /// 1-based column in code points (an invalid UTF-8 byte counts as one).
    pub char_column: usize,
    /// Byte offset where the line starts.
    pub line_start: usize,
}

/// Turns ascending byte offsets of one blob into lines and columns, in one forward pass: each
/// byte is looked at once, however many offsets share its line.
#[derive(Debug)]
pub(crate) struct Lines<'a> {
    blob: &'a [u8],
    counted_to: usize,
    line: usize,
    line_start: usize,
    /// Code points from `line_start` to `counted_to`.
    line_chars: usize,
}

impl<'a> Lines<'a> {
    /// Starts at the top of `blob`.
    pub(crate) fn new(blob: &'a [u8]) -> Lines<'a> {
        Lines {
            blob,
            counted_to: 0,
            line: 1,
            line_start: 0,
            line_chars: 0,
        }
    }

    /// The position of `offset`. Offsets must not decrease from one call to the next.
    pub(crate) fn locate(&mut self, offset: usize) -> Position {
        debug_assert!(offset >= self.counted_to, "offsets must ascend");
        let offset = offset.clamp(self.counted_to, self.blob.len());
        let span = &self.blob[self.counted_to..offset];
        let newlines = memchr::memchr_iter(b'\n', span).count();
        match memchr::memrchr(b'\n', span) {
            Some(last) => {
                self.line += newlines;
                self.line_start = self.counted_to + last + 1;
                self.line_chars = count_chars(&span[last + 1..]);
            }
            None => self.line_chars += count_chars(span),
        }
        self.counted_to = offset;
        Position {
            line: self.line,
            column: offset - self.line_start + 1,
            char_column: self.line_chars + 1,
            line_start: self.line_start,
        }
    }
}

/// The number of code points in `bytes`: every byte that does not continue a UTF-8 sequence.
pub(crate) fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&byte| (byte as i8) >= -0x40).count()
}

/// The line and byte column just past the end of a secret starting at `start`.
fn end_of(start: Position, secret: &[u8]) -> (usize, usize) {
    let newlines = memchr::memchr_iter(b'\n', secret).count();
    match memchr::memrchr(b'\n', secret) {
        None => (start.line, start.column + secret.len()),
        Some(last) => (start.line + newlines, secret.len() - last),
    }
}

impl Snippet {
    /// The line starting at `line_start` in `blob`, cut to at most [`SNIPPET_CONTEXT`] bytes
    /// either side of the secret; only the secret's first line is kept. Every other range of
    /// `secrets` that reaches into the kept text becomes a [`PartKind::OtherSecret`] part.
    ///
    /// Only the window is read: the end of the line is looked for no further than just past the
    /// longest snippet, so a line of many megabytes costs each of its findings a few hundred bytes.
    fn around(
        blob: &[u8],
        line_start: usize,
        secret: Range<usize>,
        secrets: &RangeIndex,
    ) -> Snippet {
        // Past this point the line is cut whether or not it ends there (a CR before its newline
        // included), so the newline need not be found.
        let horizon = blob
            .len()
            .min(secret.end.saturating_add(SNIPPET_CONTEXT + 2));
        let line_end = memchr::memchr(b'\n', &blob[secret.start..horizon])
            .map_or(horizon, |at| secret.start + at);
        let secret_end = secret.end.min(line_end);
        let cut_before = secret.start - line_start > SNIPPET_CONTEXT;
        let start = if cut_before {
            secret.start - SNIPPET_CONTEXT
        } else {
            line_start
        };
        let content_end = trim_cr(blob, secret_end, line_end);
        let end = content_end.min(secret_end + SNIPPET_CONTEXT);
        // The stretches to mark: this secret and every other one reaching into the window.
        let mut marks: Vec<(usize, usize, PartKind)> = secrets
            .overlapping(&(start..end))
            .into_iter()
            .filter(|other| *other != secret)
            .map(|other| {
                (
                    other.start.max(start),
                    other.end.min(end),
                    PartKind::OtherSecret,
                )
            })
            .collect();
        marks.push((secret.start, secret_end, PartKind::Secret));
        marks.sort_by_key(|&(from, _, _)| from);
        // Sized up front: a line of many secrets must not leave each snippet with slack.
        let mut snippet = Snippet {
            text: String::with_capacity(end.saturating_sub(start) + 2 * '…'.len_utf8()),
            ends: Vec::with_capacity(2 * marks.len() + 1),
        };
        if cut_before {
            snippet.text.push('…');
        }
        let mut at = start;
        for (from, to, kind) in marks {
            let from = from.max(at);
            if to <= from && kind != PartKind::Secret {
                continue;
            }
            snippet.push(&blob[at..from], PartKind::Text);
            snippet.push(&blob[from..to.max(from)], kind);
            at = to.max(from);
        }
        snippet.push(&blob[at..end.max(at)], PartKind::Text);
        if cut_before {
            // A cut may split a multibyte character; drop the replacement it leaves.
            let replacements = snippet.text['…'.len_utf8()..]
                .chars()
                .take_while(|&c| c == '\u{FFFD}')
                .count();
            let cut = replacements * '\u{FFFD}'.len_utf8();
            if cut > 0 {
                let from = '…'.len_utf8();
                snippet.text.replace_range(from..from + cut, "");
                for (end, _) in &mut snippet.ends {
                    *end = end.saturating_sub(cut).max(from);
                }
            }
        }
        if end < content_end {
            snippet.text.push('…');
            if let Some((last, _)) = snippet.ends.last_mut() {
                *last = snippet.text.len();
            }
        }
        snippet
    }

    /// A snippet that is one secret part: `text`.
    pub(crate) fn of_secret(text: &str) -> Snippet {
        Snippet {
            text: text.to_string(),
            ends: vec![(text.len(), PartKind::Secret)],
        }
    }

    /// The parts in order, each with its text.
    pub(crate) fn parts(&self) -> impl Iterator<Item = (&str, PartKind)> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().map(|&(end, _)| end));
        starts
            .zip(&self.ends)
            .map(|(start, &(end, kind))| (&self.text[start..end], kind))
    }

    /// Appends `bytes` as a part of `kind` (an empty one only for the secret itself).
    fn push(&mut self, bytes: &[u8], kind: PartKind) {
        if !bytes.is_empty() || kind == PartKind::Secret {
            self.text.push_str(&String::from_utf8_lossy(bytes));
            self.ends.push((self.text.len(), kind));
        }
    }
}

/// `line_end`, less a carriage return before it (a CRLF line), but never before `floor`.
fn trim_cr(blob: &[u8], floor: usize, line_end: usize) -> usize {
    if line_end > floor && blob[line_end - 1] == b'\r' {
        line_end - 1
    } else {
        line_end
    }
}

/// Hex SHA-256 of `rule_id`, a NUL byte, and the secret.
pub fn fingerprint(rule_id: &str, secret: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(rule_id.as_bytes());
    hasher.update([0]);
    hasher.update(secret);
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(64);
    for byte in hasher.finalize() {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_inside_an_archive_keeps_its_parts_and_shows_them_joined() {
        let nested = FindingPath::inside("lib/a.zip", "b.jar!c.env");
        assert_eq!(nested.as_str(), "lib/a.zip!b.jar!c.env");
        assert_eq!(nested.to_string(), "lib/a.zip!b.jar!c.env");
        assert_eq!(nested.outer(), "lib/a.zip");
        assert_eq!(nested.inner(), Some("b.jar!c.env"));
        // The same place in the archive found at another path of the same blob.
        let moved = nested.moved_to("old/a.zip");
        assert_eq!(moved.as_str(), "old/a.zip!b.jar!c.env");
        assert_eq!(moved.outer(), "old/a.zip");
        // A plain path is all outer, even when its name holds a `!`.
        let plain = FindingPath::from("docs/hello!.txt");
        assert_eq!(plain.outer(), "docs/hello!.txt");
        assert_eq!(plain.inner(), None);
        assert_eq!(plain.moved_to("b.txt"), FindingPath::from("b.txt"));
    }

    #[test]
    fn only_a_finding_of_history_has_a_commit() {
        assert_eq!(Provenance::Input.commit(), None);
        let origin = GitOrigin {
            commit: Arc::new(CommitInfo {
                id: "a".repeat(40),
                ..CommitInfo::default()
            }),
            order: 3,
            occurrences: 1,
        };
        let history = Provenance::History(origin.clone());
        assert_eq!(history.commit(), Some(&origin));
    }

    fn positions(blob: &str, offsets: &[usize]) -> Vec<(usize, usize)> {
        let mut lines = Lines::new(blob.as_bytes());
        offsets
            .iter()
            .map(|&at| {
                let p = lines.locate(at);
                (p.line, p.column)
            })
            .collect()
    }

    #[test]
    fn lines_and_columns_are_one_based_bytes() {
        let blob = "ab\ncd\n\nef";
        assert_eq!(
            positions(blob, &[0, 1, 3, 4, 6, 7, 8]),
            vec![(1, 1), (1, 2), (2, 1), (2, 2), (3, 1), (4, 1), (4, 2)]
        );
    }

    #[test]
    fn crlf_counts_one_line_and_the_cr_is_a_column() {
        let blob = "a\r\nbc\r\nd";
        assert_eq!(
            positions(blob, &[1, 3, 4, 7]),
            vec![(1, 2), (2, 1), (2, 2), (3, 1)]
        );
    }

    #[test]
    fn the_last_line_without_newline_is_located() {
        let blob = "one\ntwo";
        assert_eq!(positions(blob, &[6, 7]), vec![(2, 3), (2, 4)]);
    }

    #[test]
    fn multibyte_text_counts_bytes_not_chars() {
        let blob = "é=x";
        assert_eq!(positions(blob, &[3]), vec![(1, 4)]);
    }

    #[test]
    fn code_point_columns_count_characters_not_bytes() {
        assert_eq!(count_chars("é=x".as_bytes()), 3);
        assert_eq!(count_chars(b"abc"), 3);
        assert_eq!(count_chars(b"\xff\xfe"), 2);
        assert_eq!(count_chars("日本".as_bytes()), 2);
    }

    #[test]
    fn code_point_columns_are_counted_as_the_lines_are_walked() {
        let blob = "é=x日本=y\n\u{ff}z é=w".replace('\u{ff}', "\u{1F600}");
        let bytes = blob.as_bytes();
        let mut lines = Lines::new(bytes);
        for offset in [0, 2, 3, 4, 10, 12, 13, 17, 18, 19, bytes.len()] {
            let at = lines.locate(offset);
            let expected = 1 + count_chars(&bytes[at.line_start..offset]);
            assert_eq!(at.char_column, expected, "offset {offset}");
        }
    }

    #[test]
    fn a_line_of_many_secrets_is_placed_in_one_pass() {
        // 200,000 secrets on one 2.4 MB line: each snippet must look at its own window only
        // (before, each searched to the end of the line and walked every secret: hours).
        let count = 200_000;
        let line = "k=secret01 ".repeat(count);
        let ranges: Vec<Range<usize>> = (0..count).map(|i| i * 11 + 2..i * 11 + 10).collect();
        let marks = RangeIndex::new(ranges.iter().cloned());
        let mut lines = Lines::new(line.as_bytes());
        for (i, range) in ranges.iter().enumerate() {
            let at = lines.locate(range.start);
            assert_eq!(
                (at.line, at.column, at.char_column),
                (1, range.start + 1, range.start + 1)
            );
            let snippet = Snippet::around(line.as_bytes(), at.line_start, range.clone(), &marks);
            let kinds: Vec<PartKind> = snippet.parts().map(|(_, kind)| kind).collect();
            let secrets = kinds
                .iter()
                .filter(|&&kind| kind == PartKind::Secret)
                .count();
            assert_eq!(secrets, 1);
            if i > 10 && i + 10 < count {
                // Every neighbour within the window is masked too, and the line is cut.
                assert!(
                    kinds
                        .iter()
                        .filter(|&&k| k == PartKind::OtherSecret)
                        .count()
                        >= 14
                );
                let parts = texts(&snippet);
                assert!(parts[0].0.starts_with('…'));
                assert!(parts[parts.len() - 1].0.ends_with('…'));
            }
        }
    }

    #[test]
    fn end_is_just_past_the_last_byte_even_across_lines() {
        let start = Position {
            line: 3,
            column: 5,
            char_column: 5,
            line_start: 0,
        };
        assert_eq!(end_of(start, b"abc"), (3, 8));
        assert_eq!(end_of(start, b"ab\ncdef\ngh"), (5, 3));
    }

    fn texts(snippet: &Snippet) -> Vec<(&str, PartKind)> {
        snippet.parts().collect()
    }

    #[test]
    fn snippet_cuts_long_lines_around_the_secret_and_drops_cr() {
        let line = format!("{}KEY={}\r\nnext", "x".repeat(200), "y".repeat(300));
        let secret = 204..214;
        let snippet = Snippet::around(
            line.as_bytes(),
            0,
            secret.clone(),
            &RangeIndex::new([secret.clone()]),
        );
        let parts = texts(&snippet);
        assert_eq!(parts.len(), 3);
        assert!(parts[0].0.starts_with('…') && parts[0].0.ends_with("KEY="));
        assert_eq!(parts[0].0.chars().count(), SNIPPET_CONTEXT + 1);
        assert_eq!(parts[1], ("yyyyyyyyyy", PartKind::Secret));
        assert!(parts[2].0.ends_with('…'));
        let short = "TOKEN=abc\r\n";
        let secret = 6..9;
        let snippet = Snippet::around(
            short.as_bytes(),
            0,
            secret.clone(),
            &RangeIndex::new([secret.clone()]),
        );
        assert_eq!(
            texts(&snippet),
            vec![("TOKEN=", PartKind::Text), ("abc", PartKind::Secret)]
        );
    }

    #[test]
    fn other_secrets_on_the_line_are_marked_even_when_cut() {
        let line = "A=one1 B=two2 C=three";
        let snippet = Snippet::around(
            line.as_bytes(),
            0,
            9..13,
            &RangeIndex::new([16..21, 2..6, 9..13]),
        );
        assert_eq!(
            texts(&snippet),
            vec![
                ("A=", PartKind::Text),
                ("one1", PartKind::OtherSecret),
                (" B=", PartKind::Text),
                ("two2", PartKind::Secret),
                (" C=", PartKind::Text),
                ("three", PartKind::OtherSecret),
            ]
        );
        // A secret reaching past the cut is marked as far as the snippet goes.
        let long = format!("{}S=abc", "z".repeat(100));
        let snippet = Snippet::around(
            long.as_bytes(),
            0,
            102..105,
            &RangeIndex::new([0..95, 102..105]),
        );
        let parts = texts(&snippet);
        assert_eq!(parts[0].1, PartKind::OtherSecret);
        assert!(parts[0].0.starts_with('…'));
    }

    #[test]
    fn fingerprints_depend_on_rule_and_secret_only() {
        let a = fingerprint("github.pat", b"ghp_x");
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(a, fingerprint("github.pat", b"ghp_x"));
        assert_ne!(a, fingerprint("github.pat", b"ghp_y"));
        assert_ne!(a, fingerprint("github.oauth", b"ghp_x"));
        // The separator keeps id and secret apart.
        assert_ne!(fingerprint("ab", b"c"), fingerprint("a", b"bc"));
    }
}
