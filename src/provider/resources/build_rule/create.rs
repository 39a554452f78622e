//! Create of `alicr_build_rule`. The API has no ClientToken for build rules.
//! So that a crash never leaves a duplicate, a create writes a record before
//! it sends CreateRepoBuildRule (`journal`), and a create with the same
//! settings after a crash adopts the rule that the killed create made. A
//! rule that existed before the record is never adopted, so a create never
//! takes over a rule that another resource manages. A reply lost in transit
//! is handled by listing the rules until the new one shows up.

use std::time::Duration;

use tokio::time::Instant;

use alicr_client::model::{BuildRule, BuildRuleSpec};
use alicr_client::{CrClient, Error as ApiError};
use alicr_framework::resource::CreateRequest;
use alicr_framework::{AttributePath, Context, Diagnostic, Value};

use super::claims::{self, Holder};
use super::journal::{self, Entry};
use super::{rule_state, spec_from, DEFAULTS};
use crate::provider::resources::common::{self, Poll};
use crate::provider::resources::timeouts::{self, Operation};
use crate::provider::{api, client};

/// Maximum number of CreateRepoBuildRule calls for one resource. Another call
/// is sent only when the previous one failed in transport and the listings
/// show no rule that it made.
const MAX_CREATE_CALLS: usize = 3;

/// How long the rules are listed after a call whose reply was lost, before
/// the call is sent again, to let a rule it made become visible.
const LOST_REPLY_WINDOW: Duration = Duration::from_secs(5);

/// The repository a rule is created in.
struct Target<'a> {
    ctx: &'a Context,
    client: &'a CrClient,
    instance_id: &'a str,
    repo_id: &'a str,
}

impl Target<'_> {
    fn rule_key(&self, rule_id: &str) -> String {
        claims::rule_key(self.instance_id, self.repo_id, rule_id)
    }
}

/// The way a create obtained its rule.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    /// This create's own CreateRepoBuildRule call made the rule, including a
    /// call whose reply was lost.
    Created(String),
    /// A create of an earlier, killed process made the rule. The token is
    /// kept in the resource's private state (see [`claims::Holder::Adopted`]).
    Adopted { rule_id: String, token: String },
}

/// The result of a create that has its rule.
pub(super) struct CreatedRule {
    pub(super) state: Value,
    /// A warning when an existing rule was adopted.
    pub(super) warning: Option<Diagnostic>,
    /// The adoption token, for the resource's private state.
    pub(super) adoption_token: Option<String>,
}

/// True when a listed rule has exactly these settings, ignoring the order of
/// build arguments and platforms.
pub(super) fn same_rule(rule: &BuildRule, spec: &BuildRuleSpec) -> bool {
    let sorted = |items: &[String]| {
        let mut items = items.to_vec();
        items.sort();
        items
    };
    rule.push_type.eq_ignore_ascii_case(&spec.push_type)
        && rule.push_name == spec.push_name
        && rule.image_tag == spec.image_tag
        && rule.dockerfile_location == spec.dockerfile_location
        && rule.dockerfile_name == spec.dockerfile_name
        && sorted(&rule.build_args) == sorted(&spec.build_args)
        && sorted(&rule.platforms) == sorted(&spec.platforms)
}

