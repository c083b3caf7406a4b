//! Reading the blobs of a pack file in delta order, each one once, with what changed from the
//! version it is stored against.
//!
//! A history scan must read every blob of a repository. Asked for one at a time (libgit2's
//! `find_blob`), a blob stored as a delta is rebuilt from its base, and that base from its own, so
//! reading a long history in commit order rebuilds the same chains again and again: on a history
//! of 67,000 commits that is most of the scan's time. Here a pack is read as git's own
//! `index-pack` reads it: every object's header once, in file order; then, from each blob stored
//! whole, depth first through the blobs stored as deltas of it, so each blob is inflated and
//! rebuilt exactly once, from a base that is still in memory. A blob rebuilt from a delta comes
//! with where it differs from its base ([`delta::Changes`]), which lets the scan look only there
//! when the base held no secret.
//!
//! Only what this reader is sure of is read: a version 2 index, version 2 or 3 packs, and
//! deltas whose base is in the same pack. Any object it cannot place (a base in another pack, a
//! delta cycle, a corrupt entry, a blob over the size limit, a chain too large to hold in
//! memory) is simply not visited; the caller reads whatever it still needs through libgit2, so a
//! pack this reader does not understand costs speed, never findings.

mod delta;
mod index;

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use std::collections::HashMap;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use flate2::{Decompress, FlushDecompress, Status};

use super::ids::RawId;
pub(crate) use delta::Changes;
use index::PackIndex;

/// Object kinds as a pack's entry headers number them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Commit,
    Tree,
    Blob,
    Tag,
    /// A delta against the object at an earlier offset.
    OffsetDelta,
    /// A delta against the object with a given id.
    RefDelta,
}

impl Kind {
    fn from_code(code: u8) -> Option<Kind> {
        Some(match code {
            1 => Kind::Commit,
            2 => Kind::Tree,
            3 => Kind::Blob,
            4 => Kind::Tag,
            6 => Kind::OffsetDelta,
            7 => Kind::RefDelta,
            _ => return None,
        })
    }
}

/// No entry: a base that is not in this pack, or a root.
const NONE: u32 = u32::MAX;

/// The longest chain of deltas followed; git writes chains of at most 50 by default (4095 is
/// its hard limit), so a longer one is corrupt or hostile.
const MAX_CHAIN: usize = 10_000;

/// One object of the pack, in file order.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// Where its header starts.
    offset: u64,
    /// The size of its inflated data (for a delta, of the delta itself).
    size: u64,
    /// Its position in the index (for its id).
    position: u32,
    /// For a delta whose base is in this pack: the base's entry.
    base: u32,
    /// The length of its header: its compressed data starts that far after `offset`.
    header_len: u8,
    kind: Kind,
}

impl Entry {
    /// Where its compressed data starts.
    fn data(&self) -> u64 {
        self.offset + u64::from(self.header_len)
    }
}

/// One pack: its file, and each entry's header, in file order.
pub(crate) struct Pack {
    path: PathBuf,
    file: File,
    index: PackIndex,
    entries: Vec<Entry>,
    /// For each index position, its entry.
    entry_at: Vec<u32>,
    /// Where the entries' data ends (the pack's trailer).
    end: u64,
}

/// A blob rebuilt from its pack, with what the visitor said of the blob it is stored against.
pub(crate) struct PackBlob<'a, V> {
    /// Its id.
    pub(crate) id: &'a RawId,
    /// Its content.
    pub(crate) bytes: &'a [u8],
    /// For a blob stored as a delta: what the visitor returned for its base, and where the blob
    /// differs from it.
    pub(crate) base: Option<DeltaBase<'a, V>>,
}

/// The blob a delta was applied to, as the visitor judged it.
pub(crate) struct DeltaBase<'a, V> {
    /// What the visitor returned for the base.
    pub(crate) verdict: &'a V,
    /// Where the blob differs from the base.
    pub(crate) changes: &'a Changes,
}

/// Limits on what a traversal holds in memory.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PackLimits {
    /// Blobs larger than this are not rebuilt (nor anything stored against them).
    pub(crate) max_blob: u64,
    /// The most bytes one thread holds in the chain of bases it is inside.
    pub(crate) max_chain_bytes: u64,
}

