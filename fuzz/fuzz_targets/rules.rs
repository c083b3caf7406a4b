//! The rule loader: YAML bytes -> parse -> compile -> rule set -> matcher over the same bytes.
//! Any error is fine; a panic, a hang or unbounded memory is not.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sprawl::rules::{parse_rule_file, RuleSet};
use sprawl::engine::Matcher;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(rules) = parse_rule_file(text, "fuzz.yml") else {
        return;
    };
    let Ok(set) = RuleSet::new(rules) else {
        return;
    };
    // The compiled rules run over the file's own text, which holds their keywords.
    let mut matcher = Matcher::new(&set);
    for found in matcher.find(data) {
        assert!(found.secret.start <= found.secret.end && found.secret.end <= data.len());
    }
});
