//! Fixtures for the integration tests, in the manner of fd's `TestEnv` and ripgrep's `Dir`.
//!
//! Each test gets a [`TestEnv`]: a scan root (the current folder of every `sprawl` it runs) and,
//! beside it, an `aux` folder for rule files, config files and link targets that must not be
//! scanned themselves. Secrets are built at run time by [`Fake`], a fixed-seed xorshift, so the
//! repository never carries a literal live-looking token and every run plants the same bytes.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use clap::Parser;
use sprawl::report::{FindingRecord, JsonReport};
use tempfile::TempDir;

/// The `sprawl` binary cargo built for these tests.
pub const SPRAWL: &str = env!("CARGO_BIN_EXE_sprawl");

/// A scan root and an `aux` folder outside it, both deleted when dropped.
pub struct TestEnv {
    root: TempDir,
    aux: TempDir,
}

impl TestEnv {
    /// Empty folders, with the test rule file ([`test_rules_yaml`]) written to `aux/rules.yml`.
    pub fn new() -> TestEnv {
        let env = TestEnv {
            root: tempfile::Builder::new()
                .prefix("sprawl-root")
                .tempdir()
                .unwrap(),
            aux: tempfile::Builder::new()
                .prefix("sprawl-aux")
                .tempdir()
                .unwrap(),
        };
        env.create_aux("rules.yml", test_rules_yaml());
        env
    }

    /// The scan root, where `sprawl` runs.
    pub fn root(&self) -> &Path {
        self.root.path()
    }

    /// `rel` under the scan root.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// `rel` under the aux folder.
    pub fn aux_path(&self, rel: &str) -> PathBuf {
        self.aux.path().join(rel)
    }

    /// The test rule file.
    pub fn rules_file(&self) -> PathBuf {
        self.aux_path("rules.yml")
    }

    /// Writes `contents` to `rel` under the scan root, creating folders; returns the full path.
    pub fn create(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        write(&self.path(rel), contents.as_ref())
    }

    /// Writes `contents` to `rel` under the aux folder; returns the full path.
    pub fn create_aux(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        write(&self.aux_path(rel), contents.as_ref())
    }

    /// `sprawl` with no arguments, run in the scan root, `NO_COLOR` unset.
    pub fn sprawl(&self) -> Command {
        let mut cmd = Command::new(SPRAWL);
        cmd.current_dir(self.root())
            .env_remove("NO_COLOR")
            // A safety net against a hung run, not a speed test: `rules check` compiles every
            // built-in pattern, which a debug build on a busy machine can take 20 s to do.
            .timeout(std::time::Duration::from_secs(60));
        cmd
    }

    /// `sprawl scan --no-config --rules aux/rules.yml`: add paths and flags.
    pub fn scan(&self) -> Command {
        let mut cmd = self.sprawl();
        cmd.arg("scan").arg("--no-config").arg("--rules");
        cmd.arg(self.rules_file());
        cmd
    }

    /// `scan()` with `--format json` and `args`, run; the report parsed, the run kept.
    pub fn scan_json(&self, args: &[&str]) -> (JsonReport, Run) {
        let run = run(self.scan().arg("--format").arg("json").args(args));
        (run.json(), run)
    }

    /// What `scan_json` gives for `flags` and `paths` (relative to the scan root), without
    /// starting the binary: the command line parsed and scanned in this process through the
    /// library ([`sprawl::run::scan_to`]), for tests of what the engine finds rather than of
    /// what the binary prints. Returns the report, with paths that start at the root shown
    /// below it as the binary run in the root shows them (how paths are shown is the binary
    /// tests' to check), and the exit code the binary would give.
    pub fn report(&self, flags: &[&str], paths: &[&str]) -> (JsonReport, u8) {
        let root = self.root().to_str().expect("a UTF-8 temp folder");
        let rules = self.rules_file();
        let mut args = vec![
            "sprawl",
            "scan",
            "--no-config",
            "--format",
            "json",
            "--rules",
        ];
        args.push(rules.to_str().expect("a UTF-8 temp folder"));
        args.extend(flags);
        let paths: Vec<String> = paths
            .iter()
            .map(|path| match *path {
                "." => root.to_string(),
                path => format!("{root}/{path}"),
            })
            .collect();
        args.extend(paths.iter().map(String::as_str));
        let cli = sprawl::cli::Cli::try_parse_from(&args).unwrap_or_else(|err| panic!("{err}"));
        let sprawl::cli::Command::Scan(scan) = &cli.command else {
            unreachable!("the command is `scan`")
        };
        let config = sprawl::config::ScanConfig::from_scan_args(scan).unwrap();
        let mut out = Vec::new();
        let outcome = sprawl::run::scan_to(&config, &mut out).unwrap();
        // Only string values that start with the root (paths), not text that quotes one.
        let text = String::from_utf8(out)
            .expect("the report is UTF-8")
            .replace(&format!("\"{root}/"), "\"");
        let report = serde_json::from_str(&text)
            .unwrap_or_else(|err| panic!("not a JSON report: {err}\n{text}"));
        (report, outcome.exit_code())
    }
}

