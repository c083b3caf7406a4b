#!/usr/bin/env python3
"""Score a secret scanner's findings against the corpus labels.

    score.py score --labels LABELS.jsonl --tool TOOL REPORT [--json OUT] [--detail OUT.txt]
    score.py table RESULT.json...

`score` reads TOOL's report (sprawl json/jsonl, gitleaks json, betterleaks json, kingfisher
json, detect-secrets json, or `findings` = already normalised JSONL of {"path", "line",
["end_line"], ["secret"]}),
matches each finding to the labels by path and line, and prints recall, precision and F1
overall and per family. `table` prints the Markdown tables that README.md carries, from the
JSON results of several `score` runs.

Matching: a finding hits a label when its line falls in the label's span (private keys span
several lines); failing that, when the finding's own span overlaps the label's. Among labels
on the hit line, positives win over negatives, and the finding's secret text (when the tool
reports it) picks between several positives. Several findings on one labelled positive count
once (one true positive); a finding that hits no positive is a false positive, attributed to
the family of the negative label it hit, else to "unlabelled", and counted once per
negative label or per unlabelled (path, line).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass


@dataclass
class Finding:
    path: str
    line: int
    end_line: int
    secret: str = ""


# ------------------------------------------------------------------- adapters


def _norm_path(p: str) -> str:
    p = p.replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    return p


def _load_json_or_jsonl(text: str):
    text = text.strip()
    if not text:
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    # JSONL with a single finding parses as one object.
    return [data] if isinstance(data, dict) and "findings" not in data else data


def read_sprawl(data) -> list[Finding]:
    rows = data.get("findings", []) if isinstance(data, dict) else data
    out = [Finding(_norm_path(r["path"]), int(r["line"]), int(r.get("end_line") or r["line"]), r.get("secret") or "") for r in rows]
    # A key pair (an AWS key id with its secret key) is one finding placed on the secret; its id
    # is reported as `paired_id`, found by value (line -1: "somewhere in this file").
    out.extend(Finding(_norm_path(r["path"]), -1, -1, r["paired_id"]) for r in rows if r.get("paired_id"))
    return out


def read_gitleaks(data) -> list[Finding]:
    return [
        Finding(_norm_path(r["File"]), int(r["StartLine"]), int(r.get("EndLine") or r["StartLine"]), r.get("Secret") or "")
        for r in data or []
    ]


def read_betterleaks(data) -> list[Finding]:
    rows = data.get("findings", []) if isinstance(data, dict) else data
    out = []
    for r in rows or []:
        if "File" in r:  # gitleaks-compatible report
            out.extend(read_gitleaks([r]))
            continue
        loc = r["location"]
        start = int(loc["start_line"])
        out.append(Finding(_norm_path(loc["path"]), start, int(loc.get("end_line") or start), (r.get("match") or {}).get("value") or ""))
    return out


def read_kingfisher(data) -> list[Finding]:
    rows = data.get("findings", []) if isinstance(data, dict) else data
    out = []
    for r in rows or []:
        f = r.get("finding", r)
        line = int(f["line"])
        out.append(Finding(_norm_path(f["path"]), line, line, f.get("snippet") or ""))
    return out


def read_detect_secrets(data) -> list[Finding]:
    # {"results": {"path": [{"type": ..., "line_number": N, "hashed_secret": ...}]}}: no secret text.
    if isinstance(data, list) and len(data) == 1:
        data = data[0]
    results = data.get("results", {}) if isinstance(data, dict) else {}
    return [Finding(_norm_path(path), int(r["line_number"]), int(r["line_number"])) for path, rows in results.items() for r in rows]


def read_normalised(data) -> list[Finding]:
    return [Finding(_norm_path(r["path"]), int(r["line"]), int(r.get("end_line") or r["line"]), r.get("secret") or "") for r in data]


READERS = {
    "sprawl": read_sprawl,
    "gitleaks": read_gitleaks,
    "betterleaks": read_betterleaks,
    "kingfisher": read_kingfisher,
    "detect-secrets": read_detect_secrets,
    "findings": read_normalised,
}


def read_report(tool: str, path: str) -> list[Finding]:
    with open(path, encoding="utf-8") as f:
        data = _load_json_or_jsonl(f.read())
    return READERS[tool](data)


def strip_prefix(findings: list[Finding], prefix: str) -> list[Finding]:
    """Make finding paths relative to the corpus root when the tool printed them absolute."""
    prefix = _norm_path(prefix).rstrip("/") + "/"
    for f in findings:
        if f.path.startswith(prefix):
            f.path = f.path[len(prefix) :]
    return findings


# ------------------------------------------------------------------- scoring


def load_labels(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _pick(cands: list[tuple[int, dict]], secret: str) -> tuple[int, dict]:
    pos = [c for c in cands if c[1]["kind"] == "positive"]
    pool = pos or cands
    if secret and len(pool) > 1:
        for c in pool:
            v = c[1]["secret"]
            if secret in v or v in secret:
                return c
    return pool[0]


def score(labels: list[dict], findings: list[Finding]) -> dict:
    by_path: dict[str, list[tuple[int, dict]]] = defaultdict(list)
    for i, lab in enumerate(labels):
        by_path[lab["path"]].append((i, lab))

    hit_pos: set[int] = set()
    fp_neg: set[int] = set()
    fp_unlabelled: set[tuple[str, int]] = set()
    for f in findings:
        here = by_path.get(f.path, [])
        if f.line == -1:
            cands = [c for c in here if c[1].get("secret") == f.secret]
            if cands:
                i, lab = cands[0]
                (hit_pos if lab["kind"] == "positive" else fp_neg).add(i)
            continue
        cands = [c for c in here if c[1]["line"] <= f.line <= c[1]["end_line"]]
        if not cands:
            cands = [c for c in here if c[1]["line"] <= f.end_line and f.line <= c[1]["end_line"]]
        if not cands:
            fp_unlabelled.add((f.path, f.line))
            continue
        i, lab = _pick(cands, f.secret)
        (hit_pos if lab["kind"] == "positive" else fp_neg).add(i)

    fam_pos = Counter(lab["family"] for lab in labels if lab["kind"] == "positive")
    fam_tp = Counter(labels[i]["family"] for i in hit_pos)
    fam_fp = Counter(labels[i]["family"] for i in fp_neg)
    if fp_unlabelled:
        fam_fp["unlabelled"] = len(fp_unlabelled)
    neg_kind_fp = Counter(labels[i]["variant"] for i in fp_neg)
    neg_kind_total = Counter(lab["variant"] for lab in labels if lab["kind"] == "negative")

    families = {}
    for fam in sorted(set(fam_pos) | set(fam_fp)):
        families[fam] = metrics(fam_tp[fam], fam_pos[fam], fam_fp[fam])
    missed = sorted(
        ({"path": labels[i]["path"], "line": labels[i]["line"], "family": labels[i]["family"], "variant": labels[i]["variant"]}
         for i, lab in enumerate(labels) if lab["kind"] == "positive" and i not in hit_pos),
        key=lambda m: (m["family"], m["path"], m["line"]),
    )
    return {
        "overall": metrics(len(hit_pos), sum(fam_pos.values()), len(fp_neg) + len(fp_unlabelled)),
        "findings": len(findings),
        "families": families,
        "negatives": {k: {"fp": neg_kind_fp[k], "total": neg_kind_total[k]} for k in sorted(neg_kind_total)},
        "unlabelled_fp": len(fp_unlabelled),
        "missed": missed,
    }


def metrics(tp: int, positives: int, fp: int) -> dict:
    recall = tp / positives if positives else None
    precision = tp / (tp + fp) if tp + fp else None
    if recall is None or precision is None or recall + precision == 0:
        f1 = 0.0 if positives else None
    else:
        f1 = 2 * precision * recall / (precision + recall)
    return {"tp": tp, "positives": positives, "fp": fp, "recall": recall, "precision": precision, "f1": f1}


# ------------------------------------------------------------------- printing


def fmt(x) -> str:
    return "–" if x is None else f"{x:.3f}"


def print_score(tool: str, res: dict, out=sys.stdout) -> None:
    o = res["overall"]
    print(f"{tool}: recall {fmt(o['recall'])}  precision {fmt(o['precision'])}  F1 {fmt(o['f1'])}  "
          f"(TP {o['tp']}/{o['positives']}, FP {o['fp']}, findings {res['findings']})", file=out)
    print(f"{'family':<20} {'pos':>4} {'tp':>4} {'fp':>4} {'recall':>7} {'prec':>7} {'F1':>7}", file=out)
    for fam, m in res["families"].items():
        print(f"{fam:<20} {m['positives']:>4} {m['tp']:>4} {m['fp']:>4} {fmt(m['recall']):>7} {fmt(m['precision']):>7} {fmt(m['f1']):>7}", file=out)


def table(results: list[dict], out=sys.stdout) -> None:
    """Markdown tables for README.md from several results (each with tool, version and timed.py times)."""
    p = lambda *a: print(*a, file=out)  # noqa: E731
    p("| tool | version | recall | precision | F1 | findings | wall time | CPU time |")
    p("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        o, t = r["overall"], r.get("time") or {}
        wall = f"{t['wall']:.1f} s" if "wall" in t else "–"
        cpu = f"{t['cpu']:.1f} s" if "cpu" in t else "–"
        p(f"| {r['tool']} | {r.get('version', '')} | {fmt(o['recall'])} | {fmt(o['precision'])} | {fmt(o['f1'])} | {r['findings']} | {wall} | {cpu} |")
    p("")
    tools = [r["tool"] for r in results]
    fams = sorted({f for r in results for f, m in r["families"].items() if m["positives"]})
    p("F1 per family (recall in brackets; `pos` = labelled secrets, FP counts findings on that family's hard negatives):")
    p("")
    p("| family | pos | " + " | ".join(tools) + " |")
    p("| --- | ---: | " + " | ".join("---" for _ in tools) + " |")
    for fam in fams:
        cells = []
        for r in results:
            m = r["families"].get(fam)
            if m is None:
                cells.append("–")
                continue
            cell = f"{fmt(m['f1'])} ({fmt(m['recall'])})"
            if m["fp"]:
                cell += f" {m['fp']} FP"
            cells.append(cell)
        pos = next(r["families"][fam]["positives"] for r in results if fam in r["families"])
        p(f"| {fam} | {pos} | " + " | ".join(cells) + " |")
    p("")
    p("False positives by kind of hard negative (findings on labelled negatives / how many there are), and on unlabelled lines:")
    p("")
    p("| negative kind | count | " + " | ".join(tools) + " |")
    p("| --- | ---: | " + " | ".join("---:" for _ in tools) + " |")
    kinds = sorted({k for r in results for k in r["negatives"]})
    for k in kinds:
        total = next(r["negatives"][k]["total"] for r in results if k in r["negatives"])
        p(f"| {k} | {total} | " + " | ".join(str(r["negatives"].get(k, {}).get("fp", 0)) for r in results) + " |")
    p("| unlabelled lines | – | " + " | ".join(str(r["unlabelled_fp"]) for r in results) + " |")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("score", help="score one tool's report")
    s.add_argument("--labels", required=True)
    s.add_argument("--tool", required=True, choices=sorted(READERS))
    s.add_argument("--root", default="", help="strip this prefix from finding paths")
    s.add_argument("--version", default="")
    s.add_argument("--times", help="timed.py's JSON (wall and CPU seconds) for this run")
    s.add_argument("--name", help="name to show (default: the tool)")
    s.add_argument("--json", help="also write the result as JSON here")
    s.add_argument("--detail", help="write the per-family breakdown and the missed secrets here, print only the overall line")
    s.add_argument("report")
    t = sub.add_parser("table", help="Markdown tables from several --json results")
    t.add_argument("results", nargs="+")
    args = ap.parse_args(argv)

    if args.cmd == "table":
        results = []
        for path in args.results:
            with open(path, encoding="utf-8") as f:
                results.append(json.load(f))
        table(results)
        return 0

    findings = read_report(args.tool, args.report)
    if args.root:
        strip_prefix(findings, args.root)
    res = score(load_labels(args.labels), findings)
    res.update(tool=args.name or args.tool, version=args.version)
    if args.times:
        with open(args.times, encoding="utf-8") as f:
            res["time"] = json.load(f)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(res, f, indent=1, sort_keys=True)
    if args.detail:
        with open(args.detail, "w", encoding="utf-8") as f:
            print_score(res["tool"], res, out=f)
            print("\nmissed:", file=f)
            for m in res["missed"]:
                print(f"  {m['family']:<20} {m['variant']:<28} {m['path']}:{m['line']}", file=f)
        o = res["overall"]
        print(f"{res['tool']}: recall {fmt(o['recall'])} precision {fmt(o['precision'])} F1 {fmt(o['f1'])}")
    else:
        print_score(res["tool"], res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
