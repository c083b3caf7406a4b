//! Archives built in memory, opened by [`expand`], checked for what reaches the scan and what is
//! warned about.

use std::io::Write;

use super::*;

/// What `expand` handed on, as `(path, text)`, and what it reported.
fn open(path: &str, bytes: &[u8], limits: &ArchiveLimits) -> (Vec<(String, String)>, Expansion) {
    let mut texts = Vec::new();
    let expansion = expand(Blob { path, bytes }, limits, &mut |blob| {
        texts.push((
            blob.path.to_string(),
            String::from_utf8_lossy(blob.bytes).into_owned(),
        ));
    });
    (texts, expansion)
}

fn limits() -> ArchiveLimits {
    ArchiveLimits::with_entry_size(1 << 20)
}

fn paths(texts: &[(String, String)]) -> Vec<&str> {
    texts.iter().map(|(path, _)| path.as_str()).collect()
}

fn messages(expansion: &Expansion) -> Vec<String> {
    expansion
        .warnings
        .iter()
        .map(|warning| warning.to_string())
        .collect()
}

fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        if name.ends_with('/') {
            writer.add_directory(*name, options).unwrap();
        } else {
            writer.start_file(*name, options).unwrap();
            writer.write_all(data).unwrap();
        }
    }
    writer.finish().unwrap().into_inner()
}

fn tar(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = ::tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut header = ::tar::Header::new_ustar();
        // Written by hand: the tar crate refuses `..` in paths, and hostile archives have them.
        header.as_mut_bytes()[..name.len()].copy_from_slice(name.as_bytes());
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(::tar::EntryType::Regular);
        header.set_cksum();
        builder.append(&header, *data).unwrap();
    }
    builder.into_inner().unwrap()
}

