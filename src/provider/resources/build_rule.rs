//! `alicr_build_rule`: an image build rule of a repository (which branch or
//! tag builds which image tag, from which Dockerfile, for which platforms).
//! The API has no Get, so reads list the repository's rules and find the ID.
//! Creates and deletes on one repository run a few at a time (`claims`). The
//! create path, which adopts identical rules instead of duplicating them, is
//! in `create`.

use std::collections::BTreeMap;
use std::time::Duration;

use alicr_client::model::{BuildRule, BuildRuleSpec};
use alicr_framework::resource::{
    CreateRequest, DeleteRequest, ImportStateRequest, ModifyPlanRequest, ReadRequest,
    StateResponse, UpdateRequest,
};
use alicr_framework::{AttributePath, Diagnostic, Diagnostics, Resource, Schema, Value};
use async_trait::async_trait;

use super::common;
use super::timeouts::Defaults;
use crate::provider::{api, client};

mod claims;
mod create;
mod journal;
mod schema;

pub(crate) use claims::build_start_lock;

/// Removes the records of the creates whose rules Terraform has now, because
/// Terraform saves its state after it shuts the provider down.
pub(crate) fn shut_down() {
    journal::remove_returned();
}
pub use schema::PLATFORMS;

const DEFAULTS: Defaults = Defaults {
    create: Duration::from_secs(5 * 60),
    update: Duration::from_secs(5 * 60),
    delete: Duration::from_secs(5 * 60),
};

/// The `alicr_build_rule` resource type.
#[derive(Debug, Default)]
pub struct BuildRuleResource;

fn spec_from(plan: &Value) -> Result<BuildRuleSpec, Diagnostic> {
    // Sorted by name (a BTreeMap), so the same map always sends the same list.
    let build_args = plan
        .get("build_args")
        .as_string_map()
        .unwrap_or_default()
        .into_iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    let mut platforms = common::string_list(plan, "platforms");
    platforms.sort();
    Ok(BuildRuleSpec {
        push_type: common::required_str(plan, "push_type")?,
        push_name: common::required_str(plan, "push_name")?,
        image_tag: common::required_str(plan, "image_tag")?,
        dockerfile_location: common::required_str(plan, "dockerfile_location")?,
        dockerfile_name: common::required_str(plan, "dockerfile_name")?,
        build_args,
        platforms,
    })
}

fn args_map(args: &[String]) -> BTreeMap<String, String> {
    args.iter()
        .map(|arg| match arg.split_once('=') {
            Some((name, value)) => (name.to_string(), value.to_string()),
            None => (arg.clone(), String::new()),
        })
        .collect()
}

fn rule_state(base: &Value, instance_id: &str, repo_id: &str, rule: BuildRule) -> Value {
    Value::object([
        (
            "id",
            Value::string(format!("{instance_id}:{repo_id}:{}", rule.build_rule_id)),
        ),
        ("instance_id", Value::string(instance_id)),
        ("repo_id", Value::string(repo_id)),
        (
            "push_type",
            Value::string(rule.push_type.to_ascii_uppercase()),
        ),
        ("push_name", Value::string(rule.push_name)),
        ("image_tag", Value::string(rule.image_tag)),
        (
            "dockerfile_location",
            Value::string(rule.dockerfile_location),
        ),
        ("dockerfile_name", Value::string(rule.dockerfile_name)),
        ("build_args", Value::string_map(args_map(&rule.build_args))),
        ("platforms", Value::string_set(rule.platforms)),
        ("build_rule_id", Value::string(rule.build_rule_id)),
        ("timeouts", base.get("timeouts").clone()),
    ])
}

/// Finds a rule by ID; `None` when it, its repository or its instance is gone.
async fn find_rule(
    ctx: &alicr_framework::Context,
    client: &alicr_client::CrClient,
    instance_id: &str,
    repo_id: &str,
    rule_id: &str,
) -> Result<Option<BuildRule>, alicr_client::Error> {
    let rules = api::list_build_rules(ctx, client, instance_id, repo_id)
        .await?
        .unwrap_or_default();
    Ok(rules.into_iter().find(|r| r.build_rule_id == rule_id))
}

/// Key in a rule's private state of the token of the adoption that gave the
/// resource its rule.
const ADOPTION_TOKEN_KEY: &str = "adopted_by";

fn taken_over_warning(rule_id: &str) -> Diagnostic {
    Diagnostic::warning(
        "Build rule left in place",
        format!(
            "Build rule {rule_id} was not deleted, because another alicr_build_rule with identical settings adopted it during this run. That resource now manages the rule."
        ),
    )
}

fn ids(state: &Value) -> Option<(String, String, String)> {
    Some((
        common::optional_str(state, "instance_id")?,
        common::optional_str(state, "repo_id")?,
        common::optional_str(state, "build_rule_id")?,
    ))
}

/// True when the plan removes every build argument of an existing rule.
/// UpdateRepoBuildRule keeps the old arguments when none are sent, so only a
/// new rule can have none.
fn clears_build_args(prior: &Value, planned: &Value) -> bool {
    let had_some = prior
        .get("build_args")
        .as_string_map()
        .is_some_and(|args| !args.is_empty());
    let has_none = planned
        .get("build_args")
        .as_string_map()
        .is_some_and(|args| args.is_empty());
    had_some && has_none
}

