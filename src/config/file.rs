//! `.sprawl.yml`: what the file says, where it is found, and errors that name its line.
//!
//! Every field is optional. Unknown fields are errors (a typo must not silently disable a
//! setting); so are unknown rule ids, regexes that do not compile and bad sizes, each naming the
//! file, the line and the field.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use serde::Deserialize;

use crate::rules::Confidence;
use crate::yaml::parse_yaml;

/// The name of the config file looked for at the scan root.
pub(crate) const CONFIG_FILE_NAME: &str = ".sprawl.yml";

/// `.sprawl.yml`, as written.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConfigFile {
    /// Gitignore-style globs (relative to the config file's folder) of paths not to scan.
    #[serde(default)]
    pub exclude_paths: Vec<String>,
    /// Gitignore-style globs of the only paths to scan (all, if empty).
    #[serde(default)]
    pub include_paths: Vec<String>,
    /// Candidates to drop, for every rule.
    #[serde(default)]
    pub allow: AllowConfig,
    /// Which rules run, and how.
    #[serde(default)]
    pub rules: RulesConfig,
    /// A baseline file (relative to the config file's folder) used unless `--baseline` is given.
    #[serde(default)]
    pub baseline: Option<PathBuf>,
    /// Files and blobs larger than this are skipped (`--max-file-size` wins).
    #[serde(default)]
    pub max_file_size: Option<String>,
    /// Findings below this confidence are not reported (`--min-confidence` wins).
    #[serde(default)]
    pub min_confidence: Option<Confidence>,
    /// Whether and how archives are opened.
    #[serde(default)]
    pub archives: ArchivesConfig,
    /// Whether and how encoded text is decoded and scanned again.
    #[serde(default)]
    pub decode: DecodeConfig,
    /// Whether the inline markers of gitleaks (`gitleaks:allow`) and detect-secrets (`pragma:
    /// allowlist secret`) allow findings as `sprawl:allow` does (default: yes).
    #[serde(default)]
    pub foreign_allow_markers: Option<bool>,
    /// Which places lower a finding's confidence to low.
    #[serde(default)]
    pub demote: DemoteConfig,
}

/// The `demote` section: which places lower a finding's confidence to low (both by default;
/// `--no-demote` turns both off).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DemoteConfig {
    /// Test code and test data (`tests/`, `fixtures/`, `foo_test.go`).
    #[serde(default)]
    pub test_fixtures: Option<bool>,
    /// Assignment and credential-file findings in documentation (`*.md`, man pages, `docs/`).
    #[serde(default)]
    pub documentation: Option<bool>,
}

/// The `decode` section: every field optional, defaults as documented in the README.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DecodeConfig {
    /// `false` is `--no-decode` (the flag wins).
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Levels of encoding undone (`--decode-depth` wins); 0 decodes nothing.
    #[serde(default)]
    pub max_depth: Option<u32>,
    /// Decoded bytes per file or blob, all levels counted (a size: `1MiB`).
    #[serde(default)]
    pub max_size: Option<String>,
}

/// The `archives` section: every field optional, defaults as documented in the README.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ArchivesConfig {
    /// `false` is `--no-archives` (the flag wins).
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Levels of archives opened (`--archive-depth` wins).
    #[serde(default)]
    pub max_depth: Option<u32>,
    /// Bytes unpacked per input, all levels counted (a size: `256MiB`).
    #[serde(default)]
    pub max_total_size: Option<String>,
    /// Bytes per entry (a size; default: the file size limit).
    #[serde(default)]
    pub max_entry_size: Option<String>,
    /// Decompressed over compressed size, per entry or stream.
    #[serde(default)]
    pub max_ratio: Option<u64>,
    /// Entries per input, all levels counted.
    #[serde(default)]
    pub max_entries: Option<u64>,
}

/// Allow lists: a candidate matching any entry is dropped.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AllowConfig {
    /// Regexes matched against the secret.
    #[serde(default)]
    pub secrets: Vec<String>,
    /// Words whose presence in the secret (ASCII case-insensitive) drops it.
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// Regexes matched against the whole line that holds the secret's start.
    #[serde(default)]
    pub lines: Vec<String>,
}

