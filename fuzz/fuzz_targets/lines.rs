//! Whole files of many short lines, every built-in rule, placement and reports: the shapes that
//! cost time per finding. The input is cut into up to 64 lines, and they are repeated, in turn,
//! until the file holds about 256 KiB (the first byte picks how large, from 4 to 256 KiB): a line
//! that holds one finding becomes thousands of them in one file. Run with libFuzzer's
//! `-timeout`, so an input whose cost is more than linear is a finding like a crash.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sprawl::report::{self, ColorChoice, Format, Report, ReportOptions};
use sprawl::rules::{builtin, RuleSet};
use sprawl::engine::Matcher;
use sprawl::pipeline::findings_in;
use sprawl::source::Blob;
use sprawl::stats::Stats;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        RuleSet::new(builtin::load().expect("built-in rules load")).expect("built-in rules are a set")
    })
}

/// The file the input stands for: its lines repeated up to the size its first byte asks.
fn file_of(data: &[u8]) -> Vec<u8> {
    let Some((&size, rest)) = data.split_first() else {
        return Vec::new();
    };
    let target = (usize::from(size % 64) + 1) * 4096;
    let lines: Vec<&[u8]> = rest.split(|&b| b == b'\n').take(64).collect();
    let mut file = Vec::with_capacity(target + 4096);
    'fill: loop {
        for line in &lines {
            if file.len() >= target {
                break 'fill;
            }
            file.extend_from_slice(line);
            file.push(b'\n');
        }
    }
    file
}

fuzz_target!(|data: &[u8]| {
    let file = file_of(data);
    let mut matcher = Matcher::new(rules());
    let findings = findings_in(&mut matcher, Blob { path: "lines.txt", bytes: &file });
    assert!(findings.windows(2).all(|pair| pair[0].offset <= pair[1].offset));
    for finding in &findings {
        assert!(finding.offset <= file.len(), "a finding past the end");
    }
    // Every report format, as a scan would write it.
    let stats = Stats::default();
    let report = Report {
        findings: &findings,
        stats: &stats,
        errors: &[],
        warnings: &[],
        rules: rules(),
        root: None,
        shard: None,
    };
    for format in [Format::Text, Format::Json, Format::Sarif, Format::Csv] {
        let options = ReportOptions { format, redact: true, color: ColorChoice::Never };
        report::write(&report, &options, false, &mut std::io::sink()).expect("a sink takes all");
    }
});
