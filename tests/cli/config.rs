//! `.sprawl.yml`: found at the scan root, replaced with `--config`, ignored with `--no-config`,
//! and refused loudly when it has a field sprawl does not know.

use crate::util::{finding_paths, run, token, TestEnv};

/// Secrets in `fixtures/`, in a `.lock` file deep down, and in `src/`.
fn plant(env: &TestEnv) {
    env.create("fixtures/sample.txt", format!("x = {}\n", token(1)));
    env.create("deep/er/deps.lock", format!("x = {}\n", token(2)));
    env.create("src/main.txt", format!("x = {}\n", token(3)));
}

/// `sprawl scan --rules aux/rules.yml --format json` without `--no-config`, plus `args`.
fn scan_with_config(env: &TestEnv, args: &[&str]) -> (Vec<String>, crate::util::Run) {
    let run = run(env
        .sprawl()
        .args(["scan", "--format", "json", "--rules"])
        .arg(env.rules_file())
        .args(args));
    let paths = if run.code == Some(2) {
        Vec::new()
    } else {
        finding_paths(&run.json())
            .into_iter()
            .map(str::to_string)
            .collect()
    };
    (paths, run)
}

#[test]
fn exclude_paths_in_the_root_config_leave_files_out() {
    let env = TestEnv::new();
    plant(&env);
    env.create(
        ".sprawl.yml",
        "exclude_paths:\n  - fixtures/\n  - '*.lock'\n",
    );
    let (paths, run) = scan_with_config(&env, &["."]);
    run.code(1);
    assert_eq!(paths, ["src/main.txt"]);
    // The same config is found when the root is named rather than implied.
    let (paths, run) = scan_with_config(&env, &[]);
    run.code(1);
    assert_eq!(paths, ["src/main.txt"]);
}

#[test]
fn exclude_paths_apply_to_files_named_on_the_command_line() {
    let env = TestEnv::new();
    plant(&env);
    env.create(".sprawl.yml", "exclude_paths: [fixtures/, '*.lock']\n");
    let (paths, run) = scan_with_config(
        &env,
        &["fixtures/sample.txt", "deep/er/deps.lock", "src/main.txt"],
    );
    run.code(1);
    assert_eq!(paths, ["src/main.txt"]);
    let (paths, run) = scan_with_config(&env, &["fixtures/sample.txt"]);
    run.code(0);
    assert!(paths.is_empty());
}

#[test]
fn no_config_ignores_the_config_file() {
    let env = TestEnv::new();
    plant(&env);
    env.create(".sprawl.yml", "exclude_paths: [fixtures/, '*.lock']\n");
    let (paths, run) = scan_with_config(&env, &["--no-config", "."]);
    run.code(1);
    assert_eq!(
        paths,
        ["deep/er/deps.lock", "fixtures/sample.txt", "src/main.txt"]
    );
}

#[test]
fn config_flag_uses_another_file_instead() {
    let env = TestEnv::new();
    plant(&env);
    env.create(".sprawl.yml", "exclude_paths: [fixtures/]\n");
    env.create("ci/sprawl-ci.yml", "exclude_paths: ['/main.txt']\n");
    env.create("ci/main.txt", format!("x = {}\n", token(4)));
    // Globs are relative to the config file's folder: `/main.txt` is `ci/main.txt` only.
    let (paths, run) = scan_with_config(&env, &["--config", "ci/sprawl-ci.yml", "."]);
    run.code(1);
    assert_eq!(
        paths,
        ["deep/er/deps.lock", "fixtures/sample.txt", "src/main.txt"]
    );
}

#[test]
fn verbose_names_the_config_in_use() {
    let env = TestEnv::new();
    env.create(".sprawl.yml", "exclude_paths: []\n");
    env.create("other.yml", "exclude_paths: []\n");
    let (_, found) = scan_with_config(&env, &["-v", "."]);
    found.code(0);
    let expected = env.root().canonicalize().unwrap().join(".sprawl.yml");
    assert!(
        found
            .stderr
            .starts_with(&format!("sprawl: using config {}\n", expected.display())),
        "{found:?}"
    );
    let (_, chosen) = scan_with_config(&env, &["-v", "--config", "other.yml", "."]);
    chosen.code(0);
    assert!(
        chosen
            .stderr
            .starts_with("sprawl: using config other.yml\n"),
        "{chosen:?}"
    );
}

