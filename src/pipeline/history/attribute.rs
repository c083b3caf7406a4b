//! The attribute stage of a history scan: each blob's findings placed at the commits and paths
//! that introduced the blob, the place stage of suppression applied, and one finding kept per
//! secret, at its oldest place.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use git2::{Oid, Repository};

use super::blobs::{BlobResult, Found, Scanned};
use super::Walked;
use crate::config::ScanConfig;
use crate::engine::Matcher;
use crate::finding::{Finding, GitOrigin, Provenance};
use crate::pipeline::{fingerprints_in, passes_place_stage, ScanResult};
use crate::source::git::ids;
use crate::source::git::{CommitInfo, History, Place, WalkedCommit};
use crate::source::{ArchiveLimits, SkipReason, SourceError};

/// The path a finding in a commit message is reported at.
pub(super) const MESSAGE_PATH: &str = "<commit message>";

/// A finding at one place, with the number of places it stands for (more than one when later
/// places were only counted, not kept) and the path its file was renamed from there, if any.
struct Candidate {
    finding: Finding,
    weight: usize,
    renamed_from: Option<u32>,
}

/// Turns what the walk and the scan found into the scan's result.
pub(super) fn report(
    config: &ScanConfig,
    repo: &Repository,
    walked: Walked,
    scanned: Scanned,
    all_occurrences: bool,
    list_skipped: bool,
) -> ScanResult {
    let Walked { history, messages } = walked;
    let mut result = ScanResult {
        errors: history.errors.clone(),
        ..ScanResult::default()
    };
    result.stats.commits = Some(history.commits_walked);
    notes(config, &history, &mut result);
    let mut commits = Commits::new(repo, &history);
    let later = later_places(&history, &scanned);
    let mut candidates = Vec::new();
    let mut missing = 0u64;
    let partial_clone = crate::source::git::is_partial_clone(repo);
    for (blob, walked) in history.blobs.iter().enumerate() {
        let Some(outcome) = scanned.results.get(&ids::raw(walked.oid)) else {
            continue;
        };
        let first_path = history.path(walked.first.path);
        let listed = || format!("{first_path} (blob {})", walked.oid);
        match outcome {
            BlobResult::Scanned { bytes, found } => {
                result.stats.files_scanned += 1;
                result.stats.bytes_scanned += bytes;
                if let Some(found) = found {
                    let places = later.get(&(blob as u32)).map_or(&[][..], Vec::as_slice);
                    candidates.extend(place_found(
                        config,
                        &history,
                        &mut commits,
                        blob as u32,
                        places,
                        found,
                        &mut result,
                    ));
                }
            }
            BlobResult::Cached(entry) => {
                entry.add_to(&mut result.stats);
                if let (super::cache::Entry::Skipped(reason), true) = (&**entry, list_skipped) {
                    result.skipped.push((listed(), *reason));
                }
            }
            BlobResult::Skipped(reason) => {
                result.stats.add_skip(*reason);
                if list_skipped {
                    result.skipped.push((listed(), *reason));
                }
            }
            BlobResult::Missing if partial_clone => missing += 1,
            BlobResult::Missing => result.errors.push(SourceError {
                path: listed(),
                message: "cannot read: the object is not in the repository".into(),
            }),
            BlobResult::Failed(message) => result.errors.push(SourceError {
                path: listed(),
                message: message.clone(),
            }),
        }
    }
    if missing > 0 {
        // Not an error (the clone is as it was made), but never a quiet pass either.
        result.warnings.push(SourceError {
            path: repo.path().display().to_string(),
            message: format!(
                "{missing} blobs are not in this partial clone, so they were not scanned; fetch them (`git fetch --refetch`, or a full clone) to scan them"
            ),
        });
    }
    for problem in scanned.problems {
        result
            .notes
            .push(format!("{problem}; its blobs were read one by one instead"));
    }
    candidates.extend(place_messages(&history, &mut commits, messages));
    if let Some(base) = history.base_tree {
        let mut before = BeforeRange::new(repo, base, config);
        candidates.retain(|candidate| {
            let path = candidate
                .renamed_from
                .map_or(candidate.finding.outer_path(), |path| history.path(path));
            !before.held(path, &candidate.finding.fingerprint)
        });
    }
    let mut explained = config.explain.then_some(&mut result.explained);
    let candidates: Vec<(Finding, usize)> = candidates
        .into_iter()
        .filter(|candidate| {
            passes_place_stage(
                &candidate.finding,
                &config.suppressor,
                &mut result.stats,
                explained.as_deref_mut(),
            )
        })
        .map(|candidate| (candidate.finding, candidate.weight))
        .collect();
    if config.write_baseline.is_some() {
        result.all_places = candidates
            .iter()
            .map(|(finding, _)| finding.clone())
            .collect();
    }
    result.findings = one_per_secret(candidates, all_occurrences);
    result
}

