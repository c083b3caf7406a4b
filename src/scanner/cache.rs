//! The blob cache of `sprawl git --cache`: which blobs were scanned, under which rules and
//! settings, and what they held, so that the next scan of the repository reads only new blobs.
//!
//! A blob's findings depend on its bytes (archives and notebooks are recognised by their content)
//! and on the rules and settings; its id names its bytes. So an entry is keyed by blob id, and
//! the whole file by a digest of everything else ([`key_of`]): a change to any of it starts the
//! cache afresh.
//!
//! What is kept is what a clean blob yields: its size and the counts it adds to the stats
//! (candidates dropped, findings suppressed in its content, archives opened), or that it was
//! skipped as binary or too large. A blob that held a finding or an archive warning is not
//! kept: it is read and scanned again, so the report shows its line as a fresh scan does, and
//! the cache never holds a secret, a snippet or even a fingerprint. Such blobs are rare.
//!
//! The file is one per repository, named by a hash of its git folder's path. It starts with a
//! magic string, a format version and the key, and ends with a SHA-256 of everything before it;
//! a file that fails any check is ignored with a warning, never trusted. It is written to a
//! temporary file (owner-only) and renamed into place, so a reader never sees half of one.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::config::ScanConfig;
use crate::source::SkipReason;
use crate::stats::Stats;
use crate::suppress::Suppression;

/// The first bytes of every cache file.
const MAGIC: &[u8; 12] = b"SPRAWLCACHE\0";

/// Raised whenever the layout or meaning of an entry changes.
const FORMAT: u32 = 2;

/// What a cached blob yielded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Entry {
    /// Scanned, nothing found: its size and what scanning it added to the stats (candidates
    /// dropped, findings suppressed in its content, archives opened).
    Clean { bytes: u64, added: Box<Stats> },
    /// Skipped without being scanned.
    Skipped(SkipReason),
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
pub struct CacheUse {
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

/// A digest of everything besides a blob's bytes and path that decides what scanning it yields:
/// the sprawl version and cache format, every rule (the built-in rule files, the user's rule
/// files whole, and each rule's fields after the config's overrides), the config file, the
/// content-stage allow lists, the file size limit and the archive settings. A setting added to
/// sprawl that changes what a blob yields must be added here.
pub(crate) fn key_of(config: &ScanConfig) -> [u8; 32] {
    let mut hash = Sha256::new();
    let mut add = |label: &str, bytes: &[u8]| {
        hash.update((label.len() as u64).to_le_bytes());
        hash.update(label.as_bytes());
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    add("version", env!("CARGO_PKG_VERSION").as_bytes());
    add("format", &FORMAT.to_le_bytes());
    for (name, text) in crate::rules::builtin::files() {
        add(name, text.as_bytes());
    }
    let mut origins = Vec::new();
    for rule in config.rules.rules() {
        let fields = format!(
            "{}\n{}\n{}\n{:?}\n{:?}\n{:?}\n{}",
            rule.id,
            rule.name,
            rule.pattern,
            rule.keywords,
            rule.min_entropy,
            rule.confidence,
            rule.origin
        );
        add("rule", fields.as_bytes());
        if !origins.contains(&rule.origin) {
            origins.push(rule.origin.clone());
        }
    }
    // The user's rule files whole: fields the digest does not list (allow lists, the secret
    // group) are in them. Built-in origins name no file and read as nothing.
    for origin in &origins {
        add("rule file", &std::fs::read(origin).unwrap_or_default());
    }
    if let Some(path) = &config.config_file {
        add("config", &std::fs::read(path).unwrap_or_default());
    }
    let suppressor = &config.suppressor;
    add("allow", format!("{:?}", suppressor.global).as_bytes());
    let mut rule_allows: Vec<_> = suppressor.rule_allows.iter().collect();
    rule_allows.sort_by(|a, b| a.0.cmp(b.0));
    add("rule allows", format!("{rule_allows:?}").as_bytes());
    add("max size", &config.max_file_size.to_le_bytes());
    add("archives", format!("{:?}", config.archives).as_bytes());
    add("decode", format!("{:?}", config.decode).as_bytes());
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
                stats.merge(added);
            }
            Entry::Skipped(reason) => stats.add_skip(*reason),
        }
    }
}

/// The counts a clean blob's entry keeps, by name, in the order the file holds them: every
/// count that scanning one blob's content can add to the stats.
const COUNTS: [&str; 13] = [
    "dropped.entropy",
    "dropped.rule_allow",
    "dropped.overlap",
    "dropped.check",
    "suppressed.allow",
    "suppressed.inline",
    "suppressed.rule_path",
    "suppressed.confidence",
    "suppressed.baseline",
    "archives.opened",
    "archives.entries_scanned",
    "archives.entries_skipped",
    "archives.warnings",
];

