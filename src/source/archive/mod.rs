//! Archives, compressed files and documents, opened in memory: every text file inside becomes a
//! blob of its own, shown as `outer.zip!inner/path/file.env` (nested: `a.tgz!b.zip!c.env`).
//!
//! [`expand`] is the one entry point. It recognises a format by its first bytes, never by the
//! file's name: zip and its family (jar, war, whl, apk, docx, xlsx, odt ...), tar, and gzip,
//! bzip2, xz and zstd streams, a tar inside a stream being one level (`.tgz`), not two. Office
//! documents and Jupyter notebooks are turned into text first, so that a line number means
//! something to a person (see `office.rs` and `notebook.rs`).
//!
//! Nothing is written to disk. A zip is read from the bytes already in memory; a compressed
//! stream is decoded as it is read, a tar inside it entry by entry, and only one entry is held at
//! a time (xz alone is decoded whole first, within the same limits: `lzma-rs` writes, it is not
//! read from). What an archive may unpack is bounded by [`ArchiveLimits`], shared by everything
//! inside one outer input, nested archives included. Hostile or broken content (a bomb, a path
//! that climbs out of the archive, a truncated stream, an encrypted entry) gives a warning naming
//! the archive, and the scan goes on with the rest. Warnings are not errors: the input was read,
//! and what it holds that could be read was scanned.

mod compressed;
mod mapped;
mod notebook;
mod office;
mod tar_archive;
mod warnings;
pub(crate) use warnings::LISTED as WARNINGS_LISTED;
mod xz;
mod zip_archive;
mod zstd;

use std::cell::Cell;
use std::io::{self, Read};

use super::{Blob, SourceError, BINARY_PROBE_LEN};
pub(crate) use mapped::MappedText;
use warnings::WarningKind;

/// Bounds on what one input may unpack, nested archives included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ArchiveLimits {
    /// How many archives deep to open: 1 opens only the outer archive.
    pub max_depth: u32,
    /// Decompressed bytes per outer input, all levels counted (bytes unpacked from a nested
    /// archive are counted when it is unpacked, and again when its own entries are).
    pub max_total_size: u64,
    /// Bytes per entry; a larger entry is skipped, like a file over `--max-file-size`.
    pub max_entry_size: u64,
    /// Decompressed size over compressed size, per zip entry and per stream, checked once more
    /// than `RATIO_FLOOR` bytes have come out.
    pub max_ratio: u64,
    /// Entries per outer input, all levels counted.
    pub max_entries: u64,
}

/// Below this many decompressed bytes the ratio is not checked: small, repetitive files
/// compress very well and are no threat.
pub(crate) const RATIO_FLOOR: u64 = 1 << 20;

impl ArchiveLimits {
    /// The default `--archive-depth`.
    pub(crate) const DEFAULT_DEPTH: u32 = 3;
    /// The default total: 256 MiB unpacked per outer input.
    pub(crate) const DEFAULT_TOTAL_SIZE: u64 = 256 << 20;
    /// The default ratio: 100 to 1.
    pub(crate) const DEFAULT_RATIO: u64 = 100;
    /// The default entry count: 100,000 per outer input.
    pub(crate) const DEFAULT_ENTRIES: u64 = 100_000;

    /// The defaults, with entries held to the file size limit.
    pub(crate) fn with_entry_size(max_entry_size: u64) -> ArchiveLimits {
        ArchiveLimits {
            max_depth: ArchiveLimits::DEFAULT_DEPTH,
            max_total_size: ArchiveLimits::DEFAULT_TOTAL_SIZE,
            max_entry_size,
            max_ratio: ArchiveLimits::DEFAULT_RATIO,
            max_entries: ArchiveLimits::DEFAULT_ENTRIES,
        }
    }
}

/// What expanding inputs opened, scanned and left out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ArchiveCounts {
    /// Archives, compressed streams, documents and notebooks opened, nested ones included.
    pub(crate) opened: u64,
    /// Text blobs found inside them and scanned.
    pub(crate) entries_scanned: u64,
    /// Entries left out: binary, over the entry size, encrypted, nested too deep, or cut off by
    /// a limit.
    pub(crate) entries_skipped: u64,
    /// Warnings given.
    pub warnings: u64,
}

