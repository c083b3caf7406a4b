//! The commands, each a short list of named stages: configure, scan, report, summarise.

use std::io::{self, BufWriter, IsTerminal, Write};

use anyhow::{Context, Result};

use crate::cli::{Cli, Command, InventoryArgs, ListFormatArg, MergeArgs, RulesCommand};
use crate::config::{load_rules, ScanConfig, Verbosity};
use crate::output::{Access, OutputFile};
use crate::pipeline::{self, ScanResult};
use crate::progress::Progress;
use crate::redact::redacted;
use crate::report::{self, printable, Report};
use crate::rules::list::RuleRecord;
use crate::rules::{self, RuleSet};
use crate::suppress::BaselineFile;

/// How a command ended, short of a fatal error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing found, nothing failed.
    Clean,
    /// Secrets (or rule problems) found; carries the exit code to use.
    Found(u8),
    /// Some input could not be read; findings, if any, were still reported.
    Errored,
}

impl Outcome {
    /// The process exit code: 0 clean, the found code, or 2 for errors.
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::Found(code) => code,
            Outcome::Errored => 2,
        }
    }
}

/// Runs a parsed command line.
pub fn run(cli: &Cli) -> Result<Outcome> {
    match &cli.command {
        Command::Scan(args) => scan(
            &ScanConfig::from_scan_args(args)?,
            args.options.no_progress,
            "files",
        ),
        Command::Git(args) => scan(
            &ScanConfig::from_git_args(args)?,
            args.options.no_progress,
            "blobs",
        ),
        Command::Completions { shell } => completions(*shell),
        Command::Man => man(),
        Command::Merge(args) => merge(args),
        Command::Inventory(args) => inventory(args),
        Command::Rules {
            command:
                RulesCommand::List {
                    rules,
                    id,
                    tags,
                    format,
                },
        } => list_rules(
            &rules_from(rules)?,
            &rules::show::RuleFilter {
                id: id.clone(),
                tags: tags.clone(),
            },
            *format,
        ),
        Command::Rules {
            command: RulesCommand::Show { id, rules },
        } => show_rule(&rules_from(rules)?, id),
        Command::Rules {
            command: RulesCommand::Check { rules },
        } => check_rules(&rules_from(rules)?),
    }
}

/// The rules of `args`, saying on standard error which `--rules` paths added none.
fn rules_from(args: &crate::cli::RuleSourceArgs) -> Result<RuleSet> {
    let (rules, warnings) = load_rules(args)?;
    for warning in warnings {
        eprintln!("sprawl: warning: {warning}");
    }
    Ok(rules)
}

/// `sprawl scan` and `sprawl git`; progress (counting `noun`) is drawn while scanning unless
/// `no_progress` or [`crate::progress::progress_enabled`] says otherwise.
fn scan(config: &ScanConfig, no_progress: bool, noun: &'static str) -> Result<Outcome> {
    for warning in &config.warnings {
        eprintln!("sprawl: warning: {warning}");
    }
    announce(config);
    // Where the report and a baseline go is checked (and opened) before any scanning.
    let report_file = config
        .output
        .as_deref()
        .map(|path| OutputFile::open(path, Access::Owner))
        .transpose()?;
    let baseline_file = config
        .write_baseline
        .as_ref()
        .map(|(path, _)| OutputFile::open(path, Access::Umask))
        .transpose()?;
    let quiet = config.verbosity == Verbosity::Quiet;
    let progress = Progress::for_stderr(quiet, no_progress, noun);
    let result =
        pipeline::scan_with_progress(config, config.verbosity == Verbosity::Verbose, &progress);
    progress.finish();
    let result = result?;
    report_problems(config, &result);
    report_cache(config, &result);
    explain(config, &result);
    write_report(config, &result, report_file)?;
    let baseline_written = match baseline_file {
        Some(out) => write_baseline(config, &result, out)?,
        None => false,
    };
    if config.verbosity != Verbosity::Quiet {
        eprintln!(
            "{}",
            report::summary(
                &result.findings,
                &result.stats,
                result.errors.len(),
                result.warnings.len()
            )
        );
        if result
            .findings
            .iter()
            .any(|finding| finding.provenance.commit().is_some())
        {
            eprintln!("sprawl: secrets in history stay readable in every clone: rotate each credential first; rewriting history does not make it safe");
        }
    }
    Ok(outcome_of(config, &result, baseline_written))
}

