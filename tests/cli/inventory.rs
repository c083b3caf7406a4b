//! `sprawl inventory`: one entry per secret across repositories, folders and reports, with
//! every place, the commits that wrote it, and what HEAD says; text, JSON (with its schema) and
//! the self-contained HTML page. Repositories are built with the git fixture of `git.rs`, secrets
//! with [`github_pat`], at run time. The page is tested in a real browser too, by
//! `tests/browser/` (run in CI); here it is read as text.

use std::path::{Path, PathBuf};

use git2::Oid;
use serde_json::json;
use sprawl::inventory::{schema, InventoryReport, SecretRecord, Status, INVENTORY_VERSION};

use crate::git::{date_of, pat_line, shallow_clone, Fixture};
use crate::util::{github_pat, run, Run, TestEnv};

/// `sprawl inventory --no-config --no-progress ARGS` in `cwd`.
fn inventory(cwd: &Path, args: &[&str]) -> Run {
    let env = TestEnv::new();
    run(env
        .sprawl()
        .current_dir(cwd)
        .args(["inventory", "--no-config", "--no-progress"])
        .args(args))
}

/// The JSON inventory of `args`, and the run.
fn inventory_json(cwd: &Path, args: &[&str]) -> (InventoryReport, Run) {
    let run = inventory(cwd, &[&["--format", "json"], args].concat());
    let report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|err| panic!("not an inventory: {err}\n{run:?}"));
    (report, run)
}

fn text(path: &Path) -> String {
    path.display().to_string()
}

/// The `github.pat` secret of seed `seed`, found by its fingerprint.
#[track_caller]
fn secret_of(report: &InventoryReport, seed: u64) -> &SecretRecord {
    let fingerprint = sprawl::finding::fingerprint("github.pat", github_pat(seed).as_bytes());
    report
        .secrets
        .iter()
        .find(|secret| secret.fingerprint == fingerprint)
        .unwrap_or_else(|| panic!("no secret of seed {seed} in {report:#?}"))
}

/// A place as (repository, path, status, removing commit, commits that wrote it).
type Place = (String, String, Status, Option<String>, Vec<String>);

/// Each place of `secret`.
fn places(secret: &SecretRecord) -> Vec<Place> {
    secret
        .places
        .iter()
        .map(|place| {
            (
                place.repository.clone(),
                place.path.clone(),
                place.status,
                place.removed.as_ref().map(|commit| commit.id.clone()),
                place.commits.iter().map(|o| o.commit.id.clone()).collect(),
            )
        })
        .collect()
}

/// Two repositories sharing a secret (seed 1), as in the README's demo:
///
/// - `app`: commit 0 writes it into `settings.py`, commit 1 takes it out, commit 2 pastes it
///   into `release.sh` (line 2), where HEAD still holds it.
/// - `api`: commit 0 is a README, commit 1 writes it into `sync.py` and a second secret (seed 2)
///   into `compose.yml`, commit 2 deletes `sync.py`.
struct TwoRepos {
    app: Fixture,
    api: Fixture,
    app_commits: Vec<Oid>,
    api_commits: Vec<Oid>,
}

fn two_repos() -> TwoRepos {
    let mut app = Fixture::new();
    let app_commits = vec![
        app.commit(
            "main",
            "add settings",
            &[("settings.py", Some(&pat_line(1)))],
        ),
        app.commit(
            "main",
            "token from the environment",
            &[("settings.py", Some("pat = env\n"))],
        ),
        app.commit(
            "main",
            "release script",
            &[("release.sh", Some(&format!("#!/bin/sh\n{}\n", pat_line(1))))],
        ),
    ];
    let mut api = Fixture::new();
    let api_commits = vec![
        api.commit("main", "readme", &[("README", Some("api\n"))]),
        api.commit(
            "main",
            "sync tool",
            &[
                ("sync.py", Some(&pat_line(1))),
                ("compose.yml", Some(&format!("x: 1\n{}\n", pat_line(2)))),
            ],
        ),
        api.commit("main", "remove the sync tool", &[("sync.py", None)]),
    ];
    TwoRepos {
        app,
        api,
        app_commits,
        api_commits,
    }
}