impl Pack {
    /// Opens the pack whose index is `idx_path` and reads every entry's header.
    pub(crate) fn open(idx_path: &Path) -> Result<Pack, String> {
        let pack_path = idx_path.with_extension("pack");
        let name = pack_path.display().to_string();
        let index_bytes =
            std::fs::read(idx_path).map_err(|err| format!("{}: {err}", idx_path.display()))?;
        let index = PackIndex::parse(&index_bytes)
            .map_err(|err| format!("{}: {err}", idx_path.display()))?;
        drop(index_bytes);
        let file = File::open(&pack_path).map_err(|err| format!("{name}: {err}"))?;
        let len = file
            .metadata()
            .map_err(|err| format!("{name}: {err}"))?
            .len();
        let mut header = [0u8; 12];
        read_exact_at(&file, &mut header, 0).map_err(|err| format!("{name}: {err}"))?;
        let version = u32::from_be_bytes([header[4], header[5], header[6], header[7]]);
        let count = u32::from_be_bytes([header[8], header[9], header[10], header[11]]);
        if &header[..4] != b"PACK" || !(version == 2 || version == 3) {
            return Err(format!("{name}: not a version 2 or 3 pack"));
        }
        if count as usize != index.len() || len < 12 + 20 {
            return Err(format!("{name}: its index does not describe it"));
        }
        let mut pack = Pack {
            path: pack_path,
            file,
            index,
            entries: Vec::new(),
            entry_at: Vec::new(),
            end: len - 20,
        };
        pack.read_headers()?;
        Ok(pack)
    }

