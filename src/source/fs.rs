//! The directory walk: `ignore`'s parallel walker, reading each file into a per-thread buffer.
//!
//! Hidden files are walked (a `.env` is the classic leak); `.gitignore`, `.ignore` and
//! `.git/info/exclude` are honoured unless asked not to, in or out of a git repository, but the
//! user's global git excludes are not, so a scan gives the same answer on every machine. What
//! they leave out is counted ([`IgnoredCount`]), so a summary never reads as if all was read. `.git`
//! folders are never entered. Symbolic links are reported as skipped unless followed; FIFOs,
//! sockets and devices are never opened, so the walk cannot block on them.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::{DirEntry, WalkBuilder, WalkState};

use super::read::{read_input, Reading};
use super::{Blob, Sink, SkipReason, SourceError};

/// How the walk behaves.
#[derive(Debug, Clone)]
pub(crate) struct WalkOptions {
    /// Honour `.gitignore`, `.ignore` and `.git/info/exclude`.
    pub respect_ignore_files: bool,
    /// Follow symbolic links.
    pub follow_symlinks: bool,
    /// Files larger than this many bytes are skipped (`u64::MAX`: none is).
    pub max_file_size: u64,
    /// Which files are read whole, which streamed, and which archives read whole to be opened
    /// by the sink (rather than skipped as binary).
    pub read: super::read::ReadLimits,
    /// Walker threads.
    pub threads: usize,
}

/// Gitignore-style globs relative to a root folder: which paths a config excludes, includes,
/// or scopes a rule to.
#[derive(Debug, Clone)]
pub(crate) struct PathGlobs {
    matcher: Gitignore,
}

impl PathGlobs {
    /// Compiles `globs` (gitignore syntax) relative to the folder `root`. The error names the
    /// glob that does not compile.
    pub(crate) fn new(root: &Path, globs: &[String]) -> Result<PathGlobs, String> {
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let mut builder = GitignoreBuilder::new(&root);
        for glob in globs {
            builder
                .add_line(None, glob)
                .map_err(|err| format!("exclude pattern `{glob}`: {err}"))?;
        }
        let matcher = builder
            .build()
            .map_err(|err| format!("exclude patterns: {err}"))?;
        Ok(PathGlobs { matcher })
    }

    /// Whether `path`, relative to the root (as git names paths), is matched.
    pub(crate) fn matches_relative(&self, path: &str) -> bool {
        self.matcher
            .matched_path_or_any_parents(Path::new(path), false)
            .is_ignore()
    }

    /// Whether `path` (or a folder above it, inside the root) is matched.
    pub(crate) fn matches(&self, path: &Path, is_dir: bool) -> bool {
        let Ok(path) = std::path::absolute(path) else {
            return false;
        };
        if !path.starts_with(self.matcher.path()) {
            return false;
        }
        self.matcher
            .matched_path_or_any_parents(&path, is_dir)
            .is_ignore()
    }
}

/// Which paths a scan reads: none that `exclude` matches and, if `include` is set, only files it
/// matches.
#[derive(Debug, Clone, Default)]
pub(crate) struct PathFilter {
    /// Paths never scanned (folders are not entered).
    pub exclude: Option<PathGlobs>,
    /// If set, the only files scanned.
    pub include: Option<PathGlobs>,
    /// With `--shard`: files are scanned only by the shard their path (as shown) belongs to.
    pub shard: Option<crate::shard::Shard>,
}

impl PathFilter {
    /// Whether a path relative to the repository root (as git names it) is scanned.
    pub(crate) fn admits_relative(&self, path: &str) -> bool {
        !self
            .exclude
            .as_ref()
            .is_some_and(|ex| ex.matches_relative(path))
            && self
                .include
                .as_ref()
                .is_none_or(|inc| inc.matches_relative(path))
    }
}

