//! A pack's index file (`.idx`, version 2): the sorted object ids of a pack and where each
//! object starts in it.
//!
//! The layout is git's (`Documentation/gitformat-pack.txt`): a magic number and version, a
//! 256-entry fan-out table, the sorted ids, a CRC-32 per object (not kept), a 4-byte offset per
//! object whose top bit points into a table of 8-byte offsets for packs over 2 GiB, then two
//! checksums. Every count and offset is checked against the file's length before it is used, so
//! a truncated or hostile index is refused with a message instead of read past its end.

use std::fmt;

use super::super::ids::RawId;

const MAGIC: [u8; 4] = [0xff, b't', b'O', b'c'];
const FANOUT_LEN: usize = 256 * 4;
const HEADER_LEN: usize = 8;

/// The ids and offsets of one pack's objects, in the index's (id) order.
#[derive(Debug)]
pub(crate) struct PackIndex {
    ids: Vec<RawId>,
    offsets: Vec<u64>,
}

/// The first eight bytes of an id, as a number that sorts as the id does.
fn head(id: &RawId) -> u64 {
    u64::from_be_bytes(id[..8].try_into().expect("eight bytes"))
}

/// Why an index could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IndexError(pub(crate) String);

impl fmt::Display for IndexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn be32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

impl PackIndex {
    /// Parses a version 2 index.
    pub(crate) fn parse(bytes: &[u8]) -> Result<PackIndex, IndexError> {
        let refuse = |why: &str| Err(IndexError(why.to_string()));
        if bytes.len() < HEADER_LEN + FANOUT_LEN || bytes[..4] != MAGIC {
            return refuse("not a version 2 pack index");
        }
        if be32(bytes, 4) != 2 {
            return refuse("an index version other than 2");
        }
        let fanout = &bytes[HEADER_LEN..HEADER_LEN + FANOUT_LEN];
        let mut previous = 0;
        for bucket in 0..256 {
            let count = be32(fanout, bucket * 4);
            if count < previous {
                return refuse("a fan-out table that is not sorted");
            }
            previous = count;
        }
        let count = previous as usize;
        let ids_at = HEADER_LEN + FANOUT_LEN;
        let offsets_at = ids_at + count * (20 + 4);
        let large_at = offsets_at + count * 4;
        if bytes.len() < large_at + 40 {
            return refuse("an index shorter than its object count says");
        }
        let large_count = (bytes.len() - 40 - large_at) / 8;
        let mut ids = Vec::with_capacity(count);
        let mut offsets = Vec::with_capacity(count);
        for object in 0..count {
            let at = ids_at + object * 20;
            let mut id = [0u8; 20];
            id.copy_from_slice(&bytes[at..at + 20]);
            if ids.last().is_some_and(|last: &RawId| *last >= id) {
                return refuse("object ids that are not sorted");
            }
            ids.push(id);
            let small = be32(bytes, offsets_at + object * 4);
            let offset = if small & 0x8000_0000 == 0 {
                u64::from(small)
            } else {
                let slot = (small & 0x7fff_ffff) as usize;
                if slot >= large_count {
                    return refuse("a large offset past the end of its table");
                }
                let at = large_at + slot * 8;
                u64::from_be_bytes(bytes[at..at + 8].try_into().expect("eight bytes"))
            };
            offsets.push(offset);
        }
        Ok(PackIndex { ids, offsets })
    }

    /// The number of objects.
    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    /// The id of the object at `position` (index order).
    pub(crate) fn id(&self, position: usize) -> &RawId {
        &self.ids[position]
    }

    /// Where the object at `position` (index order) starts in the pack.
    pub(crate) fn offset(&self, position: usize) -> u64 {
        self.offsets[position]
    }

