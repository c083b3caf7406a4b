//! Inline allows: `sprawl:allow` in a comment on a finding's line, or alone in a comment on the
//! line before it (the way to silence a multi-line finding such as a PEM key).
//!
//! The marker may be followed by rule ids (`sprawl:allow github.pat, aws.access-key-id`), and
//! then only those rules are silenced; with none, every rule is. The first word after the marker
//! is taken as a rule id when it is one of the loaded rules or is dotted like one
//! (`provider.kind`); words after the ids are free text. Any comment syntax works (`#`, `//`,
//! `/* */`, `--`, `<!-- -->`, `;`): on the finding's own line the marker is looked for anywhere,
//! on the line before it must stand in a line that is only a comment.

use std::ops::Range;

/// The marker.
pub const MARKER: &[u8] = b"sprawl:allow";

/// Comment openers that may start a comment-only line.
const COMMENT_STARTS: [&[u8]; 9] = [b"#", b"//", b"/*", b"--", b"<!--", b";", b"*", b"%", b"'"];

/// Whether an inline allow silences `rule_id` for a finding starting at byte `offset` of `blob`.
pub fn allows(blob: &[u8], offset: usize, rule_id: &str, is_rule: &dyn Fn(&str) -> bool) -> bool {
    LineMarkers::at(blob, offset, is_rule).allows(rule_id)
}

/// The bounds of the line holding byte `offset` of `blob`: from its first byte to its newline
/// (or the end of the blob).
pub fn line_bounds(blob: &[u8], offset: usize) -> Range<usize> {
    let offset = offset.min(blob.len());
    let start = memchr::memrchr(b'\n', &blob[..offset]).map_or(0, |at| at + 1);
    let end = memchr::memchr(b'\n', &blob[offset..]).map_or(blob.len(), |at| offset + at);
    start..end
}

/// The markers that bear on the findings of one line: its own, and one standing alone in a
/// comment on the line before. Worked out once per line, so that many findings on one long line
/// do not each read it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineMarkers {
    /// The line's bounds in its blob, newline excluded.
    pub line: Range<usize>,
    own: Marker,
    above: Marker,
}

/// What one `sprawl:allow` marker silences.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Marker {
    /// There is no marker.
    Absent,
    /// Every rule.
    All,
    /// Only these rules.
    Rules(Vec<String>),
}

impl LineMarkers {
    /// The markers for the line holding byte `offset` of `blob`.
    pub fn at(blob: &[u8], offset: usize, is_rule: &dyn Fn(&str) -> bool) -> LineMarkers {
        let line = line_bounds(blob, offset);
        let own = Marker::of(&blob[line.clone()], is_rule);
        let above = match line.start.checked_sub(1) {
            Some(previous_end) => {
                let previous_start =
                    memchr::memrchr(b'\n', &blob[..previous_end]).map_or(0, |at| at + 1);
                let previous = trim_ascii(&blob[previous_start..previous_end]);
                if COMMENT_STARTS
                    .iter()
                    .any(|start| previous.starts_with(start))
                {
                    Marker::of(previous, is_rule)
                } else {
                    Marker::Absent
                }
            }
            None => Marker::Absent,
        };
        LineMarkers { line, own, above }
    }

    /// Whether these markers silence `rule_id`.
    pub fn allows(&self, rule_id: &str) -> bool {
        self.own.allows(rule_id) || self.above.allows(rule_id)
    }
}

impl Marker {
    /// The marker in `line`, if any, and the rule ids after it.
    fn of(line: &[u8], is_rule: &dyn Fn(&str) -> bool) -> Marker {
        let Some(at) = memchr::memmem::find(line, MARKER) else {
            return Marker::Absent;
        };
        let rest = String::from_utf8_lossy(&line[at + MARKER.len()..]);
        let mut words = rest
            .split(|c: char| c.is_whitespace() || c == ',')
            .map(|word| word.trim_end_matches("*/").trim_end_matches("-->"))
            .filter(|word| !word.is_empty());
        let looks_like_id =
            |word: &str| is_rule(word) || (word.contains('.') && is_id_shaped(word));
        match words.next() {
            Some(first) if looks_like_id(first) => Marker::Rules(
                std::iter::once(first)
                    .chain(words.take_while(|word| looks_like_id(word)))
                    .map(str::to_string)
                    .collect(),
            ),
            _ => Marker::All,
        }
    }