impl ArchiveCounts {
    /// Whether nothing was counted.
    pub(crate) fn is_empty(&self) -> bool {
        *self == ArchiveCounts::default()
    }

    /// Adds `other` to these counts.
    pub(crate) fn merge(&mut self, other: ArchiveCounts) {
        self.opened += other.opened;
        self.entries_scanned += other.entries_scanned;
        self.entries_skipped += other.entries_skipped;
        self.warnings += other.warnings;
    }
}

/// What [`expand`] did with one input.
#[derive(Debug, Default)]
pub struct Expansion {
    /// Counts.
    pub counts: ArchiveCounts,
    /// Warnings, each naming the archive (`a.tgz`, or `a.tgz!b.zip` when nested).
    pub warnings: Vec<SourceError>,
}

/// A format recognised by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Zip,
    Tar,
    Gzip,
    Bzip2,
    Xz,
    Zstd,
}

impl Format {
    fn sniff(bytes: &[u8]) -> Option<Format> {
        const BZIP2_BLOCK: &[u8] = &[0x31, 0x41, 0x59, 0x26, 0x53, 0x59];
        const BZIP2_END: &[u8] = &[0x17, 0x72, 0x45, 0x38, 0x50, 0x90];
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
            Some(Format::Zip)
        } else if bytes.starts_with(&[0x1f, 0x8b, 0x08]) {
            Some(Format::Gzip)
        } else if bytes.len() >= 10
            && bytes.starts_with(b"BZh")
            && (b'1'..=b'9').contains(&bytes[3])
            && (&bytes[4..10] == BZIP2_BLOCK || &bytes[4..10] == BZIP2_END)
        {
            Some(Format::Bzip2)
        } else if bytes.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
            Some(Format::Xz)
        } else if bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Format::Zstd)
        } else if is_tar_header(bytes) {
            Some(Format::Tar)
        } else {
            None
        }
    }

    fn name(self) -> &'static str {
        match self {
            Format::Zip => "zip",
            Format::Tar => "tar",
            Format::Gzip => "gzip",
            Format::Bzip2 => "bzip2",
            Format::Xz => "xz",
            Format::Zstd => "zstd",
        }
    }
}

/// Whether `bytes` start like an archive or compressed stream that [`expand`] opens. Sources ask
/// this of an input's first bytes before calling it binary.
pub(crate) fn is_archive(bytes: &[u8]) -> bool {
    Format::sniff(bytes).is_some()
}

/// A POSIX or GNU tar header: `ustar` at offset 257 and a checksum that adds up, so a text file
/// that happens to hold `ustar` there is not taken for one.
fn is_tar_header(bytes: &[u8]) -> bool {
    let Some(header) = bytes.get(..512) else {
        return false;
    };
    if &header[257..262] != b"ustar" {
        return false;
    }
    let field = &header[148..156];
    let digits: Vec<u8> = field
        .iter()
        .copied()
        .skip_while(|&b| b == b' ')
        .take_while(|b| (b'0'..=b'7').contains(b))
        .collect();
    let Some(expected) = std::str::from_utf8(&digits)
        .ok()
        .and_then(|text| u64::from_str_radix(text, 8).ok())
    else {
        return false;
    };
    let sum: u64 = header
        .iter()
        .enumerate()
        .map(|(at, &b)| {
            if (148..156).contains(&at) {
                32
            } else {
                u64::from(b)
            }
        })
        .sum();
    sum == expected
}

/// A text cut out of a document whose own bytes hold it escaped (a notebook's cell): the
/// document, the text's name there, and where each of the text's bytes came from, so that a
/// finding can be placed in the document itself.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Embedded<'a> {
    /// The document's path (`analysis.ipynb`, `a.zip!nb/analysis.ipynb`), in parts.
    pub document: &'a EntryPath,
    /// The document's bytes.
    pub bytes: &'a [u8],
    /// The text's name in it (`cell-3`, `cell-3/output-1`).
    pub part: &'a str,
    /// The text, mapped to the document's bytes.
    pub text: &'a MappedText,
}

