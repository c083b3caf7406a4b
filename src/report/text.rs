//! `text`: findings grouped by file, for people, and the one-line summary.
//!
//! Each finding reads `path:line:column  rule-id  secret  (name, confidence)`, a form editors
//! and terminals turn into a link, followed by the line it sits on with the secret masked (or
//! highlighted, with `--no-redact`).

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::{Report, Shown};
use crate::finding::{Finding, PartKind};
use crate::redact::redacted;
use crate::rules::Confidence;
use crate::source::SkipReason;
use crate::stats::Stats;
use crate::suppress::Suppression;

const PATH: Style = AnsiColor::Magenta.on_default().bold();
const RULE: Style = AnsiColor::Cyan.on_default();
const SECRET: Style = AnsiColor::Red.on_default().bold();
const DIM: Style = Style::new().dimmed();

/// Writes the findings grouped by file, or, for history scans, by the commit that introduced
/// them. Nothing is written when there are none.
pub(crate) fn write(
    report: &Report<'_>,
    shown: &Shown,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let paint = Paint { color };
    let by_commit = |a: &Finding, b: &Finding| match (a.provenance.commit(), b.provenance.commit())
    {
        (Some(a), Some(b)) => a.commit.id == b.commit.id,
        (None, None) => a.path == b.path,
        _ => false,
    };
    for (index, group) in report.findings.chunk_by(by_commit).enumerate() {
        if index > 0 {
            writeln!(out)?;
        }
        write_group_header(group, shown, paint, out)?;
        for finding in group {
            write_finding(finding, shown, paint, out)?;
        }
    }
    Ok(())
}

/// `path (2 findings)`, or for history `commit <id>  <date>  <author>  <summary>`. Everything
/// that came from a file or a commit is made printable first.
fn write_group_header(
    group: &[Finding],
    shown: &Shown,
    paint: Paint,
    out: &mut dyn Write,
) -> io::Result<()> {
    let count = group.len();
    let counted = paint.style(DIM, &format!("({})", plural(count, "finding")));
    match group[0].provenance.commit() {
        Some(git) => {
            let commit = &git.commit;
            writeln!(
                out,
                "{} {}  {}",
                paint.style(PATH, &format!("commit {}", printable(&commit.id))),
                counted,
                paint.style(
                    DIM,
                    &printable(&format!(
                        "{}  {} <{}>",
                        commit.date, commit.author, commit.email
                    ))
                ),
            )?;
            let message = shown.message(&commit.id, &commit.summary);
            writeln!(out, "    {}", printable(message))
        }
        None => writeln!(
            out,
            "{} {}",
            paint.style(PATH, &printable(&group[0].path)),
            counted
        ),
    }
}

fn write_finding(
    finding: &Finding,
    known: &Shown,
    paint: Paint,
    out: &mut dyn Write,
) -> io::Result<()> {
    let redact = known.redact();
    let shown = printable(&finding.shown_secret(redact));
    // A secret found with its identifier reads `secret (with id)`.
    let paired = finding
        .shown_paired_id(redact)
        .map(|id| format!(" (with {})", paint.style(SECRET, &printable(&id))))
        .unwrap_or_default();
    writeln!(
        out,
        "  {}:{}:{}  {}  {}{paired}  {}",
        printable(&finding.path),
        finding.line,
        finding.column,
        paint.style(RULE, &printable(&finding.rule_id)),
        paint.style(SECRET, &shown),
        paint.style(DIM, &printable(&described(finding))),
    )?;
    writeln!(out, "      {}", snippet_line(finding, &shown, known, paint))?;
    if let Some(git) = finding.provenance.commit() {
        let elsewhere = match git.occurrences {
            0 => String::new(),
            n => format!("  ({} more {})", n, if n == 1 { "place" } else { "places" }),
        };
        writeln!(
            out,
            "      {}{}",
            paint.style(
                DIM,
                &format!(
                    "git show {}",
                    shell_quoted(&format!(
                        "{}:{}",
                        &git.commit.id[..12.min(git.commit.id.len())],
                        finding.outer_path()
                    ))
                )
            ),
            paint.style(DIM, &elsewhere)
        )?;
    }
    Ok(())
}

