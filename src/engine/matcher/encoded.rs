//! The matcher's search of encoded text: [`decode`](crate::engine::decode) turns the encoded
//! spans of a haystack into a view of decoded text (spans in, views out, no matching), and this
//! module runs the matcher over each view, goes down a level, and places and merges what it
//! finds. The recursion lives here, beside the matcher it calls, so decoding stays a pure step.
//!
//! - **Depth**: the decoded parts of a view are searched again, down to
//!   [`max_depth`](crate::engine::DecodeLimits::max_depth) levels (base64 of base64, hex inside
//!   base64), all levels sharing the blob's budget of
//!   [`max_size`](crate::engine::DecodeLimits::max_size) bytes of views.
//! - **Mapping back**: a secret found in a decoded part is placed on the encoded characters that
//!   carry it in the original blob (the chain of encodings kept, outermost first); one found in
//!   the surrounding text is dropped, since the plain pass reports it.
//! - **Merging** with the plain matches: a plain match of the encoded text itself (a generic rule
//!   that took the base64 of a Kubernetes password for a password) gives way to a decoded match
//!   of at least its confidence over the same bytes, unless the plain match is exactly the
//!   encoded text at high confidence (a rule written for that encoded field, such as a
//!   kubeconfig's `client-key-data`, keeps its finding); any other plain match that overlaps a
//!   decoded one wins (a JWT or a key body matched whole is not reported again from inside).
//!
//! What the matcher drops inside views is neither counted nor explained
//! ([`Matcher::find_quiet`]): the plain pass counts each candidate once, where the user can see
//! it.

use std::ops::Range;

use super::{Match, Matcher};
use crate::engine::decode::{Budget, Decoded, View};
use crate::engine::RangeIndex;
use crate::rules::{Confidence, RuleSet};

/// [`Matcher::find`]'s second half: `plain`, the matches in `haystack` itself, merged with those
/// found in its encoded text, in position order; and the offset of the first encoded text that
/// the budget left undecoded, if any.
pub(super) fn search(
    matcher: &mut Matcher<'_>,
    haystack: &[u8],
    plain: Vec<Match>,
) -> (Vec<Match>, Option<usize>) {
    let whole = 0..haystack.len();
    search_in(matcher, haystack, std::slice::from_ref(&whole), plain)
}

/// [`search`] for the encoded text inside `regions` of `haystack` only (whole lines, ascending).
pub(super) fn search_in(
    matcher: &mut Matcher<'_>,
    haystack: &[u8],
    regions: &[Range<usize>],
    plain: Vec<Match>,
) -> (Vec<Match>, Option<usize>) {
    let limits = matcher.decode_limits();
    if limits.max_depth == 0 || regions.is_empty() {
        return (plain, None);
    }
    let mut budget = Budget {
        left: limits.max_size,
        short_at: None,
    };
    let found = search_level(
        matcher,
        haystack,
        regions,
        plain,
        limits.max_depth,
        &mut budget,
    );
    (found, budget.short_at)
}

/// One level: the encoded spans inside `regions` of `haystack` decoded into a view, the view
/// searched (and its own decoded parts, `depth - 1` more levels), its matches mapped back and
/// merged with `plain`.
fn search_level(
    matcher: &mut Matcher<'_>,
    haystack: &[u8],
    regions: &[Range<usize>],
    plain: Vec<Match>,
    depth: u32,
    budget: &mut Budget,
) -> Vec<Match> {
    if depth == 0 {
        return plain;
    }
    let view = View::build(haystack, regions, budget);
    if view.is_empty() {
        return plain;
    }
    let in_view = matcher.find_quiet(view.bytes());
    // The level below reports where it fell short in the view; here that is the encoded text
    // the view's part came from.
    let short_here = budget.short_at.take();
    let in_view = search_level(
        matcher,
        view.bytes(),
        &view.decoded_parts(),
        in_view,
        depth - 1,
        budget,
    );
    let short_below = budget.short_at.take().map(|at| view.origin_of(at));
    budget.short_at = short_here.into_iter().chain(short_below).min();
    let decoded = in_view
        .into_iter()
        .filter_map(|found| place(&view, haystack, found))
        .collect();
    merge(plain, decoded, matcher.rules())
}

