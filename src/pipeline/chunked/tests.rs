//! The chunked scan gives what a scan of the whole input gives, wherever windows are cut.

use super::*;
use crate::engine::Matcher;
use crate::rules::parse_rule_file;
use crate::suppress::Suppressor;

fn rules() -> RuleSet {
    let yaml = concat!(
        "rules:\n",
        "  - id: t.token\n    name: T\n    keywords: [tok_]\n",
        "    pattern: '\\btok_(?P<secret>[a-z0-9]{12})\\b'\n    confidence: high\n    examples: [x]\n",
        "  - id: t.password\n    name: P\n    keywords: [password]\n",
        "    pattern: 'password\\s*=\\s*(?P<secret>[A-Za-z0-9]{8,20})'\n    confidence: low\n    min_entropy: 2.5\n    examples: [x]\n",
        "  - id: t.block\n    name: B\n    keywords: ['-----begin t-----']\n",
        "    pattern: '(?s)-----BEGIN T-----.+?-----END T-----'\n    confidence: high\n    examples: [x]\n",
    );
    RuleSet::new(parse_rule_file(yaml, "t.yml").unwrap()).unwrap()
}

fn scanner<'a>(rules: &'a RuleSet, suppressor: &'a Suppressor, chunk: usize) -> BlobScanner<'a> {
    BlobScanner {
        matcher: Matcher::new(rules),
        suppressor,
        explain: true,
        archives: None,
        demote: crate::context::DemotePolicy::default(),
        roots: Vec::new(),
        windows: Windows {
            chunk,
            overlap: 300,
        },
    }
}

/// Text of every shape a window edge can cut: tokens, assignments (some below the entropy
/// bound, so dropped), multi-line blocks, multibyte characters, CRLF and long lines.
fn text(seed: u64, len: usize) -> Vec<u8> {
    let pieces: [&[u8]; 12] = [
        b"tok_",
        b"a1b2c3d4e5f6",
        b" password = ",
        b"Xq7Lm2Pz9Kw4",
        b"aaaaaaaaaa",
        b"\n",
        b"\r\n",
        "\u{e9}\u{1F600}".as_bytes(),
        b" filler text ",
        b"-----BEGIN T-----\nbody\n-----END T-----",
        b"# sprawl:allow\n",
        b"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
    ];
    let mut state = seed | 1;
    let mut out = Vec::new();
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(pieces[(state % pieces.len() as u64) as usize]);
    }
    out
}

#[test]
fn windows_find_what_the_whole_input_holds_placed_alike() {
    let rules = rules();
    let suppressor = Suppressor::none();
    for seed in [1, 7, 42, 99] {
        let input = text(seed, 6_000);
        let (mut stats, mut explained, mut warnings) = Default::default();
        let whole = scanner(&rules, &suppressor, usize::MAX / 4).scan(
            Blob {
                path: "f",
                bytes: &input,
            },
            &mut stats,
            &mut explained,
            &mut warnings,
        );
        assert!(whole.len() > 20, "seed {seed}: {} findings", whole.len());
        for chunk in [97, 256, 1000, 5_999, 6_000, 10_000] {
            let mut found = Vec::new();
            let (mut chunk_stats, mut chunk_explained, mut chunk_warnings) =
                (Stats::default(), Vec::new(), Vec::new());
            let mut out = StreamOut {
                findings: &mut found,
                stats: &mut chunk_stats,
                explained: &mut chunk_explained,
                warnings: &mut chunk_warnings,
            };
            let read = scanner(&rules, &suppressor, chunk)
                .scan_reader("f", 1, &mut &input[..], &mut out)
                .unwrap();
            assert_eq!(read, input.len() as u64);
            assert_eq!(found, whole, "seed {seed}, chunk {chunk}");
            assert_eq!(chunk_stats, stats, "seed {seed}, chunk {chunk}");
            // A scan sorts explanations at the end; windows list each one's in turn.
            let by_place = |list: &mut Vec<Explanation>| {
                list.sort_by(|a, b| {
                    (a.line, a.column, &a.rule_id).cmp(&(b.line, b.column, &b.rule_id))
                })
            };
            by_place(&mut chunk_explained);
            by_place(&mut explained);
            assert_eq!(chunk_explained, explained, "seed {seed}, chunk {chunk}");
        }
    }
}

