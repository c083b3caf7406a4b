//! Reading the start of one input into a reused buffer, with the binary check (which an archive
//! passes when archives are opened): text that fits is read whole, longer text is handed on as a
//! stream for the chunked scan, an archive is read whole within its own limit.

use std::io::{self, Read};

/// How many leading bytes are searched for a NUL to call an input binary.
pub(crate) const BINARY_PROBE_LEN: usize = 8 * 1024;

/// What an input is held to while it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ReadLimits {
    /// Text up to this many bytes is read whole; a longer input is handed on as a stream, to be
    /// scanned in overlapping chunks with bounded memory.
    pub whole: u64,
    /// With archives opened: the largest archive read whole to be opened (an archive is never
    /// streamed). `None`: archives are not opened, and are binary like any other.
    pub archive: Option<u64>,
}

/// What reading the start of an input found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    /// The buffer holds the whole input: text, or an archive to open.
    Whole,
    /// A NUL byte in the first [`BINARY_PROBE_LEN`] bytes, and not an archive to open; the rest
    /// was not read.
    Binary,
    /// Text longer than [`ReadLimits::whole`]: the buffer holds its first bytes, the rest is
    /// still in the reader.
    Stream,
    /// An archive larger than [`ReadLimits::archive`]: not opened, the rest not read.
    ArchiveTooLarge,
}

/// Reads the start of `reader` into `buf` (cleared first) and says what the input is. Only the
/// first [`BINARY_PROBE_LEN`] bytes are read before deciding that it is binary, and past them
/// never more than one byte beyond the limit that applies, so an endless stream cannot exhaust
/// memory.
pub(crate) fn read_input(
    reader: &mut dyn Read,
    limits: ReadLimits,
    buf: &mut Vec<u8>,
) -> io::Result<Reading> {
    buf.clear();
    let probe_len = (&mut *reader)
        .take(BINARY_PROBE_LEN as u64)
        .read_to_end(buf)?;
    let probe = &buf[..probe_len];
    let archive = limits.archive.filter(|_| super::is_archive(probe));
    if archive.is_none() && is_binary(probe, false) {
        return Ok(Reading::Binary);
    }
    let limit = archive.unwrap_or(limits.whole);
    let rest = limit.saturating_add(1).saturating_sub(buf.len() as u64);
    (&mut *reader).take(rest).read_to_end(buf)?;
    Ok(match (buf.len() as u64 > limit, archive.is_some()) {
        (false, _) => Reading::Whole,
        (true, false) => Reading::Stream,
        (true, true) => Reading::ArchiveTooLarge,
    })
}

/// Reads a config, rule file or baseline. A device or socket is refused before it is opened
/// (`/dev/zero` never ends); a pipe is read, so that `--rules <(generate-rules)` works. Paths a
/// config file names are held to regular files before they get here (see
/// [`is_regular_file`]): a FIFO in a hostile repository would block the scan.
pub(crate) fn read_regular_file(path: &std::path::Path) -> io::Result<String> {
    let kind = std::fs::metadata(path)?.file_type();
    if !kind.is_file() && !is_pipe(kind) {
        return Err(io::Error::other("is not a regular file"));
    }
    std::fs::read_to_string(path)
}

/// Whether `path` is a regular file (after symbolic links), or does not exist, which the reader
/// reports in its own words.
pub(crate) fn is_regular_file(path: &std::path::Path) -> bool {
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
pub(crate) fn is_binary(probe: &[u8], archives: bool) -> bool {
    let probe = &probe[..probe.len().min(BINARY_PROBE_LEN)];
    memchr::memchr(0, probe).is_some()
        && !(archives && super::is_archive(probe))
        && !super::is_utf16_text(probe)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &[u8], whole: u64) -> (Reading, usize) {
        read_with(input, whole, None)
    }

    fn read_with(input: &[u8], whole: u64, archive: Option<u64>) -> (Reading, usize) {
        let mut buf = vec![1, 2, 3];
        let limits = ReadLimits { whole, archive };
        let outcome = read_input(&mut &input[..], limits, &mut buf).unwrap();
        (outcome, buf.len())
    }

    #[test]
    fn an_archive_is_read_whole_only_when_archives_are_opened() {
        let mut zip = b"PK\x03\x04".to_vec();
        zip.resize(BINARY_PROBE_LEN * 2, 0);
        assert_eq!(
            read_with(&zip, 10, Some(1 << 20)),
            (Reading::Whole, zip.len())
        );
        assert_eq!(read_with(&zip, 1 << 20, None).0, Reading::Binary);
        assert_eq!(
            read_with(&zip, 1 << 20, Some(100)),
            (Reading::ArchiveTooLarge, BINARY_PROBE_LEN)
        );
        assert_eq!(
            read_with(&zip, 1 << 20, Some(BINARY_PROBE_LEN as u64 + 10)),
            (Reading::ArchiveTooLarge, BINARY_PROBE_LEN + 11)
        );
        let mut other = b"MZ".to_vec();
        other.resize(100, 0);
        assert_eq!(read_with(&other, 1 << 20, Some(1 << 20)).0, Reading::Binary);
    }

    #[test]
    fn text_is_read_whole_up_to_the_limit() {
        assert_eq!(read(b"hello", 5), (Reading::Whole, 5));
        assert_eq!(read(b"", 5), (Reading::Whole, 0));
    }

    #[test]
    fn longer_text_is_a_stream_with_one_byte_past_the_limit_read() {
        assert_eq!(read(b"hello!!", 5), (Reading::Stream, 7));
        let mut input = vec![b'a'; BINARY_PROBE_LEN * 3];
        input[BINARY_PROBE_LEN * 2] = 0;
        assert_eq!(
            read(&input, BINARY_PROBE_LEN as u64 + 5),
            (Reading::Stream, BINARY_PROBE_LEN + 6)
        );
    }

    #[test]
    fn a_nul_in_the_probe_is_binary_and_stops_the_read() {
        let mut input = vec![b'a'; 100_000];
        input[10] = 0;
        let (outcome, len) = read(&input, 1 << 20);
        assert_eq!(outcome, Reading::Binary);
        assert_eq!(len, BINARY_PROBE_LEN);
    }

    #[test]
    fn a_nul_past_the_probe_is_text() {
        let mut input = vec![b'a'; BINARY_PROBE_LEN + 10];
        input[BINARY_PROBE_LEN + 1] = 0;
        assert_eq!(read(&input, 1 << 20).0, Reading::Whole);
    }
}
