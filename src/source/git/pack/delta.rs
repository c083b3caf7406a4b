//! git's delta format: a target object written as copies of stretches of a base object and
//! literal inserts. Applying one also says where the target differs from its base, which is what
//! lets a history scan look at a new version of a file only where it changed.
//!
//! The format (`Documentation/gitformat-pack.txt`): the base's size and the target's size as
//! little-endian base-128 numbers, then instructions. An instruction byte with the top bit set is
//! a copy, its low seven bits saying which offset and size bytes follow (a size of 0 means
//! 0x10000); any other non-zero byte inserts that many literal bytes; a zero byte is reserved.
//! Every copy is checked against the base and every write against the declared target size, so
//! a hostile delta is refused, never read or written out of bounds.

use std::ops::Range;

/// Where a delta's target differs from its base: the bytes it inserts, and the points where it
/// joins copies that are not contiguous in the base (a deletion, a move). Ranges are in the
/// target, ascending; a join is an empty range.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Changes {
    /// Ascending, possibly empty ranges of the target.
    pub(crate) ranges: Vec<Range<usize>>,
}

impl Changes {
    fn mark(&mut self, range: Range<usize>) {
        match self.ranges.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => self.ranges.push(range),
        }
    }
}

/// Reads a base-128 size at `*at`.
fn size(delta: &[u8], at: &mut usize) -> Option<usize> {
    let mut value: u64 = 0;
    let mut shift = 0;
    loop {
        let byte = *delta.get(*at)?;
        *at += 1;
        if shift > 63 {
            return None;
        }
        value |= u64::from(byte & 0x7f) << shift;
        shift += 7;
        if byte & 0x80 == 0 {
            return usize::try_from(value).ok();
        }
    }
}

/// The size of the target a delta declares, without applying it.
pub(crate) fn target_size(delta: &[u8]) -> Option<usize> {
    let mut at = 0;
    size(delta, &mut at)?;
    size(delta, &mut at)
}

/// Applies `delta` to `base`, writing the target into `out` (cleared first) and, when asked,
/// where it differs from the base into `changes` (cleared first). `None` when the delta is
/// malformed: a size that does not match, a copy outside the base, a write past the declared
/// target size.
pub(crate) fn apply(
    base: &[u8],
    delta: &[u8],
    out: &mut Vec<u8>,
    changes: Option<&mut Changes>,
) -> Option<()> {
    out.clear();
    let mut scratch = Changes::default();
    let changes: &mut Changes = match changes {
        Some(changes) => changes,
        None => &mut scratch,
    };
    changes.ranges.clear();
    let mut at = 0;
    if size(delta, &mut at)? != base.len() {
        return None;
    }
    let target_len = size(delta, &mut at)?;
    out.try_reserve_exact(target_len).ok()?;
    // Where in the base the previous copy ended: a copy that does not start there joins
    // stretches that were not neighbours in the base. Before the first instruction it is the
    // base's start, so a target that does not begin as the base did starts with a change.
    let mut base_at = Some(0usize);
    while at < delta.len() {
        let op = delta[at];
        at += 1;
        if op & 0x80 != 0 {
            let mut offset = 0usize;
            let mut len = 0usize;
            for bit in 0..4 {
                if op & (1 << bit) != 0 {
                    offset |= usize::from(*delta.get(at)?) << (8 * bit);
                    at += 1;
                }
            }
            for bit in 0..3 {
                if op & (0x10 << bit) != 0 {
                    len |= usize::from(*delta.get(at)?) << (8 * bit);
                    at += 1;
                }
            }
            if len == 0 {
                len = 0x10000;
            }
            let end = offset.checked_add(len)?;
            if end > base.len() || out.len() + len > target_len {
                return None;
            }
            if base_at != Some(offset) {
                changes.mark(out.len()..out.len());
            }
            out.extend_from_slice(&base[offset..end]);
            base_at = Some(end);
        } else if op != 0 {
            let len = usize::from(op);
            let literal = delta.get(at..at + len)?;
            if out.len() + len > target_len {
                return None;
            }
            at += len;
            changes.mark(out.len()..out.len() + len);
            out.extend_from_slice(literal);
            base_at = None;
        } else {
            return None;
        }
    }
    if out.len() != target_len {
        return None;
    }
    // A target that does not end as the base did ends with a change.
    if base_at != Some(base.len()) {
        changes.mark(out.len()..out.len());
    }
    Some(())
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)]
pub(crate) mod tests {
    use super::*;

    /// One instruction of a delta under construction.
    pub(crate) enum Op<'a> {
        Copy(usize, usize),
        Insert(&'a [u8]),
    }

