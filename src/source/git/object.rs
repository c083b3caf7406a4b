//! The two object formats the history walk reads itself: trees (entries of mode, name and id)
//! and commits (headers, then the message). Parsing is byte-level and allocation-free; anything
//! malformed is an error for that object, never a panic.

use git2::Oid;

use super::ids::RawId;

/// One entry of a tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TreeEntry<'a> {
    /// The file mode (`0o100644`, `0o40000` for a folder, ...).
    pub(crate) mode: u32,
    /// The entry's name (any bytes but `/` and NUL).
    pub(crate) name: &'a [u8],
    /// The object's id.
    pub(crate) id: &'a RawId,
}

/// The entries of a tree object's content, in stored order; an `Err` ends a malformed tree.
pub(crate) fn tree_entries(data: &[u8]) -> impl Iterator<Item = Result<TreeEntry<'_>, ()>> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= data.len() {
            return None;
        }
        let parsed = parse_entry(&data[at..]).ok_or(());
        match parsed {
            Ok((entry, len)) => {
                at += len;
                Some(Ok(entry))
            }
            Err(()) => {
                at = data.len();
                Some(Err(()))
            }
        }
    })
}

/// `mode SP name NUL id`, and its length.
fn parse_entry(bytes: &[u8]) -> Option<(TreeEntry<'_>, usize)> {
    let space = memchr::memchr(b' ', bytes)?;
    let mut mode = 0u32;
    if space == 0 || space > 7 {
        return None;
    }
    for &digit in &bytes[..space] {
        if !(b'0'..=b'7').contains(&digit) {
            return None;
        }
        mode = mode * 8 + u32::from(digit - b'0');
    }
    let name_start = space + 1;
    let nul = name_start + memchr::memchr(0, &bytes[name_start..])?;
    let entry = TreeEntry {
        mode,
        name: &bytes[name_start..nul],
        id: bytes.get(nul + 1..nul + 21)?.try_into().ok()?,
    };
    Some((entry, nul + 21))
}

/// What the walk needs of a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CommitFields<'a> {
    /// Its tree.
    pub(crate) tree: Oid,
    /// Its parents, first parent first.
    pub(crate) parents: Vec<Oid>,
    /// The committer's time, in seconds since the epoch.
    pub(crate) time: i64,
    /// The message (everything after the headers).
    pub(crate) message: &'a [u8],
}

/// Parses a commit object's content; `None` when it has no valid tree line.
pub(crate) fn commit_fields(data: &[u8]) -> Option<CommitFields<'_>> {
    let headers_end = memchr::memmem::find(data, b"\n\n").unwrap_or(data.len());
    let message = data.get(headers_end + 2..).unwrap_or_default();
    let mut tree = None;
    let mut parents = Vec::new();
    let mut time = 0;
    for line in data[..headers_end].split(|&byte| byte == b'\n') {
        if let Some(hex) = line.strip_prefix(b"tree ") {
            tree = Some(hex_id(hex)?);
        } else if let Some(hex) = line.strip_prefix(b"parent ") {
            parents.push(hex_id(hex)?);
        } else if let Some(who) = line.strip_prefix(b"committer ") {
            time = signature_time(who).unwrap_or(0);
        }
    }
    Some(CommitFields {
        tree: tree?,
        parents,
        time,
        message,
    })
}

fn hex_id(hex: &[u8]) -> Option<Oid> {
    if hex.len() != 40 {
        return None;
    }
    Oid::from_str(std::str::from_utf8(hex).ok()?).ok()
}

/// The time of `name <email> time zone`.
fn signature_time(who: &[u8]) -> Option<i64> {
    let after_email = memchr::memrchr(b'>', who)? + 1;
    let mut fields = who[after_email..]
        .split(|&byte| byte == b' ')
        .filter(|field| !field.is_empty());
    std::str::from_utf8(fields.next()?).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(byte: u8) -> [u8; 20] {
        [byte; 20]
    }

    #[test]
    fn tree_entries_are_read_in_order_and_a_cut_tree_ends_in_an_error() {
        let mut tree = Vec::new();
        tree.extend_from_slice(b"100644 a.txt\0");
        tree.extend_from_slice(&id(1));
        tree.extend_from_slice(b"40000 dir\0");
        tree.extend_from_slice(&id(2));
        let entries: Vec<_> = tree_entries(&tree).collect();
        assert_eq!(entries.len(), 2);
        let first = entries[0].unwrap();
        assert_eq!((first.mode, first.name), (0o100644, &b"a.txt"[..]));
        assert_eq!(first.id, &id(1));
        assert_eq!(entries[1].unwrap().mode, 0o40000);
        for cut in [5, 13, tree.len() - 1] {
            let entries: Vec<_> = tree_entries(&tree[..cut]).collect();
            assert_eq!(entries.last(), Some(&Err(())), "cut at {cut}");
        }
        let bad_mode = b"10x644 a\0aaaaaaaaaaaaaaaaaaaa";
        assert_eq!(tree_entries(bad_mode).next(), Some(Err(())));
    }

    #[test]
    fn commit_fields_take_tree_parents_committer_time_and_message() {
        let text = "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\
                    parent 1111111111111111111111111111111111111111\n\
                    parent 2222222222222222222222222222222222222222\n\
                    author A <a@example.com> 100 +0100\n\
                    committer C <c@example.com> 200 -0500\n\
                    gpgsig -----BEGIN PGP SIGNATURE-----\n \n -----END PGP SIGNATURE-----\n\
                    \n\
                    Subject\n\nBody\n";
        let fields = commit_fields(text.as_bytes()).unwrap();
        assert_eq!(
            fields.tree.to_string(),
            "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
        );
        assert_eq!(fields.parents.len(), 2);
        assert_eq!(fields.time, 200);
        assert_eq!(fields.message, b"Subject\n\nBody\n");
        assert_eq!(commit_fields(b"parent 11\n\nmessage"), None);
    }
}
