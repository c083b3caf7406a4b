//! xz, read block by block: the container is parsed here and each block's LZMA2 data is decoded
//! by `lzma-rs`'s raw LZMA2 decoder.
//!
//! Why not `lzma_rs::xz_decompress`: it keeps a whole block's output in memory and writes it only
//! when the block is done. A truncated file then gives nothing back (where `xz -dc` recovers what
//! precedes the cut), and a small file that inflates to gigabytes is held whole before any limit
//! sees it. LZMA2 data is a series of chunks whose headers give their sizes, packed and unpacked,
//! so they can be walked without decoding: a block is decoded only if its chunks fit in what the
//! limits still allow, and a block that is cut short (or turns corrupt) is decoded up to its last
//! whole chunk, which an end marker then closes. Checks (CRC32, CRC64, SHA-256) are not
//! verified: damaged data is scanned as the text it decodes to.

use std::io::{self, Write};

/// How decoding an xz stream ended.
#[derive(Debug)]
pub(super) enum XzEnd {
    /// Every block of every stream was decoded.
    Whole,
    /// The writer refused more (a limit): the block that would not fit was not decoded.
    Limit,
    /// The stream is cut short or corrupt: the decoded output holds what came before the
    /// damage, as far as whole LZMA2 chunks go.
    Broken(String),
}

/// Where decoded blocks go.
pub(super) trait BlockSink: Write {
    /// Whether `size` more bytes may be written; when not, the sink notes which limit said no.
    fn admits(&mut self, size: u64) -> bool;
}

/// Decodes the xz stream (or streams, concatenated) in `bytes` into `out`, block by block, each
/// only if `out` admits its unpacked size.
pub(super) fn decode(bytes: &[u8], out: &mut dyn BlockSink) -> XzEnd {
    let mut at = 0;
    loop {
        let check = match stream_header(bytes, at) {
            Ok(check) => check,
            Err(why) => return XzEnd::Broken(why),
        };
        at += STREAM_HEADER_LEN;
        loop {
            match bytes.get(at) {
                None => return XzEnd::Broken("the stream is cut short".into()),
                Some(0) => break,
                Some(_) => {}
            }
            match block(bytes, at, check, out) {
                Ok(next) => at = next,
                Err(end) => return end,
            }
        }
        at = match skip_index_and_footer(bytes, at) {
            Ok(next) => next,
            Err(why) => return XzEnd::Broken(why),
        };
        // Stream padding, then another stream or the end.
        while bytes.get(at..at + 4) == Some(&[0; 4]) {
            at += 4;
        }
        if at >= bytes.len() {
            return XzEnd::Whole;
        }
    }
}

const MAGIC: &[u8] = &[0xfd, b'7', b'z', b'X', b'Z', 0x00];
const STREAM_HEADER_LEN: usize = 12;
const LZMA2_FILTER: u64 = 0x21;

/// The size of the check after each block, from the stream header at `at`.
fn stream_header(bytes: &[u8], at: usize) -> Result<usize, String> {
    let header = bytes
        .get(at..at + STREAM_HEADER_LEN)
        .ok_or("the stream header is cut short")?;
    if !header.starts_with(MAGIC) {
        return Err("not an xz stream".into());
    }
    // 0 for none, 4 for CRC32, 8 for CRC64, 32 for SHA-256, by ranges of three ids.
    const CHECK_SIZES: [usize; 16] = [0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64];
    Ok(CHECK_SIZES[usize::from(header[7] & 0x0f)])
}

/// Decodes the block at `at` into `out`; the offset of what follows it, or how decoding ended.
fn block(bytes: &[u8], at: usize, check: usize, out: &mut dyn BlockSink) -> Result<usize, XzEnd> {
    let data = block_header(bytes, at).map_err(XzEnd::Broken)?;
    let chunks = Chunks::walk(bytes, data);
    if !out.admits(chunks.unpacked) {
        return Err(XzEnd::Limit);
    }
    let decoded = decode_chunks(bytes, data, &chunks.ends, &mut *out);
    match (&chunks.end, decoded) {
        (ChunksEnd::Marker(after), Ok(())) => {
            let padded = at + (after - at).next_multiple_of(4);
            let next = padded + check;
            if next > bytes.len() {
                return Err(XzEnd::Broken(
                    "the stream is cut short after a block".into(),
                ));
            }
            Ok(next)
        }
        (ChunksEnd::Cut(why), Ok(())) => Err(XzEnd::Broken(why.clone())),
        (_, Err(why)) => Err(XzEnd::Broken(why)),
    }
}

/// The offset of the LZMA2 data of the block whose header starts at `at`; only a lone LZMA2
/// filter is supported, as xz writes by default.
fn block_header(bytes: &[u8], at: usize) -> Result<usize, String> {
    let size = (usize::from(bytes[at]) + 1) * 4;
    let header = bytes
        .get(at..at + size)
        .ok_or("a block header is cut short")?;
    let flags = header[1];
    if flags & 0x3c != 0 {
        return Err("a block header has unknown flags".into());
    }
    let filters = usize::from(flags & 0x03) + 1;
    let mut field = 2;
    // The optional compressed and uncompressed sizes: checked by walking the chunks instead.
    for present in [flags & 0x40 != 0, flags & 0x80 != 0] {
        if present {
            varint(header, &mut field)?;
        }
    }
    let id = varint(header, &mut field)?;
    if filters != 1 || id != LZMA2_FILTER {
        return Err("a block uses filters other than LZMA2 alone (not supported)".into());
    }
    Ok(at + size)
}

