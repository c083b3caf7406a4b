//! Encoded text: base64, base64url, hex and percent-encoded spans are found and decoded into a
//! view that the matcher scans again; what it finds there is placed on the encoded text.
//!
//! The work for one blob, after the plain matcher has run:
//!
//! 1. **Candidates**, in one cheap pass. Runs of the base64 alphabets (`A-Za-z0-9+/` or
//!    `A-Za-z0-9-_`, with up to two `=` of padding) of [`MIN_BASE64`] characters or more, which
//!    also cover hex runs (even length, at least [`MIN_HEX`] digits, optionally after `0x`), are
//!    found by probing every 14th byte: a byte outside the alphabet rules out every run through
//!    it, so ordinary text costs about one table lookup per 14 bytes. Percent
//!    escapes (`%40`) are found with memchr; each gives the whole token around it (a URL, up to
//!    whitespace or a quote), so a password's decoded bytes keep their neighbours.
//! 2. **Decoding**, stopped at the first byte that is not text (control bytes other than tab and
//!    newlines, invalid UTF-8): hashes, keys and images are dropped after a few bytes. A single
//!    trailing newline (`echo secret | base64`) is dropped.
//! 3. **A view**: each decoded text is written between the text that surrounds its encoded span
//!    on its line (up to [`CONTEXT`] bytes each side), one segment per line, so rules that need a
//!    name before the value (`password: <base64>` in a Kubernetes Secret, `Authorization: Basic
//!    <base64>`) see `password: <decoded>`. All segments of a blob make one view and one matcher
//!    run.
//! 4. **Mapping back**: a range of a view that lies inside a decoded part is located on the
//!    encoded characters that carry it in the haystack (`View::locate`).
//!
//! That is all this module does: spans in, decoded views out, and ranges mapped back. Searching
//! the views, going a level deeper (base64 of base64) and merging what is found there with the
//! plain matches is the matcher's (`engine/matcher/encoded.rs`), so decoding never calls back into
//! the matcher.

use std::ops::Range;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The fewest characters (padding included) of a base64 run that is decoded.
pub(crate) const MIN_BASE64: usize = 16;
/// The fewest characters of a run before its padding: two `=` can make up the rest.
const MIN_RUN: usize = MIN_BASE64 - 2;
/// The fewest hex digits of a hex run that is decoded.
pub(crate) const MIN_HEX: usize = 32;
/// The most bytes of surrounding text kept on each side of a decoded span in a view.
pub(crate) const CONTEXT: usize = 160;
/// The longest token around a percent escape that is decoded.
const MAX_PERCENT_TOKEN: usize = 4096;

/// The levels decoded by default.
pub(crate) const DEFAULT_DECODE_DEPTH: u32 = 2;
/// The decoded bytes per blob by default (1 MiB).
pub(crate) const DEFAULT_DECODE_SIZE: usize = 1 << 20;

/// How a secret was encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// RFC 4648 base64 (`+`, `/`), padded or not.
    Base64,
    /// RFC 4648 base64url (`-`, `_`), padded or not.
    Base64url,
    /// Hex digits, two per byte.
    Hex,
    /// Percent-encoding as in URLs (`%40` for `@`).
    Percent,
}

impl Encoding {
    /// The name shown in reports.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Encoding::Base64 => "base64",
            Encoding::Base64url => "base64url",
            Encoding::Hex => "hex",
            Encoding::Percent => "percent",
        }
    }
}

impl std::fmt::Display for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How deep and how much a blob's encoded text is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DecodeLimits {
    /// Levels of encoding decoded: 0 decodes nothing, 1 decodes what the blob holds, 2 also what
    /// that decoded text holds, and so on.
    pub max_depth: u32,
    /// Bytes of decoded text per blob, with the text kept around each decoded span, all levels
    /// counted; a span whose decoded text would go past it is not decoded.
    pub max_size: usize,
}

