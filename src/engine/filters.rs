//! Noise filters: tests that tell a value written where a secret goes from a secret.
//!
//! Generic rules (`password = ...`, `scheme://user:pass@host`) match the shape of an assignment,
//! not the shape of a credential, so most of what they match in real trees is not a secret: a
//! placeholder (`changeme`, `<token>`), a template (`${DB_PASS}`), a read from the environment
//! (`os.getenv("X")`), a digest, a UUID, a value encrypted at rest (SOPS, Ansible Vault), or code
//! and prose (`args.password`, `Enter your password`). A rule lists the filters it wants in its
//! `filters:` field; the matcher runs them after the entropy and allow gates and drops the
//! candidate on the first filter that claims it, naming that filter for `--explain`.
//!
//! Each filter is a pure function of the secret and the rest of its line ([`Around`]), so it can
//! be tested alone. They look at bytes, not at a parse of the file: cheap, and the same for every
//! format, at the price of judging by the shape of one line. Provider rules with a fixed prefix
//! need none of this and list no filters.

use std::ops::Range;

use super::around::Around;
use super::around::{contains_any, ends_with_any, starts_with_any};
use super::stand_in::{is_stand_in, PLACEHOLDER_PARTS};
use crate::rules::Filter;

impl Filter {
    /// Whether this filter takes the candidate for noise.
    pub(crate) fn drops(self, around: &Around<'_>) -> bool {
        match self {
            Filter::Placeholder => is_placeholder(around),
            Filter::Template => is_template(around),
            Filter::EnvReference => is_env_reference(around),
            Filter::Hash => is_hash(around),
            Filter::Uuid => is_uuid(around.secret),
            Filter::DataUri => is_data_uri(around),
            Filter::Encrypted => is_encrypted(around),
            Filter::Identifier => is_identifier(around),
            Filter::Prose => is_prose(around),
            Filter::StandIn => is_stand_in(around),
        }
    }
}

/// The first of `filters` that drops the secret at `secret` in `haystack`, if any.
pub(crate) fn first_dropping(
    filters: &[Filter],
    haystack: &[u8],
    secret: Range<usize>,
) -> Option<Filter> {
    if filters.is_empty() {
        return None;
    }
    let around = Around::of(haystack, secret);
    filters.iter().copied().find(|filter| filter.drops(&around))
}

/// Values that are placeholders when they make up the whole value, once digits and punctuation
/// are removed and a `my`, `your`, `test`, `dummy`, `fake`, `default` or `sample` is stripped
/// off either end: `Password123!`, `test1234`, `my_secret`, `admin`.
const PLACEHOLDER_WORDS: &[&str] = &[
    "",
    "password",
    "passwd",
    "pass",
    "pwd",
    "psswrd",
    "passw",
    "passphrase",
    "secret",
    "token",
    "key",
    "apikey",
    "value",
    "admin",
    "root",
    "guest",
    "user",
    "username",
    "letmein",
    "qwerty",
    "foo",
    "bar",
    "baz",
    "foobar",
    "abc",
    "abcdef",
    "xyz",
    "none",
    "null",
    "empty",
    "secretkey",
    "accesskey",
    "authtoken",
    "accesstoken",
    "string",
    "todo",
    "tbd",
    "fixme",
];

const PLACEHOLDER_AFFIXES: &[&str] = &[
    "my", "your", "the", "some", "test", "testing", "dummy", "fake", "default", "sample", "demo",
    "mock", "secret", "super", "new",
];

fn is_placeholder(around: &Around<'_>) -> bool {
    let secret = around.secret;
    if contains_any(secret, PLACEHOLDER_PARTS) || starts_with_any(secret, &["your"]) {
        return true;
    }
    // `<token>`, `[password]`, `{{ }}` is the template filter's.
    if secret.first() == Some(&b'<') || secret.last() == Some(&b'>') {
        return true;
    }
    if around.before_value().last() == Some(&b'<') {
        return true;
    }
    // Cut short for display: `sk_live_TH9t7...`, `ghp_abc…`.
    if secret.ends_with(b"...") || secret.ends_with("\u{2026}".as_bytes()) {
        return true;
    }
    // One character repeated: `aaaaaaaa`, `00000000`, `--------`.
    if secret.windows(2).all(|pair| pair[0] == pair[1]) {
        return true;
    }
    let letters: String = secret
        .iter()
        .filter(|b| b.is_ascii_alphabetic())
        .map(|b| b.to_ascii_lowercase() as char)
        .collect();
    // A value without letters (`83927461`) is not a word, whatever the affixes say.
    !letters.is_empty() && is_placeholder_word(&letters)
}

