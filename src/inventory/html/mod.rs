//! The inventory as one self-contained HTML page, for auditors: it opens from a USB stick, with
//! no server and no network.
//!
//! Everything is rendered here, in Rust: the table, the timeline (`timeline`, SVG) and each
//! secret's places with the `git show` commands to see them, so the page reads the same with
//! scripts off. The embedded script (`inventory.js`) only sorts and filters what is there. The page's Content-Security-Policy allows nothing but its own style sheet and
//! script, by hash: no request can leave it (`default-src 'none'`), and no markup that slipped
//! through escaping could run. Every string from a repository is escaped for HTML after
//! control characters are replaced, and secrets are redacted again here, whatever the input.

mod timeline;

use std::collections::BTreeSet;
use std::io::{self, Write};

use base64::Engine as _;
use quick_xml::escape::escape;
use sha2::{Digest, Sha256};

use super::collect::{shown, timestamp};
use super::record::{
    InventoryReport, PlaceRecord, RuleRecord, SecretRecord, SeenRecord, SourceKind, Status,
};
use super::text::{git_show, short};
use crate::report::printable;
use crate::rules::{is_web_url, Confidence};

const STYLE: &str = include_str!("inventory.css");
const SCRIPT: &str = include_str!("inventory.js");

/// Sorts a secret with no date after every dated one.
const NO_DATE: i64 = 1_000_000_000_000_000;

/// Writes the page.
pub(crate) fn write(inventory: &InventoryReport, out: &mut dyn Write) -> io::Result<()> {
    let mut page = String::with_capacity(16 * 1024 + inventory.secrets.len() * 2048);
    head(inventory, &mut page);
    header(inventory, &mut page);
    sources(inventory, &mut page);
    filters(inventory, &mut page);
    table(inventory, &mut page);
    timeline::write(inventory, &mut page);
    details(inventory, &mut page);
    page.push_str("<script>");
    page.push_str(SCRIPT);
    page.push_str("</script>\n</body>\n</html>\n");
    out.write_all(page.as_bytes())
}

/// `text` for HTML content or a quoted attribute: control characters replaced, markup escaped.
fn text(value: &str) -> String {
    escape(printable(value).as_str()).into_owned()
}

/// Remediation text for HTML: escaped, with each `code span` (between backticks, as the rule
/// files write commands and names) set as code. Unpaired backticks are left as they are.
fn prose(value: &str) -> String {
    let escaped = text(value);
    let parts: Vec<&str> = escaped.split('`').collect();
    if parts.len() % 2 == 0 {
        return escaped;
    }
    parts
        .iter()
        .enumerate()
        .map(|(index, part)| {
            if index % 2 == 1 {
                format!("<code>{part}</code>")
            } else {
                (*part).to_string()
            }
        })
        .collect()
}

