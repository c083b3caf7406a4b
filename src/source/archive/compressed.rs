//! gzip, bzip2, xz and zstd streams: a tar inside is read entry by entry as it is decoded (one
//! level with its stream: `a.tgz!dir/file.env`); anything else is one file, named from the gzip
//! header or from the stream's own name less its suffix (`notes.env.gz!notes.env`).
//!
//! Every stream is decoded through a [`Capped`] reader, so it stops at the total and at the ratio
//! limit (its size times the ratio, measured against the whole compressed stream). Concatenated
//! gzip members, bzip2 streams and zstd frames are read as one stream, as the command-line tools
//! do. xz is the exception to streaming: it is decoded block by block into memory first (see
//! `xz.rs`), each block only if it fits the same caps.

use std::io::{self, Cursor, Read, Write};

use bzip2::read::MultiBzDecoder;
use flate2::read::MultiGzDecoder;

use super::warnings::WarningKind;
use super::xz::{self, BlockSink, XzEnd};
use super::zstd::ZstdFrames;
use super::{
    inner_path, is_tar_header, tar_archive, Budget, Capped, EntryPath, Expander, Format, Limit,
};
use super::{ReadEnd, BINARY_PROBE_LEN};

/// Opens the compressed stream in `bytes` (shown as `path`); what it holds is `depth` archives
/// deep.
pub(super) fn expand(
    ex: &mut Expander<'_>,
    format: Format,
    path: &EntryPath,
    bytes: &[u8],
    depth: u32,
) {
    let allowance = ex.ratio_allowance(bytes.len() as u64);
    let budget = ex.budget;
    match format {
        Format::Gzip => {
            let mut stream = Capped::new(MultiGzDecoder::new(bytes), budget, allowance);
            let head = read_head(&mut stream);
            let name = stream
                .inner
                .header()
                .and_then(|header| header.filename())
                .map(|name| String::from_utf8_lossy(name).into_owned())
                .and_then(|name| {
                    // A name, not a path: the header is the stream's to write.
                    let own = name.rsplit(['/', '\\']).next().unwrap_or_default();
                    (!own.is_empty()).then(|| own.to_string())
                });
            unpack(ex, format, path, head, stream, name, depth);
        }
        Format::Bzip2 => {
            let mut stream = Capped::new(MultiBzDecoder::new(bytes), budget, allowance);
            let head = read_head(&mut stream);
            unpack(ex, format, path, head, stream, None, depth);
        }
        Format::Zstd => {
            let frames = ZstdFrames::new(bytes, ex.limits.max_total_size);
            let mut stream = Capped::new(frames, budget, allowance);
            let head = read_head(&mut stream);
            unpack(ex, format, path, head, stream, None, depth);
        }
        Format::Xz => {
            let mut out = CappedWriter::new(budget, allowance);
            let error = match xz::decode(bytes, &mut out) {
                XzEnd::Whole => None,
                XzEnd::Limit => Some(io::Error::other("an archive limit was reached")),
                XzEnd::Broken(why) => Some(io::Error::new(io::ErrorKind::InvalidData, why)),
            };
            let mut stream = Failing {
                inner: Cursor::new(out.buf),
                error,
            };
            let head = read_head(&mut stream);
            unpack(ex, format, path, head, stream, None, depth);
        }
        Format::Zip | Format::Tar => unreachable!("{} is not a compressed stream", format.name()),
    }
}

/// The first bytes of a stream, enough to tell a tar, and the error that cut them short, if any.
struct Head {
    bytes: Vec<u8>,
    error: Option<io::Error>,
}

fn read_head(stream: &mut impl Read) -> Head {
    let mut bytes = vec![0; BINARY_PROBE_LEN];
    let mut filled = 0;
    let mut error = None;
    while filled < bytes.len() {
        match stream.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => {
                error = Some(err);
                break;
            }
        }
    }
    bytes.truncate(filled);
    Head { bytes, error }
}