/// `letters` (lowercase) is a placeholder word, possibly wrapped in the affixes: a run of
/// affixes, a word, a run of affixes. Decided in time linear in its length: first the places that
/// a run of affixes reaches from the start, and those from which one reaches the end, then each
/// word between two such places. (Stripping an affix from either end and recursing, without a
/// memo, took time exponential in the number of affixes: a 78-letter value took minutes.)
fn is_placeholder_word(letters: &str) -> bool {
    let bytes = letters.as_bytes();
    let affix_at = |at: usize| {
        PLACEHOLDER_AFFIXES
            .iter()
            .map(|affix| affix.as_bytes())
            .filter(move |affix| bytes[at..].starts_with(affix))
            .map(<[u8]>::len)
    };
    // `from_start[i]`: `letters[..i]` is a run of affixes; `to_end[i]`: `letters[i..]` is one.
    let mut from_start = vec![false; bytes.len() + 1];
    from_start[0] = true;
    for at in 0..bytes.len() {
        if from_start[at] {
            for len in affix_at(at) {
                from_start[at + len] = true;
            }
        }
    }
    let mut to_end = vec![false; bytes.len() + 1];
    to_end[bytes.len()] = true;
    for at in (0..bytes.len()).rev() {
        to_end[at] = affix_at(at).any(|len| to_end[at + len]);
    }
    (0..=bytes.len()).filter(|&at| from_start[at]).any(|at| {
        PLACEHOLDER_WORDS
            .iter()
            .any(|word| bytes[at..].starts_with(word.as_bytes()) && to_end[at + word.len()])
    })
}

fn is_template(around: &Around<'_>) -> bool {
    let secret = around.secret;
    if contains_any(
        secret,
        &["${", "{{", "}}", "{%", "%}", "<%", "%>", "#{", "%("],
    ) {
        return true;
    }
    // `$VAR`, `$(cmd)`, `%VAR%`, `@VAR@`, `__VAR__`, `{name}`: a variable, not a value.
    if secret.first() == Some(&b'$') && secret.get(1).is_some_and(|&b| b != b'$') {
        return true;
    }
    let wrapped = |open: &[u8], close: &[u8]| {
        secret.len() > open.len() + close.len()
            && secret.starts_with(open)
            && secret.ends_with(close)
            && secret[open.len()..secret.len() - close.len()]
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    };
    if wrapped(b"%", b"%") || wrapped(b"@", b"@") || wrapped(b"__", b"__") || wrapped(b"{", b"}") {
        return true;
    }
    // printf verbs: `%s`, `%d`, `%v`, `%-10s`.
    if secret
        .windows(2)
        .any(|pair| pair[0] == b'%' && matches!(pair[1], b's' | b'd' | b'v' | b'q' | b'x' | b'r'))
    {
        return true;
    }
    // The value sits inside a template that the pattern cut short: `{{ .Values.token }}`.
    let before = around.before_value();
    ends_with_any(before, &["{{", "${", "{%", "<%=", "#{", "$("])
}

/// Ways of reading a secret from somewhere else that can stand where the secret goes.
const ENV_READS: &[&str] = &[
    "os.environ",
    "os.getenv",
    "getenv(",
    "process.env",
    "import.meta.env",
    "env(",
    "env.",
    "env[",
    "env::var",
    "environment.getenvironmentvariable",
    "secrets.",
    "secret(",
    "vars.",
    "$(cat",
    "$(<",
    "`cat ",
    "vault:",
    "vault(",
    "ref+",
    "!vault",
    "arn:aws:secretsmanager:",
    "arn:aws:ssm:",
    "{{resolve:",
    "op://",
    "keyvault",
    "sm://",
    "secretref",
    "secretkeyref",
    "valuefrom",
    "lookup(",
];

fn is_env_reference(around: &Around<'_>) -> bool {
    if contains_any(around.secret, ENV_READS) {
        return true;
    }
    // The value is the argument of the read: `os.getenv("API_TOKEN")`, `${{ secrets.X }}`,
    // `!vault |`. A literal after a read (`getenv("X", "fallback")`) is still a secret.
    let before = around.before_value();
    ends_with_any(
        before,
        &[
            "os.environ",
            "getenv",
            "environ.get",
            "process.env.",
            "env.",
            "env::var",
            "secrets.",
            "vault:",
            "ref+",
            "!vault",
            "$(cat",
            "fetch",
        ],
    ) || starts_with_any(around.secret, &["vault:", "!vault", "ref+"])
}

fn is_hex(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(u8::is_ascii_hexdigit)
}

