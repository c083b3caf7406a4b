//! The one door to the YAML library.
//!
//! Rule files and the config file are YAML. `serde_yaml` is archived upstream, so every parse goes
//! through [`parse_yaml`] and the library can be swapped for a maintained fork in one place.

use serde::de::DeserializeOwned;

/// Parses YAML text into `T`. The only place that calls the YAML library.
///
/// The error message carries the line and column that serde_yaml reports, and the field it was
/// reading when it failed.
pub fn parse_yaml<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(|err| YamlError {
        line: err.location().map(|loc| loc.line()),
        message: err.to_string(),
    })
}

/// A YAML document that did not parse into the expected shape.
#[derive(Debug, Clone)]
pub struct YamlError {
    /// The 1-based line of the problem, when the parser knows it.
    pub line: Option<usize>,
    /// The parser's description, naming the field when it can.
    pub message: String,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for YamlError {}