    /// Every pack of the repository whose objects folder is `objects` (`.git/objects`).
    pub(crate) fn open_all(objects: &Path) -> (Vec<Pack>, Vec<String>) {
        let mut packs = Vec::new();
        let mut problems = Vec::new();
        let Ok(dir) = std::fs::read_dir(objects.join("pack")) else {
            return (packs, problems);
        };
        let mut indexes: Vec<PathBuf> = dir
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "idx"))
            .collect();
        indexes.sort();
        for idx in indexes {
            match Pack::open(&idx) {
                Ok(pack) => packs.push(pack),
                Err(problem) => problems.push(problem),
            }
        }
        (packs, problems)
    }

    /// Reads every entry's header, in file order, in large sequential reads.
    fn read_headers(&mut self) -> Result<(), String> {
        let count = self.index.len();
        let mut order: Vec<u32> = (0..count as u32).collect();
        order.sort_unstable_by_key(|&position| self.index.offset(position as usize));
        let mut entries = Vec::with_capacity(count);
        let mut base_offsets: Vec<(u32, u64)> = Vec::new();
        let mut window = Window::new(&self.file);
        for (at, &position) in order.iter().enumerate() {
            let offset = self.index.offset(position as usize);
            let next = order
                .get(at + 1)
                .map_or(self.end, |&next| self.index.offset(next as usize));
            if offset < 12 || next <= offset || next > self.end {
                return Err(format!(
                    "{}: its index places objects outside it",
                    self.path.display()
                ));
            }
            let head = window
                .get(offset, (next - offset).min(32) as usize)
                .map_err(|err| format!("{}: {err}", self.path.display()))?;
            let (entry, base_offset) = parse_header(head, offset, position, &self.index)
                .ok_or_else(|| {
                    format!(
                        "{}: a corrupt object header at offset {offset}",
                        self.path.display()
                    )
                })?;
            if let Some(base) = base_offset {
                base_offsets.push((at as u32, base));
            }
            entries.push(entry);
        }
        // Each delta's base, by offset: an offset delta's lies before it in the file, a ref
        // delta's anywhere (a chain that loops is cut where it is followed).
        for (at, base) in base_offsets {
            entries[at as usize].base = entries
                .binary_search_by_key(&base, |entry| entry.offset)
                .map_or(NONE, |base| base as u32);
        }
        let mut entry_at = vec![0u32; count];
        for (at, entry) in entries.iter().enumerate() {
            entry_at[entry.position as usize] = at as u32;
        }
        self.entries = entries;
        self.entry_at = entry_at;
        Ok(())
    }

    /// Visits every blob of the pack once, rebuilt, on the current thread pool: each blob
    /// stored whole, then depth first each blob stored as a delta of a visited one, with its
    /// base's verdict and where it differs from it. `init` makes each thread's state. Returns
    /// what could not be read (those blobs are not visited).
    pub(crate) fn traverse<S, V>(
        &self,
        limits: PackLimits,
        init: impl Fn() -> S + Sync,
        visit: impl Fn(&mut S, PackBlob<'_, V>) -> V + Sync,
    ) -> Vec<String> {
        let count = self.entries.len();
        // Children of each entry, as one array sliced by `starts`.
        let mut starts = vec![0u32; count + 1];
        for entry in &self.entries {
            if entry.base != NONE {
                starts[entry.base as usize + 1] += 1;
            }
        }
        for at in 0..count {
            starts[at + 1] += starts[at];
        }
        let mut children = vec![0u32; starts[count] as usize];
        let mut fill = starts.clone();
        for (at, entry) in self.entries.iter().enumerate() {
            if entry.base != NONE {
                let slot = &mut fill[entry.base as usize];
                children[*slot as usize] = at as u32;
                *slot += 1;
            }
        }
        drop(fill);
        let tree = Tree {
            starts: &starts,
            children: &children,
        };
        let mut roots: Vec<(u32, u32)> = (0..count)
            .filter(|&at| self.entries[at].kind == Kind::Blob)
            .map(|at| (at as u32, tree.descendants(at)))
            .collect();
        // The largest families first, so threads finish together.
        roots.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        // Each thread of the current pool takes the next family until none is left: the
        // largest go first, and a thread that starts late (see `init`) still finds work.
        let next = AtomicUsize::new(0);
        let problems = Mutex::new(Vec::new());
        rayon::broadcast(|_| {
            let mut state = init();
            let mut worker = Worker::default();
            let mut found = Vec::new();
            while let Some(&(root, _)) = roots.get(next.fetch_add(1, Ordering::Relaxed)) {
                self.visit_family(
                    root as usize,
                    &tree,
                    limits,
                    &mut state,
                    &mut worker,
                    &visit,
                    &mut found,
                );
            }
            problems
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .append(&mut found);
        });
        problems.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    /// Visits the blob at entry `root` and everything stored as a delta of it, depth first.
    #[allow(clippy::too_many_arguments)]
    fn visit_family<S, V>(
        &self,
        root: usize,
        tree: &Tree<'_>,
        limits: PackLimits,
        state: &mut S,
        worker: &mut Worker,
        visit: &(impl Fn(&mut S, PackBlob<'_, V>) -> V + Sync),
        problems: &mut Vec<String>,
    ) {
        let entry = self.entries[root];
        if entry.size > limits.max_blob {
            return;
        }
        let mut bytes = Vec::new();
        if let Err(err) = self.inflate(root, &mut worker.inflater, &mut worker.packed, &mut bytes) {
            problems.push(self.problem(&entry, &err));
            return;
        }
        let verdict = visit(
            state,
            PackBlob {
                id: self.index.id(entry.position as usize),
                bytes: &bytes,
                base: None,
            },
        );
        // The chain of bases the walk is inside: each with its content, verdict, and the next
        // child to visit.
        let mut held = bytes.len() as u64;
        let mut stack = vec![Frame {
            at: root,
            bytes,
            verdict,
            next_child: 0,
        }];
        let mut delta = Vec::new();
        let mut changes = Changes::default();
        while let Some(frame) = stack.last_mut() {
            let kids = tree.children_of(frame.at);
            let Some(&child) = kids.get(frame.next_child) else {
                let done = stack.pop().expect("a frame");
                held -= done.bytes.len() as u64;
                continue;
            };
            frame.next_child += 1;
            let child = child as usize;
            let entry = self.entries[child];
            if let Err(err) =
                self.inflate(child, &mut worker.inflater, &mut worker.packed, &mut delta)
            {
                problems.push(self.problem(&entry, &err));
                continue;
            }
            let target = delta::target_size(&delta).unwrap_or(usize::MAX) as u64;
            if target > limits.max_blob || held + target > limits.max_chain_bytes {
                // Left for the caller to read one by one.
                continue;
            }
            let mut bytes = Vec::new();
            let base = stack.last().expect("the base frame");
            if delta::apply(&base.bytes, &delta, &mut bytes, Some(&mut changes)).is_none() {
                problems.push(self.problem(&entry, "a corrupt delta"));
                continue;
            }
            let verdict = visit(
                state,
                PackBlob {
                    id: self.index.id(entry.position as usize),
                    bytes: &bytes,
                    base: Some(DeltaBase {
                        verdict: &base.verdict,
                        changes: &changes,
                    }),
                },
            );
            if tree.children_of(child).is_empty() {
                continue;
            }
            held += bytes.len() as u64;
            stack.push(Frame {
                at: child,
                bytes,
                verdict,
                next_child: 0,
            });
        }
    }

    /// The entry of object `id`, if this pack holds it.
    fn entry_of(&self, id: &RawId) -> Option<usize> {
        self.index
            .position(id)
            .map(|position| self.entry_at[position] as usize)
    }

    /// Reads the object at entry `at`: its kind and content, rebuilt through its chain of
    /// bases, each link taken from `cache` when it holds it (and put there when read).
    fn read_entry(
        &self,
        pack: usize,
        at: usize,
        cache: &mut BaseCache,
        worker: &mut Worker,
    ) -> Result<(Kind, Arc<[u8]>), String> {
        // Up the chain to an object in the cache or stored whole.
        let mut chain = Vec::new();
        let mut link = at;
        let (kind, mut data) = loop {
            if let Some(found) = cache.get(pack, link) {
                break found;
            }
            let entry = &self.entries[link];
            match entry.kind {
                Kind::OffsetDelta | Kind::RefDelta => {
                    if entry.base == NONE {
                        return Err("its delta base is not in this pack".into());
                    }
                    if chain.len() >= MAX_CHAIN {
                        return Err("a chain of deltas that loops or never ends".into());
                    }
                    chain.push(link);
                    link = entry.base as usize;
                }
                kind => {
                    let mut out = Vec::new();
                    self.inflate(link, &mut worker.inflater, &mut worker.packed, &mut out)?;
                    let data: Arc<[u8]> = out.into();
                    cache.put(pack, link, kind, &data);
                    break (kind, data);
                }
            }
        };
        // Down again, applying each delta.
        let mut delta = Vec::new();
        for &link in chain.iter().rev() {
            self.inflate(link, &mut worker.inflater, &mut worker.packed, &mut delta)?;
            let mut out = Vec::new();
            delta::apply(&data, &delta, &mut out, None).ok_or("a corrupt delta")?;
            data = out.into();
            cache.put(pack, link, kind, &data);
        }
        Ok((kind, data))
    }

    /// Inflates entry's data into `out`, which must come to exactly its declared size.
    fn inflate(
        &self,
        at: usize,
        inflater: &mut Decompress,
        packed: &mut Vec<u8>,
        out: &mut Vec<u8>,
    ) -> Result<(), String> {
        let entry = &self.entries[at];
        let end = self
            .entries
            .get(at + 1)
            .map_or(self.end, |next| next.offset);
        let len = usize::try_from(end - entry.data()).map_err(|err| err.to_string())?;
        packed.clear();
        packed.resize(len, 0);
        read_exact_at(&self.file, packed, entry.data()).map_err(|err| err.to_string())?;
        let size = usize::try_from(entry.size).map_err(|err| err.to_string())?;
        out.clear();
        out.try_reserve_exact(size).map_err(|err| err.to_string())?;
        inflater.reset(true);
        loop {
            let before = inflater.total_in() as usize;
            let status = inflater
                .decompress_vec(&packed[before..], out, FlushDecompress::Finish)
                .map_err(|err| format!("corrupt compressed data: {err}"))?;
            match status {
                Status::StreamEnd => break,
                _ if out.len() == out.capacity() => {
                    return Err("more data than its header says".to_string())
                }
                _ if inflater.total_in() as usize == before => {
                    return Err("compressed data cut short".to_string())
                }
                _ => {}
            }
        }
        if out.len() != size {
            return Err("less data than its header says".to_string());
        }
        Ok(())
    }

    fn problem(&self, entry: &Entry, what: &str) -> String {
        format!(
            "{}: object {} at offset {}: {what}",
            self.path.display(),
            git2::Oid::from_bytes(self.index.id(entry.position as usize))
                .map(|id| id.to_string())
                .unwrap_or_default(),
            entry.offset
        )
    }

    /// How many blobs the pack holds: those stored whole and the deltas whose chain of bases
    /// ends at one (for progress).
    pub(crate) fn blob_count(&self) -> usize {
        // 0: not known yet, 1: a blob, 2: not a blob (or a chain that leaves the pack or loops).
        let mut kind = vec![0u8; self.entries.len()];
        let mut chain = Vec::new();
        for start in 0..self.entries.len() {
            let mut at = start;
            chain.clear();
            let found = loop {
                if kind[at] != 0 {
                    break kind[at];
                }
                let entry = &self.entries[at];
                match entry.kind {
                    Kind::Blob => break 1,
                    Kind::OffsetDelta | Kind::RefDelta if entry.base != NONE => {
                        if chain.len() > 10_000 {
                            break 2;
                        }
                        chain.push(at);
                        at = entry.base as usize;
                    }
                    _ => break 2,
                }
            };
            kind[at] = found;
            for &link in &chain {
                kind[link] = found;
            }
        }
        kind.iter().filter(|&&kind| kind == 1).count()
    }
}

/// Parses the header of the entry at `offset` from its first bytes: the entry, and for a delta
/// the offset of its base when that is in this pack (a ref delta's base is looked up in
/// `index`).
fn parse_header(
    head: &[u8],
    offset: u64,
    position: u32,
    index: &PackIndex,
) -> Option<(Entry, Option<u64>)> {
    let mut at = 0;
    let mut byte = *head.get(at)?;
    at += 1;
    let kind = Kind::from_code((byte >> 4) & 7)?;
    let mut size = u64::from(byte & 0x0f);
    let mut shift = 4;
    while byte & 0x80 != 0 {
        byte = *head.get(at)?;
        at += 1;
        if shift > 60 {
            return None;
        }
        size |= u64::from(byte & 0x7f) << shift;
        shift += 7;
    }
    let base_offset = match kind {
        Kind::OffsetDelta => {
            let mut byte = *head.get(at)?;
            at += 1;
            let mut distance = u64::from(byte & 0x7f);
            while byte & 0x80 != 0 {
                byte = *head.get(at)?;
                at += 1;
                distance = distance.checked_add(1)?.checked_mul(128)? | u64::from(byte & 0x7f);
            }
            // A base must start before its delta, after the pack's header.
            Some(offset.checked_sub(distance).filter(|&base| base >= 12)?)
        }
        Kind::RefDelta => {
            let id: &RawId = head.get(at..at + 20)?.try_into().ok()?;
            at += 20;
            index.position(id).map(|position| index.offset(position))
        }
        _ => None,
    };
    let entry = Entry {
        offset,
        size,
        position,
        base: NONE,
        header_len: u8::try_from(at).ok()?,
        kind,
    };
    Some((entry, base_offset))
}

/// The children lists of a pack's entries.
struct Tree<'a> {
    starts: &'a [u32],
    children: &'a [u32],
}

impl Tree<'_> {
    fn children_of(&self, at: usize) -> &[u32] {
        &self.children[self.starts[at] as usize..self.starts[at + 1] as usize]
    }

    /// How many entries are stored, directly or not, against entry `at`.
    fn descendants(&self, at: usize) -> u32 {
        let mut count = 0u32;
        let mut pending = vec![at as u32];
        while let Some(next) = pending.pop() {
            let kids = self.children_of(next as usize);
            count = count.saturating_add(kids.len() as u32);
            pending.extend_from_slice(kids);
        }
        count
    }
}

/// One level of the depth-first walk through a family of deltas.
struct Frame<V> {
    at: usize,
    bytes: Vec<u8>,
    verdict: V,
    next_child: usize,
}

/// A thread's reusable buffers.
pub(crate) struct Worker {
    inflater: Decompress,
    packed: Vec<u8>,
}

impl Default for Worker {
    fn default() -> Worker {
        Worker {
            inflater: Decompress::new(true),
            packed: Vec::new(),
        }
    }
}

/// A sliding window over a file read front to back in large reads, for the header pass.
struct Window<'f> {
    file: &'f File,
    start: u64,
    bytes: Vec<u8>,
}

