#!/usr/bin/env bash
# Checks sprawl's SARIF with Microsoft's SARIF validator and GitHub code scanning's ingestion
# rules (`--rule-kind Sarif;Ghas`): any validator result of level error or warning fails the
# check; notes are advice and are only counted.
#
# Run from the repository root after `cargo build --release` (CI: `.ci/run`). It scans a fixture
# tree built in a temporary folder: secrets generated here at run time (so the repository holds
# no live-looking tokens), a path with a space, nested folders, a multi-line secret, rules of all
# three confidences, and a copy of rules/ (each built-in rule fires on its own examples, so every
# built-in rule's SARIF descriptor is validated too). It validates a scan run inside the tree, one
# run from its parent, one from the repository root (absolute `file://` URIs), `sprawl git` on the
# tree as a repository, and a scan with no findings.
#
# Environment:
#   SARIF_TOOL_DIR      npm prefix for the validator (default ~/.cache/sprawl-ci/sarif)
#   SARIF_TOOL_VERSION  @microsoft/sarif-multitool version (default 5.7.0)
#   SARIF_CHECK_URIS=1  also run SARIF2006 (UrisShouldBeReachable), which sends HTTP requests to
#                       every URI in the log; off by default so the check needs no network
#   SARIF_KEEP=1        keep the temporary folder (fixture, logs, validator output)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
sprawl="$repo/target/release/sprawl"
tool_dir="${SARIF_TOOL_DIR:-$HOME/.cache/sprawl-ci/sarif}"
tool_version="${SARIF_TOOL_VERSION:-5.7.0}"

fail() {
    printf 'validate-sarif: FAIL: %s\n' "$*" >&2
    exit 1
}
on_error() {
    local status=$? line=$1 command=${2%%$'\n'*}
    fail "line $line: \`$command\` exited with status $status"
}
trap 'on_error "$LINENO" "$BASH_COMMAND"' ERR

[[ -x "$sprawl" ]] || fail "$sprawl not found: run \`cargo build --release\` first"
command -v python3 >/dev/null || fail "python3 is needed to read the validator's output"

# --- The validator ---------------------------------------------------------------------------

case "$(uname -s)" in
    Linux) platform=linux ;;
    Darwin) platform=darwin ;;
    *) fail "no SARIF Multitool package for $(uname -s)" ;;
esac
package="$tool_dir/node_modules/@microsoft/sarif-multitool-$platform"
validator="$package/Sarif.Multitool"
installed_version() {
    sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$package/package.json" \
        2>/dev/null | head -n 1
}
if [[ ! -f "$validator" || "$(installed_version)" != "$tool_version" ]]; then
    command -v npm >/dev/null || fail "npm is needed to install the SARIF validator"
    echo "installing @microsoft/sarif-multitool@$tool_version into $tool_dir"
    mkdir -p "$tool_dir"
    npm install --prefix "$tool_dir" --no-audit --no-fund --loglevel=error \
        "@microsoft/sarif-multitool@$tool_version" >/dev/null
    [[ -f "$validator" ]] || fail "npm did not install $validator"
fi
# The package's postinstall does this, but npm skips scripts under --ignore-scripts.
chmod u+x "$validator"

# --- The fixture ---------------------------------------------------------------------------------

work=$(mktemp -d "${TMPDIR:-/tmp}/sprawl-sarif.XXXXXX")
if [[ "${SARIF_KEEP:-}" == 1 ]]; then
    echo "keeping $work"
else
    trap 'rm -rf "$work"' EXIT
fi
fixture="$work/fixture"
clean="$work/clean"
logs="$work/logs"
mkdir -p "$fixture" "$clean" "$logs"

# `token SEED LENGTH`: LENGTH characters of a fixed alphabet drawn by a linear congruential
# generator, so the fixture is the same on every run and no token is written in this file.
alphabet=ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789
token() {
    local state=$1 length=$2 out="" i
    for ((i = 0; i < length; i++)); do
        state=$(((state * 1103515245 + 12345) % 2147483648))
        out+=${alphabet:$(((state >> 16) % 62)):1}
    done
    printf '%s' "$out"
}
pem_body() {
    token "$1" 64
    printf '\n'
    token "$(($1 + 1))" 64
    printf '\n'
    token "$(($1 + 2))" 40
}

