//! The command line, as clap types. Nothing below [`crate::config`] sees these: the config
//! module turns them into a checked [`crate::config::ScanConfig`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Finds leaked passwords, API tokens, private keys and credentialed connection strings in
/// files, folders and standard input. Offline: sprawl never sends anything over a network.
///
/// Exit codes: 0 nothing found, 1 secrets found (see --exit-code), 2 error (bad arguments,
/// an invalid rule or config, a path that does not exist, a file that could not be read). A
/// warning about an archive (corrupt, encrypted, a bomb) does not change the exit code.
#[derive(Debug, Parser)]
#[command(name = "sprawl", version, about, long_about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and folders (or standard input, as `-`) for secrets.
    ///
    /// Examples:
    ///   sprawl scan                     scan the current folder
    ///   sprawl scan src config.yml      scan a folder and a file
    ///   git diff | sprawl scan -        the lines a diff adds, at their files' lines
    ///   sprawl scan --format sarif -o sprawl.sarif
    #[command(verbatim_doc_comment)]
    Scan(ScanArgs),
    /// Scan git history once per unique blob, a range of commits, or the staged index.
    ///
    /// Examples:
    ///   sprawl git                            every blob reachable from any ref
    ///   sprawl git --range origin/main..HEAD  what a pull request adds
    ///   sprawl git --staged                   what the next commit adds (pre-commit)
    ///   sprawl git /srv/repos/app.git         a bare repository
    #[command(verbatim_doc_comment)]
    Git(GitArgs),
    /// List the rules, show one, or check that every rule finds its own examples.
    Rules {
        /// What to do with the rules.
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Print a shell completion script to standard output.
    ///
    /// Examples:
    ///   sprawl completions bash > ~/.local/share/bash-completion/completions/sprawl
    ///   sprawl completions zsh > ~/.zfunc/_sprawl
    ///   sprawl completions fish > ~/.config/fish/completions/sprawl.fish
    ///   sprawl completions powershell >> $PROFILE
    #[command(verbatim_doc_comment)]
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to standard output: `sprawl man > sprawl.1`.
    Man,
    /// Combine the JSON or JSONL reports of `--shard` runs (or of separate scans) into one.
    ///
    /// Findings are deduplicated by fingerprint and place and sorted as one scan sorts them; for
    /// the shards of one history scan, each secret is reported once, at its oldest place, with
    /// the places of every shard counted. Exits 1 if the merged report holds findings, 2 if a
    /// report cannot be read or a shard reported an error.
    ///
    /// Examples:
    ///   sprawl merge shard-*.json                  one JSON report on standard output
    ///   sprawl merge --format sarif -o all.sarif shard-1.json shard-2.json
    #[command(verbatim_doc_comment)]
    Merge(MergeArgs),
    /// List every secret once, across repositories, folders and reports: each with every place
    /// it occurs, when it was introduced, and whether HEAD still holds it or only history does.
    ///
    /// A PATH that is a git repository (its work tree root, or a bare repository) is scanned as
    /// `sprawl git --all-occurrences` scans it, and its HEAD is checked for each secret; any
    /// other folder (or file) is scanned as `sprawl scan` scans it. Secrets are grouped by rule
    /// and fingerprint, so one credential copied into five repositories is one entry with five
    /// places. Exits 1 if the inventory holds secrets, 2 if an input could not be read.
    ///
    /// Examples:
    ///   sprawl inventory                               the current repository
    ///   sprawl inventory ~/src/app ~/src/api ~/deploy  two repositories and a folder
    ///   sprawl inventory --format html -o inventory.html /srv/git/*.git
    ///   sprawl inventory --report merged.json --report-repo .
    #[command(verbatim_doc_comment)]
    Inventory(InventoryArgs),
}

/// Options of `sprawl inventory`.
#[derive(Debug, Args)]
pub struct InventoryArgs {
    /// Repositories and folders to inventory [default: `.` when no --report is given].
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// A JSON or JSONL report of `sprawl scan`, `sprawl git` or `sprawl merge`, or a JSON
    /// inventory, to add. Repeatable. Places of a report are named after the report file.
    #[arg(long = "report", value_name = "FILE")]
    pub reports: Vec<PathBuf>,

