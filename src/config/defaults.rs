//! Defaults the configuration fills in that the engine below it also needs: the size of the
//! windows a long input is scanned in (which is also how much text is read whole) and the
//! folder of `sprawl git --cache`. They live here, below the scanner, so that building a
//! configuration never reaches up into the scanner that reads it.

use std::path::PathBuf;

/// The bytes each window of a long input owns; text up to this long is read whole instead.
pub const CHUNK_SIZE: usize = 16 << 20;

/// The cache folder used when `--cache` names none: `$XDG_CACHE_HOME/sprawl`, else
/// `~/.cache/sprawl` (`%LOCALAPPDATA%\sprawl` on Windows).
pub(crate) fn default_cache_dir() -> Option<PathBuf> {
    let non_empty = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
    if let Some(dir) = non_empty("XDG_CACHE_HOME") {
        return Some(PathBuf::from(dir).join("sprawl"));
    }
    if cfg!(windows) {
        if let Some(dir) = non_empty("LOCALAPPDATA") {
            return Some(PathBuf::from(dir).join("sprawl"));
        }
    }
    non_empty("HOME").map(|home| PathBuf::from(home).join(".cache").join("sprawl"))
}