/// The line that holds the secret, as it is in the file, the secret masked (or highlighted).
/// A decoded secret's line shows its encoded text, masked like any secret: the decoded secret
/// is on the line above, which says what was decoded. The rest of the line is masked where it
/// holds the secret of another finding of the report (a commit message line that names a
/// password found in a file).
fn snippet_line(finding: &Finding, shown: &str, known: &Shown, paint: Paint) -> String {
    let redact = known.redact();
    let decoded = !finding.encoding.is_empty();
    let mut line = String::new();
    for (index, (text, kind)) in finding.snippet.parts().enumerate() {
        let text = if index == 0 { text.trim_start() } else { text };
        let part = match kind {
            PartKind::Text => printable(&known.mask_known(text)),
            PartKind::Secret if redact && !decoded => paint.style(SECRET, shown),
            PartKind::Secret if redact => paint.style(SECRET, &printable(&redacted(text))),
            PartKind::Secret => paint.style(SECRET, &printable(text)),
            PartKind::OtherSecret if redact => printable(&redacted(text)),
            PartKind::OtherSecret => printable(text),
        };
        line.push_str(&part);
    }
    line
}

/// `(name, confidence)`, why the confidence was lowered, what was decoded to find the secret and
/// where in a notebook it is, if so.
fn described(finding: &Finding) -> String {
    let demoted = finding
        .demoted
        .as_ref()
        .map(|demoted| {
            format!(
                ", lowered from {}: {} ({})",
                demoted.from,
                demoted.context.phrase(),
                demoted.evidence
            )
        })
        .unwrap_or_default();
    let encoded = if finding.encoding.is_empty() {
        String::new()
    } else {
        let layers: Vec<&str> = finding
            .encoding
            .iter()
            .map(|layer| layer.as_str())
            .collect();
        format!(", decoded from {}", layers.join(" then "))
    };
    let part = finding
        .part
        .as_ref()
        .map(|part| format!(", {} line {}", part.name, part.line))
        .unwrap_or_default();
    format!(
        "({}, {} confidence{demoted}{encoded}{part})",
        finding.rule_name, finding.confidence
    )
}

/// `text` made safe to print on a terminal or in a log: control characters (an escape sequence
/// must not drive the terminal, a newline must not forge a line) and the characters that reorder
/// text (bidirectional overrides, which can make a line read other than it is) become the
/// Unicode replacement character; tabs become spaces. Everything that came from a scanned file,
/// an archive or a commit goes through it before it is printed.
pub(crate) fn printable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' => ' ',
            c if c.is_control() || is_reordering(c) => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// Unicode's bidirectional embeddings, overrides and isolates.
