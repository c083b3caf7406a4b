//! UTF-16 text with a byte order mark (as Windows tools write `.reg` exports, PowerShell output
//! and some `.config` files), turned into UTF-8 before matching: rules are written for UTF-8,
//! and in UTF-16 every ASCII character carries a NUL that would make the file look binary.
//!
//! Only a BOM is trusted: guessing UTF-16 without one misreads binary files. The BOM is dropped
//! and a line break stays a line break, so line numbers are those of the file; columns count the
//! bytes (and code points) of the decoded text. An unpaired surrogate or a trailing odd byte
//! becomes U+FFFD, as in any lossy decoding.

use std::borrow::Cow;
use std::io::{self, Read};

/// Which byte order a BOM announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    Little,
    Big,
}

fn order_of(bytes: &[u8]) -> Option<Order> {
    match bytes {
        [0xff, 0xfe, ..] => Some(Order::Little),
        [0xfe, 0xff, ..] => Some(Order::Big),
        _ => None,
    }
}

/// The 16-bit code units after the BOM (a trailing odd byte is left out).
fn units(body: &[u8], order: Order) -> impl Iterator<Item = u16> + '_ {
    body.chunks_exact(2).map(move |pair| match order {
        Order::Little => u16::from_le_bytes([pair[0], pair[1]]),
        Order::Big => u16::from_be_bytes([pair[0], pair[1]]),
    })
}

/// Whether `probe` starts with a UTF-16 BOM and holds no NUL character after it: text that the
/// binary check must let through. A NUL code unit makes UTF-16 binary, as a NUL byte does UTF-8.
pub(crate) fn is_utf16_text(probe: &[u8]) -> bool {
    order_of(probe).is_some_and(|order| units(&probe[2..], order).all(|unit| unit != 0))
}

/// `bytes` as UTF-8: decoded when they start with a UTF-16 BOM, else borrowed as they are.
pub(crate) fn decode_utf16(bytes: &[u8]) -> Cow<'_, [u8]> {
    let Some(order) = order_of(bytes) else {
        return Cow::Borrowed(bytes);
    };
    let body = &bytes[2..];
    let mut text: String = char::decode_utf16(units(body, order))
        .map(|unit| unit.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    if body.len() % 2 == 1 {
        text.push(char::REPLACEMENT_CHARACTER);
    }
    Cow::Owned(text.into_bytes())
}

/// `input` as UTF-8, for text too long to decode whole: decoded as it is read when it starts
/// with a UTF-16 BOM (as [`decode_utf16`] does, the BOM dropped), else passed on as it is.
pub(crate) fn utf8_reader<'r>(mut input: Box<dyn Read + 'r>) -> io::Result<Box<dyn Read + 'r>> {
    let mut head = Vec::with_capacity(2);
    (&mut input).take(2).read_to_end(&mut head)?;
    Ok(match order_of(&head) {
        Some(order) => Box::new(Utf16Reader {
            input,
            order,
            raw: Vec::new(),
            high: None,
            out: Vec::new(),
            at: 0,
            done: false,
        }),
        None => Box::new(io::Cursor::new(head).chain(input)),
    })
}

/// Decodes UTF-16 into UTF-8 as it is read, in blocks of [`UTF16_BLOCK`] bytes.
struct Utf16Reader<'r> {
    input: Box<dyn Read + 'r>,
    order: Order,
    /// Raw bytes read, of which a trailing odd byte waits for its pair.
    raw: Vec<u8>,
    /// A high surrogate waiting for the unit that follows it.
    high: Option<u16>,
    /// Decoded text not yet handed out, from `at` on.
    out: Vec<u8>,
    at: usize,
    done: bool,
}

/// The raw bytes decoded at a time.
const UTF16_BLOCK: usize = 64 << 10;