#[test]
fn inventory_lists_a_secret_copied_into_two_repositories_once_with_every_place() {
    let repos = two_repos();
    let (app, api) = (text(repos.app.root()), text(repos.api.root()));
    let (report, run) = inventory_json(Path::new("/"), &[&app, &api]);
    run.code(1);
    assert_eq!(report.version, INVENTORY_VERSION);
    assert_eq!(report.secrets.len(), 2, "{report:#?}");
    let shared = secret_of(&report, 1);
    let id = |oid: &Oid| oid.to_string();
    let (a, p) = (&repos.app_commits, &repos.api_commits);
    // Places are sorted by repository (temp folders, in any order), then path.
    let mut expected = vec![
        (
            api.clone(),
            "sync.py".into(),
            Status::History,
            Some(id(&p[2])),
            vec![id(&p[1])],
        ),
        (
            app.clone(),
            "release.sh".into(),
            Status::Present,
            None,
            vec![id(&a[2])],
        ),
        (
            app.clone(),
            "settings.py".into(),
            Status::History,
            Some(id(&a[1])),
            vec![id(&a[0])],
        ),
    ];
    expected.sort();
    assert_eq!(places(shared), expected);
    assert_eq!(shared.status, Status::Present);
    let mut both = [api.clone(), app.clone()];
    both.sort();
    assert_eq!(shared.repositories, both);
    let release = shared
        .places
        .iter()
        .find(|p| p.path == "release.sh")
        .unwrap();
    assert_eq!(release.lines, [2], "the line at HEAD");
    let first = shared.first_seen.as_ref().unwrap();
    assert_eq!(
        (first.repository.as_str(), first.path.as_str()),
        (app.as_str(), "settings.py")
    );
    assert_eq!(first.commit.date, date_of(0));
    let last = shared.last_seen.as_ref().unwrap();
    assert_eq!(
        (last.commit.id.as_str(), last.commit.date.as_str()),
        (id(&a[2]).as_str(), date_of(2).as_str())
    );
    assert!(shared.removed.is_none(), "still present in app");
    assert_eq!(shared.secret, "ghp_…", "redacted by default");
    // The other secret is only in api, still there.
    let other = secret_of(&report, 2);
    assert_eq!(
        places(other),
        vec![(
            api.clone(),
            "compose.yml".into(),
            Status::Present,
            None,
            vec![id(&p[1])]
        )]
    );
    assert_eq!(other.places[0].lines, [2]);
    // Sources say what HEAD was.
    let heads: Vec<(String, Option<String>, Option<String>)> = report
        .sources
        .iter()
        .map(|s| {
            (
                s.name.clone(),
                s.head.as_ref().map(|c| c.id.clone()),
                s.branch.clone(),
            )
        })
        .collect();
    assert_eq!(
        heads,
        vec![
            (app.clone(), Some(id(&a[2])), Some("main".into())),
            (api.clone(), Some(id(&p[2])), Some("main".into())),
        ]
    );
    assert_eq!(report.summary.secrets, 2);
    assert_eq!((report.summary.present, report.summary.places), (2, 4));
    // The rule is described with its family's remediation.
    let rule = &report.rules["github.pat"];
    assert_eq!(rule.family, "github");
    let remediation = rule.remediation.as_ref().unwrap();
    assert!(remediation.references[0].starts_with("https://docs.github.com/"));
    assert!(remediation.instead.contains("Azure Key Vault"));
    assert!(
        run.stderr
            .contains("sprawl: inventory: 2 secrets (2 present) in 4 places, from 2 repositories"),
        "{run:?}"
    );
}

#[test]
fn a_secret_removed_and_written_again_is_removed_by_the_last_removal() {
    let mut repo = Fixture::new();
    let add = |repo: &mut Fixture, message: &str| {
        repo.commit("main", message, &[("a.env", Some(&pat_line(3)))])
    };
    add(&mut repo, "add");
    repo.commit("main", "remove", &[("a.env", Some("clean\n"))]);
    let again = add(&mut repo, "add again");
    let last = repo.commit("main", "remove again", &[("a.env", None)]);
    let (report, _) = inventory_json(repo.root(), &["."]);
    let secret = secret_of(&report, 3);
    assert_eq!(secret.status, Status::History);
    assert_eq!(
        secret.places[0].removed.as_ref().unwrap().id,
        last.to_string()
    );
    assert_eq!(secret.removed.as_ref().unwrap().commit.id, last.to_string());
    assert_eq!(secret.places[0].commits.len(), 2);
    assert_eq!(
        secret.last_seen.as_ref().unwrap().commit.id,
        again.to_string()
    );
    // `.` is named after the folder.
    let name = repo
        .root()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert_eq!(secret.places[0].repository, name);
}