/// The path of a blob inside an input, kept in its parts as the expansion builds it level by
/// level: shown as `outer!inner` (nested: `a.tgz!b.zip!c.env`), with the outer file and the
/// innermost entry known without looking for a `!` (which a file's own name may hold).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EntryPath {
    shown: String,
    /// The length of the outer input's path at the start of `shown`.
    outer_len: usize,
    /// Where the innermost entry's own name starts in `shown` (0 for the input itself).
    entry_start: usize,
}

impl EntryPath {
    /// The input itself, at `path`.
    fn input(path: &str) -> EntryPath {
        EntryPath {
            shown: path.to_string(),
            outer_len: path.len(),
            entry_start: 0,
        }
    }

    /// The entry called `name` inside the archive or document at this path.
    fn child(&self, name: &str) -> EntryPath {
        EntryPath {
            shown: format!("{}!{name}", self.shown),
            outer_len: self.outer_len,
            entry_start: self.shown.len() + 1,
        }
    }

    /// The input on disk or in git that holds it (the whole path for the input itself).
    pub(crate) fn outer(&self) -> &str {
        &self.shown[..self.outer_len]
    }

    /// The place inside the outer input, every level (`b.zip!c.env`); `None` for the input
    /// itself.
    pub(crate) fn within(&self) -> Option<&str> {
        self.shown.get(self.outer_len + 1..)
    }

    /// The innermost entry's own name (`c.env`), or the input's path for the input itself: what
    /// rules' `paths` are matched against.
    pub(crate) fn entry(&self) -> &str {
        &self.shown[self.entry_start..]
    }
}

/// The whole path, as shown.
impl std::ops::Deref for EntryPath {
    type Target = str;

    fn deref(&self) -> &str {
        &self.shown
    }
}

/// Where a text handed to the scan sits: its path in parts and, for a text cut out of a
/// document, where its bytes come from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Placed<'a> {
    /// The text's path, in parts; the blob handed with it is shown at the whole of it.
    pub path: &'a EntryPath,
    /// A notebook's cell or output: the document it was cut out of.
    pub embedded: Option<Embedded<'a>>,
}

/// Whether [`expand`] turns `bytes` into something other than itself: an archive or a compressed
/// stream to open, or a notebook to split into cells.
pub(crate) fn is_expanded(bytes: &[u8]) -> bool {
    Format::sniff(bytes).is_some() || notebook::looks_like_notebook(bytes)
}

/// Calls `on_text` with every text blob in `blob`: the blob itself when it is neither an archive
/// nor a document, else each text file inside it, to the depth the limits allow. Binary entries
/// are left out (a NUL in their first 8 KiB, as for files).
pub fn expand(
    blob: Blob<'_>,
    limits: &ArchiveLimits,
    on_text: &mut dyn FnMut(Blob<'_>),
) -> Expansion {
    expand_placed(blob, limits, &mut |text, _| on_text(text))
}

/// [`expand`], telling `on_text` where each text sits ([`Placed`]): its path in parts, and for
/// a text cut out of a notebook, where it sits in the notebook's bytes (files and archive
/// entries are their own bytes). A notebook's text is at `document!part`.
pub(crate) fn expand_placed(
    blob: Blob<'_>,
    limits: &ArchiveLimits,
    on_text: &mut dyn FnMut(Blob<'_>, Placed<'_>),
) -> Expansion {
    let budget = Budget {
        total_left: Cell::new(limits.max_total_size),
        entries_left: Cell::new(limits.max_entries),
        hit: Cell::new(None),
        exhausted: Cell::new(false),
    };
    let mut expander = Expander {
        limits,
        budget: &budget,
        on_text,
        out: Expansion::default(),
        warnings: Vec::new(),
    };
    expander.entry(&EntryPath::input(blob.path), blob.bytes, 0);
    let mut out = expander.out;
    out.warnings = warnings::summarised(blob.path, expander.warnings);
    out.counts.warnings = out.warnings.len() as u64;
    out
}

/// Which limit stopped a read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Limit {
    /// The total for the outer input is spent: everything stops.
    Total,
    /// One entry or stream inflates past the ratio: it stops, the rest goes on.
    Ratio,
}

/// What one outer input may still unpack, shared by every level (hence cells: the readers that
/// spend it are alive while the expander opens what they yield).
struct Budget {
    total_left: Cell<u64>,
    entries_left: Cell<u64>,
    /// The limit the last capped read ran into, taken by whoever set that read up.
    hit: Cell<Option<Limit>>,
    /// The total or the entry count ran out: nothing more is read.
    exhausted: Cell<bool>,
}

