//! Reading one input into a reused buffer under the size limit, with the binary check (which an
//! archive passes when archives are opened).

use std::io::{self, Read};

/// How many leading bytes are searched for a NUL to call an input binary.
pub const BINARY_PROBE_LEN: usize = 8 * 1024;

/// What reading an input gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadOutcome {
    /// The buffer holds the whole input: text, or an archive to open.
    Text,
    /// A NUL byte in the first [`BINARY_PROBE_LEN`] bytes, and not an archive to open; the rest
    /// was not read.
    Binary,
    /// The input holds more than the limit; the rest was not read.
    TooLarge,
}

/// Reads `reader` into `buf` (cleared first), stopping early for binary or oversized input.
/// With `archives`, an input that starts like an archive is read whole, binary or not.
///
/// Only the first [`BINARY_PROBE_LEN`] bytes are read before deciding that an input is binary,
/// and never more than `max_size + 1` bytes in all, so a file that grows during the scan or an
/// endless stream cannot exhaust memory.
pub fn read_blob(
    reader: impl Read,
    max_size: u64,
    archives: bool,
    buf: &mut Vec<u8>,
) -> io::Result<ReadOutcome> {
    buf.clear();
    let mut limited = reader.take(max_size.saturating_add(1));
    let probe_len = (limited.by_ref().take(BINARY_PROBE_LEN as u64)).read_to_end(buf)?;
    if is_binary(&buf[..probe_len], archives) {
        return Ok(ReadOutcome::Binary);
    }
    limited.read_to_end(buf)?;
    if buf.len() as u64 > max_size {
        return Ok(ReadOutcome::TooLarge);
    }
    Ok(ReadOutcome::Text)
}

/// Reads a config, rule file or baseline. A device or socket is refused before it is opened
/// (`/dev/zero` never ends); a pipe is read, so that `--rules <(generate-rules)` works. Paths a
/// config file names are held to regular files before they get here (see
/// [`is_regular_file`]): a FIFO in a hostile repository would block the scan.
pub fn read_regular_file(path: &std::path::Path) -> io::Result<String> {
    let kind = std::fs::metadata(path)?.file_type();
    if !kind.is_file() && !is_pipe(kind) {
        return Err(io::Error::other("is not a regular file"));
    }
    std::fs::read_to_string(path)
}

/// Whether `path` is a regular file (after symbolic links), or does not exist, which the reader
/// reports in its own words.
pub fn is_regular_file(path: &std::path::Path) -> bool {
    std::fs::metadata(path).map_or(true, |meta| meta.is_file())
}

#[cfg(unix)]
fn is_pipe(kind: std::fs::FileType) -> bool {
    std::os::unix::fs::FileTypeExt::is_fifo(&kind)
}

#[cfg(not(unix))]
fn is_pipe(_: std::fs::FileType) -> bool {
    false
}

/// Whether an input whose first bytes are `probe` is skipped as binary: a NUL in them, unless
/// they start an archive and archives are opened, or UTF-16 text with a BOM (decoded before
/// matching, see `utf16.rs`).
pub fn is_binary(probe: &[u8], archives: bool) -> bool {
    let probe = &probe[..probe.len().min(BINARY_PROBE_LEN)];
    memchr::memchr(0, probe).is_some()
        && !(archives && super::is_archive(probe))
        && !super::is_utf16_text(probe)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &[u8], max: u64) -> (ReadOutcome, usize) {
        read_with(input, max, false)
    }

    fn read_with(input: &[u8], max: u64, archives: bool) -> (ReadOutcome, usize) {
        let mut buf = vec![1, 2, 3];
        let outcome = read_blob(input, max, archives, &mut buf).unwrap();
        (outcome, buf.len())
    }

    #[test]
    fn an_archive_is_read_whole_only_when_archives_are_opened() {
        let mut zip = b"PK\x03\x04".to_vec();
        zip.resize(BINARY_PROBE_LEN * 2, 0);
        assert_eq!(
            read_with(&zip, 1 << 20, true),
            (ReadOutcome::Text, zip.len())
        );
        assert_eq!(read_with(&zip, 1 << 20, false).0, ReadOutcome::Binary);
        assert_eq!(read_with(&zip, 100, true).0, ReadOutcome::TooLarge);
        let mut other = b"MZ".to_vec();
        other.resize(100, 0);
        assert_eq!(read_with(&other, 1 << 20, true).0, ReadOutcome::Binary);
    }

    #[test]
    fn text_is_read_whole() {
        assert_eq!(read(b"hello", 5), (ReadOutcome::Text, 5));
        assert_eq!(read(b"", 5), (ReadOutcome::Text, 0));
    }

    #[test]
    fn more_than_the_limit_is_too_large() {
        assert_eq!(read(b"hello!", 5).0, ReadOutcome::TooLarge);
    }

    #[test]
    fn a_nul_in_the_probe_is_binary_and_stops_the_read() {
        let mut input = vec![b'a'; 100_000];
        input[10] = 0;
        let (outcome, len) = read(&input, 1 << 20);
        assert_eq!(outcome, ReadOutcome::Binary);
        assert_eq!(len, BINARY_PROBE_LEN);
    }

    #[test]
    fn a_nul_past_the_probe_is_text() {
        let mut input = vec![b'a'; BINARY_PROBE_LEN + 10];
        input[BINARY_PROBE_LEN + 1] = 0;
        assert_eq!(read(&input, 1 << 20).0, ReadOutcome::Text);
    }
}