    /// The repository the --report files were scanned from (a history scan, or the shards of
    /// one): its HEAD is checked for each secret they hold in history, and it names their places.
    #[arg(long, value_name = "REPO", requires = "reports")]
    pub report_repo: Option<PathBuf>,

    /// Output format: `text` for people, `json` for tools, `html` one self-contained page to
    /// open in a browser (secrets always redacted).
    #[arg(long, value_enum, default_value_t = InventoryFormatArg::Text)]
    pub format: InventoryFormatArg,

    /// Write the inventory to FILE (created owner-only) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Where rules come from (for reports, the rules their scans used, so that HEAD can be
    /// checked and remediation shown).
    #[command(flatten)]
    pub rules: RuleSourceArgs,

    /// A config file to use for every PATH instead of the `.sprawl.yml` found at each.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore any `.sprawl.yml`.
    #[arg(long)]
    pub no_config: bool,

    /// Skip files (and blobs) larger than SIZE (as for `sprawl scan`).
    #[arg(long, value_name = "SIZE")]
    pub max_file_size: Option<String>,

    /// Do not open archives, compressed files, Office documents or notebooks.
    #[arg(long)]
    pub no_archives: bool,

    /// Do not decode base64, hex or percent-encoded text to scan it again.
    #[arg(long)]
    pub no_decode: bool,

    /// List only secrets of at least this confidence [default: each config's
    /// `min_confidence`, else low].
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub min_confidence: Option<ConfidenceArg>,

    /// Ignore the baselines the configs name: list acknowledged secrets too.
    #[arg(long)]
    pub no_baseline: bool,

    /// Threads to scan with [default: the number of cores].
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,

    /// Print secrets whole in text and JSON. By default at most their first 4 characters are
    /// shown; HTML is always redacted.
    #[arg(long)]
    pub no_redact: bool,

    /// The exit code when the inventory holds secrets.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub exit_code: u8,

    /// Print no summary: only the inventory and errors.
    #[arg(short, long)]
    pub quiet: bool,

    /// Draw no progress line on standard error.
    #[arg(long)]
    pub no_progress: bool,
}

/// `sprawl inventory --format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InventoryFormatArg {
    /// One entry per secret with its places, for people.
    Text,
    /// One JSON document (see `schema/sprawl-inventory.v1.json`).
    Json,
    /// One self-contained HTML page: a sortable, filterable table and a timeline.
    Html,
}

/// Options of `sprawl merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The reports to combine, written with `--format json` (or `jsonl`).
    #[arg(value_name = "REPORT", required = true)]
    pub reports: Vec<PathBuf>,

    /// Output format (as for `sprawl scan`). Secrets stay as the reports hold them (redacted
    /// unless the shards ran with --no-redact).
    #[arg(long, value_enum, default_value_t = FormatArg::Json)]
    pub format: FormatArg,

    /// Write the merged report to FILE (created owner-only) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// For history shards: list every place of each secret, as `sprawl git --all-occurrences`
    /// does (the shards must have run with it too), not only the oldest.
    #[arg(long)]
    pub all_occurrences: bool,

    /// The exit code when the merged report holds findings.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub exit_code: u8,

    /// Rule files the shards used, so that SARIF output can describe their rules.
    #[command(flatten)]
    pub rules: RuleSourceArgs,
}

/// Options of `sprawl scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files and folders to scan; `-` reads standard input [default: `.`, or `-` with --diff].
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Read standard input as a unified diff (`git diff`, a patch) and scan only the lines it
    /// adds, reported at the new file's path and line. Without it, standard input that starts
    /// like a diff is read as one.
    #[arg(long, conflicts_with = "no_diff")]
    pub diff: bool,

    /// Scan standard input as plain text even when it starts like a diff.
    #[arg(long)]
    pub no_diff: bool,

    /// Also scan files that .gitignore, .ignore and .git/info/exclude leave out.
    #[arg(long)]
    pub no_ignore: bool,

    /// Follow symbolic links (by default they are reported as skipped).
    #[arg(long)]
    pub follow_symlinks: bool,

    /// Options shared with `sprawl git`.
    #[command(flatten)]
    pub options: CommonArgs,
}

/// Options of `sprawl git`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("selection").multiple(false))]
pub struct GitArgs {
    /// The repository: a work tree (or a folder in one) or a bare repository.
    #[arg(value_name = "REPO", default_value = ".")]
    pub repo: PathBuf,

