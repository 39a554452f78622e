//! The `Secret` newtype for access key secrets, STS tokens and GitLab tokens. Its `Debug` and
//! `Display` print a placeholder, so logs and error messages cannot show the value.

use std::fmt;

/// A sensitive string. Formatting prints `** redacted **`; only [`Secret::expose`] reveals it.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a sensitive value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// Returns the raw value, for signing and for request parameters only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Reports whether the value is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

/// Reads a JSON string (null becomes empty), for credentials in files and API responses.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Self(
            Option::<String>::deserialize(deserializer)?.unwrap_or_default(),
        ))
    }
}

const REDACTED: &str = "** redacted **";

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn secret_debug_redacted() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "** redacted **");
    }

    #[test]
    fn secret_display_redacted() {
        let secret = Secret::new("hunter2");
        assert_eq!(secret.to_string(), "** redacted **");
    }

    #[test]
    fn secret_in_struct_debug_redacted() {
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Holder {
            token: Secret,
        }
        let text = format!(
            "{:?}",
            Holder {
                token: Secret::new("hunter2")
            }
        );
        assert!(!text.contains("hunter2"), "{text}");
    }

    #[test]
    fn secret_expose_returns_value() {
        assert_eq!(Secret::new("hunter2").expose(), "hunter2");
    }
}
