//! Offline checks of a candidate secret's inner structure, which a rule names with `check:`.
//!
//! Many token formats carry proof of their own shape: GitHub and npm tokens end in a CRC32 of
//! their random part, a JWT is two base64url-encoded JSON objects and a signature, a PyPI token
//! is a serialized macaroon. A real token of such a format always passes its check, so a
//! candidate that fails is a typo, a truncation, a made-up test value or another string that
//! only looks the part; the matcher drops it (visible with `--explain`). Checks are pure
//! functions of the secret's bytes: no I/O, no network, nothing is verified with the provider.

use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;

use crate::rules::Check;

impl Check {
    /// Whether `secret` passes this check.
    pub(crate) fn passes(self, secret: &[u8]) -> bool {
        match self {
            Check::Crc32Base62 => crc32_base62_valid(secret),
            Check::Jwt => jwt_valid(secret),
            Check::PypiMacaroon => pypi_macaroon_valid(secret),
            Check::GrafanaCrc32 => grafana_crc32_valid(secret),
        }
    }
}

/// The base62 digits in value order, as GitHub and npm use them.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Length of the checksum at the end of a [`Check::Crc32Base62`] token.
const CHECKSUM_LEN: usize = 6;

/// The 6 base62 characters a `Check::Crc32Base62` token ends with when its random part is
/// `payload`: the CRC32 (IEEE) of `payload`, in base62, left-padded with `0` (62^6 > 2^32, so
/// six always suffice).
pub fn crc32_base62(payload: &[u8]) -> [u8; CHECKSUM_LEN] {
    let mut value = crc32fast::hash(payload);
    let mut digits = [b'0'; CHECKSUM_LEN];
    for digit in digits.iter_mut().rev() {
        *digit = BASE62[(value % 62) as usize];
        value /= 62;
    }
    digits
}

/// The part after the last `_` ends in the checksum of the part before it.
fn crc32_base62_valid(secret: &[u8]) -> bool {
    let body = match memchr::memrchr(b'_', secret) {
        Some(at) => &secret[at + 1..],
        None => secret,
    };
    if body.len() <= CHECKSUM_LEN || !body.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let (payload, checksum) = body.split_at(body.len() - CHECKSUM_LEN);
    crc32_base62(payload) == checksum
}

/// The 8 lowercase hex digits a Grafana token ends with (after a `_`) when it starts with `key`.
pub(crate) fn grafana_crc32(key: &[u8]) -> [u8; 8] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut digits = [0; 8];
    for (pair, byte) in digits
        .chunks_exact_mut(2)
        .zip(crc32fast::hash(key).to_le_bytes())
    {
        pair[0] = HEX[usize::from(byte >> 4)];
        pair[1] = HEX[usize::from(byte & 0xf)];
    }
    digits
}

fn grafana_crc32_valid(secret: &[u8]) -> bool {
    match memchr::memrchr(b'_', secret) {
        Some(at) => secret[at + 1..] == grafana_crc32(&secret[..at]),
        None => false,
    }
}

/// Base64url with or without padding. Unused low bits in the last character are tolerated: the
/// check asks whether a token decodes, not whether its encoder was canonical.
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

fn decode_base64url(text: &[u8]) -> Option<Vec<u8>> {
    BASE64URL.decode(text).ok()
}

/// A base64url part that decodes to a JSON object.
fn json_object(part: &[u8]) -> Option<serde_json::Map<String, serde_json::Value>> {
    match serde_json::from_slice(&decode_base64url(part)?).ok()? {
        serde_json::Value::Object(map) => Some(map),
        _ => None,
    }
}

/// Three parts; header and payload JSON objects; a signing `alg` in the header; a signature.
/// Unsigned tokens (`alg: none`) fail: they prove nothing about their holder, and anyone can
/// write one.
fn jwt_valid(secret: &[u8]) -> bool {
    let mut parts = secret.split(|&byte| byte == b'.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let signed = match json_object(header).as_ref().and_then(|h| h.get("alg")) {
        Some(serde_json::Value::String(alg)) => {
            !alg.is_empty() && !alg.eq_ignore_ascii_case("none")
        }
        _ => false,
    };
    signed
        && json_object(payload).is_some()
        && !signature.is_empty()
        && decode_base64url(signature).is_some()
}