/// The `rules` section.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RulesConfig {
    /// Rule ids that do not run.
    #[serde(default)]
    pub disable: Vec<String>,
    /// If not empty, the only rule ids that run.
    #[serde(default)]
    pub only: Vec<String>,
    /// Extra rule files or folders, relative to the config file's folder.
    #[serde(default)]
    pub files: Vec<PathBuf>,
    /// Per-rule changes, by rule id.
    #[serde(default)]
    pub overrides: BTreeMap<String, RuleOverride>,
}

/// Changes to one rule.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleOverride {
    /// Replaces the rule's `min_entropy`.
    #[serde(default)]
    pub min_entropy: Option<f64>,
    /// Replaces the rule's confidence.
    #[serde(default)]
    pub confidence: Option<Confidence>,
    /// If not empty, the rule applies only to these paths (gitignore-style globs).
    #[serde(default)]
    pub paths: Vec<String>,
    /// The rule does not apply to these paths.
    #[serde(default)]
    pub exclude_paths: Vec<String>,
    /// Candidates this rule drops, on top of its own allows and the global ones.
    #[serde(default)]
    pub allow: AllowConfig,
}

/// A parsed config file with what is needed to name its lines in later errors.
#[derive(Debug, Clone)]
pub(crate) struct LoadedConfig {
    /// The file.
    pub path: PathBuf,
    /// Its folder: the base of its relative globs and paths.
    pub dir: PathBuf,
    /// Its text, to find the line of a value named in an error.
    text: String,
    /// What it says.
    pub file: ConfigFile,
}

impl LoadedConfig {
    /// Reads and parses `path`; errors name the file, line and field.
    pub(crate) fn read(path: &Path) -> Result<LoadedConfig> {
        let text = crate::source::read_regular_file(path)
            .with_context(|| format!("cannot read config file {}", path.display()))?;
        let file = if text.trim().is_empty() {
            ConfigFile::default()
        } else {
            parse_yaml(&text).map_err(|err| match err.line {
                Some(line) => anyhow!("{}:{line}: invalid config: {}", path.display(), err.message),
                None => anyhow!("{}: invalid config: {}", path.display(), err.message),
            })?
        };
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Ok(LoadedConfig {
            path: path.to_path_buf(),
            dir,
            text,
            file,
        })
    }

    /// An error about `value` in `field`, naming the file and the line the value is on.
    pub(crate) fn error(
        &self,
        field: &str,
        value: &str,
        problem: impl std::fmt::Display,
    ) -> anyhow::Error {
        match self.line_of(value) {
            Some(line) => anyhow!("{}:{line}: field `{field}`: {problem}", self.path.display()),
            None => anyhow!("{}: field `{field}`: {problem}", self.path.display()),
        }
    }

    /// Checks that `full`, named as `value` in `field`, is a regular file: a FIFO or a device
    /// named by a config in a scanned repository must not block or flood the scan.
    pub(crate) fn named_file(&self, field: &str, value: &Path, full: &Path) -> Result<()> {
        if crate::source::is_regular_file(full) {
            return Ok(());
        }
        let value = value.to_string_lossy();
        Err(self.error(field, &value, format!("`{value}` is not a regular file")))
    }

    /// The 1-based line where `value` first appears in the file's text as a whole word (not
    /// inside a longer id or path).
    fn line_of(&self, value: &str) -> Option<usize> {
        if value.is_empty() {
            return None;
        }
        let is_word =
            |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | '*');
        self.text
            .lines()
            .position(|line| {
                line.match_indices(value).any(|(at, _)| {
                    let before = line[..at].chars().next_back();
                    let after = line[at + value.len()..].chars().next();
                    !before.is_some_and(is_word) && !after.is_some_and(is_word)
                })
            })
            .map(|index| index + 1)
    }
}