/// A decompressing reader held to the budget's total and to its own ratio allowance. Reading past
/// either is an error, and the budget says which limit it was.
struct Capped<'b, R> {
    inner: R,
    budget: &'b Budget,
    ratio_left: u64,
}

impl<'b, R: Read> Capped<'b, R> {
    fn new(inner: R, budget: &'b Budget, ratio_allowance: u64) -> Capped<'b, R> {
        Capped {
            inner,
            budget,
            ratio_left: ratio_allowance,
        }
    }
}

impl<R: Read> Read for Capped<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let allowed = self.budget.total_left.get().min(self.ratio_left);
        if allowed == 0 {
            // At the cap: only an error if there is more to come.
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? == 0 {
                return Ok(0);
            }
            let limit = if self.budget.total_left.get() == 0 {
                Limit::Total
            } else {
                Limit::Ratio
            };
            self.budget.hit.set(Some(limit));
            return Err(io::Error::other("an archive limit was reached"));
        }
        let want = buf
            .len()
            .min(usize::try_from(allowed).unwrap_or(usize::MAX));
        let read = self.inner.read(&mut buf[..want])?;
        self.budget
            .total_left
            .set(self.budget.total_left.get() - read as u64);
        self.ratio_left -= read as u64;
        Ok(read)
    }
}

/// How reading one entry ended.
enum ReadEnd {
    /// All of it is in the buffer.
    Whole,
    /// It holds more than the entry limit; the buffer is not scanned.
    TooLarge,
    /// A limit stopped it; the budget says which.
    Limit,
    /// The data is corrupt or cut short; the buffer holds what could be read.
    Broken(io::Error),
}

/// The walk through one outer input.
struct Expander<'a> {
    limits: &'a ArchiveLimits,
    budget: &'a Budget,
    on_text: &'a mut dyn FnMut(Blob<'_>, Placed<'_>),
    /// Counts (warnings are gathered apart, to be summarised at the end).
    out: Expansion,
    warnings: Vec<(WarningKind, SourceError)>,
}

