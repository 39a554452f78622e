//! Helpers every alicr resource shares: composite import IDs, turning client
//! errors into diagnostics, the poll loop that waits for an object to become
//! visible or ready, and small value helpers.

use std::future::Future;
use std::time::Duration;

use alicr_client::Error as ApiError;
use alicr_framework::resource::StateResponse;
use alicr_framework::{AttributePath, Context, Diagnostic, Value};
use tokio::time::Instant;

/// First wait between polls; it grows by half each round up to [`POLL_MAX`].
const POLL_START: Duration = Duration::from_millis(250);
const POLL_MAX: Duration = Duration::from_secs(10);

/// Splits an import ID such as `cri-x:crr-y` into exactly `names.len()` parts.
/// Cloud IDs never contain `:`, so a plain split round-trips.
pub fn parse_import_id(id: &str, names: &[&str]) -> Result<Vec<String>, Diagnostic> {
    let parts: Vec<String> = id.split(':').map(str::to_string).collect();
    if parts.len() != names.len() || parts.iter().any(|p| p.trim().is_empty()) {
        let expected = names
            .iter()
            .map(|n| format!("<{n}>"))
            .collect::<Vec<_>>()
            .join(":");
        return Err(Diagnostic::error(
            "Invalid import ID",
            format!("The import ID {id:?} does not have the form {expected}; give the cloud IDs joined with ':', instance first."),
        ));
    }
    Ok(parts)
}

/// Returns the partial state of an import: `id` plus one string attribute per
/// `:`-separated part of the import ID, named by `names` in order. The framework
/// fills the other attributes with null and then reads the object.
pub fn import_by_id(id: &str, names: &[&str]) -> StateResponse {
    let mut response = StateResponse::default();
    match parse_import_id(id, names) {
        Ok(parts) => {
            let attributes = names
                .iter()
                .zip(parts)
                .map(|(name, part)| (name.to_string(), Value::string(part)));
            let id_attribute = std::iter::once(("id".to_string(), Value::string(id)));
            response.new_state = Value::object(id_attribute.chain(attributes));
        }
        Err(d) => response.diagnostics.push(d),
    }
    response
}

/// Turns a failed API call into an error diagnostic naming the operation, the
/// object, the API's code and RequestId, and what to try.
pub fn api_diagnostic(what: &str, error: &ApiError) -> Diagnostic {
    let advice = match error {
        ApiError::Credentials { .. } => CREDENTIALS_ADVICE,
        _ if error.code().is_some_and(is_credentials_code) => CREDENTIALS_ADVICE,
        ApiError::Dispatch { .. } if !error.may_have_been_applied() => ENDPOINT_ADVICE,
        ApiError::Timeout { .. } => " The service kept failing or throttling until the deadline; try again later or raise the timeout.",
        ApiError::Cancelled { .. } => " Terraform was interrupted; run it again to finish.",
        _ if error.may_have_been_applied() => " The request may have reached the server; run plan to see whether the change was applied.",
        _ => "",
    };
    Diagnostic::error(
        format!("Failed to {what}"),
        format!("Failed to {what}: {error}{}.{advice}", error_causes(error)),
    )
}

const CREDENTIALS_ADVICE: &str = " Check the provider's credentials (access_key and secret_key, \
    ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, profile, or assume_role).";

const ENDPOINT_ADVICE: &str = " Check that the API endpoint is reachable: the provider's \
    endpoints block or ALIBABA_CLOUD_ENDPOINT_CR, _VPC and _STS, and the region.";

/// Error codes that mean the request's signature or keys were rejected.
fn is_credentials_code(code: &str) -> bool {
    code.starts_with("InvalidAccessKeyId")
        || code.starts_with("InvalidSecurityToken")
        || matches!(
            code,
            "SignatureDoesNotMatch" | "IncompleteSignature" | "MissingSecurityToken"
        )
}

/// The underlying causes of an error (such as "Connection refused"), which the
/// error's own message leaves out.
fn error_causes(error: &ApiError) -> String {
    let mut causes = String::new();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !text.is_empty() && !causes.contains(&text) {
            causes.push_str(": ");
            causes.push_str(&text);
        }
        source = cause.source();
    }
    causes
}

/// Error diagnostic for a wait that outlasted its timeout.
pub fn wait_timeout(what: &str, timeout: Duration, last_status: &str, block: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Timed out waiting for {what}"),
        format!(
            "Timed out after {} waiting for {what}; the last status seen was {last_status:?}. \
             Raise timeouts.{block} in the resource's configuration if the service is slow.",
            humanize(timeout)
        ),
    )
}

/// Error diagnostic for a wait interrupted by Terraform (Ctrl-C).
pub fn wait_cancelled(what: &str) -> Diagnostic {
    Diagnostic::error(
        "Interrupted",
        format!("Terraform was interrupted while waiting for {what}. The operation may still complete in the cloud; run plan to see its state."),
    )
}

/// Formats a duration the way Terraform users write timeouts.
pub fn humanize(duration: Duration) -> String {
    let secs = duration.as_secs();
    match (secs / 60, secs % 60) {
        (0, s) => format!("{s}s"),
        (m, 0) => format!("{m}m"),
        (m, s) => format!("{m}m{s}s"),
    }
}

/// Outcome of one poll of [`poll_until`].
pub enum Poll<T> {
    /// Stop waiting with this result.
    Done(T),
    /// Not there yet; the text is the status seen, for a timeout message.
    Pending(String),
}

