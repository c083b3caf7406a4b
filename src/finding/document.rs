//! Findings in texts cut out of a document (a notebook's cells), placed in the document's own
//! bytes: the file's line and column, its line as the snippet, and the cell with its own line
//! and column kept as a [`DocumentPlace`].
//!
//! The document's line starts are counted once, the first time one of its texts has a finding,
//! and looked up by binary search, so placing every finding of a notebook costs one pass over
//! it however many cells hold findings. Code-point columns are counted forward from the last
//! place asked on the same line (one cursor for starts, one for ends), so the findings of a
//! notebook written on one long line (minified JSON) cost one pass over that line too, not one
//! each.

use std::ops::Range;

use super::{count_chars, DocumentPlace, Finding, FindingPath, Position, Snippet};
use crate::engine::RangeIndex;
use crate::source::Embedded;

/// The starts of a document's lines, and where code points were last counted to.
#[derive(Debug)]
pub(crate) struct LineIndex {
    /// Byte offsets where lines start: 0, then one past each `\n`.
    starts: Vec<usize>,
    /// Where the findings' starts were last placed.
    starts_cursor: CharCursor,
    /// Where the findings' ends were last placed.
    ends_cursor: CharCursor,
}

/// Which cursor a position is counted with.
#[derive(Debug, Clone, Copy)]
enum Edge {
    Start,
    End,
}

/// A place in a line whose code points before it are known: `chars` from `line_start` to `at`.
#[derive(Debug, Default)]
struct CharCursor {
    line_start: usize,
    at: usize,
    chars: usize,
}

impl CharCursor {
    /// The code points of `bytes` from `line_start` to `offset`, counted on from the last place
    /// when it is on the same line and not past `offset`.
    fn chars_to(&mut self, bytes: &[u8], line_start: usize, offset: usize) -> usize {
        if line_start != self.line_start || offset < self.at {
            *self = CharCursor {
                line_start,
                at: line_start,
                chars: 0,
            };
        }
        self.chars += count_chars(&bytes[self.at..offset]);
        self.at = offset;
        self.chars
    }
}

impl LineIndex {
    /// Counts the lines of `bytes`.
    pub(crate) fn new(bytes: &[u8]) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|at| at + 1));
        LineIndex {
            starts,
            starts_cursor: CharCursor::default(),
            ends_cursor: CharCursor::default(),
        }
    }

    /// The 1-based line and column of byte `offset` of `bytes` (the bytes indexed), the column
    /// in code points too, counted with the cursor of `edge`.
    fn position(&mut self, bytes: &[u8], offset: usize, edge: Edge) -> Position {
        let offset = offset.min(bytes.len());
        let line = self.starts.partition_point(|&start| start <= offset);
        let line_start = self.starts[line - 1];
        let cursor = match edge {
            Edge::Start => &mut self.starts_cursor,
            Edge::End => &mut self.ends_cursor,
        };
        Position {
            line,
            column: offset - line_start + 1,
            char_column: 1 + cursor.chars_to(bytes, line_start, offset),
            line_start,
        }
    }
}

/// Moves `findings`, found in the text of `embedded` (whose bytes are `text`), to the document:
/// path, lines, columns, offset and snippet become the document's, and each finding keeps its
/// place in the text as its `part`. `lines` indexes the document's bytes (texts are best placed
/// in document order, findings in ascending order, for the columns to be counted in one pass).
pub(crate) fn place_in_document(
    findings: &mut [Finding],
    text: &[u8],
    embedded: &Embedded<'_>,
    lines: &mut LineIndex,
) {
    let sources: Vec<Range<usize>> = findings
        .iter()
        .map(|finding| embedded.text.source_of(span_in(text, finding)))
        .collect();
    let secrets = RangeIndex::new(sources.iter().cloned());
    let document = embedded.bytes;
    for (finding, source) in findings.iter_mut().zip(&sources) {
        let start = lines.position(document, source.start, Edge::Start);
        let end = lines.position(document, source.end, Edge::End);
        finding.part = Some(DocumentPlace {
            name: embedded.part.to_string(),
            line: finding.line,
            column: finding.column,
        });
        finding.path = FindingPath::from(embedded.document);
        finding.line = start.line;
        finding.column = start.column;
        finding.end_line = end.line;
        finding.end_column = end.column;
        finding.char_columns = (start.char_column, end.char_column);
        finding.offset = source.start;
        finding.snippet = Snippet::around(document, start.line_start, source.clone(), &secrets);
    }
}

/// The bytes of `text` a finding covers: from its offset to its end line and column.
fn span_in(text: &[u8], finding: &Finding) -> Range<usize> {
    let start = finding.offset.min(text.len());
    let mut line_start = start + 1 - finding.column.min(start + 1);
    for _ in finding.line..finding.end_line {
        match memchr::memchr(b'\n', &text[line_start..]) {
            Some(at) => line_start += at + 1,
            None => break,
        }
    }
    let end = (line_start + finding.end_column.saturating_sub(1)).clamp(start, text.len());
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_places_offsets_in_lines_and_columns() {
        let bytes = b"ab\ncd\n\nef";
        let mut lines = LineIndex::new(bytes);
        let mut at = |offset| {
            let p = lines.position(bytes, offset, Edge::Start);
            (p.line, p.column, p.line_start)
        };
        assert_eq!(at(0), (1, 1, 0));
        assert_eq!(at(1), (1, 2, 0));
        assert_eq!(at(3), (2, 1, 3));
        assert_eq!(at(6), (3, 1, 6));
        assert_eq!(at(8), (4, 2, 7));
    }

    #[test]
    fn code_point_columns_along_one_long_line_are_counted_in_one_pass() {
        // 200,000 places on one line of 2.4 MB, with a two-byte character in each stretch:
        // counted from the line's start for each, this took minutes; counted on, one pass.
        let count = 200_000;
        let bytes = "k=\u{e9}secret1 ".repeat(count).into_bytes();
        let mut lines = LineIndex::new(&bytes);
        for i in 0..count {
            let start = i * 12 + 4;
            let at = lines.position(&bytes, start, Edge::Start);
            assert_eq!(
                (at.line, at.column, at.char_column),
                (1, start + 1, i * 11 + 4)
            );
            let end = lines.position(&bytes, start + 7, Edge::End);
            assert_eq!(end.char_column, i * 11 + 11);
        }
        // Asked out of order, a cursor starts again from the line's start and stays right.
        assert_eq!(lines.position(&bytes, 4, Edge::Start).char_column, 4);
        let second_line =
            LineIndex::new(b"ab\n\xc3\xa9cd").position(b"ab\n\xc3\xa9cd", 6, Edge::End);
        assert_eq!((second_line.line, second_line.char_column), (2, 3));
    }
}