impl<'f> Window<'f> {
    const SIZE: usize = 4 << 20;

    fn new(file: &'f File) -> Window<'f> {
        Window {
            file,
            start: 0,
            bytes: Vec::new(),
        }
    }

    /// The `len` bytes at `offset` (fewer at the end of the file).
    fn get(&mut self, offset: u64, len: usize) -> io::Result<&[u8]> {
        let end = self.start + self.bytes.len() as u64;
        if offset < self.start || offset + len as u64 > end {
            self.start = offset;
            self.bytes.resize(Self::SIZE, 0);
            let read = read_at_most(self.file, &mut self.bytes, offset)?;
            self.bytes.truncate(read);
        }
        let from = (offset - self.start) as usize;
        let to = (from + len).min(self.bytes.len());
        Ok(&self.bytes[from..to])
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

/// Fills as much of `buf` as the file has from `offset`.
fn read_at_most(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match read_at(file, &mut buf[filled..], offset + filled as u64) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(filled)
}

fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    if read_at_most(file, buf, offset)? < buf.len() {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the file ends early",
        ));
    }
    Ok(())
}

/// Objects read recently, rebuilt, by (pack, entry): reading a chain of deltas again starts from
/// the nearest link still here. Holds at most [`BaseCache::BYTES`] bytes, forgetting the oldest
/// first.
#[derive(Default)]
pub(crate) struct BaseCache {
    /// By (pack, entry).
    objects: HashMap<(usize, usize), CachedObject>,
    order: VecDeque<(usize, usize)>,
    bytes: usize,
}

