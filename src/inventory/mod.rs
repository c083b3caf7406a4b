//! `sprawl inventory`: one list of every secret across repositories, folders and reports, each
//! with every place it occurs, when it was written, and whether HEAD still holds it.
//!
//! An auditor asked "which credentials must we rotate, and where is each one copied?" needs the
//! findings of many scans turned inside out: not places with secrets, but secrets with places.
//! The inventory is built on the scanner's own results (a repository is scanned as `sprawl git
//! --all-occurrences` scans it, a folder as `sprawl scan` does, a report is read as `sprawl
//! merge` reads it), so it finds exactly what those find; `presence` then asks each
//! repository's HEAD what became of every secret, and `collect` folds it all into one entry per
//! secret. The result is a plain record ([`InventoryReport`]) that the writers render as text,
//! JSON or one self-contained HTML page, and that `--report` reads back, so inventories of many
//! repositories, made apart, join into one.

mod collect;
mod html;
mod presence;
mod record;
mod text;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::path::Path;

use anyhow::{bail, Context, Result};

pub use record::{
    schema, CommitRecord, InventoryReport, OccurrenceRecord, PlaceRecord, RemediationRecord,
    RuleRecord, SecretRecord, SeenRecord, SourceKind, SourceRecord, Status, SummaryRecord,
    INVENTORY_VERSION,
};
pub(crate) use text::summary;

use crate::config::{InventoryConfig, InventoryFormat, InventoryInput};
use crate::progress::Progress;
use crate::report::{FindingRecord, Shown};
use crate::rules::RuleSet;
use collect::{Collector, Standing};
use presence::HeadState;

/// Scans every input and reads every report of `config`, and folds what they hold into one
/// inventory. An input that cannot be scanned at all (a repository that will not open) fails
/// the whole run; files and blobs that cannot be read are listed in its `errors`.
pub(crate) fn build(config: &InventoryConfig) -> Result<InventoryReport> {
    let mut collector = Collector::new(config.redact);
    for input in &config.inputs {
        scan_input(input, config, &mut collector)?;
    }
    for report in &config.reports {
        read_report(report, config, &mut collector)?;
    }
    Ok(collector.finish())
}

/// Writes `inventory` as `format` to `out`.
pub(crate) fn write(
    inventory: &InventoryReport,
    format: InventoryFormat,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        InventoryFormat::Text => text::write(inventory, out),
        InventoryFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, inventory)?;
            out.write_all(b"\n")
        }
        InventoryFormat::Html => html::write(inventory, out),
    }
}

/// Scans one repository or folder and adds what it holds.
fn scan_input(
    input: &InventoryInput,
    config: &InventoryConfig,
    collector: &mut Collector,
) -> Result<()> {
    let noun = if input.is_repository {
        "blobs"
    } else {
        "files"
    };
    let progress = Progress::for_stderr(config.quiet, config.no_progress, noun);
    let result = crate::pipeline::scan_with_progress(&input.scan, false, &progress);
    progress.finish();
    let result = result.with_context(|| format!("cannot inventory {}", input.path.display()))?;
    for error in &result.errors {
        collector.add_problem(&input.name, &error.into(), false);
    }
    for warning in &result.warnings {
        collector.add_problem(&input.name, &warning.into(), true);
    }
    for note in &result.notes {
        collector.add_note(&input.name, note);
    }
    // The input's own config's warnings (a misspelt `rules.disable` id); those of the options
    // every input shares are said once, by the caller.
    for warning in &input.scan.warnings {
        if !config.warnings.contains(warning) {
            collector.add_note(&input.name, warning);
        }
    }
    // Secrets in commit messages are masked as in a scan's report.
    let shown = Shown::new(&result.findings, &input.scan.rules, config.redact);
    let mut records: Vec<FindingRecord> = result
        .findings
        .iter()
        .map(|finding| FindingRecord::new(finding, &shown))
        .collect();
    if !input.is_repository {
        // Paths of a folder scan start with the folder as given; places are named within it.
        for record in &mut records {
            record.path = within(&input.path, &record.path);
            record.archive = record
                .archive
                .as_deref()
                .map(|outer| within(&input.path, outer));
        }
    }
    let head = if input.is_repository {
        Some(
            presence::check(&input.path, &input.scan, &wanted(&records))
                .with_context(|| format!("cannot check HEAD of {}", input.path.display()))?,
        )
    } else {
        None
    };
    add_records(
        collector,
        &input.name,
        &records,
        head.as_ref(),
        &input.scan.rules,
    );
    collector.add_source(SourceRecord {
        name: input.name.clone(),
        kind: if input.is_repository {
            SourceKind::Repository
        } else {
            SourceKind::Folder
        },
        path: input.path.display().to_string(),
        head: head.as_ref().and_then(|state| state.head.clone()),
        branch: head.and_then(|state| state.branch),
    });
    Ok(())
}

