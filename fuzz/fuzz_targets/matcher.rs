//! The matcher with the built-in rules over arbitrary bytes, through the same placement the
//! scanner uses. Checks the invariants every finding must keep: its secret lies inside the input
//! at its offset, and its line and column agree with that offset.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sprawl::rules::{builtin, RuleSet};
use sprawl::engine::Matcher;
use sprawl::pipeline::findings_in;
use sprawl::source::Blob;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        RuleSet::new(builtin::load().expect("built-in rules load")).expect("built-in rules are a set")
    })
}

fuzz_target!(|data: &[u8]| {
    let mut matcher = Matcher::new(rules());
    let findings = findings_in(&mut matcher, Blob { path: "fuzz", bytes: data });
    for finding in &findings {
        if !finding.encoding.is_empty() {
            // Found in decoded text: placed on its encoded text, which lies in the input; the
            // secret is the decoded one (the `decode` target checks these).
            assert!(finding.offset <= data.len(), "decoded secret past the end");
            continue;
        }
        let end = finding.offset + finding.secret.len();
        assert!(end <= data.len(), "secret past the end");
        assert_eq!(&data[finding.offset..end], &finding.secret[..]);
        let before = &data[..finding.offset];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |at| at + 1);
        assert_eq!(finding.line, line, "line of offset {}", finding.offset);
        assert_eq!(finding.column, finding.offset - line_start + 1, "column");
        let newlines = finding.secret.iter().filter(|&&b| b == b'\n').count();
        assert_eq!(finding.end_line, line + newlines, "end line");
        assert!(finding.char_columns.0 <= finding.column);
    }
    // Ordered by position, so a second pass finds the same.
    assert!(findings.windows(2).all(|pair| pair[0].offset <= pair[1].offset));
    assert_eq!(findings, findings_in(&mut matcher, Blob { path: "fuzz", bytes: data }));
});
