//! zstd: every frame of a stream in turn, read as it is decoded; a frame cut short gives back
//! what its whole blocks hold.
//!
//! `ruzstd` keeps the last window of output (up to several MiB) until a frame ends, so a frame
//! that is cut short would give nothing of it back, where `zstd -dc` recovers what precedes the
//! cut. When a frame fails, its block headers are walked (each says its length): if the frame is
//! cut short, it is decoded again from a copy that ends with its last whole block, marked as the
//! frame's last, and what was not handed out the first time is; then the error is reported.

use std::io::{self, Cursor, Read};

use ruzstd::decoding::errors::{FrameDecoderError, ReadFrameHeaderError};
use ruzstd::decoding::{FrameDecoder, StreamingDecoder};

/// Every zstd frame of a stream in turn, skippable frames passed over.
pub(super) struct ZstdFrames<'a> {
    /// The input from the start of the frame being read (or the next one).
    rest: &'a [u8],
    frame: Option<Frame<'a>>,
    /// The largest window a frame may ask for: the decoder holds that much output back.
    max_window: u64,
}

/// The frame being read.
struct Frame<'a> {
    decoder: StreamingDecoder<Source<'a>, FrameDecoder>,
    /// Bytes handed out from this frame so far.
    handed_out: u64,
    /// For a frame decoded again after it failed: output still to pass over (handed out the
    /// first time), and the error to report at its end.
    repair: Option<Repair>,
}

struct Repair {
    skip: u64,
    error: io::Error,
}

/// What a frame is decoded from: the input itself, or a repaired copy of a frame cut short.
enum Source<'a> {
    Input(&'a [u8]),
    Repaired(Cursor<Vec<u8>>),
}

impl Read for Source<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Source::Input(bytes) => bytes.read(buf),
            Source::Repaired(cursor) => cursor.read(buf),
        }
    }
}

impl<'a> ZstdFrames<'a> {
    /// The frames of `bytes`, each refused if it asks for a window over `max_window` bytes.
    pub(super) fn new(bytes: &'a [u8], max_window: u64) -> ZstdFrames<'a> {
        ZstdFrames {
            rest: bytes,
            frame: None,
            max_window,
        }
    }

    /// Starts the frame at `rest`, passing over skippable frames; false at the end of the input.
    fn next_frame(&mut self) -> io::Result<bool> {
        loop {
            if self.rest.is_empty() {
                return Ok(false);
            }
            // The decoder keeps a window of output back until the frame ends, and a frame says
            // how large: a few bytes could otherwise make it hold gigabytes.
            if let Some(window) = frame_header(self.rest).map(|header| header.window) {
                if window > self.max_window {
                    return Err(io::Error::new(
                        io::ErrorKind::Unsupported,
                        format!(
                            "a frame needs a window of {}, more than the {} an input may unpack",
                            super::human_size(window),
                            super::human_size(self.max_window)
                        ),
                    ));
                }
            }
            match StreamingDecoder::new(Source::Input(self.rest)) {
                Ok(decoder) => {
                    self.frame = Some(Frame {
                        decoder,
                        handed_out: 0,
                        repair: None,
                    });
                    return Ok(true);
                }
                Err(FrameDecoderError::ReadFrameHeaderError(ReadFrameHeaderError::SkipFrame {
                    length,
                    ..
                })) => {
                    // Magic number and length field, then the frame's content.
                    let skip = 8 + length as usize;
                    self.rest = self.rest.get(skip..).unwrap_or_default();
                }
                Err(err) => return Err(io::Error::new(io::ErrorKind::InvalidData, err)),
            }
        }
    }
}

impl Read for ZstdFrames<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(frame) = &mut self.frame else {
                if !self.next_frame()? {
                    return Ok(0);
                }
                continue;
            };
            match frame.read(buf) {
                Ok(0) if !buf.is_empty() => {
                    let Some(done) = self.frame.take() else {
                        continue;
                    };
                    if let Some(repair) = done.repair {
                        // A repaired frame ends the input: what followed was cut off.
                        self.rest = &[];
                        return Err(repair.error);
                    }
                    self.rest = match done.decoder.get_ref() {
                        Source::Input(after) => after,
                        Source::Repaired(_) => &[],
                    };
                }
                Ok(read) => return Ok(read),
                Err(err) if frame.repair.is_none() => match repaired(self.rest) {
                    Some(copy) => {
                        let decoder = StreamingDecoder::new(Source::Repaired(Cursor::new(copy)))
                            .map_err(|_| err)?;
                        let skip = frame.handed_out;
                        self.frame = Some(Frame {
                            decoder,
                            handed_out: 0,
                            // The block walk found the frame cut short, whatever the decoder
                            // made of it.
                            repair: Some(Repair {
                                skip,
                                error: io::Error::new(
                                    io::ErrorKind::UnexpectedEof,
                                    "the stream is cut short",
                                ),
                            }),
                        });
                    }
                    None => return Err(err),
                },
                Err(err) => return Err(err),
            }
        }
    }
}