    fn allows(&self, rule_id: &str) -> bool {
        match self {
            Marker::Absent => false,
            Marker::All => true,
            Marker::Rules(ids) => ids.iter().any(|id| id == rule_id),
        }
    }
}

fn is_id_shaped(word: &str) -> bool {
    word.split('.').all(|part| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    })
}

fn trim_ascii(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |at| at + 1);
    &bytes[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(id: &str) -> bool {
        matches!(id, "github.pat" | "aws.access-key-id" | "mytoken")
    }

    /// Whether the finding at the first `SECRET` in `text` is allowed for `rule`.
    fn allowed(text: &str, rule: &str) -> bool {
        let offset = text.find("SECRET").expect("the text marks the secret");
        allows(text.as_bytes(), offset, rule, &known)
    }

    #[test]
    fn a_marker_on_the_same_line_in_any_comment_syntax() {
        for line in [
            "token = SECRET # sprawl:allow",
            "token = SECRET // sprawl:allow",
            "token = SECRET /* sprawl:allow */",
            "token = SECRET -- sprawl:allow",
            "<key>SECRET</key> <!-- sprawl:allow -->",
            "token = SECRET ; sprawl:allow",
        ] {
            assert!(allowed(line, "github.pat"), "{line}");
        }
        assert!(!allowed("token = SECRET # allowed by nobody", "github.pat"));
    }

    #[test]
    fn a_marker_alone_on_the_line_before() {
        assert!(allowed(
            "a = 1\n  # sprawl:allow\n  token = SECRET\n",
            "github.pat"
        ));
        assert!(allowed(
            "<!-- sprawl:allow -->\n-----BEGIN SECRET",
            "private-key.pem"
        ));
        // Code before the marker on the previous line: it allows that line, not this one.
        assert!(!allowed(
            "x = 1 # sprawl:allow\ntoken = SECRET\n",
            "github.pat"
        ));
        // Two lines above does not count.
        assert!(!allowed("# sprawl:allow\n\ntoken = SECRET\n", "github.pat"));
    }

    #[test]
    fn rule_ids_limit_the_allow() {
        assert!(allowed(
            "t = SECRET # sprawl:allow github.pat",
            "github.pat"
        ));
        assert!(!allowed(
            "t = SECRET # sprawl:allow github.pat",
            "aws.access-key-id"
        ));
        assert!(allowed(
            "t = SECRET # sprawl:allow github.pat, aws.access-key-id",
            "aws.access-key-id"
        ));
        assert!(allowed("t = SECRET /* sprawl:allow mytoken */", "mytoken"));
        assert!(!allowed(
            "t = SECRET /* sprawl:allow mytoken */",
            "github.pat"
        ));
        // A misspelt dotted id silences nothing rather than everything.
        assert!(!allowed(
            "t = SECRET # sprawl:allow github.ptt",
            "github.pat"
        ));
        // Free text after the marker (not an id) allows every rule.
        assert!(allowed(
            "t = SECRET # sprawl:allow test fixture",
            "github.pat"
        ));
        assert!(allowed(
            "t = SECRET # sprawl:allow github.pat test fixture",
            "github.pat"
        ));
    }

    #[test]
    fn a_secret_on_the_first_or_last_line_without_newline() {
        assert!(allowed("SECRET # sprawl:allow", "github.pat"));
        assert!(!allowed("SECRET", "github.pat"));
        assert!(allowed("# sprawl:allow\r\nSECRET", "github.pat"));
    }
}
