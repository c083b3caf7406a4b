//! Reports: findings, stats and errors written in the format the user asked for. One file per
//! format, each with one `write` entry point; secrets are redacted here, at the last moment,
//! unless the user turned redaction off, and so are secrets in commit messages (`Shown`).

mod csv;
mod json;
mod junit;
mod sarif;
mod shown;
mod text;

use std::io::{self, Write};

/// The JSON Schema of the `json` report.
pub use json::schema as json_schema;
pub use json::{
    ArchivesRecord, DroppedRecord, ErrorRecord, FindingRecord, JsonReport, ShardRecord,
    SkippedRecord, StatsRecord, SuppressedRecord, JSON_VERSION,
};
pub(crate) use shown::Shown;
pub(crate) use text::summary;
pub(crate) use text::{printable, shell_quoted};

use crate::engine::Encoding;
use crate::finding::Finding;
use crate::rules::RuleSet;
use crate::source::SourceError;
use crate::stats::Stats;

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Findings grouped by file, for people.
    Text,
    /// One JSON document.
    Json,
    /// One JSON object per finding per line.
    Jsonl,
    /// SARIF 2.1.0.
    Sarif,
    /// One CSV row per finding, after a header row.
    Csv,
    /// JUnit XML: one failing test case per finding.
    Junit,
}

/// When to colour text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// How to write a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportOptions {
    /// The format.
    pub format: Format,
    /// Redact secrets (the default).
    pub redact: bool,
    /// Colour, for text.
    pub color: ColorChoice,
}

/// Everything a report shows.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    /// Findings, sorted by path, line, column and rule.
    pub findings: &'a [Finding],
    /// Counts.
    pub stats: &'a Stats,
    /// Inputs that could not be read.
    pub errors: &'a [SourceError],
    /// Warnings: hostile or broken archives, a spent decode budget, inline allows that allow
    /// nothing, baseline entries that expired or match nothing.
    pub warnings: &'a [SourceError],
    /// The rules the scan ran (SARIF describes the ones that fired).
    pub rules: &'a RuleSet,
    /// The folder relative paths start from, if not the current one (SARIF's `%SRCROOT%`).
    pub root: Option<&'a std::path::Path>,
    /// With `--shard`: the part this report covers (JSON says so, for `sprawl merge`).
    pub shard: Option<crate::shard::Shard>,
}

/// Writes `report` to `out`. `color` says whether text output may use colour (decided by the
/// caller, who knows what `out` is).
pub fn write(
    report: &Report<'_>,
    options: &ReportOptions,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let shown = Shown::new(report.findings, report.rules, options.redact);
    match options.format {
        Format::Text => text::write(report, &shown, color, out),
        Format::Json => json::write(report, &shown, out),
        Format::Jsonl => json::write_lines(report, &shown, out),
        Format::Sarif => sarif::write(report, &shown, out),
        Format::Csv => csv::write(report, &shown, out),
        Format::Junit => junit::write(report, &shown, out),
    }
}

impl ColorChoice {
    /// Whether to colour output going to a stream that `is_terminal` or not, given the value of
    /// `NO_COLOR` (any non-empty value turns colour off in `auto`).
    pub(crate) fn enabled(self, is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && no_color.is_none_or(|value| value.is_empty()),
        }
    }
}

/// A chain of encodings as one word, outermost first: `base64>hex`; empty for none.
pub(crate) fn encoding_chain(encoding: &[Encoding]) -> String {
    let names: Vec<&str> = encoding.iter().map(|encoding| encoding.as_str()).collect();
    names.join(">")
}

#[cfg(test)]
mod tests {
    use super::ColorChoice;
    use std::ffi::OsStr;

    #[test]
    fn auto_colour_needs_a_terminal_and_no_no_color() {
        assert!(ColorChoice::Auto.enabled(true, None));
        assert!(!ColorChoice::Auto.enabled(false, None));
        assert!(!ColorChoice::Auto.enabled(true, Some(OsStr::new("1"))));
        assert!(ColorChoice::Auto.enabled(true, Some(OsStr::new(""))));
        assert!(ColorChoice::Always.enabled(false, Some(OsStr::new("1"))));
        assert!(!ColorChoice::Never.enabled(true, None));
    }
}