#[async_trait]
impl Resource for BuildRuleResource {
    fn type_name(&self) -> &'static str {
        "alicr_build_rule"
    }

    fn schema(&self) -> Schema {
        schema::schema()
    }

    async fn modify_plan(&self, request: &mut ModifyPlanRequest) {
        if clears_build_args(&request.prior_state, &request.planned_state) {
            request
                .requires_replace
                .push(AttributePath::root("build_args"));
        }
    }

    async fn create(&self, request: CreateRequest) -> StateResponse {
        match create::create_rule(&request).await {
            Ok(created) => {
                let mut private = request.private;
                if let Some(token) = created.adoption_token {
                    private.set(ADOPTION_TOKEN_KEY, serde_json::Value::String(token));
                }
                StateResponse {
                    new_state: created.state,
                    private,
                    diagnostics: created.warning.into_iter().collect(),
                }
            }
            Err((new_state, d)) => StateResponse {
                new_state,
                diagnostics: d.into(),
                ..StateResponse::default()
            },
        }
    }

    async fn read(&self, request: ReadRequest) -> StateResponse {
        let mut response = StateResponse {
            private: request.private.clone(),
            ..StateResponse::default()
        };
        let state = &request.current_state;
        let Some((instance_id, repo_id, rule_id)) = ids(state) else {
            return response;
        };
        let client = match client(&request.ctx) {
            Ok(client) => client,
            Err(d) => {
                response.diagnostics.push(d);
                return response;
            }
        };
        match find_rule(&request.ctx, &client, &instance_id, &repo_id, &rule_id).await {
            Ok(Some(rule)) => {
                // The rule is in state, so no record of its create is needed.
                journal::forget_rule(&rule_id);
                response.new_state = rule_state(state, &instance_id, &repo_id, rule);
            }
            Ok(None) => {
                tracing::info!(%instance_id, %repo_id, build_rule_id = %rule_id, "build rule is gone; removing it from state")
            }
            Err(e) => {
                response.new_state = state.clone();
                response.diagnostics.push(common::api_diagnostic(
                    &format!("read build rule {rule_id}"),
                    &e,
                ));
            }
        }
        response
    }

    async fn update(&self, request: UpdateRequest) -> StateResponse {
        let result = async {
            let client = client(&request.ctx)?;
            let (instance_id, repo_id, rule_id) = ids(&request.prior_state).ok_or_else(|| Diagnostic::error("Missing build rule ID", "The state has no build_rule_id. This is always a bug in the provider; please report it."))?;
            let spec = spec_from(&request.planned_state)?;
            let what = format!("update build rule {rule_id}");
            // A create of this run must not adopt a rule that a resource in
            // state is changing.
            let key = claims::rule_key(&instance_id, &repo_id, &rule_id);
            claims::try_hold(&key, claims::Holder::Updating);
            journal::forget_rule(&rule_id);
            // The API may clear fields left out, so the whole rule is sent.
            api::update_build_rule(
                &request.ctx,
                &client,
                &instance_id,
                &repo_id,
                &rule_id,
                &spec,
            )
            .await
            .map_err(|e| common::api_diagnostic(&what, &e))?;
            let rule = find_rule(&request.ctx, &client, &instance_id, &repo_id, &rule_id)
                .await
                .map_err(|e| common::api_diagnostic(&what, &e))?
                .ok_or_else(|| Diagnostic::error("Build rule vanished", format!("Build rule {rule_id} disappeared during the update; run plan to recreate it.")))?;
            Ok::<Value, Diagnostic>(rule_state(
                &request.planned_state,
                &instance_id,
                &repo_id,
                rule,
            ))
        };
        match result.await {
            Ok(new_state) => StateResponse {
                new_state,
                private: request.private,
                ..StateResponse::default()
            },
            Err(d) => StateResponse {
                new_state: request.prior_state,
                private: request.private,
                diagnostics: d.into(),
            },
        }
    }

    async fn delete(&self, request: DeleteRequest) -> Diagnostics {
        let Some((instance_id, repo_id, rule_id)) = ids(&request.prior_state) else {
            return Diagnostics::new();
        };
        let client = match client(&request.ctx) {
            Ok(client) => client,
            Err(d) => return d.into(),
        };
        let key = claims::rule_key(&instance_id, &repo_id, &rule_id);
        journal::forget_rule(&rule_id);
        let own_token = request
            .private
            .get(ADOPTION_TOKEN_KEY)
            .and_then(|token| token.as_str());
        if claims::start_delete(&key, own_token) == claims::DeleteDecision::TakenOver {
            tracing::warn!(%instance_id, %repo_id, build_rule_id = %rule_id, "Build rule not deleted: another alicr_build_rule of this run adopted it");
            return taken_over_warning(&rule_id).into();
        }
        let writes = claims::repo_writes(&instance_id, &repo_id);
        let _permit = writes.acquire().await.ok();
        match api::delete_build_rule(&request.ctx, &client, &instance_id, &repo_id, &rule_id).await
        {
            Ok(()) => Diagnostics::new(),
            Err(e) => common::api_diagnostic(&format!("delete build rule {rule_id}"), &e).into(),
        }
    }

    async fn import_state(&self, request: ImportStateRequest) -> StateResponse {
        common::import_by_id(&request.id, &["instance_id", "repo_id", "build_rule_id"])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn args_split_at_first_equals() {
        let map = args_map(&["A=1=2".to_string()]);
        assert_eq!(map.get("A").map(String::as_str), Some("1=2"));
    }

    fn args(entries: &[(&str, &str)]) -> Value {
        Value::object([(
            "build_args",
            Value::string_map(entries.iter().map(|(k, v)| (k.to_string(), v.to_string()))),
        )])
    }

    #[test]
    fn clearing_args_replaces() {
        assert!(clears_build_args(&args(&[("A", "1")]), &args(&[])));
    }

    #[test]
    fn changing_args_updates() {
        assert!(!clears_build_args(
            &args(&[("A", "1")]),
            &args(&[("B", "2")])
        ));
    }

    #[test]
    fn create_never_replaces() {
        assert!(!clears_build_args(&Value::Null, &args(&[])));
    }
}