impl Default for DecodeLimits {
    fn default() -> DecodeLimits {
        DecodeLimits {
            max_depth: DEFAULT_DECODE_DEPTH,
            max_size: DEFAULT_DECODE_SIZE,
        }
    }
}

/// What a match found in decoded text carries: the secret itself, and how it was encoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The decoded secret (the match's range is its encoded text).
    pub(crate) secret: Vec<u8>,
    /// The encodings undone to reach it, outermost first (`[base64, hex]`: hex text that was
    /// base64-encoded).
    pub encoding: Vec<Encoding>,
}

/// What is left of a blob's decode budget, and where it first fell short.
#[derive(Debug)]
pub(super) struct Budget {
    /// Bytes of views still allowed.
    pub left: usize,
    /// The offset, in the haystack of the level being searched, of the first encoded text left
    /// undecoded for want of budget.
    pub short_at: Option<usize>,
}

impl Budget {
    fn fell_short(&mut self, at: usize) {
        self.short_at.get_or_insert(at);
    }
}

/// Decoded texts with their surroundings, one segment per line, and where each came from.
#[derive(Debug, Default)]
pub(super) struct View {
    bytes: Vec<u8>,
    segments: Vec<Segment>,
}

/// Where a secret found in a [`View`] lies in the haystack the view was built from.
#[derive(Debug)]
pub(super) struct Located<'v> {
    /// The encoded characters that carry the secret.
    pub encoded: Range<usize>,
    /// The whole encoded span its decoded part came from.
    pub span: Range<usize>,
    /// The encoding undone to make that part.
    pub encoding: Encoding,
    /// The secret's decoded bytes.
    pub decoded: &'v [u8],
}

/// One decoded span in a [`View`].
#[derive(Debug, Clone)]
struct Segment {
    /// The decoded bytes' range in the view.
    view: Range<usize>,
    /// The encoded text's range in the haystack.
    span: Range<usize>,
    encoding: Encoding,
}

impl View {
    /// The view of the candidates in `regions` of `haystack` that decode to text, as far as the
    /// budget goes; the first candidate it cannot pay for is noted in it.
    pub(super) fn build(haystack: &[u8], regions: &[Range<usize>], budget: &mut Budget) -> View {
        let mut view = View::default();
        let mut candidates = Vec::new();
        for region in regions {
            candidates.clear();
            find_candidates(haystack, region.clone(), &mut candidates);
            let mut decoded = Vec::new();
            for candidate in &candidates {
                if budget.left == 0 {
                    budget.fell_short(candidate.span.start);
                    return view;
                }
                match candidate.decode(haystack, budget.left, &mut decoded) {
                    Decoding::Text(encoding) => {
                        // The surrounding text counts too, so a view never outgrows the budget
                        // by more than one segment's context.
                        let before = view.bytes.len();
                        view.push(haystack, candidate.span.clone(), encoding, &decoded);
                        budget.left = budget.left.saturating_sub(view.bytes.len() - before);
                    }
                    Decoding::NotText => {}
                    Decoding::OverBudget => budget.fell_short(candidate.span.start),
                }
            }
        }
        view
    }

    /// Where the view's byte `at` comes from in the haystack it was built from: the start of the
    /// encoded text of the segment that holds it (or the last one before it).
    pub(super) fn origin_of(&self, at: usize) -> usize {
        let after = self
            .segments
            .partition_point(|segment| segment.view.start <= at);
        let segment = &self.segments[after.saturating_sub(1)];
        segment.span.start
    }

