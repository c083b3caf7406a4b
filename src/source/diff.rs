//! Unified diffs (`git diff`, `git show`, `git log -p`, a patch, `diff -u`) as a source: only the
//! lines a diff adds are scanned, each at the new file's path and line, so a patch or a code
//! review bot's input gates like a staged scan does, and removed or context lines raise nothing.
//!
//! A diff is read as a stream, one hunk at a time: each hunk is handed to the sink as a
//! [`Hunk`], a reader of the hunk's new side (context and added lines, without their `+` or ` `
//! marks, so that a rule sees the text around an added line and an inline allow on the line
//! before it), which records which of its lines were added. The sink scans it and keeps what
//! starts on an added line. Nothing holds a whole diff, a whole hunk or a whole line in memory,
//! so a diff that adds a 2 GB file costs what scanning that file costs.
//!
//! Paths come from the `+++` line, without git's `b/` prefix (or the mnemonic `w/`, `i/`...);
//! a file the diff deletes (`+++ /dev/null`) adds nothing. A binary change (`Binary files ...
//! differ`, `GIT binary patch`) cannot be scanned from the diff and is counted as skipped.
//! Combined diffs of merges (`@@@`) are read too: a line is added when one of its marks is `+`
//! and none is `-`.

use std::io::{self, BufRead, Read};
use std::ops::Range;

use super::{Sink, SkipReason};

/// Whether standard input is read as a unified diff (only its added lines scanned).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DiffMode {
    /// When it starts like one ([`looks_like_diff`]).
    Auto,
    /// Always (`--diff`).
    Always,
    /// Never (`--no-diff`).
    Never,
}

/// The longest header line kept (paths, hunk headers); a longer one is cut to this.
const MAX_HEADER: u64 = 64 << 10;

/// Whether `head`, the first bytes of an input, starts like a unified diff: its first line
/// opens a git diff, a patch mail, a `git log -p` entry, an SVN diff, or a `---` / `+++` pair.
pub(crate) fn looks_like_diff(head: &[u8]) -> bool {
    let mut lines = head.split(|&b| b == b'\n');
    let first = lines.next().unwrap_or_default();
    let hex_then_space = |rest: &[u8]| {
        rest.len() > 41 && rest[..40].iter().all(u8::is_ascii_hexdigit) && rest[40] == b' '
    };
    first.starts_with(b"diff --git ")
        || first.starts_with(b"diff -")
        || first.starts_with(b"Index: ")
        || first.strip_prefix(b"From ").is_some_and(hex_then_space)
        || first
            .strip_prefix(b"commit ")
            .is_some_and(|rest| rest.len() >= 40 && rest[..40].iter().all(u8::is_ascii_hexdigit))
        || (first.starts_with(b"--- ") && lines.next().is_some_and(|l| l.starts_with(b"+++ ")))
}

/// Reads the diff on `input` and hands each hunk of an added or changed file to `sink`.
/// Returns how many hunks were handed over.
pub(crate) fn read_diff(input: &mut dyn BufRead, sink: &mut dyn Sink) -> io::Result<u64> {
    let mut file = FileHeader::default();
    let mut hunks = 0;
    let mut line = Vec::new();
    while read_header_line(input, &mut line)? {
        let text = trim_eol(&line);
        if text.starts_with(b"diff ") {
            file = FileHeader {
                git: text.starts_with(b"diff --git "),
                ..FileHeader::default()
            };
        } else if let Some(old) = text.strip_prefix(b"--- ") {
            file.old = Some(header_path(old));
        } else if let Some(new) = text.strip_prefix(b"+++ ") {
            file.new = Some(header_path(new));
            file.hunks = 0;
        } else if let Some(binary) = binary_path(text) {
            sink.skipped(&file.shown(Some(binary)), SkipReason::Binary);
        } else if let Some(header) = HunkHeader::parse(text) {
            let mut hunk = Hunk::new(input, header);
            match file.shown(None) {
                path if file.new.as_deref() == Some(b"/dev/null".as_slice()) || path.is_empty() => {
                    io::copy(&mut hunk, &mut io::sink())?;
                }
                path => {
                    hunk.path = path;
                    hunk.first_of_file = file.hunks == 0;
                    file.hunks += 1;
                    hunks += 1;
                    sink.hunk(&mut hunk);
                    // What the sink left unread is not a header.
                    io::copy(&mut hunk, &mut io::sink())?;
                }
            }
        }
    }
    Ok(hunks)
}

