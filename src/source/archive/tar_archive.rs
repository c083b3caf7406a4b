//! tar, read entry by entry from memory or from a decompressing stream: only the entry being
//! scanned is held. Only regular files are read; links, folders and devices are passed over (a
//! link's target is never followed, there is nothing on disk to follow it to).

use std::io::Read;

use tar::EntryType;

use super::warnings::WarningKind;
use super::{escapes, inner_path, traversal_message, EntryPath, Expander, ReadEnd};

/// Opens the tar in `bytes` (shown as `path`), whose entries are `depth` archives deep.
pub(super) fn expand(ex: &mut Expander<'_>, path: &EntryPath, bytes: &[u8], depth: u32) {
    read(ex, path, bytes, depth);
}

/// Reads a tar from `reader`. When the reader is a capped stream, a limit it runs into is left
/// in the budget for the stream's owner to report.
pub(super) fn read(ex: &mut Expander<'_>, path: &EntryPath, reader: impl Read, depth: u32) {
    let mut archive = tar::Archive::new(reader);
    let entries = match archive.entries() {
        Ok(entries) => entries,
        Err(err) => return broken(ex, path, &err.to_string()),
    };
    let mut buf = Vec::new();
    for entry in entries {
        if ex.stopped() {
            break;
        }
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => return broken(ex, path, &err.to_string()),
        };
        let kind = entry.header().entry_type();
        if !(kind.is_file() || kind == EntryType::Continuous) {
            continue;
        }
        if !ex.take_entry(path) {
            break;
        }
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        if escapes(&name) {
            ex.warn(path, WarningKind::Traversal, traversal_message(&name));
        }
        let size = entry.size();
        if size > ex.limits.max_entry_size {
            ex.skip();
            continue;
        }
        let inner = inner_path(path, &name);
        match ex.read_entry(entry, &mut buf) {
            ReadEnd::Whole if (buf.len() as u64) < size => {
                ex.entry(&inner, &buf, depth);
                return broken(ex, path, &format!("entry `{name}` is cut short"));
            }
            ReadEnd::Whole => ex.entry(&inner, &buf, depth),
            ReadEnd::TooLarge => ex.skip(),
            ReadEnd::Limit => return ex.skip(),
            ReadEnd::Broken(err) => {
                ex.entry(&inner, &buf, depth);
                return broken(ex, path, &err.to_string());
            }
        }
    }
}

/// Warns that the tar (or the stream under it) is corrupt or cut short, unless a limit is what
/// stopped it (its owner says so).
fn broken(ex: &mut Expander<'_>, path: &str, why: &str) {
    if ex.budget.hit.get().is_some() {
        return;
    }
    ex.warn(
        path,
        WarningKind::Damaged,
        format!("corrupt or truncated archive ({why}): the entries before it were scanned"),
    );
}
