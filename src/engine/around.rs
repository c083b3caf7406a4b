//! A secret with the rest of its line, and the case-blind word tests the filters make on it:
//! what the noise filters (`filters.rs`) and the stand-in filter (`stand_in.rs`) share.

use std::ops::Range;

use crate::rules::contains_ignore_ascii_case;

/// How far before and after the secret, on its line, the filters look.
pub(crate) const CONTEXT: usize = 256;

/// A secret with the rest of its line on either side (at most [`CONTEXT`] bytes each way).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Around<'a> {
    /// The line before the secret.
    pub before: &'a [u8],
    /// The secret.
    pub secret: &'a [u8],
    /// The line after the secret.
    pub after: &'a [u8],
}

impl<'a> Around<'a> {
    /// The secret at `secret` in `haystack`, with its line.
    pub(crate) fn of(haystack: &'a [u8], secret: Range<usize>) -> Around<'a> {
        let floor = secret.start.saturating_sub(CONTEXT);
        let line_start = memchr::memrchr(b'\n', &haystack[floor..secret.start])
            .map_or(floor, |at| floor + at + 1);
        let ceiling = haystack.len().min(secret.end + CONTEXT);
        let line_end = memchr::memchr(b'\n', &haystack[secret.end..ceiling])
            .map_or(ceiling, |at| secret.end + at);
        Around {
            before: &haystack[line_start..secret.start],
            secret: &haystack[secret.clone()],
            after: &haystack[secret.end..line_end],
        }
    }

    /// `before` without the quotes, spaces and brackets that open the value.
    pub(crate) fn before_value(&self) -> &'a [u8] {
        trim_end_matching(self.before, |b| {
            matches!(b, b'"' | b'\'' | b'`' | b' ' | b'\t' | b'(' | b'[')
        })
    }

    /// The name the value is assigned to: the last run of name characters before the
    /// assignment operator (`DB_PASSWORD` in `export DB_PASSWORD="…"`), lowercased.
    pub(crate) fn assigned_name(&self) -> String {
        let operator_and_quotes = trim_end_matching(self.before, |b| {
            matches!(
                b,
                b'"' | b'\'' | b'`' | b' ' | b'\t' | b'=' | b':' | b'>' | b'[' | b']'
            )
        });
        let start = operator_and_quotes
            .iter()
            .rposition(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')))
            .map_or(0, |at| at + 1);
        String::from_utf8_lossy(&operator_and_quotes[start..]).to_ascii_lowercase()
    }
}

fn trim_end_matching(bytes: &[u8], strip: impl Fn(u8) -> bool) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|&b| !strip(b))
        .map_or(0, |at| at + 1);
    &bytes[..end]
}

/// Whether `haystack` contains any of `needles` (lowercase), ignoring ASCII case.
pub(crate) fn contains_any(haystack: &[u8], needles: &[&str]) -> bool {
    needles.iter().any(|needle| {
        debug_assert!(!needle.bytes().any(|b| b.is_ascii_uppercase()), "{needle}");
        contains_ignore_ascii_case(haystack, needle.as_bytes())
    })
}

pub(crate) fn ends_with_any(haystack: &[u8], needles: &[&str]) -> bool {
    needles.iter().any(|needle| {
        haystack.len() >= needle.len()
            && haystack[haystack.len() - needle.len()..].eq_ignore_ascii_case(needle.as_bytes())
    })
}

pub(crate) fn starts_with_any(haystack: &[u8], needles: &[&str]) -> bool {
    needles.iter().any(|needle| {
        haystack.len() >= needle.len()
            && haystack[..needle.len()].eq_ignore_ascii_case(needle.as_bytes())
    })
}
