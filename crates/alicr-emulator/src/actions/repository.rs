//! Repository actions: create, get (by ID or namespace and name), list, update and delete,
//! where delete also removes the repository's build rules, build records and source binding.

use serde_json::{json, Value};

use super::{empty, instance, namespace, paged, reply, repo_not_exist, Ctx};
use crate::ids;
use crate::model::{BuildRecord, BuildRule, RepoSource, Repository};
use crate::store::{Stored, Tx};
use crate::wire::{ApiError, Params, Reply};

const REPO_TYPES: &[&str] = &["PUBLIC", "PRIVATE"];

fn repository_json(repo: &Stored<Repository>, has_source: bool) -> Value {
    json!({
        "RepoId": repo.id,
        "RepoName": repo.doc.name,
        "RepoNamespaceName": repo.doc.namespace,
        "InstanceId": repo.doc.instance_id,
        "RepoType": repo.doc.repo_type,
        "RepoStatus": "NORMAL",
        "RepoBuildType": if has_source { "AUTO" } else { "MANUAL" },
        "Summary": repo.doc.summary,
        "Detail": repo.doc.detail,
        "TagImmutability": repo.doc.tag_immutability,
        "CreateTime": repo.created_ms,
        "ModifiedTime": repo.doc.modified_ms,
        "ResourceGroupId": "",
    })
}

fn has_source(tx: &Tx<'_>, repo: &Stored<Repository>) -> Result<bool, ApiError> {
    Ok(tx.get::<RepoSource>(&repo.account_id, &repo.id)?.is_some())
}

/// Finds a repository by `RepoId`, or by `RepoNamespaceName` and `RepoName`.
fn locate(
    ctx: &Ctx<'_>,
    params: &Params,
    tx: &Tx<'_>,
    instance_id: &str,
) -> Result<Stored<Repository>, ApiError> {
    if let Some(repo_id) = params.get("RepoId") {
        return super::repository(ctx, tx, instance_id, repo_id);
    }
    let namespace = params.required("RepoNamespaceName")?;
    let name = params.required("RepoName")?;
    let key = format!("{namespace}/{name}");
    tx.find_named::<Repository>(ctx.account_id, instance_id, &key)?
        .ok_or_else(|| repo_not_exist(&key))
}

pub(super) fn create_repository(
    ctx: &Ctx<'_>,
    params: &Params,
    tx: &Tx<'_>,
) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let namespace = params.required("RepoNamespaceName")?;
    let name = params.required("RepoName")?;
    let repo_type = params.required("RepoType")?;
    params.one_of("RepoType", REPO_TYPES)?;
    let summary = params.required("Summary")?;
    namespace::find(ctx, tx, &inst.id, namespace)?;
    let key = format!("{namespace}/{name}");
    if tx
        .find_named::<Repository>(ctx.account_id, &inst.id, &key)?
        .is_some()
    {
        // NOTE: no public source names this code; it follows the *_NOT_EXIST naming.
        return Err(ApiError::business(
            "REPO_ALREADY_EXIST",
            format!("Repository {key} already exists in instance {}.", inst.id),
        ));
    }
    let doc = Repository {
        instance_id: inst.id.clone(),
        namespace: namespace.to_string(),
        name: name.to_string(),
        repo_type: repo_type.to_string(),
        summary: summary.to_string(),
        detail: params.get("Detail").unwrap_or_default().to_string(),
        tag_immutability: params.bool("TagImmutability")?.unwrap_or(false),
        modified_ms: ctx.now_ms,
    };
    let id = ids::object_id("crr");
    tx.insert(&id, ctx.account_id, &inst.id, Some(&key), ctx.now_ms, &doc)?;
    Ok(reply(json!({ "RepoId": id })))
}

pub(super) fn get_repository(
    ctx: &Ctx<'_>,
    params: &Params,
    tx: &Tx<'_>,
) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let repo = locate(ctx, params, tx, &inst.id)?;
    Ok(reply(repository_json(&repo, has_source(tx, &repo)?)))
}

pub(super) fn list_repository(
    ctx: &Ctx<'_>,
    params: &Params,
    tx: &Tx<'_>,
) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let page = params.page("PageNo", "PageSize", 30, 100)?;
    let namespace = params.get("RepoNamespaceName");
    let name = params.get("RepoName");
    let status = params.one_of("RepoStatus", &["NORMAL", "DELETING", "DELETED", "ALL"])?;
    let matching: Vec<Stored<Repository>> = tx
        .list::<Repository>(ctx.account_id, &inst.id)?
        .into_iter()
        .filter(|r| namespace.is_none_or(|n| r.doc.namespace == n))
        .filter(|r| name.is_none_or(|n| r.doc.name == n))
        .filter(|_| status.is_none_or(|s| s == "NORMAL" || s == "ALL"))
        .collect();
    let total = matching.len();
    let mut items = Vec::new();
    for repo in page.slice(matching) {
        items.push(repository_json(&repo, has_source(tx, &repo)?));
    }
    Ok(paged(reply(json!({ "Repositories": items })), page, total))
}

pub(super) fn update_repository(
    ctx: &Ctx<'_>,
    params: &Params,
    tx: &Tx<'_>,
) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let repo_type = params.required("RepoType")?;
    params.one_of("RepoType", REPO_TYPES)?;
    let summary = params.required("Summary")?;
    let mut repo = locate(ctx, params, tx, &inst.id)?;
    repo.doc.repo_type = repo_type.to_string();
    repo.doc.summary = summary.to_string();
    if let Some(detail) = params.get("Detail") {
        repo.doc.detail = detail.to_string();
    }
    if let Some(immutable) = params.bool("TagImmutability")? {
        repo.doc.tag_immutability = immutable;
    }
    repo.doc.modified_ms = ctx.now_ms;
    tx.update(&repo.id, &repo.doc)?;
    Ok(empty())
}

pub(super) fn delete_repository(
    ctx: &Ctx<'_>,
    params: &Params,
    tx: &Tx<'_>,
) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let repo = locate(ctx, params, tx, &inst.id)?;
    remove_repository(ctx, tx, &repo.id)?;
    Ok(empty())
}

/// Deletes a repository with its build rules, build records and source binding.
pub(super) fn remove_repository(ctx: &Ctx<'_>, tx: &Tx<'_>, repo_id: &str) -> Result<(), ApiError> {
    tx.delete_scope::<BuildRule>(ctx.account_id, repo_id)?;
    tx.delete_scope::<BuildRecord>(ctx.account_id, repo_id)?;
    tx.delete::<RepoSource>(repo_id)?;
    tx.delete::<Repository>(repo_id)?;
    Ok(())
}
