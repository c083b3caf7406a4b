//! `junit`: JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure Pipelines).
//!
//! One `testsuite` named `sprawl`; each finding is one `testcase` that fails, its message naming
//! the rule, path and line, so a leak shows up as a red test next to the build's own. With no
//! findings the suite holds one passing `testcase`, because CI systems show an empty suite as
//! "no tests", not as a pass. Secrets are redacted unless `--no-redact`. Every text and attribute
//! goes through quick-xml's escaping: paths, rule names and secrets are untrusted.

use std::io::{self, Write};

use quick_xml::escape::escape as escape_markup;

use super::{FindingRecord, Report, Shown};

/// Writes the XML document, with a final newline.
pub(crate) fn write(report: &Report<'_>, shown: &Shown, out: &mut dyn Write) -> io::Result<()> {
    let time = report.stats.elapsed.as_secs_f64();
    let failures = report.findings.len();
    let tests = failures.max(1);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="sprawl" tests="{tests}" failures="{failures}" errors="0" time="{time:.3}">"#
    )?;
    writeln!(
        out,
        r#"  <testsuite name="sprawl" tests="{tests}" failures="{failures}" errors="0" skipped="0" time="{time:.3}">"#
    )?;
    if report.findings.is_empty() {
        writeln!(
            out,
            r#"    <testcase name="no secrets found" classname="sprawl"/>"#
        )?;
    }
    for finding in report.findings {
        write_case(&FindingRecord::new(finding, shown), out)?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

/// One failing `testcase`: named after the rule and place, classed by the path.
fn write_case(record: &FindingRecord, out: &mut dyn Write) -> io::Result<()> {
    let place = format!("{}:{}:{}", record.path, record.line, record.column);
    let message = format!(
        "{} ({}) at {} line {}",
        record.rule_id, record.rule_name, record.path, record.line
    );
    writeln!(
        out,
        r#"    <testcase name="{} {}" classname="{}" file="{}" line="{}">"#,
        escape(record.rule_id.as_str()),
        escape(place.as_str()),
        escape(record.path.as_str()),
        escape(record.path.as_str()),
        record.line
    )?;
    writeln!(
        out,
        r#"      <failure message="{}" type="{}">{}</failure>"#,
        escape(message.as_str()),
        escape(record.rule_id.as_str()),
        escape(details(record).as_str())
    )?;
    writeln!(out, "    </testcase>")
}

/// `text` escaped for XML, with the characters XML 1.0 cannot hold at all (control characters
/// other than tab, newline and carriage return) replaced by U+FFFD.
fn escape(text: &str) -> String {
    let legal = |c: char| !c.is_control() || matches!(c, '\t' | '\n' | '\r');
    let text: String = text
        .chars()
        .map(|c| if legal(c) { c } else { '\u{fffd}' })
        .collect();
    escape_markup(text.as_str()).into_owned()
}

/// The failure's body: what was found, then the git provenance when there is one.
fn details(record: &FindingRecord) -> String {
    let mut text = format!(
        "{}: {} at {}:{}:{}\nsecret: {}\nconfidence: {}\nfingerprint: {}",
        record.rule_id,
        record.rule_name,
        record.path,
        record.line,
        record.column,
        record.secret,
        record.confidence,
        record.fingerprint
    );
    if let Some(commit) = &record.commit {
        text.push_str(&format!("\ncommit: {commit}"));
    }
    if let (Some(author), Some(email)) = (&record.author, &record.email) {
        text.push_str(&format!("\nauthor: {author} <{email}>"));
    }
    text
}
