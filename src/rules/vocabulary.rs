//! The words a rule is made of beyond its regex: the offline [`Check`] it asks of its secrets
//! (`check:`) and the noise [`Filter`]s it enables (`filters:`), with the names rule files and
//! reports use for them.
//!
//! They live with the rules so that a rule can be read, loaded and listed without the matcher;
//! what each one does to a candidate (`Check::passes`, `Filter::drops`) is the matcher's business
//! and lives in `engine` (`engine/checks.rs`, `engine/filters.rs`), which depends on this module, never
//! the reverse.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An offline check a rule can ask of its secrets (`check:` in a rule file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Check {
    /// `prefix_` then base62 characters whose last 6 are the CRC32 (IEEE) of the ones before
    /// them (after the last `_`), in base62 (`0-9A-Za-z`), left-padded with `0`: GitHub's
    /// `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` tokens and npm's `npm_` tokens.
    Crc32Base62,
    /// A JSON Web Token in compact form: `header.payload.signature`, header and payload
    /// base64url-encoded JSON objects, the header naming a signing `alg` other than `none`, and a
    /// signature present.
    Jwt,
    /// `pypi-` then a base64url-encoded version 2 macaroon whose location is `pypi.org`, with an
    /// identifier, well-formed caveats and a 32-byte signature, and nothing after it.
    PypiMacaroon,
    /// Grafana's service account tokens (`glsa_` + 32 characters + `_` + 8 hex): the part after
    /// the last `_` is the CRC32 (IEEE) of everything before that `_`, its bytes little-endian,
    /// in lowercase hex.
    GrafanaCrc32,
}

impl Check {
    /// The name a rule file uses (`crc32-base62`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Check::Crc32Base62 => "crc32-base62",
            Check::Jwt => "jwt",
            Check::PypiMacaroon => "pypi-macaroon",
            Check::GrafanaCrc32 => "grafana-crc32",
        }
    }

    /// What a failing candidate lacks, for `--explain` and `rules check`.
    pub(crate) fn failure(self) -> &'static str {
        match self {
            Check::Crc32Base62 => "its last 6 characters are not the CRC32 of the rest",
            Check::Jwt => {
                "it does not decode to a signed JWT (JSON header with `alg`, JSON payload)"
            }
            Check::PypiMacaroon => "it does not decode to a pypi.org macaroon",
            Check::GrafanaCrc32 => "its last 8 hex digits are not the CRC32 of the rest",
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One noise filter a rule can enable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Filter {
    /// Documentation placeholders: `changeme`, `YOUR_API_KEY`, `xxxx`, `****`, `<token>`,
    /// `password`, `test123`, empty-looking values.
    Placeholder,
    /// Template and variable syntax: `${VAR}`, `$VAR`, `{{ .Values.x }}`, `%(name)s`, `%s`,
    /// `{name}`, `#{var}`, `@VAR@`.
    Template,
    /// Reads from the environment or a secret manager: `os.environ[..]`, `process.env.X`,
    /// `${{ secrets.X }}`, `$(cat ..)`, `vault:`, `ref+`, `!vault`, AWS Secrets Manager and SSM
    /// ARNs.
    EnvReference,
    /// Digests and checksums: `sha256:…`, `sha512-…` (npm integrity), `h1:…` (go.sum), or hex of
    /// a digest's length next to a word such as `sha`, `commit` or `checksum`.
    Hash,
    /// A UUID (`123e4567-e89b-12d3-a456-426614174000`), an identifier rather than a secret.
    Uuid,
    /// A `data:` URI (an inlined image or font).
    DataUri,
    /// Values encrypted at rest: SOPS `ENC[AES256_GCM,…]`, `$ANSIBLE_VAULT;`, Bitnami
    /// SealedSecrets (`encryptedData`, `AgB…`).
    Encrypted,
    /// Code rather than data: identifiers, dotted paths, calls, file paths, URLs, booleans,
    /// numbers.
    Identifier,
    /// Words about a secret rather than a secret: prompts and sentences (`Enter your password`),
    /// settings named like `PASSWORD_MIN_LENGTH` or `TOKEN_HEADER`.
    Prose,
    /// Only what documentation writes where a value goes (`changeme`, `<password>`, `xxxx`,
    /// `password_here`, `TODO`), not weak words: for files whose format says every value is a
    /// credential, where `admin` or `password123` is a weak password, not a placeholder.
    StandIn,
}

impl Filter {
    /// The name used in rule files and `--explain`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Filter::Placeholder => "placeholder",
            Filter::Template => "template",
            Filter::EnvReference => "env-reference",
            Filter::Hash => "hash",
            Filter::Uuid => "uuid",
            Filter::DataUri => "data-uri",
            Filter::Encrypted => "encrypted",
            Filter::Identifier => "identifier",
            Filter::Prose => "prose",
            Filter::StandIn => "stand-in",
        }
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
