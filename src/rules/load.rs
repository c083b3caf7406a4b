//! Reading rule files from text, from disk, and from folders of them.

use std::fmt;
use std::path::{Path, PathBuf};

use super::rule::{Compile, Rule, RuleError};
use super::syntax::{RuleFileSyntax, RuleSyntax};
use crate::yaml::parse_yaml;

/// Why rules could not be loaded. Every variant names the file.
#[derive(Debug)]
pub enum LoadError {
    /// The file or folder could not be read.
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The file is not valid YAML for a rule file (syntax, unknown or missing field).
    Yaml {
        /// The file, as shown to the user.
        origin: String,
        /// The 1-based line, when known.
        line: Option<usize>,
        /// The parser's message, naming the field.
        message: String,
    },
    /// One or more rules are invalid.
    Rules(Vec<RuleError>),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io { path, source } => {
                write!(f, "cannot read rules from {}: {source}", path.display())
            }
            LoadError::Yaml {
                origin,
                line: Some(line),
                message,
            } => write!(f, "{origin}:{line}: invalid rule file: {message}"),
            LoadError::Yaml {
                origin, message, ..
            } => write!(f, "{origin}: invalid rule file: {message}"),
            LoadError::Rules(errors) => {
                let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                f.write_str(&lines.join("\n"))
            }
        }
    }
}

impl std::error::Error for LoadError {}

/// Parses and compiles the rules in one rule file's text, each carrying its family's
/// remediation entry from the file if it has one. `origin` names the file in errors.
pub fn parse_rule_file(text: &str, origin: &str) -> Result<Vec<Rule>, LoadError> {
    parse_rule_file_compiling(text, origin, Compile::Now)
}

/// [`parse_rule_file`], building the regexes `when` asked.
pub(crate) fn parse_rule_file_compiling(
    text: &str,
    origin: &str,
    when: Compile,
) -> Result<Vec<Rule>, LoadError> {
    let file: RuleFileSyntax = parse_yaml(text).map_err(|err| LoadError::Yaml {
        origin: origin.to_string(),
        line: err.line,
        message: err.message,
    })?;
    read_rules(file, text, origin, |syntax, _| {
        Rule::compile(syntax, origin, when)
    })
}

/// Compiles the rules of a parsed rule file with `compile` (given each rule and its place in the
/// file), and attaches the file's remediation entries. `text` is the file as written, for the
/// names a YAML comment cut short.
pub(crate) fn read_rules(
    file: RuleFileSyntax,
    text: &str,
    origin: &str,
    mut compile: impl FnMut(RuleSyntax, usize) -> Result<Rule, Vec<RuleError>>,
) -> Result<Vec<Rule>, LoadError> {
    let mut rules = Vec::with_capacity(file.rules.len());
    let mut errors = Vec::new();
    let cut_names = names_cut_by_comments(text);
    for (at, syntax) in file.rules.into_iter().enumerate() {
        match compile(syntax, at) {
            Ok(mut rule) => {
                rule.name_comment = cut_names
                    .iter()
                    .find(|(name, _)| *name == rule.name)
                    .map(|(_, comment)| comment.to_string());
                rules.push(rule);
            }
            Err(mut problems) => errors.append(&mut problems),
        }
    }
    if let Err(mut problems) = super::remediation::attach(file.remediation, &mut rules, origin) {
        errors.append(&mut problems);
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(LoadError::Rules(errors))
    }
}

/// Every unquoted `name:` value of a rule file that a YAML comment cuts short: the name YAML
/// reads (the text before ` #`) and the comment. `name: PKCS #8 private key` is the name `PKCS`
/// and the comment `#8 private key`, which is rarely what its author meant.
fn names_cut_by_comments(text: &str) -> Vec<(&str, &str)> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let line = line.strip_prefix('-').map_or(line, str::trim_start);
            let value = line.strip_prefix("name:")?.trim_start();
            if value.starts_with(['"', '\'', '|', '>', '#']) {
                return None;
            }
            let comment = value
                .char_indices()
                .find(|&(at, c)| c == '#' && value[..at].ends_with([' ', '\t']))
                .map(|(at, _)| at)?;
            Some((value[..comment].trim_end(), value[comment..].trim_end()))
        })
        .collect()
}

/// Loads a rule file, or every `*.yml` / `*.yaml` file directly inside a folder (in name order).
pub(crate) fn load_path(path: &Path) -> Result<Vec<Rule>, LoadError> {
    let io = |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let metadata = std::fs::metadata(path).map_err(io)?;
    let files = if metadata.is_dir() {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(path).map_err(io)? {
            let entry_path = entry.map_err(io)?.path();
            if is_rule_file_name(&entry_path) && entry_path.is_file() {
                files.push(entry_path);
            }
        }
        files.sort();
        files
    } else {
        vec![path.to_path_buf()]
    };
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        let text = crate::source::read_regular_file(&file).map_err(|source| LoadError::Io {
            path: file.clone(),
            source,
        })?;
        match parse_rule_file(&text, &file.display().to_string()) {
            Ok(mut more) => rules.append(&mut more),
            Err(LoadError::Rules(mut problems)) => errors.append(&mut problems),
            Err(other) => return Err(other),
        }
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(LoadError::Rules(errors))
    }
}

/// Whether a file name is one that rule folders are read for.
pub(crate) fn is_rule_file_name(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|ext| ext.to_str()),
        Some("yml" | "yaml")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cut_by_a_comment_are_found_and_quoted_names_are_not() {
        let text = concat!(
            "rules:\n",
            "  - id: a.b\n    name: PKCS #8 private key (PEM)\n",
            "  - name: Plain name\n",
            "    name: \"Quoted #1\"\n",
            "    name: 'Single #2'\n",
            "    name: No#comment here\n",
            "    name: Tabbed\t# note\n",
        );
        assert_eq!(
            names_cut_by_comments(text),
            vec![("PKCS", "#8 private key (PEM)"), ("Tabbed", "# note")]
        );
    }

    #[test]
    fn a_loaded_rule_remembers_the_comment_that_cut_its_name() {
        let rules = parse_rule_file(
            "rules:\n  - id: a.b\n    name: PKCS #8 key\n    pattern: x\n    keywords: [x]\n    confidence: high\n    examples: [x]\n",
            "t.yml",
        )
        .unwrap();
        assert_eq!(rules[0].name, "PKCS");
        assert_eq!(rules[0].name_comment.as_deref(), Some("#8 key"));
    }
}
