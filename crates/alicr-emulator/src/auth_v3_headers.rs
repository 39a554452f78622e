//! V3 header rules checked before the signature itself: which headers a V3 request must send,
//! which of them `SignedHeaders` must cover, and that `x-acs-content-sha256` is the body's hash.
//! Without these rules a signature over `host` alone would let anyone who saw one request
//! replay it with a new nonce or a different `x-acs-action`.

use http::HeaderMap;

use crate::signing;
use crate::wire::ApiError;

/// Headers every V3 request sends. The gateway needs each of them to route, date, de-duplicate
/// and hash the request, so a request without one is incomplete.
const REQUIRED_HEADERS: [&str; 5] = [
    "x-acs-action",
    "x-acs-version",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-content-sha256",
];

/// Checks that the V3 request sends every required header and that `signed_headers` (the
/// `;`-joined list from the `Authorization` header) names `host`, `content-type` when it is
/// sent, and every `x-acs-*` header the request carries.
pub fn check_coverage(headers: &HeaderMap, signed_headers: &str) -> Result<(), ApiError> {
    for name in REQUIRED_HEADERS {
        if !headers.contains_key(name) {
            return Err(incomplete(format!(
                "The ACS3 request has no {name} header; send it and list it in SignedHeaders."
            )));
        }
    }
    let signed: Vec<String> = signed_headers
        .split(';')
        .map(|name| name.trim().to_ascii_lowercase())
        .collect();
    let must_sign = headers
        .keys()
        .map(http::HeaderName::as_str)
        .filter(|name| *name == "host" || *name == "content-type" || name.starts_with("x-acs-"));
    for name in must_sign {
        if !signed.iter().any(|listed| listed == name) {
            return Err(incomplete(format!(
                "Header {name} is sent but not listed in SignedHeaders {signed_headers:?}; sign host, content-type (when sent) and every x-acs-* header."
            )));
        }
    }
    Ok(())
}

/// Checks that `x-acs-content-sha256` is the lowercase hex SHA-256 of `body`; `hashed_payload`
/// is that hash as the emulator computed it.
pub fn check_content_hash(headers: &HeaderMap, hashed_payload: &str) -> Result<(), ApiError> {
    let sent = headers
        .get("x-acs-content-sha256")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or_default();
    if signing::signatures_equal(hashed_payload, sent) {
        return Ok(());
    }
    Err(ApiError::gateway(
        400,
        "SignatureDoesNotMatch",
        format!(
            "Header x-acs-content-sha256 {sent:?} is not the SHA-256 of the request body ({hashed_payload}); hash the exact body bytes you send, in lowercase hex."
        ),
    ))
}

fn incomplete(message: String) -> ApiError {
    ApiError::gateway(400, "IncompleteSignature", message)
}
