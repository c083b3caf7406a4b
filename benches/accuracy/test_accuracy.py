"""Tests for the accuracy corpus generator and scorer: `python3 -m unittest discover benches/accuracy`."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import unittest
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import generate  # noqa: E402
import score  # noqa: E402
import tokens  # noqa: E402


def tree_digest(root: str) -> dict[str, str]:
    out = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            full = os.path.join(dirpath, name)
            with open(full, "rb") as f:
                out[os.path.relpath(full, root)] = hashlib.sha256(f.read()).hexdigest()
    return out


class GeneratorTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.a = os.path.join(cls.tmp.name, "a")
        generate.main([cls.a, "--seed", "7"])
        with open(os.path.join(cls.a, "labels.jsonl"), encoding="utf-8") as f:
            cls.labels = [json.loads(line) for line in f]

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_same_seed_same_bytes(self):
        b = os.path.join(self.tmp.name, "b")
        generate.main([b, "--seed", "7"])
        self.assertEqual(tree_digest(self.a), tree_digest(b))

    def test_other_seed_other_corpus(self):
        texts = lambda corpus: [(d.path, d.text()) for d in corpus.docs]  # noqa: E731
        self.assertNotEqual(texts(generate.build(7)), texts(generate.build(8)))

    def test_sizes(self):
        files = sum(len(fs) for _, _, fs in os.walk(os.path.join(self.a, "corpus")))
        positives = sum(1 for lab in self.labels if lab["kind"] == "positive")
        self.assertGreater(files, 2000)
        self.assertGreater(positives, 800)
        self.assertGreater(len(self.labels) - positives, 800)

    def test_every_label_points_at_its_value(self):
        cache: dict[str, list[str]] = {}
        for lab in self.labels:
            if lab["path"] not in cache:
                with open(os.path.join(self.a, "corpus", lab["path"]), encoding="utf-8") as f:
                    cache[lab["path"]] = f.read().split("\n")
            lines = cache[lab["path"]][lab["line"] - 1 : lab["end_line"]]
            text = "\n".join(lines)
            if lab["line"] == lab["end_line"]:
                self.assertIn(lab["secret"], text, lab)
            else:
                # Multi-line values may be indented in their file (YAML blocks).
                self.assertEqual([ln.strip() for ln in lab["secret"].split("\n")], [ln.strip() for ln in lines], lab)
            self.assertEqual(lab["sha256"], hashlib.sha256(lab["secret"].encode()).hexdigest())

    def test_checksummed_tokens(self):
        def valid(token: str) -> bool:
            body, check = token.split("_", 1)[1][:30], token[-6:]
            return tokens.base62(zlib.crc32(body.encode()), 6) == check

        seen = {"positive": 0, "negative": 0}
        for lab in self.labels:
            s = lab["secret"]
            if lab["family"] in ("github", "npm") and lab["variant"] in ("ghp", "gho", "ghu", "ghs", "ghr", "access_token", "npmrc", "bad_checksum"):
                self.assertEqual(len(s), 40, lab)
                self.assertEqual(valid(s), lab["kind"] == "positive", lab)
                seen[lab["kind"]] += 1
        self.assertGreater(seen["positive"], 20)
        self.assertGreater(seen["negative"], 20)

    def test_base62(self):
        self.assertEqual(tokens.base62(0, 6), "000000")
        self.assertEqual(tokens.base62(61, 1), "z")
        self.assertEqual(tokens.base62(62, 2), "10")
        self.assertEqual(tokens.base62(0xFFFFFFFF, 6), "4gfFC3")

    def test_bech32_matches_bip173(self):
        def words_to_bytes(words: str) -> bytes:
            n = 0
            for c in words:
                n = n << 5 | tokens.BECH32.index(c)
            return n.to_bytes(len(words) * 5 // 8, "big")

        # Test vectors from BIP-173 (their data parts are whole bytes).
        self.assertEqual(tokens.bech32("a", b""), "a12uel5l")
        self.assertEqual(tokens.bech32("abcdef", words_to_bytes("qpzry9x8gf2tvdw0s3jn54khce6mua7l")), "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw")
        data = "checkupstagehandshakeupstreamerranterredcaperred"
        self.assertEqual(tokens.bech32("split", words_to_bytes(data)), f"split1{data}2y9e3w")


def lab(path, line, family, kind, secret="s", end=None, variant="v"):
    return {"path": path, "line": line, "end_line": end or line, "family": family, "kind": kind, "variant": variant, "secret": secret}


class ScoreTest(unittest.TestCase):
    labels = [
        lab("a/.env", 1, "github", "positive", "ghp_one"),
        lab("a/.env", 2, "aws", "positive", "AKIA_two"),
        lab("key.pem", 1, "private_key", "positive", "-----BEGIN", end=5),
        lab("b.py", 3, "aws", "negative", "EXAMPLE", variant="example"),
        lab("c.yml", 4, "slack", "positive", "xoxb-first"),
        lab("c.yml", 4, "stripe", "positive", "sk_live_second"),
    ]

    def test_counts(self):
        F = score.Finding
        findings = [
            F("a/.env", 1, 1), F("a/.env", 1, 1),  # one secret found twice: one TP
            F("key.pem", 3, 3),  # inside the key's span
            F("b.py", 3, 3),  # a labelled negative: FP for aws
            F("c.txt", 9, 9), F("c.txt", 9, 9),  # unlabelled, twice: one FP
            F("c.yml", 4, 4, "sk_live_second"),  # the secret text picks the label
        ]
        res = score.score(self.labels, findings)
        o = res["overall"]
        self.assertEqual((o["tp"], o["positives"], o["fp"]), (3, 5, 2))
        self.assertAlmostEqual(o["recall"], 3 / 5)
        self.assertAlmostEqual(o["precision"], 3 / 5)
        self.assertAlmostEqual(o["f1"], 0.6)
        fam = res["families"]
        self.assertEqual((fam["aws"]["tp"], fam["aws"]["fp"], fam["aws"]["f1"]), (0, 1, 0.0))
        self.assertEqual(fam["github"]["f1"], 1.0)
        self.assertEqual(fam["stripe"]["tp"], 1)
        self.assertEqual(fam["slack"]["tp"], 0)
        self.assertEqual(fam["unlabelled"]["fp"], 1)
        self.assertEqual(res["negatives"]["example"], {"fp": 1, "total": 1})
        self.assertEqual([m["family"] for m in res["missed"]], ["aws", "slack"])

    def test_multi_line_finding_overlapping_a_label(self):
        res = score.score(self.labels, [score.Finding("key.pem", 0, 2)])
        self.assertEqual(res["families"]["private_key"]["tp"], 1)

    def test_a_key_pair_finding_also_counts_for_its_key_id(self):
        rows = [{"path": "key.pem", "line": 1, "end_line": 1, "secret": "x", "paired_id": "the-id"}]
        found = score.read_sprawl(rows)
        self.assertEqual([(f.line, f.secret) for f in found], [(1, "x"), (-1, "the-id")])

    def test_no_findings(self):
        o = score.score(self.labels, [])["overall"]
        self.assertEqual((o["recall"], o["precision"], o["f1"]), (0.0, None, 0.0))

    def test_adapters(self):
        cases = {
            "sprawl": {"version": 1, "findings": [{"path": "./a/.env", "line": 1, "end_line": 1, "secret": "ghp_one"}]},
            "gitleaks": [{"File": "a/.env", "StartLine": 1, "EndLine": 1, "Secret": "ghp_one"}],
            "betterleaks": {"findings": [{"location": {"path": "./a/.env", "start_line": 1, "end_line": 1}, "match": {"value": "ghp_one"}}]},
            "kingfisher": {"findings": [{"rule": {}, "finding": {"path": "./a/.env", "line": 1, "snippet": "ghp_one"}}]},
        }
        with self.subTest(tool="detect-secrets"):
            data = {"version": "1.5.0", "results": {"a/.env": [{"type": "GitHub Token", "line_number": 1, "hashed_secret": "x"}]}}
            self.assertEqual(score.READERS["detect-secrets"](data), [score.Finding("a/.env", 1, 1)])
        for tool, data in cases.items():
            with self.subTest(tool=tool):
                self.assertEqual(score.READERS[tool](data), [score.Finding("a/.env", 1, 1, "ghp_one")])

    def test_table(self):
        import io

        res = score.score(self.labels, [score.Finding("a/.env", 1, 1), score.Finding("b.py", 3, 3)])
        res.update(tool="toolA", version="1.2", time={"wall": 2.25, "cpu": 1.5})
        buf = io.StringIO()
        score.table([res], out=buf)
        text = buf.getvalue()
        self.assertIn("| toolA | 1.2 | 0.200 | 0.500 | 0.286 | 2 | 2.2 s | 1.5 s |", text)
        self.assertIn("| github | 1 | 1.000 (1.000) |", text)
        self.assertIn("| aws | 1 | 0.000 (0.000) 1 FP |", text)
        self.assertIn("| example | 1 | 1 |", text)

    def test_jsonl_and_absolute_paths(self):
        with tempfile.TemporaryDirectory() as d:
            report = os.path.join(d, "r.jsonl")
            with open(report, "w") as f:
                f.write(json.dumps({"path": "/scan/root/a/.env", "line": 2}) + "\n")
            found = score.strip_prefix(score.read_report("sprawl", report), "/scan/root")
            self.assertEqual(found, [score.Finding("a/.env", 2, 2, "")])


if __name__ == "__main__":
    unittest.main()