/// What a user should know about the walk that is not an error.
fn notes(config: &ScanConfig, history: &History, result: &mut ScanResult) {
    // Every shard walks the whole history; the walk's own counts are the first shard's to
    // report, so merged stats add up.
    if config.shard.is_none_or(|shard| shard.index() == 1) {
        result
            .stats
            .add_skips(SkipReason::Submodule, history.submodules);
        result
            .stats
            .add_skips(SkipReason::Symlink, history.symlinks);
    }
    if history.shallow {
        result.notes.push("the repository is a shallow clone: history before its boundary is not there and was not scanned".into());
    }
    if history.submodules > 0 {
        result.notes.push(format!(
            "{} submodule entries were not followed (scan each submodule's repository on its own)",
            history.submodules
        ));
    }
}

/// The later places of the blobs that hold something, by blob.
fn later_places(history: &History, scanned: &Scanned) -> HashMap<u32, Vec<Place>> {
    let mut later: HashMap<u32, Vec<Place>> = HashMap::new();
    for &(blob, place) in &history.later {
        let oid = ids::raw(history.blobs[blob as usize].oid);
        if let Some(BlobResult::Scanned { found: Some(_), .. }) = scanned.results.get(&oid) {
            later.entry(blob).or_default().push(place);
        }
    }
    later
}

/// Each finding of blob `blob` at each place it was introduced (the first, then `later`); its
/// warnings and explanations at its first place.
fn place_found(
    config: &ScanConfig,
    history: &History,
    commits: &mut Commits<'_>,
    blob: u32,
    later: &[Place],
    found: &Found,
    result: &mut ScanResult,
) -> Vec<Candidate> {
    let walked = &history.blobs[blob as usize];
    let first_path = history.path(walked.first.path);
    result.stats.merge(&found.added);
    result
        .warnings
        .extend(found.warnings.iter().map(|warning| SourceError {
            path: format!("{first_path}{}", warning.path),
            message: warning.message.clone(),
        }));
    result
        .explained
        .extend(found.explained.iter().map(|explanation| {
            let mut placed = explanation.clone();
            placed.path = format!("{first_path}{}", explanation.path);
            placed
        }));
    let unlisted = (walked.places as usize).saturating_sub(1 + later.len());
    let mut out = Vec::with_capacity(found.findings.len() * (1 + later.len()));
    for finding in &found.findings {
        for (index, place) in std::iter::once(&walked.first).chain(later).enumerate() {
            let path = history.path(place.path);
            let mut at = finding.clone();
            at.path = finding.path.moved_to(path);
            // Confidence is judged at each place, as a files scan judges each file.
            if let Some(rule) = config.rules.find(&at.rule_id) {
                let place = at.path.clone();
                config.demote.apply(&mut at, rule, &place);
            }
            at.provenance = Provenance::History(commits.origin(place.commit));
            out.push(Candidate {
                finding: at,
                weight: if index == 0 { 1 + unlisted } else { 1 },
                renamed_from: place.renamed_from,
            });
        }
    }
    out
}

/// The findings of commit messages, each at its commit.
fn place_messages(
    history: &History,
    commits: &mut Commits<'_>,
    messages: Vec<(Oid, Vec<Finding>)>,
) -> Vec<Candidate> {
    if messages.is_empty() {
        return Vec::new();
    }
    let index_of: HashMap<Oid, u32> = history
        .commits
        .iter()
        .enumerate()
        .filter_map(|(at, commit)| match commit {
            WalkedCommit::Commit(oid) => Some((*oid, at as u32)),
            WalkedCommit::Ref { .. } => None,
        })
        .collect();
    let mut out = Vec::new();
    for (oid, findings) in messages {
        let Some(&commit) = index_of.get(&oid) else {
            continue;
        };
        for mut finding in findings {
            finding.provenance = Provenance::History(commits.origin(commit));
            out.push(Candidate {
                finding,
                weight: 1,
                renamed_from: None,
            });
        }
    }
    out
}

