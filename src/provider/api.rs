//! The provider's view of the API client: each call the resources make, with
//! "not found" (of the object or of its parent) turned into `None`, and every
//! call cut short when Terraform cancels. Resources call these functions, never
//! the client directly, so client signature changes stay in this file.

use std::future::Future;

use alicr_client::model::{
    BuildRule, BuildRuleSpec, BuildVpcLink, BuildVpcLinkSpec, CodeSource, CodeSourceSpec,
    RepoSourceCodeRepo, Repository, VSwitch, Vpc,
};
use alicr_client::{CrClient, Error as ApiError};
use alicr_framework::Context;

/// Runs an API call, returning [`ApiError::Cancelled`] as soon as Terraform
/// cancels the request.
pub async fn cancellable<T>(
    ctx: &Context,
    action: &str,
    call: impl Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    tokio::select! {
        _ = ctx.cancel.cancelled() => Err(ApiError::Cancelled { action: action.to_string() }),
        result = call => result,
    }
}

/// Maps not-found errors to `None`.
fn found<T>(result: Result<T, ApiError>) -> Result<Option<T>, ApiError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(error) if error.is_not_found() => Ok(None),
        Err(error) => Err(error),
    }
}

/// Maps not-found errors to success, for deletes of objects already gone.
fn gone_is_ok(result: Result<(), ApiError>) -> Result<(), ApiError> {
    match result {
        Err(error) if error.is_not_found() => Ok(()),
        other => other,
    }
}

pub async fn create_vpc_link(
    ctx: &Context,
    client: &CrClient,
    spec: &BuildVpcLinkSpec,
    client_token: &str,
) -> Result<String, ApiError> {
    cancellable(
        ctx,
        "CreateBuildVpcLink",
        client.create_build_vpc_link(spec, client_token),
    )
    .await
}

pub async fn get_vpc_link(
    ctx: &Context,
    client: &CrClient,
    instance_id: &str,
    link_id: &str,
) -> Result<Option<BuildVpcLink>, ApiError> {
    found(
        cancellable(
            ctx,
            "GetBuildVpcLink",
            client.get_build_vpc_link(instance_id, link_id),
        )
        .await,
    )
}

pub async fn update_vpc_link(
    ctx: &Context,
    client: &CrClient,
    instance_id: &str,
    link_id: &str,
    allowed_ips: &[String],
    data_center_cidrs: &[String],
) -> Result<(), ApiError> {
    let call = client.update_build_vpc_link(instance_id, link_id, allowed_ips, data_center_cidrs);
    cancellable(ctx, "UpdateBuildVpcLink", call).await
}

pub async fn delete_vpc_link(
    ctx: &Context,
    client: &CrClient,
    instance_id: &str,
    link_id: &str,
) -> Result<(), ApiError> {
    gone_is_ok(
        cancellable(
            ctx,
            "DeleteBuildVpcLink",
            client.delete_build_vpc_link(instance_id, link_id),
        )
        .await,
    )
}

pub async fn create_code_source(
    ctx: &Context,
    client: &CrClient,
    spec: &CodeSourceSpec,
    client_token: &str,
) -> Result<String, ApiError> {
    cancellable(
        ctx,
        "CreateInstanceCodeSource",
        client.create_instance_code_source(spec, client_token),
    )
    .await
}

pub async fn get_code_source(
    ctx: &Context,
    client: &CrClient,
    instance_id: &str,
    code_source_id: &str,
) -> Result<Option<CodeSource>, ApiError> {
    found(
        cancellable(
            ctx,
            "GetInstanceCodeSource",
            client.get_instance_code_source(instance_id, code_source_id),
        )
        .await,
    )
}

/// Lists an instance's code sources; a missing instance gives an empty list.
pub async fn list_code_sources(
    ctx: &Context,
    client: &CrClient,
    instance_id: &str,
) -> Result<Vec<CodeSource>, ApiError> {
    let listed = found(
        cancellable(
            ctx,
            "ListInstanceCodeSource",
            client.list_instance_code_sources(instance_id),
        )
        .await,
    )?;
    Ok(listed.unwrap_or_default())
}

pub async fn update_code_source(
    ctx: &Context,
    client: &CrClient,
    code_source_id: &str,
    spec: &CodeSourceSpec,
) -> Result<(), ApiError> {
    cancellable(
        ctx,
        "UpdateInstanceCodeSource",
        client.update_instance_code_source(code_source_id, spec),
    )
    .await
}

