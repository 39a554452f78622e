//! The API side of `alicr_build`. It waits for a build to reach a final
//! status with growing pauses, cancels a build the provider gives up on and
//! reads the tail of its log for the error. It also contains the status and time
//! conventions that `alicr_build` and `alicr_builds` share.
//!
//! Build statuses are PENDING, BUILDING, SUCCESS, FAILED and CANCELED. The API
//! documents them only by example and in mixed case, so they are compared
//! case-insensitively and stored in upper case.

use std::future::Future;
use std::time::Duration;

use alicr_client::model::{BuildLogLine, BuildRecord};
use alicr_client::{CrClient, Error as ApiError};
use alicr_framework::{Context, Diagnostic, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::common;
use crate::provider::api;

/// First pause between status polls; it doubles each round up to [`POLL_MAX`].
pub const POLL_START: Duration = Duration::from_secs(1);
/// Maximum pause between status polls.
pub const POLL_MAX: Duration = Duration::from_secs(15);
/// How long canceling a build may take. It is separate from the create
/// timeout, which has already passed when the provider cancels.
pub const CANCEL_TIMEOUT: Duration = Duration::from_secs(30);
/// How many of the last log lines a failed build's diagnostic shows.
pub const LOG_TAIL_LINES: usize = 20;

/// The status of a successful build.
pub const SUCCESS: &str = "SUCCESS";

/// One build record and where it lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildRef {
    pub instance_id: String,
    pub repo_id: String,
    pub build_id: String,
}

/// The end of a wait for a build.
#[derive(Debug)]
pub enum WaitOutcome {
    /// The build reached SUCCESS, FAILED or CANCELED (upper case).
    Finished(String),
    /// The deadline passed first. The text is the last status seen.
    TimedOut(String),
    /// Terraform was interrupted first. The text is the last status seen.
    Interrupted(String),
    /// A status call failed after the client's own retries.
    Failed {
        last_status: String,
        error: ApiError,
    },
}

/// Returns the status in the form alicr stores: trimmed and upper case.
pub fn normalize_status(status: &str) -> String {
    status.trim().to_ascii_uppercase()
}

/// Returns true for statuses after which a build never changes.
pub fn is_final(status: &str) -> bool {
    ["SUCCESS", "FAILED", "CANCELED", "CANCELLED"]
        .iter()
        .any(|s| status.trim().eq_ignore_ascii_case(s))
}

/// Formats an epoch-millisecond time as RFC 3339 in UTC; missing, zero and
/// out-of-range times give null.
pub fn rfc3339_from_ms(ms: Option<i64>) -> Value {
    let Some(ms) = ms.filter(|ms| *ms > 0) else {
        return Value::Null;
    };
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .map_or(Value::Null, Value::String)
}

/// Polls `fetch_status` with pauses of [`POLL_START`] doubling up to
/// [`POLL_MAX`] until the status is final, `deadline` passes or `cancel` fires.
/// A status not in the known set counts as still running.
pub async fn wait_for_final_status<F, Fut>(
    cancel: &CancellationToken,
    deadline: Instant,
    mut fetch_status: F,
) -> WaitOutcome
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<String, ApiError>>,
{
    let mut pause = POLL_START;
    let mut last_status = "PENDING".to_string();
    loop {
        let fetched = tokio::select! {
            biased;
            _ = cancel.cancelled() => return WaitOutcome::Interrupted(last_status),
            _ = tokio::time::sleep_until(deadline) => return WaitOutcome::TimedOut(last_status),
            fetched = fetch_status() => fetched,
        };
        match fetched {
            Ok(status) if is_final(&status) => {
                return WaitOutcome::Finished(normalize_status(&status))
            }
            Ok(status) => last_status = normalize_status(&status),
            Err(error) => return WaitOutcome::Failed { last_status, error },
        }
        let now = Instant::now();
        if now >= deadline {
            return WaitOutcome::TimedOut(last_status);
        }
        tokio::select! {
            biased;
            _ = cancel.cancelled() => return WaitOutcome::Interrupted(last_status),
            _ = tokio::time::sleep(pause.min(deadline.saturating_duration_since(now))) => {}
        }
        pause = next_pause(pause);
    }
}

