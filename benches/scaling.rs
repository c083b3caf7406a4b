//! How time and memory grow with hostile input: each shape that once cost more than linear time
//! (findings per line, findings on one line, long values, encoded runs, nested archives), at 1, 4
//! and 16 MiB, scanned by the `sprawl` binary. Linear cost shows as a time ratio of at most 4
//! from one size to the next (the input grows 4 times), and peak memory that grows no faster.
//!
//! ```sh
//! cargo bench --bench scaling                       # the table, in Markdown, on standard output
//! SCALING_RUNS=1 SCALING_TIMEOUT=120 cargo bench --bench scaling
//! SPRAWL_BIN=/path/to/older/sprawl cargo bench --bench scaling   # the same for another build
//! SCALING_SHAPES=nested,keys cargo bench --bench scaling         # shapes whose file starts so
//! ```
//!
//! Not a timed test: nothing here fails on a slow machine. Each size is scanned `SCALING_RUNS`
//! times (default 3), each run stopped after `SCALING_TIMEOUT` seconds (default 300), and the
//! fastest run is kept: its wall time, and its CPU time (user and system), which a busy machine
//! disturbs less, so the ratio is taken on it. Peak memory is the largest resident set a run
//! reached (`wait4`). Inputs are generated from a fixed seed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const MIB: usize = 1 << 20;
const SIZES: [usize; 3] = [MIB, 4 * MIB, 16 * MIB];

/// One hostile shape: its name, the file it is written to, and how to make `size` bytes of it.
struct Shape {
    name: &'static str,
    file: &'static str,
    make: fn(usize, &mut Fake) -> Vec<u8>,
}

const SHAPES: [Shape; 5] = [
    Shape {
        name: "findings per line",
        file: "keys.txt",
        make: findings_per_line,
    },
    Shape {
        name: "findings on one line",
        file: "one-line.txt",
        make: findings_on_one_line,
    },
    Shape {
        name: "long values",
        file: "values.env",
        make: long_values,
    },
    Shape {
        name: "encoded runs",
        file: "encoded.txt",
        make: encoded_runs,
    },
    Shape {
        name: "nested archives",
        file: "nested.zip",
        make: nested_archives,
    },
];

fn main() {
    let binary = std::env::var_os("SPRAWL_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_sprawl")));
    let runs = env_number("SCALING_RUNS", 3);
    let timeout = Duration::from_secs(env_number("SCALING_TIMEOUT", 300) as u64);
    let dir = tempfile::tempdir().expect("a temp dir for the inputs");
    println!("sprawl: {}", binary.display());
    println!();
    println!("| shape | input | findings | wall time | CPU time | CPU time ratio | peak memory |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let wanted = std::env::var("SCALING_SHAPES").unwrap_or_default();
    let picked = |shape: &&Shape| {
        wanted.is_empty()
            || wanted
                .split(',')
                .any(|prefix| shape.file.starts_with(prefix.trim()))
    };
    for shape in SHAPES.iter().filter(picked) {
        let mut previous: Option<Duration> = None;
        for size in SIZES {
            let path = dir.path().join(shape.file);
            let bytes = (shape.make)(size, &mut Fake::new(size as u64));
            std::fs::write(&path, &bytes).expect("the input is written");
            let len = bytes.len();
            // The bench stays small while it measures: a child starts as a copy of it.
            drop(bytes);
            let measured = measure(&binary, &path, runs, timeout);
            println!("{}", row(shape.name, len, &measured, previous));
            std::io::stdout().flush().ok();
            previous = measured.as_ref().ok().map(|m| m.cpu);
        }
    }
}

/// What one size of one shape cost.
struct Measured {
    time: Duration,
    cpu: Duration,
    peak_kib: u64,
    findings: usize,
}