/// Creates or adopts the rule and waits until it is listed. An error after the
/// rule exists returns it as a partial state that Terraform keeps as tainted.
pub(super) async fn create_rule(
    request: &CreateRequest,
) -> Result<CreatedRule, (Value, Diagnostic)> {
    let plan = &request.planned_state;
    let client = client(&request.ctx).map_err(|d| (Value::Null, d))?;
    let (instance_id, repo_id) = match (
        common::required_str(plan, "instance_id"),
        common::required_str(plan, "repo_id"),
    ) {
        (Ok(instance_id), Ok(repo_id)) => (instance_id, repo_id),
        (Err(d), _) | (_, Err(d)) => return Err((Value::Null, d)),
    };
    let spec = spec_from(plan).map_err(|d| (Value::Null, d))?;
    let target = Target {
        ctx: &request.ctx,
        client: &client,
        instance_id: &instance_id,
        repo_id: &repo_id,
    };
    let timeout = timeouts::get(&request.config, Operation::Create, DEFAULTS);
    let deadline = common::deadline_after(timeout);

    // The whole create, waits for other creates included, ends at the
    // timeout. A call cut short there may have made a rule, so its record
    // stays for the next apply.
    let obtained = tokio::time::timeout_at(deadline, obtain_rule(&target, &spec, deadline)).await;
    let (outcome, entry) = match obtained {
        Ok(result) => result.map_err(|d| (Value::Null, d))?,
        Err(_) => return Err((Value::Null, timed_out(&repo_id, timeout))),
    };

    let (rule_id, warning, adoption_token) = match outcome {
        Outcome::Created(rule_id) => (rule_id, None, None),
        Outcome::Adopted { rule_id, token } => {
            let warning = adopted_warning(&repo_id, &rule_id);
            (rule_id, Some(warning), Some(token))
        }
    };
    let listed = wait_listed(&target, &rule_id, timeout).await;
    // Both results below give Terraform a state with the rule's ID.
    if let Some(entry) = entry {
        entry.returned();
    }
    match listed {
        Ok(rule) => Ok(CreatedRule {
            state: rule_state(plan, &instance_id, &repo_id, rule),
            warning,
            adoption_token,
        }),
        Err(diagnostic) => {
            let id = format!("{instance_id}:{repo_id}:{rule_id}");
            let ids = [("id", id.as_str()), ("build_rule_id", rule_id.as_str())];
            Err((common::partial_state(plan, &ids), diagnostic))
        }
    }
}

/// Takes the repository's write permit and the lock of these settings, then
/// adopts the rule of a killed earlier create or creates one. Returns the
/// record of a create, which the caller removes once Terraform gets the rule.
async fn obtain_rule(
    target: &Target<'_>,
    spec: &BuildRuleSpec,
    deadline: Instant,
) -> Result<(Outcome, Option<Entry>), Diagnostic> {
    let writes = claims::repo_writes(target.instance_id, target.repo_id);
    let _permit = writes.acquire().await.ok();
    let same_spec = claims::same_spec_lock(target.instance_id, target.repo_id, spec);
    let _serialized = same_spec.lock().await;

    let before = identical_before(target, spec).await?;
    let settings = claims::spec_key(spec);
    if let Some((rule_id, token, entry)) = recover(target, spec, &settings).await? {
        claims::record_made(target.instance_id, target.repo_id, spec, &rule_id);
        return Ok((Outcome::Adopted { rule_id, token }, Some(entry)));
    }
    let mut entry = journal::begin(
        target.instance_id,
        target.repo_id,
        &settings,
        before.clone(),
    );
    match send_create(target, spec, &before, deadline).await {
        Ok(rule_id) => {
            claims::record_made(target.instance_id, target.repo_id, spec, &rule_id);
            if let Some(entry) = entry.as_mut() {
                entry.made(&rule_id);
            }
            Ok((Outcome::Created(rule_id), entry))
        }
        Err(Failure::NotCreated(diagnostic)) => {
            if let Some(entry) = entry {
                entry.discard();
            }
            Err(diagnostic)
        }
        // The record stays: a rule that the calls made and that shows up
        // later is adopted by the next apply.
        Err(Failure::MaybeCreated(diagnostic)) => Err(diagnostic),
    }
}

/// The reason [`send_create`] returned no rule.
enum Failure {
    /// The API rejected the only call, so no rule exists.
    NotCreated(Diagnostic),
    /// Every call may have reached the server, and no rule showed up.
    MaybeCreated(Diagnostic),
}