    /// Scan only what the commits in A..B add (those reachable from B, not from A), and report a
    /// secret only if the same path did not already hold it before the range. For CI on a push
    /// or pull request.
    #[arg(long, value_name = "A..B", group = "selection")]
    pub range: Option<String>,

    /// Like --range REV..HEAD.
    #[arg(long, value_name = "REV", group = "selection")]
    pub since_commit: Option<String>,

    /// Scan the history of one branch (or revision) instead of every ref.
    #[arg(long, value_name = "NAME", group = "selection")]
    pub branch: Option<String>,

    /// Scan the staged content (the index, not the work tree) and report what the staged change
    /// adds: the pre-commit check. Paths after `--` limit it to those files.
    #[arg(long, group = "selection")]
    pub staged: bool,

    /// List every commit and path where each secret was introduced, not only the oldest.
    #[arg(long, conflicts_with = "staged")]
    pub all_occurrences: bool,

    /// Remember which blobs were scanned, under these rules and settings, in a cache file in DIR
    /// [default: $XDG_CACHE_HOME/sprawl, else ~/.cache/sprawl], so that the next scan of this
    /// repository reads only blobs it has not seen. Give DIR as `--cache=DIR`. The cache holds
    /// blob ids and counts, never secrets; blobs that held a finding are read again.
    #[arg(
        long,
        value_name = "DIR",
        num_args = 0..=1,
        require_equals = true,
        conflicts_with = "staged"
    )]
    pub cache: Option<Option<PathBuf>>,

    /// Scan each blob of history whole. By default a blob stored in a pack as a change to
    /// another blob that held nothing is scanned only where it differs from it, which finds the
    /// same secrets several times faster; this is for checking that claim on your own history.
    #[arg(long, conflicts_with = "staged")]
    pub whole_blobs: bool,

    /// With --staged: only these paths (as the pre-commit framework passes them).
    #[arg(last = true, value_name = "PATH", requires = "staged")]
    pub pathspecs: Vec<PathBuf>,

    /// Options shared with `sprawl scan`.
    #[command(flatten)]
    pub options: CommonArgs,
}

/// Options shared by `sprawl scan` and `sprawl git`.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Output format: `text` for people, `json` one document, `jsonl` one finding per line,
    /// `sarif` SARIF 2.1.0 for code scanning, `csv` one row per finding, `junit` JUnit XML for CI
    /// test reports.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,

    /// Write the report to FILE (created owner-only) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Where rules come from.
    #[command(flatten)]
    pub rules: RuleSourceArgs,

    /// A config file to use instead of the `.sprawl.yml` found at the scan root.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore any `.sprawl.yml`.
    #[arg(long)]
    pub no_config: bool,

    /// Skip files (and blobs) larger than SIZE: bytes, or with a unit: K, M, G (powers of 1024,
    /// also KiB, MiB, GiB) or KB, MB, GB (powers of 1000) [default: the config's
    /// `max_file_size`, else 25MiB].
    #[arg(long, value_name = "SIZE")]
    pub max_file_size: Option<String>,

    /// Do not open archives, compressed files, Office documents or notebooks: archives are then
    /// skipped as binary, notebooks scanned as JSON [default: the config's `archives.enabled`].
    #[arg(long)]
    pub no_archives: bool,

    /// How many archives deep to open: 1 opens only archives found as files (or blobs), 2 also
    /// the archives inside them, and so on, up to 16 [default: the config's
    /// `archives.max_depth`, else 3].
    #[arg(long, value_name = "N", conflicts_with = "no_archives")]
    pub archive_depth: Option<u32>,

    /// Do not decode base64, hex or percent-encoded text to scan it again [default: the
    /// config's `decode.enabled`].
    #[arg(long)]
    pub no_decode: bool,

    /// How many levels of encoding to undo: 1 decodes what the input holds, 2 also what that
    /// decoded text holds (base64 of base64), up to 4; 0 is --no-decode [default: the config's
    /// `decode.max_depth`, else 2].
    #[arg(long, value_name = "N", conflicts_with = "no_decode")]
    pub decode_depth: Option<u32>,

    /// Report only findings not acknowledged in this baseline file [default: the config's
    /// `baseline`].
    #[arg(long, value_name = "FILE", conflicts_with = "no_baseline")]
    pub baseline: Option<PathBuf>,

    /// Ignore the baseline named in the config.
    #[arg(long)]
    pub no_baseline: bool,

    /// Write the findings to FILE as a baseline (keeping the reason and expiry of entries still
    /// found) and exit 0: they are acknowledged from now on.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Report only findings of at least this confidence [default: the config's
    /// `min_confidence`, else low].
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub min_confidence: Option<ConfidenceArg>,

    /// Keep every finding at its rule's confidence: do not lower to low those in test code and
    /// test data (`tests/`, `testdata/`, `fixtures/`, `foo_test.go`) or, for assignment and
    /// credential-file rules, in documentation [default: the config's `demote` section].
    #[arg(long)]
    pub no_demote: bool,

    /// List on standard error every candidate that was dropped, and what dropped it (entropy,
    /// allow lists, overlap with another rule, inline allow, rule path, confidence, baseline).
    #[arg(long)]
    pub explain: bool,

    /// Scan only part K of N (1-based) of the files (by path) or blobs (by id): N runs with
    /// K = 1..N cover everything exactly once. Combine their JSON reports with `sprawl merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,

    /// Threads to scan with [default: the number of cores]; at most the cores or 64, whichever
    /// is more.
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,

    /// Print secrets whole. By default at most their first 4 characters are shown.
    #[arg(long)]
    pub no_redact: bool,

    /// The exit code when secrets are found.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub exit_code: u8,

    /// Colour in text output: `auto` (on a terminal, unless NO_COLOR is set), `always`, `never`.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,

    /// Print no summary: only findings and errors.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Also say which config was used and list every skipped file with the reason.
    #[arg(short, long)]
    pub verbose: bool,

    /// Draw no progress line on standard error. It is drawn only on a terminal, and never when
    /// the CI environment variable is set or with --quiet.
    #[arg(long)]
    pub no_progress: bool,
}

