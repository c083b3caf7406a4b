//! `csv`: one header row, then one row per finding, for spreadsheets and `csvkit`.
//!
//! The columns are the fields of the `json` finding record ([`FindingRecord`]), in its order,
//! built from that record so the two formats cannot drift apart. Every column is always present
//! (a spreadsheet needs a fixed shape): the archive, demotion, notebook part, git and encoding
//! fields are empty when they do not apply. Quoting is RFC 4180, by the `csv` crate; the header
//! is written even with no findings.

use std::io::{self, Write};

use super::{encoding_chain, FindingRecord, Report, Shown};

/// The header row, in the order of [`FindingRecord`]'s fields.
const HEADER: [&str; 23] = [
    "rule_id",
    "rule_name",
    "path",
    "archive",
    "line",
    "column",
    "end_line",
    "end_column",
    "secret",
    "paired_id",
    "fingerprint",
    "entropy",
    "confidence",
    "demoted_from",
    "demoted_reason",
    "part",
    "commit",
    "author",
    "email",
    "date",
    "message",
    "occurrences",
    "encoding",
];

/// Writes the header and one row per finding, lines ending in `\n`.
pub(crate) fn write(report: &Report<'_>, shown: &Shown, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    writer.write_record(HEADER)?;
    for finding in report.findings {
        let cells = row(&FindingRecord::new(finding, shown)).map(neutralised);
        writer.write_record(cells)?;
    }
    writer.flush()
}

/// A cell that a spreadsheet would take for a formula (it begins with `=`, `+`, `-` or `@`, or a
/// tab or carriage return that hides one) gets a `'` in front, so a path, secret or commit message
/// chosen by whoever wrote the scanned files is shown as text and never run.
fn neutralised(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// The cells of one finding, in [`HEADER`] order.
fn row(record: &FindingRecord) -> [String; 23] {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    [
        record.rule_id.clone(),
        record.rule_name.clone(),
        record.path.clone(),
        text(&record.archive),
        record.line.to_string(),
        record.column.to_string(),
        record.end_line.to_string(),
        record.end_column.to_string(),
        record.secret.clone(),
        text(&record.paired_id),
        record.fingerprint.clone(),
        record.entropy.to_string(),
        record.confidence.as_str().to_string(),
        record
            .demoted
            .as_ref()
            .map(|demoted| demoted.from.as_str().to_string())
            .unwrap_or_default(),
        record
            .demoted
            .as_ref()
            .map(|demoted| format!("{}: {}", demoted.reason, demoted.evidence))
            .unwrap_or_default(),
        record
            .part
            .as_ref()
            .map(|part| format!("{}:{}:{}", part.name, part.line, part.column))
            .unwrap_or_default(),
        text(&record.commit),
        text(&record.author),
        text(&record.email),
        text(&record.date),
        text(&record.message),
        record
            .occurrences
            .map(|count| count.to_string())
            .unwrap_or_default(),
        encoding_chain(&record.encoding),
    ]
}

#[cfg(test)]
mod tests {
    use super::neutralised;

    #[test]
    fn cells_that_would_be_formulas_are_written_as_text() {
        for (cell, written) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+1", "'+1"),
            ("-----BEGIN…", "'-----BEGIN…"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("src/a=b.env", "src/a=b.env"),
            ("12", "12"),
            ("", ""),
        ] {
            assert_eq!(neutralised(cell.to_string()), written);
        }
    }
}
