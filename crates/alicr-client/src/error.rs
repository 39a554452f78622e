//! The client's error type, classified by the stage where a call failed, and the predicates
//! (`is_not_found`, `is_throttling`, …) that resources use instead of matching codes.

use std::sync::Arc;

/// Boxed cause kept in an [`Error`]; shared so that coalesced callers can each get a copy.
pub type Source = Arc<dyn std::error::Error + Send + Sync>;

/// `Result` with the client's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Failure of a client call, by stage. Display never contains a secret.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration is invalid; no request was sent.
    #[error("invalid client configuration for {field}: {message}")]
    Config {
        /// Setting that is wrong, such as `endpoints.cr`.
        field: String,
        /// Problem and fix.
        message: String,
    },
    /// No usable credentials could be obtained.
    #[error("failed to obtain credentials from {provider}: {message}")]
    Credentials {
        /// Credential provider that failed, such as `profile "dev"` or `AssumeRole`.
        provider: String,
        /// Failure and what to check.
        message: String,
        /// Underlying error, such as the STS service error.
        #[source]
        source: Option<Box<Error>>,
    },
    /// The call's deadline passed before it succeeded.
    #[error("{action} timed out after {attempts} attempt(s){}", last_error_suffix(.last_error))]
    Timeout {
        /// API action name.
        action: String,
        /// Attempts made before the deadline.
        attempts: u32,
        /// Error of the last attempt, if one finished.
        last_error: Option<Box<Error>>,
    },
    /// The request could not be delivered or its response not received.
    #[error("{action} request failed in transport{}", if *.may_have_been_applied { " after it may have reached the server; check whether the change was applied before retrying" } else { "" })]
    Dispatch {
        /// API action name.
        action: String,
        /// True when the server may have received and applied the request.
        may_have_been_applied: bool,
        /// Transport error (with the URL removed, because V1 URLs carry signatures).
        #[source]
        source: Source,
    },
    /// The server replied with something that is not the API's JSON envelope.
    #[error("{action} returned an unreadable response (HTTP {http_status}): {message}")]
    Response {
        /// API action name.
        action: String,
        /// HTTP status of the response.
        http_status: u16,
        /// Parse failure.
        message: String,
    },
    /// The API returned an error code.
    #[error("{action} failed with {code}: {message} (HTTP {http_status}, RequestId {})", .request_id.as_deref().unwrap_or("none"))]
    Service {
        /// API action name.
        action: String,
        /// Error code, such as `REPO_NOT_EXIST` or `Throttling.User`.
        code: String,
        /// Server message, with any echoed string-to-sign removed.
        message: String,
        /// RequestId to quote to Alibaba Cloud support.
        request_id: Option<String>,
        /// HTTP status; business errors often arrive with 200.
        http_status: u16,
    },
    /// The caller cancelled the call.
    #[error("{action} was cancelled")]
    Cancelled {
        /// API action name.
        action: String,
    },
}

fn last_error_suffix(last: &Option<Box<Error>>) -> String {
    match last {
        Some(error) => format!("; last error: {error}"),
        None => String::new(),
    }
}

impl Error {
    pub(crate) fn config(field: &str, message: impl Into<String>) -> Self {
        Self::Config {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    pub(crate) fn credentials(provider: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Credentials {
            provider: provider.into(),
            message: message.into(),
            source: None,
        }
    }

    /// Reports whether the addressed object does not exist. That covers every `*_NOT_EXIST`
    /// code and `*.NotFound` codes such as `InvalidVpcId.NotFound`. `InvalidAccessKeyId.NotFound`
    /// and `InvalidApi.NotFound` are excluded because they are not about the object.
    pub fn is_not_found(&self) -> bool {
        self.code().is_some_and(is_not_found_code)
    }

    /// Reports whether the service throttled the call.
    pub fn is_throttling(&self) -> bool {
        self.code().is_some_and(|code| code.contains("Throttling"))
    }

    /// Reports whether a failed call may still have changed cloud state.
    pub fn may_have_been_applied(&self) -> bool {
        match self {
            Self::Dispatch {
                may_have_been_applied,
                ..
            } => *may_have_been_applied,
            Self::Timeout {
                last_error: Some(last),
                ..
            } => last.may_have_been_applied(),
            _ => false,
        }
    }

    /// Returns the API error code, looking through timeouts and credential failures.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Service { code, .. } => Some(code),
            Self::Timeout {
                last_error: Some(last),
                ..
            } => last.code(),
            _ => None,
        }
    }