fn is_hash(around: &Around<'_>) -> bool {
    let secret = around.secret;
    // Algorithm-prefixed digests: `sha256:…` (OCI), `sha512-…` (npm integrity), `h1:…` (go.sum).
    if starts_with_any(
        secret,
        &[
            "sha1:", "sha1-", "sha256:", "sha256-", "sha384:", "sha384-", "sha512:", "sha512-",
            "md5:", "md5-", "h1:", "blake2b", "xxh64:",
        ],
    ) {
        return true;
    }
    if ends_with_any(
        around.before_value(),
        &["sha256:", "sha512-", "sha384-", "sha1-", "h1:", "md5:"],
    ) {
        return true;
    }
    // Hex of a digest's length (MD5, SHA-1/git, SHA-256, SHA-512) next to a word that says so.
    let digest_length = matches!(secret.len(), 32 | 40 | 64 | 128);
    digest_length
        && is_hex(secret)
        && (has_digest_word(around.before) || has_digest_word(around.after))
}

/// Words that say a hex string is a digest, as whole words of a name or a sentence
/// (`commit_token`, `secretSha`; not `shared_secret`).
const DIGEST_WORDS: &[&str] = &[
    "sha",
    "sha1",
    "sha256",
    "sha512",
    "hash",
    "digest",
    "checksum",
    "commit",
    "integrity",
    "rev",
    "revision",
    "etag",
    "md5",
    "fingerprint",
];

fn has_digest_word(text: &[u8]) -> bool {
    words_of(text).any(|word| {
        DIGEST_WORDS
            .iter()
            .any(|w| word.eq_ignore_ascii_case(w.as_bytes()))
    })
}

/// The words of `text`: runs of letters and digits, also split where a lowercase letter meets a
/// capital (`secretSha` is `secret`, `Sha`).
fn words_of(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    text.split(|b| !b.is_ascii_alphanumeric()).flat_map(|run| {
        let mut cuts = vec![0];
        cuts.extend(
            (1..run.len())
                .filter(|&i| run[i - 1].is_ascii_lowercase() && run[i].is_ascii_uppercase()),
        );
        cuts.push(run.len());
        cuts.windows(2)
            .map(|pair| &run[pair[0]..pair[1]])
            .filter(|word| !word.is_empty())
            .collect::<Vec<_>>()
    })
}

fn is_uuid(secret: &[u8]) -> bool {
    let secret = secret.strip_prefix(b"urn:uuid:").unwrap_or(secret);
    let secret = secret
        .strip_prefix(b"{")
        .and_then(|rest| rest.strip_suffix(b"}"))
        .unwrap_or(secret);
    let groups: Vec<&[u8]> = secret.split(|&b| b == b'-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && is_hex(group))
}

fn is_data_uri(around: &Around<'_>) -> bool {
    if starts_with_any(around.secret, &["data:"]) {
        return true;
    }
    // The pattern may have cut the value after `data:image/png;base64,`.
    let before = around.before_value();
    let tail = &before[before.len().saturating_sub(64)..];
    contains_any(tail, &["data:"]) && ends_with_any(tail, &[";base64,"])
}

fn is_encrypted(around: &Around<'_>) -> bool {
    let secret = around.secret;
    if contains_any(
        secret,
        &[
            "enc[aes256_gcm",
            "enc[pgp",
            "$ansible_vault;",
            "-----begin pgp message",
        ],
    ) || starts_with_any(secret, &["ENC["])
    {
        return true;
    }
    if contains_any(
        around.before,
        &["enc[aes256_gcm", "$ansible_vault;", "encrypteddata"],
    ) {
        return true;
    }
    // A Maven password encrypted with the master password: `{COQLCE6DU6GtcS5P=}`.
    let inner = secret
        .strip_prefix(b"{")
        .and_then(|rest| rest.strip_suffix(b"}"));
    if inner.is_some_and(|inner| {
        inner.len() >= 12
            && inner
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
            && inner.ends_with(b"=")
    }) {
        return true;
    }
    // A SealedSecrets value: `Ag` + a version letter, then hundreds of base64 characters.
    secret.len() >= 200
        && starts_with_any(secret, &["AgA", "AgB", "AgC", "AgD"])
        && secret
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

fn is_identifier(around: &Around<'_>) -> bool {
    let secret = around.secret;
    let text = String::from_utf8_lossy(secret);
    let lower = text.to_ascii_lowercase();
    // Booleans, nulls and numbers (with an optional unit: `30s`, `8`, `3.5`).
    if matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "nil" | "none" | "undefined"
    ) {
        return true;
    }
    if is_number(&lower) {
        return true;
    }
    // A call or an index: the value is followed by `(` or `[` (`get_password()`, `creds[0]`).
    if matches!(around.after.first(), Some(b'(' | b'[')) {
        return true;
    }
    // File paths and URLs.
    if starts_with_any(secret, &["/", "./", "../", "~/", "file:"])
        || (secret.len() > 3 && secret[1] == b':' && matches!(secret[2], b'\\' | b'/'))
        || is_url(secret)
        || is_relative_file_path(secret)
    {
        return true;
    }
    is_code_name(&text)
}

/// A number, maybe with a unit: `8`, `3.5`, `3600s`, `512mb`, `2024-01-01`.
fn is_number(lower: &str) -> bool {
    let unit_at = lower
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '_')))
        .unwrap_or(lower.len());
    let (number, unit) = lower.split_at(unit_at);
    number.bytes().any(|b| b.is_ascii_digit())
        && matches!(
            unit,
            "" | "s" | "ms" | "m" | "h" | "d" | "w" | "y" | "k" | "kb" | "mb" | "gb" | "%"
        )
}