/// Sends CreateRepoBuildRule. After a call that may have reached the server,
/// lists the rules for up to [`LOST_REPLY_WINDOW`]: a new identical rule that
/// is not in `before` is the one that call made. Otherwise the call is sent
/// again, up to [`MAX_CREATE_CALLS`] calls and only before `deadline`.
async fn send_create(
    target: &Target<'_>,
    spec: &BuildRuleSpec,
    before: &[String],
    deadline: Instant,
) -> Result<String, Failure> {
    let operation = format!("create a build rule in repository {}", target.repo_id);
    // NOTE: an API whose reads lag behind writes by more than
    // LOST_REPLY_WINDOW can still make a lost reply look unapplied, and the
    // call is then sent again, which leaves a duplicate rule.
    let mut calls = 0;
    loop {
        calls += 1;
        let created = api::create_build_rule(
            target.ctx,
            target.client,
            target.instance_id,
            target.repo_id,
            spec,
        )
        .await;
        let error = match created {
            Ok(rule_id) => {
                claims::try_hold(&target.rule_key(&rule_id), Holder::Created);
                return Ok(rule_id);
            }
            Err(error) if error.may_have_been_applied() => error,
            // An earlier call of this loop may still have made a rule.
            Err(error) if calls > 1 => {
                return Err(Failure::MaybeCreated(common::api_diagnostic(
                    &operation, &error,
                )))
            }
            Err(error) => {
                return Err(Failure::NotCreated(common::api_diagnostic(
                    &operation, &error,
                )))
            }
        };
        tracing::warn!(
            instance_id = %target.instance_id,
            repo_id = %target.repo_id,
            call = calls,
            error = %error,
            "CreateRepoBuildRule may have been applied; listing the rules to find the rule it made"
        );
        let window = Instant::now() + LOST_REPLY_WINDOW;
        let mut pause = Duration::from_millis(250);
        loop {
            let found = take_identical(target, spec, before, None, || Holder::Created)
                .await
                .map_err(Failure::MaybeCreated)?;
            if let Some(rule_id) = found {
                return Ok(rule_id);
            }
            if Instant::now() + pause > window.min(deadline) {
                break;
            }
            tokio::time::sleep(pause).await;
            pause = pause.saturating_mul(2);
        }
        if calls >= MAX_CREATE_CALLS || Instant::now() >= deadline {
            return Err(Failure::MaybeCreated(not_created(
                target.repo_id,
                calls,
                &error,
            )));
        }
    }
}

/// IDs of the rules with these settings that exist before this create: those
/// in the repository's snapshot and those that creates of this process made.
async fn identical_before(
    target: &Target<'_>,
    spec: &BuildRuleSpec,
) -> Result<Vec<String>, Diagnostic> {
    let snapshot = claims::snapshot(
        target.ctx,
        target.client,
        target.instance_id,
        target.repo_id,
    )
    .await
    .map_err(|e| list_failed(target, &e))?
    .ok_or_else(|| repo_not_found(target))?;
    let mut before: Vec<String> = snapshot
        .iter()
        .filter(|rule| same_rule(rule, spec))
        .map(|rule| rule.build_rule_id.clone())
        .collect();
    before.extend(claims::made(target.instance_id, target.repo_id, spec));
    Ok(before)
}

/// Adopts the rule that a killed earlier create with these settings made:
/// the rule its record names, or else an identical rule that its record does
/// not list as existing before it, unless a resource of this process has it.
/// Returns the rule's ID, the adoption token and the record, now this
/// create's. Sends no request unless such a record exists.
async fn recover(
    target: &Target<'_>,
    spec: &BuildRuleSpec,
    settings: &str,
) -> Result<Option<(String, String, Entry)>, Diagnostic> {
    for (path, record) in journal::pending(target.instance_id, target.repo_id, settings) {
        let token = claims::new_adoption_token();
        let holder = || Holder::Adopted {
            token: token.clone(),
        };
        let found =
            take_identical(target, spec, &record.before, record.made.as_deref(), holder).await?;
        let Some(rule_id) = found else {
            continue;
        };
        // Only one process can move a record, so only one adopts its rule.
        match journal::claim(&path) {
            Some(mut entry) => {
                entry.made(&rule_id);
                return Ok(Some((rule_id, token, entry)));
            }
            None => claims::release(&target.rule_key(&rule_id)),
        }
    }
    Ok(None)
}

/// Lists the repository's rules, bypassing the shared listing, and takes the
/// first one with exactly these settings that is not in `exclude`, is `only`
/// when that is given, and that no resource of this process holds, recording
/// `holder` for it.
async fn take_identical(
    target: &Target<'_>,
    spec: &BuildRuleSpec,
    exclude: &[String],
    only: Option<&str>,
    holder: impl Fn() -> Holder,
) -> Result<Option<String>, Diagnostic> {
    target
        .client
        .invalidate_build_rules(target.instance_id, target.repo_id);
    let rules = api::list_build_rules(
        target.ctx,
        target.client,
        target.instance_id,
        target.repo_id,
    )
    .await
    .map_err(|e| list_failed(target, &e))?
    .ok_or_else(|| repo_not_found(target))?;
    Ok(rules
        .into_iter()
        .filter(|rule| same_rule(rule, spec) && !exclude.contains(&rule.build_rule_id))
        .filter(|rule| only.is_none_or(|only| rule.build_rule_id == only))
        .map(|rule| rule.build_rule_id)
        .find(|rule_id| claims::try_hold(&target.rule_key(rule_id), holder())))
}

