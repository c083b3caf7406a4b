//! Files sprawl writes: the report (`-o`) and a baseline (`--write-baseline`).
//!
//! sprawl often runs as root, over a tree anyone can write, so it touches nothing it did not
//! create. The destination is opened before the scan starts, so a path that cannot be written
//! fails at once rather than after an hour of scanning:
//!
//! - A new file, or an existing regular file, is written to a temporary file created beside it
//!   (owner-only from its first byte for a report), which is then renamed over the path. The
//!   rename replaces the directory entry: a symbolic link planted there is replaced, never
//!   followed, and the old file is never opened, truncated or `chmod`-ed. Two scans writing the
//!   same path each rename a whole report of their own: the last one wins, neither is torn.
//! - A character device, FIFO or socket (`/dev/null`, `/dev/tty`, a pipe) is written as it is,
//!   never created, truncated or `chmod`-ed; so is `/dev/stdout` or `/dev/stderr` (links to the
//!   process's own streams, whatever they point at).
//! - A symbolic link to anything else, a folder and a block device are refused, naming the path.

use std::fs::{File, Metadata};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use tempfile::NamedTempFile;

/// Who may read a file sprawl creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Its owner only (`0600`): a report may hold secrets whole.
    Owner,
    /// As the umask allows, as files an editor would create (a baseline, meant to be committed).
    Umask,
}

/// A destination opened before the scan, written to after it with `OutputFile::finish`.
#[derive(Debug)]
pub struct OutputFile {
    path: PathBuf,
    sink: Sink,
}

#[derive(Debug)]
enum Sink {
    /// A temporary file beside the destination, renamed over it when done.
    Replace(NamedTempFile),
    /// A device, a pipe or one of the process's own streams, written as it is.
    Stream(File),
}

impl OutputFile {
    /// Opens `path` for writing, as the module header says; `access` says who may read a file
    /// created for it.
    pub fn open(path: &Path, access: Access) -> Result<OutputFile> {
        let sink = match std::fs::symlink_metadata(path) {
            Err(err) if err.kind() == io::ErrorKind::NotFound => replacing(path, access)?,
            Err(err) => {
                return Err(err).with_context(|| format!("cannot write to {}", path.display()))
            }
            Ok(found) if found.file_type().is_symlink() => through_link(path)?,
            Ok(found) if found.is_file() => replacing(path, access)?,
            Ok(found) => as_it_is(path, &found)?,
        };
        Ok(OutputFile {
            path: path.to_path_buf(),
            sink,
        })
    }

    /// The path as given.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Where to write.
    pub(crate) fn writer(&mut self) -> &mut dyn Write {
        match &mut self.sink {
            Sink::Replace(temp) => temp.as_file_mut(),
            Sink::Stream(file) => file,
        }
    }

    /// Makes what was written the content of the path: the temporary file synced and renamed
    /// over it, or the stream flushed. Dropped without finishing, the temporary file is removed.
    pub(crate) fn finish(self) -> Result<()> {
        let path = self.path;
        match self.sink {
            Sink::Replace(temp) => {
                temp.as_file()
                    .sync_all()
                    .with_context(|| format!("cannot write {}", path.display()))?;
                temp.persist(&path)
                    .map_err(|err| err.error)
                    .with_context(|| format!("cannot replace {}", path.display()))?;
            }
            Sink::Stream(mut file) => file
                .flush()
                .with_context(|| format!("cannot write to {}", path.display()))?,
        }
        Ok(())
    }
}

/// A temporary file in the destination's folder, to be renamed over it.
fn replacing(path: &Path, access: Access) -> Result<Sink> {
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{} does not name a file", path.display()))?;
    let mut builder = tempfile::Builder::new();
    let prefix = format!(".{}.", name.to_string_lossy());
    builder.prefix(&prefix).suffix(".sprawl-tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = match access {
            Access::Owner => 0o600,
            Access::Umask => 0o666,
        };
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = access;
    let temp = builder.tempfile_in(folder).with_context(|| {
        format!(
            "cannot create a file in {} for {}",
            folder.display(),
            path.display()
        )
    })?;
    Ok(Sink::Replace(temp))
}

/// A symbolic link is written through only to a stream: a device, a pipe, or the process's own
/// standard output or error (`/dev/stdout` and the like), whatever that is.
fn through_link(path: &Path) -> Result<Sink> {
    if is_own_stream(path) {
        return open_stream(path);
    }
    match std::fs::metadata(path) {
        Ok(target) if is_stream(&target) => open_stream(path),
        _ => bail!(
            "{} is a symbolic link: sprawl does not write through links; name the file itself",
            path.display()
        ),
    }
}

