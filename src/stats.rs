//! Counts gathered during a scan, for the summary and the JSON `stats`.

use std::time::Duration;

use crate::engine::DropCounts;
use crate::source::{ArchiveCounts, SkipReason};
use crate::suppress::Suppression;

/// What a scan read, skipped and took.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    /// Inputs whose content was scanned.
    pub files_scanned: u64,
    /// Bytes of content scanned.
    pub(crate) bytes_scanned: u64,
    /// Inputs left out, by reason, indexed like [`SkipReason::ALL`].
    skipped: [u64; SkipReason::ALL.len()],
    /// Wall time of the scan.
    pub(crate) elapsed: Duration,
    /// For a history scan, the commits walked (and `files_scanned` counts blobs).
    pub(crate) commits: Option<u64>,
    /// Findings suppressed, by reason, indexed like [`Suppression::ALL`].
    suppressed: [u64; Suppression::ALL.len()],
    /// Candidates the matcher dropped, by reason.
    pub(crate) dropped: DropCounts,
    /// Archives and documents opened, and what was inside them. `files_scanned` and
    /// `bytes_scanned` count an archive once, as the input it is.
    pub(crate) archives: ArchiveCounts,
}

impl Stats {
    /// Counts one skipped input.
    pub(crate) fn add_skip(&mut self, reason: SkipReason) {
        self.skipped[reason as usize] += 1;
    }

    /// Counts `count` skipped inputs.
    pub(crate) fn add_skips(&mut self, reason: SkipReason, count: u64) {
        self.skipped[reason as usize] += count;
    }

    /// How many inputs were skipped for `reason`.
    pub(crate) fn skipped(&self, reason: SkipReason) -> u64 {
        self.skipped[reason as usize]
    }

    /// Counts one suppressed finding.
    pub(crate) fn add_suppressed(&mut self, reason: Suppression) {
        self.suppressed[reason as usize] += 1;
    }

    /// Counts `count` suppressed findings.
    pub(crate) fn add_suppressions(&mut self, reason: Suppression, count: u64) {
        self.suppressed[reason as usize] += count;
    }

    /// How many findings were suppressed for `reason`.
    pub(crate) fn suppressed(&self, reason: Suppression) -> u64 {
        self.suppressed[reason as usize]
    }

    /// How many findings were suppressed in all.
    pub(crate) fn suppressed_total(&self) -> u64 {
        self.suppressed.iter().sum()
    }

    /// How many inputs were skipped in all.
    pub(crate) fn skipped_total(&self) -> u64 {
        self.skipped.iter().sum()
    }

    /// Adds another thread's counts to these (the elapsed time is not added).
    pub(crate) fn merge(&mut self, other: &Stats) {
        self.files_scanned += other.files_scanned;
        self.bytes_scanned += other.bytes_scanned;
        for (mine, theirs) in self.skipped.iter_mut().zip(other.skipped) {
            *mine += theirs;
        }
        for (mine, theirs) in self.suppressed.iter_mut().zip(other.suppressed) {
            *mine += theirs;
        }
        self.dropped.merge(other.dropped);
        self.archives.merge(other.archives);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_are_counted_by_reason_and_merged() {
        let mut a = Stats::default();
        a.add_skip(SkipReason::Binary);
        a.add_skip(SkipReason::TooLarge);
        a.files_scanned = 2;
        let mut b = Stats::default();
        b.add_skip(SkipReason::Binary);
        b.bytes_scanned = 10;
        a.merge(&b);
        assert_eq!(a.skipped(SkipReason::Binary), 2);
        assert_eq!(a.skipped(SkipReason::TooLarge), 1);
        assert_eq!(a.skipped(SkipReason::Symlink), 0);
        assert_eq!(a.skipped_total(), 3);
        assert_eq!((a.files_scanned, a.bytes_scanned), (2, 10));
    }
}