/// An object's kind and content.
type CachedObject = (Kind, Arc<[u8]>);

impl BaseCache {
    const BYTES: usize = 32 << 20;

    fn get(&self, pack: usize, at: usize) -> Option<CachedObject> {
        self.objects.get(&(pack, at)).cloned()
    }

    fn put(&mut self, pack: usize, at: usize, kind: Kind, data: &Arc<[u8]>) {
        if data.len() > Self::BYTES / 4 || self.objects.contains_key(&(pack, at)) {
            return;
        }
        while self.bytes + data.len() > Self::BYTES {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            if let Some((_, gone)) = self.objects.remove(&old) {
                self.bytes -= gone.len();
            }
        }
        self.bytes += data.len();
        self.objects.insert((pack, at), (kind, Arc::clone(data)));
        self.order.push_back((pack, at));
    }
}

/// What an object read by id is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ObjectKind {
    /// A commit.
    Commit,
    /// A tree.
    Tree,
    /// A blob.
    Blob,
    /// An annotated tag.
    Tag,
}

/// Reads objects by id from a repository's packs (rebuilding deltas through a cache of recent
/// bases), and through libgit2 what the packs do not hold (loose objects, alternates). One per
/// thread.
pub(crate) struct Objects<'a> {
    packs: &'a [Pack],
    repo: &'a git2::Repository,
    cache: BaseCache,
    worker: Worker,
}