fn gzip(data: &[u8], name: Option<&str>) -> Vec<u8> {
    let mut builder = flate2::GzBuilder::new();
    if let Some(name) = name {
        builder = builder.filename(name);
    }
    let mut encoder = builder.write(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn bzip2(data: &[u8]) -> Vec<u8> {
    let mut encoder = ::bzip2::write::BzEncoder::new(Vec::new(), ::bzip2::Compression::fast());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn xz(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    lzma_rs::xz_compress(&mut &data[..], &mut out).unwrap();
    out
}

fn zstd(data: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
}

#[test]
fn plain_text_is_handed_on_as_it_is() {
    let (texts, expansion) = open("a.env", b"KEY=1\n", &limits());
    assert_eq!(texts, [("a.env".to_string(), "KEY=1\n".to_string())]);
    assert_eq!(expansion.counts, ArchiveCounts::default());
}

#[test]
fn zip_entries_are_text_blobs_at_inner_paths() {
    let archive = zip(&[
        ("config/", b""),
        ("config/app.env", b"KEY=1\n"),
        ("lib/a.class", b"\xca\xfe\xba\xbe\x00\x00"),
        ("README", b"read me"),
    ]);
    let (texts, expansion) = open("dist/app.jar", &archive, &limits());
    assert_eq!(
        paths(&texts),
        ["dist/app.jar!config/app.env", "dist/app.jar!README"]
    );
    assert_eq!(texts[0].1, "KEY=1\n");
    let counts = expansion.counts;
    assert_eq!(
        (
            counts.opened,
            counts.entries_scanned,
            counts.entries_skipped
        ),
        (1, 2, 1)
    );
    assert!(expansion.warnings.is_empty());
}

#[test]
fn a_tar_in_a_stream_is_one_level_whatever_the_compression() {
    let inner = tar(&[
        ("./deploy/.env", b"TOKEN=x\n"),
        ("deploy/run.sh", b"echo\n"),
    ]);
    let streams: [(&str, Vec<u8>); 4] = [
        ("a.tgz", gzip(&inner, None)),
        ("a.tar.bz2", bzip2(&inner)),
        ("a.tar.xz", xz(&inner)),
        ("a.tar.zst", zstd(&inner)),
    ];
    for (name, bytes) in &streams {
        let (texts, expansion) = open(name, bytes, &limits());
        assert_eq!(
            paths(&texts),
            [
                format!("{name}!deploy/.env"),
                format!("{name}!deploy/run.sh")
            ],
            "{name}"
        );
        assert_eq!(texts[0].1, "TOKEN=x\n");
        assert_eq!(expansion.counts.opened, 1, "{name}");
        assert!(
            expansion.warnings.is_empty(),
            "{name}: {:?}",
            messages(&expansion)
        );
    }
    let (texts, _) = open("plain.tar", &inner, &limits());
    assert_eq!(
        paths(&texts),
        ["plain.tar!deploy/.env", "plain.tar!deploy/run.sh"]
    );
}

#[test]
fn a_compressed_file_is_named_from_its_header_or_its_suffix() {
    let data = b"TOKEN=x\n";
    let cases: [(&str, Vec<u8>, &str); 5] = [
        (
            "notes.gz",
            gzip(data, Some("secrets.env")),
            "notes.gz!secrets.env",
        ),
        (
            "a/notes.env.gz",
            gzip(data, None),
            "a/notes.env.gz!notes.env",
        ),
        ("notes.env.bz2", bzip2(data), "notes.env.bz2!notes.env"),
        ("notes.env.xz", xz(data), "notes.env.xz!notes.env"),
        ("blob", zstd(data), "blob!blob"),
    ];
    for (name, bytes, expected) in &cases {
        let (texts, expansion) = open(name, bytes, &limits());
        assert_eq!(texts, [(expected.to_string(), "TOKEN=x\n".to_string())]);
        assert!(expansion.warnings.is_empty(), "{:?}", messages(&expansion));
    }
}

#[test]
fn zstd_frames_are_read_in_turn_and_skippable_ones_passed_over() {
    let mut stream = zstd(b"one\n");
    // A skippable frame: magic, length, content.
    stream.extend_from_slice(&[0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
    stream.extend(zstd(b"two\n"));
    let (texts, _) = open("x.zst", &stream, &limits());
    assert_eq!(texts, [("x.zst!x".to_string(), "one\ntwo\n".to_string())]);
}

#[test]
fn nested_archives_are_opened_to_the_depth_limit() {
    let jar = zip(&[("app.properties", b"db.password=x\n")]);
    let outer = gzip(&tar(&[("lib/app.jar", &jar)]), None);
    let (texts, expansion) = open("dist.tgz", &outer, &limits());
    assert_eq!(paths(&texts), ["dist.tgz!lib/app.jar!app.properties"]);
    assert_eq!(expansion.counts.opened, 2);

    let shallow = ArchiveLimits {
        max_depth: 1,
        ..limits()
    };
    let (texts, expansion) = open("dist.tgz", &outer, &shallow);
    assert!(texts.is_empty());
    assert_eq!(
        messages(&expansion),
        ["dist.tgz!lib/app.jar: a zip archive nested deeper than the archive depth limit (1): not opened"]
    );
    assert_eq!(expansion.counts.entries_skipped, 1);
}

#[test]
fn a_zip_bomb_entry_is_named_and_the_rest_is_scanned() {
    let zeros = vec![0u8; 4 << 20];
    let archive = zip(&[("bomb.bin", &zeros), ("ok.env", b"KEY=1\n")]);
    let (texts, expansion) = open("b.zip", &archive, &limits());
    assert_eq!(paths(&texts), ["b.zip!ok.env"]);
    let warnings = messages(&expansion);
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].starts_with("b.zip: entry `bomb.bin` declares 4194304 bytes")
            && warnings[0].ends_with("(a zip bomb?): not scanned"),
        "{warnings:?}"
    );
}

#[test]
fn a_stream_that_inflates_past_the_ratio_is_stopped() {
    let zeros = vec![b'a'; 8 << 20];
    let bomb = gzip(&zeros, None);
    assert!(bomb.len() < 64 << 10);
    let big = ArchiveLimits {
        max_entry_size: 64 << 20,
        ..limits()
    };
    let (texts, expansion) = open("x.gz", &bomb, &big);
    assert!(texts.is_empty());
    assert_eq!(
        messages(&expansion),
        ["x.gz: the gzip stream inflates to more than 100 times its compressed size (a zip bomb?): not scanned"]
    );
}

#[test]
fn the_total_and_the_entry_count_stop_everything_once() {
    let archive = zip(&[
        ("a.txt", &[b'a'; 3000][..]),
        ("b.txt", &[b'b'; 3000][..]),
        ("c.txt", &[b'c'; 3000][..]),
    ]);
    let small = ArchiveLimits {
        max_total_size: 4000,
        ..limits()
    };
    let (texts, expansion) = open("t.zip", &archive, &small);
    assert_eq!(paths(&texts), ["t.zip!a.txt"]);
    assert_eq!(
        messages(&expansion),
        ["t.zip: more than 4000 B unpacked in all: the rest was not read"]
    );

    let few = ArchiveLimits {
        max_entries: 2,
        ..limits()
    };
    let (texts, expansion) = open("t.zip", &archive, &few);
    assert_eq!(texts.len(), 2);
    assert_eq!(
        messages(&expansion),
        ["t.zip: more than 2 entries: the rest were not read"]
    );
}

#[test]
fn entries_over_the_size_limit_are_skipped_quietly() {
    let archive = tar(&[("big.txt", &[b'x'; 2000][..]), ("small.txt", b"ok")]);
    let tight = ArchiveLimits {
        max_entry_size: 1000,
        ..limits()
    };
    let (texts, expansion) = open("s.tar", &archive, &tight);
    assert_eq!(paths(&texts), ["s.tar!small.txt"]);
    assert_eq!(expansion.counts.entries_skipped, 1);
    assert!(expansion.warnings.is_empty());
}

#[test]
fn paths_that_leave_the_archive_are_named_and_scanned_in_memory() {
    let archive = tar(&[("../../etc/cron.d/x", b"KEY=1\n"), ("/abs.env", b"KEY=2\n")]);
    let (texts, expansion) = open("evil.tar", &archive, &limits());
    assert_eq!(
        paths(&texts),
        ["evil.tar!../../etc/cron.d/x", "evil.tar!/abs.env"]
    );
    let warnings = messages(&expansion);
    assert_eq!(warnings.len(), 2);
    assert!(warnings[0].starts_with("evil.tar: entry `../../etc/cron.d/x` has a path that leaves"));
}

#[test]
fn a_truncated_stream_is_named_and_what_came_before_is_scanned() {
    let lines: String = (0..2000)
        .map(|n| format!("line {n} of the notes\n"))
        .collect();
    let full = gzip(lines.as_bytes(), None);
    let cut = &full[..full.len() / 2];
    let (texts, expansion) = open("notes.txt.gz", cut, &limits());
    assert_eq!(paths(&texts), ["notes.txt.gz!notes.txt"]);
    assert!(texts[0].1.starts_with("line 0 of the notes\n"));
    let warnings = messages(&expansion);
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].starts_with("notes.txt.gz: corrupt or truncated gzip stream"),
        "{warnings:?}"
    );

    let tarball = gzip(
        &tar(&[("a.env", b"A=1\n"), ("b.env", &[b'b'; 20_000][..])]),
        None,
    );
    let (texts, expansion) = open("t.tgz", &tarball[..tarball.len() - 30], &limits());
    assert_eq!(texts[0], ("t.tgz!a.env".to_string(), "A=1\n".to_string()));
    assert_eq!(expansion.warnings.len(), 1, "{:?}", messages(&expansion));
}

/// Text of `lines` numbered lines that compress poorly enough to take many chunks and blocks.
fn noisy_lines(lines: usize) -> String {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    (0..lines)
        .map(|n| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            format!("line {n} holds {state:016x} {:x}\n", state.rotate_left(29))
        })
        .collect()
}

