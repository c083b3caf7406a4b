//! Warnings about one input's archives, summarised when there are many.
//!
//! A small hostile archive can hold thousands of problems (4,096 zips nested past the depth limit
//! in 27 KB): each would be a line on standard error, also with `--quiet`, and an entry in the
//! report. The first [`LISTED`] warnings of an input are kept as they are; the rest become one
//! warning naming the input, with how many there were of each kind.

use crate::source::SourceError;

/// Warnings listed one by one per input before the rest are summarised.
pub(crate) const LISTED: usize = 10;

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum WarningKind {
    /// An archive or entry that cannot be read at all.
    Unreadable,
    /// An entry whose path leaves the archive.
    Traversal,
    /// An encrypted entry.
    Encrypted,
    /// An entry or stream that inflates past the ratio.
    Bomb,
    /// An archive nested deeper than the depth limit.
    TooDeep,
    /// A corrupt or truncated archive, stream or entry, or one sprawl will not decode.
    Damaged,
    /// The total or the entry count for the input ran out.
    Limit,
    /// A document's text cut at the entry limit.
    TextCut,
}

impl WarningKind {
    /// How a summary counts warnings of this kind.
    fn counted(self, n: usize) -> String {
        let (one, many) = match self {
            WarningKind::Unreadable => ("unreadable entry", "unreadable entries"),
            WarningKind::Traversal => (
                "entry whose path leaves the archive",
                "entries whose paths leave the archive",
            ),
            WarningKind::Encrypted => ("encrypted entry", "encrypted entries"),
            WarningKind::Bomb => ("likely bomb", "likely bombs"),
            WarningKind::TooDeep => (
                "archive nested past the depth limit",
                "archives nested past the depth limit",
            ),
            WarningKind::Damaged => ("corrupt or truncated part", "corrupt or truncated parts"),
            WarningKind::Limit => ("limit reached", "limits reached"),
            WarningKind::TextCut => ("document text cut short", "document texts cut short"),
        };
        format!("{n} {}", if n == 1 { one } else { many })
    }
}

/// The warnings of the input `outer`, each with its kind, in the order given: the first
/// [`LISTED`], then one that counts the rest by kind.
pub(super) fn summarised(
    outer: &str,
    warnings: Vec<(WarningKind, SourceError)>,
) -> Vec<SourceError> {
    if warnings.len() <= LISTED + 1 {
        return warnings.into_iter().map(|(_, warning)| warning).collect();
    }
    let mut rest: Vec<WarningKind> = warnings[LISTED..].iter().map(|(kind, _)| *kind).collect();
    rest.sort();
    let counts: Vec<String> = rest
        .chunk_by(|a, b| a == b)
        .map(|run| run[0].counted(run.len()))
        .collect();
    let mut listed: Vec<SourceError> = warnings
        .into_iter()
        .take(LISTED)
        .map(|(_, warning)| warning)
        .collect();
    listed.push(SourceError {
        path: outer.to_string(),
        message: format!(
            "{} more warnings inside it, not listed: {}",
            rest.len(),
            counts.join(", ")
        ),
    });
    listed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warning(kind: WarningKind, n: usize) -> (WarningKind, SourceError) {
        (
            kind,
            SourceError {
                path: format!("a.zip!{n}.zip"),
                message: format!("problem {n}"),
            },
        )
    }

    #[test]
    fn a_few_warnings_are_listed_and_many_are_counted_by_kind() {
        let few: Vec<_> = (0..LISTED + 1)
            .map(|n| warning(WarningKind::TooDeep, n))
            .collect();
        assert_eq!(summarised("a.zip", few).len(), LISTED + 1);
        let mut many: Vec<_> = (0..4_096)
            .map(|n| warning(WarningKind::TooDeep, n))
            .collect();
        many.insert(20, warning(WarningKind::Encrypted, 9_999));
        let out = summarised("a.zip", many);
        assert_eq!(out.len(), LISTED + 1);
        assert_eq!(out[0].message, "problem 0");
        let last = out.last().unwrap();
        assert_eq!(last.path, "a.zip");
        assert_eq!(
            last.message,
            "4087 more warnings inside it, not listed: 1 encrypted entry, \
             4086 archives nested past the depth limit"
        );
    }
}