/// Reads a report (or an inventory) and adds what it holds. The places of a scan report are
/// named after `--report-repo` when given (and its HEAD is checked), else after the report.
fn read_report(path: &Path, config: &InventoryConfig, collector: &mut Collector) -> Result<()> {
    if let Some(inventory) = read_inventory(path)? {
        collector.add_inventory(inventory);
        return Ok(());
    }
    let part = crate::merge::read(path)?;
    let name = config
        .report_repo
        .as_ref()
        .map_or_else(|| path.display().to_string(), |repo| repo.name.clone());
    let head = match &config.report_repo {
        Some(repo) => Some(
            presence::check(&repo.path, &repo.scan, &wanted(&part.findings))
                .with_context(|| format!("cannot check HEAD of {}", repo.path.display()))?,
        ),
        None => None,
    };
    for error in &part.errors {
        collector.add_problem(&name, error, false);
    }
    for warning in &part.warnings {
        collector.add_problem(&name, warning, true);
    }
    add_records(
        collector,
        &name,
        &part.findings,
        head.as_ref(),
        &config.rules,
    );
    collector.add_source(SourceRecord {
        name,
        kind: SourceKind::Report,
        path: path.display().to_string(),
        head: head.as_ref().and_then(|state| state.head.clone()),
        branch: head.and_then(|state| state.branch),
    });
    Ok(())
}

/// The file at `path` as an inventory, if it is one (a JSON object with `secrets`); `None` for
/// anything else, which is read as a scan report.
fn read_inventory(path: &Path) -> Result<Option<InventoryReport>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the report {}", path.display()))?;
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Ok(None);
    };
    if value.get("secrets").is_none() {
        return Ok(None);
    }
    let inventory: InventoryReport = serde_json::from_value(value)
        .with_context(|| format!("{}: not a sprawl inventory", path.display()))?;
    if inventory.version != INVENTORY_VERSION {
        bail!(
            "{}: a version {} inventory; this sprawl reads version {INVENTORY_VERSION}",
            path.display(),
            inventory.version
        );
    }
    Ok(Some(inventory))
}

/// Adds `records` found at `name`: a record with a commit stands as HEAD says (unknown without
/// a HEAD to ask), one without stands as present in files.
fn add_records(
    collector: &mut Collector,
    name: &str,
    records: &[FindingRecord],
    head: Option<&HeadState>,
    rules: &RuleSet,
) {
    for record in records {
        collector.add_rule(&record.rule_id, &record.rule_name, rules);
        let outer = record.archive.as_deref().unwrap_or(&record.path);
        let key = (outer.to_string(), record.fingerprint.clone());
        let standing = match (&record.commit, head) {
            (None, _) => Standing::Files,
            (Some(_), Some(head)) => head
                .places
                .get(&key)
                .map_or(Standing::Unknown, Standing::Head),
            (Some(_), None) => Standing::Unknown,
        };
        collector.add_finding(name, record, standing);
    }
}

/// The fingerprints to look for at each path (the outer file, for archives) of the records
/// from history.
fn wanted(records: &[FindingRecord]) -> BTreeMap<String, BTreeSet<String>> {
    let mut wanted: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for record in records.iter().filter(|record| record.commit.is_some()) {
        let outer = record.archive.as_deref().unwrap_or(&record.path);
        wanted
            .entry(outer.to_string())
            .or_default()
            .insert(record.fingerprint.clone());
    }
    wanted
}

/// `path` relative to the folder `root` it was found under, or as it is when it is `root`
/// itself (a file given on the command line) or not under it.
fn within(root: &Path, path: &str) -> String {
    match Path::new(path).strip_prefix(root) {
        Ok(inner) if !inner.as_os_str().is_empty() => inner.display().to_string(),
        _ => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_paths_are_named_within_the_folder() {
        assert_eq!(within(Path::new("deploy"), "deploy/prod.env"), "prod.env");
        assert_eq!(
            within(Path::new("./deploy/"), "./deploy/a/b.env"),
            "a/b.env"
        );
        assert_eq!(
            within(Path::new("deploy/prod.env"), "deploy/prod.env"),
            "deploy/prod.env"
        );
        assert_eq!(
            within(Path::new("other"), "deploy/prod.env"),
            "deploy/prod.env"
        );
    }
}
