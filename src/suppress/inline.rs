//! Inline allows: `sprawl:allow` in a comment on a finding's line, or alone in a comment on the
//! line before it (the way to silence a multi-line finding such as a PEM key).
//!
//! The marker may be followed by rule ids (`sprawl:allow github.pat, aws.access-key-id`), and
//! then only those rules are silenced; with none, every rule is. The first word after the marker
//! is taken as a rule id when it is one of the loaded rules or is dotted like one
//! (`provider.kind`); words after the ids are free text. Any comment syntax works (`#`, `//`,
//! `/* */`, `--`, `<!-- -->`, `;`): on the finding's own line the marker is looked for anywhere,
//! on the line before it must stand in a line that is only a comment.
//!
//! A misspelt id (`sprawl:allow github.ptt`) silences nothing rather than everything, and
//! [`LineMarkers::misspelt`] names it so that the scan can say so.
//!
//! The markers of other scanners are honoured too, as those scanners define them, so a
//! repository moving to sprawl keeps its reviewed exceptions: gitleaks' `gitleaks:allow` on the
//! finding's line, and detect-secrets' `pragma: allowlist secret` on the line or `pragma:
//! allowlist nextline secret` on the line before. Both silence every rule.
//!
//! The markers of a line are worked out once ([`LineMarkers`]) for all the findings on it, so a
//! line of many findings is read once, not once per finding.

use std::ops::Range;

/// The marker.
pub(crate) const MARKER: &[u8] = b"sprawl:allow";

/// gitleaks' marker, honoured on the finding's own line.
const GITLEAKS_MARKER: &[u8] = b"gitleaks:allow";

/// Comment openers that may start a comment-only line.
const COMMENT_STARTS: [&[u8]; 9] = [b"#", b"//", b"/*", b"--", b"<!--", b";", b"*", b"%", b"'"];

/// The bounds of the line holding byte `offset` of `blob`: from its first byte to its newline
/// (or the end of the blob).
pub(crate) fn line_bounds(blob: &[u8], offset: usize) -> Range<usize> {
    let offset = offset.min(blob.len());
    let start = memchr::memrchr(b'\n', &blob[..offset]).map_or(0, |at| at + 1);
    let end = memchr::memchr(b'\n', &blob[offset..]).map_or(blob.len(), |at| offset + at);
    start..end
}

/// The markers that bear on the findings of one line: its own, one standing alone in a comment
/// on the line before, and other scanners' markers. Worked out once per line, so that many
/// findings on one long line do not each read it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LineMarkers {
    /// The line's bounds in its blob, newline excluded.
    pub line: Range<usize>,
    own: Marker,
    above: Marker,
    /// Whether a gitleaks or detect-secrets marker (when honoured) silences every rule here.
    foreign: bool,
}

/// What one `sprawl:allow` marker silences.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Marker {
    /// There is no marker.
    Absent,
    /// Every rule.
    All,
    /// Only these rules (those that name no loaded rule silence nothing).
    Rules(Vec<String>),
}

impl LineMarkers {
    /// The markers for the line holding byte `offset` of `blob`; with `foreign`, the markers of
    /// gitleaks and detect-secrets count too.
    pub(crate) fn at(
        blob: &[u8],
        offset: usize,
        is_rule: &dyn Fn(&str) -> bool,
        foreign: bool,
    ) -> LineMarkers {
        let line = line_bounds(blob, offset);
        let text = &blob[line.clone()];
        let own = Marker::of(text, is_rule);
        let previous = line.start.checked_sub(1).map(|previous_end| {
            let previous_start =
                memchr::memrchr(b'\n', &blob[..previous_end]).map_or(0, |at| at + 1);
            trim_ascii(&blob[previous_start..previous_end])
        });
        let above = match previous {
            Some(previous) if is_comment_only(previous) => Marker::of(previous, is_rule),
            _ => Marker::Absent,
        };
        let foreign = foreign
            && (contains(text, GITLEAKS_MARKER)
                || detect_secrets_pragma(text, false)
                || previous.is_some_and(|previous| detect_secrets_pragma(previous, true)));
        LineMarkers {
            line,
            own,
            above,
            foreign,
        }
    }

    /// Whether these markers silence `rule_id`.
    pub(crate) fn allows(&self, rule_id: &str) -> bool {
        self.own.allows(rule_id) || self.foreign || self.above.allows(rule_id)
    }

    /// The ids of a `sprawl:allow` on the line (else on the comment line before it) that name no
    /// loaded rule, if there are any.
    pub(crate) fn misspelt(&self, is_rule: &dyn Fn(&str) -> bool) -> Option<Vec<String>> {
        [&self.own, &self.above]
            .into_iter()
            .find_map(|marker| marker.unknown(is_rule))
    }
}