/// How a scan ended: errors first, then findings (unless a baseline was just written to
/// acknowledge them).
fn outcome_of(config: &ScanConfig, result: &ScanResult, baseline_written: bool) -> Outcome {
    if !result.errors.is_empty() {
        Outcome::Errored
    } else if !result.findings.is_empty() && !baseline_written {
        Outcome::Found(config.exit_code)
    } else {
        Outcome::Clean
    }
}

/// The scan `config` describes, its report written to `out` in the configured format (without
/// colour) and nothing else printed: the report and outcome `sprawl scan` or `sprawl git` would
/// give for it, short of what only a whole run does (progress, messages on standard error, `-o`,
/// `--write-baseline`, which this refuses). The integration tests drive the engine through it in
/// process.
pub fn scan_to(config: &ScanConfig, out: &mut dyn Write) -> Result<Outcome> {
    anyhow::ensure!(
        config.output.is_none() && config.write_baseline.is_none(),
        "scan_to writes only the report to its writer: `-o` and `--write-baseline` need a whole run"
    );
    let result = pipeline::scan(config, false)?;
    report::write(&report_of(config, &result), &config.report, false, out)?;
    Ok(outcome_of(config, &result, false))
}

/// The report of `result`.
fn report_of<'a>(config: &'a ScanConfig, result: &'a ScanResult) -> Report<'a> {
    Report {
        findings: &result.findings,
        stats: &result.stats,
        errors: &result.errors,
        warnings: &result.warnings,
        rules: &config.rules,
        root: result.root.as_deref(),
        shard: config.shard,
    }
}

/// With `--cache`: its warnings (always), and how many blobs it saved reading (unless quiet).
fn report_cache(config: &ScanConfig, result: &ScanResult) {
    let Some(cache) = &result.cache else {
        return;
    };
    for warning in &cache.warnings {
        eprintln!("sprawl: warning: {}", printable(&warning.to_string()));
    }
    if config.verbosity != Verbosity::Quiet {
        let afresh = if cache.invalidated {
            " (rules or settings changed since the cache was written: started afresh)"
        } else {
            ""
        };
        eprintln!(
            "sprawl: cache: blobs read {}, from cache {}{afresh}",
            cache.read, cache.from_cache
        );
    }
}

/// With `--explain`, every candidate that was not reported and why, on standard error.
fn explain(config: &ScanConfig, result: &ScanResult) {
    for item in &result.explained {
        let secret = String::from_utf8_lossy(&item.secret);
        let shown = if config.report.redact {
            redacted(&secret)
        } else {
            secret.into_owned()
        };
        eprintln!(
            "sprawl: explain: {}:{}:{} {} {}: dropped: {}",
            printable(&item.path),
            item.line,
            item.column,
            item.rule_id,
            printable(&shown),
            item.reason
        );
    }
}

/// With `--write-baseline`, writes every finding (every place, for history) as acknowledged to
/// `out`. Returns whether a baseline was written.
fn write_baseline(config: &ScanConfig, result: &ScanResult, out: OutputFile) -> Result<bool> {
    let Some((path, previous)) = &config.write_baseline else {
        return Ok(false);
    };
    let places = if result.all_places.is_empty() {
        &result.findings
    } else {
        &result.all_places
    };
    let baseline = BaselineFile::of(places, previous.as_ref());
    baseline.write(out)?;
    if config.verbosity != Verbosity::Quiet {
        eprintln!(
            "sprawl: wrote {} ({} {}); findings in it are acknowledged from now on",
            path.display(),
            baseline.entries.len(),
            if baseline.entries.len() == 1 {
                "entry"
            } else {
                "entries"
            }
        );
    }
    Ok(true)
}

