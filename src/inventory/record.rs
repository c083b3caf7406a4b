//! The inventory as records: what `--format json` writes, what `--report` reads back, and what
//! the text and HTML writers render. One shape for all three, so an inventory read back and
//! joined with others is the same as one built in one run.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::report::ErrorRecord;
use crate::rules::Confidence;

/// The version of the inventory document's shape; raised when a field changes meaning or goes
/// away.
pub const INVENTORY_VERSION: u32 = 1;

/// The JSON Schema (draft 2020-12) of the inventory document, generated from
/// [`InventoryReport`]. The repository keeps a copy in
/// `schema/sprawl-inventory.v{INVENTORY_VERSION}.json`, which a test keeps in step.
pub fn schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(InventoryReport).to_value();
    schema["$id"] = serde_json::Value::String(format!(
        "https://github.com/sprawl-scanner/sprawl/schema/sprawl-inventory.v{INVENTORY_VERSION}.json"
    ));
    schema
}

/// The inventory document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InventoryReport {
    /// [`INVENTORY_VERSION`].
    pub version: u32,
    /// Counts over the whole inventory.
    pub summary: SummaryRecord,
    /// What was inventoried: repositories, folders and reports, in the order given.
    pub sources: Vec<SourceRecord>,
    /// One entry per secret (rule and fingerprint): secrets still present first, then by
    /// confidence (highest first), then oldest first.
    pub secrets: Vec<SecretRecord>,
    /// Each rule that found a secret here: its name, family and remediation.
    pub rules: BTreeMap<String, RuleRecord>,
    /// Inputs that could not be read, each naming its source.
    pub errors: Vec<ErrorRecord>,
    /// Archives that are hostile or broken; present only when there are some.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<ErrorRecord>,
}

/// Counts over the inventory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SummaryRecord {
    /// Secrets listed.
    pub secrets: usize,
    /// Secrets still present at HEAD (or in the files of a folder).
    pub present: usize,
    /// Secrets only in history: no HEAD holds them any more.
    pub history: usize,
    /// Secrets known only from reports that cannot tell.
    pub unknown: usize,
    /// Places (a repository or folder and a path) holding secrets.
    pub places: usize,
    /// Secrets of high confidence.
    pub high: usize,
    /// Secrets of medium confidence.
    pub medium: usize,
    /// Secrets of low confidence.
    pub low: usize,
}

/// Whether a secret, or one place of it, is still there.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Still there: in HEAD's tree (a repository) or in the files (a folder). For a secret:
    /// at one place at least.
    Present,
    /// Known only from reports of history scans whose repository was not given.
    Unknown,
    /// Only in history: HEAD no longer holds it (at any place, for a secret).
    History,
}

impl Status {
    /// The lowercase name used in every output.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Present => "present",
            Status::Unknown => "unknown",
            Status::History => "history",
        }
    }
}

/// What kind of input a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// A git repository: its history, and its HEAD.
    Repository,
    /// A folder (or file) scanned as files.
    Folder,
    /// A report of an earlier scan, or an inventory.
    Report,
}

/// One input of the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceRecord {
    /// What its places are called (`repository` in places).
    pub name: String,
    /// What it is.
    pub kind: SourceKind,
    /// The path as given.
    pub path: String,
    /// Repositories: the commit HEAD was at, which "present" refers to; absent for an empty
    /// repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<CommitRecord>,
    /// Repositories: the branch HEAD names; absent for a detached HEAD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
}

/// A commit, as reports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitRecord {
    /// The full hex id.
    pub id: String,
    /// The author date, RFC 3339 with the author's offset.
    pub date: String,
    /// The author's name.
    pub author: String,
    /// The author's email.
    pub email: String,
    /// The first line of the message.
    pub message: String,
}

/// A commit at a place: where a secret was first or last seen, or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SeenRecord {
    /// The repository.
    pub repository: String,
    /// The path in it.
    pub path: String,
    /// The commit.
    pub commit: CommitRecord,
}

/// One secret and everywhere it occurs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretRecord {
    /// The rule that found it.
    pub rule_id: String,
    /// The rule's human name.
    pub rule_name: String,
    /// `low`, `medium` or `high`.
    pub confidence: Confidence,
    /// Hex SHA-256 of the rule id and the secret: what identifies the secret across places.
    pub fingerprint: String,
    /// The secret, redacted unless `--no-redact` (always in HTML).
    pub secret: String,
    /// The identifier found with it (an AWS access key id), redacted like it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paired_id: Option<String>,
    /// `present` if any place still holds it, else `unknown` if a report cannot tell, else
    /// `history`.
    pub status: Status,
    /// The oldest commit that wrote it, at any place; absent when no place has a commit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<SeenRecord>,
    /// The newest commit that wrote it (a copy, or an edit of a file keeping it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<SeenRecord>,
    /// For a secret only in history whose every place's removal is known: the last removal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed: Option<SeenRecord>,
    /// The repositories and folders holding it, sorted.
    pub repositories: Vec<String>,
    /// Every place, by repository and path.
    pub places: Vec<PlaceRecord>,
}

/// A secret at one path of one repository or folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceRecord {
    /// The repository or folder (a source's `name`).
    pub repository: String,
    /// The path, relative to the repository's root; inside an archive `outer.zip!inner/file`.
    pub path: String,
    /// Inside an archive: the outer file, which `git show` names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive: Option<String>,
    /// The lines it is on: at HEAD (or in the file) where it is present, else in the newest
    /// commit that wrote it here.
    pub lines: Vec<usize>,
    /// `present` (HEAD or the file holds it), `history` (HEAD does not), or `unknown`.
    pub status: Status,
    /// For `history`: the commit on HEAD's first-parent line that took it out of this path,
    /// when that line ever held it here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed: Option<CommitRecord>,
    /// The commits that wrote it at this path (introduced it, or changed the file keeping it),
    /// oldest first; empty for a folder.
    pub commits: Vec<OccurrenceRecord>,
}

impl PlaceRecord {
    /// The file git knows: the archive for a place inside one, else the path.
    pub(crate) fn outer_path(&self) -> &str {
        self.archive.as_deref().unwrap_or(&self.path)
    }
}

/// A commit that wrote a secret at a place, and where in its version of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OccurrenceRecord {
    /// The commit.
    pub commit: CommitRecord,
    /// 1-based line in that commit's version of the file.
    pub line: usize,
    /// 1-based byte column.
    pub column: usize,
}

/// A rule that found a secret in the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleRecord {
    /// The rule's human name.
    pub name: String,
    /// Its family (`github`).
    pub family: String,
    /// What to do about a leak; absent when the rule was not loaded or its family has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<RemediationRecord>,
}

/// A family's remediation entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemediationRecord {
    /// How to revoke or rotate such a credential.
    pub rotate: String,
    /// The provider's pages.
    pub references: Vec<String>,
    /// Where such a secret belongs instead.
    pub instead: String,
}
