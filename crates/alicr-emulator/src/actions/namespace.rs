//! Namespace actions: create, get (by name or ID), list, update and delete (which also deletes
//! the namespace's repositories).

use serde_json::{json, Value};

use super::{empty, instance, paged, reply, repository::remove_repository, Ctx};
use crate::ids;
use crate::model::{Namespace, Repository};
use crate::store::{Stored, Tx};
use crate::wire::{ApiError, Params, Reply};

const REPO_TYPES: &[&str] = &["PUBLIC", "PRIVATE"];

/// Checks the CR namespace name rule: 2 to 120 characters of lowercase letters, digits and
/// `_ - .`, neither starting nor ending with a separator.
fn check_name(name: &str) -> Result<(), ApiError> {
    let allowed = name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-.".contains(&b));
    let separator = |c: Option<char>| c.is_some_and(|c| "_-.".contains(c));
    if !(2..=120).contains(&name.len())
        || !allowed
        || separator(name.chars().next())
        || separator(name.chars().last())
    {
        return Err(ApiError::invalid(
            "NamespaceName",
            name,
            "use 2 to 120 lowercase letters, digits, '_', '-' or '.', not starting or ending with a separator",
        ));
    }
    Ok(())
}

fn namespace_json(ns: &Stored<Namespace>) -> Value {
    json!({
        "NamespaceId": ns.id,
        "NamespaceName": ns.doc.name,
        "NamespaceStatus": "NORMAL",
        "InstanceId": ns.doc.instance_id,
        "AutoCreateRepo": ns.doc.auto_create_repo,
        "DefaultRepoType": ns.doc.default_repo_type,
        "DefaultRepoConfiguration": { "RepoType": ns.doc.default_repo_type, "TagImmutability": false },
        "ResourceGroupId": "",
    })
}

fn not_exist(name: &str) -> ApiError {
    ApiError::business(
        "NAMESPACE_NOT_EXIST",
        format!("Namespace {name} does not exist in this instance."),
    )
}

/// Reads a namespace by name within an instance, or `NAMESPACE_NOT_EXIST`.
pub(super) fn find(
    ctx: &Ctx<'_>,
    tx: &Tx<'_>,
    instance_id: &str,
    name: &str,
) -> Result<Stored<Namespace>, ApiError> {
    tx.find_named::<Namespace>(ctx.account_id, instance_id, name)?
        .ok_or_else(|| not_exist(name))
}

pub(super) fn create_namespace(
    ctx: &Ctx<'_>,
    params: &Params,
    tx: &Tx<'_>,
) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let name = params.required("NamespaceName")?;
    check_name(name)?;
    let repo_type = params
        .one_of("DefaultRepoType", REPO_TYPES)?
        .unwrap_or("PRIVATE");
    if tx
        .find_named::<Namespace>(ctx.account_id, &inst.id, name)?
        .is_some()
    {
        // NOTE: no public source names this code; it follows the *_NOT_EXIST naming.
        return Err(ApiError::business(
            "NAMESPACE_ALREADY_EXIST",
            format!("Namespace {name} already exists in instance {}.", inst.id),
        ));
    }
    let doc = Namespace {
        instance_id: inst.id.clone(),
        name: name.to_string(),
        auto_create_repo: params.bool("AutoCreateRepo")?.unwrap_or(false),
        default_repo_type: repo_type.to_string(),
    };
    tx.insert(
        &ids::object_id("crn"),
        ctx.account_id,
        &inst.id,
        Some(name),
        ctx.now_ms,
        &doc,
    )?;
    Ok(empty())
}

pub(super) fn get_namespace(
    ctx: &Ctx<'_>,
    params: &Params,
    tx: &Tx<'_>,
) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let ns = match (params.get("NamespaceName"), params.get("NamespaceId")) {
        (Some(name), _) => find(ctx, tx, &inst.id, name)?,
        (None, Some(id)) => tx
            .get::<Namespace>(ctx.account_id, id)?
            .filter(|ns| ns.doc.instance_id == inst.id)
            .ok_or_else(|| not_exist(id))?,
        (None, None) => return Err(ApiError::missing("NamespaceName")),
    };
    Ok(reply(namespace_json(&ns)))
}

pub(super) fn list_namespace(
    ctx: &Ctx<'_>,
    params: &Params,
    tx: &Tx<'_>,
) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let page = params.page("PageNo", "PageSize", 30, 100)?;
    let name = params.get("NamespaceName");
    let matching: Vec<Stored<Namespace>> = tx
        .list::<Namespace>(ctx.account_id, &inst.id)?
        .into_iter()
        .filter(|ns| name.is_none_or(|n| ns.doc.name == n))
        .collect();
    let total = matching.len();
    let items: Vec<Value> = page.slice(matching).iter().map(namespace_json).collect();
    Ok(paged(reply(json!({ "Namespaces": items })), page, total))
}

pub(super) fn update_namespace(
    ctx: &Ctx<'_>,
    params: &Params,
    tx: &Tx<'_>,
) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let mut ns = find(ctx, tx, &inst.id, params.required("NamespaceName")?)?;
    if let Some(auto) = params.bool("AutoCreateRepo")? {
        ns.doc.auto_create_repo = auto;
    }
    if let Some(repo_type) = params.one_of("DefaultRepoType", REPO_TYPES)? {
        ns.doc.default_repo_type = repo_type.to_string();
    }
    tx.update(&ns.id, &ns.doc)?;
    Ok(empty())
}

pub(super) fn delete_namespace(
    ctx: &Ctx<'_>,
    params: &Params,
    tx: &Tx<'_>,
) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let ns = find(ctx, tx, &inst.id, params.required("NamespaceName")?)?;
    for repo in tx.list::<Repository>(ctx.account_id, &inst.id)? {
        if repo.doc.namespace == ns.doc.name {
            remove_repository(ctx, tx, &repo.id)?;
        }
    }
    tx.delete::<Namespace>(&ns.id)?;
    Ok(empty())
}