/// Notes on how the arguments were taken (unless quiet); in verbose mode, which config and how
/// many rules are in use.
fn announce(config: &ScanConfig) {
    if config.verbosity != Verbosity::Quiet {
        for note in &config.notes {
            eprintln!("sprawl: note: {note}");
        }
    }
    if config.verbosity != Verbosity::Verbose {
        return;
    }
    match &config.config_file {
        Some(path) => eprintln!("sprawl: using config {}", path.display()),
        None => eprintln!("sprawl: no config file"),
    }
    let n = config.rules.len();
    eprintln!(
        "sprawl: {n} {} loaded",
        if n == 1 { "rule" } else { "rules" }
    );
}

/// Unreadable inputs and warnings (always), notes (unless quiet) and skipped inputs (when
/// verbose), on standard error.
fn report_problems(config: &ScanConfig, result: &ScanResult) {
    // Paths, entry names and messages come from the files scanned: made printable first.
    for error in &result.errors {
        eprintln!("sprawl: error: {}", printable(&error.to_string()));
    }
    for warning in &result.warnings {
        eprintln!("sprawl: warning: {}", printable(&warning.to_string()));
    }
    // Notes are neither errors nor findings: --quiet leaves them out.
    if config.verbosity != Verbosity::Quiet {
        for note in &result.notes {
            eprintln!("sprawl: note: {}", printable(note));
        }
    }
    if config.verbosity == Verbosity::Verbose {
        for (path, reason) in &result.skipped {
            eprintln!("sprawl: skipped {} ({})", printable(path), reason.phrase());
        }
    }
}

/// Writes the report to `file` (from `-o`), else to standard output.
fn write_report(config: &ScanConfig, result: &ScanResult, file: Option<OutputFile>) -> Result<()> {
    let report = report_of(config, result);
    match file {
        Some(file) => write_to_file(file, |out| {
            report::write(&report, &config.report, false, out)
        }),
        None => {
            let stdout = io::stdout();
            let no_color = std::env::var_os("NO_COLOR");
            let color = config
                .report
                .color
                .enabled(stdout.is_terminal(), no_color.as_deref());
            let mut out = BufWriter::new(stdout.lock());
            let written =
                report::write(&report, &config.report, color, &mut out).and_then(|()| out.flush());
            ignore_broken_pipe(written).context("cannot write the report to standard output")
        }
    }
}