impl Marker {
    /// The marker in `line`, if any, and the rule ids after it.
    fn of(line: &[u8], is_rule: &dyn Fn(&str) -> bool) -> Marker {
        let Some(at) = memchr::memmem::find(line, MARKER) else {
            return Marker::Absent;
        };
        // Ids are ASCII; text that is not UTF-8 ends them.
        let rest = &line[at + MARKER.len()..];
        let rest = match std::str::from_utf8(rest) {
            Ok(text) => text,
            Err(err) => std::str::from_utf8(&rest[..err.valid_up_to()]).unwrap_or_default(),
        };
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

    /// The ids this marker names that are not loaded rules, if there are any.
    fn unknown(&self, is_rule: &dyn Fn(&str) -> bool) -> Option<Vec<String>> {
        let Marker::Rules(ids) = self else {
            return None;
        };
        let unknown: Vec<String> = ids.iter().filter(|id| !is_rule(id)).cloned().collect();
        (!unknown.is_empty()).then_some(unknown)
    }
}

fn is_comment_only(line: &[u8]) -> bool {
    COMMENT_STARTS.iter().any(|start| line.starts_with(start))
}

/// detect-secrets' pragma: `pragma: allowlist secret` (the finding's line) or, when `next_line`,
/// `pragma: allowlist nextline secret` (the line before the finding).
fn detect_secrets_pragma(line: &[u8], next_line: bool) -> bool {
    let Some(at) = memchr::memmem::find(line, b"pragma:") else {
        return false;
    };
    let rest = trim_ascii_start(&line[at + b"pragma:".len()..]);
    let Some(rest) = rest.strip_prefix(b"allowlist") else {
        return false;
    };
    let rest = trim_ascii_start(rest);
    let rest = match (next_line, rest.strip_prefix(b"nextline")) {
        (true, Some(after)) => trim_ascii_start(after),
        (false, None) => rest,
        _ => return false,
    };
    rest.starts_with(b"secret")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

fn is_id_shaped(word: &str) -> bool {
    word.split('.').all(|part| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    })
}

fn trim_ascii_start(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

fn trim_ascii(bytes: &[u8]) -> &[u8] {
    let bytes = trim_ascii_start(bytes);
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |at| at + 1);
    &bytes[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether an inline allow silences `rule_id` for a finding starting at byte `offset` of `blob`;
    /// with `foreign`, the markers of gitleaks and detect-secrets count too.
    fn allows(
        blob: &[u8],
        offset: usize,
        rule_id: &str,
        is_rule: &dyn Fn(&str) -> bool,
        foreign: bool,
    ) -> bool {
        LineMarkers::at(blob, offset, is_rule, foreign).allows(rule_id)
    }

    /// For a finding at `offset` that no inline allow silenced: the ids of a `sprawl:allow` near it
    /// that name no loaded rule (a typo that made the comment silence nothing), if there are any.
    fn misspelt(blob: &[u8], offset: usize, is_rule: &dyn Fn(&str) -> bool) -> Option<Vec<String>> {
        LineMarkers::at(blob, offset, is_rule, false).misspelt(is_rule)
    }

    fn known(id: &str) -> bool {
        matches!(id, "github.pat" | "aws.access-key-id" | "mytoken")
    }

    /// Whether the finding at the first `SECRET` in `text` is allowed for `rule`.
    fn allowed(text: &str, rule: &str) -> bool {
        let offset = text.find("SECRET").expect("the text marks the secret");
        allows(text.as_bytes(), offset, rule, &known, true)
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
    fn a_misspelt_id_is_named_and_a_loaded_or_absent_one_is_not() {
        let misspelt_in = |text: &str| {
            let offset = text.find("SECRET").unwrap();
            misspelt(text.as_bytes(), offset, &known)
        };
        assert_eq!(
            misspelt_in("t = SECRET # sprawl:allow github.ptt"),
            Some(vec!["github.ptt".to_string()])
        );
        assert_eq!(
            misspelt_in("# sprawl:allow github.pat, aws.acces-key-id\nt = SECRET"),
            Some(vec!["aws.acces-key-id".to_string()])
        );
        assert_eq!(misspelt_in("t = SECRET # sprawl:allow github.pat"), None);
        assert_eq!(misspelt_in("t = SECRET # sprawl:allow test fixture"), None);
        assert_eq!(misspelt_in("t = SECRET"), None);
    }

    #[test]
    fn gitleaks_and_detect_secrets_markers_allow_every_rule() {
        assert!(allowed("token = SECRET # gitleaks:allow", "github.pat"));
        assert!(allowed(
            "token = SECRET  # pragma: allowlist secret",
            "github.pat"
        ));
        assert!(allowed(
            "token = SECRET // pragma:allowlist secret",
            "mytoken"
        ));
        assert!(allowed(
            "# pragma: allowlist nextline secret\ntoken = SECRET",
            "github.pat"
        ));
        // gitleaks' marker counts on the finding's line only; the nextline pragma only on the
        // line before, and the plain pragma only on the line itself.
        assert!(!allowed("# gitleaks:allow\ntoken = SECRET", "github.pat"));
        assert!(!allowed(
            "token = SECRET # pragma: allowlist nextline secret",
            "github.pat"
        ));
        assert!(!allowed(
            "# pragma: allowlist secret\ntoken = SECRET",
            "github.pat"
        ));
        assert!(!allowed("token = SECRET # pragma: allowlist", "github.pat"));
        // Switched off, they are ordinary text.
        let text = "token = SECRET # gitleaks:allow";
        let offset = text.find("SECRET").unwrap();
        assert!(!allows(
            text.as_bytes(),
            offset,
            "github.pat",
            &known,
            false
        ));
        let text = "token = SECRET # pragma: allowlist secret";
        assert!(!allows(
            text.as_bytes(),
            offset,
            "github.pat",
            &known,
            false
        ));
    }

    #[test]
    fn a_secret_on_the_first_or_last_line_without_newline() {
        assert!(allowed("SECRET # sprawl:allow", "github.pat"));
        assert!(!allowed("SECRET", "github.pat"));
        assert!(allowed("# sprawl:allow\r\nSECRET", "github.pat"));
    }
}