/// Returns the pause after `pause`: twice as long, at most [`POLL_MAX`].
pub fn next_pause(pause: Duration) -> Duration {
    pause.saturating_mul(2).min(POLL_MAX)
}

/// Returns the build's status as the API spells it.
pub async fn fetch_status(
    ctx: &Context,
    client: &CrClient,
    build: &BuildRef,
) -> Result<String, ApiError> {
    let call =
        client.get_repo_build_record_status(&build.instance_id, &build.repo_id, &build.build_id);
    api::cancellable(ctx, "GetRepoBuildRecordStatus", call).await
}

/// Returns the build record, or `None` when it no longer exists.
pub async fn fetch_record(
    ctx: &Context,
    client: &CrClient,
    build: &BuildRef,
) -> Result<Option<BuildRecord>, ApiError> {
    let call = client.get_repo_build_record(&build.instance_id, &build.build_id);
    match api::cancellable(ctx, "GetRepoBuildRecord", call).await {
        Ok(record) => Ok(Some(record)),
        Err(error) if error.is_not_found() => Ok(None),
        Err(error) => Err(error),
    }
}

/// Cancels a build within [`CANCEL_TIMEOUT`]. It ignores Terraform's
/// cancellation on purpose: an interrupt is one reason to cancel the build.
pub async fn cancel_build(client: &CrClient, build: &BuildRef) -> Result<(), ApiError> {
    let call = client.cancel_repo_build_record(&build.instance_id, &build.repo_id, &build.build_id);
    match tokio::time::timeout(CANCEL_TIMEOUT, call).await {
        Ok(result) => result,
        Err(_) => Err(ApiError::Timeout {
            action: "CancelRepoBuildRecord".to_string(),
            attempts: 0,
            last_error: None,
        }),
    }
}

/// Reads the record of a build that just finished or was canceled, within
/// [`CANCEL_TIMEOUT`] and regardless of Terraform's cancellation, so the
/// saved state shows where it ended.
pub async fn fetch_final_record(client: &CrClient, build: &BuildRef) -> Option<BuildRecord> {
    let call = client.get_repo_build_record(&build.instance_id, &build.build_id);
    match tokio::time::timeout(CANCEL_TIMEOUT, call).await {
        Ok(Ok(record)) => Some(record),
        Ok(Err(error)) => {
            tracing::warn!(build_id = %build.build_id, %error, "failed to read the final build record");
            None
        }
        Err(_) => None,
    }
}

/// Returns the last [`LOG_TAIL_LINES`] lines of a build's log, in line order.
pub async fn log_tail(client: &CrClient, build: &BuildRef) -> Result<Vec<String>, ApiError> {
    let call =
        client.list_repo_build_record_logs(&build.instance_id, &build.repo_id, &build.build_id);
    let lines = match tokio::time::timeout(CANCEL_TIMEOUT, call).await {
        Ok(result) => result?,
        Err(_) => {
            return Err(ApiError::Timeout {
                action: "ListRepoBuildRecordLog".to_string(),
                attempts: 0,
                last_error: None,
            })
        }
    };
    Ok(tail_messages(lines, LOG_TAIL_LINES))
}

/// Sorts log lines by line number and keeps the messages of the last `count`.
pub fn tail_messages(mut lines: Vec<BuildLogLine>, count: usize) -> Vec<String> {
    lines.sort_by_key(|line| line.line_number);
    let skip = lines.len().saturating_sub(count);
    lines
        .into_iter()
        .skip(skip)
        .map(|line| line.message)
        .collect()
}

