//! Criterion benches of the hot path: the prefilter on code with no keywords, the full matcher
//! on code with sparse secrets, and building the built-in rule set.
//!
//! Run with `cargo bench --bench matcher`. The inputs are generated deterministically here, so
//! runs compare across commits.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use sprawl::engine::Matcher;
use sprawl::rules::{builtin, Candidates, RuleSet};

/// About 4 MiB of source-like text with no rule keyword in it.
fn keyword_free_code() -> Vec<u8> {
    let line = b"    let value = compute(index, offset) + other_value * 3; // a plain comment\n";
    line.iter().copied().cycle().take(4 << 20).collect()
}

/// The same text with a secret-looking assignment every 4 KiB.
fn code_with_sparse_secrets() -> Vec<u8> {
    let mut text = Vec::with_capacity(4 << 20);
    let plain = b"    let value = compute(index, offset) + other_value * 3; // a plain comment\n";
    let mut n: u64 = 0x9e37_79b9_7f4a_7c15;
    while text.len() < 4 << 20 {
        for _ in 0..50 {
            text.extend_from_slice(plain);
        }
        // A deterministic pseudo-random token with a valid checksum, so every gate passes.
        let token: String = (0..30)
            .map(|_| {
                n ^= n << 13;
                n ^= n >> 7;
                n ^= n << 17;
                let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
                alphabet[(n % alphabet.len() as u64) as usize] as char
            })
            .collect();
        let checksum = sprawl::engine::checks::crc32_base62(token.as_bytes());
        let checksum = String::from_utf8_lossy(&checksum);
        text.extend_from_slice(format!("token = \"ghp_{token}{checksum}\"\n").as_bytes());
    }
    text
}

fn rules() -> RuleSet {
    RuleSet::new(builtin::load().expect("built-in rules load")).expect("built-in rules are unique")
}

fn bench_prefilter(c: &mut Criterion) {
    let rules = rules();
    let input = keyword_free_code();
    let mut group = c.benchmark_group("prefilter");
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_function("keyword-free code", |b| {
        let mut candidates = Candidates::default();
        b.iter(|| {
            rules
                .prefilter()
                .candidates(black_box(&input), &mut candidates);
            candidates.rules().len()
        })
    });
    group.finish();
}

fn bench_matcher(c: &mut Criterion) {
    let rules = rules();
    let input = code_with_sparse_secrets();
    let mut group = c.benchmark_group("matcher");
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_function("sparse secrets", |b| {
        let mut matcher = Matcher::new(&rules);
        b.iter(|| matcher.find(black_box(&input)).len())
    });
    group.finish();
}

fn bench_rule_set_build(c: &mut Criterion) {
    c.bench_function("rule set build (built-in)", |b| b.iter(rules));
}

criterion_group!(
    benches,
    bench_prefilter,
    bench_matcher,
    bench_rule_set_build
);
criterion_main!(benches);
