//! The blob cache of `sprawl git --cache`: which blobs were scanned, under which rules and
//! settings, and what they held, so that the next scan of the repository reads only new blobs.
//!
//! A blob's findings depend on its bytes (archives and notebooks are recognised by their content)
//! and on the rules and settings; its id names its bytes. So an entry is keyed by blob id, and
//! the whole file by a digest of everything else, each setting under its name ([`key_of`]): a
//! change to any of it starts the cache afresh.
//!
//! What is kept is what a clean blob yields: its size and the counts it adds to the stats
//! (candidates dropped, findings suppressed in its content, archives opened), or that it was
//! skipped as binary or too large. A blob that held a finding or an archive warning is not
//! kept: it is read and scanned again, so the report shows its line as a fresh scan does, and
//! the cache never holds a secret, a snippet or even a fingerprint. Such blobs are rare.
//!
//! The file is one per repository, named by a hash of its git folder's path. It starts with a
//! magic string, a format version and the key, holds the entries as JSON (every count by its
//! name, so none can be dropped or swapped unseen), and ends with a SHA-256 of everything before
//! it; a file that fails any check is ignored with a warning, never trusted. It is written to a
//! temporary file (owner-only) and renamed into place, so a reader never sees half of one.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::ScanConfig;
use crate::engine::{DecodeLimits, DropCounts};
use crate::source::{ArchiveCounts, ArchiveLimits, SkipReason};
use crate::stats::Stats;
use crate::suppress::{AllowList, Suppression};

/// The first bytes of every cache file.
const MAGIC: &[u8; 12] = b"SPRAWLCACHE\0";

/// Raised whenever the layout or meaning of an entry changes. Format 3: the entries are JSON,
/// every count by name (format 2 kept them as a row of numbers in a fixed order).
const FORMAT: u32 = 3;

/// What a cached blob yielded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum Entry {
    /// Scanned, nothing found: its size and what scanning it added to the stats.
    Clean {
        /// The blob's size.
        bytes: u64,
        /// What scanning it added to the stats.
        #[serde(default, skip_serializing_if = "Added::is_empty")]
        added: Added,
    },
    /// Skipped without being scanned.
    Skipped(SkipReason),
}

/// Every count that scanning one blob's content can add to the stats, by name: candidates
/// dropped, findings suppressed in its content, archives opened.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Added {
    #[serde(skip_serializing_if = "DropCounts::is_empty")]
    dropped: DropCounts,
    /// Only the reasons that suppressed something.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    suppressed: BTreeMap<Suppression, u64>,
    #[serde(skip_serializing_if = "ArchiveCounts::is_empty")]
    archives: ArchiveCounts,
}

impl Added {
    /// The counts of `stats` that a blob's content adds.
    pub(crate) fn of(stats: &Stats) -> Added {
        Added {
            dropped: stats.dropped,
            suppressed: Suppression::ALL
                .into_iter()
                .map(|reason| (reason, stats.suppressed(reason)))
                .filter(|&(_, count)| count > 0)
                .collect(),
            archives: stats.archives,
        }
    }

    fn is_empty(&self) -> bool {
        *self == Added::default()
    }

    /// Adds these counts to `stats`.
    fn add_to(&self, stats: &mut Stats) {
        stats.dropped.merge(self.dropped);
        for (&reason, &count) in &self.suppressed {
            stats.add_suppressions(reason, count);
        }
        stats.archives.merge(self.archives);
    }
}

/// The cache of one repository under one key.
#[derive(Debug)]
pub(crate) struct BlobCache {
    file: PathBuf,
    key: [u8; 32],
    entries: HashMap<Vec<u8>, Entry>,
    /// Whether entries were added since the file was read.
    changed: bool,
}

/// What the cache did in a scan, for the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CacheUse {
    /// The cache file.
    pub file: PathBuf,
    /// Blobs read from the repository.
    pub read: u64,
    /// Blobs whose outcome came from the cache.
    pub from_cache: u64,
    /// The cache was made with other rules or settings, and started afresh.
    pub invalidated: bool,
    /// A corrupt or foreign cache, or one that could not be written.
    pub warnings: Vec<String>,
}