/// `found`, a match in `view`, placed on the encoded text in `haystack` that holds it, with the
/// whole encoded span it was decoded from; `None` when it is not wholly inside a decoded part
/// (the plain pass reports what lies in the text around one).
fn place(view: &View, haystack: &[u8], found: Match) -> Option<(Match, Range<usize>)> {
    let at = view.locate(haystack, found.secret.clone())?;
    let decoded = match found.decoded {
        Some(mut inner) => {
            inner.encoding.insert(0, at.encoding);
            inner
        }
        None => Box::new(Decoded {
            secret: at.decoded.to_vec(),
            encoding: vec![at.encoding],
        }),
    };
    let placed = Match {
        secret: at.encoded,
        decoded: Some(decoded),
        // The id's range lies in the decoded bytes, not the blob: the pair's secret is kept,
        // its id is not placed.
        paired: None,
        ..found
    };
    Some((placed, at.span))
}

/// The plain matches and the decoded ones (each with its whole encoded span) as one list in
/// position order; see the module header for which wins where they overlap.
///
/// Each match is judged by binary search, never against every other match: a blob may hold
/// hundreds of thousands of both. The encoded spans of one level never overlap (they are the
/// candidates decoding found), so a plain match lies within at most one of them, and any
/// decoded match overlapping it was decoded from that span.
fn merge(plain: Vec<Match>, decoded: Vec<(Match, Range<usize>)>, rules: &RuleSet) -> Vec<Match> {
    if decoded.is_empty() {
        return plain;
    }
    let confidence = |found: &Match| rules.rule(found.rule).confidence;
    let mut spans: Vec<Range<usize>> = decoded.iter().map(|(_, span)| span.clone()).collect();
    spans.sort_by_key(|span| span.start);
    spans.dedup();
    debug_assert!(spans.windows(2).all(|pair| pair[0].end <= pair[1].start));
    // The decoded matches of each confidence or more.
    let at_least = |level: Confidence| {
        RangeIndex::new(
            decoded
                .iter()
                .filter(|(found, _)| confidence(found) >= level)
                .map(|(found, _)| found.secret.clone()),
        )
    };
    let by_level = [
        at_least(Confidence::Low),
        at_least(Confidence::Medium),
        at_least(Confidence::High),
    ];
    let mut kept: Vec<Match> = plain
        .into_iter()
        .filter(|plain| {
            let Some(span) = span_holding(&spans, &plain.secret) else {
                return true;
            };
            // A high-confidence rule written for the encoded field itself keeps its finding.
            let level = confidence(plain);
            if plain.secret == *span && level == Confidence::High {
                return true;
            }
            // Else a decoded match of at least its confidence over the same bytes wins.
            let stronger = match level {
                Confidence::Low => &by_level[0],
                Confidence::Medium => &by_level[1],
                Confidence::High => &by_level[2],
            };
            !stronger.overlaps(&plain.secret)
        })
        .collect();
    let plain_secrets = RangeIndex::new(kept.iter().map(|plain| plain.secret.clone()));
    kept.extend(
        decoded
            .into_iter()
            .map(|(found, _)| found)
            .filter(|found| !plain_secrets.overlaps(&found.secret)),
    );
    kept.sort_by_key(|found| (found.secret.start, found.rule));
    kept
}

