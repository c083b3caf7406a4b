//! Files sprawl writes with `-o` and `--write-baseline`: opened before the scan, created
//! owner-only, put in place by a rename, never written through a link, devices written as they
//! are and never `chmod`-ed.

use std::path::Path;

use crate::util::{run, token, TestEnv, SPRAWL};

/// A tree with one finding.
fn planted() -> TestEnv {
    let env = TestEnv::new();
    env.create("app.env", format!("x = {}\n", token(1)));
    env
}

#[test]
fn an_output_path_that_cannot_be_written_fails_before_the_scan() {
    let env = planted();
    let missing = env.aux_path("no/such/folder/report.json");
    let out = run(env.scan().arg("-o").arg(&missing).arg("."));
    out.code(2);
    assert!(
        out.stderr.contains("no/such/folder") && !out.stderr.contains("scanned"),
        "{}",
        out.stderr
    );
    let folder = env.aux_path("");
    let out = run(env.scan().arg("-o").arg(&folder).arg("."));
    out.code(2);
    assert!(out.stderr.contains("is a folder"), "{}", out.stderr);
    let out = run(env.scan().arg("--write-baseline").arg(&missing).arg("."));
    out.code(2);
    assert!(!out.stderr.contains("scanned"), "{}", out.stderr);
}

#[cfg(unix)]
#[test]
fn a_link_at_the_output_path_is_not_followed() {
    use std::os::unix::fs::PermissionsExt;

    let env = planted();
    let target = env.create_aux("precious.txt", "do not touch\n");
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
    let link = env.aux_path("report.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = run(env.scan().arg("-o").arg(&link).arg("."));
    out.code(2);
    assert!(out.stderr.contains("symbolic link"), "{}", out.stderr);
    // A baseline through a link to a baseline is refused as well.
    std::fs::write(&target, "{\"version\": 1, \"entries\": []}\n").unwrap();
    let out = run(env.scan().arg("--write-baseline").arg(&link).arg("."));
    out.code(2);
    assert!(out.stderr.contains("symbolic link"), "{}", out.stderr);
    std::fs::write(&target, "do not touch\n").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "do not touch\n");
    let mode = std::fs::metadata(&target).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o644);
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
}

#[cfg(unix)]
#[test]
fn dev_null_and_dev_stdout_are_written_as_they_are_and_never_chmod_ed() {
    use std::os::unix::fs::PermissionsExt;

    let env = planted();
    let mode = || std::fs::metadata("/dev/null").unwrap().permissions().mode();
    let before = mode();
    let out = run(env
        .scan()
        .args(["--format", "json", "-o", "/dev/null", "."]));
    out.code(1);
    assert_eq!(out.stdout, "");
    assert_eq!(mode(), before, "/dev/null changed mode");
    // /dev/stdout is the process's own standard output, whatever it is (here a pipe).
    let out = run(env
        .scan()
        .args(["--format", "json", "-o", "/dev/stdout", "."]));
    out.code(1);
    assert_eq!(out.json().findings.len(), 1);
}

#[test]
fn an_existing_report_is_replaced_whole_and_leftovers_are_cleaned_up() {
    let env = planted();
    let path = env.aux_path("report.json");
    std::fs::write(&path, "x".repeat(100_000)).unwrap();
    let out = run(env
        .scan()
        .args(["--format", "json", "-o"])
        .arg(&path)
        .arg("."));
    out.code(1);
    let text = std::fs::read_to_string(&path).unwrap();
    let report: sprawl::report::JsonReport = serde_json::from_str(&text).unwrap();
    assert_eq!(report.findings.len(), 1);
    // Only the report itself is left in the folder: no temporary file.
    let names = folder_names(env.aux_path("").as_path());
    assert!(
        names.iter().all(|name| !name.contains("sprawl-tmp")),
        "{names:?}"
    );
}

#[test]
fn concurrent_scans_to_one_output_leave_a_whole_report() {
    let env = planted();
    // Enough findings that writing the report takes a while.
    let many: String = (0..3_000)
        .map(|seed| format!("x = {}\n", token(seed)))
        .collect();
    env.create("many.env", many);
    let path = env.aux_path("report.json");
    let scans: Vec<std::process::Child> = (0..4)
        .map(|_| {
            std::process::Command::new(SPRAWL)
                .current_dir(env.root())
                .args(["scan", "--no-config", "--rules"])
                .arg(env.rules_file())
                .args(["--format", "json", "-q", "-o"])
                .arg(&path)
                .arg(".")
                .spawn()
                .unwrap()
        })
        .collect();
    for mut scan in scans {
        assert_eq!(scan.wait().unwrap().code(), Some(1));
    }
    let report: sprawl::report::JsonReport =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(report.findings.len(), 3_001);
    let names = folder_names(env.aux_path("").as_path());
    assert!(
        names.iter().all(|name| !name.contains("sprawl-tmp")),
        "{names:?}"
    );
}

fn folder_names(folder: &Path) -> Vec<String> {
    std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[cfg(unix)]
#[test]
fn the_inventory_output_is_opened_first_never_through_a_link_and_owner_only() {
    use std::os::unix::fs::PermissionsExt;

    let env = planted();
    let inventory = || {
        let mut command = env.sprawl();
        command
            .args(["inventory", "--no-config", "--no-progress", "--rules"])
            .arg(env.rules_file())
            .args(["--format", "json", "-o"]);
        command
    };
    let target = env.create_aux("precious.txt", "do not touch\n");
    let link = env.aux_path("inventory.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = run(inventory().arg(&link).arg("."));
    out.code(2);
    // Refused before anything was scanned: no summary.
    assert!(
        out.stderr.contains("symbolic link") && !out.stderr.contains("sprawl: inventory:"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "do not touch\n");
    let path = env.aux_path("new.json");
    let out = run(inventory().arg(&path).arg("."));
    out.code(1);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let report: sprawl::inventory::InventoryReport =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(report.secrets.len(), 1);
}
