//! Errors an API call can return, split the way Alibaba's gateway splits them: gateway errors
//! (HTTP 4xx/5xx with the POP envelope) and Container Registry business errors (HTTP 200 with
//! `IsSuccess:false`).

use thiserror::Error;

/// One failed API call, carrying everything needed to render Alibaba's error body.
#[derive(Debug, Error)]
pub enum ApiError {
    /// A gateway error: signature, parameter, throttling, permission or availability problems.
    #[error("{code} (HTTP {status}): {message}")]
    Gateway {
        status: u16,
        code: String,
        message: String,
        /// Milliseconds for the `x-acs-retry-after` header of a throttled response.
        retry_after_ms: Option<u64>,
    },
    /// A CR business error such as `REPO_NOT_EXIST`, delivered as HTTP 200.
    #[error("{code}: {message}")]
    Business { code: String, message: String },
    /// A failure inside the emulator itself, delivered as HTTP 500 `InternalError`.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// Builds a gateway error with the given HTTP status.
    pub fn gateway(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Gateway {
            status,
            code: code.into(),
            message: message.into(),
            retry_after_ms: None,
        }
    }

    /// Builds `Missing<Param>` (HTTP 400) for a required parameter that is absent.
    pub fn missing(param: &str) -> Self {
        Self::gateway(
            400,
            format!("Missing{param}"),
            format!("{param} is mandatory for this action."),
        )
    }

    /// Builds `Invalid<Param>` (HTTP 400) for a parameter whose value cannot be used.
    pub fn invalid(param: &str, value: &str, reason: &str) -> Self {
        Self::gateway(
            400,
            format!("Invalid{param}"),
            format!("The value {value:?} of {param} is invalid: {reason}."),
        )
    }

    /// Builds a CR business error (HTTP 200, `IsSuccess:false`).
    pub fn business(code: &str, message: impl Into<String>) -> Self {
        ApiError::Business {
            code: code.to_string(),
            message: message.into(),
        }
    }

    /// The error code as it appears in the `Code` field.
    pub fn code(&self) -> &str {
        match self {
            ApiError::Gateway { code, .. } | ApiError::Business { code, .. } => code,
            ApiError::Internal(_) => "InternalError",
        }
    }

    /// The HTTP status this error is delivered with.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::Gateway { status, .. } => *status,
            ApiError::Business { .. } => 200,
            ApiError::Internal(_) => 500,
        }
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(err: rusqlite::Error) -> Self {
        ApiError::Internal(format!("state database failed: {err}"))
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(err: serde_json::Error) -> Self {
        ApiError::Internal(format!("stored object could not be decoded: {err}"))
    }
}