/// The span of `spans` (sorted, apart) that holds all of `secret`, if one does.
fn span_holding<'s>(spans: &'s [Range<usize>], secret: &Range<usize>) -> Option<&'s Range<usize>> {
    let after = spans.partition_point(|span| span.start <= secret.start);
    spans[..after].last().filter(|span| secret.end <= span.end)
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    use base64::Engine;

    use super::*;
    use crate::engine::{DecodeLimits, Encoding};
    use crate::rules::parse_rule_file;

    /// `t.token`: `tok_` and 16 or more alphanumerics; `t.pass`: the value of `pass: ...`.
    fn rules() -> RuleSet {
        let yaml = concat!(
            "rules:\n",
            "  - id: t.token\n    name: T\n    keywords: [tok_]\n",
            "    pattern: '\\btok_[A-Za-z0-9]{16,}'\n    confidence: high\n    examples: [x]\n",
            "  - id: t.pass\n    name: P\n    keywords: ['pass:']\n",
            "    pattern: 'pass: (\\S{8,})'\n    confidence: low\n    examples: [x]\n",
        );
        RuleSet::new(parse_rule_file(yaml, "test.yml").unwrap()).unwrap()
    }

    const TOKEN: &str = "tok_Q7x2Lm9Pz4Kw8Rt3Vb";

    /// `(rule id, secret, range of the match, encoding chain)` of every match in `text`.
    fn found(
        limits: DecodeLimits,
        text: &str,
    ) -> Vec<(String, String, Range<usize>, Vec<Encoding>)> {
        let rules = rules();
        let mut matcher = Matcher::new(&rules);
        matcher.decode(limits);
        matcher
            .find(text.as_bytes())
            .into_iter()
            .map(|m| {
                let (secret, encoding) = match &m.decoded {
                    Some(decoded) => (decoded.secret.clone(), decoded.encoding.clone()),
                    None => (text.as_bytes()[m.secret.clone()].to_vec(), Vec::new()),
                };
                let secret = String::from_utf8(secret).unwrap();
                (rules.rule(m.rule).id.clone(), secret, m.secret, encoding)
            })
            .collect()
    }

    fn hex(text: &str) -> String {
        text.bytes().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn each_encoding_is_decoded_and_placed_on_its_encoded_text() {
        let cases = [
            (STANDARD.encode(TOKEN), Encoding::Base64),
            (
                URL_SAFE_NO_PAD.encode(format!("{TOKEN}??>")),
                Encoding::Base64url,
            ),
            (hex(TOKEN), Encoding::Hex),
            (format!("0x{}", hex(TOKEN)), Encoding::Hex),
        ];
        for (encoded, encoding) in cases {
            let text = format!("value = \"{encoded}\"\n");
            let start = text.find(&encoded).unwrap();
            let all = found(DecodeLimits::default(), &text);
            assert_eq!(all.len(), 1, "{encoding}: {all:?}");
            let (id, secret, range, chain) = &all[0];
            assert_eq!((id.as_str(), secret.as_str()), ("t.token", TOKEN));
            assert_eq!(chain, &vec![encoding]);
            // The token is the first 22 decoded bytes: the encoded characters that carry them.
            let carried = match encoding {
                Encoding::Hex if encoded.starts_with("0x") => 2..2 + 44,
                Encoding::Hex => 0..44,
                _ => 0..30,
            };
            assert_eq!(
                range,
                &(start + carried.start..start + carried.end),
                "{encoding}"
            );
        }
    }

    #[test]
    fn a_percent_encoded_value_keeps_the_text_around_it() {
        let text =
            "url: https://svc:p%40ss%2Fw0rd!x@host/ other\npass: https://a:p%40ss%2Fw0rd@h\n";
        let all = found(DecodeLimits::default(), text);
        let decoded: Vec<_> = all.iter().filter(|m| !m.3.is_empty()).collect();
        assert_eq!(decoded.len(), 1, "{all:?}");
        let (id, secret, range, chain) = decoded[0];
        assert_eq!(id, "t.pass");
        assert_eq!(secret, "https://a:p@ss/w0rd@h");
        assert_eq!(chain, &vec![Encoding::Percent]);
        assert_eq!(&text[range.clone()], "https://a:p%40ss%2Fw0rd@h");
    }

    #[test]
    fn the_mapped_range_is_the_part_of_the_encoding_that_holds_the_secret() {
        let inner = format!("header line\npass: Zq8vLm2Tr9xK\n{TOKEN}\n");
        let encoded = STANDARD.encode(&inner);
        let text = format!("ENV_FILE={encoded}\n");
        let all = found(DecodeLimits::default(), &text);
        let ids: Vec<&str> = all.iter().map(|m| m.0.as_str()).collect();
        assert_eq!(ids, ["t.pass", "t.token"], "{all:?}");
        let base = text.find(&encoded).unwrap();
        for (_, secret, range, _) in &all {
            // Decoding the carrying characters, aligned to whole groups, gives back the secret.
            let from = (range.start - base) / 4 * 4;
            let to = ((range.end - base).div_ceil(4) * 4).min(encoded.len());
            let chunk = STANDARD.decode(&encoded[from..to]).unwrap();
            let chunk = String::from_utf8_lossy(&chunk);
            assert!(chunk.contains(secret.as_str()), "{chunk:?} lacks {secret}");
            assert!(range.len() < secret.len() * 4 / 3 + 4, "{range:?}");
        }
    }

    #[test]
    fn nested_encodings_are_decoded_down_to_the_depth_limit() {
        let twice = STANDARD.encode(STANDARD.encode(TOKEN));
        let text = format!("blob: {twice}\n");
        let all = found(DecodeLimits::default(), &text);
        assert_eq!(all.len(), 1, "{all:?}");
        assert_eq!(all[0].1, TOKEN);
        assert_eq!(all[0].3, vec![Encoding::Base64, Encoding::Base64]);
        let shallow = DecodeLimits {
            max_depth: 1,
            ..DecodeLimits::default()
        };
        assert!(found(shallow, &text).is_empty());
        // The name before the outer encoding still stands before the inner decoded text.
        let all = found(
            DecodeLimits::default(),
            &format!(
                "pass: {}\n",
                STANDARD.encode(STANDARD.encode("Zq8vLm2Tr9xKw4"))
            ),
        );
        assert_eq!(all.len(), 1, "{all:?}");
        assert_eq!(all[0].3, vec![Encoding::Base64, Encoding::Base64]);
        assert_eq!(
            (all[0].0.as_str(), all[0].1.as_str()),
            ("t.pass", "Zq8vLm2Tr9xKw4")
        );
        let hex_inside = STANDARD.encode(hex(TOKEN));
        let all = found(DecodeLimits::default(), &format!("x {hex_inside}"));
        assert_eq!(all[0].3, vec![Encoding::Base64, Encoding::Hex]);
    }

    #[test]
    fn decoding_stops_at_the_size_budget_and_is_off_at_depth_zero() {
        let text = format!("a {}", STANDARD.encode(TOKEN));
        assert_eq!(found(DecodeLimits::default(), &text).len(), 1);
        let small = DecodeLimits {
            max_size: TOKEN.len() - 1,
            ..DecodeLimits::default()
        };
        assert!(found(small, &text).is_empty());
        let exact = DecodeLimits {
            max_size: TOKEN.len(),
            ..DecodeLimits::default()
        };
        assert_eq!(found(exact, &text).len(), 1);
        assert!(found(
            DecodeLimits {
                max_depth: 0,
                ..DecodeLimits::default()
            },
            &text
        )
        .is_empty());
        // The budget is shared by a blob's spans, the text around each counted too: the first
        // segment is `a `, the token and a newline.
        let two = format!(
            "a {}\nb {}\n",
            STANDARD.encode(TOKEN),
            STANDARD.encode(TOKEN)
        );
        let first = 2 + TOKEN.len() + 1;
        let limits = |max_size| DecodeLimits {
            max_size,
            ..DecodeLimits::default()
        };
        assert_eq!(found(limits(first + TOKEN.len() - 1), &two).len(), 1);
        assert_eq!(found(limits(first + TOKEN.len()), &two).len(), 2);
    }

    #[test]
    fn running_out_of_budget_says_where_and_nothing_else_does() {
        let rules = rules();
        let short_at = |limits: DecodeLimits, text: &str| {
            let mut matcher = Matcher::new(&rules);
            matcher.decode(limits);
            let found = matcher.find(text.as_bytes()).len();
            (found, matcher.decode_fell_short())
        };
        let limits = |max_size| DecodeLimits {
            max_size,
            ..DecodeLimits::default()
        };
        // Many short runs of base64 text before the token spend the budget.
        let filler = STANDARD.encode("just words here") + "\n";
        let text = format!("{}t: {}\n", filler.repeat(2_000), STANDARD.encode(TOKEN));
        let token_at = text.find(&STANDARD.encode(TOKEN)).unwrap();
        assert_eq!(short_at(limits(1 << 20), &text), (1, None));
        let (found, at) = short_at(limits(4_000), &text);
        assert_eq!(found, 0);
        let at = at.expect("the budget ran out");
        assert!(at < token_at && at % filler.len() == 0, "{at}");
        // A run too large for what is left is noted even if smaller ones follow.
        let big = format!(
            "a {}\nb {}\n",
            STANDARD.encode("x".repeat(600)),
            STANDARD.encode(TOKEN)
        );
        assert_eq!(short_at(limits(300), &big), (1, Some(2)));
        // Binary that would not fit is not text, and no shortfall.
        let binary: Vec<u8> = (0u8..=255).cycle().take(3000).collect();
        let image = format!("img {}\n", STANDARD.encode(&binary));
        assert_eq!(short_at(limits(100), &image), (0, None));
        // Falling short in decoded text is placed on the encoded text it came from.
        let inner = format!("{}t: {}", filler.repeat(40), STANDARD.encode(TOKEN));
        let nested = format!("line one\nouter: {}\n", STANDARD.encode(&inner));
        let (found, at) = short_at(limits(inner.len() + 200), &nested);
        assert_eq!(found, 0);
        assert_eq!(at, Some(nested.find("outer: ").unwrap() + 7));
    }

    #[test]
    fn many_plain_and_decoded_matches_are_merged_by_position_not_pairwise() {
        // 40,000 lines where a plain rule takes the base64 for a password and the decoded token
        // wins: each used to be compared with every other (1.6 billion pairs).
        let lines = 40_000;
        let text = format!("pass: {}\n", STANDARD.encode(TOKEN)).repeat(lines);
        let all = found(
            DecodeLimits {
                max_size: 64 << 20,
                ..DecodeLimits::default()
            },
            &text,
        );
        assert_eq!(all.len(), lines);
        assert!(all
            .iter()
            .all(|(rule, secret, _, encoding)| rule == "t.token"
                && secret == TOKEN
                && *encoding == [Encoding::Base64]));
    }

    #[test]
    fn a_plain_match_of_the_encoded_text_gives_way_to_the_decoded_secret() {
        let encoded = STANDARD.encode("Zq8vLm2Tr9xKw4");
        // The plain rule takes the base64 itself for the password; the decoded one is reported.
        let all = found(DecodeLimits::default(), &format!("pass: {encoded}\n"));
        assert_eq!(all.len(), 1, "{all:?}");
        assert_eq!(all[0].1, "Zq8vLm2Tr9xKw4");
        assert_eq!(all[0].3, vec![Encoding::Base64]);
    }

    #[test]
    fn a_plain_match_wider_than_the_encoded_span_or_more_confident_wins() {
        let rules = rules();
        let (token, pass) = (0, 1);
        let at = |rule: usize, secret: Range<usize>, decoded: bool| Match {
            rule,
            secret,
            entropy: 4.0,
            paired: None,
            decoded: decoded.then(|| {
                Box::new(Decoded {
                    secret: b"x".to_vec(),
                    encoding: vec![Encoding::Base64],
                })
            }),
        };
        // A JWT or key body matched whole: the secret found inside its base64 is not reported.
        let kept = merge(
            vec![at(pass, 0..40, false)],
            vec![(at(pass, 10..20, true), 8..30)],
            &rules,
        );
        assert_eq!(kept, vec![at(pass, 0..40, false)]);
        // Part of the encoded text matched by a more confident rule than the decoded secret's
        // (not all of it, which wins whatever the confidence).
        let kept = merge(
            vec![at(token, 9..30, false)],
            vec![(at(pass, 10..20, true), 8..30)],
            &rules,
        );
        assert_eq!(kept, vec![at(token, 9..30, false)]);
        // A high-confidence rule that matched exactly the encoded text keeps it against a
        // decoded match of the same confidence; one that matched part of it gives way.
        let kept = merge(
            vec![at(token, 8..30, false)],
            vec![(at(token, 10..20, true), 8..30)],
            &rules,
        );
        assert_eq!(kept, vec![at(token, 8..30, false)]);
        let kept = merge(
            vec![at(token, 9..30, false)],
            vec![(at(token, 10..20, true), 8..30)],
            &rules,
        );
        assert_eq!(kept, vec![at(token, 10..20, true)]);
        // Matches elsewhere are all kept, in position order.
        let kept = merge(
            vec![at(token, 50..60, false), at(pass, 8..30, false)],
            vec![(at(token, 10..20, true), 8..30)],
            &rules,
        );
        assert_eq!(
            kept,
            vec![at(token, 10..20, true), at(token, 50..60, false)]
        );
    }
}