/// The macaroon serialization of libmacaroons and pymacaroons, version 2: a version byte (2),
/// then fields of a type (varint) and, unless the type is 0 (end of section), a length (varint)
/// and that many bytes. Sections: the macaroon's location (1, optional) and identifier (2); each
/// caveat's location (1, optional), identifier (2) and verification id (4, optional); an empty
/// section ends the caveats; then the signature (6).
fn pypi_macaroon_valid(secret: &[u8]) -> bool {
    let Some(encoded) = secret.strip_prefix(b"pypi-") else {
        return false;
    };
    let Some(bytes) = decode_base64url(encoded) else {
        return false;
    };
    let mut reader = Fields { rest: &bytes };
    if reader.byte() != Some(2) {
        return false;
    }
    match reader.section() {
        Some(section) if section.location == Some(b"pypi.org") && section.identifier => {}
        _ => return false,
    }
    loop {
        match reader.section() {
            // An empty section ends the caveats.
            Some(section) if section.is_empty() => break,
            Some(section) if section.identifier => {}
            _ => return false,
        }
    }
    matches!(reader.field(), Some(Field::Data(6, signature)) if signature.len() == 32)
        && reader.rest.is_empty()
}

/// A reader of macaroon fields.
struct Fields<'a> {
    rest: &'a [u8],
}

/// One field of a macaroon.
enum Field<'a> {
    /// The end of a section.
    End,
    /// A field type and its bytes.
    Data(u64, &'a [u8]),
}

/// What a section of a macaroon holds.
#[derive(Default)]
struct Section<'a> {
    location: Option<&'a [u8]>,
    identifier: bool,
    fields: usize,
}

impl Section<'_> {
    fn is_empty(&self) -> bool {
        self.fields == 0
    }
}