#[test]
fn a_secret_on_an_unmerged_branch_is_history_with_no_known_removal() {
    let mut repo = Fixture::new();
    let base = repo.commit("main", "base", &[("README", Some("x\n"))]);
    repo.branch("experiment", base);
    let side = repo.commit("experiment", "try it", &[("try.env", Some(&pat_line(4)))]);
    repo.commit("main", "more", &[("README", Some("y\n"))]);
    let (report, _) = inventory_json(repo.root(), &["."]);
    let secret = secret_of(&report, 4);
    assert_eq!(places(secret)[0].2, Status::History);
    assert_eq!(places(secret)[0].3, None);
    assert_eq!(places(secret)[0].4, vec![side.to_string()]);
    assert!(secret.removed.is_none());
    let text = inventory(repo.root(), &["."]);
    assert!(
        text.stdout
            .contains("try.env:1  not at HEAD (never on HEAD's first-parent line)"),
        "{text:?}"
    );
}

#[test]
fn a_secret_merged_in_from_a_branch_and_removed_on_main_names_the_removal() {
    let mut repo = Fixture::new();
    let base = repo.commit("main", "base", &[("README", Some("x\n"))]);
    repo.branch("feature", base);
    let feature = repo.commit("feature", "add config", &[("conf.env", Some(&pat_line(5)))]);
    let merge = repo.commit_on(
        &[base, feature],
        "merge feature",
        &[("conf.env", Some(&pat_line(5)))],
    );
    repo.branch("main", merge);
    let removal = repo.commit("main", "drop config", &[("conf.env", None)]);
    let (report, _) = inventory_json(repo.root(), &["."]);
    let secret = secret_of(&report, 5);
    assert_eq!(places(secret)[0].2, Status::History);
    assert_eq!(places(secret)[0].3, Some(removal.to_string()));
}

