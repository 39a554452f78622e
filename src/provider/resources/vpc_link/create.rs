//! Create of `alicr_vpc_link`: a ClientToken derived from the link's
//! identifying values makes a repeated create return the link an earlier,
//! interrupted attempt made, and a recovered link gets the planned address
//! lists.

use std::time::Duration;

use alicr_client::model::{BuildVpcLink, BuildVpcLinkSpec};
use alicr_framework::resource::CreateRequest;
use alicr_framework::{Context, Diagnostic, Diagnostics, Value};

use super::{
    canonical_address, canonical_addresses, canonical_blocks, link_state, wait_running, DEFAULTS,
};
use crate::provider::network::cidr_equal;
use crate::provider::resources::common;
use crate::provider::resources::timeouts::{self, Operation};
use crate::provider::{api, client};

/// Sends `CreateBuildVpcLink` with the same ClientToken once more when the
/// first reply may have been lost.
async fn send_create(
    ctx: &Context,
    client: &alicr_client::CrClient,
    spec: &BuildVpcLinkSpec,
    token: &str,
) -> Result<String, Diagnostic> {
    let mut created = api::create_vpc_link(ctx, client, spec, token).await;
    if let Err(error) = &created {
        if error.may_have_been_applied() {
            tracing::warn!(instance_id = %spec.instance_id, "CreateBuildVpcLink may have been applied; repeating it with the same ClientToken");
            created = api::create_vpc_link(ctx, client, spec, token).await;
        }
    }
    created.map_err(|e| {
        common::api_diagnostic(&format!("create a VPC link in {}", spec.instance_id), &e)
    })
}

/// Creates the link with a ClientToken derived from its identifying values.
/// After a crash or a lost reply, the repeated create therefore returns the
/// link the first attempt made instead of a second one. A link that the
/// token returns but that is older than the create timeout, or is being
/// deleted, cannot come from an attempt still waiting for it. It is an older
/// link, such as the tainted one a create_before_destroy replacement is about
/// to delete, so a new link is created with a random token instead.
async fn create_or_recover(
    ctx: &Context,
    client: &alicr_client::CrClient,
    spec: &BuildVpcLinkSpec,
    timeout: Duration,
) -> Result<String, Diagnostic> {
    let token = common::client_token(
        "crvl",
        &[
            &spec.instance_id,
            &spec.vpc_id,
            &spec.vswitch_id,
            &spec.gitlab_ip,
        ],
    );
    let link_id = send_create(ctx, client, spec, &token).await?;
    // A failed read counts as "ours": the wait that follows reads the link
    // again and, on failure, keeps it in state as tainted.
    let existing = api::get_vpc_link(ctx, client, &spec.instance_id, &link_id)
        .await
        .ok()
        .flatten();
    let older = existing.is_some_and(|link| {
        link.status.eq_ignore_ascii_case("DELETING")
            || !common::created_within(link.create_time_ms, timeout)
    });
    if !older {
        return Ok(link_id);
    }
    tracing::info!(instance_id = %spec.instance_id, %link_id, "the ClientToken returned an older link; creating a new one with a random token");
    send_create(ctx, client, spec, &uuid::Uuid::new_v4().to_string()).await
}

/// Updates the address lists of a link that an earlier attempt created with
/// other lists (the ClientToken covers only the identifying values).
async fn match_address_lists(
    ctx: &Context,
    client: &alicr_client::CrClient,
    spec: &BuildVpcLinkSpec,
    link: BuildVpcLink,
    timeout: Duration,
) -> Result<BuildVpcLink, Diagnostic> {
    let same = |remote: &[String], wanted: &[String]| {
        remote.len() == wanted.len()
            && wanted
                .iter()
                .all(|w| remote.iter().any(|r| cidr_equal(r, w)))
    };
    if same(&link.allowed_ips, &spec.allowed_ips)
        && same(&link.data_center_cidrs, &spec.data_center_cidrs)
    {
        return Ok(link);
    }
    let link_id = link.link_id;
    tracing::info!(%link_id, "recovered link has other address lists; updating them");
    api::update_vpc_link(
        ctx,
        client,
        &spec.instance_id,
        &link_id,
        &spec.allowed_ips,
        &spec.data_center_cidrs,
    )
    .await
    .map_err(|e| common::api_diagnostic(&format!("update VPC link {link_id}"), &e))?;
    wait_running(ctx, client, &spec.instance_id, &link_id, timeout, "create").await
}

pub(super) async fn create_link(request: CreateRequest) -> Result<Value, (Value, Diagnostics)> {
    let fail = |d: Diagnostic| (Value::Null, Diagnostics::from(d));
    let client = client(&request.ctx).map_err(fail)?;
    let plan = &request.planned_state;
    let spec = BuildVpcLinkSpec {
        instance_id: common::required_str(plan, "instance_id").map_err(fail)?,
        vpc_id: common::required_str(plan, "vpc_id").map_err(fail)?,
        vswitch_id: common::required_str(plan, "vswitch_id").map_err(fail)?,
        gitlab_ip: canonical_address(&common::required_str(plan, "gitlab_ip").map_err(fail)?),
        allowed_ips: canonical_addresses(plan),
        data_center_cidrs: canonical_blocks(plan),
    };

    let ctx = &request.ctx;
    let timeout = timeouts::get(&request.config, Operation::Create, DEFAULTS);
    let link_id = create_or_recover(ctx, &client, &spec, timeout)
        .await
        .map_err(fail)?;
    let waited =
        match wait_running(ctx, &client, &spec.instance_id, &link_id, timeout, "create").await {
            Ok(link) => match_address_lists(ctx, &client, &spec, link, timeout).await,
            Err(diagnostic) => Err(diagnostic),
        };
    match waited {
        Ok(link) => Ok(link_state(plan, link)),
        Err(diagnostic) => {
            let id = format!("{}:{link_id}", spec.instance_id);
            let ids = [("id", id.as_str()), ("link_id", link_id.as_str())];
            Err((common::partial_state(plan, &ids), diagnostic.into()))
        }
    }
}