    /// The index position of `id`, if the pack holds it.
    ///
    /// Ids are hashes, spread evenly: the position of an id among sorted ids is close to where
    /// its value falls between the first and the last, so a search that guesses by value
    /// (interpolation) needs two or three looks where halving needs twenty, and each look is a
    /// cache miss. A few guesses narrow the range; halving finishes, so a hostile index that is
    /// not spread evenly costs no more than a binary search.
    pub(crate) fn position(&self, id: &RawId) -> Option<usize> {
        let key = head(id);
        let (mut low, mut high) = (0, self.ids.len());
        for _ in 0..4 {
            if high - low < 16 {
                break;
            }
            let (first, last) = (head(&self.ids[low]), head(&self.ids[high - 1]));
            if key < first || key > last {
                return None;
            }
            let span = (last - first).max(1) as u128;
            let guess = low + ((key - first) as u128 * (high - 1 - low) as u128 / span) as usize;
            match self.ids[guess].cmp(id) {
                std::cmp::Ordering::Equal => return Some(guess),
                std::cmp::Ordering::Less => low = guess + 1,
                std::cmp::Ordering::Greater => high = guess,
            }
        }
        self.ids[low..high]
            .binary_search(id)
            .ok()
            .map(|at| low + at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index of `objects` (id, offset), with offsets past 31 bits in the large table.
    pub(crate) fn build(objects: &[(RawId, u64)]) -> Vec<u8> {
        let mut sorted = objects.to_vec();
        sorted.sort();
        let mut out = MAGIC.to_vec();
        out.extend(2u32.to_be_bytes());
        for bucket in 0..256u32 {
            let count = sorted
                .iter()
                .filter(|(id, _)| u32::from(id[0]) <= bucket)
                .count();
            out.extend((count as u32).to_be_bytes());
        }
        for (id, _) in &sorted {
            out.extend(id);
        }
        out.extend(std::iter::repeat_n(0u8, sorted.len() * 4));
        let mut large = Vec::new();
        for (_, offset) in &sorted {
            if *offset < 0x8000_0000 {
                out.extend((*offset as u32).to_be_bytes());
            } else {
                out.extend((0x8000_0000 | large.len() as u32).to_be_bytes());
                large.push(*offset);
            }
        }
        for offset in large {
            out.extend(offset.to_be_bytes());
        }
        out.extend([0u8; 40]);
        out
    }

    #[test]
    fn ids_and_offsets_are_read_including_large_offsets() {
        let objects = [
            ([3u8; 20], 12),
            ([1u8; 20], 5_000_000_000),
            ([200u8; 20], 99),
        ];
        let index = PackIndex::parse(&build(&objects)).unwrap();
        assert_eq!(index.len(), 3);
        assert_eq!(index.id(0), &[1u8; 20]);
        assert_eq!(index.offset(0), 5_000_000_000);
        assert_eq!(index.position(&[200u8; 20]), Some(2));
        assert_eq!(index.offset(2), 99);
        assert_eq!(index.position(&[2u8; 20]), None);
    }

    #[test]
    fn every_id_is_found_by_guessing_and_absent_ones_are_not() {
        // Evenly spread ids, and a skewed set (all but one near the bottom).
        let mut state = 0x1234_5678_9abc_def0_u64;
        let mut even: Vec<(RawId, u64)> = Vec::new();
        for offset in 0..3000u64 {
            let mut id = [0u8; 20];
            for byte in &mut id {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *byte = state as u8;
            }
            even.push((id, offset + 12));
        }
        let mut skewed: Vec<(RawId, u64)> = (0..500u64)
            .map(|n| {
                let mut id = [0u8; 20];
                id[18..].copy_from_slice(&(n as u16).to_be_bytes());
                (id, n + 12)
            })
            .collect();
        skewed.push(([0xff; 20], 9999));
        for objects in [even, skewed] {
            let index = PackIndex::parse(&build(&objects)).unwrap();
            for (id, offset) in &objects {
                let position = index.position(id).expect("present");
                assert_eq!(index.offset(position), *offset);
            }
            let mut absent = objects[7].0;
            absent[19] ^= 0x80;
            if !objects.iter().any(|(id, _)| *id == absent) {
                assert_eq!(index.position(&absent), None);
            }
            assert_eq!(index.position(&[0x7f; 20]), None);
        }
    }

    #[test]
    fn truncated_and_foreign_indexes_are_refused() {
        let good = build(&[([3u8; 20], 12), ([4u8; 20], 40)]);
        for cut in [0, 7, 100, good.len() - 41] {
            assert!(PackIndex::parse(&good[..cut]).is_err(), "cut at {cut}");
        }
        let mut version = good.clone();
        version[7] = 3;
        assert!(PackIndex::parse(&version).is_err());
        // A large-offset slot past the table.
        let mut hostile = build(&[([3u8; 20], 12)]);
        let at = HEADER_LEN + FANOUT_LEN + 20 + 4;
        hostile[at..at + 4].copy_from_slice(&0x8000_0005u32.to_be_bytes());
        assert!(PackIndex::parse(&hostile).is_err());
    }
}
