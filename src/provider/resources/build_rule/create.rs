//! Create of `alicr_build_rule`. The API has no ClientToken for build rules,
//! so a create takes over an identical rule that no resource of this provider
//! process owns yet, instead of making a duplicate. Such a rule is left by an
//! apply that was killed after its create reached the server, or by a create
//! of this apply whose reply was lost. The lookup and the create run while
//! holding the repository's lock, so no other create of this process races them.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use tokio::time::Instant;

use alicr_client::model::{BuildRule, BuildRuleSpec};
use alicr_client::{CrClient, Error as ApiError};
use alicr_framework::resource::CreateRequest;
use alicr_framework::{AttributePath, Context, Diagnostic, Value};

use super::{repo_lock, rule_state, spec_from, DEFAULTS};
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
        format!("{}:{}:{rule_id}", self.instance_id, self.repo_id)
    }
}

/// The way a create obtained its rule.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    /// This create's own CreateRepoBuildRule call made the rule, including a
    /// call whose reply was lost.
    Created(String),
    /// The rule existed before this create sent anything.
    Adopted(String),
}

/// Keys (`<instance_id>:<repo_id>:<build_rule_id>`) of the rules that a
/// resource in this provider process created or adopted. A rule in this set
/// is never adopted again, so two identical resources of one apply get two
/// rules.
fn claimed_rules() -> &'static Mutex<HashSet<String>> {
    static CLAIMED: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    CLAIMED.get_or_init(Default::default)
}

fn claim(key: String) {
    claimed_rules()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(key);
}

fn is_claimed(key: &str) -> bool {
    claimed_rules()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .contains(key)
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

/// Creates or adopts the rule and waits until it is listed. Returns the new
/// state with a warning when an existing rule was adopted. An error after the
/// rule exists returns it as a partial state that Terraform keeps as tainted.
pub(super) async fn create_rule(
    request: &CreateRequest,
) -> Result<(Value, Option<Diagnostic>), (Value, Diagnostic)> {
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

    let lock = repo_lock(&instance_id, &repo_id);
    let serialized = lock.lock().await;
    let outcome = adopt_or_create(&target, &spec, deadline)
        .await
        .map_err(|d| (Value::Null, d))?;
    drop(serialized);

    let (rule_id, warning) = match outcome {
        Outcome::Created(rule_id) => (rule_id, None),
        Outcome::Adopted(rule_id) => {
            let warning = adopted_warning(&repo_id, &rule_id);
            (rule_id, Some(warning))
        }
    };
    match wait_listed(&target, &rule_id, timeout).await {
        Ok(rule) => Ok((rule_state(plan, &instance_id, &repo_id, rule), warning)),
        Err(diagnostic) => {
            let id = format!("{instance_id}:{repo_id}:{rule_id}");
            let ids = [("id", id.as_str()), ("build_rule_id", rule_id.as_str())];
            Err((common::partial_state(plan, &ids), diagnostic))
        }
    }
}

/// Adopts an unclaimed identical rule, or sends CreateRepoBuildRule. After a
/// call that may have reached the server, lists again. A new identical rule is
/// the one that call made. No such rule means the call never arrived, so it
/// is sent again, up to [`MAX_CREATE_CALLS`] calls and only before `deadline`.
async fn adopt_or_create(
    target: &Target<'_>,
    spec: &BuildRuleSpec,
    deadline: Instant,
) -> Result<Outcome, Diagnostic> {
    let what = format!("create a build rule in repository {}", target.repo_id);
    // NOTE: a rule becomes listed only after the API's read-after-write lag,
    // so a call whose reply was lost can look unapplied and be sent again,
    // which leaves a duplicate rule that the next apply does not remove.
    let mut calls = 0;
    let mut last_error = None;
    loop {
        if let Some(rule_id) = find_unclaimed(target, spec).await? {
            claim(target.rule_key(&rule_id));
            return Ok(if calls == 0 {
                Outcome::Adopted(rule_id)
            } else {
                Outcome::Created(rule_id)
            });
        }
        if let Some(error) = last_error.take() {
            if calls >= MAX_CREATE_CALLS || Instant::now() >= deadline {
                return Err(not_created(target.repo_id, calls, &error));
            }
        }

        calls += 1;
        let created = api::create_build_rule(
            target.ctx,
            target.client,
            target.instance_id,
            target.repo_id,
            spec,
        )
        .await;
        match created {
            Ok(rule_id) => {
                claim(target.rule_key(&rule_id));
                return Ok(Outcome::Created(rule_id));
            }
            Err(error) if error.may_have_been_applied() => {
                tracing::warn!(
                    instance_id = %target.instance_id,
                    repo_id = %target.repo_id,
                    call = calls,
                    error = %error,
                    "CreateRepoBuildRule may have been applied; listing the rules to find the rule it made"
                );
                last_error = Some(error);
            }
            Err(error) => return Err(common::api_diagnostic(&what, &error)),
        }
    }
}

/// Lists the repository's rules and returns the ID of the first one with
/// exactly these settings that no resource of this process has claimed.
async fn find_unclaimed(
    target: &Target<'_>,
    spec: &BuildRuleSpec,
) -> Result<Option<String>, Diagnostic> {
    let what = format!(
        "list the build rules of repository {} to look for an existing rule with the planned settings",
        target.repo_id
    );
    let rules = api::list_build_rules(
        target.ctx,
        target.client,
        target.instance_id,
        target.repo_id,
    )
    .await
    .map_err(|e| common::api_diagnostic(&what, &e))?
    .ok_or_else(|| repo_not_found(target))?;
    let found = rules
        .into_iter()
        .find(|rule| same_rule(rule, spec) && !is_claimed(&target.rule_key(&rule.build_rule_id)));
    Ok(found.map(|rule| rule.build_rule_id))
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
    fn claimed_rule_stays_claimed() {
        let key = "cri-unit:crr-unit:crbr-claimed".to_string();
        claim(key.clone());
        assert!(is_claimed(&key));
    }

    #[test]
    fn unclaimed_rule_is_free() {
        assert!(!is_claimed("cri-unit:crr-unit:crbr-never"));
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