/// Reads one header line into `line` (at most [`MAX_HEADER`] bytes of it kept); false at the
/// end of the input.
fn read_header_line(input: &mut dyn BufRead, line: &mut Vec<u8>) -> io::Result<bool> {
    line.clear();
    let read = (&mut *input).take(MAX_HEADER).read_until(b'\n', line)?;
    if read == 0 {
        return Ok(false);
    }
    if !line.ends_with(b"\n") && read as u64 == MAX_HEADER {
        // The rest of an overlong line is dropped.
        let mut rest = Vec::new();
        loop {
            rest.clear();
            let more = (&mut *input)
                .take(MAX_HEADER)
                .read_until(b'\n', &mut rest)?;
            if more == 0 || rest.ends_with(b"\n") {
                break;
            }
        }
    }
    Ok(true)
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// What the headers of the current file said.
#[derive(Debug, Default)]
struct FileHeader {
    /// Opened by `diff --git`: paths carry git's one-letter prefixes.
    git: bool,
    old: Option<Vec<u8>>,
    new: Option<Vec<u8>>,
    hunks: u64,
}

impl FileHeader {
    /// The new file's path as shown (`binary` for a binary change, whose paths are on its own
    /// line), without git's prefix.
    fn shown(&self, binary: Option<&[u8]>) -> String {
        let Some(path) = binary.or(self.new.as_deref()) else {
            return String::new();
        };
        let prefixed =
            |path: &[u8]| path.len() > 2 && path[1] == b'/' && path[0].is_ascii_lowercase();
        let old_prefixed = self
            .old
            .as_deref()
            .is_some_and(|old| old == b"/dev/null" || prefixed(old));
        let path = if prefixed(path) && (self.git || old_prefixed) {
            &path[2..]
        } else {
            path
        };
        String::from_utf8_lossy(path).into_owned()
    }
}

/// The path of a `---` or `+++` line: unquoted, without the timestamp `diff -u` adds after a
/// tab.
fn header_path(text: &[u8]) -> Vec<u8> {
    if text.starts_with(b"\"") {
        return unquote(&text[1..]);
    }
    let end = memchr::memchr(b'\t', text).unwrap_or(text.len());
    let path = &text[..end];
    path.strip_suffix(b" ").unwrap_or(path).to_vec()
}

/// git's C-style quoting of a path (after the opening quote): `\\`, `\"`, `\t`, `\n` and octal
/// escapes of bytes.
fn unquote(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut bytes = text.iter().copied().peekable();
    while let Some(byte) = bytes.next() {
        match byte {
            b'"' => break,
            b'\\' => match bytes.next() {
                Some(b't') => out.push(b'\t'),
                Some(b'n') => out.push(b'\n'),
                Some(digit @ b'0'..=b'7') => {
                    let mut value = u32::from(digit - b'0');
                    for _ in 0..2 {
                        match bytes.peek() {
                            Some(&next @ b'0'..=b'7') => {
                                value = value * 8 + u32::from(next - b'0');
                                bytes.next();
                            }
                            _ => break,
                        }
                    }
                    out.push(value as u8);
                }
                Some(other) => out.push(other),
                None => break,
            },
            other => out.push(other),
        }
    }
    out
}

/// The new path of `Binary files A and B differ`.
fn binary_path(text: &[u8]) -> Option<&[u8]> {
    let rest = text.strip_prefix(b"Binary files ")?;
    let rest = rest.strip_suffix(b" differ")?;
    let at = memchr::memmem::rfind(rest, b" and ")?;
    Some(&rest[at + 5..])
}

/// A hunk header: `@@ -a,b +c,d @@` (or `@@@ ... @@@` for a merge's combined diff).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct HunkHeader {
    /// How many marks start each line: one, or one per parent of a merge.
    marks: usize,
    /// The new side's first line, 1-based.
    first_line: usize,
    /// Lines on the new side.
    new_lines: u64,
    /// Lines on the old side (for a two-sided diff).
    old_lines: u64,
}

impl HunkHeader {
    fn parse(text: &[u8]) -> Option<HunkHeader> {
        let ats = text.iter().take_while(|&&b| b == b'@').count();
        if ats < 2 {
            return None;
        }
        let text = std::str::from_utf8(&text[ats..]).ok()?;
        let fields: Vec<&str> = text
            .split(' ')
            .skip_while(|field| field.is_empty())
            .take_while(|field| !field.starts_with('@'))
            .collect();
        let range = |field: &str| -> Option<(usize, u64)> {
            let (start, count) = field.split_once(',').unwrap_or((field, "1"));
            Some((start.parse().ok()?, count.parse().ok()?))
        };
        let (first_line, new_lines) = range(fields.last()?.strip_prefix('+')?)?;
        let (_, old_lines) = range(fields.first()?.strip_prefix('-')?)?;
        Some(HunkHeader {
            marks: ats - 1,
            // A hunk that adds to an empty file starts at line 0.
            first_line: first_line.max(1),
            new_lines,
            old_lines,
        })
    }
}

