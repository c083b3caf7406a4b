//! Findings in texts cut out of a document (a notebook's cells), placed in the document's own
//! bytes: the file's line and column, its line as the snippet, and the cell with its own line
//! and column kept as a [`DocumentPlace`].
//!
//! The document's line starts are counted once, the first time one of its texts has a finding,
//! and looked up by binary search, so placing every finding of a notebook costs one pass over
//! it however many cells hold findings.

use std::ops::Range;

use super::{count_chars, DocumentPlace, Finding, Position, Snippet};
use crate::scan::RangeIndex;
use crate::source::Embedded;

/// The starts of a document's lines.
#[derive(Debug)]
pub struct LineIndex {
    /// Byte offsets where lines start: 0, then one past each `\n`.
    starts: Vec<usize>,
}

impl LineIndex {
    /// Counts the lines of `bytes`.
    pub fn new(bytes: &[u8]) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|at| at + 1));
        LineIndex { starts }
    }

    /// The 1-based line and column of byte `offset` of `bytes` (the bytes indexed), the column
    /// in code points too.
    fn position(&self, bytes: &[u8], offset: usize) -> Position {
        let offset = offset.min(bytes.len());
        let line = self.starts.partition_point(|&start| start <= offset);
        let line_start = self.starts[line - 1];
        Position {
            line,
            column: offset - line_start + 1,
            char_column: 1 + count_chars(&bytes[line_start..offset]),
            line_start,
        }
    }
}

/// Moves `findings`, found in the text of `embedded` (whose bytes are `text`), to the document:
/// path, lines, columns, offset and snippet become the document's, and each finding keeps its
/// place in the text as its `part`. `lines` indexes the document's bytes.
pub fn place_in_document(
    findings: &mut [Finding],
    text: &[u8],
    embedded: &Embedded<'_>,
    lines: &LineIndex,
) {
    let sources: Vec<Range<usize>> = findings
        .iter()
        .map(|finding| embedded.text.source_of(span_in(text, finding)))
        .collect();
    let secrets = RangeIndex::new(sources.iter().cloned());
    let document = embedded.document.bytes;
    for (finding, source) in findings.iter_mut().zip(&sources) {
        let start = lines.position(document, source.start);
        let end = lines.position(document, source.end);
        finding.part = Some(DocumentPlace {
            name: embedded.part.to_string(),
            line: finding.line,
            column: finding.column,
        });
        finding.path = embedded.document.path.to_string();
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
        let lines = LineIndex::new(bytes);
        let at = |offset| {
            let p = lines.position(bytes, offset);
            (p.line, p.column, p.line_start)
        };
        assert_eq!(at(0), (1, 1, 0));
        assert_eq!(at(1), (1, 2, 0));
        assert_eq!(at(3), (2, 1, 3));
        assert_eq!(at(6), (3, 1, 6));
        assert_eq!(at(8), (4, 2, 7));
    }
}
