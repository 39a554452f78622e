//! Retry policy: which failures are transient, how long to back off (exponential with full
//! jitter, at least the server's `x-acs-retry-after`), and the rule that a create without a
//! ClientToken is never resent once it may have reached the server.

use std::time::Duration;

use crate::error::Error;

/// Backoff parameters and retry budget.
#[derive(Debug, Clone)]
pub(crate) struct RetryPolicy {
    pub(crate) max_retries: u32,
    /// Window of the first retry; each later retry doubles it.
    pub(crate) base: Duration,
    /// Largest window.
    pub(crate) cap: Duration,
}

impl RetryPolicy {
    pub(crate) fn new(max_retries: u32) -> Self {
        // The first windows are short, because most throttling and 5xx responses are
        // single blips and a long first wait makes the unluckiest call of an apply set its
        // end. They double to 30 s, so the provider's default of 12 retries spans about a
        // minute for an account that stays throttled; the server's retry-after wins when
        // it is longer.
        Self {
            max_retries,
            base: Duration::from_millis(50),
            cap: Duration::from_secs(30),
        }
    }

    /// Returns the delay before retry number `retry` (0-based), given a uniform `unit` in
    /// [0, 1) and the server's hint.
    pub(crate) fn backoff(&self, retry: u32, retry_after: Option<Duration>, unit: f64) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(20));
        let window = self.base.saturating_mul(factor).min(self.cap);
        let jittered = window.mul_f64(unit.clamp(0.0, 1.0));
        match retry_after {
            Some(hint) => jittered.max(hint.min(self.cap)),
            None => jittered,
        }
    }
}

/// Reports whether `error` is worth another attempt of the same request.
pub(crate) fn is_retryable(error: &Error, idempotent: bool) -> bool {
    match error {
        Error::Service {
            code, http_status, ..
        } => is_transient_code(code) || *http_status >= 500,
        Error::Response { http_status, .. } => *http_status >= 500 || *http_status == 429,
        Error::Dispatch {
            may_have_been_applied,
            ..
        } => idempotent || !*may_have_been_applied,
        _ => false,
    }
}

// NOTE: a 5xx or SystemError response to a create without a ClientToken is retried like the
// rest. The gateway normally rejects such calls before the action runs, but no source says so.
fn is_transient_code(code: &str) -> bool {
    const TRANSIENT: [&str; 5] = [
        "Throttling",
        "ServiceUnavailable",
        "SystemError",
        "InternalError",
        "SLB_SERVICE_ERROR",
    ];
    TRANSIENT.iter().any(|t| code.contains(t)) || code.to_ascii_uppercase().contains("CONFLICT")
}

/// Reports whether an action can be sent twice with the same effect as once.
pub(crate) fn is_idempotent_action(action: &str, has_client_token: bool) -> bool {
    const SAFE_PREFIXES: [&str; 6] = ["Get", "List", "Describe", "Update", "Delete", "Cancel"];
    has_client_token || SAFE_PREFIXES.iter().any(|p| action.starts_with(p))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn service(code: &str, http_status: u16) -> Error {
        Error::Service {
            action: "X".into(),
            code: code.into(),
            message: String::new(),
            request_id: None,
            http_status,
        }
    }

    fn dispatch(may_have_been_applied: bool) -> Error {
        Error::Dispatch {
            action: "X".into(),
            may_have_been_applied,
            source: Arc::new(std::io::Error::other("reset")),
        }
    }

    #[test]
    fn transient_codes_retried() {
        for code in [
            "Throttling",
            "Throttling.User",
            "ServiceUnavailable",
            "SystemError",
            "InternalError",
            "OPERATION_CONFLICT",
            "TaskConflict",
        ] {
            assert!(is_retryable(&service(code, 400), false), "{code}");
        }
    }

    #[test]
    fn http_5xx_retried() {
        assert!(is_retryable(&service("Whatever", 502), true));
    }

    #[test]
    fn business_errors_not_retried() {
        for code in [
            "REPO_NOT_EXIST",
            "InvalidParameter",
            "SignatureDoesNotMatch",
        ] {
            assert!(!is_retryable(&service(code, 200), true), "{code}");
        }
    }

    #[test]
    fn applied_create_not_resent() {
        assert!(!is_retryable(&dispatch(true), false));
    }

    #[test]
    fn applied_idempotent_resent() {
        assert!(is_retryable(&dispatch(true), true));
    }

    #[test]
    fn unsent_create_resent() {
        assert!(is_retryable(&dispatch(false), false));
    }

    #[test]
    fn idempotency_by_action() {
        assert!(is_idempotent_action("ListRepoBuildRule", false));
        assert!(!is_idempotent_action("CreateRepoBuildRule", false));
        assert!(is_idempotent_action("CreateBuildVpcLink", true));
    }

    #[test]
    fn backoff_window_doubles() {
        let policy = RetryPolicy::new(5);
        assert_eq!(policy.backoff(0, None, 1.0), Duration::from_millis(50));
        assert_eq!(policy.backoff(3, None, 1.0), Duration::from_millis(400));
    }

    #[test]
    fn backoff_capped() {
        let policy = RetryPolicy::new(50);
        assert_eq!(policy.backoff(30, None, 1.0), Duration::from_secs(30));
    }

    #[test]
    fn backoff_full_jitter_can_be_zero() {
        assert_eq!(RetryPolicy::new(5).backoff(2, None, 0.0), Duration::ZERO);
    }

    #[test]
    fn backoff_honours_retry_after() {
        let delay = RetryPolicy::new(5).backoff(0, Some(Duration::from_secs(7)), 0.1);
        assert_eq!(delay, Duration::from_secs(7));
    }
}