/// Turns a wait outcome into the build's status and, unless it succeeded, an
/// error diagnostic. Every outcome other than a final status cancels the
/// build, because the provider stops watching it.
pub async fn finish(
    client: &CrClient,
    build: &BuildRef,
    build_rule_id: &str,
    timeout: Duration,
    outcome: WaitOutcome,
) -> (String, Option<Diagnostic>) {
    let id = &build.build_id;
    match outcome {
        WaitOutcome::Finished(status) if status == SUCCESS => {
            tracing::info!(build_id = %id, "build succeeded");
            (status, None)
        }
        WaitOutcome::Finished(status) => {
            tracing::info!(build_id = %id, %status, "build did not succeed");
            let tail = log_tail_text(client, build).await;
            let detail = format!(
                "Build {id} of rule {build_rule_id} in repository {} ended with status {status}.\n\n\
                 {tail}\n\nFix the cause and apply again. The build stays in state as tainted, so the \
                 next apply replaces it with a new build.",
                build.repo_id
            );
            let summary = format!("Build {status}");
            (status, Some(Diagnostic::error(summary, detail)))
        }
        WaitOutcome::TimedOut(last_status) => {
            let reason = format!(
                "did not finish within {} (last status {last_status})",
                common::humanize(timeout)
            );
            let advice = "Raise timeouts.create if the build needs longer, then apply again.";
            let giving_up = GivingUp {
                summary: "Build timed out",
                reason,
                advice,
                last_status,
            };
            cancel_after_giving_up(client, build, giving_up).await
        }
        WaitOutcome::Interrupted(last_status) => {
            let reason = format!("was still {last_status} when Terraform was interrupted");
            let advice = "Apply again to run a new build.";
            let giving_up = GivingUp {
                summary: "Build interrupted",
                reason,
                advice,
                last_status,
            };
            cancel_after_giving_up(client, build, giving_up).await
        }
        WaitOutcome::Failed { last_status, error } => {
            let reason = format!("could not be watched (last status {last_status}): {error}");
            let advice = "Check the API error above, then apply again.";
            let giving_up = GivingUp {
                summary: "Failed to wait for build",
                reason,
                advice,
                last_status,
            };
            cancel_after_giving_up(client, build, giving_up).await
        }
    }
}

/// The reason create stopped waiting for a build, for the diagnostic.
struct GivingUp {
    summary: &'static str,
    /// Completes "Build <id> in repository <repo> ...".
    reason: String,
    advice: &'static str,
    last_status: String,
}

/// Cancels a build the provider stopped waiting for, and returns the status
/// to record with a diagnostic that reports the cancel or its failure.
async fn cancel_after_giving_up(
    client: &CrClient,
    build: &BuildRef,
    giving_up: GivingUp,
) -> (String, Option<Diagnostic>) {
    let id = &build.build_id;
    let (status, outcome) = match cancel_build(client, build).await {
        Ok(()) => {
            tracing::info!(build_id = %id, "canceled build");
            (
                "CANCELED".to_string(),
                "The provider canceled it with CancelRepoBuildRecord.".to_string(),
            )
        }
        Err(error) => {
            tracing::warn!(build_id = %id, %error, "failed to cancel build");
            let text = format!(
                "Canceling it failed too ({error}), so it may still be running; cancel it in the \
                 Container Registry console if it should not finish."
            );
            (giving_up.last_status, text)
        }
    };
    let detail = format!(
        "Build {id} in repository {} {}. {outcome} The build stays in state as tainted, so the next \
         apply replaces it. {}",
        build.repo_id, giving_up.reason, giving_up.advice
    );
    (status, Some(Diagnostic::error(giving_up.summary, detail)))
}

async fn log_tail_text(client: &CrClient, build: &BuildRef) -> String {
    match log_tail(client, build).await {
        Ok(lines) if lines.is_empty() => "The build log is empty.".to_string(),
        Ok(lines) => format!("Last {} log lines:\n{}", lines.len(), lines.join("\n")),
        Err(error) => format!("The build log could not be read: {error}."),
    }
}

#[cfg(test)]
mod tests;
