//! Request authentication: finds the access key, checks the timestamp, verifies the V1 or V3
//! signature, checks STS security tokens and rejects reused nonces, with Alibaba's error codes.
//! The V3 header coverage rules live in `auth_v3_headers`.

use http::HeaderMap;
use time::format_description::FormatItem;
use time::macros::format_description;
use time::PrimitiveDateTime;

use crate::app::{App, NONCE_WINDOW_MS};
use crate::auth_v3_headers;
use crate::model::AccessKey;
use crate::signing;
use crate::store::Stored;
use crate::wire::{ApiError, Params};

const TIMESTAMP_FORMAT: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

/// Prefix of the security tokens this emulator issues.
pub const SECURITY_TOKEN_PREFIX: &str = "CAIS";

/// The authenticated caller of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub account_id: String,
    pub access_key_id: String,
}

/// The parts of a request that signing covers.
#[derive(Debug)]
pub struct SignedRequest<'a> {
    pub method: &'a str,
    pub headers: &'a HeaderMap,
    /// Parameters from the query string only (V3 signs these).
    pub query: &'a Params,
    /// Query and form-body parameters merged (V1 signs these).
    pub params: &'a Params,
    pub body: &'a [u8],
}

impl SignedRequest<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Authenticates a request signed with V1 or V3.
pub fn authenticate(app: &App, req: &SignedRequest<'_>, now_ms: i64) -> Result<Caller, ApiError> {
    match req.header("authorization") {
        Some(auth) if auth.starts_with("ACS3-") => authenticate_v3(app, req, auth, now_ms),
        _ if req.params.get("Signature").is_some() => authenticate_v1(app, req, now_ms),
        _ => Err(ApiError::gateway(
            400,
            "IncompleteSignature",
            "The request has neither an ACS3 Authorization header nor a Signature parameter.",
        )),
    }
}

fn authenticate_v1(app: &App, req: &SignedRequest<'_>, now_ms: i64) -> Result<Caller, ApiError> {
    let params = req.params;
    let access_key_id = params.required("AccessKeyId")?;
    let method = params.required("SignatureMethod")?;
    if method != "HMAC-SHA1" {
        return Err(ApiError::gateway(
            400,
            "InvalidSignatureMethod",
            format!("SignatureMethod {method:?} is not supported; use HMAC-SHA1."),
        ));
    }
    if let Some(version) = params.get("SignatureVersion") {
        if version != "1.0" {
            return Err(ApiError::invalid(
                "SignatureVersion",
                version,
                "only 1.0 is supported",
            ));
        }
    }
    let timestamp = params.required("Timestamp")?;
    let nonce = params.required("SignatureNonce")?;
    let key = find_key(app, access_key_id)?;
    check_timestamp(timestamp, now_ms)?;

    let canonical = signing::v1_canonical_query(params.iter());
    let string_to_sign = signing::v1_string_to_sign(req.method, &canonical);
    let expected = signing::v1_signature(&key.doc.secret, &string_to_sign);
    let sent_signature = params.get("Signature").unwrap_or_default();
    if !signing::signatures_equal(&expected, sent_signature) {
        return Err(signature_mismatch(&string_to_sign));
    }
    check_security_token(&key.doc, params.get("SecurityToken"), now_ms)?;
    check_nonce(app, nonce, now_ms)?;
    Ok(Caller {
        account_id: key.account_id,
        access_key_id: access_key_id.to_string(),
    })
}

