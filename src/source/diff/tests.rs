//! Reading diffs: which lines each hunk adds, at which path and line, whatever the flavour.

use super::*;
use crate::source::{Blob, SourceError};

/// A sink that reads each hunk whole and keeps its text and added lines.
#[derive(Default)]
struct Hunks {
    /// (path, first line, new-side text, added lines, first of its file)
    seen: Vec<(String, usize, String, Vec<usize>, bool)>,
    skipped: Vec<(String, SkipReason)>,
}

impl Sink for Hunks {
    fn blob(&mut self, _: Blob<'_>) {
        unreachable!("a diff hands over hunks")
    }
    fn stream(&mut self, _: &str, _: &mut dyn Read) {
        unreachable!("a diff hands over hunks")
    }
    fn warning(&mut self, _: SourceError) {}
    fn note(&mut self, _: String) {}
    fn skipped(&mut self, path: &str, reason: SkipReason) {
        self.skipped.push((path.to_string(), reason));
    }
    fn error(&mut self, _: SourceError) {}
    fn hunk(&mut self, hunk: &mut Hunk<'_>) {
        let mut text = String::new();
        hunk.read_to_string(&mut text).unwrap();
        let first = hunk.first_line();
        let lines = text.lines().count();
        let added = (first..first + lines).filter(|&l| hunk.adds(l)).collect();
        self.seen.push((
            hunk.path().to_string(),
            first,
            text,
            added,
            hunk.first_of_file(),
        ));
    }
}

fn read(diff: &str) -> Hunks {
    let mut sink = Hunks::default();
    read_diff(&mut diff.as_bytes(), &mut sink).unwrap();
    sink
}

#[test]
fn a_git_diff_yields_the_new_side_of_each_hunk_and_its_added_lines() {
    let diff = "\
diff --git a/conf/app.env b/conf/app.env
index 1111111..2222222 100644
--- a/conf/app.env
+++ b/conf/app.env
@@ -1,4 +1,5 @@
 host = a
-token = old
+token = new
+extra = 1
 port = 80

@@ -10,2 +11,2 @@ section
-gone
+here
 tail
diff --git a/new.txt b/new.txt
new file mode 100644
--- /dev/null
+++ b/new.txt
@@ -0,0 +1,2 @@
+first
+second
\\ No newline at end of file
diff --git a/old.txt b/old.txt
deleted file mode 100644
--- a/old.txt
+++ /dev/null
@@ -1 +0,0 @@
-removed secret
";
    let seen = read(diff).seen;
    assert_eq!(
        seen,
        [
            (
                "conf/app.env".into(),
                1,
                "host = a\ntoken = new\nextra = 1\nport = 80\n\n".into(),
                vec![2, 3],
                true
            ),
            (
                "conf/app.env".into(),
                11,
                "here\ntail\n".into(),
                vec![11],
                false
            ),
            (
                "new.txt".into(),
                1,
                "first\nsecond\n".into(),
                vec![1, 2],
                true
            ),
        ]
    );
}

#[test]
fn plain_diff_u_paths_keep_their_names_and_lose_timestamps() {
    let diff = "--- settings.py\t2024-01-01 10:00:00\n+++ settings.py\t2024-01-02 10:00:00\n@@ -1 +1 @@\n-a\n+b\n";
    assert_eq!(read(diff).seen[0].0, "settings.py");
    // A patch made with a/ and b/ folders, as `diff -ruN a b` writes it.
    let diff = "diff -ruN a/x.cfg b/x.cfg\n--- a/x.cfg\n+++ b/x.cfg\n@@ -1 +1 @@\n-a\n+b\n";
    assert_eq!(read(diff).seen[0].0, "x.cfg");
}

#[test]
fn quoted_paths_and_binary_changes() {
    let diff = "diff --git \"a/my file\\t.env\" \"b/my file\\t.env\"\n--- \"a/my file\\t.env\"\n+++ \"b/my file\\t.env\"\n@@ -1 +1 @@\n-a\n+b\ndiff --git a/logo.png b/logo.png\nBinary files a/logo.png and b/logo.png differ\n";
    let hunks = read(diff);
    assert_eq!(hunks.seen[0].0, "my file\t.env");
    assert_eq!(
        hunks.skipped,
        [("logo.png".to_string(), SkipReason::Binary)]
    );
}

#[test]
fn a_combined_diff_of_a_merge_adds_what_no_parent_had() {
    let diff = "diff --cc f.txt\n--- a/f.txt\n+++ b/f.txt\n@@@ -1,2 -1,2 +1,3 @@@\n  same\n+ from one\n++both new\n- gone\n";
    let seen = &read(diff).seen[0];
    assert_eq!(seen.2, "same\nfrom one\nboth new\n");
    assert_eq!(seen.3, [2, 3]);
}

#[test]
fn a_hunk_that_counts_wrong_ends_at_the_first_line_that_is_not_a_hunk_line() {
    // The header claims 5 new lines; the next file's header comes after 2.
    let diff = "--- a/x\n+++ b/x\n@@ -1 +1,5 @@\n+one\n+two\ndiff --git a/y b/y\n--- a/y\n+++ b/y\n@@ -1 +1 @@\n-a\n+b\n";
    let seen = read(diff).seen;
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].2, "one\ntwo\n");
    assert_eq!(seen[1].0, "y");
}

#[test]
fn a_git_log_with_commit_messages_between_diffs_is_read() {
    let diff = "commit 0123456789abcdef0123456789abcdef01234567\nAuthor: A <a@b>\n\n    +++ not a header, the message\n\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -0,0 +1 @@\n+added\n";
    let seen = read(diff).seen;
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].0.as_str(), seen[0].3.as_slice()),
        ("x", [1].as_slice())
    );
}

#[test]
fn diffs_are_recognised_by_their_first_line() {
    for diff in [
        "diff --git a/x b/x\n",
        "--- a/x\n+++ b/x\n",
        "Index: x\n===\n",
        "From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\n",
        "commit 0123456789abcdef0123456789abcdef01234567\n",
    ] {
        assert!(looks_like_diff(diff.as_bytes()), "{diff}");
    }
    for text in [
        "token = abc\n",
        "--- a yaml document start\nkey: value\n",
        "commit message\n",
        "",
    ] {
        assert!(!looks_like_diff(text.as_bytes()), "{text}");
    }
}

#[test]
fn hunk_headers_parse_with_and_without_counts() {
    let header = HunkHeader::parse(b"@@ -3,7 +4,9 @@ fn main() {").unwrap();
    assert_eq!(
        (
            header.marks,
            header.first_line,
            header.new_lines,
            header.old_lines
        ),
        (1, 4, 9, 7)
    );
    let header = HunkHeader::parse(b"@@ -1 +1 @@").unwrap();
    assert_eq!((header.new_lines, header.old_lines), (1, 1));
    assert!(HunkHeader::parse(b"@ -1 +1 @").is_none());
    assert!(HunkHeader::parse(b"@@ garbage @@").is_none());
}
