#!/bin/sh
# Runs fuzz targets with a time budget per input and a memory cap, so that an input that is slow
# or greedy is a finding like a crash: libFuzzer stops, saves it under artifacts/TARGET/
# (`timeout-*`, `oom-*`, `crash-*`) and this script exits non-zero. Such an input is fixed or
# explained, never left in a corpus folder.
#
#   fuzz/run.sh                      every target, 30 minutes each
#   fuzz/run.sh matcher lines        those targets
#   SECONDS_PER_TARGET=600 fuzz/run.sh
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly toolchain.
set -eu
cd "$(dirname "$0")"
seconds=${SECONDS_PER_TARGET:-1800}
# Seconds one input may take (on a busy two-core machine, with debug assertions on).
per_input=${TIMEOUT_PER_INPUT:-10}
rss_mb=${RSS_LIMIT_MB:-2048}
targets=${*:-$(ls fuzz_targets | sed -n 's/\.rs$//p')}
for target in $targets; do
    mkdir -p "corpus/$target"
    echo "fuzz: $target for ${seconds} s, at most ${per_input} s and ${rss_mb} MB per input"
    cargo +nightly fuzz run -s none -a "$target" "corpus/$target" "seeds/$target" -- \
        -timeout="$per_input" -rss_limit_mb="$rss_mb" -max_total_time="$seconds" \
        -print_final_stats=1
done
