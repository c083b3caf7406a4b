//! The baseline loader: baseline bytes -> parse -> checks -> the suppression set. Errors are
//! fine; a panic is not.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sprawl::output::{Access, OutputFile};
use sprawl::suppress::{Baseline, BaselineFile};

fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("a temp dir for the fuzzer"))
}

fuzz_target!(|data: &[u8]| {
    let path = dir().path().join("baseline.json");
    std::fs::write(&path, data).expect("the fuzzer's temp dir is writable");
    if let Ok(file) = BaselineFile::read(&path) {
        let _ = Baseline::new(&file, &path, sprawl::suppress::baseline::today());
        // What was read writes back and reads again the same.
        let again = dir().path().join("again.json");
        let out = OutputFile::open(&again, Access::Umask).expect("the fuzzer's temp dir is writable");
        file.write(out).expect("a read baseline writes back");
        let reread = BaselineFile::read(&again).expect("a written baseline reads back");
        assert_eq!(reread, file);
    }
});