#[test]
fn a_folder_is_inventoried_as_files_and_named_within() {
    let env = TestEnv::new();
    env.create("deploy/prod.env", format!("{}\n", pat_line(6)));
    env.create("deploy/nested/more.env", format!("x\n{}\n", pat_line(6)));
    let (report, run) = inventory_json(env.root(), &["deploy"]);
    run.code(1);
    let secret = secret_of(&report, 6);
    let found: Vec<(&str, &str, Status, &[usize])> = secret
        .places
        .iter()
        .map(|p| {
            (
                p.repository.as_str(),
                p.path.as_str(),
                p.status,
                p.lines.as_slice(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("deploy", "nested/more.env", Status::Present, &[2][..]),
            ("deploy", "prod.env", Status::Present, &[1][..]),
        ]
    );
    assert!(secret.first_seen.is_none() && secret.places.iter().all(|p| p.commits.is_empty()));
    let text = inventory(env.root(), &["deploy"]);
    assert!(
        text.stdout
            .contains("    deploy  prod.env:1  present in the files\n"),
        "{text:?}"
    );
}

#[test]
fn text_names_places_commits_removals_and_the_commands_to_see_them() {
    let repos = two_repos();
    let app = text(repos.app.root());
    let run = inventory(Path::new("/"), &[&app]);
    run.code(1);
    let a = &repos.app_commits;
    let short = |oid: &Oid| oid.to_string()[..12].to_string();
    let out = &run.stdout;
    assert!(out.starts_with("1 secret (1 present) in 2 places, from 1 repository\n\n[1] github.pat  ghp_…  high  PRESENT\n"), "{out}");
    for line in [
        format!("    {app}  release.sh:2  present at HEAD"),
        format!("        written by {}  {}  Ada Lovelace  release script  (line 2)", short(&a[2]), date_of(2)),
        format!("        git -C {app} show HEAD:release.sh"),
        format!("    {app}  settings.py:1  removed by {} {} Ada Lovelace: token from the environment", short(&a[1]), date_of(1)),
        format!("        git -C {app} show {}:settings.py", short(&a[0])),
        "    rotate: https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens  (how: sprawl rules show github.pat)".to_string(),
    ] {
        assert!(out.lines().any(|l| l == line), "missing {line:?} in\n{out}");
    }
    assert!(!out.contains(&github_pat(1)), "{out}");
}

#[test]
fn hostile_names_and_messages_are_escaped_in_html_and_made_printable_in_text() {
    let mut repo = Fixture::new();
    let path = "<img src=x onerror=alert(1)>.env";
    repo.commit(
        "main",
        "<script>alert('msg')</script> \u{1b}[31mred",
        &[(path, Some(&pat_line(7)))],
    );
    let env = TestEnv::new();
    let out = env.aux_path("inventory.html");
    let run = inventory(repo.root(), &[".", "--format", "html", "-o", &text(&out)]);
    run.code(1);
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(!page.contains("<img"), "an unescaped path");
    assert!(!page.contains("<script>alert"), "an unescaped message");
    assert!(
        page.contains("&lt;img src=x onerror=alert(1)&gt;.env"),
        "the path, escaped"
    );
    assert!(!page.contains('\u{1b}'));
    let text_run = inventory(repo.root(), &["."]);
    assert!(!text_run.stdout.contains('\u{1b}'), "{text_run:?}");
    assert!(text_run.stdout.contains("\u{FFFD}[31mred"), "{text_run:?}");
}

/// The `'sha256-…'` CSP source of `text`.
fn csp_hash(text: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The text between `open` and `close` in `page`, which must hold exactly one such element.
#[track_caller]
fn only_element<'a>(page: &'a str, open: &str, close: &str) -> &'a str {
    assert_eq!(page.matches(open).count(), 1, "{open} more than once");
    let start = page.find(open).unwrap() + open.len();
    let end = start + page[start..].find(close).unwrap();
    &page[start..end]
}

#[test]
fn the_html_page_is_one_self_contained_owner_only_file_with_secrets_redacted() {
    let repos = two_repos();
    let env = TestEnv::new();
    let out = env.aux_path("report.html");
    let run = inventory(
        Path::new("/"),
        &[
            &text(repos.app.root()),
            &text(repos.api.root()),
            "--format",
            "html",
            "-o",
            &text(&out),
        ],
    );
    run.code(1);
    assert_eq!(run.stdout, "");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{mode:o}");
    }
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    // Nothing is loaded: no src, no style sheet or script by reference, no font.
    for needle in [
        " src=",
        "<link rel=\"stylesheet\"",
        "@import",
        "url(",
        "@font-face",
        "<iframe",
        "<object",
    ] {
        assert!(!page.contains(needle), "{needle} in the page");
    }
    // The only links go to the providers' pages, to be followed by hand.
    for (at, _) in page.match_indices("href=\"") {
        let target = &page[at + 6..];
        assert!(
            target.starts_with("https://")
                || target.starts_with('#')
                || target.starts_with("data:,"),
            "{}",
            &target[..40.min(target.len())]
        );
    }
    // The policy allows the page's own style sheet and script, by hash, and nothing else.
    let style = only_element(&page, "<style>", "</style>");
    let script = only_element(&page, "<script>", "</script>");
    let policy = format!(
        "default-src 'none'; style-src {}; script-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(style),
        csp_hash(script)
    );
    assert!(
        page.contains(&format!(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">"
        )),
        "{page}"
    );
    for seed in [1, 2] {
        assert!(!page.contains(&github_pat(seed)), "secret {seed} in clear");
        assert!(
            !page.contains(&github_pat(seed)[..10]),
            "secret {seed} in part"
        );
    }
    // The table, the filters, the timeline and the places are there.
    for id in [
        "id=\"inventory\"",
        "id=\"filter-repository\"",
        "id=\"filter-status\"",
        "id=\"timeline\"",
        "id=\"secret-2\"",
    ] {
        assert!(page.contains(id), "no {id}");
    }
    let removal = repos.api_commits[2].to_string();
    assert!(page.contains(&format!(
        "git -C {} show {}:sync.py",
        text(repos.api.root()),
        &repos.api_commits[1].to_string()[..12]
    )));
    assert!(page.contains(&format!("removed by <code>{}</code>", &removal[..12])));
}

#[test]
fn html_never_holds_secrets_in_clear() {
    let env = TestEnv::new();
    let run = inventory(env.root(), &[".", "--format", "html", "--no-redact"]);
    run.code(2);
    assert_eq!(
        run.stderr,
        "sprawl: error: --no-redact: the HTML inventory never holds secrets in clear (use --format json)\n"
    );
}