    /// Appends `decoded` between the text around `span` on its line.
    fn push(&mut self, haystack: &[u8], span: Range<usize>, encoding: Encoding, decoded: &[u8]) {
        // The line may reach out of `region`: in a view, it holds the text around the encoded
        // span that this one was decoded from.
        let floor = span.start.saturating_sub(CONTEXT);
        let before =
            memchr::memrchr(b'\n', &haystack[floor..span.start]).map_or(floor, |at| floor + at + 1);
        let ceiling = haystack.len().min(span.end.saturating_add(CONTEXT));
        let after =
            memchr::memchr(b'\n', &haystack[span.end..ceiling]).map_or(ceiling, |at| span.end + at);
        self.bytes.extend_from_slice(&haystack[before..span.start]);
        let start = self.bytes.len();
        self.bytes.extend_from_slice(decoded);
        let view = start..self.bytes.len();
        self.bytes.extend_from_slice(&haystack[span.end..after]);
        self.bytes.push(b'\n');
        self.segments.push(Segment {
            view,
            span,
            encoding,
        });
    }

    /// Where `secret`, a range of the view, lies in the `haystack` the view was built from, or
    /// `None` when it is not wholly inside a decoded part.
    pub(super) fn locate(&self, haystack: &[u8], secret: Range<usize>) -> Option<Located<'_>> {
        let at = self
            .segments
            .partition_point(|segment| segment.view.end <= secret.start);
        let segment = self.segments.get(at)?;
        if secret.start < segment.view.start || secret.end > segment.view.end {
            return None;
        }
        let relative = secret.start - segment.view.start..secret.end - segment.view.start;
        let encoded = &haystack[segment.span.clone()];
        let local = encoded_range(segment.encoding, encoded, relative);
        Some(Located {
            encoded: segment.span.start + local.start..segment.span.start + local.end,
            span: segment.span.clone(),
            encoding: segment.encoding,
            decoded: &self.bytes[secret],
        })
    }

    /// The view's text.
    pub(super) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Whether nothing was decoded into the view.
    pub(super) fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// The decoded parts' ranges in the view, in order: where the next level looks.
    pub(super) fn decoded_parts(&self) -> Vec<Range<usize>> {
        self.segments.iter().map(|s| s.view.clone()).collect()
    }
}

// Candidates

/// A span that may be encoded.
#[derive(Debug, Clone, PartialEq)]
struct Candidate {
    span: Range<usize>,
    kind: CandidateKind,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum CandidateKind {
    /// A run of one base64 alphabet, which may also be hex.
    Run {
        /// The alphabet the run fits (base64 or base64url).
        alphabet: Encoding,
        /// Characters before the padding.
        data: usize,
        /// Every data character is a hex digit (after a `0x` prefix, if any).
        hex: bool,
    },
    /// A token holding at least one percent escape.
    Percent,
}

const STD: u8 = 1;
const URL: u8 = 2;
const HEX: u8 = 4;

/// The classes of each byte: in the base64 alphabet, the base64url alphabet, a hex digit.
static CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 256 {
        let c = byte as u8;
        let mut class = 0;
        if c.is_ascii_alphanumeric() {
            class |= STD | URL;
        }
        if c == b'+' || c == b'/' {
            class |= STD;
        }
        if c == b'-' || c == b'_' {
            class |= URL;
        }
        if c.is_ascii_hexdigit() {
            class |= HEX;
        }
        table[byte] = class;
        byte += 1;
    }
    table
};

fn in_alphabet(byte: u8) -> bool {
    CLASS[byte as usize] & (STD | URL) != 0
}

