//! Reading one input into a reused buffer under the size limit, with the binary check.

use std::io::{self, Read};

/// How many leading bytes are searched for a NUL to call an input binary.
pub const BINARY_PROBE_LEN: usize = 8 * 1024;

/// What reading an input gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadOutcome {
    /// The buffer holds the whole input.
    Text,
    /// A NUL byte in the first [`BINARY_PROBE_LEN`] bytes; the rest was not read.
    Binary,
    /// The input holds more than the limit; the rest was not read.
    TooLarge,
}

/// Reads `reader` into `buf` (cleared first), stopping early for binary or oversized input.
///
/// Only the first [`BINARY_PROBE_LEN`] bytes are read before deciding that an input is binary,
/// and never more than `max_size + 1` bytes in all, so a file that grows during the scan or an
/// endless stream cannot exhaust memory.
pub fn read_blob(reader: impl Read, max_size: u64, buf: &mut Vec<u8>) -> io::Result<ReadOutcome> {
    buf.clear();
    let mut limited = reader.take(max_size.saturating_add(1));
    let probe_len = (limited.by_ref().take(BINARY_PROBE_LEN as u64)).read_to_end(buf)?;
    if memchr::memchr(0, &buf[..probe_len]).is_some() {
        return Ok(ReadOutcome::Binary);
    }
    limited.read_to_end(buf)?;
    if buf.len() as u64 > max_size {
        return Ok(ReadOutcome::TooLarge);
    }
    Ok(ReadOutcome::Text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &[u8], max: u64) -> (ReadOutcome, usize) {
        let mut buf = vec![1, 2, 3];
        let outcome = read_blob(input, max, &mut buf).unwrap();
        (outcome, buf.len())
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