#[test]
fn utf16_input_is_decoded_as_it_is_read() {
    let rules = rules();
    let suppressor = Suppressor::none();
    let text = String::from_utf8(text(5, 3_000)).unwrap();
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let (mut stats, mut explained, mut warnings) = Default::default();
    let whole = scanner(&rules, &suppressor, usize::MAX / 4).scan(
        Blob {
            path: "f",
            bytes: &utf16,
        },
        &mut stats,
        &mut explained,
        &mut warnings,
    );
    assert!(!whole.is_empty());
    let mut found = Vec::new();
    let mut stats = Stats::default();
    let mut out = StreamOut {
        findings: &mut found,
        stats: &mut stats,
        explained: &mut explained,
        warnings: &mut warnings,
    };
    scanner(&rules, &suppressor, 500)
        .scan_reader("f", 1, &mut &utf16[..], &mut out)
        .unwrap();
    assert_eq!(found, whole);
}

#[test]
fn an_origin_counts_lines_and_the_columns_of_a_cut_line() {
    let mut origin = Origin::default();
    origin.advance(b"ab\ncd\n\xc3\xa9x");
    assert_eq!(
        origin,
        Origin {
            offset: 9,
            lines: 2,
            column: 3,
            chars: 2,
        }
    );
    origin.advance(b"yz");
    assert_eq!((origin.lines, origin.column, origin.chars), (2, 5, 4));
}

#[test]
fn the_overlap_covers_the_longest_bounded_rule_within_its_limits() {
    let rules = rules();
    // t.block has no bound: the most.
    assert_eq!(overlap(&rules), MAX_OVERLAP);
    let bounded = RuleSet::new(
        parse_rule_file(
            "rules:\n  - id: t.x\n    name: X\n    keywords: [x]\n    pattern: 'x[a-z]{10}'\n    confidence: low\n    examples: [x]\n",
            "t.yml",
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(overlap(&bounded), MIN_OVERLAP);
}

#[test]
fn a_spent_decode_budget_in_a_window_names_the_line_of_the_whole_input() {
    use base64::Engine;
    let rules = rules();
    let suppressor = Suppressor::none();
    let encoded = base64::engine::general_purpose::STANDARD.encode("nothing to see in this line");
    let mut input = "plain text, nothing encoded\n".repeat(200);
    input.push_str(&format!("note: {encoded}\n").repeat(200));
    let budget = crate::engine::DecodeLimits {
        max_size: 256,
        ..Default::default()
    };
    let line_of = |warning: &SourceError| -> usize {
        let (_, rest) = warning.message.split_once("from line ").unwrap();
        rest.split(' ').next().unwrap().parse().unwrap()
    };
    let mut whole_scanner = scanner(&rules, &suppressor, usize::MAX / 4);
    whole_scanner.matcher.decode(budget);
    let (mut stats, mut explained, mut warnings) = Default::default();
    whole_scanner.scan(
        Blob {
            path: "f",
            bytes: input.as_bytes(),
        },
        &mut stats,
        &mut explained,
        &mut warnings,
    );
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let whole_line = line_of(&warnings[0]);
    assert!(whole_line > 200, "{warnings:?}");
    // Windows of 2,000 bytes: the plain lines fill the first few, and each later one spends a
    // budget of its own. Every warning names a line of the whole input, past the plain lines.
    let mut windowed = scanner(&rules, &suppressor, 2_000);
    windowed.matcher.decode(budget);
    let (mut found, mut stats, mut explained, mut warnings) =
        (Vec::new(), Stats::default(), Vec::new(), Vec::new());
    let mut out = StreamOut {
        findings: &mut found,
        stats: &mut stats,
        explained: &mut explained,
        warnings: &mut warnings,
    };
    windowed
        .scan_reader("f", 1, &mut input.as_bytes(), &mut out)
        .unwrap();
    assert!(!warnings.is_empty());
    for warning in &warnings {
        assert_eq!(warning.path, "f");
        let line = line_of(warning);
        assert!((201..=400).contains(&line), "{warnings:?}");
    }
}