/// `'sha256-…'` of a script or style sheet, for the Content-Security-Policy.
fn csp_hash(source: &str) -> String {
    let digest = Sha256::digest(source.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

fn head(inventory: &InventoryReport, page: &mut String) {
    let policy = format!(
        "default-src 'none'; style-src {}; script-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(STYLE),
        csp_hash(SCRIPT)
    );
    page.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    page.push_str(&format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">\n"
    ));
    page.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
    page.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    page.push_str("<link rel=\"icon\" href=\"data:,\">\n");
    page.push_str(&format!(
        "<title>sprawl inventory: {}</title>\n",
        counted(inventory.summary.secrets, "secret")
    ));
    page.push_str("<style>");
    page.push_str(STYLE);
    page.push_str("</style>\n</head>\n<body>\n");
}

fn header(inventory: &InventoryReport, page: &mut String) {
    let summary = &inventory.summary;
    page.push_str("<header>\n<h1>Secret inventory</h1>\n");
    page.push_str(&format!(
        "<p id=\"summary\"><strong>{}</strong>: {} present at HEAD or in files, {} only in history, {} unknown; {} high, {} medium, {} low confidence; in {}.</p>\n",
        counted(summary.secrets, "secret"),
        summary.present,
        summary.history,
        summary.unknown,
        summary.high,
        summary.medium,
        summary.low,
        counted(summary.places, "place"),
    ));
    page.push_str(&format!(
        "<p class=\"note\">Written by sprawl {}. Secrets are redacted: at most their first 4 characters are shown. A fingerprint is the SHA-256 of the rule id and the secret: it identifies a secret across places without revealing it, but anyone holding a candidate secret can test it, so keep this file as private as the repositories. <strong>Rotate every credential first</strong>: removing it from the code, or from history, does not make it safe.</p>\n",
        env!("CARGO_PKG_VERSION")
    ));
    if !inventory.errors.is_empty() || !inventory.warnings.is_empty() {
        page.push_str("<ul id=\"problems\">\n");
        for (kind, list) in [
            ("error", &inventory.errors),
            ("warning", &inventory.warnings),
        ] {
            for problem in list {
                page.push_str(&format!(
                    "<li>{kind}: <code>{}</code>: {}</li>\n",
                    text(&problem.path),
                    text(&problem.message)
                ));
            }
        }
        page.push_str("</ul>\n");
    }
    page.push_str("</header>\n");
}

fn sources(inventory: &InventoryReport, page: &mut String) {
    page.push_str("<section id=\"sources\">\n<h2>Sources</h2>\n<table>\n<thead><tr><th>Name</th><th>Kind</th><th>Path</th><th>HEAD</th><th>Branch</th></tr></thead>\n<tbody>\n");
    for source in &inventory.sources {
        let kind = match source.kind {
            SourceKind::Repository => "repository",
            SourceKind::Folder => "folder",
            SourceKind::Report => "report",
        };
        let head = source.head.as_ref().map_or(String::new(), |commit| {
            format!(
                "<code>{}</code> {}",
                text(short(&commit.id)),
                text(&commit.date)
            )
        });
        page.push_str(&format!(
            "<tr><td>{}</td><td>{kind}</td><td><code>{}</code></td><td>{head}</td><td>{}</td></tr>\n",
            text(&source.name),
            text(&source.path),
            text(source.branch.as_deref().unwrap_or(""))
        ));
    }
    page.push_str("</tbody>\n</table>\n</section>\n");
}

fn filters(inventory: &InventoryReport, page: &mut String) {
    let repositories: BTreeSet<&str> = inventory
        .secrets
        .iter()
        .flat_map(|secret| secret.repositories.iter().map(String::as_str))
        .collect();
    let rules: BTreeSet<&str> = inventory
        .secrets
        .iter()
        .map(|s| s.rule_id.as_str())
        .collect();
    page.push_str("<h2>Secrets</h2>\n<div class=\"filters\" role=\"search\">\n");
    page.push_str("<input type=\"search\" id=\"filter-text\" placeholder=\"Filter by path, rule, fingerprint, author…\" aria-label=\"Filter by text\">\n");
    select(
        page,
        "filter-repository",
        "Repository",
        "All repositories",
        repositories
            .iter()
            .map(|name| (name.to_string(), name.to_string())),
    );
    select(
        page,
        "filter-rule",
        "Rule",
        "All rules",
        rules.iter().map(|id| (id.to_string(), id.to_string())),
    );
    select(
        page,
        "filter-confidence",
        "Confidence",
        "Any confidence",
        ["high", "medium", "low"]
            .into_iter()
            .map(|level| (level.to_string(), level.to_string())),
    );
    select(
        page,
        "filter-status",
        "Status",
        "Present or in history",
        [
            ("present", "Present at HEAD or in files"),
            ("history", "Only in history"),
            ("unknown", "Unknown"),
        ]
        .into_iter()
        .map(|(value, label)| (value.to_string(), label.to_string())),
    );
    page.push_str(&format!(
        "<span id=\"shown-count\" aria-live=\"polite\">{} of {} secrets shown</span>\n</div>\n",
        inventory.secrets.len(),
        inventory.secrets.len()
    ));
}

/// A `<select>` whose first option (value "") picks everything.
fn select(
    page: &mut String,
    id: &str,
    label: &str,
    any: &str,
    options: impl Iterator<Item = (String, String)>,
) {
    page.push_str(&format!(
        "<select id=\"{id}\" aria-label=\"{label}\"><option value=\"\">{any}</option>"
    ));
    for (value, shown) in options {
        page.push_str(&format!(
            "<option value=\"{}\">{}</option>",
            text(&value),
            text(&shown)
        ));
    }
    page.push_str("</select>\n");
}

fn table(inventory: &InventoryReport, page: &mut String) {
    page.push_str("<table id=\"inventory\">\n<thead><tr>");
    for (key, kind, label) in [
        ("index", "number", "#"),
        ("rule", "text", "Rule"),
        ("confidence", "number", "Confidence"),
        ("status", "number", "Status"),
        ("repositories", "text", "Repositories"),
        ("places", "number", "Places"),
        ("first", "number", "First seen"),
        ("last", "number", "Last seen"),
        ("removed", "number", "Removed"),
    ] {
        let sorted = if key == "index" { "ascending" } else { "none" };
        page.push_str(&format!(
            "<th data-sort=\"{key}\" data-type=\"{kind}\" aria-sort=\"{sorted}\"><button type=\"button\">{label}</button></th>"
        ));
    }
    page.push_str("<th>Secret</th></tr></thead>\n<tbody>\n");
    for (index, secret) in inventory.secrets.iter().enumerate() {
        row(index + 1, secret, page);
    }
    page.push_str("</tbody>\n</table>\n");
    if inventory.secrets.is_empty() {
        page.push_str("<p id=\"empty\">No secrets found.</p>\n");
    }
}

fn row(number: usize, secret: &SecretRecord, page: &mut String) {
    let repositories = serde_json::to_string(&secret.repositories).unwrap_or_default();
    let search: String = std::iter::once(secret.rule_id.as_str())
        .chain([secret.rule_name.as_str(), secret.fingerprint.as_str()])
        .chain(secret.places.iter().flat_map(|place| {
            std::iter::once(place.repository.as_str())
                .chain(std::iter::once(place.path.as_str()))
                .chain(place.commits.iter().flat_map(|o| {
                    [
                        o.commit.id.as_str(),
                        o.commit.author.as_str(),
                        o.commit.email.as_str(),
                    ]
                }))
        }))
        .collect::<Vec<&str>>()
        .join(" ")
        .to_lowercase();
    let date =
        |seen: &Option<SeenRecord>| seen.as_ref().map_or(NO_DATE, |s| timestamp(&s.commit.date));
    let shown_date = |seen: &Option<SeenRecord>| {
        seen.as_ref().map_or(String::new(), |s| {
            format!(
                "{}<br><span class=\"muted\">{}</span>",
                text(day(&s.commit.date)),
                text(&s.repository)
            )
        })
    };
    let status = secret.status.as_str();
    page.push_str(&format!(
        "<tr id=\"row-{number}\" data-index=\"{number}\" data-rule=\"{}\" data-confidence=\"{}\" data-status=\"{status}\" data-repositories=\"{}\" data-search=\"{}\" data-sort-index=\"{number}\" data-sort-rule=\"{}\" data-sort-confidence=\"{}\" data-sort-status=\"{}\" data-sort-repositories=\"{}\" data-sort-places=\"{}\" data-sort-first=\"{}\" data-sort-last=\"{}\" data-sort-removed=\"{}\">",
        text(&secret.rule_id),
        secret.confidence,
        text(&repositories),
        text(&search),
        text(&secret.rule_id),
        confidence_rank(secret.confidence),
        status_rank(secret.status),
        text(&secret.repositories.join(" ")),
        secret.places.len(),
        date(&secret.first_seen),
        date(&secret.last_seen),
        date(&secret.removed),
    ));
    page.push_str(&format!(
        "<td>{number}</td><td><code>{}</code><br><span class=\"muted\">{}</span></td><td class=\"confidence-{}\">{}</td><td><span class=\"badge {status}\">{}</span></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code> <a href=\"#secret-{number}\">places</a></td></tr>\n",
        text(&secret.rule_id),
        text(&secret.rule_name),
        secret.confidence,
        secret.confidence,
        status_label(secret.status),
        secret
            .repositories
            .iter()
            .map(|name| text(name))
            .collect::<Vec<_>>()
            .join("<br>"),
        secret.places.len(),
        shown_date(&secret.first_seen),
        shown_date(&secret.last_seen),
        shown_date(&secret.removed),
        text(&shown(&secret.secret, true)),
    ));
}

fn details(inventory: &InventoryReport, page: &mut String) {
    page.push_str("<section id=\"details\">\n<h2>Places</h2>\n");
    for (index, secret) in inventory.secrets.iter().enumerate() {
        article(inventory, index + 1, secret, page);
    }
    page.push_str("</section>\n");
}

fn article(inventory: &InventoryReport, number: usize, secret: &SecretRecord, page: &mut String) {
    let status = secret.status.as_str();
    page.push_str(&format!(
        "<article class=\"secret\" id=\"secret-{number}\">\n<h3>#{number} <code>{}</code> <code class=\"secret-value\">{}</code> <span class=\"badge {status}\">{}</span></h3>\n",
        text(&secret.rule_id),
        text(&shown(&secret.secret, true)),
        status_label(secret.status)
    ));
    let paired = secret.paired_id.as_deref().map_or(String::new(), |id| {
        format!(" Found with <code>{}</code>.", text(&shown(id, true)))
    });
    page.push_str(&format!(
        "<p>{}, {} confidence. Fingerprint <code>{}</code>.{paired}</p>\n",
        text(&secret.rule_name),
        secret.confidence,
        text(&secret.fingerprint)
    ));
    let mut seen = Vec::new();
    for (label, sighting) in [
        ("First seen", &secret.first_seen),
        ("last seen", &secret.last_seen),
        ("removed everywhere", &secret.removed),
    ] {
        if let Some(sighting) = sighting {
            seen.push(format!(
                "{label} {} in {} <code>{}</code> (<code>{}</code>, {})",
                text(&sighting.commit.date),
                text(&sighting.repository),
                text(&sighting.path),
                text(short(&sighting.commit.id)),
                text(&sighting.commit.author)
            ));
        }
    }
    if !seen.is_empty() {
        page.push_str(&format!("<p>{}.</p>\n", seen.join("; ")));
    }
    page.push_str("<table>\n<thead><tr><th>Repository</th><th>Path</th><th>Lines</th><th>Status</th><th>Commits, and commands to see them</th></tr></thead>\n<tbody>\n");
    for place in &secret.places {
        place_row(inventory, place, page);
    }
    page.push_str("</tbody>\n</table>\n");
    if let Some(rule) = inventory.rules.get(&secret.rule_id) {
        remediation(rule, page);
    }
    page.push_str("</article>\n");
}

fn place_row(inventory: &InventoryReport, place: &PlaceRecord, page: &mut String) {
    let lines: Vec<String> = place.lines.iter().map(ToString::to_string).collect();
    let standing = match (place.status, &place.removed) {
        (Status::Present, _) if place.commits.is_empty() => "present in the files".to_string(),
        (Status::Present, _) => "present at HEAD".to_string(),
        (Status::History, Some(commit)) => format!(
            "removed by <code>{}</code> {} ({}: {})",
            text(short(&commit.id)),
            text(&commit.date),
            text(&commit.author),
            text(&commit.message)
        ),
        (Status::History, None) => "not at HEAD; never on HEAD's first-parent line".to_string(),
        (Status::Unknown, _) => "in history; HEAD not checked".to_string(),
    };
    let mut commands = String::new();
    for occurrence in &place.commits {
        let commit = &occurrence.commit;
        commands.push_str(&format!(
            "<div><code>{}</code> {} {}: {} (line {})<code class=\"command\">{}</code></div>",
            text(short(&commit.id)),
            text(day(&commit.date)),
            text(&commit.author),
            text(&commit.message),
            occurrence.line,
            text(&git_show(inventory, place, short(&commit.id)))
        ));
    }
    if place.status == Status::Present && !place.commits.is_empty() {
        commands.push_str(&format!(
            "<div>at HEAD<code class=\"command\">{}</code></div>",
            text(&git_show(inventory, place, "HEAD"))
        ));
    }
    page.push_str(&format!(
        "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td><span class=\"badge {}\">{}</span> {standing}</td><td class=\"commands\">{commands}</td></tr>\n",
        text(&place.repository),
        text(&place.path),
        lines.join(", "),
        place.status.as_str(),
        status_label(place.status),
    ));
}

fn remediation(rule: &RuleRecord, page: &mut String) {
    let Some(entry) = &rule.remediation else {
        page.push_str("<div class=\"remediation\">No remediation entry for this rule's family: revoke the credential at the system that issued it.</div>\n");
        return;
    };
    let links: Vec<String> = entry
        .references
        .iter()
        .map(|reference| {
            if is_web_url(reference) {
                format!(
                    "<a href=\"{0}\" rel=\"noopener noreferrer\" target=\"_blank\">{0}</a>",
                    text(reference)
                )
            } else {
                text(reference)
            }
        })
        .collect();
    page.push_str(&format!(
        "<div class=\"remediation\"><p><strong>Revoke or rotate.</strong> {}</p><p>{}</p><p><strong>Where it belongs instead.</strong> {}</p></div>\n",
        prose(&entry.rotate),
        links.join("<br>"),
        prose(&entry.instead)
    ));
}

fn status_label(status: Status) -> &'static str {
    match status {
        Status::Present => "present",
        Status::History => "only in history",
        Status::Unknown => "unknown",
    }
}