/// `sprawl merge`: reads every report, merges them and writes the result in the format asked.
fn merge(args: &MergeArgs) -> Result<Outcome> {
    let output = args
        .output
        .as_deref()
        .map(|path| OutputFile::open(path, Access::Owner))
        .transpose()?;
    let parts = args
        .reports
        .iter()
        .map(|path| crate::merge::read(path))
        .collect::<Result<Vec<_>>>()?;
    let merged = crate::merge::merge(parts, args.all_occurrences)?;
    for warning in &merged.warnings {
        eprintln!("sprawl: warning: {}", printable(warning));
    }
    let format = crate::config::format_of(args.format);
    let write = |out: &mut dyn Write| -> io::Result<()> {
        match format {
            report::Format::Json => {
                serde_json::to_writer_pretty(&mut *out, &merged.report)?;
                out.write_all(b"\n")
            }
            report::Format::Jsonl => merged.report.findings.iter().try_for_each(|finding| {
                serde_json::to_writer(&mut *out, finding)?;
                out.write_all(b"\n")
            }),
            _ => Ok(()),
        }
    };
    let findings = merged.findings();
    let rules = rules_from(&args.rules)?;
    let stats = crate::stats::Stats::default();
    let errors = merged
        .report
        .errors
        .iter()
        .map(|error| crate::source::SourceError {
            path: error.path.clone(),
            message: error.message.clone(),
        })
        .collect::<Vec<_>>();
    let warnings = merged
        .report
        .warnings
        .iter()
        .map(|warning| crate::source::SourceError {
            path: warning.path.clone(),
            message: warning.message.clone(),
        })
        .collect::<Vec<_>>();
    let from_findings = Report {
        findings: &findings,
        stats: &stats,
        errors: &errors,
        warnings: &warnings,
        rules: &rules,
        root: None,
        shard: None,
    };
    // Secrets are written as the reports hold them: redacting again would cut them shorter.
    let options = report::ReportOptions {
        format,
        redact: false,
        color: report::ColorChoice::Never,
    };
    let write_any = |out: &mut dyn Write| match format {
        report::Format::Json | report::Format::Jsonl => write(out),
        _ => report::write(&from_findings, &options, false, out),
    };
    match output {
        Some(file) => write_to_file(file, write_any)?,
        None => {
            let mut out = BufWriter::new(io::stdout().lock());
            let written = write_any(&mut out).and_then(|()| out.flush());
            ignore_broken_pipe(written).context("cannot write the report to standard output")?;
        }
    }
    Ok(if !merged.report.errors.is_empty() {
        Outcome::Errored
    } else if !merged.report.findings.is_empty() {
        Outcome::Found(args.exit_code)
    } else {
        Outcome::Clean
    })
}

/// `sprawl inventory`: scans and reads every input, folds them into one inventory, writes it.
fn inventory(args: &InventoryArgs) -> Result<Outcome> {
    let config = crate::config::InventoryConfig::from_args(args)?;
    for warning in &config.warnings {
        eprintln!("sprawl: warning: {}", printable(warning));
    }
    if !config.quiet {
        // How the arguments were taken (a thread count lowered): the same for every input.
        let mut said: Vec<&String> = Vec::new();
        for note in config.inputs.iter().flat_map(|input| &input.scan.notes) {
            if !said.contains(&note) {
                eprintln!("sprawl: note: {note}");
                said.push(note);
            }
        }
    }
    // Where the inventory goes is checked (and opened) before anything is scanned.
    let output = config
        .output
        .as_deref()
        .map(|path| OutputFile::open(path, Access::Owner))
        .transpose()?;
    let inventory = crate::inventory::build(&config)?;
    // Paths and messages come from the inputs read: made printable first.
    for error in &inventory.errors {
        eprintln!(
            "sprawl: error: {}: {}",
            printable(&error.path),
            printable(&error.message)
        );
    }
    for warning in &inventory.warnings {
        eprintln!(
            "sprawl: warning: {}: {}",
            printable(&warning.path),
            printable(&warning.message)
        );
    }
    let write = |out: &mut dyn Write| crate::inventory::write(&inventory, config.format, out);
    match output {
        Some(file) => write_to_file(file, write)?,
        None => {
            let mut out = BufWriter::new(io::stdout().lock());
            let written = write(&mut out).and_then(|()| out.flush());
            ignore_broken_pipe(written).context("cannot write the inventory to standard output")?;
        }
    }
    if !config.quiet {
        eprintln!("{}", crate::inventory::summary(&inventory));
        if inventory.summary.history + inventory.summary.unknown > 0 {
            eprintln!("sprawl: secrets in history stay readable in every clone: rotate each credential first; rewriting history does not make it safe");
        }
    }
    Ok(if !inventory.errors.is_empty() {
        Outcome::Errored
    } else if !inventory.secrets.is_empty() {
        Outcome::Found(config.exit_code)
    } else {
        Outcome::Clean
    })
}

/// Writes a report to `file` through a buffer with `write`, then puts it in place.
fn write_to_file(
    mut file: OutputFile,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    let path = file.path().to_path_buf();
    let mut out = BufWriter::new(file.writer());
    write(&mut out)
        .and_then(|()| out.flush())
        .with_context(|| format!("cannot write the report to {}", path.display()))?;
    drop(out);
    file.finish()
}