fn is_reordering(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// `text` as one shell word: as is when it is plain, else in single quotes; a word with control
/// characters in `$'...'` with each one escaped, so the command is exact and prints safely.
pub(crate) fn shell_quoted(text: &str) -> String {
    let plain = text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._-/:@+=,".contains(&b));
    if plain {
        text.to_string()
    } else if text.chars().any(|c| c.is_control() || is_reordering(c)) {
        let mut quoted = String::from("$'");
        for c in text.chars() {
            match c {
                '\'' | '\\' => {
                    quoted.push('\\');
                    quoted.push(c);
                }
                c if c.is_control() || is_reordering(c) => {
                    let mut bytes = [0u8; 4];
                    for byte in c.encode_utf8(&mut bytes).bytes() {
                        quoted.push_str(&format!("\\x{byte:02x}"));
                    }
                }
                c => quoted.push(c),
            }
        }
        quoted.push('\'');
        quoted
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// The one-line summary for standard error, without a trailing newline: `errors` inputs could
/// not be read, `warnings` were given (archives, limits).
pub(crate) fn summary(
    findings: &[Finding],
    stats: &Stats,
    errors: usize,
    warnings: usize,
) -> String {
    let mut parts = Vec::new();
    if findings.is_empty() {
        parts.push("no secrets found".to_string());
    } else {
        let mut by_confidence = Vec::new();
        for level in [Confidence::High, Confidence::Medium, Confidence::Low] {
            let n = findings.iter().filter(|f| f.confidence == level).count();
            if n > 0 {
                by_confidence.push(format!("{n} {level}"));
            }
        }
        let mut files: Vec<&str> = findings.iter().map(|f| f.path.as_str()).collect();
        files.dedup();
        parts.push(format!(
            "{} ({}) in {}",
            plural(findings.len(), "finding"),
            by_confidence.join(", "),
            plural(files.len(), "file")
        ));
    }
    let scanned = match stats.commits {
        Some(commits) => format!(
            "{} from {}",
            plural(stats.files_scanned as usize, "blob"),
            plural(commits as usize, "commit")
        ),
        None => plural(stats.files_scanned as usize, "file"),
    };
    parts.push(format!(
        "scanned {scanned} ({}) in {:.2} s{}",
        human_bytes(stats.bytes_scanned),
        stats.elapsed.as_secs_f64(),
        throughput(stats)
    ));
    if stats.skipped_total() > 0 {
        let reasons: Vec<String> = SkipReason::ALL
            .iter()
            .filter(|&&reason| stats.skipped(reason) > 0)
            .map(|&reason| match reason {
                SkipReason::Ignored => format!(
                    "{} {}: --no-ignore scans them",
                    stats.skipped(reason),
                    reason.phrase()
                ),
                _ => format!("{} {}", stats.skipped(reason), reason.phrase()),
            })
            .collect();
        parts.push(format!(
            "skipped {} ({})",
            stats.skipped_total(),
            reasons.join(", ")
        ));
    }
    if stats.suppressed_total() > 0 {
        let reasons: Vec<String> = Suppression::ALL
            .iter()
            .filter(|&&reason| stats.suppressed(reason) > 0)
            .map(|&reason| format!("{} {}", stats.suppressed(reason), reason.phrase()))
            .collect();
        parts.push(format!(
            "suppressed {} ({})",
            stats.suppressed_total(),
            reasons.join(", ")
        ));
    }
    if stats.archives.opened > 0 {
        let skipped = match stats.archives.entries_skipped {
            0 => String::new(),
            n => format!(", {n} skipped"),
        };
        parts.push(format!(
            "opened {} ({} inside{skipped})",
            plural(stats.archives.opened as usize, "archive"),
            plural(stats.archives.entries_scanned as usize, "file")
        ));
    }
    if errors > 0 {
        parts.push(plural(errors, "error"));
    }
    if warnings > 0 {
        parts.push(plural(warnings, "warning"));
    }
    format!("sprawl: {}", parts.join("; "))
}

/// `, 120.5 MiB/s`, or nothing when the scan was too short for a rate to mean anything.
fn throughput(stats: &Stats) -> String {
    let seconds = stats.elapsed.as_secs_f64();
    if seconds < 0.01 || stats.bytes_scanned == 0 {
        return String::new();
    }
    format!(
        ", {}/s",
        human_bytes((stats.bytes_scanned as f64 / seconds) as u64)
    )
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `1.5 MiB`, `512 B`.
fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[derive(Debug, Clone, Copy)]
struct Paint {
    color: bool,
}

impl Paint {
    fn style(self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn human_bytes_picks_a_unit() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(5 << 20), "5.0 MiB");
    }

    #[test]
    fn summary_counts_skips_by_reason_and_errors() {
        let mut stats = Stats::default();
        stats.files_scanned = 3;
        stats.bytes_scanned = 2048;
        stats.elapsed = Duration::from_millis(1500);
        stats.add_skip(SkipReason::Binary);
        stats.add_skip(SkipReason::TooLarge);
        stats.add_skip(SkipReason::TooLarge);
        assert_eq!(
            summary(&[], &stats, 1, 0),
            "sprawl: no secrets found; scanned 3 files (2.0 KiB) in 1.50 s, 1.3 KiB/s; skipped 3 (1 binary, 2 too large); 1 error"
        );
        stats.archives.opened = 2;
        stats.archives.entries_scanned = 5;
        stats.archives.entries_skipped = 4;
        assert!(summary(&[], &stats, 0, 1).ends_with(
            "skipped 3 (1 binary, 2 too large); opened 2 archives (5 files inside, 4 skipped); 1 warning"
        ));
        // No rate for an instant scan.
        stats.elapsed = Duration::from_millis(2);
        assert!(summary(&[], &stats, 0, 0).contains("(2.0 KiB) in 0.00 s;"));
        stats.add_skips(SkipReason::Ignored, 4);
        assert!(summary(&[], &stats, 0, 0).contains(
            "skipped 7 (1 binary, 2 too large, 4 ignored by .gitignore/.ignore: --no-ignore scans them)"
        ));
    }

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(shell_quoted("abc:src/a.rs"), "abc:src/a.rs");
        assert_eq!(shell_quoted("abc:my file"), "'abc:my file'");
        assert_eq!(shell_quoted("abc:it's"), "'abc:it'\\''s'");
    }

    #[test]
    fn control_characters_cannot_reach_the_terminal() {
        assert_eq!(printable("a\u{1b}[31mb\tc"), "a\u{FFFD}[31mb c");
        assert_eq!(printable("x\ny\r\u{202E}z"), "x\u{FFFD}y\u{FFFD}\u{FFFD}z");
        assert_eq!(shell_quoted("abc:a\u{1b}b'c"), "$'abc:a\\x1bb\\'c'");
    }
}