/// The value of count `name` (one of [`COUNTS`]) in `stats`.
fn count(stats: &Stats, name: &str) -> u64 {
    let suppressed = |reason: Suppression| stats.suppressed(reason);
    match name {
        "dropped.entropy" => stats.dropped.entropy,
        "dropped.rule_allow" => stats.dropped.rule_allow,
        "dropped.overlap" => stats.dropped.overlap,
        "dropped.check" => stats.dropped.check,
        "suppressed.allow" => suppressed(Suppression::Allow),
        "suppressed.inline" => suppressed(Suppression::Inline),
        "suppressed.rule_path" => suppressed(Suppression::RulePath),
        "suppressed.confidence" => suppressed(Suppression::Confidence),
        "suppressed.baseline" => suppressed(Suppression::Baseline),
        "archives.opened" => stats.archives.opened,
        "archives.entries_scanned" => stats.archives.entries_scanned,
        "archives.entries_skipped" => stats.archives.entries_skipped,
        "archives.warnings" => stats.archives.warnings,
        _ => unreachable!("every name of COUNTS is handled"),
    }
}

/// Adds `value` to count `name` (one of [`COUNTS`]) of `stats`.
fn add_count(stats: &mut Stats, name: &str, value: u64) {
    let mut suppress = |reason: Suppression| stats.add_suppressions(reason, value);
    match name {
        "suppressed.allow" => suppress(Suppression::Allow),
        "suppressed.inline" => suppress(Suppression::Inline),
        "suppressed.rule_path" => suppress(Suppression::RulePath),
        "suppressed.confidence" => suppress(Suppression::Confidence),
        "suppressed.baseline" => suppress(Suppression::Baseline),
        "dropped.entropy" => stats.dropped.entropy += value,
        "dropped.rule_allow" => stats.dropped.rule_allow += value,
        "dropped.overlap" => stats.dropped.overlap += value,
        "dropped.check" => stats.dropped.check += value,
        "archives.opened" => stats.archives.opened += value,
        "archives.entries_scanned" => stats.archives.entries_scanned += value,
        "archives.entries_skipped" => stats.archives.entries_skipped += value,
        "archives.warnings" => stats.archives.warnings += value,
        _ => unreachable!("every name of COUNTS is handled"),
    }
}

fn encode(entries: &HashMap<Vec<u8>, Entry>, key: &[u8; 32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + entries.len() * 48);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(key);
    out.extend_from_slice(&(entries.len() as u64).to_le_bytes());
    // Sorted, so the same entries always make the same file.
    let mut sorted: Vec<_> = entries.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    for (oid, entry) in sorted {
        out.push(oid.len() as u8);
        out.extend_from_slice(oid);
        match entry {
            Entry::Clean { bytes, added } => {
                out.push(0);
                out.extend_from_slice(&bytes.to_le_bytes());
                for name in COUNTS {
                    out.extend_from_slice(&count(added, name).to_le_bytes());
                }
            }
            Entry::Skipped(reason) => {
                out.push(1);
                out.push(*reason as u8);
            }
        }
    }
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
    let count = u64::from_le_bytes(reader.array()?);
    let mut entries = HashMap::new();
    for _ in 0..count {
        let oid_len = reader.take(1)?[0] as usize;
        let oid = reader.take(oid_len)?.to_vec();
        let entry = match reader.take(1)?[0] {
            0 => {
                let bytes = u64::from_le_bytes(reader.array()?);
                let mut added = Stats::default();
                for name in COUNTS {
                    add_count(&mut added, name, u64::from_le_bytes(reader.array()?));
                }
                Entry::Clean {
                    bytes,
                    added: Box::new(added),
                }
            }
            1 => {
                let reason = reader.take(1)?[0] as usize;
                Entry::Skipped(
                    *SkipReason::ALL
                        .get(reason)
                        .ok_or("it names an unknown skip reason")?,
                )
            }
            other => return Err(format!("it holds an entry of unknown kind {other}")),
        };
        entries.insert(oid, entry);
    }
    if !reader.bytes.is_empty() {
        return Err("it holds more than its entries".into());
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
        let mut added = Stats::default();
        added.dropped.entropy = 3;
        added.dropped.check = 2;
        added.archives.warnings = 1;
        entries.insert(
            vec![7u8; 20],
            Entry::Clean {
                bytes: 42,
                added: Box::new(added),
            },
        );
        entries.insert(vec![9u8; 20], Entry::Skipped(SkipReason::Binary));
        entries
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
    fn another_key_reads_as_no_entries() {
        let bytes = encode(&sample(), &[1u8; 32]);
        assert_eq!(decode(&bytes, &[2u8; 32]), Ok(None));
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
        // Each count set to a different value survives the round trip, so none is dropped or
        // swapped with another.
        let mut added = Stats::default();
        for (value, name) in COUNTS.iter().enumerate() {
            add_count(&mut added, name, value as u64 + 1);
        }
        for (value, name) in COUNTS.iter().enumerate() {
            assert_eq!(count(&added, name), value as u64 + 1, "{name}");
        }
        let mut entries = HashMap::new();
        entries.insert(
            vec![1u8; 20],
            Entry::Clean {
                bytes: 5,
                added: Box::new(added.clone()),
            },
        );
        let key = [3u8; 32];
        let back = decode(&encode(&entries, &key), &key).unwrap().unwrap();
        assert_eq!(
            back[&vec![1u8; 20]],
            Entry::Clean {
                bytes: 5,
                added: Box::new(added)
            }
        );
    }
}
