//! Signature computation for Alibaba's two RPC signing schemes: V1 (HMAC-SHA1 over the sorted
//! parameters) and V3 (ACS3-HMAC-SHA256 over a canonical request). Pure functions only; the
//! checks around them (keys, time, nonces, tokens) live in `auth`.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// Everything except RFC 3986 unreserved characters is encoded, so a space is `%20`, `*` is
/// `%2A`, `/` is `%2F` and `~` stays.
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The V3 algorithm name at the start of the `Authorization` header.
pub const V3_ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Percent-encodes with RFC 3986 rules and uppercase hex.
pub fn percent_encode(text: &str) -> String {
    utf8_percent_encode(text, RFC3986).to_string()
}

/// Builds the V1 canonicalized query string from parameters already sorted by name, leaving
/// out `Signature`.
pub fn v1_canonical_query<'a>(params: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut pairs: Vec<(&str, &str)> = params.filter(|(k, _)| *k != "Signature").collect();
    pairs.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect();
    encoded.join("&")
}

/// Builds the V1 string to sign: `METHOD&%2F&encode(canonical)`.
pub fn v1_string_to_sign(method: &str, canonical_query: &str) -> String {
    format!("{method}&%2F&{}", percent_encode(canonical_query))
}

/// Computes the V1 signature: base64 of HMAC-SHA1 keyed with `secret + "&"`.
pub fn v1_signature(secret: &str, string_to_sign: &str) -> String {
    let mut mac = match Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes()) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Builds the V3 canonical query string: names and values RFC 3986 encoded, sorted by name.
pub fn v3_canonical_query<'a>(params: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut pairs: Vec<(String, String)> = params
        .map(|(k, v)| (percent_encode(k), percent_encode(v)))
        .collect();
    pairs.sort();
    let joined: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    joined.join("&")
}

/// Lowercase hex SHA-256, used for the hashed payload and the hashed canonical request.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Builds the V3 canonical request. `headers` are the signed headers as lowercase name and
/// trimmed value, in any order; `signed_headers` is the `;`-joined list from the header.
pub fn v3_canonical_request(
    method: &str,
    canonical_query: &str,
    headers: &[(String, String)],
    signed_headers: &str,
    hashed_payload: &str,
) -> String {
    let mut sorted: Vec<&(String, String)> = headers.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let canonical_headers: String = sorted
        .iter()
        .map(|(name, value)| format!("{name}:{value}\n"))
        .collect();
    format!(
        "{method}\n/\n{canonical_query}\n{canonical_headers}\n{signed_headers}\n{hashed_payload}"
    )
}

/// Builds the V3 string to sign from a canonical request.
pub fn v3_string_to_sign(canonical_request: &str) -> String {
    format!(
        "{V3_ALGORITHM}\n{}",
        sha256_hex(canonical_request.as_bytes())
    )
}

/// Computes the V3 signature: hex of HMAC-SHA256 keyed with the secret alone.
pub fn v3_signature(secret: &str, string_to_sign: &str) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(string_to_sign.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The parts of a V3 `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V3Authorization {
    pub access_key_id: String,
    pub signed_headers: String,
    pub signature: String,
}

/// Parses `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…`; `None` if any part is missing.
pub fn parse_v3_authorization(header: &str) -> Option<V3Authorization> {
    let rest = header.strip_prefix(V3_ALGORITHM)?.trim_start();
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (name, value) = part.trim().split_once('=')?;
        match name {
            "Credential" => credential = Some(value.to_string()),
            "SignedHeaders" => signed_headers = Some(value.to_string()),
            "Signature" => signature = Some(value.to_string()),
            _ => {}
        }
    }
    Some(V3Authorization {
        access_key_id: credential.filter(|v| !v.is_empty())?,
        signed_headers: signed_headers.filter(|v| !v.is_empty())?,
        signature: signature.filter(|v| !v.is_empty())?,
    })
}

/// Compares two signatures in time independent of where they first differ.
pub fn signatures_equal(expected: &str, received: &str) -> bool {
    let (a, b) = (expected.as_bytes(), received.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
#[path = "signing_tests.rs"]
mod tests;
