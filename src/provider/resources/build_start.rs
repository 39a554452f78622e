//! Starting the build of an `alicr_build`, reconciled when the reply is lost.
//! `CreateBuildRecordByRule` takes no ClientToken, so a start that may have
//! reached the server is never sent again. Instead the repository's build
//! records are listed before the start and again after a lost reply, and the
//! one record that appeared is adopted.

use std::collections::HashSet;
use std::time::Duration;

use alicr_client::{CrClient, Error as ApiError};
use alicr_framework::{Context, Diagnostic};

use super::common::{self, Poll};
use crate::provider::api;

/// Records read to tell the new build from older ones; builds of one
/// repository that start between the two listings are far fewer.
const LISTED_RECORDS: u32 = 100;

/// Maximum wait for a build started by a lost request to be listed.
const RECONCILE_WINDOW: Duration = Duration::from_secs(30);

/// Where a build starts.
pub struct StartTarget<'a> {
    pub instance_id: &'a str,
    pub repo_id: &'a str,
    pub build_rule_id: &'a str,
}

/// Starts a build and returns its record ID. A start whose reply was lost
/// adopts the single record that appeared since the first listing.
pub async fn start_or_adopt(
    ctx: &Context,
    client: &CrClient,
    target: &StartTarget<'_>,
    timeout: Duration,
) -> Result<String, Diagnostic> {
    let operation = format!(
        "start a build of rule {} in repository {}",
        target.build_rule_id, target.repo_id
    );
    // Starts on one repository run one at a time in this process, so the
    // record that appears after a lost reply is this start's.
    let lock = super::build_rule::build_start_lock(target.instance_id, target.repo_id);
    let _serialized = lock.lock().await;
    let before = list_record_ids(ctx, client, target)
        .await
        .map_err(|e| common::api_diagnostic(&operation, &e))?;
    // The start itself is not cut short on Ctrl-C, so the provider always
    // learns the ID of a build that started and can cancel it.
    let error = match client
        .create_build_record_by_rule(target.instance_id, target.repo_id, target.build_rule_id)
        .await
    {
        Ok(id) => return Ok(id),
        Err(error) if error.may_have_been_applied() => error,
        Err(error) => return Err(common::api_diagnostic(&operation, &error)),
    };
    tracing::warn!(repo_id = %target.repo_id, build_rule_id = %target.build_rule_id, %error, "CreateBuildRecordByRule may have been applied; looking for the build it started");
    let window = timeout.min(RECONCILE_WINDOW);
    let found = common::poll_until(ctx, window, || async {
        let now = list_record_ids(ctx, client, target).await?;
        let new: Vec<String> = now.difference(&before).cloned().collect();
        Ok(match new.as_slice() {
            [] => Poll::Pending("no new build listed".to_string()),
            [id] => Poll::Done(Some(id.clone())),
            _ => Poll::Done(None),
        })
    })
    .await;
    match found {
        Ok(Some(id)) => {
            tracing::info!(build_id = %id, "adopted the build started by the lost request");
            Ok(id)
        }
        _ => Err(Diagnostic::error(
            format!("Failed to {operation}"),
            format!(
                "Failed to {operation}: {error}. The request may have started a build, but no single new build of repository {} was listed within {}. Check the repository's build records in the console before applying again, to avoid a second build.",
                target.repo_id,
                common::humanize(window)
            ),
        )),
    }
}

async fn list_record_ids(
    ctx: &Context,
    client: &CrClient,
    target: &StartTarget<'_>,
) -> Result<HashSet<String>, ApiError> {
    let call =
        client.list_repo_build_records(target.instance_id, target.repo_id, 1, LISTED_RECORDS);
    let page = api::cancellable(ctx, "ListRepoBuildRecord", call).await?;
    Ok(page
        .items
        .into_iter()
        .map(|record| record.build_record_id)
        .collect())
}