    /// Returns the RequestId of the failed response.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Service { request_id, .. } => request_id.as_deref(),
            Self::Timeout {
                last_error: Some(last),
                ..
            } => last.request_id(),
            _ => None,
        }
    }

    /// Returns the API action the error belongs to, when there is one.
    pub fn action(&self) -> Option<&str> {
        match self {
            Self::Timeout { action, .. }
            | Self::Dispatch { action, .. }
            | Self::Response { action, .. }
            | Self::Service { action, .. }
            | Self::Cancelled { action } => Some(action),
            Self::Config { .. } | Self::Credentials { .. } => None,
        }
    }
}

pub(crate) fn is_not_found_code(code: &str) -> bool {
    if code.starts_with("InvalidAccessKeyId") || code.starts_with("InvalidApi") {
        return false;
    }
    code.ends_with("_NOT_EXIST") || code.ends_with(".NotFound") || code.ends_with("NOT_FOUND")
}

/// Removes the string-to-sign the gateway echoes on `SignatureDoesNotMatch`, because in V1 it
/// contains the `SecurityToken` parameter.
pub(crate) fn scrub_message(message: &str) -> String {
    const MARKER: &str = "string to sign is:";
    match message.find(MARKER) {
        Some(at) => format!("{}[string to sign removed]", &message[..at + MARKER.len()]),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(code: &str) -> Error {
        Error::Service {
            action: "GetRepository".into(),
            code: code.into(),
            message: "m".into(),
            request_id: Some("RID-1".into()),
            http_status: 200,
        }
    }

    #[test]
    fn not_found_codes() {
        for code in [
            "REPO_NOT_EXIST",
            "INSTANCE_ACCESS_NOT_EXIST",
            "BUILD_VPC_LINK_NOT_EXIST",
            "CODE_SOURCE_NOT_EXIST",
            "BUILD_RULE_NOT_EXIST",
            "InvalidVpcId.NotFound",
            "InvalidVSwitchId.NotFound",
        ] {
            assert!(service(code).is_not_found(), "{code}");
        }
    }

    #[test]
    fn not_found_excludes_auth_and_api() {
        for code in [
            "InvalidAccessKeyId.NotFound",
            "InvalidApi.NotFound",
            "Throttling",
            "SystemError",
        ] {
            assert!(!service(code).is_not_found(), "{code}");
        }
    }

    #[test]
    fn throttling_detected() {
        assert!(service("Throttling.User").is_throttling());
    }

    #[test]
    fn timeout_exposes_last_code() {
        let error = Error::Timeout {
            action: "ListRepoBuildRule".into(),
            attempts: 3,
            last_error: Some(Box::new(service("Throttling"))),
        };
        assert_eq!(error.code(), Some("Throttling"));
    }

    #[test]
    fn service_display_names_request_id() {
        let text = service("REPO_NOT_EXIST").to_string();
        assert!(text.contains("RID-1"), "{text}");
    }

    #[test]
    fn scrub_removes_string_to_sign() {
        let text =
            scrub_message("not matched. server string to sign is:POST&%2F&SecurityToken%3Dabc");
        assert!(!text.contains("SecurityToken"), "{text}");
    }

    #[test]
    fn dispatch_applied_flag() {
        let error = Error::Dispatch {
            action: "CreateRepository".into(),
            may_have_been_applied: true,
            source: Arc::new(std::io::Error::other("reset")),
        };
        assert!(error.may_have_been_applied());
    }
}
