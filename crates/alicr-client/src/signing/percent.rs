//! RFC 3986 percent-encoding as both signature schemes define it: only `A-Z a-z 0-9 - _ . ~`
//! stay literal; everything else becomes `%XY` (uppercase hex) of its UTF-8 bytes, so a space
//! is `%20`, `*` is `%2A` and `/` is `%2F`.

/// Percent-encodes `input` for signing and for the query string.
pub(crate) fn encode(input: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(input.len() * 3);
    for &byte in input.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    out
}

/// Builds `k=v&k=v` from pairs sorted by key, both sides encoded.
pub(crate) fn canonical_query(params: &[(String, String)]) -> String {
    let mut encoded: Vec<(String, String)> =
        params.iter().map(|(k, v)| (encode(k), encode(v))).collect();
    encoded.sort();
    encoded
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::encode;

    #[test]
    fn encode_unreserved_kept() {
        assert_eq!(encode("AZaz09-_.~"), "AZaz09-_.~");
    }

    #[test]
    fn encode_reserved_and_space() {
        assert_eq!(encode("a b*c/d=e+f&g:h"), "a%20b%2Ac%2Fd%3De%2Bf%26g%3Ah");
    }

    #[test]
    fn encode_utf8_bytes_uppercase() {
        assert_eq!(encode("é中"), "%C3%A9%E4%B8%AD");
    }

    #[test]
    fn encode_percent_itself() {
        assert_eq!(encode("100%"), "100%25");
    }
}
