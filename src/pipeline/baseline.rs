//! What the baseline has to say once a scan is over: entries that expired on a finding that is
//! still there (reported again, and the user must hear why), and entries no finding matched
//! (secrets removed or rotated, or allowed another way), which the baseline can drop.
//!
//! An entry counts as stale only when this scan could have met it: its rule is loaded, and its
//! path lies in what was scanned (under a path given to `sprawl scan`, or anywhere for a scan of
//! all of history). A range, a branch, the staged index or one shard sees part of the picture
//! and says nothing about stale entries.

use std::path::Path;

use crate::config::{GitMode, Input, ScanConfig, Target};
use crate::source::git::Selection;
use crate::source::SourceError;
use crate::suppress::{Baseline, BaselineEntry};

/// The most stale entries named in the warning; the rest are counted.
const NAMED: usize = 5;

/// The warnings of the baseline in use, if any, after the scan.
pub(super) fn warnings(config: &ScanConfig) -> Vec<SourceError> {
    let Some(baseline) = &config.suppressor.baseline else {
        return Vec::new();
    };
    let scope = scope_of(config);
    let loaded = |entry: &BaselineEntry| config.suppressor.rule_ids.contains(&entry.rule_id);
    let report = baseline.report(&|entry| loaded(entry) && scope.covers(&entry.path));
    let mut warnings: Vec<SourceError> = report
        .expired_met
        .iter()
        .map(|entry| warning(baseline, expired_message(entry)))
        .collect();
    if !report.stale.is_empty() {
        warnings.push(warning(baseline, stale_message(baseline, &report.stale)));
    }
    warnings
}

fn warning(baseline: &Baseline, message: String) -> SourceError {
    SourceError {
        path: baseline.path().display().to_string(),
        message,
    }
}

fn expired_message(entry: &BaselineEntry) -> String {
    format!(
        "the entry for {} ({}) expired on {}, so its finding is reported again: rotate and \
         remove the secret, or, once it is reviewed, set a later `expires`",
        entry.path,
        entry.rule_id,
        entry.expires.as_deref().unwrap_or("?")
    )
}

fn stale_message(baseline: &Baseline, stale: &[BaselineEntry]) -> String {
    let mut named: Vec<String> = stale
        .iter()
        .take(NAMED)
        .map(|entry| format!("{} ({})", entry.path, entry.rule_id))
        .collect();
    if stale.len() > NAMED {
        named.push(format!("and {} more", stale.len() - NAMED));
    }
    let (count, verb) = match stale.len() {
        1 => ("1 entry".to_string(), "matches"),
        n => (format!("{n} entries"), "match"),
    };
    format!(
        "{count} {verb} no finding of this scan (the secret is gone, or allowed another way): \
         {}; `--write-baseline {}` rewrites the baseline without them",
        named.join(", "),
        baseline.path().display()
    )
}

/// Which baseline paths a scan could have met.
enum Scope {
    /// None: the scan saw part of the picture.
    Nothing,
    /// Every path.
    Everything,
    /// Paths under one of these, as findings show them (no leading `./`).
    Under(Vec<String>),
}

impl Scope {
    fn covers(&self, path: &str) -> bool {
        match self {
            Scope::Nothing => false,
            Scope::Everything => true,
            Scope::Under(roots) => roots.iter().any(|root| {
                root.is_empty()
                    || path == root
                    || path
                        .strip_prefix(root.as_str())
                        .is_some_and(|rest| rest.starts_with('/') || root.ends_with('/'))
            }),
        }
    }
}

fn scope_of(config: &ScanConfig) -> Scope {
    if config.shard.is_some() {
        return Scope::Nothing;
    }
    match &config.target {
        Target::Files { inputs, .. } => Scope::Under(
            inputs
                .iter()
                .map(|input| match input {
                    Input::Stdin => crate::source::STDIN_PATH.to_string(),
                    Input::Path(path) => shown(path),
                })
                .collect(),
        ),
        Target::Git {
            mode:
                GitMode::History {
                    selection: Selection::All,
                    ..
                },
            ..
        } => Scope::Everything,
        Target::Git { .. } => Scope::Nothing,
    }
}

/// A path given on the command line as the walk shows the paths under it.
fn shown(path: &Path) -> String {
    let path = path.strip_prefix(".").unwrap_or(path);
    path.to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_covers_the_paths_under_its_roots() {
        let scope = Scope::Under(vec!["app1".into(), "conf/prod.env".into()]);
        assert!(scope.covers("app1/x.env"));
        assert!(scope.covers("conf/prod.env"));
        assert!(!scope.covers("app10/x.env"));
        assert!(!scope.covers("conf/prod.env.bak"));
        assert!(Scope::Under(vec![String::new()]).covers("any/thing"));
        assert!(Scope::Under(vec!["/abs/".into()]).covers("/abs/x"));
        assert!(!Scope::Nothing.covers("a"));
        assert_eq!(shown(Path::new("./app1")), "app1");
        assert_eq!(shown(Path::new(".")), "");
    }
}