/// The commits findings are attributed to, read when first needed.
struct Commits<'a> {
    repo: &'a Repository,
    history: &'a History,
    read: HashMap<u32, Arc<CommitInfo>>,
}

impl<'a> Commits<'a> {
    fn new(repo: &'a Repository, history: &'a History) -> Commits<'a> {
        Commits {
            repo,
            history,
            read: HashMap::new(),
        }
    }

    fn origin(&mut self, commit: u32) -> GitOrigin {
        let info = self
            .read
            .entry(commit)
            .or_insert_with(|| {
                Arc::new(commit_info(
                    self.repo,
                    &self.history.commits[commit as usize],
                ))
            })
            .clone();
        GitOrigin {
            commit: info,
            order: commit as usize,
            occurrences: 0,
        }
    }
}

/// What is reported of a commit of the walk (of a tag, for a ref to a tree or blob).
fn commit_info(repo: &Repository, commit: &WalkedCommit) -> CommitInfo {
    match commit {
        WalkedCommit::Commit(oid) => match repo.find_commit(*oid) {
            Ok(commit) => CommitInfo::of(&commit),
            Err(_) => CommitInfo {
                id: oid.to_string(),
                ..CommitInfo::default()
            },
        },
        WalkedCommit::Ref { name, id } => CommitInfo::of_ref(repo, name, *id),
    }
}

/// One finding per secret (rule and fingerprint), at its oldest place, counting the others; or,
/// with `all`, every place, each carrying the same count.
fn one_per_secret(candidates: Vec<(Finding, usize)>, all: bool) -> Vec<Finding> {
    let mut places: HashMap<(String, String), usize> = HashMap::new();
    for (finding, weight) in &candidates {
        *places
            .entry((finding.rule_id.clone(), finding.fingerprint.clone()))
            .or_default() += weight;
    }
    let mut findings: Vec<Finding> = candidates.into_iter().map(|(finding, _)| finding).collect();
    for finding in &mut findings {
        let total = places[&(finding.rule_id.clone(), finding.fingerprint.clone())];
        if let Provenance::History(git) = &mut finding.provenance {
            git.occurrences = total - 1;
        }
    }
    findings.sort_by(|a, b| history_order(a).cmp(&history_order(b)));
    if !all {
        let mut seen = HashSet::new();
        findings
            .retain(|finding| seen.insert((finding.rule_id.clone(), finding.fingerprint.clone())));
    }
    findings
}

/// Oldest commit first, then path, line, column and rule.
fn history_order(finding: &Finding) -> (usize, &str, usize, usize, &str) {
    (
        finding.provenance.commit().map_or(0, |git| git.order),
        &finding.path,
        finding.line,
        finding.column,
        &finding.rule_id,
    )
}

/// The secrets each path held just before a range, scanned on demand and remembered.
struct BeforeRange<'a> {
    repo: &'a Repository,
    tree: Option<git2::Tree<'a>>,
    matcher: Matcher<'a>,
    max_size: u64,
    archives: Option<&'a ArchiveLimits>,
    held: HashMap<String, HashSet<String>>,
}

impl<'a> BeforeRange<'a> {
    fn new(repo: &'a Repository, tree: Oid, config: &'a ScanConfig) -> BeforeRange<'a> {
        let mut matcher = Matcher::new(&config.rules);
        matcher.decode(config.decode);
        BeforeRange {
            repo,
            tree: repo.find_tree(tree).ok(),
            matcher,
            max_size: config.max_file_size,
            archives: config.archives.as_ref(),
            held: HashMap::new(),
        }
    }

    /// Whether `path` held the secret with `fingerprint` before the range.
    fn held(&mut self, path: &str, fingerprint: &str) -> bool {
        if !self.held.contains_key(path) {
            let fingerprints = self.fingerprints_at(path);
            self.held.insert(path.to_string(), fingerprints);
        }
        self.held[path].contains(fingerprint)
    }

    fn fingerprints_at(&mut self, path: &str) -> HashSet<String> {
        let Some(tree) = &self.tree else {
            return HashSet::new();
        };
        let Some(blob) = tree
            .get_path(Path::new(path))
            .ok()
            .and_then(|entry| self.repo.find_blob(entry.id()).ok())
            .filter(|blob| (blob.size() as u64) <= self.max_size)
        else {
            return HashSet::new();
        };
        fingerprints_in(&mut self.matcher, path, blob.content(), self.archives)
    }
}