/// Reason [`poll_until`] stopped without a result.
pub enum WaitError {
    Api(ApiError),
    TimedOut { last_status: String },
    Cancelled,
}

/// Returns the instant `timeout` from now. A timeout too large for the clock
/// is cut to the framework's maximum duration, so adding it never panics.
/// The timeouts validator already rejects longer values at validate time.
pub fn deadline_after(timeout: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(timeout)
        .or_else(|| now.checked_add(alicr_framework::timeouts::MAX_DURATION))
        .unwrap_or(now)
}

/// Calls `check` with growing pauses until it returns [`Poll::Done`], the
/// deadline passes, or Terraform cancels. A failed call ends the wait; the
/// client has already retried throttling and transient errors.
pub async fn poll_until<T, F, Fut>(
    ctx: &Context,
    timeout: Duration,
    mut check: F,
) -> Result<T, WaitError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Poll<T>, ApiError>>,
{
    let deadline = deadline_after(timeout);
    let mut pause = POLL_START;
    loop {
        let last_status = match check().await.map_err(WaitError::Api)? {
            Poll::Done(value) => return Ok(value),
            Poll::Pending(status) => status,
        };
        let now = Instant::now();
        if now >= deadline {
            return Err(WaitError::TimedOut { last_status });
        }
        let sleep = pause.min(deadline.saturating_duration_since(now));
        tokio::select! {
            _ = ctx.cancel.cancelled() => return Err(WaitError::Cancelled),
            _ = tokio::time::sleep(sleep) => {}
        }
        pause = (pause.saturating_mul(3) / 2).min(POLL_MAX);
    }
}

/// Converts a [`WaitError`] into one diagnostic.
pub fn wait_diagnostic(what: &str, timeout: Duration, block: &str, error: WaitError) -> Diagnostic {
    match error {
        WaitError::Api(e) => api_diagnostic(&format!("wait for {what}"), &e),
        WaitError::TimedOut { last_status } => wait_timeout(what, timeout, &last_status, block),
        WaitError::Cancelled => wait_cancelled(what),
    }
}

/// Builds the state of an object that a create made but could not finish
/// waiting for: the plan with `ids` set and every still-unknown value null.
/// Returned with an error, Terraform saves it as tainted, so the next apply
/// replaces the object instead of losing track of it.
pub fn partial_state(plan: &Value, ids: &[(&str, &str)]) -> Value {
    let mut state = plan.clone();
    if let Some(entries) = state.as_entries().cloned() {
        for (name, value) in entries {
            if value.is_unknown() {
                state.set(&name, Value::Null);
            }
        }
    }
    for (name, value) in ids {
        state.set(name, Value::string(*value));
    }
    state
}

/// Derives a ClientToken from the values that identify an object, so a
/// create repeated after a crash or a lost reply returns the object the first
/// attempt made. The token is 43 ASCII characters or fewer for short kinds.
/// NOTE: the maximum token length of the real API is not documented here.
pub fn client_token(kind: &str, parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in std::iter::once(kind).chain(parts.iter().copied()) {
        hasher.update(part.as_bytes());
        // A separator that cannot occur in IDs or addresses keeps ("ab", "c")
        // and ("a", "bc") apart.
        hasher.update([0u8]);
    }
    let digest = hex::encode(hasher.finalize());
    format!("alicr-{kind}-{}", &digest[..32])
}

/// True when an object created at `create_time_ms` (epoch milliseconds, the
/// API's clock) is younger than `window`, so it may come from an earlier
/// attempt of a create that was still waiting for it. A missing time counts
/// as recent.
pub fn created_within(create_time_ms: Option<i64>, window: Duration) -> bool {
    let Some(created) = create_time_ms else {
        return true;
    };
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    let window_ms = i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
    now_ms.saturating_sub(created) <= window_ms
}

/// Returns a required string attribute of a known configuration or plan.
pub fn required_str(value: &Value, name: &str) -> Result<String, Diagnostic> {
    value.get(name).as_str().map(str::to_string).ok_or_else(|| {
        Diagnostic::error(
            "Missing value",
            format!("{name} has no known value at apply time. This is always a bug in the provider; please report it."),
        )
        .with_attribute(AttributePath::root(name))
    })
}

/// Returns an optional string attribute; null and unknown give `None`.
pub fn optional_str(value: &Value, name: &str) -> Option<String> {
    value.get(name).as_str().map(str::to_string)
}

/// Returns the strings of a set or list attribute; null gives an empty list.
pub fn string_list(value: &Value, name: &str) -> Vec<String> {
    value.get(name).as_string_list().unwrap_or_default()
}

/// Keeps the prior spelling of each element that the API returned in another,
/// equivalent spelling, so a read never shows a diff for `10.0.0.1` versus
/// `10.0.0.1/32`.
pub fn keep_prior_spelling(
    prior: &Value,
    remote: Vec<String>,
    equal: fn(&str, &str) -> bool,
) -> Value {
    let prior_items = prior.as_string_list().unwrap_or_default();
    let items = remote.into_iter().map(|r| {
        prior_items
            .iter()
            .find(|p| equal(p, &r))
            .cloned()
            .unwrap_or(r)
    });
    Value::string_set(items)
}

/// Keeps a prior single value when the remote one is equivalent.
pub fn keep_prior_string(prior: &Value, remote: String, equal: fn(&str, &str) -> bool) -> Value {
    match prior.as_str() {
        Some(p) if equal(p, &remote) => Value::string(p),
        _ => Value::string(remote),
    }
}

#[cfg(test)]
mod tests;
