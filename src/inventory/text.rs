//! The inventory for people: a headline, then each secret with its places, the commits that
//! wrote it at each, what removed it, the `git show` command to look at it, and where to revoke
//! it. Every string that came from a repository (paths, names, commit messages) goes through
//! [`printable`], so an escape sequence in a hostile commit cannot drive the terminal.

use std::io::{self, Write};

use super::record::{InventoryReport, PlaceRecord, SecretRecord, SourceKind, Status};
use crate::report::{printable, shell_quoted};

/// Writes the inventory: nothing but the headline when it holds no secret.
pub(crate) fn write(inventory: &InventoryReport, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", headline(inventory))?;
    for (index, secret) in inventory.secrets.iter().enumerate() {
        writeln!(out)?;
        write_secret(inventory, index + 1, secret, out)?;
    }
    Ok(())
}

/// `4 secrets (2 present, 1 only in history, 1 unknown) in 6 places, from 2 repositories and
/// 1 folder`.
fn headline(inventory: &InventoryReport) -> String {
    let summary = &inventory.summary;
    let mut states = Vec::new();
    for (count, word) in [
        (summary.present, "present"),
        (summary.history, "only in history"),
        (summary.unknown, "unknown"),
    ] {
        if count > 0 {
            states.push(format!("{count} {word}"));
        }
    }
    let states = if states.is_empty() {
        String::new()
    } else {
        format!(" ({})", states.join(", "))
    };
    let mut sources = Vec::new();
    for (kind, noun) in [
        (SourceKind::Repository, "repository"),
        (SourceKind::Folder, "folder"),
        (SourceKind::Report, "report"),
    ] {
        let n = inventory.sources.iter().filter(|s| s.kind == kind).count();
        if n > 0 {
            sources.push(counted(n, noun));
        }
    }
    format!(
        "{}{states} in {}, from {}",
        counted(summary.secrets, "secret"),
        counted(summary.places, "place"),
        if sources.is_empty() {
            "nothing".to_string()
        } else {
            sources.join(" and ")
        }
    )
}

fn write_secret(
    inventory: &InventoryReport,
    number: usize,
    secret: &SecretRecord,
    out: &mut dyn Write,
) -> io::Result<()> {
    let paired = secret
        .paired_id
        .as_deref()
        .map(|id| format!(" (with {})", printable(id)))
        .unwrap_or_default();
    writeln!(
        out,
        "[{number}] {}  {}{paired}  {}  {}",
        secret.rule_id,
        printable(&secret.secret),
        secret.confidence,
        status_word(secret.status)
    )?;
    writeln!(
        out,
        "    {}; fingerprint {}",
        printable(&secret.rule_name),
        secret.fingerprint
    )?;
    if let (Some(first), Some(last)) = (&secret.first_seen, &secret.last_seen) {
        writeln!(
            out,
            "    first seen {} in {} ({}), last seen {} in {} ({})",
            first.commit.date,
            printable(&first.repository),
            short(&first.commit.id),
            last.commit.date,
            printable(&last.repository),
            short(&last.commit.id)
        )?;
    }
    if let Some(removed) = &secret.removed {
        writeln!(
            out,
            "    removed everywhere by {} ({}, {})",
            removed.commit.date,
            printable(&removed.repository),
            short(&removed.commit.id)
        )?;
    }
    for place in &secret.places {
        write_place(inventory, place, out)?;
    }
    if let Some(remediation) = inventory
        .rules
        .get(&secret.rule_id)
        .and_then(|rule| rule.remediation.as_ref())
    {
        let page = remediation.references.first().map_or("", String::as_str);
        writeln!(
            out,
            "    rotate: {page}  (how: sprawl rules show {})",
            secret.rule_id
        )?;
    }
    Ok(())
}

