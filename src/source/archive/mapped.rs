//! Text cut out of a document's own bytes, with the way back: which bytes of the document each
//! byte of the text came from.
//!
//! A notebook stores a cell as JSON strings (`"token = \"abc\"\n"`); sprawl scans the cell as
//! the notebook shows it (`token = "abc"` and a line break), but reports a secret at the line
//! and column of the notebook file, where an editor, a SARIF viewer or a reviewer finds it. The
//! map is a list of segments, one per run of bytes copied as they are and one per escape, so it
//! costs memory in proportion to the escapes, not to the text; a lookup is a binary search.

use std::ops::Range;

/// A text and, for each of its bytes, where it came from in the document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct MappedText {
    /// The text, as scanned.
    pub text: String,
    /// Ascending by `text`; together they cover the text.
    segments: Vec<Segment>,
}

/// A stretch of the text and the document bytes it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    /// Where the stretch starts in the text.
    text: usize,
    /// Where its source starts in the document.
    raw: usize,
    /// How the stretch relates to its source.
    kind: SegmentKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SegmentKind {
    /// Copied byte for byte: text offset `text + k` is document offset `raw + k`.
    Verbatim,
    /// Stands for `raw_len` document bytes as a whole (an escape such as `\n` or `\u00e9`, or a
    /// separator sprawl added, of no length in the document).
    Point { raw_len: usize },
}

impl MappedText {
    /// Appends `text`, copied as it is from the document at `raw`.
    pub(crate) fn push_verbatim(&mut self, text: &str, raw: usize) {
        if text.is_empty() {
            return;
        }
        self.segments.push(Segment {
            text: self.text.len(),
            raw,
            kind: SegmentKind::Verbatim,
        });
        self.text.push_str(text);
    }

    /// Appends `text`, which stands for the `raw_len` document bytes at `raw` as a whole.
    pub(crate) fn push_point(&mut self, text: &str, raw: usize, raw_len: usize) {
        if text.is_empty() {
            return;
        }
        self.segments.push(Segment {
            text: self.text.len(),
            raw,
            kind: SegmentKind::Point { raw_len },
        });
        self.text.push_str(text);
    }

    /// The document bytes that the text's bytes `range` came from: from the start of the first
    /// byte's source to the end of the last one's.
    pub(crate) fn source_of(&self, range: Range<usize>) -> Range<usize> {
        let start = self
            .locate(range.start)
            .map_or(0, |(segment, within)| match segment.kind {
                SegmentKind::Verbatim => segment.raw + within,
                SegmentKind::Point { .. } => segment.raw,
            });
        let last = range.end.max(range.start + 1) - 1;
        let end = self
            .locate(last)
            .map_or(start, |(segment, within)| match segment.kind {
                SegmentKind::Verbatim => segment.raw + within + 1,
                SegmentKind::Point { raw_len } => segment.raw + raw_len,
            });
        start..end.max(start)
    }

    /// The segment holding text offset `at` (the last one, past the end) and the offset within it.
    fn locate(&self, at: usize) -> Option<(&Segment, usize)> {
        let index = self
            .segments
            .partition_point(|segment| segment.text <= at)
            .checked_sub(1)?;
        let segment = &self.segments[index];
        Some((segment, at - segment.text))
    }
}

/// Decodes the JSON string literal that starts at `raw[at]` (its opening quote) into `out`,
/// mapping each byte; returns the offset just past its closing quote, or `None` if there is no
/// well-formed string there.
pub(crate) fn push_json_string(out: &mut MappedText, raw: &[u8], at: usize) -> Option<usize> {
    if raw.get(at) != Some(&b'"') {
        return None;
    }
    let mut i = at + 1;
    let mut run = i;
    loop {
        match *raw.get(i)? {
            b'"' => {
                out.push_verbatim(std::str::from_utf8(&raw[run..i]).ok()?, run);
                return Some(i + 1);
            }
            b'\\' => {
                out.push_verbatim(std::str::from_utf8(&raw[run..i]).ok()?, run);
                let (decoded, len) = escape_at(raw, i)?;
                let mut buf = [0u8; 4];
                out.push_point(decoded.encode_utf8(&mut buf), i, len);
                i += len;
                run = i;
            }
            _ => i += 1,
        }
    }
}

/// The character of the escape at `raw[at]` (a backslash) and the escape's length in bytes.
fn escape_at(raw: &[u8], at: usize) -> Option<(char, usize)> {
    let simple = match *raw.get(at + 1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => return unicode_escape_at(raw, at),
        _ => return None,
    };
    Some((simple, 2))
}

/// `\uXXXX`, or a surrogate pair `\uD83D\uDE00`; a lone surrogate becomes U+FFFD.
fn unicode_escape_at(raw: &[u8], at: usize) -> Option<(char, usize)> {
    let unit = |from: usize| -> Option<u32> {
        let hex = std::str::from_utf8(raw.get(from + 2..from + 6)?).ok()?;
        u32::from_str_radix(hex, 16).ok()
    };
    let first = unit(at)?;
    if (0xD800..0xDC00).contains(&first) && raw.get(at + 6..at + 8) == Some(b"\\u") {
        if let Some(second) = unit(at + 6).filter(|s| (0xDC00..0xE000).contains(s)) {
            let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
            return Some((char::from_u32(code).unwrap_or('\u{fffd}'), 12));
        }
    }
    Some((char::from_u32(first).unwrap_or('\u{fffd}'), 6))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_string_decodes_with_every_byte_mapped_to_its_source() {
        let raw = br#"  "a \"b\"\n\u00e9z""#;
        let mut text = MappedText::default();
        let end = push_json_string(&mut text, raw, 2).unwrap();
        assert_eq!(end, raw.len());
        assert_eq!(text.text, "a \"b\"\n\u{e9}z");
        // `a` is raw byte 3; `"` (text 2) is the escape `\"` at raw 5..7.
        assert_eq!(text.source_of(0..1), 3..4);
        assert_eq!(text.source_of(2..3), 5..7);
        // `b"` spans the `b` and the second escape.
        assert_eq!(text.source_of(3..5), 7..10);
        // `é` is two bytes of text for the six-byte escape; `z` follows it.
        assert_eq!(text.source_of(6..8), 12..18);
        assert_eq!(text.source_of(8..9), 18..19);
    }

    #[test]
    fn points_stand_for_their_source_as_a_whole() {
        let mut text = MappedText::default();
        text.push_verbatim("ab", 10);
        text.push_point("\n", 12, 0);
        text.push_verbatim("cd", 40);
        assert_eq!(text.text, "ab\ncd");
        assert_eq!(text.source_of(1..4), 11..41);
        assert_eq!(text.source_of(3..5), 40..42);
    }

    #[test]
    fn broken_strings_are_refused() {
        let mut text = MappedText::default();
        assert_eq!(push_json_string(&mut text, br#""abc"#, 0), None);
        assert_eq!(push_json_string(&mut text, br#""a\qb""#, 0), None);
        assert_eq!(push_json_string(&mut text, b"abc", 0), None);
    }
}
