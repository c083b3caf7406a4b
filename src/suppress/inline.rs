//! Inline allows: `sprawl:allow` in a comment on a finding's line, or alone in a comment on the
//! line before it (the way to silence a multi-line finding such as a PEM key).
//!
//! The marker may be followed by rule ids (`sprawl:allow github.pat, aws.access-key-id`), and
//! then only those rules are silenced; with none, every rule is. The first word after the marker
//! is taken as a rule id when it is one of the loaded rules or is dotted like one
//! (`provider.kind`); words after the ids are free text. Any comment syntax works (`#`, `//`,
//! `/* */`, `--`, `<!-- -->`, `;`): on the finding's own line the marker is looked for anywhere,
//! on the line before it must stand in a line that is only a comment.

/// The marker.
pub const MARKER: &[u8] = b"sprawl:allow";

/// Comment openers that may start a comment-only line.
const COMMENT_STARTS: [&[u8]; 9] = [b"#", b"//", b"/*", b"--", b"<!--", b";", b"*", b"%", b"'"];

/// Whether an inline allow silences `rule_id` for a finding starting at byte `offset` of `blob`.
pub fn allows(blob: &[u8], offset: usize, rule_id: &str, is_rule: &dyn Fn(&str) -> bool) -> bool {
    let offset = offset.min(blob.len());
    let line_start = memchr::memrchr(b'\n', &blob[..offset]).map_or(0, |at| at + 1);
    let line_end = memchr::memchr(b'\n', &blob[offset..]).map_or(blob.len(), |at| offset + at);
    if marker_allows(&blob[line_start..line_end], rule_id, is_rule) {
        return true;
    }
    if line_start == 0 {
        return false;
    }
    let previous_end = line_start - 1;
    let previous_start = memchr::memrchr(b'\n', &blob[..previous_end]).map_or(0, |at| at + 1);
    let previous = trim_ascii(&blob[previous_start..previous_end]);
    COMMENT_STARTS
        .iter()
        .any(|start| previous.starts_with(start))
        && marker_allows(previous, rule_id, is_rule)
}

/// Whether `line` holds a marker that silences `rule_id`.
fn marker_allows(line: &[u8], rule_id: &str, is_rule: &dyn Fn(&str) -> bool) -> bool {
    let Some(at) = memchr::memmem::find(line, MARKER) else {
        return false;
    };
    let rest = String::from_utf8_lossy(&line[at + MARKER.len()..]);
    let mut words = rest
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|word| word.trim_end_matches("*/").trim_end_matches("-->"))
        .filter(|word| !word.is_empty());
    let looks_like_id = |word: &str| is_rule(word) || (word.contains('.') && is_id_shaped(word));
    match words.next() {
        Some(first) if looks_like_id(first) => std::iter::once(first)
            .chain(words.take_while(|word| looks_like_id(word)))
            .any(|id| id == rule_id),
        _ => true,
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