fn status_rank(status: Status) -> u8 {
    match status {
        Status::Present => 0,
        Status::Unknown => 1,
        Status::History => 2,
    }
}

fn confidence_rank(confidence: Confidence) -> u8 {
    match confidence {
        Confidence::High => 3,
        Confidence::Medium => 2,
        Confidence::Low => 1,
    }
}

/// The day of an RFC 3339 date, as written (`2024-03-01`).
fn day(date: &str) -> &str {
    date.get(..10).unwrap_or(date)
}

fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::collect::{Collector, Standing};
    use crate::report::FindingRecord;

    #[test]
    fn code_spans_become_code_and_markup_is_escaped() {
        assert_eq!(
            prose("Run `aws iam delete-access-key` <now>"),
            "Run <code>aws iam delete-access-key</code> &lt;now&gt;"
        );
        assert_eq!(prose("a ` stray"), "a ` stray");
        assert_eq!(text("a\u{1b}[1m\"b\""), "a\u{FFFD}[1m&quot;b&quot;");
    }

    #[test]
    fn the_page_redacts_a_secret_its_input_held_in_clear() {
        // Built here, so that the file holds no literal for the self-scan to find.
        let secret = &format!("acme_live_{}", "0123456789abcdefghij");
        let record = FindingRecord {
            rule_id: "acme.key".into(),
            rule_name: "Acme key".into(),
            path: "a.env".into(),
            archive: None,
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 31,
            secret: secret.into(),
            paired_id: None,
            fingerprint: "f".into(),
            entropy: 4.0,
            confidence: Confidence::High,
            demoted: None,
            part: None,
            commit: None,
            author: None,
            email: None,
            date: None,
            message: None,
            occurrences: None,
            encoding: Vec::new(),
        };
        // An inventory built without redaction (as `--format json --no-redact` writes it).
        let mut collector = Collector::new(false);
        collector.add_finding("folder", &record, Standing::Files);
        let inventory = collector.finish();
        assert_eq!(&inventory.secrets[0].secret, secret);
        let mut page = Vec::new();
        write(&inventory, &mut page).unwrap();
        let page = String::from_utf8(page).unwrap();
        assert!(!page.contains(&secret[..8]), "{page}");
        assert!(page.contains("<code class=\"secret-value\">acme…</code>"));
        assert!(page.contains("in files only, no history") || page.contains("timeline-empty"));
    }
}