/// Every candidate span inside `region` of `haystack`, in position order, none overlapping.
fn find_candidates(haystack: &[u8], region: Range<usize>, out: &mut Vec<Candidate>) {
    let bytes = &haystack[..region.end];
    let percent = percent_tokens(bytes, region.clone());
    let mut next_percent = 0;
    let mut at = region.start;
    while at + MIN_RUN <= bytes.len() {
        // Every run of MIN_RUN or more bytes that starts at or after `at` holds this byte.
        let probe = at + MIN_RUN - 1;
        if !in_alphabet(bytes[probe]) {
            at = probe + 1;
            continue;
        }
        let mut start = probe;
        while start > at && in_alphabet(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = probe + 1;
        while end < bytes.len() && in_alphabet(bytes[end]) {
            end += 1;
        }
        at = end + 1;
        let padded = end
            + bytes[end..]
                .iter()
                .take(2)
                .take_while(|&&b| b == b'=')
                .count();
        if padded - start < MIN_BASE64 {
            continue;
        }
        let Some(kind) = run_kind(&bytes[start..end], padded - end) else {
            continue;
        };
        // A run inside a percent token is decoded with the token.
        while next_percent < percent.len() && percent[next_percent].end <= start {
            out.push(Candidate {
                span: percent[next_percent].clone(),
                kind: CandidateKind::Percent,
            });
            next_percent += 1;
        }
        if percent
            .get(next_percent)
            .is_some_and(|token| token.start < padded)
        {
            continue;
        }
        out.push(Candidate {
            span: start..padded,
            kind,
        });
    }
    out.extend(percent[next_percent..].iter().map(|span| Candidate {
        span: span.clone(),
        kind: CandidateKind::Percent,
    }));
}

/// What a run of `data` alphabet characters followed by `padding` `=` may be, if anything.
fn run_kind(data: &[u8], padding: usize) -> Option<CandidateKind> {
    let class = data
        .iter()
        .fold(STD | URL | HEX, |class, &b| class & CLASS[b as usize]);
    let digits = match data {
        [b'0', b'x' | b'X', rest @ ..] => rest,
        _ => data,
    };
    let hex = padding == 0
        && digits.len() >= MIN_HEX
        && digits.len() % 2 == 0
        && digits.iter().all(|&b| CLASS[b as usize] & HEX != 0);
    let alphabet = if class & STD != 0 {
        Encoding::Base64
    } else if class & URL != 0 {
        Encoding::Base64url
    } else {
        // Both `+/` and `-_`: no one alphabet.
        return None;
    };
    let plausible = match padding {
        0 => data.len() % 4 != 1,
        _ => (data.len() + padding) % 4 == 0,
    };
    (plausible || hex).then_some(CandidateKind::Run {
        alphabet,
        data: data.len(),
        hex,
    })
}

/// The tokens of `bytes` inside `region` that hold a percent escape: each runs from the escape
/// out to whitespace, a quote or a bracket, at most [`MAX_PERCENT_TOKEN`] bytes.
fn percent_tokens(bytes: &[u8], region: Range<usize>) -> Vec<Range<usize>> {
    let is_edge = |b: u8| {
        b.is_ascii_whitespace()
            || matches!(
                b,
                b'"' | b'\''
                    | b'`'
                    | b'<'
                    | b'>'
                    | b'('
                    | b')'
                    | b'['
                    | b']'
                    | b'{'
                    | b'}'
                    | b'\\'
                    | b','
            )
    };
    let mut tokens: Vec<Range<usize>> = Vec::new();
    let mut from = region.start;
    while let Some(found) = memchr::memchr(b'%', &bytes[from..region.end]) {
        let at = from + found;
        from = at + 1;
        let escape = bytes.get(at + 1..at + 3);
        if !escape.is_some_and(|pair| pair.iter().all(u8::is_ascii_hexdigit)) {
            continue;
        }
        // Tokens never overlap: one starts at the earliest where the last one ended.
        let last_end = tokens.last().map_or(region.start, |token| token.end);
        let floor = last_end.max(at.saturating_sub(MAX_PERCENT_TOKEN / 2));
        let start = bytes[floor..at]
            .iter()
            .rposition(|&b| is_edge(b))
            .map_or(floor, |edge| floor + edge + 1);
        let ceiling = region.end.min(start + MAX_PERCENT_TOKEN);
        let end = bytes[at..ceiling]
            .iter()
            .position(|&b| is_edge(b))
            .map_or(ceiling, |edge| at + edge);
        from = end;
        tokens.push(start..end);
    }
    tokens
}

// Decoding

/// How decoding a candidate ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decoding {
    /// Text, in this encoding.
    Text(Encoding),
    /// Not text: binary, a digest, or not the encoding after all.
    NotText,
    /// Text so far, but more than the budget left: not decoded.
    OverBudget,
}