/// A variable-length integer of the xz format at `*at` in `bytes`, moving past it.
fn varint(bytes: &[u8], at: &mut usize) -> Result<u64, String> {
    let mut value = 0u64;
    for shift in (0..63).step_by(7) {
        let byte = *bytes.get(*at).ok_or("a size field is cut short")?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err("a size field is too long".into())
}

/// The LZMA2 chunks of one block, walked by their headers.
#[derive(Debug)]
struct Chunks {
    /// The offset just past each whole chunk, in order.
    ends: Vec<usize>,
    /// Bytes the whole chunks unpack to.
    unpacked: u64,
    end: ChunksEnd,
}

#[derive(Debug)]
enum ChunksEnd {
    /// The end marker; the offset just past it.
    Marker(usize),
    /// No end marker: the data is cut short or corrupt, and why.
    Cut(String),
}

impl Chunks {
    fn walk(bytes: &[u8], mut at: usize) -> Chunks {
        let mut chunks = Chunks {
            ends: Vec::new(),
            unpacked: 0,
            end: ChunksEnd::Cut(String::new()),
        };
        loop {
            let Some(&control) = bytes.get(at) else {
                chunks.end = ChunksEnd::Cut("the stream is cut short".into());
                return chunks;
            };
            let size = |from: usize| {
                bytes
                    .get(from..from + 2)
                    .map(|pair| u64::from(u16::from_be_bytes([pair[0], pair[1]])) + 1)
            };
            // (header length, packed length, unpacked length)
            let chunk = match control {
                0x00 => {
                    chunks.end = ChunksEnd::Marker(at + 1);
                    return chunks;
                }
                0x01 | 0x02 => size(at + 1).map(|len| (3, len, len)),
                0x80..=0xff => size(at + 1).zip(size(at + 3)).map(|(low, packed)| {
                    let unpacked = (u64::from(control & 0x1f) << 16) + low;
                    let header = if control >= 0xc0 { 6 } else { 5 };
                    (header, packed, unpacked)
                }),
                _ => {
                    chunks.end = ChunksEnd::Cut("the LZMA2 data is corrupt".into());
                    return chunks;
                }
            };
            let end = chunk.and_then(|(header, packed, _)| {
                let end = at + header + usize::try_from(packed).ok()?;
                (end <= bytes.len()).then_some(end)
            });
            let (Some(end), Some((_, _, unpacked))) = (end, chunk) else {
                chunks.end = ChunksEnd::Cut("the stream is cut short".into());
                return chunks;
            };
            chunks.ends.push(end);
            chunks.unpacked += unpacked;
            at = end;
        }
    }
}

/// Decodes the chunks from `start` to the last of `ends`, closed by an end marker. If they do not
/// decode (corrupt data inside a chunk), the longest run of leading chunks that does is decoded,
/// found by halving: at most a logarithmic number of tries.
fn decode_chunks(
    bytes: &[u8],
    start: usize,
    ends: &[usize],
    out: &mut dyn BlockSink,
) -> Result<(), String> {
    let attempt = |count: usize| -> Result<Vec<u8>, String> {
        let end = if count == 0 { start } else { ends[count - 1] };
        let mut stream = Vec::with_capacity(end - start + 1);
        stream.extend_from_slice(&bytes[start..end]);
        stream.push(0x00);
        let mut decoded = Vec::new();
        lzma_rs::lzma2_decompress(&mut &stream[..], &mut decoded)
            .map(|()| decoded)
            .map_err(|err| format!("the LZMA2 data is corrupt ({err})"))
    };
    let failure = match attempt(ends.len()) {
        Ok(decoded) => return write_out(out, &decoded),
        Err(failure) => failure,
    };
    // Leading chunks decode (`good`), all of them do not (`bad`): narrow down.
    let (mut good, mut bad, mut best) = (0, ends.len(), Vec::new());
    while bad - good > 1 {
        let middle = good + (bad - good) / 2;
        match attempt(middle) {
            Ok(decoded) => {
                good = middle;
                best = decoded;
            }
            Err(_) => bad = middle,
        }
    }
    write_out(out, &best)?;
    Err(failure)
}

fn write_out(out: &mut dyn BlockSink, decoded: &[u8]) -> Result<(), String> {
    out.write_all(decoded)
        .map_err(|err: io::Error| err.to_string())
}

/// The offset past the index and stream footer at `at` (the index indicator).
fn skip_index_and_footer(bytes: &[u8], at: usize) -> Result<usize, String> {
    let mut field = at + 1;
    let records = varint(bytes, &mut field)?;
    for _ in 0..records {
        varint(bytes, &mut field)?;
        varint(bytes, &mut field)?;
    }
    // Padding to four bytes and the index's CRC32, then the 12-byte footer: its CRC32, the
    // index's size in fours less one, the stream flags and `YZ`.
    let index_len = (field - at).next_multiple_of(4) + 4;
    let end = at + index_len + 12;
    let Some(footer) = bytes.get(end - 12..end) else {
        return Err("the stream is cut short after its data".into());
    };
    let backward = u32::from_le_bytes([footer[4], footer[5], footer[6], footer[7]]);
    if &footer[10..] != b"YZ" || (u64::from(backward) + 1) * 4 != index_len as u64 {
        return Err("the stream footer is corrupt".into());
    }
    Ok(end)
}
