//! What `sprawl rules list` prints: a table that fits the terminal, or one JSON record per rule
//! for scripts.
//!
//! The table pads each column to its longest entry, except that on a terminal the name and the
//! keywords are cut (with `…`) so that no line runs past the width: one 90-character name must
//! not push every line past the edge of the screen. Off a terminal nothing is cut (a pipe to
//! `grep` sees every name whole), but the name column is padded to at most [`NAME_PAD`]
//! characters, so a long name lengthens its own line only.

use serde::Serialize;

use super::rule::{Confidence, Rule};
use super::vocabulary::{Check, Filter};

/// Off a terminal, names longer than this overflow their column instead of widening it.
pub(crate) const NAME_PAD: usize = 48;

/// The narrowest the name and keyword columns are cut to, however narrow the terminal.
const MIN_CUT: usize = 12;

/// One rule as `sprawl rules list --format json` writes it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RuleRecord<'a> {
    /// The rule's id.
    pub id: &'a str,
    /// Its human name.
    pub name: &'a str,
    /// What it finds.
    pub description: &'a str,
    /// How sure a finding of it is.
    pub confidence: Confidence,
    /// Its labels.
    pub tags: &'a [String],
    /// The prefilter's keywords.
    pub keywords: &'a [String],
    /// The pattern as written.
    pub pattern: &'a str,
    /// The path regexes the rule is limited to (empty: every file).
    pub paths: &'a [String],
    /// The entropy bound on the secret, if any.
    pub min_entropy: Option<f64>,
    /// The offline check, if any.
    pub check: Option<Check>,
    /// The noise filters.
    pub filters: &'a [Filter],
    /// Links to the provider's description of the format.
    pub references: &'a [String],
    /// Where the rule was defined.
    pub origin: &'a str,
}

impl<'a> RuleRecord<'a> {
    /// The record of `rule`.
    pub(crate) fn of(rule: &'a Rule) -> RuleRecord<'a> {
        RuleRecord {
            id: &rule.id,
            name: &rule.name,
            description: rule.description.trim_end(),
            confidence: rule.confidence,
            tags: &rule.tags,
            keywords: &rule.keywords,
            pattern: &rule.pattern,
            paths: &rule.paths,
            min_entropy: rule.min_entropy,
            check: rule.check,
            filters: &rule.filters,
            references: &rule.references,
            origin: &rule.origin,
        }
    }
}

/// The table's lines (header first, no trailing spaces): fitted to `width` columns when given
/// (a terminal), else uncut.
pub(crate) fn table(rules: &[&Rule], width: Option<usize>) -> Vec<String> {
    let id_width = rules
        .iter()
        .map(|r| r.id.chars().count())
        .max()
        .unwrap_or(0)
        .max(2);
    let longest_name = rules
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    const CONFIDENCE: usize = 10;
    let fixed = id_width + 2 + 2 + CONFIDENCE + 2;
    let (name_width, keywords_width) = match width {
        None => (longest_name.min(NAME_PAD), None),
        Some(width) => {
            let room = width.saturating_sub(fixed);
            // The name gets up to half of what is left, keywords the rest.
            let name = longest_name.min((room / 2).max(MIN_CUT));
            (name, Some(room.saturating_sub(name + 2).max(MIN_CUT)))
        }
    };
    let cut_name = |name: &str| match width {
        Some(_) => cut(name, name_width),
        None => name.to_string(),
    };
    let row = |id: &str, name: &str, confidence: &str, keywords: &str| {
        let keywords = match keywords_width {
            Some(room) => cut(keywords, room),
            None => keywords.to_string(),
        };
        let line = format!(
            "{id:id_width$}  {:name_width$}  {confidence:CONFIDENCE$}  {keywords}",
            cut_name(name)
        );
        line.trim_end().to_string()
    };
    let mut lines = vec![row("ID", "NAME", "CONFIDENCE", "KEYWORDS")];
    lines.extend(rules.iter().map(|rule| {
        row(
            &rule.id,
            &rule.name,
            rule.confidence.as_str(),
            &shown_keywords(&rule.keywords),
        )
    }));
    lines
}

/// Keywords joined with `, ` for a line of text, with a control character in one written as its
/// escape (`"k 8\npassword"`, `"machine\t"`, `\u{1b}`): printed raw, it would break the line
/// or the columns, or drive the terminal.
pub(crate) fn shown_keywords(keywords: &[String]) -> String {
    let mut out = String::new();
    for (at, keyword) in keywords.iter().enumerate() {
        if at > 0 {
            out.push_str(", ");
        }
        for c in keyword.chars() {
            match c {
                // `\n`, `\r`, `\t`, and `\u{1b}` for an escape that would drive the terminal.
                c if c.is_control() => out.extend(c.escape_default()),
                c => out.push(c),
            }
        }
    }
    out
}

/// `text` cut to at most `width` characters, the last of them `…` when it was cut.
fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::parse_rule_file;

    #[test]
    fn keywords_with_line_breaks_and_tabs_stay_on_one_line() {
        let keywords = [
            "k 8\npassword",
            "k 8\r\npassword",
            "machine\t",
            "a\"b",
            "\u{1b}[2Jx",
        ]
        .map(String::from);
        assert_eq!(
            shown_keywords(&keywords),
            "k 8\\npassword, k 8\\r\\npassword, machine\\t, a\"b, \\u{1b}[2Jx"
        );
    }

    fn rules() -> Vec<Rule> {
        let long = "A".repeat(93);
        parse_rule_file(
            &format!(
                "rules:\n  - id: a.short\n    name: Short\n    pattern: x\n    keywords: [x]\n    confidence: high\n    examples: [x]\n  - id: a.long\n    name: {long}\n    pattern: y\n    keywords: [alpha, beta, gamma, delta, epsilon, zeta, eta, theta, iota, kappa, lambda, mu]\n    confidence: low\n    examples: [y]\n"
            ),
            "t.yml",
        )
        .unwrap()
    }

    #[test]
    fn on_a_terminal_every_line_fits_the_width() {
        let rules = rules();
        let picked: Vec<&Rule> = rules.iter().collect();
        for width in [60, 80, 120, 200] {
            let lines = table(&picked, Some(width));
            assert_eq!(lines.len(), 3);
            for line in &lines {
                assert!(line.chars().count() <= width, "{width}: {line}");
            }
            assert!(lines[2].contains('…'), "{lines:?}");
        }
        // A short rule is not cut.
        assert!(table(&picked, Some(80))[1].starts_with("a.short  Short "));
    }

    #[test]
    fn off_a_terminal_nothing_is_cut_and_short_lines_stay_short() {
        let rules = rules();
        let picked: Vec<&Rule> = rules.iter().collect();
        let lines = table(&picked, None);
        assert!(lines[2].contains(&"A".repeat(93)) && lines[2].ends_with("lambda, mu"));
        // The long name does not widen the other lines.
        assert!(
            lines[1].chars().count() < 7 + 2 + NAME_PAD + 2 + 10 + 2 + 2,
            "{}",
            lines[1]
        );
    }

    #[test]
    fn records_carry_every_listed_field() {
        let rules = rules();
        let json = serde_json::to_value(RuleRecord::of(&rules[1])).unwrap();
        assert_eq!(json["id"], "a.long");
        assert_eq!(json["confidence"], "low");
        assert_eq!(json["keywords"][0], "alpha");
        assert_eq!(json["origin"], "t.yml");
        assert!(json["check"].is_null());
    }
}