/// Everything besides a blob's bytes and path that decides what scanning it yields, each under
/// its name: the sprawl version and cache format, every rule (the built-in rule files, the
/// user's rule files whole, and each rule's fields after the config's overrides), the config
/// file, the content-stage allow lists, the file size limit and the archive and decode
/// settings. A setting added to sprawl that changes what a blob yields must be added here.
#[derive(Serialize)]
struct KeyInputs<'a> {
    version: &'static str,
    format: u32,
    /// Each built-in rule file: its name and text.
    builtin: Vec<(&'static str, &'static str)>,
    rules: Vec<RuleInputs<'a>>,
    /// A SHA-256 of each of the user's rule files whole, by the origin their rules name: fields
    /// the list above does not hold (allow lists, the secret group) are in them. Built-in origins
    /// name no file and read as nothing.
    rule_files: BTreeMap<&'a str, String>,
    /// A SHA-256 of the config file, when there is one.
    config: Option<String>,
    allow: AllowInputs<'a>,
    /// Per-rule allow lists, by rule id.
    rule_allows: BTreeMap<&'a str, AllowInputs<'a>>,
    max_file_size: u64,
    archives: Option<ArchiveLimits>,
    decode: DecodeLimits,
}

/// A rule's fields that the config can change.
#[derive(Serialize)]
struct RuleInputs<'a> {
    id: &'a str,
    name: &'a str,
    pattern: &'a str,
    keywords: &'a [String],
    min_entropy: Option<f64>,
    confidence: crate::rules::Confidence,
    origin: &'a str,
}

/// An allow list, its regexes by their source text.
#[derive(Serialize)]
struct AllowInputs<'a> {
    secrets: Vec<&'a str>,
    stopwords: &'a [String],
    lines: Vec<&'a str>,
}

impl<'a> AllowInputs<'a> {
    fn of(allow: &'a AllowList) -> Self {
        AllowInputs {
            secrets: allow.secrets.iter().map(|re| re.as_str()).collect(),
            stopwords: &allow.stopwords,
            lines: allow.lines.iter().map(|re| re.as_str()).collect(),
        }
    }
}

impl<'a> KeyInputs<'a> {
    fn of(config: &'a ScanConfig) -> Self {
        let rules = config.rules.rules();
        let mut rule_files = BTreeMap::new();
        for rule in rules {
            let origin = rule.origin.as_str();
            rule_files
                .entry(origin)
                .or_insert_with(|| digest_of_file(Path::new(origin)));
        }
        let suppressor = &config.suppressor;
        KeyInputs {
            version: env!("CARGO_PKG_VERSION"),
            format: FORMAT,
            builtin: crate::rules::builtin::files().collect(),
            rules: rules
                .iter()
                .map(|rule| RuleInputs {
                    id: &rule.id,
                    name: &rule.name,
                    pattern: &rule.pattern,
                    keywords: &rule.keywords,
                    min_entropy: rule.min_entropy,
                    confidence: rule.confidence,
                    origin: &rule.origin,
                })
                .collect(),
            rule_files,
            config: config.config_file.as_deref().map(digest_of_file),
            allow: AllowInputs::of(&suppressor.global),
            rule_allows: suppressor
                .rule_allows
                .iter()
                .map(|(id, allow)| (id.as_str(), AllowInputs::of(allow)))
                .collect(),
            max_file_size: config.max_file_size,
            archives: config.archives,
            decode: config.decode,
        }
    }
}

/// The hex SHA-256 of the file at `path`; of nothing when it cannot be read.
fn digest_of_file(path: &Path) -> String {
    hex(&Sha256::digest(std::fs::read(path).unwrap_or_default()))
}

/// A SHA-256 of [`KeyInputs`] written as JSON: a change to any of them starts the cache afresh.
pub(crate) fn key_of(config: &ScanConfig) -> [u8; 32] {
    let mut hash = Sha256::new();
    // Writing into a hash cannot fail, and every input serializes (no map has non-string keys).
    let written = serde_json::to_writer(&mut hash, &KeyInputs::of(config));
    debug_assert!(written.is_ok(), "{written:?}");
    hash.finalize().into()
}

