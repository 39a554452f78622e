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
use alicr_framework::validators::{OneOf, StringCheck, Validator};
use alicr_framework::{
    Attribute, AttributePath, Block, Diagnostic, Diagnostics, Resource, Schema, Type, Value,
};
use async_trait::async_trait;

use super::common;
use super::timeouts::{self, Defaults};
use crate::provider::{api, client};

mod claims;
mod create;

pub(crate) use claims::build_start_lock;

const DEFAULTS: Defaults = Defaults {
    create: Duration::from_secs(5 * 60),
    update: Duration::from_secs(5 * 60),
    delete: Duration::from_secs(5 * 60),
};

/// Platforms `CreateRepoBuildRule` accepts.
pub const PLATFORMS: &[&str] = &[
    "linux/amd64",
    "linux/arm64",
    "linux/386",
    "linux/arm/v7",
    "linux/arm/v6",
];

/// The `alicr_build_rule` resource type.
#[derive(Debug, Default)]
pub struct BuildRuleResource;

fn platform_check(value: &str) -> Result<(), String> {
    if PLATFORMS.contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "platforms contains {value:?}, but each platform must be one of: {}.",
            PLATFORMS.join(", ")
        ))
    }
}

fn non_empty(value: &str) -> Result<(), String> {
    if value.is_empty() {
        Err("The value is empty, which the API reads as unset; remove the attribute to use its default, or give a value.".to_string())
    } else {
        Ok(())
    }
}

fn non_empty_check() -> StringCheck {
    StringCheck {
        check: non_empty,
        description: "Must not be empty.",
    }
}

/// Checks the names of `build_args`. The API takes each argument as one
/// `NAME=value` string and splits it at the first `=`, so a name that is
/// empty or contains `=` would come back as another name.
#[derive(Debug, Clone, Copy)]
struct BuildArgNames;

impl Validator for BuildArgNames {
    fn validate(&self, path: &AttributePath, value: &Value, diagnostics: &mut Diagnostics) {
        let Value::Map(entries) = value else { return };
        for name in entries.keys() {
            if name.is_empty() || name.contains('=') {
                diagnostics.attribute_error(
                    path.clone(),
                    "Invalid build argument name",
                    format!("build_args has the name {name:?}, but a name must be non-empty and must not contain \"=\", because the API stores each argument as NAME=value. Rename the argument."),
                );
            }
        }
    }

    fn description(&self) -> String {
        "Names must be non-empty and must not contain `=`.".into()
    }
}

/// Rejects an empty `platforms` set, which the API replaces with its default.
#[derive(Debug, Clone, Copy)]
struct SomePlatform;

impl Validator for SomePlatform {
    fn validate(&self, path: &AttributePath, value: &Value, diagnostics: &mut Diagnostics) {
        if matches!(value, Value::Set(items) if items.is_empty()) {
            diagnostics.attribute_error(
                path.clone(),
                "Invalid attribute value",
                "platforms is empty, but the API needs at least one platform and would build for linux/amd64 instead. List at least one platform, or remove the attribute to use the default.",
            );
        }
    }

    fn description(&self) -> String {
        "Must contain at least one platform.".into()
    }
}

fn schema() -> Schema {
    let block = Block::new()
        .description("An image build rule: pushes to a branch or tag build an image with the given tag. Import with `<instance_id>:<repo_id>:<build_rule_id>`.\n\nThe API has no idempotency token for build rules, so a create first lists the repository's rules. If one has exactly the planned settings and no other resource of the same apply created or adopted it, the create adopts that rule and warns, instead of making a duplicate. This recovers rules made by an interrupted apply or by a request whose reply was lost. The limitation: two identical `alicr_build_rule` resources added by separate applies share one remote rule, so give each rule distinct settings.")
        .attribute(Attribute::string("id").computed().use_state_for_unknown().description("`<instance_id>:<repo_id>:<build_rule_id>`."))
        .attribute(Attribute::string("instance_id").required().force_new().description("Container Registry instance, `cri-...`."))
        .attribute(Attribute::string("repo_id").required().force_new().description("Image repository, `crr-...`."))
        .attribute(Attribute::string("push_type").required().validator(OneOf(&["GIT_BRANCH", "GIT_TAG"])).description("What triggers a build: `GIT_BRANCH` or `GIT_TAG`."))
        .attribute(Attribute::string("push_name").required().validator(non_empty_check()).description("Branch or tag name; for tags, a pattern."))
        .attribute(Attribute::string("image_tag").required().validator(non_empty_check()).description("Tag of the built image."))
        .attribute(Attribute::string("dockerfile_location").default_value(Value::string("/")).validator(non_empty_check()).description("Directory of the Dockerfile. Defaults to `/`."))
        .attribute(Attribute::string("dockerfile_name").default_value(Value::string("Dockerfile")).validator(non_empty_check()).description("Dockerfile name. Defaults to `Dockerfile`."))
        .attribute(
            Attribute::new("build_args", Type::map(Type::String))
                .default_value(Value::Map(BTreeMap::new()))
                .validator(BuildArgNames)
                .description("Build arguments, `NAME = value`. Names must not be empty or contain `=`. The API cannot clear every argument of a rule, so removing the last one replaces the rule."),
        )
        .attribute(
            Attribute::new("platforms", Type::set(Type::String))
                .default_value(Value::string_set(["linux/amd64"]))
                .validator(StringCheck { check: platform_check, description: "Each must be a platform the API accepts." })
                .validator(SomePlatform)
                .description("Target platforms. Defaults to `[\"linux/amd64\"]`. Accepted: `linux/amd64`, `linux/arm64`, `linux/386`, `linux/arm/v7`, `linux/arm/v6`."),
        )
        .attribute(Attribute::string("build_rule_id").computed().use_state_for_unknown().description("Build rule ID, `crbr-...`."))
        .block(timeouts::block(DEFAULTS));
    Schema::new(0, block)
}

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
            "Build rule {rule_id} was not deleted, because another alicr_build_rule with identical settings adopted it during this run (for example, a replacement created before the old object was destroyed). That resource now manages the rule."
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
        schema()
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
            Ok(Some(rule)) => response.new_state = rule_state(state, &instance_id, &repo_id, rule),
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

    #[test]
    fn arg_name_with_equals_rejected() {
        let mut diagnostics = Diagnostics::new();
        let path = AttributePath::root("build_args");
        let value = args(&[("K=V", "c")]).get("build_args").clone();
        BuildArgNames.validate(&path, &value, &mut diagnostics);
        assert!(diagnostics.has_error());
    }

    #[test]
    fn empty_arg_name_rejected() {
        let mut diagnostics = Diagnostics::new();
        let path = AttributePath::root("build_args");
        let value = args(&[("", "c")]).get("build_args").clone();
        BuildArgNames.validate(&path, &value, &mut diagnostics);
        assert!(diagnostics.has_error());
    }

    #[test]
    fn empty_platforms_rejected() {
        let mut diagnostics = Diagnostics::new();
        let path = AttributePath::root("platforms");
        SomePlatform.validate(&path, &Value::Set(vec![]), &mut diagnostics);
        assert!(diagnostics.has_error());
    }

    #[test]
    fn empty_location_rejected() {
        assert!(non_empty("").is_err());
    }

    #[test]
    fn platform_rejects_unknown() {
        assert!(platform_check("windows/amd64").is_err());
    }
}
