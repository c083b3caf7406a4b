//! The directory walk: `ignore`'s parallel walker, reading each file into a per-thread buffer.
//!
//! Hidden files are walked (a `.env` is the classic leak); `.gitignore`, `.ignore` and
//! `.git/info/exclude` are honoured unless asked not to, in or out of a git repository, but the
//! user's global git excludes are not, so a scan gives the same answer on every machine. `.git`
//! folders are never entered. Symbolic links are reported as skipped unless followed; FIFOs,
//! sockets and devices are never opened, so the walk cannot block on them.

use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::{DirEntry, WalkBuilder, WalkState};

use super::read::{read_blob, ReadOutcome};
use super::{Blob, Sink, SkipReason, SourceError};

/// How the walk behaves.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Honour `.gitignore`, `.ignore` and `.git/info/exclude`.
    pub respect_ignore_files: bool,
    /// Follow symbolic links.
    pub follow_symlinks: bool,
    /// Files larger than this many bytes are skipped.
    pub max_file_size: u64,
    /// Read archives whole rather than skip them as binary (they are opened by the sink).
    pub archives: bool,
    /// Walker threads.
    pub threads: usize,
}

/// Gitignore-style globs relative to a root folder: which paths a config excludes, includes,
/// or scopes a rule to.
#[derive(Debug, Clone)]
pub struct PathGlobs {
    matcher: Gitignore,
}

impl PathGlobs {
    /// Compiles `globs` (gitignore syntax) relative to the folder `root`. The error names the
    /// glob that does not compile.
    pub fn new(root: &Path, globs: &[String]) -> Result<PathGlobs, String> {
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
    pub fn matches_relative(&self, path: &str) -> bool {
        self.matcher
            .matched_path_or_any_parents(Path::new(path), false)
            .is_ignore()
    }

    /// Whether `path` (or a folder above it, inside the root) is matched.
    pub fn matches(&self, path: &Path, is_dir: bool) -> bool {
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
pub struct PathFilter {
    /// Paths never scanned (folders are not entered).
    pub exclude: Option<PathGlobs>,
    /// If set, the only files scanned.
    pub include: Option<PathGlobs>,
    /// With `--shard`: files are scanned only by the shard their path (as shown) belongs to.
    pub shard: Option<crate::shard::Shard>,
}

impl PathFilter {
    /// Whether a path relative to the repository root (as git names it) is scanned.
    pub fn admits_relative(&self, path: &str) -> bool {
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
/// `make_sink` and drops it when the thread is done.
pub fn walk<S, F>(roots: &[PathBuf], options: &WalkOptions, filter: &PathFilter, make_sink: F)
where
    S: Sink + Send,
    F: Fn() -> S + Sync,
{
    let Some((first, rest)) = roots.split_first() else {
        return;
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
    builder.filter_entry(move |entry| {
        let is_dir = entry.file_type().is_some_and(|kind| kind.is_dir());
        if in_git_folder(entry.path()) {
            return false;
        }
        !exclude
            .as_ref()
            .is_some_and(|ex| ex.matches(entry.path(), is_dir))
    });
    let limits = ReadLimits {
        max_file_size: options.max_file_size,
        archives: options.archives,
    };
    builder.build_parallel().run(|| {
        let mut sink = make_sink();
        let mut buf = Vec::new();
        Box::new(move |entry| {
            match entry {
                Ok(entry) => visit(&entry, filter, limits, &mut buf, &mut sink),
                Err(err) => sink.error(walk_error(&err)),
            }
            WalkState::Continue
        })
    });
}

/// What reading a file is held to.
#[derive(Debug, Clone, Copy)]
struct ReadLimits {
    max_file_size: u64,
    archives: bool,
}

fn visit(
    entry: &DirEntry,
    filter: &PathFilter,
    limits: ReadLimits,
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

fn read_file(
    fs_path: &Path,
    path: &str,
    limits: ReadLimits,
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
    match read_blob(file, limits.max_file_size, limits.archives, buf) {
        Ok(ReadOutcome::Text) => sink.blob(Blob { path, bytes: buf }),
        Ok(ReadOutcome::Binary) => sink.skipped(path, SkipReason::Binary),
        Ok(ReadOutcome::TooLarge) => sink.skipped(path, SkipReason::TooLarge),
        Err(err) => sink.error(error(err)),
    }
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
pub fn shown_path(path: &Path) -> PathBuf {
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