#[test]
fn truncated_xz_and_zstd_give_back_what_precedes_the_cut() {
    let text = format!("TOKEN=first-line\n{}", noisy_lines(20_000));
    for (name, full) in [
        ("notes.txt.xz", xz(text.as_bytes())),
        ("notes.txt.zst", zstd(text.as_bytes())),
    ] {
        let cut = &full[..full.len() / 2];
        let (texts, expansion) = open(name, cut, &limits());
        assert_eq!(texts.len(), 1, "{name}");
        let recovered = &texts[0].1;
        // Most of what the kept half holds comes back, from the first line on, in order.
        assert!(recovered.starts_with("TOKEN=first-line\n"), "{name}");
        assert!(text.starts_with(recovered.as_str()), "{name}");
        assert!(
            recovered.len() > text.len() / 4,
            "{name}: {}",
            recovered.len()
        );
        let warnings = messages(&expansion);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("cut short")
                && warnings[0].contains(&format!(
                    "the {} bytes before it were scanned",
                    recovered.len()
                )),
            "{warnings:?}"
        );
    }
}

#[test]
fn a_truncated_tar_xz_or_tar_zst_scans_its_readable_entries() {
    let bodies: Vec<String> = (0..20)
        .map(|n| format!("KEY{n}=1\n{}", noisy_lines(1_500)))
        .collect();
    let entries: Vec<(String, &[u8])> = bodies
        .iter()
        .enumerate()
        .map(|(n, body)| (format!("conf/{n:02}.env"), body.as_bytes()))
        .collect();
    let entries: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(name, body)| (name.as_str(), *body))
        .collect();
    let inner = tar(&entries);
    for (name, full) in [("a.tar.xz", xz(&inner)), ("a.tar.zst", zstd(&inner))] {
        let (texts, expansion) = open(name, &full[..full.len() / 2], &limits());
        // About half of the entries are whole in the kept half; each is scanned.
        assert!(texts.len() >= 7, "{name}: {:?}", paths(&texts));
        for (n, (path, text)) in texts.iter().enumerate() {
            assert_eq!(path, &format!("{name}!conf/{n:02}.env"));
            assert!(text.starts_with(&format!("KEY{n}=1\n")));
        }
        let warnings = messages(&expansion);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("the entries before it were scanned"),
            "{warnings:?}"
        );
    }
}