impl Expander<'_> {
    /// One blob `depth` archives deep (0: the input itself): opened if it is an archive, turned
    /// into text if it is a notebook, scanned if it is text.
    fn entry(&mut self, path: &EntryPath, bytes: &[u8], depth: u32) {
        if let Some(format) = Format::sniff(bytes) {
            if depth >= self.limits.max_depth {
                self.skip();
                return self.warn(
                    path,
                    WarningKind::TooDeep,
                    format!(
                        "a {} archive nested deeper than the archive depth limit ({}): not opened",
                        format.name(),
                        self.limits.max_depth
                    ),
                );
            }
            self.out.counts.opened += 1;
            return match format {
                Format::Zip => zip_archive::expand(self, path, bytes, depth + 1),
                Format::Tar => tar_archive::expand(self, path, bytes, depth + 1),
                _ => compressed::expand(self, format, path, bytes, depth + 1),
            };
        }
        let probe = &bytes[..bytes.len().min(BINARY_PROBE_LEN)];
        if depth > 0 && memchr::memchr(0, probe).is_some() && !super::is_utf16_text(probe) {
            return self.skip();
        }
        if let Some(parts) = notebook::parts(bytes) {
            self.out.counts.opened += 1;
            for part in parts {
                if !self.take_entry(path) {
                    break;
                }
                self.out.counts.entries_scanned += 1;
                let embedded = Embedded {
                    document: path,
                    bytes,
                    part: &part.name,
                    text: &part.text,
                };
                let cell = path.child(&part.name);
                let text = Blob {
                    path: &cell,
                    bytes: part.text.text.as_bytes(),
                };
                let placed = Placed {
                    path: &cell,
                    embedded: Some(embedded),
                };
                (self.on_text)(text, placed);
            }
            return;
        }
        self.text(path, bytes, depth);
    }

    /// Hands a text blob to the scan.
    fn text(&mut self, path: &EntryPath, bytes: &[u8], depth: u32) {
        if depth > 0 {
            self.out.counts.entries_scanned += 1;
        }
        let placed = Placed {
            path,
            embedded: None,
        };
        (self.on_text)(Blob { path, bytes }, placed);
    }

    /// Counts one entry against the limit; false (with a warning, the first time) once the limit
    /// is reached or the budget is spent.
    fn take_entry(&mut self, archive: &str) -> bool {
        if self.budget.exhausted.get() {
            return false;
        }
        let left = self.budget.entries_left.get();
        if left == 0 {
            self.budget.exhausted.set(true);
            self.warn(
                archive,
                WarningKind::Limit,
                format!(
                    "more than {} entries: the rest were not read",
                    self.limits.max_entries
                ),
            );
            return false;
        }
        self.budget.entries_left.set(left - 1);
        true
    }

    /// Whether the total or the entry count has run out.
    fn stopped(&self) -> bool {
        self.budget.exhausted.get()
    }

    fn skip(&mut self) {
        self.out.counts.entries_skipped += 1;
    }

    fn warn(&mut self, archive: &str, kind: WarningKind, message: String) {
        self.warnings.push((
            kind,
            SourceError {
                path: archive.to_string(),
                message,
            },
        ));
    }

    /// How many bytes a stream or entry of `compressed` bytes may inflate to before the ratio
    /// stops it.
    fn ratio_allowance(&self, compressed: u64) -> u64 {
        compressed
            .saturating_mul(self.limits.max_ratio)
            .max(RATIO_FLOOR)
    }

    /// Reads one entry (at most the entry limit, plus a byte to tell it was more) through a
    /// capped reader into `buf`.
    fn read_entry(&self, reader: impl Read, buf: &mut Vec<u8>) -> ReadEnd {
        buf.clear();
        let limit = self.limits.max_entry_size;
        match reader.take(limit.saturating_add(1)).read_to_end(buf) {
            Ok(_) if buf.len() as u64 > limit => ReadEnd::TooLarge,
            Ok(_) => ReadEnd::Whole,
            Err(err) => match self.budget.hit.get() {
                Some(_) => ReadEnd::Limit,
                None => ReadEnd::Broken(err),
            },
        }
    }

    /// Takes the limit that stopped a capped read, warning about it: a ratio for `what` (an
    /// entry or a stream), the total for the whole input (once; everything stops). The entry
    /// that was cut off is counted as skipped by the caller.
    fn report_limit(&mut self, archive: &str, what: &str) {
        match self.budget.hit.take() {
            Some(Limit::Ratio) => {
                self.warn(
                    archive,
                    WarningKind::Bomb,
                    format!(
                        "{what} inflates to more than {} times its compressed size (a zip bomb?): \
                         not scanned",
                        self.limits.max_ratio
                    ),
                );
            }
            // Warned once: after the first, nothing more is read.
            Some(Limit::Total) if !self.budget.exhausted.replace(true) => {
                self.warn(
                    archive,
                    WarningKind::Limit,
                    format!(
                        "more than {} unpacked in all: the rest was not read",
                        human_size(self.limits.max_total_size)
                    ),
                );
            }
            Some(Limit::Total) | None => {}
        }
    }
}

/// The place an archive's entry is shown at: `archive!name`, without a leading `./`.
fn inner_path(archive: &EntryPath, name: &str) -> EntryPath {
    archive.child(name.trim_start_matches("./"))
}

/// Whether an entry's name would land outside the folder the archive is unpacked in: an
/// absolute path, a drive letter, or a `..` step.
fn escapes(name: &str) -> bool {
    name.starts_with('/')
        || name.starts_with('\\')
        || name.as_bytes().get(1) == Some(&b':')
        || name.split(['/', '\\']).any(|part| part == "..")
}

/// The warning for an entry whose name climbs out of the archive.
fn traversal_message(name: &str) -> String {
    format!(
        "entry `{name}` has a path that leaves the archive (absolute or with `..`): \
         scanned in memory under that name, never extracted"
    )
}

/// `256 MiB`, `1 KiB`, `10 B`: sizes in warnings.
pub(crate) fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes;
    let mut unit = 0;
    while value >= 1024 && value % 1024 == 0 && unit < UNITS.len() - 1 {
        value /= 1024;
        unit += 1;
    }
    format!("{value} {}", UNITS[unit])
}

#[cfg(test)]
mod tests;
