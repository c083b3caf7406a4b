//! A pack's index file (`.idx`, version 2): the sorted object ids of a pack and where each
//! object starts in it.
//!
//! The layout is git's (`Documentation/gitformat-pack.txt`): a magic number and version, a
//! 256-entry fan-out table, the sorted ids, a CRC-32 per object (not kept), a 4-byte offset per
//! object whose top bit points into a table of 8-byte offsets for packs over 2 GiB, then two
//! checksums. Every count and offset is checked against the file's length before it is used, so
//! a truncated or hostile index is refused with a message instead of read past its end.

use std::fmt;

/// An id as the index stores it.
pub(crate) type RawId = [u8; 20];

const MAGIC: [u8; 4] = [0xff, b't', b'O', b'c'];
const FANOUT_LEN: usize = 256 * 4;
const HEADER_LEN: usize = 8;

/// The ids and offsets of one pack's objects, in the index's (id) order.
#[derive(Debug)]
pub(crate) struct PackIndex {
    ids: Vec<RawId>,
    offsets: Vec<u64>,
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
    pub(crate) fn position(&self, id: &RawId) -> Option<usize> {
        self.ids.binary_search(id).ok()
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