/// Walks `roots` (files and folders) in parallel; each walker thread gets its own sink from
/// `make_sink` and drops it when the thread is done. Returns how many entries the ignore files
/// left out (counted as `IgnoredCount` says).
pub(crate) fn walk<S, F>(
    roots: &[PathBuf],
    options: &WalkOptions,
    filter: &PathFilter,
    make_sink: F,
) -> u64
where
    S: Sink + Send,
    F: Fn() -> S + Sync,
{
    let Some((first, rest)) = roots.split_first() else {
        return 0;
    };
    let mut builder = WalkBuilder::new(first);
    for root in rest {
        builder.add(root);
    }
    let respect = options.respect_ignore_files;
    builder
        .hidden(false)
        .parents(respect)
        .ignore(respect)
        .git_ignore(respect)
        .git_exclude(respect)
        .git_global(false)
        .require_git(false)
        .follow_links(options.follow_symlinks)
        .threads(options.threads);
    let exclude = filter.exclude.clone();
    let ignored = IgnoredCount::default();
    let reached = Arc::clone(&ignored.reached);
    builder.filter_entry(move |entry| {
        reached.fetch_add(1, Ordering::Relaxed);
        let is_dir = entry.file_type().is_some_and(|kind| kind.is_dir());
        if in_git_folder(entry.path()) {
            return false;
        }
        !exclude
            .as_ref()
            .is_some_and(|ex| ex.matches(entry.path(), is_dir))
    });
    let limits = FileLimits {
        max_file_size: options.max_file_size,
        read: options.read,
    };
    let listed = &ignored.listed;
    builder.build_parallel().run(|| {
        let mut sink = make_sink();
        let mut buf = Vec::new();
        Box::new(move |entry| {
            match entry {
                Ok(entry) => {
                    if respect {
                        count_children(&entry, listed);
                    }
                    visit(&entry, filter, limits, &mut buf, &mut sink)
                }
                Err(err) => sink.error(walk_error(&err)),
            }
            WalkState::Continue
        })
    });
    if respect {
        ignored.total()
    } else {
        0
    }
}

/// How many entries the ignore files left out of a walk, counted without matching any ignore
/// rule ourselves: `ignore` hands every entry that no ignore rule drops to the entry filter,
/// so the entries of the folders walked, less those the filter saw, are the ones ignored. An
/// ignored folder counts once, however much it holds (it is never entered). Each folder is
/// listed once more for this: a directory read per folder, no file read.
#[derive(Debug, Default)]
struct IgnoredCount {
    /// Entries in the folders the walk entered.
    listed: AtomicU64,
    /// Entries that reached the entry filter.
    reached: Arc<AtomicU64>,
}

impl IgnoredCount {
    fn total(&self) -> u64 {
        let listed = self.listed.load(Ordering::Relaxed);
        listed.saturating_sub(self.reached.load(Ordering::Relaxed))
    }
}

/// Adds the number of entries of `entry`, when it is a folder the walk enters, to `listed`.
fn count_children(entry: &DirEntry, listed: &AtomicU64) {
    if entry.file_type().is_some_and(|kind| kind.is_dir()) {
        if let Ok(children) = std::fs::read_dir(entry.path()) {
            listed.fetch_add(children.count() as u64, Ordering::Relaxed);
        }
    }
}

/// What reading a file is held to.
#[derive(Debug, Clone, Copy)]
struct FileLimits {
    /// Larger files are skipped (`--max-file-size`).
    max_file_size: u64,
    /// What is read whole, streamed, or opened as an archive.
    read: super::read::ReadLimits,
}

fn visit(
    entry: &DirEntry,
    filter: &PathFilter,
    limits: FileLimits,
    buf: &mut Vec<u8>,
    sink: &mut dyn Sink,
) {
    let Some(kind) = entry.file_type() else {
        return; // standard input; never produced by a path walk
    };
    if kind.is_dir() {
        return;
    }
    let path = display_path(entry.path());
    if filter
        .shard
        .is_some_and(|shard| !shard.owns(path.as_bytes()))
    {
        return;
    }
    if kind.is_symlink() {
        sink.skipped(&path, SkipReason::Symlink);
        return;
    }
    if !kind.is_file() {
        sink.skipped(&path, SkipReason::Special);
        return;
    }
    // Roots named on the command line bypass `filter_entry`; excludes still apply to them, so a
    // pre-commit hook that passes file names gets the same answer as a folder scan. Includes
    // apply to files only: any folder may hold an included file.
    let excluded = entry.depth() == 0
        && filter
            .exclude
            .as_ref()
            .is_some_and(|ex| ex.matches(entry.path(), false));
    if entry.depth() == 0 && in_git_folder(entry.path()) {
        return;
    }
    let included = filter
        .include
        .as_ref()
        .is_none_or(|inc| inc.matches(entry.path(), false));
    if excluded || !included {
        return;
    }
    read_file(entry.path(), &path, limits, buf, sink);
}

/// Reads the one file at `fs_path` (after symbolic links) as the walk reads each file it meets,
/// and hands it to `sink` shown as `shown`: for a file named outside a walk (a path handed to the
/// staged scan that has nothing staged). Not a regular file: skipped as special.
pub(crate) fn read_one(
    fs_path: &Path,
    shown: &str,
    max_file_size: u64,
    read: super::read::ReadLimits,
    sink: &mut dyn Sink,
) {
    match std::fs::metadata(fs_path) {
        Ok(meta) if !meta.is_file() => sink.skipped(shown, SkipReason::Special),
        _ => {
            let limits = FileLimits {
                max_file_size,
                read,
            };
            read_file(fs_path, shown, limits, &mut Vec::new(), sink);
        }
    }
}

