//! Object ids as raw bytes, and hash maps keyed by them.
//!
//! A history walk looks ids up tens of millions of times. `git2::Oid` compares through a call
//! into libgit2 and the standard hasher runs SipHash over all twenty bytes; an id is already a
//! uniform hash, so eight of its bytes mixed with a per-process random seed make a good hash at
//! a fraction of the cost. The seed keeps a hostile repository from choosing ids that all land
//! in one bucket.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};

/// An object id (SHA-1) as stored in trees and pack indexes.
pub(crate) type RawId = [u8; 20];

/// A map keyed by object id.
pub(crate) type IdMap<V> = HashMap<RawId, V, IdHash>;

/// A set of object ids.
pub(crate) type IdSet = HashSet<RawId, IdHash>;

/// Builds [`IdHasher`]s with this process's seed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IdHash {
    seed: u64,
}

impl Default for IdHash {
    fn default() -> IdHash {
        IdHash {
            seed: std::collections::hash_map::RandomState::new().hash_one(0x5eed_u64),
        }
    }
}

impl BuildHasher for IdHash {
    type Hasher = IdHasher;

    fn build_hasher(&self) -> IdHasher {
        IdHasher { hash: self.seed }
    }
}

/// Hashes an id by its first eight bytes and the seed.
#[derive(Debug)]
pub(crate) struct IdHasher {
    hash: u64,
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut head = [0u8; 8];
        let len = bytes.len().min(8);
        head[..len].copy_from_slice(&bytes[..len]);
        self.hash = (self.hash ^ u64::from_le_bytes(head)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    /// The length an array hashes first is always twenty: nothing to mix in.
    fn write_usize(&mut self, _: usize) {}

    fn finish(&self) -> u64 {
        self.hash ^ (self.hash >> 29)
    }
}

/// An id from a `git2::Oid`.
pub(crate) fn raw(oid: git2::Oid) -> RawId {
    let mut id = [0u8; 20];
    id.copy_from_slice(&oid.as_bytes()[..20]);
    id
}

/// A `git2::Oid` from an id.
pub(crate) fn oid(id: &RawId) -> git2::Oid {
    git2::Oid::from_bytes(id).expect("twenty bytes make an id")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_keys_that_tell_apart_any_byte() {
        let mut map: IdMap<u32> = IdMap::default();
        let mut id = [7u8; 20];
        map.insert(id, 1);
        id[19] = 8;
        map.insert(id, 2);
        assert_eq!(map.len(), 2);
        assert_eq!(map[&[7u8; 20]], 1);
        assert_eq!(map[&id], 2);
        let original = git2::Oid::from_bytes(&[9u8; 20]).unwrap();
        assert_eq!(oid(&raw(original)), original);
    }
}