impl<'a> Fields<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (&first, rest) = self.rest.split_first()?;
        self.rest = rest;
        Some(first)
    }

    /// An unsigned LEB128 varint of at most 9 bytes.
    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..63).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    fn field(&mut self) -> Option<Field<'a>> {
        let kind = self.varint()?;
        if kind == 0 {
            return Some(Field::End);
        }
        let len = usize::try_from(self.varint()?).ok()?;
        if len > self.rest.len() {
            return None;
        }
        let (data, rest) = self.rest.split_at(len);
        self.rest = rest;
        Some(Field::Data(kind, data))
    }

    /// Fields up to the end of a section, in the order the format allows (location, identifier,
    /// verification id), each at most once; `None` when the section is malformed.
    fn section(&mut self) -> Option<Section<'a>> {
        let mut section = Section::default();
        let mut last_kind = 0;
        loop {
            match self.field()? {
                Field::End => return Some(section),
                Field::Data(kind, data) => {
                    if kind <= last_kind || !matches!(kind, 1 | 2 | 4) {
                        return None;
                    }
                    last_kind = kind;
                    section.fields += 1;
                    match kind {
                        1 => section.location = Some(data),
                        2 => section.identifier = true,
                        _ => {}
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A GitHub-style token: `prefix`, 30 characters derived from `seed`, and their checksum.
    fn token(prefix: &str, seed: u64) -> String {
        let mut n = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let payload: String = (0..30)
            .map(|_| {
                n ^= n << 13;
                n ^= n >> 7;
                n ^= n << 17;
                BASE62[(n % 62) as usize] as char
            })
            .collect();
        let checksum = crc32_base62(payload.as_bytes());
        format!("{prefix}{payload}{}", String::from_utf8_lossy(&checksum))
    }

    #[test]
    fn crc32_base62_matches_a_hand_computed_value() {
        // CRC32("123456789") is 0xCBF43926 = 3421780262, which is 3 45 35 27 22 14 in base 62.
        assert_eq!(crc32_base62(b"123456789"), *b"3jZRME");
        // A small value is left-padded with zeros: CRC32 of nothing is 0.
        assert_eq!(crc32_base62(b""), *b"000000");
    }

    #[test]
    fn crc32_base62_accepts_built_tokens_of_every_prefix() {
        for (seed, prefix) in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "npm_"]
            .iter()
            .enumerate()
        {
            let token = token(prefix, seed as u64);
            assert_eq!(token.len(), prefix.len() + 36);
            assert!(Check::Crc32Base62.passes(token.as_bytes()), "{token}");
        }
    }

    #[test]
    fn crc32_base62_rejects_a_changed_character_anywhere() {
        let good = token("ghp_", 7);
        for at in 4..good.len() {
            let mut bad = good.clone().into_bytes();
            bad[at] = if bad[at] == b'x' { b'y' } else { b'x' };
            assert!(
                !Check::Crc32Base62.passes(&bad),
                "{}",
                String::from_utf8_lossy(&bad)
            );
        }
    }

    #[test]
    fn crc32_base62_rejects_short_and_non_base62_bodies() {
        assert!(!Check::Crc32Base62.passes(b"ghp_000000"));
        assert!(!Check::Crc32Base62.passes(b"ghp_"));
        let good = token("ghp_", 8);
        let swapped_case = good[..34].to_string() + &good[34..].to_ascii_uppercase();
        if swapped_case != good {
            assert!(!Check::Crc32Base62.passes(swapped_case.as_bytes()));
        }
        let with_dash = format!("ghp_-{}", &good[5..]);
        assert!(!Check::Crc32Base62.passes(with_dash.as_bytes()));
    }

    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn b64(text: &str) -> String {
        URL_SAFE_NO_PAD.encode(text)
    }

    fn jwt(header: &str, payload: &str, signature: &str) -> String {
        format!("{}.{}.{signature}", b64(header), b64(payload))
    }

    #[test]
    fn jwt_accepts_a_signed_token_with_json_parts() {
        let token = jwt(
            r#"{"alg":"HS256","typ":"JWT"}"#,
            r#"{"sub":"u1","exp":1893456000}"#,
            "c2lnbmF0dXJlLWJ5dGVzLWhlcmU",
        );
        assert!(Check::Jwt.passes(token.as_bytes()), "{token}");
        // A signature whose last character carries unused low bits still decodes.
        let loose = jwt(r#"{"alg":"RS256"}"#, r#"{"sub":"u1"}"#, "c2lnAZ");
        assert!(Check::Jwt.passes(loose.as_bytes()), "{loose}");
    }

    #[test]
    fn jwt_rejects_unsigned_and_malformed_tokens() {
        let sig = "c2lnbmF0dXJlLWJ5dGVzLWhlcmU";
        let payload = r#"{"sub":"u1"}"#;
        for bad in [
            // Unsigned.
            jwt(r#"{"alg":"none"}"#, payload, sig),
            jwt(r#"{"alg":"NONE"}"#, payload, sig),
            jwt(r#"{"alg":"HS256"}"#, payload, ""),
            // No `alg`, or not a string.
            jwt(r#"{"typ":"JWT"}"#, payload, sig),
            jwt(r#"{"alg":256}"#, payload, sig),
            // Parts that are not JSON objects.
            jwt(r#"["alg","HS256"]"#, payload, sig),
            jwt(r#"{"alg":"HS256"}"#, "not json at all", sig),
            jwt(r#"{"alg":"HS256""#, payload, sig),
            // Not base64url.
            format!("{}.{}.{sig}", b64(r#"{"alg":"HS256"}"#), "eyJ!!!"),
            // Too few or too many parts.
            format!("{}.{}", b64(r#"{"alg":"HS256"}"#), b64(payload)),
            format!("{}.{sig}.{sig}", jwt(r#"{"alg":"HS256"}"#, payload, sig)),
        ] {
            assert!(!Check::Jwt.passes(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn grafana_crc32_is_little_endian_hex_of_the_key() {
        // CRC32("123456789") is 0xCBF43926: bytes 26 39 f4 cb, least significant first.
        assert_eq!(grafana_crc32(b"123456789"), *b"2639f4cb");
        let key = "glsa_Zq3Lk8Vn2Xw7Rt5Yp1Hm4Bc6Jd9Fs0Ga";
        let good = format!(
            "{key}_{}",
            String::from_utf8_lossy(&grafana_crc32(key.as_bytes()))
        );
        assert!(Check::GrafanaCrc32.passes(good.as_bytes()), "{good}");
        let upper = good.to_ascii_uppercase();
        assert!(!Check::GrafanaCrc32.passes(upper.as_bytes()));
        let changed = good.replacen("Zq3", "Zq4", 1);
        assert!(!Check::GrafanaCrc32.passes(changed.as_bytes()));
        assert!(!Check::GrafanaCrc32.passes(key.as_bytes()));
        assert!(!Check::GrafanaCrc32.passes(&good.as_bytes()[..good.len() - 1]));
    }

    /// A version 2 macaroon: location, identifier, the caveats, a signature of `signature_len`.
    fn macaroon(location: &str, caveats: &[&str], signature_len: usize) -> Vec<u8> {
        fn field(out: &mut Vec<u8>, kind: u8, data: &[u8]) {
            out.push(kind);
            out.push(data.len() as u8);
            out.extend_from_slice(data);
        }
        let mut out = vec![2];
        field(&mut out, 1, location.as_bytes());
        field(&mut out, 2, b"4d1c0a7e-52b3-4f0e-9a44-1b2c3d4e5f60");
        out.push(0);
        for caveat in caveats {
            field(&mut out, 2, caveat.as_bytes());
            out.push(0);
        }
        out.push(0);
        let signature: Vec<u8> = (0..signature_len as u8)
            .map(|i| i.wrapping_mul(37))
            .collect();
        field(&mut out, 6, &signature);
        out
    }

    fn pypi(bytes: &[u8]) -> String {
        format!("pypi-{}", URL_SAFE_NO_PAD.encode(bytes))
    }

    #[test]
    fn pypi_macaroon_accepts_a_well_formed_token() {
        let caveats = [r#"{"version": 1, "permissions": "user"}"#];
        let token = pypi(&macaroon("pypi.org", &caveats, 32));
        // Every pypi.org token starts the same way: version 2, location `pypi.org`.
        assert!(token.starts_with("pypi-AgEIcHlwaS5vcmc"), "{token}");
        assert!(Check::PypiMacaroon.passes(token.as_bytes()), "{token}");
        let no_caveats = pypi(&macaroon("pypi.org", &[], 32));
        assert!(Check::PypiMacaroon.passes(no_caveats.as_bytes()));
    }

    #[test]
    fn pypi_macaroon_rejects_other_places_truncations_and_noise() {
        let good = macaroon("pypi.org", &[r#"[1,["sampleproject"]]"#], 32);
        let mut trailing = good.clone();
        trailing.push(0);
        let mut version_1 = good.clone();
        version_1[0] = 1;
        for bad in [
            pypi(&macaroon("test.pypi.org", &[], 32)),
            pypi(&macaroon("pypi.org", &[], 31)),
            pypi(&good[..good.len() - 1]),
            pypi(&good[..20]),
            pypi(&trailing),
            pypi(&version_1),
            "pypi-AgEIcHlwaS5vcmcA2PQLUD-W1nW4kGeJ-ky88BV8-luteLKWMFmkkBTDijysf".to_string(),
            format!("pypi-{}!", URL_SAFE_NO_PAD.encode(&good)),
            URL_SAFE_NO_PAD.encode(&good),
        ] {
            assert!(!Check::PypiMacaroon.passes(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn the_matcher_drops_a_failing_secret_and_says_which_check() {
        use crate::engine::{DropReason, Matcher};
        use crate::rules::{parse_rule_file, RuleSet};
        let yaml = "rules:\n  - id: t.gh\n    name: T\n    keywords: [ghp_]\n    pattern: '\\b(?P<secret>ghp_[A-Za-z0-9]{36})\\b'\n    confidence: high\n    check: crc32-base62\n    examples: [x]\n";
        let rules = RuleSet::new(parse_rule_file(yaml, "t.yml").unwrap()).unwrap();
        let good = token("ghp_", 11);
        let mut bad = good.clone();
        bad.replace_range(4..5, if &good[4..5] == "Q" { "R" } else { "Q" });
        let text = format!("a = {good}\nb = {bad}\n");
        let mut matcher = Matcher::new(&rules);
        matcher.explain(true);
        let found = matcher.find(text.as_bytes());
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].secret.clone()], good);
        let dropped = matcher.take_dropped();
        assert_eq!(dropped.len(), 1);
        assert_eq!(&text[dropped[0].secret.clone()], bad);
        assert_eq!(dropped[0].reason, DropReason::Check(Check::Crc32Base62));
        assert_eq!(matcher.counts().check, 1);
    }

    #[test]
    fn an_unknown_check_name_is_a_rule_file_error() {
        let yaml = "rules:\n  - id: t.gh\n    name: T\n    keywords: [ghp_]\n    pattern: 'ghp_'\n    confidence: high\n    check: github-crc\n    examples: [x]\n";
        let err = crate::rules::parse_rule_file(yaml, "t.yml").unwrap_err();
        let text = format!("{err:#}");
        assert!(
            text.contains("github-crc") && text.contains("crc32-base62"),
            "{text}"
        );
    }

    #[test]
    fn check_names_round_trip_through_yaml() {
        for check in [
            Check::Crc32Base62,
            Check::Jwt,
            Check::PypiMacaroon,
            Check::GrafanaCrc32,
        ] {
            let parsed: Check = serde_yaml::from_str(check.name()).unwrap();
            assert_eq!(parsed, check);
        }
        assert!(serde_yaml::from_str::<Check>("github-crc").is_err());
    }
}
