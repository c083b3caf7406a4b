//! Sharding: splitting one scan into N disjoint, deterministic parts, so that N machines (a CI
//! matrix, the pods of an indexed Job) scan one tree or one history together, and `sprawl
//! merge` joins their reports.
//!
//! A unit of work belongs to the shard picked by the SHA-256 of its key: a file's path as shown
//! in the report, or a blob's id. The hash depends on nothing but the key, so every shard of one
//! scan agrees on who owns what without talking to the others, and the parts are even in size
//! whatever the keys look like.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

/// One part of a split: shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    index: u32,
    count: u32,
}

impl Shard {
    /// Shard `index` (1-based) of `count`; `None` unless `1 <= index <= count`.
    pub fn new(index: u32, count: u32) -> Option<Shard> {
        (index >= 1 && index <= count).then_some(Shard { index, count })
    }

    /// The 1-based index.
    pub fn index(self) -> u32 {
        self.index
    }

    /// How many shards there are.
    pub fn count(self) -> u32 {
        self.count
    }

    /// Whether the unit named by `key` is this shard's to scan.
    pub fn owns(self, key: &[u8]) -> bool {
        shard_of(key, self.count) == self.index
    }
}

/// The 1-based shard of `count` that `key` belongs to.
pub fn shard_of(key: &[u8], count: u32) -> u32 {
    let digest = Sha256::digest(key);
    let mut head = [0u8; 8];
    head.copy_from_slice(&digest[..8]);
    (u64::from_le_bytes(head) % u64::from(count.max(1))) as u32 + 1
}

impl FromStr for Shard {
    type Err = String;

    /// Parses `K/N`, as `--shard` takes it.
    fn from_str(text: &str) -> Result<Shard, String> {
        let (index, count) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}` is not K/N (for example 2/4)"))?;
        let number = |part: &str, what: &str| {
            part.trim()
                .parse::<u32>()
                .map_err(|_| format!("`{text}`: the {what} `{part}` is not a whole number"))
        };
        let (index, count) = (number(index, "shard")?, number(count, "shard count")?);
        if count == 0 {
            return Err(format!("`{text}`: the shard count must be at least 1"));
        }
        Shard::new(index, count)
            .ok_or_else(|| format!("`{text}`: the shard must be between 1 and {count}"))
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_from_k_slash_n_and_refuse_the_rest() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        assert_eq!("1/1".parse::<Shard>().unwrap().to_string(), "1/1");
        for bad in ["0/4", "5/4", "1/0", "1", "a/4", "1/b", "-1/4", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn every_key_belongs_to_exactly_one_shard() {
        for count in [1, 2, 3, 7] {
            let mut sizes = vec![0usize; count as usize];
            for key in 0..700u32 {
                let key = format!("src/file{key}.rs");
                let owners: Vec<u32> = (1..=count)
                    .filter(|&index| Shard::new(index, count).unwrap().owns(key.as_bytes()))
                    .collect();
                assert_eq!(owners.len(), 1, "{key} in {count} shards: {owners:?}");
                sizes[owners[0] as usize - 1] += 1;
            }
            // Even enough: no shard gets less than half its fair share.
            let fair = 700 / count as usize;
            assert!(sizes.iter().all(|&size| size * 2 >= fair), "{sizes:?}");
        }
    }

    #[test]
    fn the_split_is_pinned_across_versions_and_platforms() {
        // Computed independently (Python's hashlib): a change here would mix up the shards of
        // two sprawl versions.
        let got: Vec<u32> = ["a", "b", "c", "d"]
            .iter()
            .map(|key| shard_of(key.as_bytes(), 3))
            .collect();
        assert_eq!(got, [2, 2, 3, 3]);
        assert_eq!(shard_of(b"README.md", 4), 4);
        assert_eq!(shard_of(b"src/main.rs", 4), 3);
    }
}