/// Extra rule files, shared by `scan` and `rules`.
#[derive(Debug, Args)]
pub struct RuleSourceArgs {
    /// A rule file, or a folder of `*.yml` rule files, added to the built-in rules. Repeatable.
    #[arg(long = "rules", value_name = "PATH")]
    pub rule_paths: Vec<PathBuf>,
}

/// `sprawl rules ...`
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules: id, name, confidence and keywords. `--id` and `--tag` pick some.
    List {
        /// Where rules come from.
        #[command(flatten)]
        rules: RuleSourceArgs,
        /// Only rules whose id contains PATTERN, or matches it as a glob (`github.*`).
        #[arg(long = "id", value_name = "PATTERN")]
        id: Option<String>,
        /// Only rules carrying TAG. Repeatable: rules carrying any of the tags.
        #[arg(long = "tag", value_name = "TAG")]
        tags: Vec<String>,
        /// `text`: a table (cut to the terminal's width on a terminal); `json`: an array of
        /// every field of each rule, for scripts.
        #[arg(long, value_enum, default_value_t = ListFormatArg::Text)]
        format: ListFormatArg,
    },
    /// Show everything about one rule: fields, pattern, examples and where it was defined.
    /// Exits 2 if no rule has the id.
    Show {
        /// The rule's id (`github.pat`).
        #[arg(value_name = "ID")]
        id: String,
        /// Where rules come from.
        #[command(flatten)]
        rules: RuleSourceArgs,
    },
    /// Run every rule's examples and negative examples through the full matcher and list every
    /// problem. Exits 1 if any example fails, 2 if the rules do not load.
    Check {
        /// Where rules come from.
        #[command(flatten)]
        rules: RuleSourceArgs,
    },
}

/// `--format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Findings grouped by file, for people.
    Text,
    /// One JSON document with findings, stats and errors.
    Json,
    /// One JSON object per finding, one per line.
    Jsonl,
    /// SARIF 2.1.0.
    Sarif,
    /// One CSV row per finding (the JSON finding fields), after a header row.
    Csv,
    /// JUnit XML for CI test reports: one failing test case per finding.
    Junit,
}

/// `sprawl rules list --format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormatArg {
    /// A table for people.
    Text,
    /// A JSON array of rules.
    Json,
}

/// `--min-confidence` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConfidenceArg {
    /// Every finding.
    Low,
    /// Medium and high.
    Medium,
    /// High only.
    High,
}

/// `--color` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colour on a terminal unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