#[test]
fn no_redact_shows_secrets_whole_in_json() {
    let mut repo = Fixture::new();
    repo.commit("main", "add", &[("a.env", Some(&pat_line(8)))]);
    let (report, _) = inventory_json(repo.root(), &[".", "--no-redact"]);
    assert_eq!(secret_of(&report, 8).secret, github_pat(8));
}

#[test]
fn nothing_found_is_an_empty_inventory_and_exit_0() {
    let env = TestEnv::new();
    env.create("clean/readme.txt", "nothing here\n");
    let empty = Fixture::new();
    let (report, run) = inventory_json(
        Path::new("/"),
        &[&text(&env.path("clean")), &text(empty.root())],
    );
    run.code(0);
    assert!(report.secrets.is_empty());
    assert_eq!(report.sources.len(), 2);
    assert!(
        report.sources[1].head.is_none(),
        "an empty repository has no HEAD commit"
    );
    let html = inventory(env.root(), &["clean", "--format", "html"]);
    html.code(0);
    assert!(html
        .stdout
        .contains("<p id=\"empty\">No secrets found.</p>"));
}

#[test]
fn a_path_that_does_not_exist_is_an_error() {
    let env = TestEnv::new();
    let run = inventory(env.root(), &["missing"]);
    run.code(2);
    assert!(
        run.stderr
            .starts_with("sprawl: error: missing: no such file or folder"),
        "{run:?}"
    );
}

/// `sprawl git ARGS --format json --all-occurrences -o FILE` in `repo`.
fn git_report(repo: &Path, file: &Path, args: &[&str]) {
    let env = TestEnv::new();
    run(env
        .sprawl()
        .current_dir(repo)
        .args([
            "git",
            "--no-config",
            "--all-occurrences",
            "--format",
            "json",
            "-o",
        ])
        .arg(file)
        .args(args))
    .code(1);
}

/// The secrets of `report` as comparable values: rule, fingerprint, status, and each place's
/// path, status, removal and commits.
fn essence(report: &InventoryReport) -> serde_json::Value {
    report
        .secrets
        .iter()
        .map(|secret| {
            json!({
                "fingerprint": secret.fingerprint,
                "status": secret.status,
                "places": secret.places.iter().map(|place| json!([
                    place.path, place.status, place.removed, place.lines,
                    place.commits.iter().map(|o| (&o.commit.id, o.line)).collect::<Vec<_>>(),
                ])).collect::<Vec<_>>(),
            })
        })
        .collect()
}

#[test]
fn reports_are_unknown_without_their_repository_and_match_a_direct_inventory_with_it() {
    let repos = two_repos();
    let env = TestEnv::new();
    let app = repos.app.root();
    let report = env.aux_path("app.json");
    git_report(app, &report, &[]);
    let (unknown, first) = inventory_json(env.root(), &["--report", &text(&report)]);
    first.code(1);
    let secret = secret_of(&unknown, 1);
    assert_eq!(secret.status, Status::Unknown);
    assert!(secret
        .places
        .iter()
        .all(|p| p.status == Status::Unknown && p.repository == text(&report)));
    assert_eq!(
        unknown.sources[0].kind,
        sprawl::inventory::SourceKind::Report
    );
    // Shards of the scan, joined by `sprawl merge`, with the repository to ask HEAD.
    let shards: Vec<PathBuf> = (1..=2)
        .map(|k| env.aux_path(&format!("shard-{k}.json")))
        .collect();
    for (k, shard) in shards.iter().enumerate() {
        let env = TestEnv::new();
        let done = run(env
            .sprawl()
            .current_dir(app)
            .args([
                "git",
                "--no-config",
                "--all-occurrences",
                "--format",
                "json",
                "--exit-code",
                "0",
                "--shard",
            ])
            .arg(format!("{}/2", k + 1))
            .arg("-o")
            .arg(shard));
        done.code(0);
    }
    let merged = env.aux_path("merged.json");
    let merge = run(env
        .sprawl()
        .args(["merge", "--all-occurrences", "-o"])
        .arg(&merged)
        .args(&shards));
    merge.code(1);
    let (resolved, _) = inventory_json(
        env.root(),
        &["--report", &text(&merged), "--report-repo", &text(app)],
    );
    let (direct, _) = inventory_json(Path::new("/"), &[&text(app)]);
    assert_eq!(essence(&resolved), essence(&direct));
    assert_eq!(resolved.secrets[0].places[0].repository, text(app));
    assert_eq!(resolved.sources[0].head, direct.sources[0].head);
}