/// `.sprawl.yml` at `root`, or in a folder above it up to the root of the git repository that
/// holds it.
pub(crate) fn discover(root: &Path) -> Option<PathBuf> {
    let root = std::path::absolute(root).ok()?;
    let in_repo = root.ancestors().any(|dir| dir.join(".git").exists());
    for dir in root.ancestors() {
        let candidate = dir.join(CONFIG_FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if !in_repo || dir.join(".git").exists() {
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(text: &str) -> Result<LoadedConfig> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CONFIG_FILE_NAME);
        std::fs::write(&path, text).unwrap();
        LoadedConfig::read(&path)
    }

    #[test]
    fn every_field_parses() {
        let config = loaded(concat!(
            "exclude_paths: [vendor/]\n",
            "include_paths: [src/]\n",
            "allow:\n  secrets: ['^test_']\n  stopwords: [dummy]\n  lines: ['noqa']\n",
            "rules:\n  disable: [a.b]\n  only: []\n  files: [more.yml]\n",
            "  overrides:\n    a.c:\n      min_entropy: 3.5\n      confidence: low\n      paths: [src/]\n      exclude_paths: [src/x]\n      allow:\n        stopwords: [x]\n",
            "baseline: .sprawl-baseline.json\n",
            "max_file_size: 10MB\n",
            "min_confidence: medium\n",
            "archives:\n  enabled: true\n  max_depth: 2\n  max_total_size: 1GiB\n  max_entry_size: 5MB\n  max_ratio: 50\n  max_entries: 10\n",
            "decode:\n  enabled: true\n  max_depth: 1\n  max_size: 64KiB\n",
            "foreign_allow_markers: false\n",
        ))
        .unwrap();
        let file = &config.file;
        assert_eq!(file.rules.overrides["a.c"].min_entropy, Some(3.5));
        assert_eq!(file.min_confidence, Some(Confidence::Medium));
        assert_eq!(file.allow.lines, vec!["noqa".to_string()]);
        assert_eq!(file.archives.max_depth, Some(2));
        assert_eq!(file.archives.max_total_size.as_deref(), Some("1GiB"));
        assert_eq!(file.decode.max_depth, Some(1));
        assert_eq!(file.decode.max_size.as_deref(), Some("64KiB"));
        assert_eq!(file.foreign_allow_markers, Some(false));
    }

    #[test]
    fn unknown_fields_name_file_line_and_field() {
        let err = loaded("exclude_paths: [a]\nexclude_path: [b]\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains(".sprawl.yml:2:"), "{err}");
        assert!(err.contains("exclude_path"), "{err}");
        let err = loaded("rules:\n  overrides:\n    a.b:\n      min_entrpy: 3\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(".sprawl.yml:4:") && err.contains("min_entrpy"),
            "{err}"
        );
    }

    #[test]
    fn semantic_errors_find_the_line_of_the_value() {
        let config = loaded("rules:\n  disable:\n    - no.such-rule\n").unwrap();
        let err = config
            .error("rules.disable", "no.such-rule", "unknown rule")
            .to_string();
        assert!(
            err.ends_with(".sprawl.yml:3: field `rules.disable`: unknown rule"),
            "{err}"
        );
    }

    #[test]
    fn the_line_of_a_value_is_where_it_stands_whole() {
        let config = loaded(
            "rules:\n  overrides:\n    a.token:\n      confidence: low\n  disable: [a.tok]\n",
        )
        .unwrap();
        assert_eq!(config.line_of("a.tok"), Some(5));
        assert_eq!(config.line_of("a.token"), Some(3));
        assert_eq!(config.line_of("nowhere"), None);
    }

    #[test]
    fn config_is_found_at_the_root_or_up_to_the_repository_root() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        let deep = repo.join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::create_dir(repo.join(".git")).unwrap();
        assert_eq!(discover(&deep), None);
        std::fs::write(repo.join(CONFIG_FILE_NAME), "").unwrap();
        assert_eq!(discover(&deep), Some(repo.join(CONFIG_FILE_NAME)));
        std::fs::write(deep.join(CONFIG_FILE_NAME), "").unwrap();
        assert_eq!(discover(&deep), Some(deep.join(CONFIG_FILE_NAME)));
        // Outside a repository only the root itself is looked at.
        let loose = dir.path().join("loose/x");
        std::fs::create_dir_all(&loose).unwrap();
        std::fs::write(dir.path().join("loose").join(CONFIG_FILE_NAME), "").unwrap();
        assert_eq!(discover(&loose), None);
    }
}