impl Utf16Reader<'_> {
    /// Decodes the next block into `out`; at the end of the input, what is left unpaired
    /// becomes U+FFFD.
    fn fill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.at = 0;
        let read = (&mut self.input)
            .take(UTF16_BLOCK as u64)
            .read_to_end(&mut self.raw)?;
        let mut push = |c: char| {
            let mut utf8 = [0; 4];
            self.out
                .extend_from_slice(c.encode_utf8(&mut utf8).as_bytes())
        };
        let whole = self.raw.len() / 2 * 2;
        for unit in units(&self.raw[..whole], self.order) {
            match (self.high.take(), unit) {
                (Some(high), 0xDC00..=0xDFFF) => {
                    let code =
                        0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
                    push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                    continue;
                }
                (Some(_), _) => push(char::REPLACEMENT_CHARACTER),
                (None, _) => {}
            }
            match unit {
                0xD800..=0xDBFF => self.high = Some(unit),
                0xDC00..=0xDFFF => push(char::REPLACEMENT_CHARACTER),
                _ => push(char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER)),
            }
        }
        self.raw.drain(..whole);
        // A short block is the end of the input.
        if read < UTF16_BLOCK {
            self.done = true;
            let unpaired = usize::from(self.high.take().is_some()) + self.raw.len();
            self.raw.clear();
            for _ in 0..unpaired {
                push(char::REPLACEMENT_CHARACTER);
            }
        }
        Ok(())
    }
}

impl Read for Utf16Reader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.out.len() {
            if self.done {
                return Ok(0);
            }
            self.fill()?;
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn le(text: &str) -> Vec<u8> {
        let mut bytes = vec![0xff, 0xfe];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    }

    fn be(text: &str) -> Vec<u8> {
        let mut bytes = vec![0xfe, 0xff];
        bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        bytes
    }

    #[test]
    fn both_byte_orders_decode_without_the_bom() {
        let text = "a = 1\r\nkey = \"caf\u{e9} \u{1F511}\"\n";
        assert_eq!(decode_utf16(&le(text)).as_ref(), text.as_bytes());
        assert_eq!(decode_utf16(&be(text)).as_ref(), text.as_bytes());
    }

    #[test]
    fn text_without_a_bom_is_borrowed_unchanged() {
        let bytes = b"plain \xff text";
        assert!(matches!(decode_utf16(bytes), Cow::Borrowed(b) if b == bytes));
        assert!(!is_utf16_text(bytes));
    }

    #[test]
    fn broken_utf16_decodes_lossily() {
        // An unpaired high surrogate, then a trailing odd byte.
        let bytes = [0xff, 0xfe, 0x3d, 0xd8, b'x', 0, b'y'];
        assert_eq!(
            String::from_utf8(decode_utf16(&bytes).into_owned()).unwrap(),
            "\u{FFFD}x\u{FFFD}"
        );
        assert_eq!(decode_utf16(&[0xfe, 0xff]).as_ref(), b"");
    }

    #[test]
    fn a_nul_character_makes_utf16_binary() {
        assert!(is_utf16_text(&le("text")));
        assert!(!is_utf16_text(&le("te\0xt")));
    }

    /// A reader that hands out at most `step` bytes per read, to split units and surrogate
    /// pairs across reads.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(self.step).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    #[test]
    fn the_streaming_decoder_agrees_with_the_whole_one() {
        let mut odd = le("x");
        odd.push(0x41);
        let lone_high = {
            let mut bytes = le("a");
            bytes.extend([0x00, 0xd8, 0x62, 0x00]);
            bytes
        };
        let lone_high_at_end = {
            let mut bytes = le("a");
            bytes.extend([0x3d, 0xd8]);
            bytes
        };
        let long = le(&"TOKEN=é😀\n".repeat(20_000));
        for input in [
            le("password = hunter2\r\nnext 😀 line"),
            be("big endian é text"),
            odd,
            lone_high,
            lone_high_at_end,
            long,
            b"plain utf-8 text".to_vec(),
            vec![0xff],
            Vec::new(),
        ] {
            for step in [1, 3, 4096, usize::MAX] {
                let trickle = Trickle {
                    bytes: &input,
                    step,
                };
                let mut out = Vec::new();
                utf8_reader(Box::new(trickle))
                    .unwrap()
                    .read_to_end(&mut out)
                    .unwrap();
                assert_eq!(out, decode_utf16(&input).into_owned(), "step {step}");
            }
        }
    }
}
