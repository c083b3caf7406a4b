//! The archive readers: arbitrary bytes (zip, tar, gzip, bzip2, xz, zstd, documents, notebooks,
//! nested) -> every text blob inside. Warnings are fine; a panic, a hang or going past the limits
//! is not.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sprawl::source::{expand, ArchiveLimits, Blob};

/// Small limits, so that one input stays fast and far below the fuzzer's memory limit.
const LIMITS: ArchiveLimits = ArchiveLimits {
    max_depth: 4,
    max_total_size: 8 << 20,
    max_entry_size: 1 << 20,
    max_ratio: 100,
    max_entries: 1_000,
};

fuzz_target!(|data: &[u8]| {
    let blob = Blob {
        path: "fuzz.bin",
        bytes: data,
    };
    let expansion = expand(blob, &LIMITS, &mut |inner| {
        assert!(inner.path.starts_with("fuzz.bin"), "{}", inner.path);
    });
    assert_eq!(expansion.counts.warnings, expansion.warnings.len() as u64);
});
