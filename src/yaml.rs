//! The one door to the YAML library.
//!
//! Rule files and the config file are YAML. `serde_yaml` is archived upstream, so every parse goes
//! through [`parse_yaml`] and the library can be swapped for a maintained fork in one place.
//!
//! Two things are settled here before the library sees the text, because it handles them badly:
//! - **Depth.** The parser underneath (libyaml) looks at every open flow collection (`[`, `{`)
//!   for each token, so text nested thousands deep takes time quadratic in its depth (64,000
//!   levels: 32 s) before it fails on serde_yaml's own limit of 128. Text nested deeper than that
//!   is refused at once, by a linear pass.
//! - **Echoes.** The library quotes the value it choked on (`invalid type: string "TOKEN=ghp_…"`),
//!   and a config or rule file may be a secret-holding file given by mistake (`--config .env`):
//!   values quoted in its messages are redacted as secrets are.

use serde::de::DeserializeOwned;

use crate::redact::redacted;

/// The deepest nesting of flow collections accepted: serde_yaml fails past 128 levels anyway.
const MAX_DEPTH: usize = 128;

/// Parses YAML text into `T`. The only place that calls the YAML library.
///
/// The error message carries the line and column that serde_yaml reports, and the field it was
/// reading when it failed; any value it quotes from the text is redacted.
pub fn parse_yaml<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    if let Some(line) = too_deep(text) {
        return Err(YamlError {
            line: Some(line),
            message: format!("nested more than {MAX_DEPTH} levels deep"),
        });
    }
    serde_yaml::from_str(text).map_err(|err| YamlError {
        line: err.location().map(|loc| loc.line()),
        message: redact_quoted(&err.to_string()),
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

/// The 1-based line where flow collections (`[`, `{`) open deeper than [`MAX_DEPTH`], if they
/// do. Brackets in quoted scalars and comments do not count; an apostrophe inside a plain word
/// does not open a quote.
fn too_deep(text: &str) -> Option<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum In {
        Plain,
        Single,
        Double,
        Comment,
    }
    let mut state = In::Plain;
    let (mut depth, mut line) = (0usize, 1);
    let mut previous = b'\n';
    let mut escaped = false;
    for &byte in text.as_bytes() {
        let at_token_start = previous.is_ascii_whitespace() || b"[{,:-".contains(&previous);
        match (state, byte) {
            (_, b'\n') => {
                line += 1;
                if state == In::Comment {
                    state = In::Plain;
                }
            }
            (In::Plain, b'#') if previous.is_ascii_whitespace() => state = In::Comment,
            (In::Plain, b'\'') if at_token_start => state = In::Single,
            (In::Plain, b'"') if at_token_start => state = In::Double,
            (In::Plain, b'[' | b'{') => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(line);
                }
            }
            (In::Plain, b']' | b'}') => depth = depth.saturating_sub(1),
            (In::Single, b'\'') => state = In::Plain,
            (In::Double, b'"') if !escaped => state = In::Plain,
            _ => {}
        }
        escaped = state == In::Double && byte == b'\\' && !escaped;
        previous = byte;
    }
    None
}

/// `message` with what serde_yaml quoted from the text redacted: a scalar in double quotes
/// (`invalid type: string "…"`), and a name or number in backquotes after the phrases that quote
/// one (`unknown field `…``) when it looks like more than a word (digits, or long). The names
/// sprawl itself lists (`expected one of `a`, `b``) are kept.
fn redact_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find(['"', '`']) {
        let quote = if rest[open..].starts_with('"') {
            '"'
        } else {
            '`'
        };
        let Some(close) = closing(&rest[open + 1..], quote).map(|at| open + 1 + at) else {
            break;
        };
        let inside = &rest[open + 1..close];
        let from_text = quote == '"'
            || ([
                "unknown field ",
                "unknown variant ",
                "duplicate field ",
                "integer ",
                "floating point ",
            ]
            .iter()
            .any(|phrase| rest[..open].ends_with(phrase))
                && looks_like_data(inside));
        out.push_str(&rest[..=open]);
        if from_text {
            out.push_str(&redacted(inside));
        } else {
            out.push_str(inside);
        }
        out.push(quote);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Where `quote` closes in `text`: a double quote escaped with a backslash (as `{:?}` writes
/// one inside a string) does not close it.
fn closing(text: &str, quote: char) -> Option<usize> {
    let mut escaped = false;
    for (at, c) in text.char_indices() {
        match c {
            '\\' if quote == '"' => escaped = !escaped,
            _ if c == quote && !escaped => return Some(at),
            _ => escaped = false,
        }
    }
    None
}

/// A quoted name or number that may be a value rather than a misspelt field: it holds a digit
/// and is longer than a small number, or it is long.
fn looks_like_data(text: &str) -> bool {
    (text.len() > 6 && text.bytes().any(|b| b.is_ascii_digit())) || text.len() > 32
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    type Doc = BTreeMap<String, Vec<String>>;

    #[test]
    fn deep_flow_nesting_is_refused_at_once_and_named_by_line() {
        let deep = format!(
            "a: [x]\nb: {}{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let err = parse_yaml::<Doc>(&deep).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert_eq!(err.message, "nested more than 128 levels deep");
        // At the limit it is the library's to judge.
        let fine = format!("b: {}x{}\n", "[".repeat(3), "]".repeat(3));
        assert!(too_deep(&fine).is_none());
        assert!(too_deep(&format!("{}{}", "[".repeat(128), "]".repeat(128))).is_none());
    }

    #[test]
    fn brackets_in_quotes_and_comments_do_not_count() {
        let open = "[".repeat(200);
        for text in [
            format!("a: '{open}'\n"),
            format!("a: \"{open}\\\" {open}\"\n"),
            format!("a: x # {open}\n"),
            format!("a: ['{open}', \"{open}\"]\n"),
        ] {
            assert_eq!(too_deep(&text), None, "{text}");
        }
        // An apostrophe inside a word is no quote: what follows it still counts.
        assert_eq!(too_deep(&format!("a: it's {open}\n")), Some(1));
    }

    #[test]
    fn values_the_library_quotes_are_redacted() {
        let token = format!("ghp_{}", "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC2dF4gH6");
        let err = parse_yaml::<Doc>(&format!("TOKEN={token}\n")).unwrap_err();
        assert!(!err.message.contains(&token[4..]), "{}", err.message);
        assert!(err.message.contains("string \"TOKE…\""), "{}", err.message);
        assert_eq!(
            redact_quoted("invalid value: string \"hunter2!\", expected x"),
            "invalid value: string \"hu…\", expected x"
        );
        assert_eq!(redact_quoted("no quotes"), "no quotes");
        // A quote inside the value, escaped as Debug does, does not end the redaction.
        let err = parse_yaml::<Doc>(&format!("'a\"{token}'\n")).unwrap_err();
        assert!(!err.message.contains(&token[4..]), "{}", err.message);
        // A key that looks like a token; a plain misspelt field and the names listed are kept.
        let err = parse_yaml::<crate::config::ConfigFile>(&format!("{token}: 1\n")).unwrap_err();
        assert!(!err.message.contains(&token[4..]), "{}", err.message);
        let err = parse_yaml::<crate::config::ConfigFile>("exclude_path: [a]\n").unwrap_err();
        assert!(
            err.message
                .starts_with("unknown field `exclude_path`, expected one of `exclude_paths`"),
            "{}",
            err.message
        );
        assert_eq!(
            redact_quoted("invalid value: integer `-1`, expected u64"),
            "invalid value: integer `-1`, expected u64"
        );
    }
}
