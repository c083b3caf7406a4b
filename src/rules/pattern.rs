//! What a rule's pattern says about its matches, read from the parsed pattern without compiling
//! it: which group holds the secret, the longest match, whether a match can run over lines.
//!
//! The matcher needs these facts for every rule before it reads a byte. For the user's rules they
//! are worked out when the rules are loaded; for the built-in rules `build.rs` works them out
//! once, at build time, by including this same file, so a start costs no pattern parsing. This
//! file therefore depends on nothing but `regex-syntax`.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Which capture group of a rule's pattern holds the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SecretGroup {
    /// A group with this index (the one named `secret`, or group 1).
    Group(usize),
    /// The pattern has no groups: the whole match is the secret.
    WholeMatch,
}

/// The facts about one pattern that the matcher relies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PatternFacts {
    /// The group that holds the secret.
    pub secret_group: SecretGroup,
    /// The longest match the pattern can make, in bytes (`None`: unbounded).
    pub max_len: Option<usize>,
    /// Whether a match can hold a newline other than as its first or last byte.
    pub spans_lines: bool,
    /// The group named `id`, if there is one.
    pub id_group: Option<usize>,
}

impl PatternFacts {
    /// Parses `pattern` as `regex::bytes` does, without compiling it, and reads its facts. The
    /// error is the parser's message, which points at the offending part of the pattern.
    pub(crate) fn of(pattern: &str) -> Result<PatternFacts, String> {
        let hir = parse(pattern)?;
        let groups = capture_groups(&hir);
        let named = |wanted: &str| {
            groups
                .iter()
                .find(|(_, name)| *name == Some(wanted))
                .map(|&(index, _)| index as usize)
        };
        let secret_group = match named("secret") {
            Some(index) => SecretGroup::Group(index),
            None if !groups.is_empty() => SecretGroup::Group(1),
            None => SecretGroup::WholeMatch,
        };
        Ok(PatternFacts {
            secret_group,
            max_len: hir.properties().maximum_len(),
            spans_lines: can_match_newline_inside(&hir),
            id_group: named("id"),
        })
    }
}

/// Checks that `pattern` parses as a `regex::bytes` pattern, without compiling it.
pub(crate) fn check_syntax(pattern: &str) -> Result<(), String> {
    parse(pattern).map(drop)
}

fn parse(pattern: &str) -> Result<Hir, String> {
    regex_syntax::ParserBuilder::new()
        .utf8(false)
        .build()
        .parse(pattern)
        .map_err(|err| err.to_string())
}

/// Whether a match of `hir` can hold a newline byte other than as its first or last byte. A
/// pattern that ends in `(?:[^A-Za-z0-9]|$)` may take the newline that ends its line, and one
/// that starts with `(?:^|[^A-Za-z0-9])` the newline before it: that keeps it on its line.
fn can_match_newline_inside(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Capture(capture) => can_match_newline_inside(&capture.sub),
        HirKind::Concat(subs) => subs.iter().enumerate().any(|(at, sub)| {
            let edge = at == 0 || at + 1 == subs.len();
            !(edge && at_most_one_char(sub)) && can_match_newline(sub)
        }),
        _ => !at_most_one_char(hir) && can_match_newline(hir),
    }
}

/// Whether every match of `hir` is at most one character long.
fn at_most_one_char(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) | HirKind::Class(_) => true,
        HirKind::Literal(literal) => literal.0.len() <= 1,
        HirKind::Capture(capture) => at_most_one_char(&capture.sub),
        HirKind::Repetition(repetition) => {
            repetition.max.is_some_and(|max| max <= 1) && at_most_one_char(&repetition.sub)
        }
        HirKind::Alternation(subs) => subs.iter().all(at_most_one_char),
        HirKind::Concat(subs) => {
            subs.iter()
                .filter(|sub| !matches!(sub.kind(), HirKind::Empty | HirKind::Look(_)))
                .count()
                <= 1
                && subs.iter().all(at_most_one_char)
        }
    }
}

/// Whether any match of `hir` can hold a newline byte.
fn can_match_newline(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(literal) => literal.0.contains(&b'\n'),
        HirKind::Class(Class::Unicode(class)) => class
            .ranges()
            .iter()
            .any(|range| range.start() <= '\n' && '\n' <= range.end()),
        HirKind::Class(Class::Bytes(class)) => class
            .ranges()
            .iter()
            .any(|range| range.start() <= b'\n' && b'\n' <= range.end()),
        HirKind::Repetition(repetition) => {
            repetition.max != Some(0) && can_match_newline(&repetition.sub)
        }
        HirKind::Capture(capture) => can_match_newline(&capture.sub),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => subs.iter().any(can_match_newline),
    }
}

/// Every capture group of a pattern: its index and name.
fn capture_groups(hir: &Hir) -> Vec<(u32, Option<&str>)> {
    fn walk<'h>(hir: &'h Hir, groups: &mut Vec<(u32, Option<&'h str>)>) {
        match hir.kind() {
            HirKind::Capture(capture) => {
                groups.push((capture.index, capture.name.as_deref()));
                walk(&capture.sub, groups);
            }
            HirKind::Concat(subs) | HirKind::Alternation(subs) => {
                subs.iter().for_each(|sub| walk(sub, groups));
            }
            HirKind::Repetition(repetition) => walk(&repetition.sub, groups),
            HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => {}
        }
    }
    let mut groups = Vec::new();
    walk(hir, &mut groups);
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_name_the_secret_and_id_groups_and_the_longest_match() {
        let facts = PatternFacts::of("(?P<id>AKIA[0-9A-Z]{16}) (?P<secret>[a-z]{40})").unwrap();
        assert_eq!(facts.secret_group, SecretGroup::Group(2));
        assert_eq!(facts.id_group, Some(1));
        assert_eq!(facts.max_len, Some(61));
        assert!(!facts.spans_lines);
        let unbounded = PatternFacts::of("key\\s*=\\s*(\\w+)").unwrap();
        assert_eq!(unbounded.secret_group, SecretGroup::Group(1));
        assert_eq!(unbounded.max_len, None);
        assert!(unbounded.spans_lines);
    }

    #[test]
    fn a_pattern_that_does_not_parse_is_an_error_not_a_fact() {
        assert!(PatternFacts::of("(unclosed").is_err());
        assert!(check_syntax("(unclosed").is_err());
        assert!(check_syntax("[a-z]+").is_ok());
    }
}