fn row(
    shape: &str,
    len: usize,
    measured: &Result<Measured, String>,
    previous: Option<Duration>,
) -> String {
    let size = format!("{:.0} MiB", len as f64 / MIB as f64);
    match measured {
        Ok(m) => {
            let cpu = m.cpu.as_secs_f64();
            let ratio = previous.map_or("".into(), |before| {
                format!("{:.1}", cpu / before.as_secs_f64().max(1e-3))
            });
            format!(
                "| {shape} | {size} | {} | {:.2} s | {cpu:.2} s | {ratio} | {:.0} MiB |",
                m.findings,
                m.time.as_secs_f64(),
                m.peak_kib as f64 / 1024.0
            )
        }
        Err(why) => format!("| {shape} | {size} | | {why} | | | |"),
    }
}

/// The best time of `runs` scans of `path`, the largest peak memory, and the findings.
fn measure(binary: &Path, path: &Path, runs: usize, timeout: Duration) -> Result<Measured, String> {
    let mut best: Option<Measured> = None;
    for _ in 0..runs {
        let run = scan_once(binary, path, timeout)?;
        best = Some(match best {
            Some(best) if best.cpu <= run.cpu => Measured {
                peak_kib: best.peak_kib.max(run.peak_kib),
                ..best
            },
            Some(best) => Measured {
                peak_kib: best.peak_kib.max(run.peak_kib),
                ..run
            },
            None => run,
        });
    }
    best.ok_or_else(|| "no run".into())
}

/// One `sprawl scan` of `path` with the JSON report read back for its count of findings.
fn scan_once(binary: &Path, path: &Path, timeout: Duration) -> Result<Measured, String> {
    let report = path.with_extension("report.json");
    let started = Instant::now();
    let child = Command::new(binary)
        .args([
            "scan",
            "--no-config",
            "--no-progress",
            "-q",
            "--format",
            "json",
            "-o",
        ])
        .arg(&report)
        .arg(path)
        .spawn()
        .map_err(|err| format!("cannot run: {err}"))?;
    let (status, cpu, peak_kib) = wait_with_usage(child, timeout)?;
    let time = started.elapsed();
    if !matches!(status, 0 | 1) {
        return Err(format!("exit {status}"));
    }
    let findings = count_findings(&report).map_err(|err| err.to_string())?;
    Ok(Measured {
        time,
        cpu,
        peak_kib,
        findings,
    })
}

/// The findings in a JSON report, counted as it is read (a report can be hundreds of MiB).
fn count_findings(report: &Path) -> std::io::Result<usize> {
    use std::io::BufRead;
    let reader = std::io::BufReader::new(std::fs::File::open(report)?);
    let mut count = 0;
    for line in reader.lines() {
        if line?.trim_start().starts_with("\"rule_id\"") {
            count += 1;
        }
    }
    std::fs::remove_file(report)?;
    Ok(count)
}