/// `scheme://…` with a short scheme.
fn is_url(secret: &[u8]) -> bool {
    let Some(at) = memchr::memmem::find(secret, b"://") else {
        return false;
    };
    (2..=16).contains(&at)
        && secret[0].is_ascii_alphabetic()
        && secret[..at]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'))
}

/// `secrets/db.txt`, `config\prod.json`: folders and a file name with a short extension.
fn is_relative_file_path(secret: &[u8]) -> bool {
    let has_separator = secret.contains(&b'/') || secret.contains(&b'\\');
    let extension = secret
        .iter()
        .rposition(|&b| b == b'.')
        .map(|dot| &secret[dot + 1..]);
    has_separator
        && extension.is_some_and(|ext| {
            (1..=5).contains(&ext.len()) && ext.iter().all(u8::is_ascii_alphabetic)
        })
        && secret
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'\\' | b'.' | b'_' | b'-'))
}

/// Names as code writes them: a word of letters, `snake_case`, `SCREAMING_CASE`, `kebab-case`,
/// a dotted path (`self.config.password`, `s:remote_passwd`), or a `CamelCase` type name.
fn is_code_name(text: &str) -> bool {
    let bytes = text.as_bytes();
    let Some(&first) = bytes.first() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == b'_' || first == b'$') {
        return false;
    }
    let word_chars = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    // Letters only (and separators): a word or a path of words.
    if bytes
        .iter()
        .all(|&b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'$' | b'.' | b':' | b'-'))
    {
        return true;
    }
    // A dotted path of identifiers (`config.db2.password`).
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() > 1
        && parts.iter().all(|part| {
            part.as_bytes()
                .first()
                .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'_' || b == b'$')
                && part.bytes().all(word_chars)
        })
    {
        return true;
    }
    // snake_case / SCREAMING_CASE with digits inside words (`db2_password`, `AWS_S3_KEY`).
    let words: Vec<&str> = text.split('_').collect();
    let all_lower = text.bytes().all(|b| !b.is_ascii_uppercase());
    let all_upper = text.bytes().all(|b| !b.is_ascii_lowercase());
    if words.len() > 1
        && (all_lower || all_upper)
        && words.iter().all(|word| {
            word.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
                && word.bytes().all(|b| b.is_ascii_alphanumeric())
        })
    {
        return true;
    }
    is_camel_case_name(bytes)
}

/// Two or more capitalized words of three or more letters, with at most a short prefix of
/// capitals and digits and no trailing digits: `V1ServiceAccountTokenProjection`,
/// `InvalidAccessToken`, `onTokenRefresh`.
fn is_camel_case_name(bytes: &[u8]) -> bool {
    let mut words = 0;
    let mut i = 0;
    // A leading lowercase word (`onTokenRefresh`).
    while i < bytes.len() && bytes[i].is_ascii_lowercase() {
        i += 1;
    }
    while i < bytes.len() {
        // Up to two capitals or digits before the capital that starts a word (`V1`, `IO`).
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_uppercase() || bytes[i].is_ascii_digit()) {
            i += 1;
        }
        if i == start || i - start > 3 || !bytes[i - 1].is_ascii_uppercase() {
            return false;
        }
        let lower_start = i;
        while i < bytes.len() && bytes[i].is_ascii_lowercase() {
            i += 1;
        }
        if i - lower_start < 2 {
            return false;
        }
        words += 1;
    }
    words >= 2
}

