//! How a secret is shown when it must not be: the same rule for every report, the inventory and
//! the messages that quote a file's text (YAML errors). It sits below everything that shows
//! text, so any of them can use it without reaching into another.

/// Shows at most the first 4 characters of a secret, fewer for short secrets (a quarter of its
/// length, rounded down), then `…`.
pub fn redacted(secret: &str) -> String {
    let chars = secret.chars().count();
    let shown = (chars / 4).min(4);
    let mut out: String = secret.chars().take(shown).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_shows_at_most_four_characters() {
        assert_eq!(redacted("ghp_0123456789abcdefghij"), "ghp_…");
        assert_eq!(redacted("hunter2!"), "hu…");
        assert_eq!(redacted("abc"), "…");
        assert_eq!(redacted("ééééééééé"), "éé…");
    }
}