impl Frame<'_> {
    /// Reads decoded bytes, passing over those a repaired frame already handed out.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(repair) = &mut self.repair {
            let mut scratch = [0u8; 8192];
            while repair.skip > 0 {
                let want = scratch
                    .len()
                    .min(usize::try_from(repair.skip).unwrap_or(usize::MAX));
                match self.decoder.read(&mut scratch[..want]) {
                    Ok(0) => break,
                    Ok(read) => repair.skip -= read as u64,
                    Err(_) => return Err(err_clone(&repair.error)),
                }
            }
        }
        let read = self.decoder.read(buf)?;
        self.handed_out += read as u64;
        Ok(read)
    }
}

/// An error like `err`, to report it where the original must be kept for later.
fn err_clone(err: &io::Error) -> io::Error {
    io::Error::new(err.kind(), err.to_string())
}

/// A copy of the frame at the start of `bytes` that ends with its last whole block, marked as
/// the frame's last, if the frame is cut short after at least one whole block.
fn repaired(bytes: &[u8]) -> Option<Vec<u8>> {
    let header = frame_header(bytes)?;
    let mut at = header.len;
    let mut last_whole = None;
    while let Some(header) = bytes.get(at..at + 3) {
        let value = u32::from_le_bytes([header[0], header[1], header[2], 0]);
        let last = value & 1 == 1;
        let size = (value >> 3) as usize;
        let body = match (value >> 1) & 3 {
            0 | 2 => size,
            1 => 1,
            _ => return None,
        };
        let end = at + 3 + body;
        if end > bytes.len() {
            break;
        }
        if last {
            // The frame is whole: it failed for another reason, and decoding it again won't help.
            return None;
        }
        last_whole = Some((at, end));
        at = end;
    }
    let (header_at, end) = last_whole?;
    let mut copy = bytes[..end].to_vec();
    copy[header_at] |= 1;
    if header.checksum {
        // Read but not checked by the decoder.
        copy.extend_from_slice(&[0; 4]);
    }
    Some(copy)
}

/// What a frame header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FrameHeader {
    /// Its length in bytes.
    len: usize,
    /// Whether a checksum ends the frame.
    checksum: bool,
    /// The window the decoder must keep: the content size for a single-segment frame.
    window: u64,
}

/// The frame header at the start of `bytes`, if it is one and is whole.
fn frame_header(bytes: &[u8]) -> Option<FrameHeader> {
    const MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];
    if bytes.get(..4)? != MAGIC {
        return None;
    }
    let descriptor = *bytes.get(4)?;
    let single_segment = descriptor & 0x20 != 0;
    let window_len = usize::from(!single_segment);
    let dictionary_len = [0, 1, 2, 4][usize::from(descriptor & 0x03)];
    let content_size_len = match descriptor >> 6 {
        0 => usize::from(single_segment),
        1 => 2,
        2 => 4,
        _ => 8,
    };
    let len = 5 + window_len + dictionary_len + content_size_len;
    let window = if single_segment {
        let field = bytes.get(len - content_size_len..len)?;
        let mut le = [0u8; 8];
        le[..field.len()].copy_from_slice(field);
        let size = u64::from_le_bytes(le);
        // A two-byte size counts from 256.
        if content_size_len == 2 {
            size + 256
        } else {
            size
        }
    } else {
        let descriptor = *bytes.get(5)?;
        let base = 1u64 << (10 + (descriptor >> 3));
        base + (base / 8) * u64::from(descriptor & 0x07)
    };
    Some(FrameHeader {
        len,
        checksum: descriptor & 0x04 != 0,
        window,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_headers_give_their_length_checksum_and_window() {
        // Window descriptor 0x58: 2^(10 + 11) = 2 MiB; a four-byte content size; a checksum.
        let header = [0x28, 0xb5, 0x2f, 0xfd, 0x84, 0x58, 1, 2, 3, 4, 0xff];
        assert_eq!(
            frame_header(&header),
            Some(FrameHeader {
                len: 10,
                checksum: true,
                window: 2 << 20
            })
        );
        // Single segment with a two-byte content size: the window is the content, from 256.
        let single = [0x28, 0xb5, 0x2f, 0xfd, 0x60, 0x00, 0x01];
        assert_eq!(
            frame_header(&single).map(|h| (h.len, h.window)),
            Some((7, 512))
        );
        assert_eq!(frame_header(&single[..6]), None);
        assert_eq!(frame_header(b"not zstd"), None);
    }

    #[test]
    fn a_frame_asking_for_a_huge_window_is_refused_before_decoding() {
        // Window descriptor 0xa0: 2^30, 1 GiB, for a frame of a few bytes.
        let frame = [0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xa0, 0x01, 0x00, 0x00];
        let mut frames = ZstdFrames::new(&frame, 256 << 20);
        let err = frames.read(&mut [0; 16]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::Unsupported);
        assert!(err.to_string().contains("window of 1 GiB"), "{err}");
    }
}
