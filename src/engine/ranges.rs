//! [`RangeIndex`]: byte ranges sorted once, then asked which of them overlap a query range.
//!
//! Per-finding work must not walk every finding (a file can hold a million of them), so the
//! matcher's merges and the snippets that mask other secrets ask this index instead: a binary
//! search plus the ranges it returns.

use std::ops::Range;

/// Byte ranges sorted by start, with the furthest end reached so far at each one.
#[derive(Debug, Clone, Default)]
pub(crate) struct RangeIndex {
    /// Sorted by start, then end.
    ranges: Vec<Range<usize>>,
    /// `reach[i]`: the furthest end of `ranges[..=i]`.
    reach: Vec<usize>,
}

impl RangeIndex {
    /// The index of `ranges`, given in any order.
    pub(crate) fn new(ranges: impl IntoIterator<Item = Range<usize>>) -> RangeIndex {
        let mut ranges: Vec<Range<usize>> = ranges.into_iter().collect();
        ranges.sort_by_key(|range| (range.start, range.end));
        let reach = ranges
            .iter()
            .scan(0, |furthest, range| {
                *furthest = range.end.max(*furthest);
                Some(*furthest)
            })
            .collect();
        RangeIndex { ranges, reach }
    }

    /// How many ranges start before `end`: those at lower indexes are the only ones that can
    /// overlap a query ending there.
    fn starting_before(&self, end: usize) -> usize {
        self.ranges.partition_point(|range| range.start < end)
    }

    /// Whether any range overlaps `query` (shares a byte with it), in logarithmic time.
    pub(crate) fn overlaps(&self, query: &Range<usize>) -> bool {
        match self.starting_before(query.end).checked_sub(1) {
            Some(last) => self.reach[last] > query.start,
            None => false,
        }
    }

    /// Every range that overlaps `query`, in position order. The walk goes back from the last
    /// range starting before the query's end while some range that far back still reaches into
    /// it: for ranges that do not nest in one another (the matcher's, whose overlaps it
    /// collapses), that is the ranges returned and one more.
    pub(crate) fn overlapping(&self, query: &Range<usize>) -> Vec<Range<usize>> {
        let mut found: Vec<Range<usize>> = (0..self.starting_before(query.end))
            .rev()
            .take_while(|&at| self.reach[at] > query.start)
            .map(|at| self.ranges[at].clone())
            .filter(|range| range.end > query.start)
            .collect();
        found.reverse();
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_overlapping_range_is_found_and_no_other() {
        // Apart, touching, nested, long, and empty ranges.
        let ranges = [3..8, 8..10, 12..40, 14..16, 41..43, 50..51, 55..55, 60..70];
        let index = RangeIndex::new(ranges.iter().rev().cloned());
        for start in 0..75 {
            for end in start..76 {
                let query = start..end;
                let mut expected: Vec<Range<usize>> = ranges
                    .iter()
                    .filter(|range| range.start < end && range.end > start)
                    .cloned()
                    .collect();
                expected.sort_by_key(|range| (range.start, range.end));
                assert_eq!(index.overlapping(&query), expected, "{query:?}");
                assert_eq!(index.overlaps(&query), !expected.is_empty(), "{query:?}");
            }
        }
        assert!(!RangeIndex::default().overlaps(&(0..10)));
    }
}