#[test]
fn reports_written_in_clear_are_redacted_unless_no_redact() {
    let mut repo = Fixture::new();
    repo.commit("main", "add", &[("a.env", Some(&pat_line(9)))]);
    let env = TestEnv::new();
    let report = env.aux_path("clear.json");
    git_report(repo.root(), &report, &["--no-redact"]);
    let (redacted, _) = inventory_json(env.root(), &["--report", &text(&report)]);
    assert_eq!(secret_of(&redacted, 9).secret, "ghp_…");
    let (clear, _) = inventory_json(env.root(), &["--report", &text(&report), "--no-redact"]);
    assert_eq!(secret_of(&clear, 9).secret, github_pat(9));
}

#[test]
fn inventories_made_apart_join_into_the_inventory_of_all() {
    let repos = two_repos();
    let env = TestEnv::new();
    let (app, api) = (text(repos.app.root()), text(repos.api.root()));
    let parts = [env.aux_path("app.json"), env.aux_path("api.json")];
    for (repo, part) in [(&app, &parts[0]), (&api, &parts[1])] {
        inventory(
            Path::new("/"),
            &[repo, "--format", "json", "-o", &text(part)],
        )
        .code(1);
    }
    let (joined, done) = inventory_json(
        env.root(),
        &["--report", &text(&parts[0]), "--report", &text(&parts[1])],
    );
    done.code(1);
    let (direct, _) = inventory_json(Path::new("/"), &[&app, &api]);
    assert_eq!(joined.secrets, direct.secrets);
    assert_eq!(joined.summary, direct.summary);
    assert_eq!(joined.sources, direct.sources);
    assert_eq!(joined.rules, direct.rules);
}

#[test]
fn a_newer_inventory_version_is_refused_and_a_broken_one_named() {
    let env = TestEnv::new();
    let summary = r#"{"secrets": 0, "present": 0, "history": 0, "unknown": 0, "places": 0, "high": 0, "medium": 0, "low": 0}"#;
    let future = env.create_aux(
        "future.json",
        format!(r#"{{"version": 2, "summary": {summary}, "sources": [], "secrets": [], "rules": {{}}, "errors": []}}"#),
    );
    let run = inventory(env.root(), &["--report", &text(&future)]);
    run.code(2);
    assert_eq!(
        run.stderr,
        format!(
            "sprawl: error: {}: a version 2 inventory; this sprawl reads version 1\n",
            future.display()
        )
    );
    let broken = env.create_aux(
        "broken.json",
        r#"{"version": 1, "secrets": [{"rule_id": 3}]}"#,
    );
    let run = inventory(env.root(), &["--report", &text(&broken)]);
    run.code(2);
    assert!(
        run.stderr.starts_with(&format!(
            "sprawl: error: {}: not a sprawl inventory: ",
            broken.display()
        )),
        "{run:?}"
    );
}

/// `schema/sprawl-inventory.v<INVENTORY_VERSION>.json` in the repository.
fn committed_schema() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("schema")
        .join(format!("sprawl-inventory.v{INVENTORY_VERSION}.json"))
}

#[test]
fn inventory_schema_committed_copy_is_up_to_date() {
    let path = committed_schema();
    let generated = format!("{}\n", serde_json::to_string_pretty(&schema()).unwrap());
    if std::env::var_os("SPRAWL_UPDATE_SCHEMA").is_some_and(|value| !value.is_empty()) {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is out of date with src/inventory/record.rs; regenerate it with `SPRAWL_UPDATE_SCHEMA=1 cargo test schema`",
        path.display()
    );
}

#[test]
fn inventory_schema_validates_real_output_and_rejects_what_it_never_holds() {
    let repos = two_repos();
    let env = TestEnv::new();
    env.create("deploy/prod.env", format!("{}\n", pat_line(1)));
    let run = inventory(
        env.root(),
        &[
            &text(repos.app.root()),
            &text(repos.api.root()),
            "deploy",
            "--format",
            "json",
        ],
    );
    let mut value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let validator = jsonschema::validator_for(&schema()).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    value["secrets"][0]["status"] = json!("gone");
    value["secrets"][0]["places"][0]["surprise"] = json!(1);
    assert_eq!(validator.iter_errors(&value).count(), 2);
}