/// An xz stream around raw LZMA2 data, as the format lays it out (checks not computed: sprawl
/// does not verify them).
fn xz_container(lzma2: &[u8]) -> Vec<u8> {
    let mut out = b"\xfd7zXZ\x00\x00\x01\0\0\0\0".to_vec();
    // Block header: 12 bytes, one filter (LZMA2, a dictionary byte), padding, CRC32.
    out.extend_from_slice(&[0x02, 0x00, 0x21, 0x01, 0x16, 0, 0, 0, 0, 0, 0, 0]);
    out.extend_from_slice(lzma2);
    while out.len() % 4 != 0 {
        out.push(0);
    }
    out.extend_from_slice(&[0; 4]);
    // Index: indicator, one record (sizes not checked), padding, CRC32; then the footer.
    out.extend_from_slice(&[0x00, 0x01, 0x10, 0x10, 0, 0, 0, 0]);
    out.extend_from_slice(&[0, 0, 0, 0, 1, 0, 0, 0, 0, 1, b'Y', b'Z']);
    out
}

#[test]
fn an_xz_block_larger_than_the_limits_is_refused_before_it_is_decoded() {
    // Chunks that claim 2 MiB each from 16 bytes of (meaningless) data. The sizes are read from
    // the chunk headers, so a limit stops the block before anything is decoded (decoding would
    // fail, and before, would first have filled memory): 1 GiB is over the total, 64 MiB over
    // the ratio.
    let bomb = |chunks: usize| {
        let mut lzma2 = Vec::new();
        for n in 0..chunks {
            let control = if n == 0 { 0xe0 | 0x1f } else { 0x80 | 0x1f };
            lzma2.extend_from_slice(&[control, 0xff, 0xff, 0x00, 0x0f]);
            if n == 0 {
                lzma2.push(0x5d);
            }
            lzma2.extend_from_slice(&[0x11; 16]);
        }
        lzma2.push(0x00);
        xz_container(&lzma2)
    };
    for (chunks, warning) in [(512, "more than 256 MiB unpacked"), (32, "(a zip bomb?)")] {
        let (texts, expansion) = open("bomb.xz", &bomb(chunks), &limits());
        assert!(texts.is_empty());
        let warnings = messages(&expansion);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains(warning), "{warnings:?}");
    }
    // The container itself is read right: plain chunks come out whole.
    let plain = [&[0x01, 0x00, 0x04][..], b"hello", &[0x00]].concat();
    let (texts, expansion) = open("hello.xz", &xz_container(&plain), &limits());
    assert_eq!(texts, [("hello.xz!hello".to_string(), "hello".to_string())]);
    assert!(expansion.warnings.is_empty(), "{:?}", messages(&expansion));
}

#[test]
fn a_corrupt_zip_is_named() {
    let archive = zip(&[("a.env", b"A=1\n")]);
    let (texts, expansion) = open("c.zip", &archive[..archive.len() - 10], &limits());
    assert!(texts.is_empty());
    let warnings = messages(&expansion);
    assert!(
        warnings[0].starts_with("c.zip: not a readable zip archive"),
        "{warnings:?}"
    );
}

/// Sets the "encrypted" flag of the zip's first entry, in its local and central headers.
fn encrypt_first_entry(archive: &mut [u8]) {
    archive[6] |= 1;
    let central = archive
        .windows(4)
        .position(|window| window == b"PK\x01\x02")
        .unwrap();
    archive[central + 8] |= 1;
}

#[test]
fn an_encrypted_entry_is_named_and_the_others_scanned() {
    let mut archive = zip(&[("secret.env", b"KEY=1\n"), ("open.env", b"KEY=2\n")]);
    encrypt_first_entry(&mut archive);
    let (texts, expansion) = open("e.zip", &archive, &limits());
    assert_eq!(paths(&texts), ["e.zip!open.env"]);
    assert_eq!(
        messages(&expansion),
        ["e.zip: entry `secret.env` is encrypted: not scanned"]
    );
}