# Rules for the levels and shapes the built-in rules may not cover: a multi-line secret (high:
# error), a medium one (warning) with a reference, a low one (note) with no description and
# repeated tags. Their examples are generated too.
extra_rules="$work/ci-rules.yml"
cat >"$extra_rules" <<EOF
rules:
  - id: ci.test-key
    name: CI test key (PEM)
    description: A PEM block of the CI fixture, spanning several lines.
    pattern: '(?s)(?P<secret>-----BEGIN CI TEST KEY-----\\n[A-Za-z0-9\\n]{40,}?\\n-----END CI TEST KEY-----)'
    keywords: [begin ci test key]
    confidence: high
    tags: [key]
    examples:
      - "-----BEGIN CI TEST KEY-----\\n$(token 11 48)\\n-----END CI TEST KEY-----"
  - id: ci.service-token
    name: CI service token
    description: A service token of the CI fixture
    pattern: '\\b(?P<secret>cisvc_[A-Za-z0-9]{24})\\b'
    keywords: [cisvc_]
    confidence: medium
    tags: [generic]
    references:
      - https://example.com/docs/ci-service-tokens
    examples:
      - 'cisvc_$(token 12 24)'
  - id: ci.low
    name: CI low-confidence token
    pattern: '\\b(?P<secret>cilow_[A-Za-z0-9]{20})\\b'
    keywords: [cilow_]
    confidence: low
    tags: [generic, generic, secret]
    examples:
      - 'cilow_$(token 13 20)'
EOF

mkdir -p "$fixture/config" "$fixture/src/deep/nested" "$fixture/keys" "$fixture/notes"
printf 'APP_NAME=demo\nGITHUB_TOKEN=ghp_%s\n' "$(token 1 36)" >"$fixture/config/app settings.env"
printf 'import os\n\n\nclient = Client(token="ghp_%s", retries=3)\n' "$(token 2 36)" \
    >"$fixture/src/deep/nested/client.py"
printf '[service]\nurl = https://service.invalid\nsecret = cisvc_%s\n' "$(token 3 24)" \
    >"$fixture/src/deep/service.ini"
{
    printf 'deploy key:\n-----BEGIN CI TEST KEY-----\n'
    pem_body 4
    printf '\n-----END CI TEST KEY-----\n'
} >"$fixture/keys/deploy key.pem"
printf '# todo\n\n- rotate cilow_%s soon\n' "$(token 7 20)" >"$fixture/notes/todo #1.md"
cp -R "$repo/rules" "$fixture/built-in rules"
printf 'nothing to see here\n' >"$clean/readme.txt"

# --- Scans ---------------------------------------------------------------------------------------

scan=(scan --no-config --rules "$extra_rules" --exit-code 0 --format sarif --quiet)
(cd "$fixture" && "$sprawl" "${scan[@]}" -o "$logs/inside.sarif" .)
(cd "$work" && "$sprawl" "${scan[@]}" -o "$logs/parent.sarif" fixture)
"$sprawl" "${scan[@]}" -o "$logs/absolute.sarif" "$fixture"
(cd "$clean" && "$sprawl" scan --no-config --format sarif --quiet -o "$logs/clean.sarif" .)
expect_findings=(inside parent absolute)
if command -v git >/dev/null; then
    history="$work/history"
    cp -R "$fixture" "$history"
    git -C "$history" init -q
    git -C "$history" add -A
    git -C "$history" -c user.name=ci -c user.email=ci@example.invalid \
        -c commit.gpgsign=false commit -q -m fixture
    (cd "$history" && "$sprawl" git --no-config --rules "$extra_rules" --exit-code 0 \
        --format sarif --quiet -o "$logs/git.sarif")
    expect_findings+=(git)
else
    echo "git not found: skipping the \`sprawl git\` log"
fi

# --- Validation ----------------------------------------------------------------------------------

validate=(validate --rule-kind 'Sarif;Ghas' --level 'Error;Warning;Note' --log ForceOverwrite)
if [[ "${SARIF_CHECK_URIS:-}" != 1 ]]; then
    # SARIF2006 is the only rule that goes on the network (an HTTP GET per URI; it reports
    # notes only). Disabling it makes the validator add a configuration warning, WRN999, which
    # the report below expects and does not count.
    cat >"$work/validator.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<Properties>
  <Properties Key="SARIF2006.UrisShouldBeReachable.Options">
    <Property Key="RuleEnabled" Value="Disabled" />
  </Properties>