#[test]
fn a_hostile_inventory_read_back_is_escaped_and_draws_no_wild_timeline() {
    let env = TestEnv::new();
    let commit = |date: &str| json!({"id": "<b>c</b>", "date": date, "author": "<i>a</i>", "email": "e", "message": "<script>x</script>"});
    // A secret in clear, as an inventory written with --no-redact holds it (built here, so that
    // this file holds no literal for the self-scan to find).
    let secret = format!("acme_live_{}", "plaintext_value");
    let place = json!({
        "repository": "<img src=x>", "path": "a\u{1b}[2J.env", "lines": [1], "status": "history",
        "removed": commit("not a date"),
        "commits": [{"commit": commit("1800-01-01T00:00:00Z"), "line": 1, "column": 1}]
    });
    let hostile = json!({
        "version": 1,
        "summary": {"secrets": 1, "present": 0, "history": 1, "unknown": 0, "places": 1, "high": 1, "medium": 0, "low": 0},
        "sources": [{"name": "<img src=x>", "kind": "repository", "path": "p"}],
        "secrets": [{
            "rule_id": "acme.key", "rule_name": "<u>n</u>", "confidence": "high",
            "fingerprint": "f", "secret": secret, "status": "history",
            "repositories": ["<img src=x>"], "places": [place]
        }],
        "rules": {"acme.key": {"name": "n", "family": "acme", "remediation": {
            "rotate": "`x` <b>", "references": ["javascript:alert(1)"], "instead": "i"}}},
        "errors": []
    });
    let file = env.create_aux("hostile.json", hostile.to_string());
    let out = env.aux_path("hostile.html");
    let run = inventory(
        env.root(),
        &[
            "--report",
            &text(&file),
            "--format",
            "html",
            "-o",
            &text(&out),
        ],
    );
    run.code(1);
    let page = std::fs::read_to_string(&out).unwrap();
    for needle in [
        "<img",
        "<script>x",
        "<b>c",
        "<i>a",
        "<u>n",
        "acme_live",
        "\u{1b}",
        "href=\"javascript:",
    ] {
        assert!(!page.contains(needle), "{needle:?} in the page");
    }
    assert!(page.contains("&lt;img src=x&gt;"));
    assert!(!page.contains("href=\"javascript:"));
    // Every drawn x stays inside the plot.
    for (at, _) in page.match_indices(" x1=\"") {
        let value: f64 = page[at + 5..].split('"').next().unwrap().parse().unwrap();
        assert!((0.0..=1000.0).contains(&value), "{value}");
    }
}

#[test]
fn a_shallow_clone_is_inventoried_with_a_warning_naming_it_once() {
    let mut fx = Fixture::new();
    fx.commit("main", "old", &[("old.env", Some(&pat_line(10)))]);
    fx.commit("main", "gone", &[("old.env", None)]);
    fx.commit("main", "kept", &[("app.env", Some(&pat_line(11)))]);
    let clone = shallow_clone(&fx);
    let (report, run) = inventory_json(clone.path(), &["."]);
    run.code(1);
    assert_eq!(
        report.secrets.len(),
        1,
        "the old secret is behind the boundary"
    );
    assert_eq!(secret_of(&report, 11).status, Status::Present);
    let name = clone
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert_eq!(report.warnings.len(), 1, "{:#?}", report.warnings);
    assert_eq!(report.warnings[0].path, name);
    assert!(report.warnings[0].message.contains("shallow clone"));
    assert!(
        run.stderr.contains(&format!(
            "sprawl: warning: {name}: the repository is a shallow clone"
        )),
        "{run:?}"
    );
}

#[test]
fn a_secret_in_a_commit_message_is_masked_in_the_inventory_unless_no_redact() {
    let mut repo = Fixture::new();
    let pat = github_pat(3);
    repo.commit(
        "main",
        &format!("deploy with {pat}"),
        &[("deploy.sh", Some(&pat_line(3)))],
    );
    let root = text(repo.root());
    let message = |report: &InventoryReport| {
        secret_of(report, 3).places[0].commits[0]
            .commit
            .message
            .clone()
    };
    let (report, run) = inventory_json(Path::new("/"), &[&root]);
    run.code(1);
    let masked = message(&report);
    assert!(
        masked.starts_with("deploy with ") && !masked.contains(&pat),
        "{masked}"
    );
    let (report, run) = inventory_json(Path::new("/"), &["--no-redact", &root]);
    run.code(1);
    assert_eq!(message(&report), format!("deploy with {pat}"));
}