/// Something that exists and is not a regular file or a link.
fn as_it_is(path: &Path, found: &Metadata) -> Result<Sink> {
    if found.is_dir() {
        bail!("{} is a folder, not a file", path.display());
    }
    if !is_stream(found) {
        bail!(
            "{} is neither a regular file nor a character device or pipe: not written",
            path.display()
        );
    }
    open_stream(path)
}

/// Opens a device or pipe for writing: never created, truncated or `chmod`-ed.
fn open_stream(path: &Path) -> Result<Sink> {
    let file = File::options()
        .append(true)
        .open(path)
        .with_context(|| format!("cannot write to {}", path.display()))?;
    Ok(Sink::Stream(file))
}

/// A character device, a FIFO or a socket.
fn is_stream(found: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = found.file_type();
        kind.is_char_device() || kind.is_fifo() || kind.is_socket()
    }
    #[cfg(not(unix))]
    {
        let _ = found;
        false
    }
}

/// The names of the process's own standard streams.
fn is_own_stream(path: &Path) -> bool {
    let Some(text) = path.to_str() else {
        return false;
    };
    matches!(text, "/dev/stdout" | "/dev/stderr")
        || ["/dev/fd/", "/proc/self/fd/"].iter().any(|folder| {
            text.strip_prefix(folder)
                .is_some_and(|fd| !fd.is_empty() && fd.bytes().all(|b| b.is_ascii_digit()))
        })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn written(path: &Path, access: Access, text: &str) -> Result<()> {
        let mut out = OutputFile::open(path, access)?;
        out.writer().write_all(text.as_bytes())?;
        out.finish()
    }

    fn mode(path: &Path) -> u32 {
        std::fs::symlink_metadata(path)
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    }

    #[test]
    fn a_new_report_is_owner_only_from_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        let out = OutputFile::open(&path, Access::Owner).unwrap();
        // Nothing at the path until the report is whole; the temporary file is owner-only.
        assert!(!path.exists());
        let temp: Vec<PathBuf> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        assert_eq!(temp.len(), 1);
        assert_eq!(mode(&temp[0]), 0o600);
        drop(out);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        written(&path, Access::Owner, "one").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one");
        assert_eq!(mode(&path), 0o600);
    }

    #[test]
    fn an_existing_file_is_replaced_not_rewritten_or_chmod_ed() {
        use std::os::unix::fs::MetadataExt;

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        std::fs::write(&path, "old and longer").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        // A hard link shows that the old file itself is left as it was.
        let other = dir.path().join("other-name");
        std::fs::hard_link(&path, &other).unwrap();
        let before = std::fs::metadata(&path).unwrap().ino();
        written(&path, Access::Owner, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(mode(&path), 0o600);
        assert_ne!(std::fs::metadata(&path).unwrap().ino(), before);
        assert_eq!(std::fs::read_to_string(&other).unwrap(), "old and longer");
        assert_eq!(mode(&other), 0o644);
        // A baseline follows the umask.
        let baseline = dir.path().join("baseline.json");
        written(&baseline, Access::Umask, "{}").unwrap();
        assert_ne!(mode(&baseline), 0o600);
    }

    #[test]
    fn a_link_is_never_written_through_to_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        std::fs::write(&target, "precious").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
        let link = dir.path().join("report.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = written(&link, Access::Owner, "x").unwrap_err().to_string();
        assert!(err.contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
        assert_eq!(mode(&target), 0o644);
        // A dangling link is not a way in either.
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert!(written(&dangling, Access::Owner, "x").is_err());
        assert!(!dir.path().join("nowhere").exists());
    }

    #[test]
    fn devices_and_pipes_are_written_as_they_are() {
        let before = std::fs::metadata("/dev/null").unwrap().permissions().mode();
        written(Path::new("/dev/null"), Access::Owner, "x").unwrap();
        assert_eq!(
            std::fs::metadata("/dev/null").unwrap().permissions().mode(),
            before
        );
        assert!(is_own_stream(Path::new("/dev/stdout")));
        assert!(is_own_stream(Path::new("/proc/self/fd/2")));
        assert!(!is_own_stream(Path::new("/dev/fd/")));
        assert!(!is_own_stream(Path::new("/dev/stdout2")));
    }

    #[test]
    fn folders_and_missing_folders_are_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let err = OutputFile::open(dir.path(), Access::Owner)
            .unwrap_err()
            .to_string();
        assert!(err.contains("is a folder"), "{err}");
        let missing = dir.path().join("no/such/report.json");
        let err = OutputFile::open(&missing, Access::Owner)
            .unwrap_err()
            .to_string();
        assert!(err.contains("no/such"), "{err}");
    }
}