fn timed_out(repo_id: &str, timeout: Duration) -> Diagnostic {
    Diagnostic::error(
        format!("Timed out creating a build rule in repository {repo_id}"),
        format!(
            "The create did not finish within {}. A rule that it made is adopted by the next apply instead of duplicated. Run apply again, or raise timeouts.create.",
            common::humanize(timeout)
        ),
    )
}

fn list_failed(target: &Target<'_>, error: &ApiError) -> Diagnostic {
    let operation = format!(
        "list the build rules of repository {} to look for an existing rule with the planned settings",
        target.repo_id
    );
    common::api_diagnostic(&operation, error)
}

fn repo_not_found(target: &Target<'_>) -> Diagnostic {
    Diagnostic::error(
        "Repository not found",
        format!(
            "Repository {} does not exist in instance {}. Check repo_id (the alicr_repository data source returns it).",
            target.repo_id, target.instance_id
        ),
    )
    .with_attribute(AttributePath::root("repo_id"))
}

fn adopted_warning(repo_id: &str, rule_id: &str) -> Diagnostic {
    Diagnostic::warning(
        "Adopted an existing build rule",
        format!(
            "Repository {repo_id} already had build rule {rule_id} with identical settings, so it was adopted instead of creating a duplicate (for example, a rule left by an interrupted apply). If another Terraform resource or configuration manages {rule_id}, remove one of the two, because both now manage the same rule."
        ),
    )
}

/// Builds the error of a create whose every call may have failed before
/// reaching the server. The client error's text already states that the
/// request may have reached the server, so the detail adds no such advice.
fn not_created(repo_id: &str, calls: usize, last_error: &ApiError) -> Diagnostic {
    Diagnostic::error(
        format!("Failed to create a build rule in repository {repo_id}"),
        format!(
            "CreateRepoBuildRule was sent {calls} times and no rule with the planned settings appeared in repository {repo_id}. Last error: {last_error}{}. Check that the API endpoint is reachable, then run apply again. A rule with these settings that appears later is adopted instead of duplicated.",
            error_causes(last_error)
        ),
    )
}

/// Joins the underlying causes of an error (such as "connection reset"),
/// which its own message leaves out.
fn error_causes(error: &ApiError) -> String {
    let mut causes = String::new();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        causes.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    causes
}

async fn wait_listed(
    target: &Target<'_>,
    rule_id: &str,
    timeout: Duration,
) -> Result<BuildRule, Diagnostic> {
    let what = format!("build rule {rule_id} to be listed");
    common::poll_until(target.ctx, timeout, || async {
        let rules = api::list_build_rules(
            target.ctx,
            target.client,
            target.instance_id,
            target.repo_id,
        )
        .await?
        .unwrap_or_default();
        Ok(
            match rules.into_iter().find(|r| r.build_rule_id == rule_id) {
                Some(rule) => Poll::Done(rule),
                None => Poll::Pending("not listed yet".to_string()),
            },
        )
    })
    .await
    .map_err(|e| common::wait_diagnostic(&what, timeout, "create", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_rule_ignores_order() {
        let spec = BuildRuleSpec {
            push_type: "GIT_BRANCH".into(),
            platforms: vec!["linux/amd64".into(), "linux/arm64".into()],
            ..BuildRuleSpec::default()
        };
        let rule = BuildRule {
            push_type: "GIT_BRANCH".into(),
            platforms: vec!["linux/arm64".into(), "linux/amd64".into()],
            ..BuildRule::default()
        };
        assert!(same_rule(&rule, &spec));
    }

    #[test]
    fn same_rule_compares_args() {
        let spec = BuildRuleSpec {
            build_args: vec!["A=1".into()],
            ..BuildRuleSpec::default()
        };
        let rule = BuildRule {
            build_args: vec!["A=2".into()],
            ..BuildRule::default()
        };
        assert!(!same_rule(&rule, &spec));
    }

    #[test]
    fn failure_says_reached_once() {
        let error = ApiError::Dispatch {
            action: "CreateRepoBuildRule".into(),
            may_have_been_applied: true,
            source: std::sync::Arc::new(std::io::Error::other("connection reset")),
        };
        let detail = not_created("crr-unit", 3, &error).detail;
        assert_eq!(detail.matches("may have reached the server").count(), 1);
    }
}
