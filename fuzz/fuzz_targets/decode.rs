//! The decoders (base64, base64url, hex, percent escapes, nested to the deepest depth allowed)
//! under the built-in rules, over arbitrary bytes. Checks that decoding never panics, that every
//! match lies inside the input, that a decoded match says how it was encoded, that matches come
//! in position order, and that the same input gives the same matches twice.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sprawl::rules::{builtin, RuleSet};
use sprawl::engine::{DecodeLimits, Matcher};

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        RuleSet::new(builtin::load().expect("built-in rules load")).expect("built-in rules are a set")
    })
}

fuzz_target!(|data: &[u8]| {
    let mut matcher = Matcher::new(rules());
    // Deeper than the default, and a small budget, so both bounds are reached often.
    matcher.decode(DecodeLimits { max_depth: 4, max_size: 64 << 10 });
    let found = matcher.find(data);
    for m in &found {
        assert!(m.secret.start < m.secret.end, "empty secret");
        assert!(m.secret.end <= data.len(), "secret past the end");
        if let Some(decoded) = &m.decoded {
            assert!(!decoded.encoding.is_empty(), "a decoded match without its encoding");
            assert!(decoded.encoding.len() <= 4, "deeper than the limit");
        }
    }
    assert!(found.windows(2).all(|pair| pair[0].secret.start <= pair[1].secret.start));
    assert_eq!(found, matcher.find(data));
});