impl<'a> Objects<'a> {
    /// A reader of `packs`, falling back to `repo`.
    pub(crate) fn new(packs: &'a [Pack], repo: &'a git2::Repository) -> Objects<'a> {
        Objects {
            packs,
            repo,
            cache: BaseCache::default(),
            worker: Worker::default(),
        }
    }

    /// The object `id`: its kind and content.
    pub(crate) fn read(&mut self, id: &RawId) -> Result<(ObjectKind, Arc<[u8]>), git2::Error> {
        for (number, pack) in self.packs.iter().enumerate() {
            let Some(at) = pack.entry_of(id) else {
                continue;
            };
            match pack.read_entry(number, at, &mut self.cache, &mut self.worker) {
                Ok((kind, data)) => {
                    let kind = match kind {
                        Kind::Commit => ObjectKind::Commit,
                        Kind::Tree => ObjectKind::Tree,
                        Kind::Blob => ObjectKind::Blob,
                        Kind::Tag => ObjectKind::Tag,
                        Kind::OffsetDelta | Kind::RefDelta => {
                            unreachable!("a chain ends at an object")
                        }
                    };
                    return Ok((kind, data));
                }
                // Another copy of it (in another pack, or loose) may still be readable.
                Err(_) => continue,
            }
        }
        let odb = self.repo.odb()?;
        let object = odb.read(git2::Oid::from_bytes(id)?)?;
        let kind = match object.kind() {
            git2::ObjectType::Commit => ObjectKind::Commit,
            git2::ObjectType::Tree => ObjectKind::Tree,
            git2::ObjectType::Blob => ObjectKind::Blob,
            git2::ObjectType::Tag => ObjectKind::Tag,
            _ => return Err(git2::Error::from_str("an object of unknown kind")),
        };
        Ok((kind, object.data().into()))
    }
}
