"""The HTML inventory in a real browser: Debian's chromium, headless, driven by Playwright.

The page is built from the README's demo (examples/inventory-demo.sh) by the sprawl binary
named in $SPRAWL (default target/release/sprawl), opened from disk with a fresh profile, and
checked for what a unit test cannot see: that it loads without a single network request or
Content-Security-Policy violation, that its script runs (the policy lets it, by hash), that the
table sorts and filters and the timeline follows, and that no secret is anywhere in the page.
The same demo checks the README's worked example: its output is what the demo gives.

Run by .ci/run; a missing browser or Playwright is a failure, never a skip. Locally:

    pip install playwright   # the Python package only; the browser is the system's chromium
    cargo build --release && python3 -m unittest discover -s tests/browser -v

$CHROMIUM names another Chromium binary (default /usr/bin/chromium).
"""

import json
import os
import stat
import subprocess
import tempfile
import unittest
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SPRAWL = Path(os.environ.get("SPRAWL", ROOT / "target" / "release" / "sprawl")).resolve()
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# What CI and the issue ask the browser to run with: nothing of its own goes over the network.
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def sprawl(*args, cwd):
    """Runs sprawl; returns the completed process (exit 1 means secrets found, as expected)."""
    done = subprocess.run(
        [str(SPRAWL), *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    if done.returncode not in (0, 1):
        raise AssertionError(f"sprawl {args} exited {done.returncode}: {done.stderr}")
    return done


class InventoryPage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory(prefix="sprawl-browser")
        work = Path(cls.work.name)
        demo = work / "demo"
        subprocess.run(
            ["bash", str(ROOT / "examples" / "inventory-demo.sh"), str(demo)],
            check=True,
            capture_output=True,
        )
        cls.report = demo / "report.html"
        inputs = ["app", "api", "deploy", "--no-config", "--no-progress"]
        sprawl("inventory", *inputs, "--format", "html", "-o", str(cls.report), cwd=demo)
        # The same inventory in clear, to know what must not be in the page.
        clear = json.loads(
            sprawl("inventory", *inputs, "--format", "json", "--no-redact", "-q", cwd=demo).stdout
        )
        # The README's worked example runs exactly this, in the demo.
        cls.readme_run = sprawl("inventory", "app", "api", "deploy", cwd=demo)
        cls.readme_json = json.loads(
            sprawl("inventory", "app", "api", "deploy", "--format", "json", "-q", cwd=demo).stdout
        )
        cls.secrets = [s["secret"] for s in clear["secrets"]]
        cls.secrets += [s["paired_id"] for s in clear["secrets"] if s.get("paired_id")]
        cls.expected = clear

        cls.playwright = sync_playwright().start()
        cls.requests = []
        cls.problems = []
        cls.context = cls.playwright.chromium.launch_persistent_context(
            str(work / "profile"),
            executable_path=CHROMIUM,
            args=BROWSER_ARGS,
            headless=True,
        )
        cls.context.on("request", lambda request: cls.requests.append(request.url))
        cls.page = cls.context.new_page()
        cls.page.on("pageerror", lambda error: cls.problems.append(f"error: {error}"))
        cls.page.on(
            "console",
            lambda message: cls.problems.append(f"console {message.type}: {message.text}")
            if message.type in ("error", "warning")
            else None,
        )
        cls.page.goto(cls.report.as_uri())
        cls.page.wait_for_selector("html[data-ready=true]", timeout=10_000)

    @classmethod
    def tearDownClass(cls):
        cls.context.close()
        cls.playwright.stop()
        cls.work.cleanup()

    def setUp(self):
        # Each test starts from the page as loaded: no filter, table in inventory order.
        self.page.reload()
        self.page.wait_for_selector("html[data-ready=true]", timeout=10_000)

    def visible_rules(self):
        return self.page.eval_on_selector_all(
            "#inventory tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.rule)"
        )

    def test_the_readme_example_is_what_the_demo_gives(self):
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        start = readme.index("<!-- inventory-example:")
        block = readme[start:readme.index("<!-- /inventory-example -->", start)]
        shown = block[block.index("```text\n") + len("```text\n"):block.rindex("```")]
        self.assertEqual(shown, self.readme_run.stdout)
        for line in self.readme_run.stderr.splitlines():
            self.assertIn(f"\n{line}\n", readme)
        # The `jq -c` lines below it.
        for secret in self.readme_json["secrets"]:
            line = json.dumps(
                {
                    "rule_id": secret["rule_id"],
                    "status": secret["status"],
                    "repositories": secret["repositories"],
                    "places": [
                        f"{p['repository']}:{p['path']} {p['status']}" for p in secret["places"]
                    ],
                },
                separators=(",", ":"),
                ensure_ascii=False,
            )
            self.assertIn(f"\n{line}\n", readme)

    def test_the_report_is_written_owner_only(self):
        mode = stat.S_IMODE(self.report.stat().st_mode)
        self.assertEqual(mode, 0o600, oct(mode))

    def test_it_loads_with_no_network_request_and_no_policy_violation(self):
        self.assertTrue(self.requests, "the page itself was requested")
        for url in self.requests:
            self.assertEqual(url, self.report.as_uri(), f"the page requested {url}")
        self.assertEqual(self.problems, [], "console errors or warnings (a CSP violation?)")
        # The script ran: the Content-Security-Policy allowed it by its hash.
        self.assertEqual(
            self.page.text_content("#shown-count"), "4 of 4 secrets shown"
        )

    def test_every_secret_is_listed_and_none_is_in_clear(self):
        self.assertEqual(
            self.visible_rules(), [s["rule_id"] for s in self.expected["secrets"]]
        )
        source = self.report.read_text(encoding="utf-8")
        text = self.page.inner_text("body")
        for secret in self.secrets:
            self.assertGreater(len(secret), 8)
            self.assertNotIn(secret, source)
            self.assertNotIn(secret, text)
            self.assertNotIn(secret[:8], text)
        self.assertIn("ghp_…", text)

    def test_the_table_sorts_by_each_column_both_ways(self):
        header = "#inventory th[data-sort=confidence]"
        self.page.click(f"{header} button")
        self.assertEqual(self.page.get_attribute(header, "aria-sort"), "ascending")
        confidences = self.page.eval_on_selector_all(
            "#inventory tbody tr", "rows => rows.map(r => r.dataset.confidence)"
        )
        self.assertEqual(confidences, ["medium", "high", "high", "high"])
        self.page.click(f"{header} button")
        self.assertEqual(self.page.get_attribute(header, "aria-sort"), "descending")
        self.assertEqual(
            self.visible_rules(),
            ["github.pat", "aws.access-key-id", "aws.access-key-pair", "database.connection-url"],
        )
        self.assertEqual(
            self.page.get_attribute("#inventory th[data-sort=index]", "aria-sort"), "none"
        )
        # Oldest first by first sighting: the GitHub token was written on March 1st.
        self.page.click("#inventory th[data-sort=first] button")
        self.assertEqual(self.visible_rules()[0], "github.pat")
        self.page.click("#inventory th[data-sort=first] button")
        # The key id and the pair were written in the same commit: a tie, kept in table order.
        self.assertEqual(self.visible_rules()[:2], ["aws.access-key-id", "aws.access-key-pair"])
        # The timeline follows the table's order.
        order = self.page.eval_on_selector_all(
            "#timeline .timeline-row",
            "rows => rows.map(r => [r.dataset.index, r.transform.baseVal.consolidate().matrix.f])"
            ".sort((a, b) => a[1] - b[1]).map(r => r[0])",
        )
        indices = self.page.eval_on_selector_all(
            "#inventory tbody tr", "rows => rows.map(r => r.dataset.index)"
        )
        self.assertEqual(order, indices)

    def test_the_table_filters_by_status_repository_rule_confidence_and_text(self):
        self.page.select_option("#filter-status", "history")
        self.assertEqual(self.visible_rules(), ["aws.access-key-id", "aws.access-key-pair"])
        self.assertEqual(self.page.text_content("#shown-count"), "2 of 4 secrets shown")
        hidden = self.page.eval_on_selector_all(
            "#timeline .timeline-row[display=none]", "rows => rows.map(r => r.dataset.index)"
        )
        self.assertEqual(sorted(hidden), ["1", "2"])
        self.page.select_option("#filter-status", "present")
        self.assertEqual(self.visible_rules(), ["github.pat", "database.connection-url"])
        self.page.select_option("#filter-repository", "deploy")
        self.assertEqual(self.visible_rules(), ["database.connection-url"])
        self.page.select_option("#filter-repository", "")
        self.page.select_option("#filter-confidence", "high")
        self.assertEqual(self.visible_rules(), ["github.pat"])
        self.page.select_option("#filter-confidence", "")
        self.page.select_option("#filter-status", "")
        self.page.select_option("#filter-rule", "aws.access-key-pair")
        self.assertEqual(self.visible_rules(), ["aws.access-key-pair"])
        self.page.select_option("#filter-rule", "")
        self.page.fill("#filter-text", "release.sh")
        self.assertEqual(self.visible_rules(), ["github.pat"])
        self.page.fill("#filter-text", "margaret")
        self.assertEqual(self.visible_rules(), ["aws.access-key-id", "aws.access-key-pair"])
        self.page.fill("#filter-text", "")
        self.assertEqual(len(self.visible_rules()), 4)

    def test_each_place_has_the_command_to_see_it(self):
        commands = self.page.eval_on_selector_all(
            "#secret-1 code.command", "codes => codes.map(c => c.textContent)"
        )
        self.assertIn("git -C app show HEAD:scripts/release.sh", commands)
        self.assertTrue(
            any(c.startswith("git -C api show ") and c.endswith(":tools/sync.py") for c in commands),
            commands,
        )
        links = self.page.eval_on_selector_all(
            "#secret-1 .remediation a", "links => links.map(a => a.href)"
        )
        self.assertTrue(links and all(l.startswith("https://docs.github.com/") for l in links), links)


if __name__ == "__main__":
    unittest.main()