pub async fn delete_code_source(
    ctx: &Context,
    client: &CrClient,
    instance_id: &str,
    code_source_id: &str,
) -> Result<(), ApiError> {
    gone_is_ok(
        cancellable(
            ctx,
            "DeleteInstanceCodeSource",
            client.delete_instance_code_source(instance_id, code_source_id),
        )
        .await,
    )
}

pub async fn create_repo_source(
    ctx: &Context,
    client: &CrClient,
    binding: &RepoSourceCodeRepo,
) -> Result<(), ApiError> {
    cancellable(
        ctx,
        "CreateRepoSourceCodeRepo",
        client.create_repo_source_code_repo(binding),
    )
    .await
}

pub async fn get_repo_source(
    ctx: &Context,
    client: &CrClient,
    instance_id: &str,
    repo_id: &str,
) -> Result<Option<RepoSourceCodeRepo>, ApiError> {
    found(
        cancellable(
            ctx,
            "GetRepoSourceCodeRepo",
            client.get_repo_source_code_repo(instance_id, repo_id),
        )
        .await,
    )
}

pub async fn update_repo_source(
    ctx: &Context,
    client: &CrClient,
    binding: &RepoSourceCodeRepo,
) -> Result<(), ApiError> {
    cancellable(
        ctx,
        "UpdateRepoSourceCodeRepo",
        client.update_repo_source_code_repo(binding),
    )
    .await
}

pub async fn delete_repo_source(
    ctx: &Context,
    client: &CrClient,
    instance_id: &str,
    repo_id: &str,
) -> Result<(), ApiError> {
    gone_is_ok(
        cancellable(
            ctx,
            "DeleteRepoSourceCodeRepo",
            client.delete_repo_source_code_repo(instance_id, repo_id),
        )
        .await,
    )
}

pub async fn create_build_rule(
    ctx: &Context,
    client: &CrClient,
    instance_id: &str,
    repo_id: &str,
    spec: &BuildRuleSpec,
) -> Result<String, ApiError> {
    cancellable(
        ctx,
        "CreateRepoBuildRule",
        client.create_repo_build_rule(instance_id, repo_id, spec),
    )
    .await
}

/// Lists every build rule of a repository; `None` when the repository or its
/// instance is gone.
pub async fn list_build_rules(
    ctx: &Context,
    client: &CrClient,
    instance_id: &str,
    repo_id: &str,
) -> Result<Option<Vec<BuildRule>>, ApiError> {
    let listed = found(
        cancellable(
            ctx,
            "ListRepoBuildRule",
            client.list_repo_build_rules(instance_id, repo_id),
        )
        .await,
    )?;
    Ok(listed.map(|rules| rules.as_ref().clone()))
}

pub async fn update_build_rule(
    ctx: &Context,
    client: &CrClient,
    instance_id: &str,
    repo_id: &str,
    build_rule_id: &str,
    spec: &BuildRuleSpec,
) -> Result<(), ApiError> {
    let call = client.update_repo_build_rule(instance_id, repo_id, build_rule_id, spec);
    cancellable(ctx, "UpdateRepoBuildRule", call).await
}

pub async fn delete_build_rule(
    ctx: &Context,
    client: &CrClient,
    instance_id: &str,
    repo_id: &str,
    build_rule_id: &str,
) -> Result<(), ApiError> {
    let call = client.delete_repo_build_rule(instance_id, repo_id, build_rule_id);
    gone_is_ok(cancellable(ctx, "DeleteRepoBuildRule", call).await)
}

pub async fn get_repository(
    ctx: &Context,
    client: &CrClient,
    instance_id: &str,
    namespace: &str,
    name: &str,
) -> Result<Option<Repository>, ApiError> {
    found(
        cancellable(
            ctx,
            "GetRepository",
            client.get_repository_by_name(instance_id, namespace, name),
        )
        .await,
    )
}

pub async fn get_vswitch(
    ctx: &Context,
    client: &CrClient,
    vswitch_id: &str,
) -> Result<Option<VSwitch>, ApiError> {
    cancellable(
        ctx,
        "DescribeVSwitches",
        client.describe_vswitch(vswitch_id),
    )
    .await
}

pub async fn get_vpc(
    ctx: &Context,
    client: &CrClient,
    vpc_id: &str,
) -> Result<Option<Vpc>, ApiError> {
    cancellable(ctx, "DescribeVpcs", client.describe_vpc(vpc_id)).await
}