/// Where a [`Hunk`] is in its current line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    /// At the start of a line: its marks are next.
    LineStart,
    /// Inside a new-side line, handing its bytes out.
    Copy,
    /// Inside a line of the old side only (or `\ No newline at end of file`), skipping it.
    Skip,
    /// Past the hunk's last line.
    Done,
}

/// One hunk of a diff as a reader of its new side; see the module header.
pub(crate) struct Hunk<'a> {
    input: &'a mut dyn BufRead,
    header: HunkHeader,
    new_left: u64,
    old_left: u64,
    at: At,
    /// The new file's line the next new-side line is.
    line: usize,
    /// New-file lines that the hunk adds, as runs.
    added: Vec<Range<usize>>,
    path: String,
    first_of_file: bool,
}

impl<'a> Hunk<'a> {
    fn new(input: &'a mut dyn BufRead, header: HunkHeader) -> Hunk<'a> {
        Hunk {
            input,
            header,
            new_left: header.new_lines,
            old_left: header.old_lines,
            at: At::LineStart,
            line: header.first_line,
            added: Vec::new(),
            path: String::new(),
            first_of_file: false,
        }
    }

    /// The new file's path, as shown.
    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    /// The new file's line that the hunk's first line is.
    pub(crate) fn first_line(&self) -> usize {
        self.header.first_line
    }

    /// Whether this is the first hunk of its file (to count files, not hunks).
    pub(crate) fn first_of_file(&self) -> bool {
        self.first_of_file
    }

    /// Whether the new file's `line` is one the hunk adds (known for the lines read so far).
    pub(crate) fn adds(&self, line: usize) -> bool {
        let after = self.added.partition_point(|run| run.end <= line);
        self.added.get(after).is_some_and(|run| run.contains(&line))
    }

    /// Reads the marks of the next line and decides what it is; `Done` at the hunk's end.
    fn start_line(&mut self) -> io::Result<()> {
        let two_sided = self.header.marks == 1;
        if self.new_left == 0 && (self.old_left == 0 || !two_sided) {
            self.at = At::Done;
            return Ok(());
        }
        let first = match self.input.fill_buf()?.first() {
            None => {
                self.at = At::Done;
                return Ok(());
            }
            Some(&byte) => byte,
        };
        if first == b'\\' {
            self.at = At::Skip;
            return Ok(());
        }
        if first == b'\n' || first == b'\r' {
            // An empty context line whose space a tool trimmed.
            self.new_side_line(false, true);
            return Ok(());
        }
        if !matches!(first, b' ' | b'+' | b'-') {
            // Not a hunk line: the header counted wrong; the line is the next header's.
            self.at = At::Done;
            return Ok(());
        }
        let (mut plus, mut minus) = (false, false);
        for _ in 0..self.header.marks {
            match self.input.fill_buf()?.first() {
                Some(b'+') => plus = true,
                Some(b'-') => minus = true,
                Some(b' ') => {}
                _ => break,
            }
            self.input.consume(1);
        }
        if minus {
            self.old_left = self.old_left.saturating_sub(1);
            self.at = At::Skip;
        } else {
            self.new_side_line(plus, !plus);
        }
        Ok(())
    }

    /// Counts a line of the new side (added, or context, which is on both sides).
    fn new_side_line(&mut self, added: bool, context: bool) {
        self.new_left = self.new_left.saturating_sub(1);
        if context && self.header.marks == 1 {
            self.old_left = self.old_left.saturating_sub(1);
        }
        if added {
            match self.added.last_mut() {
                Some(run) if run.end == self.line => run.end += 1,
                _ => self.added.push(self.line..self.line + 1),
            }
        }
        self.at = At::Copy;
    }
}

impl Read for Hunk<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.at {
                At::Done => return Ok(0),
                At::LineStart => self.start_line()?,
                At::Skip => {
                    let buf = self.input.fill_buf()?;
                    if buf.is_empty() {
                        self.at = At::Done;
                        continue;
                    }
                    match memchr::memchr(b'\n', buf) {
                        Some(end) => {
                            self.input.consume(end + 1);
                            self.at = At::LineStart;
                        }
                        None => {
                            let len = buf.len();
                            self.input.consume(len);
                        }
                    }
                }
                At::Copy => {
                    let buf = self.input.fill_buf()?;
                    if buf.is_empty() {
                        self.at = At::Done;
                        if out.is_empty() {
                            return Ok(0);
                        }
                        // The last line had no line break.
                        out[0] = b'\n';
                        return Ok(1);
                    }
                    let line_end = memchr::memchr(b'\n', buf).map(|at| at + 1);
                    let n = line_end.unwrap_or(buf.len()).min(out.len());
                    out[..n].copy_from_slice(&buf[..n]);
                    self.input.consume(n);
                    if line_end == Some(n) {
                        self.line += 1;
                        self.at = At::LineStart;
                    }
                    return Ok(n);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
