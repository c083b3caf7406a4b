//! The `stand-in` filter: what documentation writes where a value goes, and nothing more.
//!
//! The `placeholder` filter also drops weak words (`password`, `admin`, `test123`), because in
//! code and prose a password assigned such a word is nearly always an illustration. In a file
//! whose format says every value is a credential (`.pgpass`, `.netrc`, a `.env` file, a
//! `wp-config.php`), the same word is a weak password, which is the worst kind of leak. Rules for
//! such files use this filter instead: it drops stand-ins that no one uses as a password
//! (`changeme`, `<password>`, `xxxx`, `password_here`, `TODO`, `${...}` is the template
//! filter's) and keeps everything else.

use super::around::{contains_any, starts_with_any, Around};

/// Words that mark a value as a stand-in wherever they occur in it.
pub(crate) const PLACEHOLDER_PARTS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "changeit",
    "example",
    "dummy",
    "placeholder",
    "redacted",
    "replaceme",
    "replace_me",
    "replace-me",
    "replace_with",
    "replace-with",
    "your_",
    "your-",
    "yourpass",
    "yourtoken",
    "yoursecret",
    "yourkey",
    "yourapi",
    "notreal",
    "not_real",
    "not-real",
    "not-a-real",
    "xxxx",
    "****",
    "....",
    "••••",
];

/// Parts that mark a value written for a reader to replace (`your_password_here`).
const STAND_IN_PARTS: &[&str] = &["_here", "-here", "here>", "put your", "fill in", "fill_in"];

/// Whole values (letters only, any case) that stand for a value rather than being one.
const STAND_IN_WORDS: &[&str] = &[
    "string",
    "value",
    "none",
    "null",
    "nil",
    "empty",
    "undefined",
    "unset",
    "todo",
    "tbd",
    "fixme",
    "required",
    "optional",
    "unknown",
    "na",
    "foo",
    "bar",
    "baz",
    "foobar",
    "hidden",
    "masked",
    "xxx",
];

/// Whether `around`'s secret is a documentation stand-in (see the module header).
pub(super) fn is_stand_in(around: &Around<'_>) -> bool {
    let secret = around.secret;
    let parts = PLACEHOLDER_PARTS.iter().filter(|part| **part != "changeit");
    if parts.clone().any(|part| contains_any(secret, &[part]))
        || contains_any(secret, STAND_IN_PARTS)
        || starts_with_any(secret, &["your"])
    {
        return true;
    }
    // `<password>`, `[your password]`, `<db-pass>`: a name in brackets. A random key may start
    // with `[` or end with `>` (WordPress salts do), so the brackets must close a name.
    if is_bracketed_name(secret) || around.before_value().last() == Some(&b'<') {
        return true;
    }
    // A pattern that stops at a space sees `<your` of `<your password>`.
    if let Some(close) = match secret.first() {
        Some(b'<') => Some(b'>'),
        Some(b'[') => Some(b']'),
        _ => None,
    } {
        let rest = [secret, around.after].concat();
        if let Some(end) = rest.iter().position(|&b| b == close) {
            if is_bracketed_name(&rest[..=end]) {
                return true;
            }
        }
    }
    // Cut short for display: `Pa55...`, `hunter…`.
    if secret.ends_with(b"...") || secret.ends_with("\u{2026}".as_bytes()) {
        return true;
    }
    // One character repeated: `aaaaaaaa`, `********` (a single character counts too).
    if secret.windows(2).all(|pair| pair[0] == pair[1]) {
        return true;
    }
    let word: String = secret
        .iter()
        .filter(|b| !matches!(b, b'_' | b'-' | b'/' | b' '))
        .map(|b| b.to_ascii_lowercase() as char)
        .collect();
    STAND_IN_WORDS.contains(&word.as_str())
}

/// `<password>`, `[db password]`, `{token}`: letters, digits, spaces, `_` and `-` in brackets.
fn is_bracketed_name(secret: &[u8]) -> bool {
    let inner = match (secret.first(), secret.last()) {
        (Some(b'<'), Some(b'>')) | (Some(b'['), Some(b']')) | (Some(b'{'), Some(b'}'))
            if secret.len() > 2 =>
        {
            &secret[1..secret.len() - 1]
        }
        _ => return false,
    };
    inner
        .iter()
        .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'_' | b'-' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stand_in(line: &str, secret: &str) -> bool {
        let start = line.find(secret).expect("the secret is in the line");
        is_stand_in(&Around::of(line.as_bytes(), start..start + secret.len()))
    }

    #[test]
    fn documentation_stand_ins_are_dropped() {
        for (line, secret) in [
            ("DB_PASSWORD=changeme", "changeme"),
            ("DB_PASSWORD=<password>", "<password>"),
            ("DB_PASSWORD=xxxxxxxx", "xxxxxxxx"),
            ("define('DB_PASSWORD', 'password_here');", "password_here"),
            ("PASSWORD=your-password", "your-password"),
            ("password: TODO", "TODO"),
            ("password=********", "********"),
            ("PASSWORD=N/A", "N/A"),
            ("pass = example123", "example123"),
            ("pass = [secret]", "[secret]"),
            ("ansible_password: <your password>", "<your"),
        ] {
            assert!(stand_in(line, secret), "{line}");
        }
    }

    #[test]
    fn weak_passwords_are_kept() {
        for (line, secret) in [
            ("DB_PASSWORD=password", "password"),
            ("DB_PASSWORD=admin", "admin"),
            ("DB_PASSWORD=pass123", "pass123"),
            ("MYSQL_ROOT_PASSWORD=root", "root"),
            ("POSTGRES_PASSWORD=postgres", "postgres"),
            ("password=Summer2023!", "Summer2023!"),
            ("password=123456", "123456"),
            ("password=test", "test"),
            ("ks.password=changeit", "changeit"),
            (
                "define('AUTH_KEY', '[p|MN/(aK&.oO%LNW!9c04XrPNQF+PtB<N.y(K~X>');",
                "[p|MN/(aK&.oO%LNW!9c04XrPNQF+PtB<N.y(K~X>",
            ),
        ] {
            assert!(!stand_in(line, secret), "{line}");
        }
    }
}