#[test]
fn office_documents_become_paragraphs_and_rows() {
    let document = br#"<w:document><w:body><w:p><w:r><w:t>Title</w:t></w:r></w:p><w:p><w:r><w:t>pass = </w:t></w:r><w:r><w:t>hunter2</w:t></w:r></w:p></w:body></w:document>"#;
    let docx = zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", document),
        ("docProps/core.xml", b"<cp:coreProperties/>"),
    ]);
    let (texts, _) = open("r.docx", &docx, &limits());
    assert_eq!(
        texts[1],
        (
            "r.docx!word/document.xml".to_string(),
            "Title\npass = hunter2\n".to_string()
        )
    );
    assert_eq!(texts[2].0, "r.docx!docProps/core.xml");

    let xlsx = zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("xl/workbook.xml", b"<workbook/>"),
        ("xl/sharedStrings.xml", b"<sst><si><t>token</t></si></sst>"),
        ("xl/worksheets/sheet1.xml", br#"<worksheet><sheetData><row r="2"><c r="B2" t="s"><v>0</v></c></row></sheetData></worksheet>"#),
    ]);
    let (texts, expansion) = open("b.xlsx", &xlsx, &limits());
    let sheet = texts
        .iter()
        .find(|(path, _)| path.ends_with("sheet1.xml"))
        .unwrap();
    assert_eq!(sheet.1, "\n\ttoken\n");
    assert!(!paths(&texts).contains(&"b.xlsx!xl/sharedStrings.xml"));
    assert!(expansion.warnings.is_empty());
}

#[test]
fn a_notebook_becomes_its_cells() {
    let notebook = br#"{"cells": [{"cell_type": "code", "source": ["a = 1\n", "b = \"x\"\n"], "outputs": []}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}"#;
    let (texts, expansion) = open("n.ipynb", notebook, &limits());
    assert_eq!(
        texts,
        [(
            "n.ipynb!cell-1".to_string(),
            "a = 1\nb = \"x\"\n".to_string()
        )]
    );
    assert_eq!(
        (expansion.counts.opened, expansion.counts.entries_scanned),
        (1, 1)
    );
    let archive = zip(&[("nb/n.ipynb", notebook)]);
    let (texts, _) = open("n.zip", &archive, &limits());
    assert_eq!(paths(&texts), ["n.zip!nb/n.ipynb!cell-1"]);
}

#[test]
fn formats_are_told_by_their_bytes_not_their_names() {
    assert_eq!(Format::sniff(&zip(&[("a", b"b")])), Some(Format::Zip));
    assert_eq!(Format::sniff(&gzip(b"x", None)), Some(Format::Gzip));
    assert_eq!(Format::sniff(&bzip2(b"x")), Some(Format::Bzip2));
    assert_eq!(Format::sniff(&xz(b"x")), Some(Format::Xz));
    assert_eq!(Format::sniff(&zstd(b"x")), Some(Format::Zstd));
    assert_eq!(Format::sniff(&tar(&[("a", b"b")])), Some(Format::Tar));
    // `ustar` where a tar has it, but no valid header around it.
    let mut text = vec![b' '; 600];
    text[257..262].copy_from_slice(b"ustar");
    assert_eq!(Format::sniff(&text), None);
    assert_eq!(Format::sniff(b"BZh9 is not bzip2"), None);
    assert_eq!(Format::sniff(b"PK"), None);
}

#[test]
fn entry_names_that_escape_are_recognised() {
    assert!(escapes("../a"));
    assert!(escapes("a/../../b"));
    assert!(escapes("/etc/passwd"));
    assert!(escapes("C:\\x"));
    assert!(escapes("a\\..\\b"));
    assert!(!escapes("a/b..c/d"));
    assert!(!escapes("./a"));
}

/// Found by fuzzing (`fuzz/`, target `archive`): lzma-rs's xz reader added 1 to the footer's
/// backward size without checking, which panics where overflow is checked. The container is now
/// read by `xz.rs`, which computes in 64 bits: the footer is refused as corrupt.
#[test]
fn an_xz_footer_whose_backward_size_overflows_is_a_warning_not_a_panic() {
    let mut stream = xz(b"password = changeme\n");
    let len = stream.len();
    stream[len - 8..len - 4].copy_from_slice(&[0xff; 4]);
    let (texts, expansion) = open("a.xz", &stream, &limits());
    // What was decoded before the broken footer is still scanned.
    assert_eq!(paths(&texts), ["a.xz!a"]);
    let messages = messages(&expansion);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].starts_with("a.xz: "), "{messages:?}");
}
