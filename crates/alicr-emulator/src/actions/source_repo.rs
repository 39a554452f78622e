//! A repository's source-code binding: `Create/Get/Update/DeleteRepoSourceCodeRepo`. Binding
//! needs a code source of the same type on the instance; the binding's domain is that source's
//! endpoint URL.

use serde_json::json;

use super::{empty, instance, reply, repository, Ctx};
use crate::model::{CodeSource, RepoSource};
use crate::store::Tx;
use crate::wire::{ApiError, Params, Reply};

const CODE_REPO_TYPES: &[&str] = &["GITHUB", "GITLAB", "GITEE", "CODE", "CODEUP"];

fn code_source_domain(
    ctx: &Ctx<'_>,
    tx: &Tx<'_>,
    instance_id: &str,
    repo_type: &str,
) -> Result<String, ApiError> {
    let source = tx
        .find_named::<CodeSource>(ctx.account_id, instance_id, repo_type)?
        .ok_or_else(|| {
            ApiError::business(
                "CODE_SOURCE_NOT_EXIST",
                format!("Instance {instance_id} has no {repo_type} code source; bind one before binding a repository."),
            )
        })?;
    Ok(source.doc.endpoint_url)
}

fn not_bound(repo_id: &str) -> ApiError {
    ApiError::business(
        "CODE_REPO_NOT_EXIST",
        format!("Repository {repo_id} has no source-code binding."),
    )
}

pub(super) fn create_source(
    ctx: &Ctx<'_>,
    params: &Params,
    tx: &Tx<'_>,
) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let repo = repository(ctx, tx, &inst.id, params.required("RepoId")?)?;
    let repo_type = params.required("CodeRepoType")?;
    params.one_of("CodeRepoType", CODE_REPO_TYPES)?;
    let namespace_name = params.required("CodeRepoNamespaceName")?;
    let name = params.required("CodeRepoName")?;
    let domain = code_source_domain(ctx, tx, &inst.id, repo_type)?;
    let doc = RepoSource {
        instance_id: inst.id.clone(),
        code_repo_type: repo_type.to_string(),
        code_repo_domain: domain,
        namespace_name: namespace_name.to_string(),
        name: name.to_string(),
        auto_build: params.bool("AutoBuild")?.unwrap_or(false),
        oversea_build: params.bool("OverseaBuild")?.unwrap_or(false),
        disable_cache_build: params.bool("DisableCacheBuild")?.unwrap_or(false),
    };
    // A second create replaces the binding, as the console's "rebind" does.
    tx.delete::<RepoSource>(&repo.id)?;
    tx.insert(&repo.id, ctx.account_id, &inst.id, None, ctx.now_ms, &doc)?;
    Ok(empty())
}

pub(super) fn get_source(ctx: &Ctx<'_>, params: &Params, tx: &Tx<'_>) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let repo = repository(ctx, tx, &inst.id, params.required("RepoId")?)?;
    let source = tx
        .get::<RepoSource>(ctx.account_id, &repo.id)?
        .ok_or_else(|| not_bound(&repo.id))?;
    let doc = source.doc;
    // The three flags are strings ("true"/"false") in this response.
    Ok(reply(json!({
        "RepoId": repo.id,
        "CodeRepoType": doc.code_repo_type,
        "CodeRepoDomain": doc.code_repo_domain,
        "CodeRepoNamespaceName": doc.namespace_name,
        "CodeRepoName": doc.name,
        "AutoBuild": doc.auto_build.to_string(),
        "OverseaBuild": doc.oversea_build.to_string(),
        "DisableCacheBuild": doc.disable_cache_build.to_string(),
    })))
}

pub(super) fn update_source(
    ctx: &Ctx<'_>,
    params: &Params,
    tx: &Tx<'_>,
) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let repo = repository(ctx, tx, &inst.id, params.required("RepoId")?)?;
    let repo_type = params.required("CodeRepoType")?;
    params.one_of("CodeRepoType", CODE_REPO_TYPES)?;
    let namespace_name = params.required("CodeRepoNamespaceName")?;
    let name = params.required("CodeRepoName")?;
    let mut source = tx
        .get::<RepoSource>(ctx.account_id, &repo.id)?
        .ok_or_else(|| not_bound(&repo.id))?;
    source.doc.code_repo_domain = code_source_domain(ctx, tx, &inst.id, repo_type)?;
    source.doc.code_repo_type = repo_type.to_string();
    source.doc.namespace_name = namespace_name.to_string();
    source.doc.name = name.to_string();
    if let Some(value) = params.bool("AutoBuild")? {
        source.doc.auto_build = value;
    }
    if let Some(value) = params.bool("OverseaBuild")? {
        source.doc.oversea_build = value;
    }
    if let Some(value) = params.bool("DisableCacheBuild")? {
        source.doc.disable_cache_build = value;
    }
    tx.update(&repo.id, &source.doc)?;
    Ok(empty())
}

pub(super) fn delete_source(
    ctx: &Ctx<'_>,
    params: &Params,
    tx: &Tx<'_>,
) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let repo = repository(ctx, tx, &inst.id, params.required("RepoId")?)?;
    tx.get::<RepoSource>(ctx.account_id, &repo.id)?
        .ok_or_else(|| not_bound(&repo.id))?;
    tx.delete::<RepoSource>(&repo.id)?;
    Ok(empty())
}