impl BlobCache {
    /// Opens the cache of the repository at `git_dir` in `dir` under `key`: its entries if the
    /// file is sound and made under the same key, else none. What was wrong is noted in `usage`.
    pub(crate) fn open(dir: &Path, git_dir: &Path, key: [u8; 32], usage: &mut CacheUse) -> Self {
        let git_dir = git_dir
            .canonicalize()
            .unwrap_or_else(|_| git_dir.to_path_buf());
        let name = hex(&Sha256::digest(git_dir.to_string_lossy().as_bytes())[..16]);
        let file = dir.join(format!("{name}.sprawlcache"));
        usage.file.clone_from(&file);
        let mut cache = BlobCache {
            file,
            key,
            entries: HashMap::new(),
            changed: false,
        };
        let bytes = match std::fs::read(&cache.file) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return cache,
            Err(err) => {
                usage.warnings.push(format!(
                    "cannot read the cache {}: {err}; scanning every blob",
                    cache.file.display()
                ));
                return cache;
            }
        };
        match decode(&bytes, &key) {
            Ok(Some(entries)) => cache.entries = entries,
            Ok(None) => usage.invalidated = true,
            Err(problem) => usage.warnings.push(format!(
                "ignoring the cache {}: {problem}; scanning every blob",
                cache.file.display()
            )),
        }
        cache
    }

    /// What blob `oid` yielded before, if it is known.
    pub(crate) fn get(&self, oid: &[u8]) -> Option<&Entry> {
        self.entries.get(oid)
    }

    /// Remembers what blob `oid` yielded.
    pub(crate) fn insert(&mut self, oid: &[u8], entry: Entry) {
        let previous = self.entries.insert(oid.to_vec(), entry);
        self.changed |= previous.is_none();
    }

    /// Writes the cache if it changed: to a temporary owner-only file beside it, then renamed
    /// over it. Entries of blobs this scan did not plan (other branches, older ranges) are kept.
    pub(crate) fn save(&self) -> std::io::Result<()> {
        if !self.changed {
            return Ok(());
        }
        let dir = self.file.parent().unwrap_or(Path::new("."));
        create_private_dir(dir)?;
        let bytes = encode(&self.entries, &self.key);
        let temp = dir.join(format!(
            ".{}.{}.tmp",
            self.file
                .file_name()
                .map_or_else(String::new, |name| name.to_string_lossy().into_owned()),
            std::process::id()
        ));
        let written =
            write_private(&temp, &bytes).and_then(|()| std::fs::rename(&temp, &self.file));
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written
    }
}

impl Entry {
    /// Adds what this blob yielded to `stats`, as scanning it would.
    pub(crate) fn add_to(&self, stats: &mut Stats) {
        match self {
            Entry::Clean { bytes, added } => {
                stats.files_scanned += 1;
                stats.bytes_scanned += bytes;
                added.add_to(stats);
            }
            Entry::Skipped(reason) => stats.add_skip(*reason),
        }
    }
}

/// The file: [`MAGIC`], [`FORMAT`], the key, the entries as a JSON object from hex blob id to
/// [`Entry`] (sorted, so the same entries always make the same file), and a SHA-256 of all that.
fn encode(entries: &HashMap<Vec<u8>, Entry>, key: &[u8; 32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + entries.len() * 64);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(key);
    let sorted: BTreeMap<String, &Entry> = entries
        .iter()
        .map(|(oid, entry)| (hex(oid), entry))
        .collect();
    // Hex keys and derived types: writing to memory cannot fail.
    let written = serde_json::to_writer(&mut out, &sorted);
    debug_assert!(written.is_ok(), "{written:?}");
    let checksum = Sha256::digest(&out);
    out.extend_from_slice(&checksum);
    out
}

/// The entries of a cache file made under `key`; `None` if it was made under another key; an
/// error saying what is wrong if the file is not a sound cache file of this format.
type Decoded = Option<HashMap<Vec<u8>, Entry>>;

fn decode(bytes: &[u8], key: &[u8; 32]) -> Result<Decoded, String> {
    let body_len = bytes
        .len()
        .checked_sub(32)
        .ok_or("it is too short to be a cache file")?;
    let (body, checksum) = bytes.split_at(body_len);
    if !body.starts_with(MAGIC) {
        return Err("it is not a sprawl cache file".into());
    }
    if Sha256::digest(body).as_slice() != checksum {
        return Err("its checksum does not match (corrupt or truncated)".into());
    }
    let mut reader = Reader {
        bytes: &body[MAGIC.len()..],
    };
    let format = u32::from_le_bytes(reader.array()?);
    if format != FORMAT {
        return Err(format!(
            "it is format {format}, this sprawl writes format {FORMAT}"
        ));
    }
    if &reader.array::<32>()? != key {
        return Ok(None);
    }
    let by_hex: HashMap<String, Entry> = serde_json::from_slice(reader.bytes)
        .map_err(|err| format!("its entries do not read: {err}"))?;
    let mut entries = HashMap::with_capacity(by_hex.len());
    for (oid, entry) in by_hex {
        let raw = git2::Oid::from_str(&oid)
            .ok()
            .filter(|_| oid.len() == 40)
            .ok_or_else(|| format!("it names a blob `{oid}` that is not a blob id"))?;
        entries.insert(raw.as_bytes().to_vec(), entry);
    }
    Ok(Some(entries))
}

