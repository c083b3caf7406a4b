//! The zip family: zip, jar, war, ear, whl, nupkg, apk, xpi, and the documents built on it
//! (docx, xlsx, pptx, odt ...), read from the bytes in memory.
//!
//! Each entry's header is checked before anything is inflated: encrypted entries are named and
//! left, entries whose declared sizes give a ratio over the limit are named and left, entries
//! declared larger than the entry limit are skipped. Headers can lie, so inflating is capped as
//! well (see [`super::Capped`]).

use std::io::Cursor;

use zip::read::ZipFile;
use zip::ZipArchive;

use super::office::{self, Container, Part};
use super::warnings::WarningKind;
use super::{escapes, inner_path, traversal_message, Capped, EntryPath, Expander, ReadEnd};

type Zip<'a> = ZipArchive<Cursor<&'a [u8]>>;

/// Opens the zip in `bytes` (shown as `path`), whose entries are `depth` archives deep.
pub(super) fn expand(ex: &mut Expander<'_>, path: &EntryPath, bytes: &[u8], depth: u32) {
    let mut zip = match ZipArchive::new(Cursor::new(bytes)) {
        Ok(zip) => zip,
        Err(err) => {
            ex.skip();
            return ex.warn(
                path,
                WarningKind::Unreadable,
                format!("not a readable zip archive ({err}): not scanned"),
            );
        }
    };
    let container = Container::of(|name| zip.index_for_name(name).is_some());
    let strings = match container {
        Container::Ooxml => shared_strings(ex, &mut zip, path),
        _ => Vec::new(),
    };
    let mut buf = Vec::new();
    for index in 0..zip.len() {
        if ex.stopped() {
            break;
        }
        let part = zip
            .name_for_index(index)
            .map_or(Part::Raw, |name| container.part(name));
        if part == Part::SharedStrings {
            continue; // already read, and shown in the sheets that use them
        }
        let Some(name) = checked_entry(ex, &mut zip, index, path) else {
            continue;
        };
        let inner = inner_path(path, &name);
        match inflate(ex, &mut zip, index, path, &name, &mut buf) {
            Some(true) => {}
            Some(false) => continue,
            None => break,
        }
        match part {
            Part::Raw | Part::SharedStrings => ex.entry(&inner, &buf, depth),
            Part::Document(flavor) => {
                extracted(ex, path, &inner, &buf, depth, |xml, max| {
                    office::document_text(xml, flavor, max)
                });
            }
            Part::Sheet => {
                extracted(ex, path, &inner, &buf, depth, |xml, max| {
                    office::sheet_text(xml, &strings, max)
                });
            }
        }
    }
}

/// Reads entry `index`'s header and decides whether to inflate it: the entry's name, or `None`
/// for a folder, an encrypted entry, a likely bomb, one over the size limit, or when the entry
/// count is spent (each with its warning or count).
fn checked_entry(
    ex: &mut Expander<'_>,
    zip: &mut Zip<'_>,
    index: usize,
    path: &str,
) -> Option<String> {
    let (name, is_dir, encrypted, size, compressed) = match zip.by_index_raw(index) {
        Ok(file) => (
            file.name().to_string(),
            file.is_dir(),
            file.encrypted(),
            file.size(),
            file.compressed_size(),
        ),
        Err(err) => {
            ex.skip();
            ex.warn(
                path,
                WarningKind::Unreadable,
                format!("entry {} cannot be read ({err}): not scanned", index + 1),
            );
            return None;
        }
    };
    if is_dir || !ex.take_entry(path) {
        return None;
    }
    if escapes(&name) {
        ex.warn(path, WarningKind::Traversal, traversal_message(&name));
    }
    if encrypted {
        ex.skip();
        ex.warn(
            path,
            WarningKind::Encrypted,
            format!("entry `{name}` is encrypted: not scanned"),
        );
        return None;
    }
    if size > ex.ratio_allowance(compressed) {
        ex.skip();
        ex.warn(
            path,
            WarningKind::Bomb,
            format!(
                "entry `{name}` declares {size} bytes from {compressed} compressed, more than {} \
                 times its compressed size (a zip bomb?): not scanned",
                ex.limits.max_ratio
            ),
        );
        return None;
    }
    if size > ex.limits.max_entry_size {
        ex.skip();
        return None;
    }
    Some(name)
}

/// Inflates entry `index` into `buf`: `Some(true)` to scan it, `Some(false)` to go on without it,
/// `None` when nothing more may be read.
fn inflate(
    ex: &mut Expander<'_>,
    zip: &mut Zip<'_>,
    index: usize,
    path: &str,
    name: &str,
    buf: &mut Vec<u8>,
) -> Option<bool> {
    let file = match zip.by_index(index) {
        Ok(file) => file,
        Err(err) => {
            ex.skip();
            ex.warn(
                path,
                WarningKind::Unreadable,
                format!("entry `{name}` cannot be read ({err}): not scanned"),
            );
            return Some(false);
        }
    };
    let end = read_capped(ex, file, buf);
    match end {
        ReadEnd::Whole => Some(true),
        ReadEnd::TooLarge => {
            ex.skip();
            Some(false)
        }
        ReadEnd::Limit => {
            ex.skip();
            ex.report_limit(path, &format!("entry `{name}`"));
            if ex.stopped() {
                None
            } else {
                Some(false)
            }
        }
        ReadEnd::Broken(err) => {
            ex.warn(
                path,
                WarningKind::Damaged,
                format!("entry `{name}` is corrupt ({err}): what could be read was scanned"),
            );
            Some(true)
        }
    }
}

fn read_capped(ex: &Expander<'_>, file: ZipFile<'_, Cursor<&[u8]>>, buf: &mut Vec<u8>) -> ReadEnd {
    let allowance = ex.ratio_allowance(file.compressed_size());
    ex.read_entry(Capped::new(file, ex.budget, allowance), buf)
}

/// A document part turned into text by `extract`, or scanned as it is when it is not XML.
fn extracted(
    ex: &mut Expander<'_>,
    archive: &str,
    inner: &EntryPath,
    xml: &[u8],
    depth: u32,
    extract: impl FnOnce(&[u8], usize) -> Option<office::Text>,
) {
    let max = usize::try_from(ex.limits.max_entry_size).unwrap_or(usize::MAX);
    match extract(xml, max) {
        Some(text) => {
            if text.truncated {
                ex.warn(
                    archive,
                    WarningKind::TextCut,
                    format!(
                        "the text of `{}` is larger than the entry limit: only its start was scanned",
                        inner.entry()
                    ),
                );
            }
            ex.text(inner, text.text.as_bytes(), depth);
        }
        None => ex.entry(inner, xml, depth),
    }
}

/// The shared strings of a workbook, which its sheets refer to by index; none if the part is
/// missing or cannot be read (the sheets then show the indexes).
fn shared_strings(ex: &mut Expander<'_>, zip: &mut Zip<'_>, path: &str) -> Vec<String> {
    let Some(index) = zip.index_for_name(office::SHARED_STRINGS) else {
        return Vec::new();
    };
    if checked_entry(ex, zip, index, path).is_none() {
        return Vec::new();
    }
    let mut buf = Vec::new();
    match inflate(ex, zip, index, path, office::SHARED_STRINGS, &mut buf) {
        Some(true) => office::shared_strings(&buf),
        _ => Vec::new(),
    }
}