    fn push_size(out: &mut Vec<u8>, mut value: usize) {
        loop {
            let byte = (value & 0x7f) as u8;
            value >>= 7;
            if value == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }

    /// Encodes a delta from `base_len` with `ops`.
    pub(crate) fn encode(base_len: usize, ops: &[Op<'_>]) -> Vec<u8> {
        let target: usize = ops
            .iter()
            .map(|op| match op {
                Op::Copy(_, len) => *len,
                Op::Insert(bytes) => bytes.len(),
            })
            .sum();
        let mut out = Vec::new();
        push_size(&mut out, base_len);
        push_size(&mut out, target);
        for op in ops {
            match op {
                Op::Copy(offset, len) => {
                    let mut code = 0x80u8;
                    let mut args = Vec::new();
                    for bit in 0..4 {
                        let byte = (offset >> (8 * bit)) as u8;
                        if byte != 0 {
                            code |= 1 << bit;
                            args.push(byte);
                        }
                    }
                    let size = if *len == 0x10000 { 0 } else { *len };
                    for bit in 0..3 {
                        let byte = (size >> (8 * bit)) as u8;
                        if byte != 0 {
                            code |= 0x10 << bit;
                            args.push(byte);
                        }
                    }
                    out.push(code);
                    out.extend(args);
                }
                Op::Insert(bytes) => {
                    for chunk in bytes.chunks(127) {
                        out.push(chunk.len() as u8);
                        out.extend_from_slice(chunk);
                    }
                }
            }
        }
        out
    }

    fn run(base: &[u8], delta: &[u8]) -> Option<(Vec<u8>, Vec<Range<usize>>)> {
        let mut out = Vec::new();
        let mut changes = Changes::default();
        apply(base, delta, &mut out, Some(&mut changes))?;
        Some((out, changes.ranges))
    }

    #[test]
    fn copies_and_inserts_build_the_target_and_say_what_changed() {
        let base = b"line one\nline two\nline three\n";
        let delta = encode(
            base.len(),
            &[Op::Copy(0, 9), Op::Insert(b"line 2\n"), Op::Copy(18, 11)],
        );
        let (target, changes) = run(base, &delta).unwrap();
        assert_eq!(target, b"line one\nline 2\nline three\n");
        // The insert; the copy after it starts where no copy ended, but the insert already
        // marks that point.
        assert_eq!(changes, vec![9..16]);
        assert_eq!(target_size(&delta), Some(target.len()));
    }

    #[test]
    fn a_deletion_is_a_join_and_a_moved_start_or_end_is_a_change() {
        let base = b"aaaa\nbbbb\ncccc\n";
        let deleted = encode(base.len(), &[Op::Copy(0, 5), Op::Copy(10, 5)]);
        assert_eq!(
            run(base, &deleted).unwrap(),
            (b"aaaa\ncccc\n".to_vec(), vec![5..5])
        );
        let cut_head = encode(base.len(), &[Op::Copy(5, 10)]);
        assert_eq!(run(base, &cut_head).unwrap().1, vec![0..0]);
        let cut_tail = encode(base.len(), &[Op::Copy(0, 10)]);
        assert_eq!(run(base, &cut_tail).unwrap().1, vec![10..10]);
        let same = encode(base.len(), &[Op::Copy(0, 15)]);
        assert_eq!(run(base, &same).unwrap().1, Vec::<Range<usize>>::new());
    }

    #[test]
    fn a_copy_of_0x10000_bytes_is_encoded_with_size_zero() {
        let base = vec![7u8; 0x10000];
        let delta = encode(base.len(), &[Op::Copy(0, 0x10000)]);
        assert_eq!(run(&base, &delta).unwrap().0.len(), 0x10000);
    }

    #[test]
    fn malformed_deltas_are_refused() {
        let base = b"0123456789";
        // The declared base size does not match.
        assert!(run(base, &encode(9, &[Op::Copy(0, 9)])).is_none());
        // A copy past the base.
        assert!(run(base, &encode(10, &[Op::Copy(5, 6)])).is_none());
        // A reserved zero instruction.
        let mut zero = encode(10, &[Op::Insert(b"x")]);
        zero.insert(2, 0);
        assert!(run(base, &zero).is_none());
        // An insert cut short.
        let mut short = encode(10, &[Op::Insert(b"xyz")]);
        short.pop();
        assert!(run(base, &short).is_none());
        // More written than the declared target size.
        let mut long = encode(10, &[Op::Insert(b"xy")]);
        long[1] = 1;
        assert!(run(base, &long).is_none());
        // Less.
        let mut less = encode(10, &[Op::Insert(b"xy")]);
        less[1] = 3;
        assert!(run(base, &less).is_none());
        // A size that never ends.
        assert!(run(base, &[0xff; 12]).is_none());
    }
}
