//! Files longer than a chunk: scanned in overlapping windows, nothing skipped unless asked, and
//! every finding placed in the whole file.

use crate::util::{places, run, token, TestEnv};

fn run_text(env: &TestEnv, args: &[&str]) -> String {
    run(env.scan().args(args)).stdout
}

/// `lines` filler lines of 64 bytes each (numbered, so no two windows look alike).
fn filler(lines: usize) -> String {
    (0..lines)
        .map(|i| {
            format!(
                "{:>63}\n",
                format!("INSERT INTO log VALUES ({i}, 'nothing here');")
            )
        })
        .collect()
}

#[test]
fn a_file_longer_than_a_chunk_is_scanned_whole_with_its_lines() {
    let env = TestEnv::new();
    let chunk = sprawl::config::CHUNK_SIZE;
    // The first secret on line 1, one across the first window's edge (it starts 10 bytes before
    // it, at column 41), one on the last line.
    let mut text = format!("token = {}\n", token(1));
    text.push_str(&filler(chunk / 64 - 2));
    let pad = chunk - 50 - text.len() - 1;
    text.push_str(&format!("{}\n", "#".repeat(pad)));
    let edge_line = text.lines().count() + 1;
    text.push_str(&format!("{:>40}{}\n", "key ", token(2)));
    assert_eq!(text.find(&token(2)), Some(chunk - 10));
    text.push_str(&filler(chunk / 256));
    text.push_str(&format!("last = {}", token(3)));
    env.create("dump.sql", &text);
    let (report, code) = env.report(&[], &["dump.sql"]);
    assert_eq!(code, 1);
    let last_line = text.lines().count();
    assert_eq!(
        places(&report),
        [
            ("dump.sql".into(), 1, 9, "test.token".into()),
            ("dump.sql".into(), edge_line, 41, "test.token".into()),
            ("dump.sql".into(), last_line, 8, "test.token".into()),
        ]
    );
    assert_eq!(report.stats.files_scanned, 1);
    assert_eq!(report.stats.bytes_scanned, text.len() as u64);
    assert_eq!(report.stats.skipped.too_large, 0);
    // The text report shows the line as it is in the file.
    let shown = run_text(&env, &["dump.sql"]);
    assert!(
        shown.contains(&format!("dump.sql:{edge_line}:41")),
        "{shown}"
    );
    // The flag still skips what is larger than asked, and says so.
    let (report, code) = env.report(&["--max-file-size", "1M"], &["dump.sql"]);
    assert_eq!(code, 0);
    assert_eq!(report.stats.skipped.too_large, 1);
}

#[test]
fn long_standard_input_is_scanned_in_chunks_too() {
    let env = TestEnv::new();
    let chunk = sprawl::config::CHUNK_SIZE;
    let mut text = filler(chunk / 64 + 10);
    text.push_str(&format!("tail = {}\n", token(4)));
    let run = run(env
        .scan()
        .args(["--format", "json", "-"])
        .write_stdin(text.clone()));
    run.code(1);
    let report = run.json();
    assert_eq!(
        places(&report),
        [("<stdin>".into(), chunk / 64 + 11, 8, "test.token".into())]
    );
    assert_eq!(report.stats.bytes_scanned, text.len() as u64);
}

#[test]
fn standard_input_over_the_size_limit_is_skipped_when_the_limit_is_small() {
    let env = TestEnv::new();
    let run = run(env
        .scan()
        .args(["--format", "json", "--max-file-size", "10", "-"])
        .write_stdin(format!("x = {}\n", token(1))));
    run.code(0);
    assert_eq!(run.json().stats.skipped.too_large, 1);
}
