//! Shannon entropy of a byte string, the gate that tells `hunter2hunter2` from a random key.

/// Shannon entropy of `bytes` in bits per byte: 0 for empty or constant input, at most 8.
pub(crate) fn shannon(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &byte in bytes {
        counts[byte as usize] += 1;
    }
    let len = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&count| count > 0)
        .map(|&count| {
            let p = f64::from(count) / len;
            // p * log2(1/p) rather than -p * log2(p): a constant input gives 0, not -0.
            p * (1.0 / p).log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::shannon;

    #[test]
    fn empty_and_constant_input_have_no_entropy() {
        assert_eq!(shannon(b""), 0.0);
        assert_eq!(shannon(b"a"), 0.0);
        assert_eq!(shannon(b"aaaaaaaa"), 0.0);
    }

    #[test]
    fn equal_symbols_give_whole_bits() {
        assert!((shannon(b"ab") - 1.0).abs() < 1e-12);
        assert!((shannon(b"abcd") - 2.0).abs() < 1e-12);
        assert!((shannon(b"0123456789abcdef") - 4.0).abs() < 1e-12);
    }

    #[test]
    fn every_byte_value_once_is_the_maximum() {
        let all: Vec<u8> = (0..=255).collect();
        assert!((shannon(&all) - 8.0).abs() < 1e-12);
    }

    #[test]
    fn skewed_input_is_between_the_bounds() {
        let bits = shannon(b"aaab");
        assert!(bits > 0.81 && bits < 0.82, "{bits}");
    }
}