/// Waits for `child` (killing it after `timeout`), and returns its exit code, the CPU time it
/// used and the largest resident set it reached, in KiB.
#[cfg(unix)]
fn wait_with_usage(
    mut child: std::process::Child,
    timeout: Duration,
) -> Result<(i32, Duration, u64), String> {
    let pid = child.id() as libc::pid_t;
    let deadline = Instant::now() + timeout;
    loop {
        let mut status = 0;
        // SAFETY: an all-zero `rusage` is a valid value, and `wait4` writes into both out
        // parameters, which live until it returns.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let done = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if done == pid {
            let code = if libc::WIFEXITED(status) {
                libc::WEXITSTATUS(status)
            } else {
                -1
            };
            let seconds = |time: libc::timeval| {
                Duration::from_secs(time.tv_sec as u64) + Duration::from_micros(time.tv_usec as u64)
            };
            let cpu = seconds(usage.ru_utime) + seconds(usage.ru_stime);
            // Linux reports kilobytes.
            return Ok((code, cpu, usage.ru_maxrss as u64));
        }
        if done < 0 {
            return Err("wait4 failed".into());
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("> {} s (stopped)", timeout.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[cfg(not(unix))]
fn wait_with_usage(
    mut child: std::process::Child,
    _: Duration,
) -> Result<(i32, Duration, u64), String> {
    let started = Instant::now();
    let status = child.wait().map_err(|err| err.to_string())?;
    Ok((status.code().unwrap_or(-1), started.elapsed(), 0))
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

// The shapes. Each fills `size` bytes; the secrets are fake, made from a fixed seed.

/// An AWS access key id (`aws.access-key-id`, a high-confidence rule with a fixed prefix).
fn key_id(fake: &mut Fake) -> String {
    format!("AKIA{}", fake.pick(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16))
}

fn findings_per_line(size: usize, fake: &mut Fake) -> Vec<u8> {
    fill(size, |out| {
        out.extend_from_slice(key_id(fake).as_bytes());
        out.push(b'\n');
    })
}

fn findings_on_one_line(size: usize, fake: &mut Fake) -> Vec<u8> {
    let mut out = fill(size, |out| {
        out.extend_from_slice(key_id(fake).as_bytes());
        out.push(b' ');
    });
    out.push(b'\n');
    out
}

/// `DB_PASSWORD` values of 120 characters made of the words a placeholder filter strips from
/// either end around two letters that are no word: each once took hours.
fn long_values(size: usize, fake: &mut Fake) -> Vec<u8> {
    const AFFIXES: [&str; 4] = ["my", "the", "new", "my"];
    fill(size, |out| {
        let mut value = String::from("7");
        while value.len() < 59 {
            value.push_str(AFFIXES[fake.below(AFFIXES.len())]);
        }
        value.push_str("zq");
        while value.len() < 120 {
            value.push_str(AFFIXES[fake.below(AFFIXES.len())]);
        }
        out.extend_from_slice(format!("DB_PASSWORD=\"{value}\"\n").as_bytes());
    })
}

/// Short base64 lines, each of a token assignment.
fn encoded_runs(size: usize, fake: &mut Fake) -> Vec<u8> {
    use base64::Engine;
    fill(size, |out| {
        let line = format!("token = {}", key_id(fake));
        let encoded = base64::engine::general_purpose::STANDARD.encode(line);
        out.extend_from_slice(format!("data: {encoded}\n").as_bytes());
    })
}

/// A zip of zips of key files, 64 KiB each, two levels deep.
fn nested_archives(size: usize, fake: &mut Fake) -> Vec<u8> {
    let inner_text = |fake: &mut Fake| findings_per_line(64 << 10, fake);
    let mut outer = ZipBuilder::new();
    while outer.len() < size {
        let mut inner = ZipBuilder::new();
        for n in 0..4 {
            inner.add(&format!("conf/{n}.env"), &inner_text(fake));
        }
        outer.add(&format!("lib/{}.zip", outer.count), &inner.finish());
    }
    outer.finish()
}

fn fill(size: usize, mut push: impl FnMut(&mut Vec<u8>)) -> Vec<u8> {
    let mut out = Vec::with_capacity(size + 256);
    while out.len() < size {
        push(&mut out);
    }
    out
}

/// A zip written entry by entry (stored: the bytes are already random enough).
struct ZipBuilder {
    writer: zip::ZipWriter<std::io::Cursor<Vec<u8>>>,
    written: usize,
    count: usize,
}

impl ZipBuilder {
    fn new() -> ZipBuilder {
        ZipBuilder {
            writer: zip::ZipWriter::new(std::io::Cursor::new(Vec::new())),
            written: 0,
            count: 0,
        }
    }

    fn add(&mut self, name: &str, bytes: &[u8]) {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        self.writer.start_file(name, options).expect("zip entry");
        self.writer.write_all(bytes).expect("zip data");
        self.written += bytes.len();
        self.count += 1;
    }

    fn len(&self) -> usize {
        self.written
    }

    fn finish(self) -> Vec<u8> {
        self.writer.finish().expect("zip").into_inner()
    }
}

/// A fixed-seed xorshift: the same inputs on every run and machine.
struct Fake(u64);

impl Fake {
    fn new(seed: u64) -> Fake {
        Fake(seed.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len)
            .map(|_| char::from(alphabet[self.below(alphabet.len())]))
            .collect()
    }
}