/// `repo  path:line  present at HEAD`, each commit that wrote it there, and a command to see it.
fn write_place(
    inventory: &InventoryReport,
    place: &PlaceRecord,
    out: &mut dyn Write,
) -> io::Result<()> {
    let lines: Vec<String> = place.lines.iter().map(ToString::to_string).collect();
    let standing = match (place.status, &place.removed) {
        (Status::Present, _) if place.commits.is_empty() => "present in the files".to_string(),
        (Status::Present, _) => "present at HEAD".to_string(),
        (Status::History, Some(commit)) => format!(
            "removed by {} {} {}: {}",
            short(&commit.id),
            commit.date,
            printable(&commit.author),
            printable(&commit.message)
        ),
        (Status::History, None) => "not at HEAD (never on HEAD's first-parent line)".to_string(),
        (Status::Unknown, _) => "in history (HEAD not checked)".to_string(),
    };
    writeln!(
        out,
        "    {}  {}:{}  {standing}",
        printable(&place.repository),
        printable(&place.path),
        lines.join(",")
    )?;
    for occurrence in &place.commits {
        let commit = &occurrence.commit;
        writeln!(
            out,
            "        written by {}  {}  {}  {}  (line {})",
            short(&commit.id),
            commit.date,
            printable(&commit.author),
            printable(&commit.message),
            occurrence.line
        )?;
    }
    if let Some(command) = show_command(inventory, place) {
        writeln!(out, "        {}", printable(&command))?;
    }
    Ok(())
}

/// The command that shows the file holding the secret: at HEAD where it is present, else at the
/// newest commit that wrote it. `None` for a place with no commit (a folder's file).
fn show_command(inventory: &InventoryReport, place: &PlaceRecord) -> Option<String> {
    let newest = place.commits.last()?;
    let revision = match place.status {
        Status::Present => "HEAD",
        Status::History | Status::Unknown => short(&newest.commit.id),
    };
    Some(git_show(inventory, place, revision))
}

/// `git show REVISION:PATH` for the file of `place`, with `-C REPO` when the repository's path
/// is known, each word quoted for a POSIX shell.
pub(super) fn git_show(inventory: &InventoryReport, place: &PlaceRecord, revision: &str) -> String {
    let repo = inventory
        .sources
        .iter()
        .find(|source| source.name == place.repository && source.kind == SourceKind::Repository)
        .map(|source| format!("-C {} ", shell_quoted(&source.path)))
        .unwrap_or_default();
    format!(
        "git {repo}show {}",
        shell_quoted(&format!("{revision}:{}", place.outer_path()))
    )
}

fn status_word(status: Status) -> &'static str {
    match status {
        Status::Present => "PRESENT",
        Status::History => "only in history",
        Status::Unknown => "in history (HEAD not checked)",
    }
}

/// The first 12 characters of a commit id.
pub(super) fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

fn counted(n: usize, noun: &str) -> String {
    match (n, noun) {
        (1, _) => format!("1 {noun}"),
        (_, "repository") => format!("{n} repositories"),
        _ => format!("{n} {noun}s"),
    }
}

/// The one-line summary for standard error, without a trailing newline.
pub(crate) fn summary(inventory: &InventoryReport) -> String {
    let mut parts = vec![headline(inventory)];
    let summary = &inventory.summary;
    if summary.secrets > 0 {
        parts.push(format!(
            "{} high, {} medium, {} low",
            summary.high, summary.medium, summary.low
        ));
    }
    if !inventory.errors.is_empty() {
        parts.push(counted(inventory.errors.len(), "error"));
    }
    if !inventory.warnings.is_empty() {
        parts.push(counted(inventory.warnings.len(), "warning"));
    }
    format!("sprawl: inventory: {}", parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nouns_are_counted() {
        assert_eq!(counted(1, "repository"), "1 repository");
        assert_eq!(counted(2, "repository"), "2 repositories");
        assert_eq!(counted(0, "secret"), "0 secrets");
    }

    #[test]
    fn short_ids_do_not_cut_short_text() {
        assert_eq!(short("0123456789abcdef"), "0123456789ab");
        assert_eq!(short("abc"), "abc");
    }
}