/// A reader that went away (`sprawl scan | head`) is not an error.
fn ignore_broken_pipe(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// `sprawl rules list`: a table, one rule per line, fitted to the terminal; or a JSON array.
/// Only the rules `filter` picks.
fn list_rules(
    rules: &RuleSet,
    filter: &rules::show::RuleFilter,
    format: ListFormatArg,
) -> Result<Outcome> {
    let picked: Vec<&rules::Rule> = rules
        .rules()
        .iter()
        .filter(|rule| filter.matches(rule))
        .collect();
    if picked.is_empty() && format == ListFormatArg::Text {
        eprintln!("sprawl: no rule matches the given --id and --tag");
        return Ok(Outcome::Clean);
    }
    let mut out = BufWriter::new(io::stdout().lock());
    let written = match format {
        ListFormatArg::Json => {
            let records: Vec<_> = picked.iter().map(|rule| RuleRecord::of(rule)).collect();
            serde_json::to_writer_pretty(&mut out, &records)
                .map_err(io::Error::from)
                .and_then(|()| out.write_all(b"\n"))
        }
        ListFormatArg::Text => {
            let width = io::stdout().is_terminal().then(terminal_width).flatten();
            rules::list::table(&picked, width)
                .iter()
                .try_for_each(|line| writeln!(out, "{line}"))
        }
    };
    ignore_broken_pipe(written.and_then(|()| out.flush()))
        .context("cannot write to standard output")?;
    Ok(Outcome::Clean)
}

/// The width of the terminal on standard output, else `COLUMNS`.
fn terminal_width() -> Option<usize> {
    terminal_size::terminal_size_of(io::stdout())
        .map(|(width, _)| usize::from(width.0))
        .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
}

/// `sprawl rules show ID`: every field of one rule; an unknown id is an error that suggests
/// the ids of its family.
fn show_rule(rules: &RuleSet, id: &str) -> Result<Outcome> {
    let rule = rules
        .find(id)
        .ok_or_else(|| rules::show::UnknownRule::new(rules, id))?;
    let mut out = io::stdout().lock();
    let written = out
        .write_all(rules::show::describe(rule, rules.remediation(rule)).as_bytes())
        .and_then(|()| out.flush());
    ignore_broken_pipe(written).context("cannot write to standard output")?;
    Ok(Outcome::Clean)
}

/// `sprawl rules check`: every problem on standard output, a verdict on standard error.
fn check_rules(rules: &RuleSet) -> Result<Outcome> {
    let report = crate::rule_check::check(rules);
    let mut out = io::stdout().lock();
    let written = report
        .problems
        .iter()
        .try_for_each(|problem| writeln!(out, "{problem}"));
    ignore_broken_pipe(written).context("cannot write to standard output")?;
    let verdict = if report.problems.is_empty() {
        "all pass".to_string()
    } else {
        format!("{} failing", report.problems.len())
    };
    eprintln!(
        "sprawl: checked {} rules, {} examples: {verdict}",
        report.rules, report.examples
    );
    Ok(if report.problems.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Found(1)
    })
}

/// `sprawl completions SHELL`: the script on standard output.
fn completions(shell: clap_complete::Shell) -> Result<Outcome> {
    let mut out = BufWriter::new(io::stdout().lock());
    let written = crate::docs::write_completions(shell, &mut out).and_then(|()| out.flush());
    ignore_broken_pipe(written).context("cannot write to standard output")?;
    Ok(Outcome::Clean)
}

/// `sprawl man`: the man page, in roff, on standard output.
fn man() -> Result<Outcome> {
    let mut out = BufWriter::new(io::stdout().lock());
    let written = crate::docs::write_man(&mut out).and_then(|()| out.flush());
    ignore_broken_pipe(written).context("cannot write to standard output")?;
    Ok(Outcome::Clean)
}
