//! Identifier and clock helpers: Alibaba-style object IDs, request IDs and epoch milliseconds.

use rand::Rng;

const ID_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// Generates `prefix-` followed by 16 lowercase letters and digits, the shape CR uses for
/// `cri-`, `crn-`, `crr-`, `crbr-` and alicr's own `crvl-` and `crcs-` IDs.
pub fn object_id(prefix: &str) -> String {
    random_suffix(prefix, 16)
}

/// Generates `prefix-` followed by `len` lowercase letters and digits.
pub fn random_suffix(prefix: &str, len: usize) -> String {
    let mut rng = rand::rng();
    let suffix: String = (0..len)
        .map(|_| char::from(ID_ALPHABET[rng.random_range(0..ID_ALPHABET.len())]))
        .collect();
    format!("{prefix}-{suffix}")
}

/// Generates an uppercase UUID, the form Alibaba uses for `RequestId`.
pub fn request_id() -> String {
    uuid::Uuid::new_v4().to_string().to_uppercase()
}

/// Generates a lowercase UUID, the form used for build record IDs.
pub fn build_record_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Returns the current time in milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// Formats epoch milliseconds as `YYYY-MM-DDThh:mm:ssZ`, the form of VPC and STS times.
pub fn iso_time(ms: i64) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_id_shape() {
        let id = object_id("crr");
        assert_eq!(id.len(), 4 + 16);
        assert!(id.starts_with("crr-"));
        assert!(id[4..]
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    }

    #[test]
    fn iso_time_format() {
        assert_eq!(iso_time(1_704_164_645_000), "2024-01-02T03:04:05Z");
    }

    #[test]
    fn request_id_uppercase() {
        let id = request_id();
        assert_eq!(id, id.to_uppercase());
        assert_eq!(id.len(), 36);
    }
}
