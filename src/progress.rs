//! A progress line on standard error while `sprawl scan` and `sprawl git` run: inputs done (of
//! the total, when a history plan knows it), bytes, rate and findings so far.
//!
//! The scanning threads only bump counters: the file count is indicatif's own atomic position,
//! bytes and findings are atomics read by the template when indicatif's steady tick redraws
//! (a few times a second, from its own thread). So the hot path takes no lock and allocates
//! nothing; with the bar off, [`Progress::record`] is one branch.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use indicatif::{HumanBytes, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// Whether to draw progress: only on a terminal, never under CI (the `CI` variable set), never
/// with `--quiet` or `--no-progress`.
pub fn progress_enabled(is_terminal: bool, ci: bool, quiet: bool, no_progress: bool) -> bool {
    is_terminal && !ci && !quiet && !no_progress
}

/// The progress of one scan; [`Progress::hidden`] when it is not shown.
#[derive(Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
    counts: Arc<Counts>,
}

/// What the scanning threads bump and the template reads.
#[derive(Debug)]
struct Counts {
    noun: &'static str,
    done: AtomicU64,
    /// Inputs planned; 0 while unknown (a folder walk).
    total: AtomicU64,
    bytes: AtomicU64,
    findings: AtomicU64,
}

impl Progress {
    /// Progress that draws nothing and counts nothing.
    pub fn hidden() -> Progress {
        Progress {
            bar: None,
            counts: Arc::new(Counts::new("")),
        }
    }

    /// A spinner on standard error counting inputs (`noun`, such as "files" or "blobs"), drawn
    /// by indicatif's steady tick until [`Progress::finish`].
    pub fn stderr(noun: &'static str) -> Progress {
        let counts = Arc::new(Counts::new(noun));
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(style(&counts));
        // Draw now, not at the ticker thread's leisure: a scan can end before its first tick.
        // (Before the ticker starts: once it runs, a manual tick does nothing.)
        bar.tick();
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress {
            bar: Some(bar),
            counts,
        }
    }

    /// Progress on standard error counting `noun`, if [`progress_enabled`] says so for this
    /// process (is standard error a terminal, is `CI` set), else hidden.
    pub fn for_stderr(quiet: bool, no_progress: bool, noun: &'static str) -> Progress {
        let is_terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
        let ci = std::env::var_os("CI").is_some();
        if progress_enabled(is_terminal, ci, quiet, no_progress) {
            Progress::stderr(noun)
        } else {
            Progress::hidden()
        }
    }

    /// Whether anything is drawn.
    #[cfg(test)]
    pub fn is_shown(&self) -> bool {
        self.bar.is_some()
    }

    /// Sets the number of inputs planned (a history scan knows it): the spinner gains a bar.
    pub fn set_total(&self, total: u64) {
        if self.bar.is_some() {
            self.counts.total.store(total, Ordering::Relaxed);
        }
    }

    /// One input done: `bytes` read, `findings` found in it. Three relaxed atomic adds; the
    /// drawing is left to the steady tick.
    #[inline]
    pub fn record(&self, bytes: u64, findings: usize) {
        if self.bar.is_some() {
            let counts = &self.counts;
            counts.done.fetch_add(1, Ordering::Relaxed);
            counts.bytes.fetch_add(bytes, Ordering::Relaxed);
            counts
                .findings
                .fetch_add(findings as u64, Ordering::Relaxed);
        }
    }

    /// Erases the line, so the report and summary that follow start clean.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

impl Counts {
    fn new(noun: &'static str) -> Counts {
        Counts {
            noun,
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            findings: AtomicU64::new(0),
        }
    }

    /// `1234 files  12.3 MiB  4.5 MiB/s  2 findings`, or with a known total
    /// `[=====>    ] 120/400 blobs  ...`.
    fn write(&self, elapsed: Duration, out: &mut dyn std::fmt::Write) -> std::fmt::Result {
        const WIDTH: u64 = 30;
        let done = self.done.load(Ordering::Relaxed);
        let total = self.total.load(Ordering::Relaxed);
        if let Some(filled) = (done.min(total) * WIDTH).checked_div(total) {
            out.write_char('[')?;
            for at in 0..WIDTH {
                out.write_char(match at {
                    _ if at < filled => '=',
                    _ if at == filled && done > 0 => '>',
                    _ => ' ',
                })?;
            }
            write!(out, "] {done}/{total}")?;
        } else {
            write!(out, "{done}")?;
        }
        let bytes = self.bytes.load(Ordering::Relaxed);
        let rate = bytes as f64 / elapsed.as_secs_f64().max(0.001);
        let findings = self.findings.load(Ordering::Relaxed);
        write!(
            out,
            " {}  {}  {}/s  {findings} {}",
            self.noun,
            HumanBytes(bytes),
            HumanBytes(rate as u64),
            if findings == 1 { "finding" } else { "findings" }
        )
    }
}

/// `{spinner} {status}`, the status read from `counts` at each draw.
fn style(counts: &Arc<Counts>) -> ProgressStyle {
    let counts = Arc::clone(counts);
    ProgressStyle::with_template("{spinner} {status}")
        .expect("the progress template is valid")
        .with_key(
            "status",
            move |state: &ProgressState, out: &mut dyn std::fmt::Write| {
                let _ = counts.write(state.elapsed(), out);
            },
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_shown_only_on_a_terminal_outside_ci_unless_quiet_or_turned_off() {
        // Every one of the 16 combinations: only a terminal, outside CI, not quiet and not
        // turned off shows progress.
        let flags = [false, true];
        for is_terminal in flags {
            for ci in flags {
                for quiet in flags {
                    for no_progress in flags {
                        let shown = progress_enabled(is_terminal, ci, quiet, no_progress);
                        let only_case =
                            (is_terminal, ci, quiet, no_progress) == (true, false, false, false);
                        assert_eq!(
                            shown, only_case,
                            "terminal {is_terminal}, CI {ci}, quiet {quiet}, no-progress {no_progress}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn hidden_progress_counts_nothing() {
        let progress = Progress::hidden();
        progress.record(10, 2);
        assert!(!progress.is_shown());
        assert_eq!(progress.counts.bytes.load(Ordering::Relaxed), 0);
    }

    fn status(counts: &Counts, elapsed_secs: u64) -> String {
        let mut out = String::new();
        counts
            .write(Duration::from_secs(elapsed_secs), &mut out)
            .unwrap();
        out
    }

    #[test]
    fn a_walk_shows_a_count_and_a_plan_shows_a_bar() {
        let counts = Counts::new("files");
        counts.done.store(3, Ordering::Relaxed);
        counts.bytes.store(4096, Ordering::Relaxed);
        counts.findings.store(1, Ordering::Relaxed);
        assert_eq!(
            status(&counts, 2),
            "3 files  4.00 KiB  2.00 KiB/s  1 finding"
        );
        counts.total.store(6, Ordering::Relaxed);
        let half = status(&counts, 2);
        assert!(
            half.starts_with(&format!(
                "[{}>{}] 3/6 files",
                "=".repeat(15),
                " ".repeat(14)
            )),
            "{half}"
        );
        counts.done.store(6, Ordering::Relaxed);
        assert!(
            status(&counts, 2).starts_with(&format!("[{}] 6/6", "=".repeat(30))),
            "{}",
            status(&counts, 2)
        );
    }
}