fn write(path: &Path, contents: &[u8]) -> PathBuf {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, contents).unwrap();
    path.to_path_buf()
}

/// What a finished `sprawl` said, with its exit code.
#[derive(Debug)]
pub struct Run {
    /// The exit code (`None` if killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs `cmd` to the end.
pub fn run(cmd: &mut Command) -> Run {
    Run::from(cmd.output().unwrap())
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }
}

impl Run {
    /// Panics, showing both streams, unless the exit code is `code`.
    #[track_caller]
    pub fn code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code,
            Some(code),
            "wrong exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Standard output parsed as the `json` report.
    #[track_caller]
    pub fn json(&self) -> JsonReport {
        serde_json::from_str(&self.stdout).unwrap_or_else(|err| {
            panic!(
                "not a JSON report: {err}\n--- stdout\n{}\n--- stderr\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Standard output parsed as JSON of any shape (SARIF).
    #[track_caller]
    pub fn json_value(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|err| {
            panic!(
                "not JSON: {err}\n--- stdout\n{}\n--- stderr\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// `(path, line, column, rule_id)` of each finding, in report order.
pub fn places(report: &JsonReport) -> Vec<(String, usize, usize, String)> {
    report
        .findings
        .iter()
        .map(|f| (f.path.clone(), f.line, f.column, f.rule_id.clone()))
        .collect()
}

/// The paths of the findings, in report order.
pub fn finding_paths(report: &JsonReport) -> Vec<&str> {
    report.findings.iter().map(|f| f.path.as_str()).collect()
}

/// The single finding of a report; panics if there are more or none.
#[track_caller]
pub fn only_finding(report: &JsonReport) -> &FindingRecord {
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
    &report.findings[0]
}

/// A deterministic xorshift64 generator: the same seed gives the same "random" text on every
/// run and every machine.
pub struct Fake(u64);

const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

impl Fake {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Fake {
        // Spread small seeds over the state and keep it non-zero (xorshift's fixed point).
        Fake(seed.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// `len` characters from `[A-Za-z0-9]`.
    pub fn alphanumeric(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| ALPHANUMERIC[(self.next() % ALPHANUMERIC.len() as u64) as usize] as char)
            .collect()
    }
}

/// A secret of the test rule `test.token`: `sprawltest_` then 24 alphanumerics.
pub fn token(seed: u64) -> String {
    format!("sprawltest_{}", Fake::new(seed).alphanumeric(24))
}

/// A secret of the test rule `test.hushword` (the part between the quotes), `len` >= 12.
pub fn hushword(seed: u64, len: usize) -> String {
    Fake::new(seed ^ 0xABCD).alphanumeric(len)
}

/// A secret of the built-in rule `github.pat`: `ghp_` then 30 alphanumerics and their checksum.
pub fn github_pat(seed: u64) -> String {
    with_checksum("ghp_", &Fake::new(seed ^ 0x5EED).alphanumeric(30))
}

/// A GitHub- or npm-style token: `prefix`, `payload` and the CRC32 checksum of `payload`, as
/// the rules' `crc32-base62` check wants it.
pub fn with_checksum(prefix: &str, payload: &str) -> String {
    let checksum = sprawl::engine::checks::crc32_base62(payload.as_bytes());
    format!("{prefix}{payload}{}", String::from_utf8_lossy(&checksum))
}

/// The first and last line of a `test.blob` secret.
pub const BLOB_BEGIN: &str = "-----BEGIN SPRAWL TEST BLOB-----";
/// The last line of a `test.blob` secret.
pub const BLOB_END: &str = "-----END SPRAWL TEST BLOB-----";

/// A multi-line secret of the test rule `test.blob`: a begin line, two body lines, an end line.
pub fn blob(seed: u64) -> String {
    let mut fake = Fake::new(seed ^ 0xB10B);
    format!(
        "{BLOB_BEGIN}\n{}\n{}\n{BLOB_END}",
        fake.alphanumeric(40),
        fake.alphanumeric(28)
    )
}

/// The rules most tests run with (besides the built-in ones):
///
/// - `test.token` (high): `sprawltest_` + 24 alphanumerics, entropy at least 3;
/// - `test.hushword` (medium): the quoted value of `hushword = "..."`, 12 or more characters;
/// - `test.blob` (high): a `BEGIN SPRAWL TEST BLOB` ... `END` block, across lines;
/// - `test.unused` (low): never planted, so never fires.
///
/// Every example is built by the generators, and every rule passes `sprawl rules check` (the
/// `test` family has a remediation entry).
pub fn test_rules_yaml() -> String {
    let q = |text: String| serde_json::to_string(&text).unwrap();
    format!(
        r#"remediation:
  test:
    rotate: Revoke the test token at the test console.
    references: [https://example.com/sprawl/revoke]
rules:
  - id: test.token
    name: Test token
    description: A made-up token that sprawl's integration tests plant
    pattern: '\b(?P<secret>sprawltest_[A-Za-z0-9]{{24}})\b'
    keywords: [sprawltest_]
    min_entropy: 3.0
    confidence: high
    tags: [test]
    references: [https://example.com/sprawl/test-token]
    examples: [{token_example}]
    negative_examples: [{token_negative}]
  - id: test.hushword
    name: Test hushword
    pattern: 'hushword\s*=\s*"(?P<secret>[^"\s]{{12,}})"'
    keywords: [hushword]
    confidence: medium
    examples: [{hush_example}]
    negative_examples: ['hushword = "short"']
  - id: test.blob
    name: Test blob
    description: A made-up multi-line block
    pattern: '(?s)(?P<secret>-----BEGIN SPRAWL TEST BLOB-----.+?-----END SPRAWL TEST BLOB-----)'
    keywords: ['-----begin sprawl test blob-----']
    confidence: high
    examples: [{blob_example}]
  - id: test.unused
    name: Test unused
    pattern: 'neverfires_[0-9]{{8}}'
    keywords: [neverfires_, nofire_]
    confidence: low
    examples: ['neverfires_12345678']
"#,
        token_example = q(format!("x = {}", token(9_001))),
        token_negative = q(format!("sprawltest_{}", "a".repeat(24))),
        hush_example = q(format!("hushword = \"{}\"", hushword(9_002, 14))),
        blob_example = q(blob(9_003)),
    )
}

/// An index entry for a regular file at `path` holding blob `id` of `len` bytes, with fixed
/// times, for git fixtures built in memory.
pub fn index_entry(path: &str, id: git2::Oid, len: usize) -> git2::IndexEntry {
    git2::IndexEntry {
        ctime: git2::IndexTime::new(0, 0),
        mtime: git2::IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: 0o100_644,
        uid: 0,
        gid: 0,
        file_size: len as u32,
        id,
        flags: 0,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    }
}

/// Checks that the README block between the markers `<!-- NAME: ... -->` (a whole line) and
/// `<!-- /NAME -->` is `text`, generated from `source`; with `SPRAWL_UPDATE_README` set, writes
/// `text` there instead.
#[track_caller]
pub fn check_readme_block(name: &str, source: &str, text: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = fs::read_to_string(&path).unwrap();
    let marker = format!("<!-- {name}: ");
    let start = readme
        .find(&marker)
        .and_then(|at| readme[at..].find('\n').map(|eol| at + eol + 1))
        .unwrap_or_else(|| panic!("the README has the start marker of {name}"));
    let end_marker = format!("<!-- /{name} -->");
    let end = start
        + readme[start..]
            .find(&end_marker)
            .unwrap_or_else(|| panic!("the README has the end marker of {name}"));
    if std::env::var_os("SPRAWL_UPDATE_README").is_some_and(|value| !value.is_empty()) {
        fs::write(
            &path,
            format!("{}{text}{}", &readme[..start], &readme[end..]),
        )
        .unwrap();
        return;
    }
    assert!(
        readme[start..end] == *text,
        "the README's {name} is out of date with {source}; rewrite it with `SPRAWL_UPDATE_README=1 cargo test readme`"
    );
}
