//! Request signing: RFC 3986 percent-encoding, RPC signature V1 (HMAC-SHA1) and
//! ACS3-HMAC-SHA256 (V3). Pure functions over already-collected parameters; the caller adds
//! timestamps and nonces, so the functions are testable with fixed inputs.

pub(crate) mod percent;
pub(crate) mod v1;
pub(crate) mod v3;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Formats `at` as the `YYYY-MM-DDThh:mm:ssZ` UTC timestamp both schemes use.
pub(crate) fn timestamp(at: OffsetDateTime) -> String {
    let utc = at
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(at);
    utc.format(&Rfc3339).unwrap_or_default()
}

/// Returns a fresh 32-character lowercase hex nonce.
pub(crate) fn nonce() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_is_utc_seconds() {
        let at = time::macros::datetime!(2024-01-02 11:04:05.678 +08:00);
        assert_eq!(timestamp(at), "2024-01-02T03:04:05Z");
    }

    #[test]
    fn nonces_are_unique() {
        assert_ne!(nonce(), nonce());
    }

    #[test]
    fn nonce_is_32_hex() {
        let value = nonce();
        assert_eq!(value.len(), 32);
        assert!(value.bytes().all(|b| b.is_ascii_hexdigit()), "{value}");
    }
}