/// Reads a cache file's body front to back, refusing to read past its end.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8], String> {
        if len > self.bytes.len() {
            return Err("it ends in the middle of an entry".into());
        }
        let (head, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Creates `dir` (and its parents), owner-only where the platform allows.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Writes `bytes` to a new file at `path`, owner-only where the platform allows, and syncs it.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::File::options();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> HashMap<Vec<u8>, Entry> {
        let mut entries = HashMap::new();
        let mut stats = Stats::default();
        stats.dropped.entropy = 3;
        stats.dropped.check = 2;
        stats.archives.warnings = 1;
        stats.add_suppressed(Suppression::Inline);
        entries.insert(
            vec![7u8; 20],
            Entry::Clean {
                bytes: 42,
                added: Added::of(&stats),
            },
        );
        entries.insert(
            vec![8u8; 20],
            Entry::Clean {
                bytes: 0,
                added: Added::default(),
            },
        );
        entries.insert(vec![9u8; 20], Entry::Skipped(SkipReason::Binary));
        entries
    }

    /// A sound file of cache format `format` whose body after the key is `entries`.
    fn file_of(format: u32, key: &[u8; 32], entries: &[u8]) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&format.to_le_bytes());
        out.extend_from_slice(key);
        out.extend_from_slice(entries);
        let checksum = Sha256::digest(&out);
        out.extend_from_slice(&checksum);
        out
    }

    #[test]
    fn entries_survive_a_round_trip() {
        let key = [1u8; 32];
        let bytes = encode(&sample(), &key);
        assert_eq!(decode(&bytes, &key), Ok(Some(sample())));
        assert_eq!(
            encode(&sample(), &key),
            bytes,
            "the same entries make the same file"
        );
    }

    #[test]
    fn entries_are_stored_by_name() {
        let bytes = encode(&sample(), &[1u8; 32]);
        let body = std::str::from_utf8(&bytes[MAGIC.len() + 4 + 32..bytes.len() - 32]).unwrap();
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        let hex7 = "07".repeat(20);
        assert_eq!(
            json[&hex7],
            serde_json::json!({"clean": {"bytes": 42, "added": {
                "dropped": {"entropy": 3, "rule_allow": 0, "overlap": 0, "check": 2, "filter": 0},
                "suppressed": {"inline": 1},
                "archives": {"opened": 0, "entries_scanned": 0, "entries_skipped": 0, "warnings": 1},
            }}})
        );
        assert_eq!(
            json["08".repeat(20)],
            serde_json::json!({"clean": {"bytes": 0}})
        );
        assert_eq!(
            json["09".repeat(20)],
            serde_json::json!({"skipped": "binary"})
        );
    }

    #[test]
    fn another_key_reads_as_no_entries() {
        let bytes = encode(&sample(), &[1u8; 32]);
        assert_eq!(decode(&bytes, &[2u8; 32]), Ok(None));
    }

    #[test]
    fn a_cache_of_the_old_positional_format_is_refused() {
        // Format 2: after the key, an entry count, then per entry the id, a kind byte and for
        // a clean blob its size and 13 counts in a fixed order.
        let key = [1u8; 32];
        let mut entries = 1u64.to_le_bytes().to_vec();
        entries.push(20);
        entries.extend_from_slice(&[7u8; 20]);
        entries.push(0);
        entries.extend(std::iter::repeat_n(0u8, 8 * 14));
        let old = file_of(2, &key, &entries);
        assert_eq!(
            decode(&old, &key),
            Err("it is format 2, this sprawl writes format 3".to_string())
        );
        // Named entries under an old format number are refused just the same.
        let body = &encode(&sample(), &key)[MAGIC.len() + 4 + 32..];
        let renumbered = file_of(2, &key, &body[..body.len() - 32]);
        assert!(decode(&renumbered, &key).is_err());
    }

    #[test]
    fn an_old_cache_file_is_ignored_with_a_warning_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let git_dir = dir.path().join("repo.git");
        let key = [4u8; 32];
        let mut usage = CacheUse::default();
        let file = BlobCache::open(dir.path(), &git_dir, key, &mut usage).file;
        std::fs::write(&file, file_of(2, &key, &0u64.to_le_bytes())).unwrap();
        let mut usage = CacheUse::default();
        let mut cache = BlobCache::open(dir.path(), &git_dir, key, &mut usage);
        assert!(cache.entries.is_empty());
        assert!(!usage.invalidated);
        assert_eq!(
            usage.warnings,
            [format!(
                "ignoring the cache {}: it is format 2, this sprawl writes format 3; scanning \
                 every blob",
                file.display()
            )]
        );
        cache.insert(&[7u8; 20], Entry::Skipped(SkipReason::TooLarge));
        cache.save().unwrap();
        let mut usage = CacheUse::default();
        let reopened = BlobCache::open(dir.path(), &git_dir, key, &mut usage);
        assert!(usage.warnings.is_empty(), "{:?}", usage.warnings);
        assert_eq!(
            reopened.get(&[7u8; 20]),
            Some(&Entry::Skipped(SkipReason::TooLarge))
        );
    }

    #[test]
    fn entries_that_do_not_read_are_refused() {
        let key = [1u8; 32];
        for body in [
            &b"[1, 2]"[..],
            br#"{"zz": {"skipped": "binary"}}"#,
            br#"{"0707070707070707070707070707070707070707": {"skipped": "unheard_of"}}"#,
            br#"{"0707070707070707070707070707070707070707": {"clean": {"bytes": 1, "added": {"dropped": {"guess": 1}}}}}"#,
            br#"{"0707070707070707070707070707070707070707": {"clean": {"bytes": 1}}} trailing"#,
        ] {
            let file = file_of(FORMAT, &key, body);
            assert!(decode(&file, &key).is_err(), "{}", String::from_utf8_lossy(body));
        }
    }

    #[test]
    fn every_flipped_byte_and_every_truncation_is_refused() {
        let key = [1u8; 32];
        let bytes = encode(&sample(), &key);
        for at in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[at] ^= 0x20;
            assert!(decode(&bad, &key).is_err(), "flip at {at} accepted");
            assert!(decode(&bytes[..at], &key).is_err(), "cut at {at} accepted");
        }
    }

    #[test]
    fn every_count_a_blob_can_add_is_kept() {
        // Each count set to a different value survives the round trip into the stats, so none
        // is dropped or swapped with another.
        let mut stats = Stats::default();
        stats.dropped = DropCounts {
            entropy: 1,
            rule_allow: 2,
            overlap: 3,
            check: 4,
            filter: 5,
        };
        for (value, reason) in Suppression::ALL.into_iter().enumerate() {
            stats.add_suppressions(reason, 10 + value as u64);
        }
        stats.archives = ArchiveCounts {
            opened: 20,
            entries_scanned: 21,
            entries_skipped: 22,
            warnings: 23,
        };
        let mut entries = HashMap::new();
        entries.insert(
            vec![1u8; 20],
            Entry::Clean {
                bytes: 5,
                added: Added::of(&stats),
            },
        );
        let key = [3u8; 32];
        let back = decode(&encode(&entries, &key), &key).unwrap().unwrap();
        let mut replayed = Stats::default();
        back[&vec![1u8; 20]].add_to(&mut replayed);
        stats.files_scanned = 1;
        stats.bytes_scanned = 5;
        assert_eq!(replayed, stats);
    }

    #[test]
    fn the_key_is_stable_and_changes_with_each_setting_that_matters() {
        use crate::cli::{Cli, Command};
        use clap::Parser;
        let dir = tempfile::tempdir().unwrap();
        git2::Repository::init(dir.path()).unwrap();
        let repo = dir.path().to_str().unwrap();
        let key = |extra: &[&str]| {
            let mut args = vec!["sprawl", "git", repo];
            args.extend_from_slice(extra);
            let Command::Git(git) = Cli::parse_from(args).command else {
                unreachable!("a git command line")
            };
            key_of(&ScanConfig::from_git_args(&git).unwrap())
        };
        let plain = key(&[]);
        assert_eq!(key(&[]), plain, "the same settings make the same key");
        for setting in [
            &["--max-file-size", "1M"][..],
            &["--no-archives"],
            &["--archive-depth", "1"],
            &["--decode-depth", "1"],
        ] {
            assert_ne!(key(setting), plain, "{setting:?}");
        }
    }
}