/// Suffixes of names whose values describe a secret instead of being one.
const SETTING_SUFFIXES: &[&str] = &[
    "length",
    "len",
    "min",
    "max",
    "minimum",
    "maximum",
    "ttl",
    "timeout",
    "expiry",
    "expires",
    "expiration",
    "lifetime",
    "field",
    "header",
    "param",
    "parameter",
    "name",
    "type",
    "file",
    "path",
    "env",
    "var",
    "url",
    "uri",
    "endpoint",
    "regex",
    "pattern",
    "prompt",
    "label",
    "message",
    "msg",
    "hint",
    "policy",
    "format",
    "placeholder",
    "title",
    "text",
    "description",
    "help",
    "error",
    "count",
    "size",
    "rounds",
    "iterations",
    "algorithm",
    "mode",
    "enabled",
    "required",
    "location",
    "dir",
    "command",
    "cmd",
    "template",
];

fn is_prose(around: &Around<'_>) -> bool {
    let secret = around.secret;
    // Two or more words of letters, as in a sentence or a prompt.
    let words = secret
        .split(|b| b.is_ascii_whitespace())
        .filter(|word| {
            word.len() >= 2
                && word
                    .iter()
                    .all(|b| b.is_ascii_alphabetic() || b".,:;!?'-".contains(b))
        })
        .count();
    if words >= 2 && secret.iter().any(u8::is_ascii_whitespace) {
        return true;
    }
    // A prompt or a heading: `Password:`, `Token?`, `Enter password...`.
    let prompt = secret
        .strip_suffix(b"...")
        .or_else(|| secret.strip_suffix(b":"))
        .or_else(|| secret.strip_suffix(b"?"));
    if prompt.is_some_and(|words| {
        !words.is_empty() && words.iter().all(|b| b.is_ascii_alphabetic() || *b == b' ')
    }) {
        return true;
    }
    // The value is a setting about the secret: `PASSWORD_MIN_LENGTH = 8`, `TOKEN_HEADER = ...`.
    let name = around.assigned_name();
    SETTING_SUFFIXES.iter().any(|suffix| {
        name.len() > suffix.len()
            && name.ends_with(suffix)
            && matches!(
                name.as_bytes()[name.len() - suffix.len() - 1],
                b'_' | b'-' | b'.'
            )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every filter.
    const ALL: [Filter; 10] = [
        Filter::Placeholder,
        Filter::Template,
        Filter::EnvReference,
        Filter::Hash,
        Filter::Uuid,
        Filter::DataUri,
        Filter::Encrypted,
        Filter::Identifier,
        Filter::Prose,
        Filter::StandIn,
    ];

    /// The filters that drop `secret` in `line` (its first occurrence).
    fn dropped_by(line: &str, secret: &str) -> Vec<Filter> {
        let start = line.find(secret).expect("the secret is in the line");
        let around = Around::of(line.as_bytes(), start..start + secret.len());
        ALL.into_iter()
            .filter(|filter| filter.drops(&around))
            .collect()
    }

    fn drops(filter: Filter, line: &str, secret: &str) -> bool {
        dropped_by(line, secret).contains(&filter)
    }

    /// Lines whose secret no filter drops: real-looking secrets in many formats.
    const KEPT: &[(&str, &str)] = &[
        (concat!("DB_PASSWORD=", "Summer2024!"), "Summer2024!"),
        ("password: \"Wd4#kLp9vQz2\"", "Wd4#kLp9vQz2"),
        (
            concat!("api_key = '", "d8f7a6e5c4b3a2918273645f6e7d8c9b'"),
            "d8f7a6e5c4b3a2918273645f6e7d8c9b",
        ),
        (
            concat!("<password>", "Tr0ub4dor&amp;3", "</password>"),
            "Tr0ub4dor&amp;3",
        ),
        (
            "token := \"Gx7pQ2mLk9Zt4Wv8Rb3Ny6Hc1Jd5Fs0A\"",
            "Gx7pQ2mLk9Zt4Wv8Rb3Ny6Hc1Jd5Fs0A",
        ),
        ("ENV ADMIN_PASS=k9!Lz2@qPw", "k9!Lz2@qPw"),
        (
            concat!("client_secret => '", "hX8d-Pq2_Zm7Lw0c'"),
            "hX8d-Pq2_Zm7Lw0c",
        ),
        ("export TOKEN=\"s3cr3t-R0tat3d-May\"", "s3cr3t-R0tat3d-May"),
        (
            "api_key = os.getenv(\"KEY\", \"Tq8Lm2Xz9Pw4Kd7R\")",
            "Tq8Lm2Xz9Pw4Kd7R",
        ),
        (
            concat!("postgres://app:", "Zq8vLm2Tr9xK@db:5432/app"),
            "Zq8vLm2Tr9xK",
        ),
        ("password = \"CorrectHorse42\"", "CorrectHorse42"),
    ];

    #[test]
    fn real_looking_secrets_pass_every_filter() {
        for (line, secret) in KEPT {
            assert_eq!(dropped_by(line, secret), vec![], "{line}");
        }
    }

    #[test]
    fn placeholder_drops_stand_ins() {
        for (line, secret) in [
            ("DB_PASSWORD=changeme123", "changeme123"),
            ("API_KEY=YOUR_API_KEY", "YOUR_API_KEY"),
            ("api_key = \"your-api-key-here\"", "your-api-key-here"),
            ("token: xxxxxxxxxxxxxxxx", "xxxxxxxxxxxxxxxx"),
            ("password: \"********\"", "********"),
            ("token = <token>", "<token>"),
            ("password = \"password\"", "password"),
            ("PASSWORD=Password123!", "Password123!"),
            ("password = \"test1234\"", "test1234"),
            ("secret: my_secret_value", "my_secret_value"),
            ("SECRET=example-secret-value", "example-secret-value"),
            ("key = 'dummy-key-0001'", "dummy-key-0001"),
            ("pw = 00000000", "00000000"),
            ("password: your@login", "your@login"),
            ("api_key = \"sk_live_TH9t7...\"", "sk_live_TH9t7..."),
            ("token: ghp_abc\u{2026}", "ghp_abc\u{2026}"),
        ] {
            assert!(drops(Filter::Placeholder, line, secret), "{line}");
        }
        assert!(!drops(
            Filter::Placeholder,
            concat!("password=", "Summer2024!"),
            "Summer2024!"
        ));
        assert!(!drops(
            Filter::Placeholder,
            "token=pX7rT2qLm9zA",
            "pX7rT2qLm9zA"
        ));
        assert!(!drops(
            Filter::Placeholder,
            "redis://:83927461@cache",
            "83927461"
        ));
    }

    /// The definition `is_placeholder_word` implements: a word, or an affix stripped from either
    /// end of a placeholder word (exponential, for short inputs only).
    fn placeholder_word_by_definition(letters: &str) -> bool {
        PLACEHOLDER_WORDS.contains(&letters)
            || PLACEHOLDER_AFFIXES.iter().any(|affix| {
                [letters.strip_prefix(affix), letters.strip_suffix(affix)]
                    .into_iter()
                    .flatten()
                    .any(placeholder_word_by_definition)
            })
    }

    #[test]
    fn placeholder_words_are_what_the_definition_says() {
        let pieces = [
            "my", "test", "testing", "ing", "pass", "word", "secret", "key", "x", "s",
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..20_000 {
            let mut letters = String::new();
            for _ in 0..(state % 6) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                letters.push_str(pieces[(state % pieces.len() as u64) as usize]);
            }
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            assert_eq!(
                is_placeholder_word(&letters),
                placeholder_word_by_definition(&letters),
                "{letters}"
            );
        }
    }

    #[test]
    fn a_long_value_of_affixes_is_judged_at_once() {
        // Affixes on both sides of a letter pair that is no word: stripping from either end
        // without a memo tried every order (a 78-character value took minutes, 125 hours).
        let side = "mythenewmymynewthemymy".repeat(3);
        let value = format!("7{side}zq{side}");
        assert_eq!(value.len(), 135);
        assert!(!is_placeholder(&Around::of(
            value.as_bytes(),
            0..value.len()
        )));
        let wrapped = format!("7{side}password{side}");
        assert!(is_placeholder(&Around::of(
            wrapped.as_bytes(),
            0..wrapped.len()
        )));
    }

    #[test]
    fn template_drops_variables_and_format_strings() {
        for (line, secret) in [
            ("DB_PASSWORD=${DB_PASSWORD}", "${DB_PASSWORD}"),
            ("DB_PASSWORD=$DB_PASSWORD", "$DB_PASSWORD"),
            (
                "password: \"{{ .Values.db.password }}\"",
                ".Values.db.password",
            ),
            ("set PASS=%DB_PASS%", "%DB_PASS%"),
            ("password = \"%(password)s\"", "%(password)s"),
            ("dsn = \"user:%s@host\"", "%s@host"),
            ("token = \"{token}\"", "{token}"),
            ("password = \"#{db_pass}\"", "#{db_pass}"),
            ("password=@DB_PASSWORD@", "@DB_PASSWORD@"),
        ] {
            assert!(drops(Filter::Template, line, secret), "{line}");
        }
        assert!(!drops(
            Filter::Template,
            concat!("password=", "Pa$$w0rd-99x"),
            "Pa$$w0rd-99x"
        ));
        assert!(!drops(
            Filter::Template,
            "pw=Lk2@pQ9zXw7m%",
            "Lk2@pQ9zXw7m%"
        ));
    }

    #[test]
    fn env_reference_drops_reads_from_elsewhere() {
        for (line, secret) in [
            ("db_password = os.environ[\"DB_PASSWORD\"]", "DB_PASSWORD"),
            ("password = os.getenv('DB_PASS')", "DB_PASS"),
            (
                "password: process.env.DB_PASSWORD",
                "process.env.DB_PASSWORD",
            ),
            ("token: ${{ secrets.DEPLOY_TOKEN }}", "DEPLOY_TOKEN"),
            ("PASSWORD=$(cat /run/secrets/db)", "$(cat"),
            (
                "password: vault:secret/data/db#password",
                "vault:secret/data/db#password",
            ),
            (
                "password: ref+vault://secret/db#/pass",
                "ref+vault://secret/db#/pass",
            ),
            ("password: !vault |", "|"),
            (
                "token: arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCd",
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCd",
            ),
            (
                "api_key: arn:aws:ssm:us-east-1:123456789012:parameter/key",
                "arn:aws:ssm:us-east-1:123456789012:parameter/key",
            ),
        ] {
            assert!(drops(Filter::EnvReference, line, secret), "{line}");
        }
        // A literal fallback after the read is still a secret.
        assert!(!drops(
            Filter::EnvReference,
            "key = os.getenv(\"KEY\", \"Tq8Lm2Xz9Pw4Kd7R\")",
            "Tq8Lm2Xz9Pw4Kd7R"
        ));
    }

    #[test]
    fn hash_drops_digests_and_checksums() {
        let git_id = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
        for (line, secret) in [
            (
                "\"integrity\": \"sha512-Zq8vLm2Tr9xKZq8vLm2Tr9xK==\"",
                "sha512-Zq8vLm2Tr9xKZq8vLm2Tr9xK==",
            ),
            (
                "image: app@sha256:9f86d081884c7d659a2feaa0c55ad015",
                "sha256:9f86d081884c7d659a2feaa0c55ad015",
            ),
            (
                "golang.org/x/text v0.3.0 h1:g61tztE5qeGQ89tm6NTjjM9VPIm088od1l6aSorWRWg=",
                "h1:g61tztE5qeGQ89tm6NTjjM9VPIm088od1l6aSorWRWg=",
            ),
            (&format!("commit_token = \"{git_id}\""), git_id),
            (&format!("secret_sha = {git_id}"), git_id),
        ] {
            assert!(drops(Filter::Hash, line, secret), "{line}");
        }
        // The same hex with no word about digests is left to the rule.
        assert!(!drops(Filter::Hash, &format!("token = {git_id}"), git_id));
        assert!(!drops(
            Filter::Hash,
            &format!("shared_secret = {git_id}"),
            git_id
        ));
    }

    #[test]
    fn uuid_drops_uuids_only() {
        let id = "123e4567-e89b-12d3-a456-426614174000";
        assert!(drops(Filter::Uuid, &format!("api_key: {id}"), id));
        assert!(is_uuid(format!("{{{id}}}").as_bytes()));
        assert!(is_uuid(format!("urn:uuid:{id}").as_bytes()));
        assert!(!is_uuid(b"123e4567-e89b-12d3-a456-42661417400g"));
        assert!(!is_uuid(b"123e4567e89b12d3a456426614174000"));
    }

    #[test]
    fn data_uri_drops_inlined_files() {
        assert!(drops(
            Filter::DataUri,
            "token: data:image/png;base64,iVBORw0KGgo",
            "data:image/png;base64,iVBORw0KGgo"
        ));
        assert!(drops(
            Filter::DataUri,
            "secret = \"data:font/woff2;base64,d09GMgABAAAAA\"",
            "d09GMgABAAAAA"
        ));
        assert!(!drops(
            Filter::DataUri,
            "token = d09GMgABAAAAAx",
            "d09GMgABAAAAAx"
        ));
    }

    #[test]
    fn encrypted_drops_values_encrypted_at_rest() {
        let sealed = format!("AgB{}", "Zq8vLm2Tr9xK".repeat(20));
        for (line, secret) in [
            (
                "password: ENC[AES256_GCM,data:Tr9xKZq8,iv:Lm2T,tag:Zq8v,type:str]",
                "ENC[AES256_GCM,data:Tr9xKZq8,iv:Lm2T,tag:Zq8v,type:str]",
            ),
            (
                "password: $ANSIBLE_VAULT;1.1;AES256",
                "$ANSIBLE_VAULT;1.1;AES256",
            ),
            (&format!("  password: {sealed}"), &sealed),
        ] {
            assert!(drops(Filter::Encrypted, line, secret), "{line}");
        }
        assert!(!drops(
            Filter::Encrypted,
            concat!("password: ", "AgBx9!kQ2z"),
            "AgBx9!kQ2z"
        ));
    }

    #[test]
    fn identifier_drops_code_and_references() {
        for (line, secret) in [
            ("let password = args.password;", "args.password"),
            ("password = self_password", "self_password"),
            ("PASSWORD = DEFAULT_DB_PASSWORD", "DEFAULT_DB_PASSWORD"),
            ("password = get_password()", "get_password"),
            ("token = creds[0]", "creds"),
            (
                "PASSWORD_FILE=/run/secrets/db_password",
                "/run/secrets/db_password",
            ),
            ("key_path: secrets/prod/api.key", "secrets/prod/api.key"),
            (
                "token_url: https://auth.acme.dev/oauth/token",
                "https://auth.acme.dev/oauth/token",
            ),
            ("require_password: true", "true"),
            ("PASSWORD_MIN_LENGTH = 8", "8"),
            (
                "token: V1ServiceAccountTokenProjection",
                "V1ServiceAccountTokenProjection",
            ),
            ("password = config.db2.password", "config.db2.password"),
            ("password: C:\\secrets\\db.txt", "C:\\secrets\\db.txt"),
        ] {
            assert!(drops(Filter::Identifier, line, secret), "{line}");
        }
        assert!(!drops(
            Filter::Identifier,
            concat!("password = ", "Summer2024"),
            "Summer2024"
        ));
        assert!(!drops(
            Filter::Identifier,
            concat!("password = ", "CorrectHorse42"),
            "CorrectHorse42"
        ));
    }

    #[test]
    fn prose_drops_sentences_prompts_and_settings() {
        for (line, secret) in [
            ("password: \"Enter your password\"", "Enter your password"),
            ("label = \"Password:\"", "Password:"),
            ("PASSWORD_MIN_LENGTH = 8", "8"),
            ("TOKEN_HEADER = \"X-Auth-Token\"", "X-Auth-Token"),
            (
                "\"passwordPolicy.regex\": \"^(?=.*[A-Z]).{8,}$\"",
                "^(?=.*[A-Z]).{8,}$",
            ),
            ("api_key_name: acme-prod-key", "acme-prod-key"),
        ] {
            assert!(drops(Filter::Prose, line, secret), "{line}");
        }
        assert!(!drops(
            Filter::Prose,
            concat!("DB_PASSWORD=", "Summer2024!"),
            "Summer2024!"
        ));
        assert!(!drops(
            Filter::Prose,
            concat!("password: ", "Wd4#kLp9"),
            "Wd4#kLp9"
        ));
    }

    #[test]
    fn around_takes_the_secrets_line_only() {
        let text = b"first\nkey = abc123 # note\nlast";
        let around = Around::of(text, 12..18);
        assert_eq!(around.before, b"key = ");
        assert_eq!(around.secret, b"abc123");
        assert_eq!(around.after, b" # note");
        assert_eq!(around.assigned_name(), "key");
    }

    #[test]
    fn first_dropping_names_the_first_filter_that_drops() {
        let text = b"password = \"${DB_PASSWORD}\"";
        let at = 12..26;
        assert_eq!(
            first_dropping(&[Filter::Hash, Filter::Template], text, at.clone()),
            Some(Filter::Template)
        );
        assert_eq!(
            first_dropping(&[Filter::Hash, Filter::Uuid], text, at.clone()),
            None
        );
        assert_eq!(first_dropping(&[], text, at), None);
    }

    #[test]
    fn an_empty_needle_is_contained_in_any_text_and_starts_and_ends_it() {
        // `windows(0)` panicked here once.
        assert!(contains_any(b"", &[""]));
        assert!(contains_any(b"abc", &["", "zzz"]));
        assert!(starts_with_any(b"abc", &[""]));
        assert!(ends_with_any(b"", &[""]));
        assert!(!contains_any(b"abc", &[]));
    }

    #[test]
    fn needles_are_found_in_either_case_anywhere() {
        assert!(contains_any(b"my-CHANGEME-value", PLACEHOLDER_PARTS));
        assert!(contains_any(b"x$Ansible_Vault;1.1", &["$ansible_vault;"]));
        assert!(!contains_any(b"changem", &["changeme"]));
    }

    #[test]
    fn filter_names_round_trip_through_yaml() {
        for filter in ALL {
            let parsed: Filter = serde_yaml::from_str(filter.as_str()).unwrap();
            assert_eq!(parsed, filter);
        }
    }
}