fn authenticate_v3(
    app: &App,
    req: &SignedRequest<'_>,
    auth: &str,
    now_ms: i64,
) -> Result<Caller, ApiError> {
    if !auth.starts_with(signing::V3_ALGORITHM) {
        return Err(ApiError::gateway(
            400,
            "InvalidSignatureMethod",
            format!(
                "Only {} is supported in the Authorization header.",
                signing::V3_ALGORITHM
            ),
        ));
    }
    let parsed = signing::parse_v3_authorization(auth).ok_or_else(|| {
        ApiError::gateway(
            400,
            "IncompleteSignature",
            "The Authorization header must carry Credential, SignedHeaders and Signature.",
        )
    })?;
    auth_v3_headers::check_coverage(req.headers, &parsed.signed_headers)?;
    let date = req
        .header("x-acs-date")
        .ok_or_else(|| ApiError::missing("Timestamp"))?;
    let nonce = req
        .header("x-acs-signature-nonce")
        .ok_or_else(|| ApiError::missing("SignatureNonce"))?;
    let key = find_key(app, &parsed.access_key_id)?;
    check_timestamp(date, now_ms)?;

    let headers: Vec<(String, String)> = parsed
        .signed_headers
        .split(';')
        .map(|name| {
            let name = name.trim().to_ascii_lowercase();
            let values: Vec<&str> = req
                .headers
                .get_all(name.as_str())
                .iter()
                .filter_map(|v| v.to_str().ok())
                .map(str::trim)
                .collect();
            (name, values.join(","))
        })
        .collect();
    let canonical_query = signing::v3_canonical_query(req.query.iter());
    let hashed_payload = signing::sha256_hex(req.body);
    auth_v3_headers::check_content_hash(req.headers, &hashed_payload)?;
    let canonical_request = signing::v3_canonical_request(
        req.method,
        &canonical_query,
        &headers,
        &parsed.signed_headers,
        &hashed_payload,
    );
    let string_to_sign = signing::v3_string_to_sign(&canonical_request);
    let expected = signing::v3_signature(&key.doc.secret, &string_to_sign);
    if !signing::signatures_equal(&expected, &parsed.signature) {
        return Err(signature_mismatch(&canonical_request));
    }
    check_security_token(&key.doc, req.header("x-acs-security-token"), now_ms)?;
    check_nonce(app, nonce, now_ms)?;
    Ok(Caller {
        account_id: key.account_id,
        access_key_id: parsed.access_key_id,
    })
}

fn find_key(app: &App, access_key_id: &str) -> Result<Stored<AccessKey>, ApiError> {
    app.db
        .transact(None, |tx| tx.get_any::<AccessKey>(access_key_id))?
        .ok_or_else(|| {
            ApiError::gateway(
                404,
                "InvalidAccessKeyId.NotFound",
                format!("Specified access key {access_key_id:?} is not found."),
            )
        })
}

fn check_timestamp(timestamp: &str, now_ms: i64) -> Result<(), ApiError> {
    let parsed = PrimitiveDateTime::parse(timestamp, TIMESTAMP_FORMAT).map_err(|_| {
        ApiError::gateway(
            400,
            "InvalidTimeStamp.Format",
            format!("Specified time stamp {timestamp:?} is not in the format YYYY-MM-DDThh:mm:ssZ (UTC)."),
        )
    })?;
    let sent_ms = parsed.assume_utc().unix_timestamp() * 1000;
    if (now_ms - sent_ms).abs() > NONCE_WINDOW_MS {
        return Err(ApiError::gateway(
            400,
            "InvalidTimeStamp.Expired",
            format!("Specified time stamp {timestamp} differs from the server time by more than 15 minutes; correct the client clock."),
        ));
    }
    Ok(())
}

fn signature_mismatch(server_string: &str) -> ApiError {
    ApiError::gateway(
        400,
        "SignatureDoesNotMatch",
        format!("Specified signature is not matched with our calculation. server string to sign is:{server_string}"),
    )
}

fn check_security_token(
    key: &AccessKey,
    sent_token: Option<&str>,
    now_ms: i64,
) -> Result<(), ApiError> {
    let token_error = |code: &str, message: &str| ApiError::gateway(400, code, message);
    match (&key.security_token, sent_token) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(token_error(
            "InvalidSecurityToken.MismatchWithAccessKey",
            "A security token was sent with a permanent access key; send it only with the STS access key it was issued with.",
        )),
        (Some(_), None) => Err(ApiError::missing("SecurityToken")),
        (Some(expected), Some(sent)) => {
            if !sent.starts_with(SECURITY_TOKEN_PREFIX) {
                return Err(token_error(
                    "InvalidSecurityToken.Malformed",
                    "The security token is malformed; use the SecurityToken that AssumeRole returned.",
                ));
            }
            if !signing::signatures_equal(expected, sent) {
                return Err(token_error(
                    "InvalidSecurityToken.MismatchWithAccessKey",
                    "The security token does not belong to this STS access key.",
                ));
            }
            if key.expires_ms.is_some_and(|expires| now_ms >= expires) {
                return Err(token_error(
                    "InvalidSecurityToken.Expired",
                    "The security token has expired; call AssumeRole again.",
                ));
            }
            Ok(())
        }
    }
}

fn check_nonce(app: &App, nonce: &str, now_ms: i64) -> Result<(), ApiError> {
    if app.use_nonce(nonce, now_ms) {
        Ok(())
    } else {
        Err(ApiError::gateway(
            400,
            "SignatureNonceUsed",
            format!("Specified signature nonce {nonce:?} was used already; send a new random nonce with every request."),
        ))
    }
}