/// How one decoder's pass ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    Text,
    NotText,
    OverBudget,
}

impl Candidate {
    /// Decodes the candidate into `out` if it is text of at most `budget` bytes. A hex run is
    /// tried as hex first, then as base64.
    fn decode(&self, haystack: &[u8], budget: usize, out: &mut Vec<u8>) -> Decoding {
        let encoded = &haystack[self.span.clone()];
        out.clear();
        match self.kind {
            CandidateKind::Percent => match decode_percent(encoded, budget, out) {
                Pass::Text => Decoding::Text(Encoding::Percent),
                Pass::NotText => Decoding::NotText,
                Pass::OverBudget => Decoding::OverBudget,
            },
            CandidateKind::Run {
                alphabet,
                data,
                hex,
            } => {
                let digits = if encoded.starts_with(b"0x") || encoded.starts_with(b"0X") {
                    &encoded[2..]
                } else {
                    encoded
                };
                let as_hex = if hex {
                    decode_hex(digits, budget, out)
                } else {
                    Pass::NotText
                };
                if as_hex == Pass::Text {
                    return Decoding::Text(Encoding::Hex);
                }
                out.clear();
                match (decode_base64(&encoded[..data], budget, out), as_hex) {
                    (Pass::Text, _) => Decoding::Text(alphabet),
                    (Pass::OverBudget, _) | (_, Pass::OverBudget) => Decoding::OverBudget,
                    _ => Decoding::NotText,
                }
            }
        }
    }
}

/// Appends `byte` to `out` if it is text and `out` holds fewer than `limit` bytes.
fn push_text(byte: u8, limit: usize, out: &mut Vec<u8>) -> Option<Pass> {
    if !is_text_byte(byte) {
        return Some(Pass::NotText);
    }
    if out.len() >= limit {
        return Some(Pass::OverBudget);
    }
    out.push(byte);
    None
}

/// Decodes hex `digits` (an even number) into `out`, at most `limit` bytes; stops once a byte
/// is not text.
fn decode_hex(digits: &[u8], limit: usize, out: &mut Vec<u8>) -> Pass {
    let value = |digit: u8| match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        _ => digit.wrapping_sub(b'A').wrapping_add(10),
    };
    for pair in digits.chunks_exact(2) {
        if let Some(end) = push_text(value(pair[0]) << 4 | value(pair[1]), limit, out) {
            return end;
        }
    }
    finish_text(out)
}

/// Decodes unpadded base64 or base64url characters into `out`, at most `limit` bytes; stops once
/// a byte is not text.
fn decode_base64(data: &[u8], limit: usize, out: &mut Vec<u8>) -> Pass {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' | b'-' => 62,
            _ => 63,
        }
    };
    for group in data.chunks(4) {
        let bits =
            group.iter().fold(0u32, |bits, &c| bits << 6 | value(c)) << (6 * (4 - group.len()));
        let bytes = [(bits >> 16) as u8, (bits >> 8) as u8, bits as u8];
        for &byte in &bytes[..group.len().saturating_sub(1)] {
            if let Some(end) = push_text(byte, limit, out) {
                return end;
            }
        }
    }
    finish_text(out)
}

/// Decodes the percent escapes of `token` into `out` (other bytes kept as they are), at most
/// `limit` bytes; stops once a decoded byte is not text.
fn decode_percent(token: &[u8], limit: usize, out: &mut Vec<u8>) -> Pass {
    let mut at = 0;
    while at < token.len() {
        let (byte, len) = match percent_escape(token, at) {
            Some(decoded) => (decoded, 3),
            None => (token[at], 1),
        };
        // A byte kept as written is text whatever it is (the token is what the file holds).
        let end = if len == 3 {
            push_text(byte, limit, out)
        } else if out.len() >= limit {
            Some(Pass::OverBudget)
        } else {
            out.push(byte);
            None
        };
        if let Some(end) = end {
            return end;
        }
        at += len;
    }
    finish_text(out)
}