fn read_file(
    fs_path: &Path,
    path: &str,
    limits: FileLimits,
    buf: &mut Vec<u8>,
    sink: &mut dyn Sink,
) {
    let error = |err: std::io::Error| SourceError {
        path: path.to_string(),
        message: format!("cannot read: {err}"),
    };
    let file = match std::fs::File::open(fs_path) {
        Ok(file) => file,
        Err(err) => return sink.error(error(err)),
    };
    match file.metadata() {
        Ok(meta) if meta.len() > limits.max_file_size => {
            return sink.skipped(path, SkipReason::TooLarge)
        }
        Ok(_) => {}
        Err(err) => return sink.error(error(err)),
    }
    // At most the size limit is read, even from a file that grows during the scan.
    let mut file = std::io::Read::take(file, limits.max_file_size);
    hand_over(path, &mut file, limits.read, buf, sink).unwrap_or_else(|err| sink.error(error(err)));
}

/// Reads an input as [`read_input`] says and hands it to `sink`: whole, as a stream (its first
/// bytes, then the rest of `reader`), or as skipped; an archive too large to open is skipped
/// with a warning that names the limit.
pub(super) fn hand_over(
    path: &str,
    reader: &mut dyn std::io::Read,
    limits: super::read::ReadLimits,
    buf: &mut Vec<u8>,
    sink: &mut dyn Sink,
) -> std::io::Result<()> {
    match read_input(reader, limits, buf)? {
        Reading::Whole => sink.blob(Blob { path, bytes: buf }),
        Reading::Binary => sink.skipped(path, SkipReason::Binary),
        Reading::Stream => {
            let mut stream = std::io::Read::chain(&buf[..], reader);
            sink.stream(path, &mut stream);
        }
        Reading::ArchiveTooLarge => {
            sink.skipped(path, SkipReason::TooLarge);
            sink.warning(SourceError {
                path: path.to_string(),
                message: format!(
                    "an archive larger than {} bytes is not opened (the `archives.max_entry_size` \
                     limit): raise it in .sprawl.yml to scan what it holds",
                    limits.archive.unwrap_or_default()
                ),
            });
        }
    }
    Ok(())
}

/// Whether `path` is a `.git` folder or lies inside one: git's internals are never scanned,
/// even when named on the command line (`sprawl git` reads history properly).
fn in_git_folder(path: &Path) -> bool {
    path.components().any(|part| part.as_os_str() == ".git")
}

/// A path as shown to the user: without a leading `./`.
fn display_path(path: &Path) -> String {
    shown_path(path).to_string_lossy().into_owned()
}

/// `path` as the walk shows the files under it: without a leading `./` (`.` itself is empty).
pub(crate) fn shown_path(path: &Path) -> PathBuf {
    path.strip_prefix(".").unwrap_or(path).to_path_buf()
}

/// Splits a walker error into the path it concerns and a message.
fn walk_error(err: &ignore::Error) -> SourceError {
    fn find_path(err: &ignore::Error) -> Option<&Path> {
        match err {
            ignore::Error::WithPath { path, .. } => Some(path),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                find_path(err)
            }
            ignore::Error::Loop { child, .. } => Some(child),
            _ => None,
        }
    }
    fn innermost(err: &ignore::Error) -> &ignore::Error {
        match err {
            ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => {
                innermost(err)
            }
            other => other,
        }
    }
    SourceError {
        path: find_path(err).map_or_else(|| "(walk)".to_string(), display_path),
        message: innermost(err).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths_drop_the_leading_dot() {
        assert_eq!(display_path(Path::new("./src/a.rs")), "src/a.rs");
        assert_eq!(display_path(Path::new("src/a.rs")), "src/a.rs");
        assert_eq!(display_path(Path::new("/abs/a.rs")), "/abs/a.rs");
    }

    #[test]
    fn excludes_match_gitignore_style_below_the_root_only() {
        let root = std::env::temp_dir().join("sprawl-excludes-test");
        let ex = PathGlobs::new(
            &root,
            &["rules/".into(), "*.lock".into(), "/top.txt".into()],
        )
        .unwrap();
        assert!(ex.matches(&root.join("rules/aws.yml"), false));
        assert!(ex.matches(&root.join("rules"), true));
        assert!(ex.matches(&root.join("a/b/Cargo.lock"), false));
        assert!(ex.matches(&root.join("top.txt"), false));
        assert!(!ex.matches(&root.join("sub/top.txt"), false));
        assert!(!ex.matches(&root.join("src/main.rs"), false));
        assert!(!ex.matches(Path::new("/elsewhere/rules/aws.yml"), false));
    }

    #[test]
    fn a_bad_exclude_glob_is_named() {
        let err = PathGlobs::new(Path::new("/tmp"), &["{a,b".into()]).unwrap_err();
        assert!(err.contains("`{a,b`"), "{err}");
    }
}
