//! Create of `alicr_build_rule`. The API has no ClientToken for build rules,
//! so a create takes over an identical rule that no resource of this provider
//! process owns yet, instead of making a duplicate. Such a rule is left by an
//! apply that was killed after its create reached the server, or by a create
//! of this apply whose reply was lost. Creates of identical rules in one
//! repository run one at a time, so they never take over each other's rule;
//! `claims` contains the shared bookkeeping.

use std::time::Duration;

use tokio::time::Instant;

use alicr_client::model::{BuildRule, BuildRuleSpec};
use alicr_client::{CrClient, Error as ApiError};
use alicr_framework::resource::CreateRequest;
use alicr_framework::{AttributePath, Context, Diagnostic, Value};

use super::claims::{self, Holder};
use super::{rule_state, spec_from, DEFAULTS};
use crate::provider::resources::common::{self, Poll};
use crate::provider::resources::timeouts::{self, Operation};
use crate::provider::{api, client};

/// Maximum number of CreateRepoBuildRule calls for one resource. Another call
/// is sent only when the previous one failed in transport and a new listing
/// shows no rule that it made.
const MAX_CREATE_CALLS: usize = 3;

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
    /// The rule existed before this create sent anything. The token is kept
    /// in the resource's private state (see [`claims::Holder::Adopted`]).
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

    let writes = claims::repo_writes(&instance_id, &repo_id);
    let permit = writes.acquire().await.ok();
    let same_spec = claims::same_spec_lock(&instance_id, &repo_id, &spec);
    let serialized = same_spec.lock().await;
    let outcome = adopt_or_create(&target, &spec, deadline)
        .await
        .map_err(|d| (Value::Null, d))?;
    drop(serialized);
    drop(permit);

    let (rule_id, warning, adoption_token) = match outcome {
        Outcome::Created(rule_id) => (rule_id, None, None),
        Outcome::Adopted { rule_id, token } => {
            let warning = adopted_warning(&repo_id, &rule_id);
            (rule_id, Some(warning), Some(token))
        }
    };
    match wait_listed(&target, &rule_id, timeout).await {
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

/// Adopts an unclaimed identical rule left by an earlier apply, or sends
/// CreateRepoBuildRule. After a call that may have reached the server, lists
/// again: a new identical rule is the one that call made. No such rule means
/// the call never arrived, so it is sent again, up to [`MAX_CREATE_CALLS`]
/// calls and only before `deadline`.
async fn adopt_or_create(
    target: &Target<'_>,
    spec: &BuildRuleSpec,
    deadline: Instant,
) -> Result<Outcome, Diagnostic> {
    if let Some((rule_id, token)) = adoptable(target, spec).await? {
        return Ok(Outcome::Adopted { rule_id, token });
    }
    let what = format!("create a build rule in repository {}", target.repo_id);
    // NOTE: a rule becomes listed only after the API's read-after-write lag,
    // so a call whose reply was lost can look unapplied and be sent again,
    // which leaves a duplicate rule that the next apply does not remove.
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
                return Ok(Outcome::Created(rule_id));
            }
            Err(error) if error.may_have_been_applied() => error,
            Err(error) => return Err(common::api_diagnostic(&what, &error)),
        };
        tracing::warn!(
            instance_id = %target.instance_id,
            repo_id = %target.repo_id,
            call = calls,
            error = %error,
            "CreateRepoBuildRule may have been applied; listing the rules to find the rule it made"
        );
        if let Some(rule_id) = take_identical(target, spec, || Holder::Created).await? {
            return Ok(Outcome::Created(rule_id));
        }
        if calls >= MAX_CREATE_CALLS || Instant::now() >= deadline {
            return Err(not_created(target.repo_id, calls, &error));
        }
    }
}

/// Adopts an identical rule that the repository had before this process
/// created anything there and that no resource of this process holds. A
/// fresh listing confirms the rule, and the result is its ID and adoption
/// token. Without such a rule in the shared snapshot, no request is sent.
async fn adoptable(
    target: &Target<'_>,
    spec: &BuildRuleSpec,
) -> Result<Option<(String, String)>, Diagnostic> {
    let before = claims::snapshot(
        target.ctx,
        target.client,
        target.instance_id,
        target.repo_id,
    )
    .await
    .map_err(|e| list_failed(target, &e))?
    .ok_or_else(|| repo_not_found(target))?;
    // NOTE: a rule that another resource of this run is about to update looks
    // left over until that update starts; `settle_adoption` repairs such an
    // adoption on the next read.
    let left_over = before.iter().any(|rule| {
        same_rule(rule, spec) && !claims::is_held(&target.rule_key(&rule.build_rule_id))
    });
    if !left_over {
        return Ok(None);
    }
    let token = claims::new_adoption_token();
    let adopted = take_identical(target, spec, || Holder::Adopted {
        token: token.clone(),
    })
    .await?;
    Ok(adopted.map(|rule_id| (rule_id, token)))
}

/// Lists the repository's rules, bypassing the shared listing, and takes the
/// first one with exactly these settings that no resource of this process
/// holds, recording `holder` for it.
async fn take_identical(
    target: &Target<'_>,
    spec: &BuildRuleSpec,
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
        .filter(|rule| same_rule(rule, spec))
        .map(|rule| rule.build_rule_id)
        .find(|rule_id| claims::try_hold(&target.rule_key(rule_id), holder())))
}

fn list_failed(target: &Target<'_>, error: &ApiError) -> Diagnostic {
    let what = format!(
        "list the build rules of repository {} to look for an existing rule with the planned settings",
        target.repo_id
    );
    common::api_diagnostic(&what, error)
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