/// The byte that the escape at `at` of `token` stands for, if one starts there.
fn percent_escape(token: &[u8], at: usize) -> Option<u8> {
    if token[at] != b'%' {
        return None;
    }
    let pair = token.get(at + 1..at + 3)?;
    let text = std::str::from_utf8(pair).ok()?;
    u8::from_str_radix(text, 16).ok()
}

/// Whether `byte` may appear in text: not a control byte, except tab, line feed and carriage
/// return.
fn is_text_byte(byte: u8) -> bool {
    !(byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r') || byte == 0x7f)
}

/// Drops one trailing newline; text if what is left is non-empty UTF-8.
fn finish_text(out: &mut Vec<u8>) -> Pass {
    if out.last() == Some(&b'\n') {
        out.pop();
        if out.last() == Some(&b'\r') {
            out.pop();
        }
    }
    if !out.is_empty() && std::str::from_utf8(out).is_ok() {
        Pass::Text
    } else {
        Pass::NotText
    }
}

/// The range of `encoded` that carries the decoded bytes `decoded` (offsets in the decoded text).
fn encoded_range(encoding: Encoding, encoded: &[u8], decoded: Range<usize>) -> Range<usize> {
    let range = match encoding {
        Encoding::Base64 | Encoding::Base64url => {
            // Byte `i` starts in character `i / 3 * 4 + i % 3` and ends in the next one.
            let first = |i: usize| i / 3 * 4 + i % 3;
            let end = if decoded.end == 0 {
                0
            } else {
                first(decoded.end - 1) + 2
            };
            first(decoded.start)..end
        }
        Encoding::Hex => {
            let prefix = if encoded.starts_with(b"0x") || encoded.starts_with(b"0X") {
                2
            } else {
                0
            };
            prefix + decoded.start * 2..prefix + decoded.end * 2
        }
        Encoding::Percent => {
            percent_offset(encoded, decoded.start)..percent_offset(encoded, decoded.end)
        }
    };
    range.start.min(encoded.len())..range.end.min(encoded.len())
}

/// The offset in `token` of decoded byte `target`.
fn percent_offset(token: &[u8], target: usize) -> usize {
    let mut at = 0;
    for _ in 0..target {
        if at >= token.len() {
            break;
        }
        at += if percent_escape(token, at).is_some() {
            3
        } else {
            1
        };
    }
    at
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;

    use super::*;

    #[test]
    fn percent_tokens_never_overlap_even_without_edges() {
        // Tokens are cut at their longest; the next one used to reach back into the last.
        let text = format!("{}{}", "a".repeat(3000), "%41b".repeat(3000));
        let tokens = percent_tokens(text.as_bytes(), 0..text.len());
        assert!(tokens.len() > 2);
        assert!(
            tokens.windows(2).all(|pair| pair[0].end <= pair[1].start),
            "{tokens:?}"
        );
    }

    #[test]
    fn binary_output_is_not_text_and_not_scanned() {
        let binary: Vec<u8> = (0u8..=255).cycle().skip(7).take(48).collect();
        let mut out = Vec::new();
        let all = usize::MAX;
        assert_eq!(
            decode_base64(
                STANDARD.encode(&binary).trim_end_matches('=').as_bytes(),
                all,
                &mut out
            ),
            Pass::NotText
        );
        assert_eq!(
            decode_hex(b"00ff00ff00ff00ff00ff00ff00ff00ff", all, &mut out),
            Pass::NotText
        );
        out.clear();
        assert_eq!(
            decode_base64(b"wygA", all, &mut out),
            Pass::NotText,
            "invalid UTF-8"
        );
        out.clear();
        assert_eq!(decode_base64(b"aGVsbG8gd29ybGQK", 12, &mut out), Pass::Text);
        assert_eq!(out, b"hello world", "one trailing newline is dropped");
        // A git object id and a SHA-256 are hex of binary: no candidate survives decoding.
        let text = "commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904 sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let mut budget = Budget {
            left: DEFAULT_DECODE_SIZE,
            short_at: None,
        };
        let view = View::build(
            text.as_bytes(),
            std::slice::from_ref(&(0..text.len())),
            &mut budget,
        );
        assert_eq!(budget.short_at, None);
        assert!(view.segments.is_empty(), "{:?}", view.segments);
    }

    /// Every run of the union alphabet of `MIN_RUN` or more bytes, the slow way.
    fn naive_runs(bytes: &[u8]) -> Vec<Range<usize>> {
        let mut runs = Vec::new();
        let mut start = None;
        for (at, &byte) in bytes.iter().chain(std::iter::once(&b' ')).enumerate() {
            match (in_alphabet(byte), start) {
                (true, None) => start = Some(at),
                (false, Some(from)) => {
                    if at - from >= MIN_RUN {
                        runs.push(from..at);
                    }
                    start = None;
                }
                _ => {}
            }
        }
        runs
    }

    #[test]
    fn the_probing_scan_finds_the_same_runs_as_a_byte_by_byte_one() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let alphabet = b"aZ09+/-_ .=\n:";
        for round in 0..200 {
            let len = 20 + round * 3;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    // Mostly alphabet, so that long runs form.
                    let pick = (state % 40) as usize;
                    alphabet[if pick < 36 { pick % 4 } else { pick - 32 }.min(alphabet.len() - 1)]
                })
                .collect();
            let mut candidates = Vec::new();
            find_candidates(&bytes, 0..bytes.len(), &mut candidates);
            let expected: Vec<Range<usize>> = naive_runs(&bytes)
                .into_iter()
                .filter(|run| {
                    let padding = bytes[run.end..]
                        .iter()
                        .take(2)
                        .take_while(|&&b| b == b'=')
                        .count();
                    run.len() + padding >= MIN_BASE64
                        && run_kind(&bytes[run.clone()], padding).is_some()
                })
                .collect();
            let got: Vec<Range<usize>> = candidates
                .iter()
                .map(|c| match c.kind {
                    CandidateKind::Run { data, .. } => c.span.start..c.span.start + data,
                    CandidateKind::Percent => unreachable!("no percent sign in the alphabet"),
                })
                .collect();
            assert_eq!(got, expected, "{:?}", String::from_utf8_lossy(&bytes));
        }
    }

    #[test]
    fn runs_of_mixed_alphabets_or_impossible_lengths_are_not_candidates() {
        let mut out = Vec::new();
        find_candidates(b"x abcd+efgh-ijklmnopqrst y", 0..26, &mut out);
        assert!(out.is_empty(), "{out:?}");
        // 17 characters: one left over, which no base64 text leaves.
        find_candidates(b"abcdefghijklmnopq", 0..17, &mut out);
        assert!(out.is_empty(), "{out:?}");
        find_candidates(b"abcdefghijklmnop==", 0..18, &mut out);
        assert!(
            out.is_empty(),
            "padding to 18 is not a multiple of 4: {out:?}"
        );
        find_candidates(b"abcdefghijklmno=", 0..16, &mut out);
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn percent_tokens_end_at_whitespace_and_quotes() {
        let text = b"a \"https://u:p%40w@h/x\" b%zz c%4";
        assert_eq!(percent_tokens(text, 0..text.len()), vec![3..22]);
        assert_eq!(percent_offset(b"p%40w", 1), 1);
        assert_eq!(percent_offset(b"p%40w", 2), 4);
        let mut out = Vec::new();
        assert_eq!(
            decode_percent(b"a%00b", usize::MAX, &mut out),
            Pass::NotText,
            "a NUL is not text"
        );
    }
}
