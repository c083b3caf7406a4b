//! UTF-16 text with a byte order mark (as Windows tools write `.reg` exports, PowerShell output
//! and some `.config` files), turned into UTF-8 before matching: rules are written for UTF-8,
//! and in UTF-16 every ASCII character carries a NUL that would make the file look binary.
//!
//! Only a BOM is trusted: guessing UTF-16 without one misreads binary files. The BOM is dropped
//! and a line break stays a line break, so line numbers are those of the file; columns count the
//! bytes (and code points) of the decoded text. An unpaired surrogate or a trailing odd byte
//! becomes U+FFFD, as in any lossy decoding.

use std::borrow::Cow;

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
pub fn is_utf16_text(probe: &[u8]) -> bool {
    order_of(probe).is_some_and(|order| units(&probe[2..], order).all(|unit| unit != 0))
}

/// `bytes` as UTF-8: decoded when they start with a UTF-16 BOM, else borrowed as they are.
pub fn decode_utf16(bytes: &[u8]) -> Cow<'_, [u8]> {
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
}