</Properties>
EOF
    validate+=(--config "$work/validator.xml")
fi
for log in "$logs"/*.sarif; do
    "$validator" "${validate[@]}" -o "${log%.sarif}.validation" "$log" >"${log%.sarif}.console" \
        2>&1 || true # its exit status says nothing about the results; the report reads them
done

# Built-in rule ids (first column of `rules list`), to say which descriptors were exercised.
builtin_ids=$("$sprawl" rules list | awk 'NR > 1 { print $1 }' | tr '\n' ' ')

# The report prints the verdict; its exit status is the script's.
python3 - "$logs" "${expect_findings[*]}" "$builtin_ids" <<'EOF' || exit 1
import json
import re
import sys
from collections import Counter
from pathlib import Path

logs = Path(sys.argv[1])
expect_findings = set(sys.argv[2].split())
builtin_ids = set(sys.argv[3].split())
described = set()
problems = []  # lines to print, one per offending validator result or failed expectation
notes = Counter()
totals = Counter()
EXPECTED_CONFIG = {"WRN999.RuleExplicitlyDisabled"}


def text_of(message, rule):
    """A validator message, its {0}-style arguments filled in from the rule's templates."""
    if "text" in message:
        return message["text"]
    template = rule.get("messageStrings", {}).get(message.get("id"), {}).get("text", "")
    args = message.get("arguments", [])
    return re.sub(r"\{(\d+)\}", lambda m: args[int(m.group(1))], template) or str(message)


for log in sorted(logs.glob("*.sarif")):
    name = log.stem
    scanned = json.loads(log.read_text())["runs"][0]
    results = scanned.get("results", [])
    totals["logs"] += 1
    totals["results"] += len(results)
    totals["rules"] += len(scanned["tool"]["driver"].get("rules", []))
    described.update(rule["id"] for rule in scanned["tool"]["driver"].get("rules", []))
    if name in expect_findings and not results:
        problems.append(f"{name}: the scan found nothing; the fixture must produce findings")
    if name == "clean" and results:
        problems.append(f"{name}: the scan of a clean folder found {len(results)} results")

    out = log.with_suffix(".validation")
    if not out.exists():
        console = log.with_suffix(".console").read_text()
        problems.append(f"{name}: the validator wrote no output:\n{console}")
        continue
    run = json.loads(out.read_text())["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"].get("rules", [])}
    for invocation in run.get("invocations", []):
        if not invocation.get("executionSuccessful", False):
            problems.append(f"{name}: the validator did not run to completion")
        for kind in ("toolConfigurationNotifications", "toolExecutionNotifications"):
            for note in invocation.get(kind, []):
                descriptor = note.get("descriptor", {}).get("id", "?")
                level = note.get("level", "warning")
                if level in ("error", "warning") and descriptor not in EXPECTED_CONFIG:
                    text = note.get("message", {}).get("text", "")
                    problems.append(f"{name}: validator {level} {descriptor}: {text}")
    for result in run.get("results", []):
        level = result.get("level", "warning")  # SARIF's default level
        rule = rules.get(result.get("ruleId"), {})
        if level in ("error", "warning"):
            label = f"{result.get('ruleId')} {rule.get('name', '')}".strip()
            text = text_of(result.get("message", {}), rule)
            problems.append(f"{name}: {level} {label}: {text}")
        else:
            notes[result.get("ruleId")] += 1

print(
    f"validated {totals['logs']} SARIF logs ({totals['results']} results, "
    f"{totals['rules']} rule descriptors)"
)
missing = sorted(builtin_ids - described)
print(f"built-in rules exercised: {len(builtin_ids) - len(missing)} of {len(builtin_ids)}"
      + (f" (not found in the copy of rules/: {', '.join(missing)})" if missing else ""))
if notes:
    print("validator notes (advice, not failures): "
          + ", ".join(f"{rule} x{count}" for rule, count in sorted(notes.items())))
if problems:
    print(f"{len(problems)} problems:", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    print(f"validate-sarif: FAIL: {len(problems)} validator errors, warnings or failed checks",
          file=sys.stderr)
    sys.exit(1)
print(f"validate-sarif: PASS: {totals['logs']} SARIF logs, {totals['results']} results, "
      f"no validator errors or warnings ({sum(notes.values())} notes)")
EOF