/// Reads the decoded stream: a tar entry by entry, or else one file.
fn unpack(
    ex: &mut Expander<'_>,
    format: Format,
    path: &EntryPath,
    head: Head,
    rest: impl Read,
    name: Option<String>,
    depth: u32,
) {
    let Head { bytes, error } = head;
    // After an error the decoder is not read again: what came before it is all there is.
    let rest: Box<dyn Read + '_> = match error {
        None => Box::new(rest),
        Some(err) => Box::new(Failing {
            inner: io::empty(),
            error: Some(err),
        }),
    };
    let stream = Cursor::new(bytes).chain(rest);
    if is_tar_header(stream.get_ref().0.get_ref()) {
        tar_archive::read(ex, path, stream, depth);
    } else if ex.take_entry(path) {
        let inner = inner_path(path, &name.unwrap_or_else(|| unsuffixed(path.entry())));
        let mut buf = Vec::new();
        match ex.read_entry(stream, &mut buf) {
            ReadEnd::Whole => ex.entry(&inner, &buf, depth),
            ReadEnd::TooLarge | ReadEnd::Limit => ex.skip(),
            ReadEnd::Broken(err) => {
                ex.entry(&inner, &buf, depth);
                let scanned = match buf.len() {
                    0 => "nothing before it could be read".to_string(),
                    read => format!("the {read} bytes before it were scanned"),
                };
                let what = match err.kind() {
                    // A stream sprawl will not decode (not a damaged one).
                    io::ErrorKind::Unsupported => format!("{} stream: {err}", format.name()),
                    _ => format!("corrupt or truncated {} stream ({err})", format.name()),
                };
                ex.warn(path, WarningKind::Damaged, format!("{what}: {scanned}"));
            }
        }
    }
    ex.report_limit(path, &format!("the {} stream", format.name()));
}

/// The name of what a stream holds, from the stream's own name: `notes.env.gz` -> `notes.env`,
/// `a.tgz` -> `a.tar` (a tar cut too short to be read as one). Without a known suffix, the
/// stream's own name.
fn unsuffixed(name: &str) -> String {
    const SUFFIXES: [(&str, &str); 11] = [
        (".gz", ""),
        (".gzip", ""),
        (".bz2", ""),
        (".xz", ""),
        (".zst", ""),
        (".zstd", ""),
        (".tgz", ".tar"),
        (".tbz2", ".tar"),
        (".tbz", ".tar"),
        (".txz", ".tar"),
        (".tzst", ".tar"),
    ];
    let own = name.rsplit('/').next().unwrap_or(name);
    for (suffix, replacement) in SUFFIXES {
        if let Some(stem) = own.strip_suffix(suffix).filter(|stem| !stem.is_empty()) {
            return format!("{stem}{replacement}");
        }
    }
    own.to_string()
}

/// A reader that gives `error` once `inner` is done: an xz stream decoded up to an error, or a
/// stream whose head already failed.
struct Failing<R> {
    inner: R,
    error: Option<io::Error>,
}

impl<R: Read> Read for Failing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf)? {
            0 => self.error.take().map_or(Ok(0), Err),
            read => Ok(read),
        }
    }
}

/// Where xz is decoded to: a buffer held to the same caps as [`Capped`].
struct CappedWriter<'b> {
    buf: Vec<u8>,
    budget: &'b Budget,
    ratio_left: u64,
}

impl<'b> CappedWriter<'b> {
    fn new(budget: &'b Budget, ratio_allowance: u64) -> CappedWriter<'b> {
        CappedWriter {
            buf: Vec::new(),
            budget,
            ratio_left: ratio_allowance,
        }
    }
}

impl BlockSink for CappedWriter<'_> {
    fn admits(&mut self, size: u64) -> bool {
        let total = self.budget.total_left.get();
        if size <= total.min(self.ratio_left) {
            return true;
        }
        let limit = if size > total {
            Limit::Total
        } else {
            Limit::Ratio
        };
        self.budget.hit.set(Some(limit));
        false
    }
}

impl Write for CappedWriter<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if !self.admits(data.len() as u64) {
            return Err(io::Error::other("an archive limit was reached"));
        }
        let total = self.budget.total_left.get();
        self.budget.total_left.set(total - data.len() as u64);
        self.ratio_left -= data.len() as u64;
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::unsuffixed;

    #[test]
    fn a_stream_holds_its_name_less_the_suffix() {
        assert_eq!(unsuffixed("a/notes.env.gz"), "notes.env");
        assert_eq!(unsuffixed("logs/app.log.zst"), "app.log");
        // The name is an entry's own: a `!` in it is part of the name.
        assert_eq!(unsuffixed("logs/a!b.gz"), "a!b");
        assert_eq!(unsuffixed("backup.tgz"), "backup.tar");
        assert_eq!(unsuffixed("data"), "data");
        assert_eq!(unsuffixed(".gz"), ".gz");
    }
}
