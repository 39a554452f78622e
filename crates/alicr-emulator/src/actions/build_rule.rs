//! Build rule actions: create, update (omitted fields keep their values), delete and the paged
//! list. CR has no `GetRepoBuildRule`; clients find a rule in `ListRepoBuildRule`.

use serde_json::{json, Value};

use super::{instance, paged, reply, repository, Ctx};
use crate::ids;
use crate::model::BuildRule;
use crate::store::{Stored, Tx};
use crate::wire::{ApiError, Params, Reply};

const PUSH_TYPES: &[&str] = &["GIT_BRANCH", "GIT_TAG"];
const PLATFORMS: &[&str] = &[
    "linux/amd64",
    "linux/arm64",
    "linux/386",
    "linux/arm/v7",
    "linux/arm/v6",
];

fn check_platforms(platforms: &[String]) -> Result<(), ApiError> {
    for platform in platforms {
        if !PLATFORMS.contains(&platform.as_str()) {
            let reason = format!("expected one of {}", PLATFORMS.join(", "));
            return Err(ApiError::invalid("Platforms", platform, &reason));
        }
    }
    Ok(())
}

/// Maximum length of an image tag in characters, the Docker registry limit.
const MAX_IMAGE_TAG_CHARS: usize = 128;

// NOTE: Alibaba documents no ImageTag rule for build rules, so this applies only the Docker
// tag length and rejects whitespace and control characters. It does not enforce the Docker
// charset, in case the real service accepts placeholders in tags.
fn check_image_tag(tag: &str) -> Result<(), ApiError> {
    let length = tag.chars().count();
    if length == 0 || length > MAX_IMAGE_TAG_CHARS {
        let reason = format!("expected 1 to {MAX_IMAGE_TAG_CHARS} characters, got {length}");
        return Err(ApiError::invalid("ImageTag", tag, &reason));
    }
    if tag.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ApiError::invalid(
            "ImageTag",
            tag,
            "an image tag cannot contain whitespace or control characters",
        ));
    }
    Ok(())
}

fn rule_json(rule: &Stored<BuildRule>) -> Value {
    json!({
        "BuildRuleId": rule.id,
        "PushType": rule.doc.push_type,
        "PushName": rule.doc.push_name,
        "ImageTag": rule.doc.image_tag,
        "DockerfileLocation": rule.doc.dockerfile_location,
        "DockerfileName": rule.doc.dockerfile_name,
        "BuildArgs": rule.doc.build_args,
        "Platforms": rule.doc.platforms,
        "DestArtifactType": "IMAGE",
    })
}

fn rule_not_exist(rule_id: &str) -> ApiError {
    ApiError::business(
        "BUILD_RULE_NOT_EXIST",
        format!("Build rule {rule_id} does not exist in this repository."),
    )
}

/// Reads a build rule of a repository, or `BUILD_RULE_NOT_EXIST`.
pub(super) fn find_rule(
    ctx: &Ctx<'_>,
    tx: &Tx<'_>,
    repo_id: &str,
    rule_id: &str,
) -> Result<Stored<BuildRule>, ApiError> {
    tx.get::<BuildRule>(ctx.account_id, rule_id)?
        .filter(|rule| rule.scope == repo_id)
        .ok_or_else(|| rule_not_exist(rule_id))
}

pub(super) fn create_rule(ctx: &Ctx<'_>, params: &Params, tx: &Tx<'_>) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let repo = repository(ctx, tx, &inst.id, params.required("RepoId")?)?;
    let push_type = params.required("PushType")?;
    params.one_of("PushType", PUSH_TYPES)?;
    let push_name = params.required("PushName")?;
    let image_tag = params.required("ImageTag")?;
    check_image_tag(image_tag)?;
    let platforms = params
        .list("Platforms")?
        .unwrap_or_else(|| vec!["linux/amd64".into()]);
    check_platforms(&platforms)?;
    let doc = BuildRule {
        instance_id: inst.id.clone(),
        push_type: push_type.to_string(),
        push_name: push_name.to_string(),
        image_tag: image_tag.to_string(),
        dockerfile_location: params.get("DockerfileLocation").unwrap_or("/").to_string(),
        dockerfile_name: params
            .get("DockerfileName")
            .unwrap_or("Dockerfile")
            .to_string(),
        build_args: params.list("BuildArgs")?.unwrap_or_default(),
        platforms,
    };
    let id = ids::object_id("crbr");
    tx.insert(&id, ctx.account_id, &repo.id, None, ctx.now_ms, &doc)?;
    Ok(reply(json!({ "BuildRuleId": id })))
}

pub(super) fn update_rule(ctx: &Ctx<'_>, params: &Params, tx: &Tx<'_>) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let repo = repository(ctx, tx, &inst.id, params.required("RepoId")?)?;
    let mut rule = find_rule(ctx, tx, &repo.id, params.required("BuildRuleId")?)?;
    let doc = &mut rule.doc;
    if let Some(push_type) = params.one_of("PushType", PUSH_TYPES)? {
        doc.push_type = push_type.to_string();
    }
    let texts = [
        ("PushName", &mut doc.push_name),
        ("ImageTag", &mut doc.image_tag),
        ("DockerfileLocation", &mut doc.dockerfile_location),
        ("DockerfileName", &mut doc.dockerfile_name),
    ];
    if let Some(tag) = params.get("ImageTag") {
        check_image_tag(tag)?;
    }

    for (name, field) in texts {
        if let Some(value) = params.get(name) {
            *field = value.to_string();
        }
    }
    if let Some(args) = params.list("BuildArgs")? {
        doc.build_args = args;
    }
    if let Some(platforms) = params.list("Platforms")? {
        check_platforms(&platforms)?;
        doc.platforms = platforms;
    }
    tx.update(&rule.id, &rule.doc)?;
    Ok(reply(json!({ "BuildRuleId": rule.id })))
}

pub(super) fn delete_rule(ctx: &Ctx<'_>, params: &Params, tx: &Tx<'_>) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let repo = repository(ctx, tx, &inst.id, params.required("RepoId")?)?;
    let rule = find_rule(ctx, tx, &repo.id, params.required("BuildRuleId")?)?;
    tx.delete::<BuildRule>(&rule.id)?;
    Ok(super::empty())
}

pub(super) fn list_rules(ctx: &Ctx<'_>, params: &Params, tx: &Tx<'_>) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let repo = repository(ctx, tx, &inst.id, params.required("RepoId")?)?;
    let page = params.page("PageNo", "PageSize", 30, 100)?;
    let rules = tx.list::<BuildRule>(ctx.account_id, &repo.id)?;
    let total = rules.len();
    let items: Vec<Value> = page.slice(rules).iter().map(rule_json).collect();
    Ok(paged(reply(json!({ "BuildRules": items })), page, total))
}