#[test]
fn a_config_with_an_unknown_field_names_the_file_line_and_field() {
    let env = TestEnv::new();
    plant(&env);
    env.create(
        ".sprawl.yml",
        "exclude_paths: [fixtures/]\nexclude_path: [src/]\n",
    );
    let (_, run) = scan_with_config(&env, &["."]);
    run.code(2);
    let file = env.root().canonicalize().unwrap().join(".sprawl.yml");
    assert!(
        run.stderr.starts_with(&format!(
            "sprawl: error: {}:2: invalid config: unknown field `exclude_path`",
            file.display()
        )),
        "{run:?}"
    );
    assert_eq!(run.stdout, "");

    env.create("custom.yml", "exclude_paths: []\nexcludes: []\n");
    let (_, run) = scan_with_config(&env, &["--config", "custom.yml", "."]);
    run.code(2);
    assert!(
        run.stderr
            .starts_with("sprawl: error: custom.yml:2: invalid config: unknown field `excludes`"),
        "{run:?}"
    );
}

#[test]
fn a_missing_config_file_given_with_config_exits_2() {
    let env = TestEnv::new();
    let (_, run) = scan_with_config(&env, &["--config", "absent.yml", "."]);
    run.code(2);
    assert!(
        run.stderr
            .starts_with("sprawl: error: cannot read config file absent.yml"),
        "{run:?}"
    );
}

#[test]
fn an_empty_stopword_is_refused_by_name_not_a_panic() {
    let env = TestEnv::new();
    plant(&env);
    env.create(".sprawl.yml", "allow:\n  stopwords: [fixture, '']\n");
    let (_, run) = scan_with_config(&env, &["."]);
    run.code(2);
    assert!(
        run.stderr
            .contains(".sprawl.yml: field `allow.stopwords[1]`: an empty stopword")
            && !run.stderr.contains("panicked"),
        "{}",
        run.stderr
    );
    env.create(
        ".sprawl.yml",
        "rules:\n  overrides:\n    test.token:\n      allow:\n        stopwords: ['']\n",
    );
    let (_, run) = scan_with_config(&env, &["."]);
    run.code(2);
    assert!(
        run.stderr
            .contains("field `rules.overrides.test.token.allow.stopwords[0]`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_thread_count_far_past_the_cores_is_lowered_and_said() {
    let env = TestEnv::new();
    plant(&env);
    let (paths, run) = scan_with_config(&env, &["--no-config", "-j", "4096", "."]);
    run.code(1);
    assert_eq!(paths.len(), 3);
    let cap =
        sprawl::config::max_threads(std::thread::available_parallelism().map_or(1, |n| n.get()));
    assert!(
        run.stderr
            .contains("sprawl: note: --threads 4096 is more than sprawl runs on")
            && run.stderr.contains(&format!("cores: using {cap}\n")),
        "{}",
        run.stderr
    );
    let (_, run) = scan_with_config(&env, &["--no-config", "-j", "2", "."]);
    assert!(!run.stderr.contains("note:"), "{}", run.stderr);
}

#[test]
fn a_secret_file_given_as_config_or_rules_is_not_echoed() {
    let env = TestEnv::new();
    plant(&env);
    let pat = crate::util::github_pat(5);
    let dotenv = env.create_aux(".env", format!("GITHUB_TOKEN={pat}\n"));
    let keyed = env.create_aux("keyed.yml", format!("{pat}: {pat}\n"));
    for file in [&dotenv, &keyed] {
        for flag in ["--config", "--rules"] {
            let mut cmd = env.sprawl();
            cmd.arg("scan");
            if flag == "--rules" {
                cmd.arg("--no-config");
            }
            let out = run(cmd.arg(flag).arg(file).arg("."));
            out.code(2);
            assert!(
                !out.stderr.contains(&pat[4..12]) && out.stderr.contains("invalid"),
                "{flag} {}: {}",
                file.display(),
                out.stderr
            );
        }
    }
}

#[test]
fn a_config_nested_thousands_deep_is_refused_at_once() {
    let env = TestEnv::new();
    plant(&env);
    let deep = 200_000;
    env.create(
        ".sprawl.yml",
        format!("exclude_paths: {}{}\n", "[".repeat(deep), "]".repeat(deep)),
    );
    let (_, run) = scan_with_config(&env, &["."]);
    run.code(2);
    assert!(
        run.stderr
            .contains(".sprawl.yml:1: invalid config: nested more than 128 levels deep"),
        "{}",
        run.stderr
    );
}
