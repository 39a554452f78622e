//! VPC build links (alicr's own operations): create with `ClientToken` idempotency, get, list,
//! update of the allowed addresses, and delete. A link is `CREATING` until its ready time,
//! then `RUNNING`; after delete it is `DELETING` until it is gone.

use serde_json::{json, Value};

use super::{empty, instance, link_addresses, paged, reply, Ctx};
use crate::ids;
use crate::model::{CodeSource, LinkStatus, VSwitch, Vpc, VpcLink};
use crate::store::{Stored, Tx};
use crate::wire::{ApiError, Params, Reply};

/// Zones that support VPC image builds, per region, from Alibaba's VPC secure build guide
/// (a partial list there, so other zones are treated as unsupported).
const VPC_BUILD_ZONES: &[(&str, &str)] = &[
    ("cn-beijing", "cdefghijk"),
    ("cn-hangzhou", "efghijk"),
    ("cn-shenzhen", "abcdef"),
    ("cn-shanghai", "abcdefgi"),
    ("cn-zhangjiakou", "abc"),
    ("cn-hongkong", "bcd"),
    ("ap-southeast-1", "abc"),
    ("ap-southeast-5", "ab"),
    ("ap-south-1", "ab"),
    ("us-east-1", "ab"),
    ("us-west-1", "ab"),
    ("eu-west-1", "ab"),
];

/// Whether a zone such as `cn-hangzhou-h` (or `ap-southeast-1a`) supports VPC builds.
pub fn zone_supports_vpc_build(zone: &str) -> bool {
    VPC_BUILD_ZONES.iter().any(|(region, letters)| {
        let suffix = zone
            .strip_prefix(region)
            .map(|s| s.strip_prefix('-').unwrap_or(s));
        matches!(suffix, Some(s) if s.len() == 1 && letters.contains(s))
    })
}

fn link_json(link: &Stored<VpcLink>, now_ms: i64) -> Value {
    let doc = &link.doc;
    json!({
        "LinkId": link.id,
        "InstanceId": doc.instance_id,
        "VpcId": doc.vpc_id,
        "VswitchId": doc.vswitch_id,
        "ZoneId": doc.zone_id,
        "GitLabIp": doc.gitlab_ip,
        "AllowedIps": doc.allowed_ips,
        "DataCenterCidrs": doc.data_center_cidrs,
        "Status": doc.status(now_ms).as_str(),
        "SecurityGroupId": doc.security_group_id,
        "NetworkInterfaceId": doc.network_interface_id,
        "CreateTime": link.created_ms,
    })
}

fn link_not_exist(link_id: &str) -> ApiError {
    ApiError::business(
        "BUILD_VPC_LINK_NOT_EXIST",
        format!("VPC build link {link_id} does not exist in this instance."),
    )
}

/// Reads a link of an instance that is not yet gone, or `BUILD_VPC_LINK_NOT_EXIST`.
pub(super) fn find_link(
    ctx: &Ctx<'_>,
    tx: &Tx<'_>,
    instance_id: &str,
    link_id: &str,
) -> Result<Stored<VpcLink>, ApiError> {
    tx.get::<VpcLink>(ctx.account_id, link_id)?
        .filter(|link| link.scope == instance_id && link.doc.status(ctx.now_ms) != LinkStatus::Gone)
        .ok_or_else(|| link_not_exist(link_id))
}

/// Reads the `name.N` list and checks each entry with `check`.
fn checked_list(
    params: &Params,
    name: &str,
    check: fn(&str, &str) -> Result<(), ApiError>,
) -> Result<Vec<String>, ApiError> {
    let values = params.list(name)?.unwrap_or_default();
    for value in &values {
        check(name, value)?;
    }
    Ok(values)
}

/// Checks that the vSwitch belongs to the VPC, both in the instance's region, in a zone that
/// supports VPC builds; returns the zone.
fn check_network(
    ctx: &Ctx<'_>,
    tx: &Tx<'_>,
    region: &str,
    vpc_id: &str,
    vswitch_id: &str,
) -> Result<String, ApiError> {
    let vpc = tx
        .get::<Vpc>(ctx.account_id, vpc_id)?
        .filter(|vpc| vpc.doc.region == region)
        .ok_or_else(|| {
            ApiError::business(
                "VPC_NOT_EXIST",
                format!("VPC {vpc_id} does not exist in region {region} of this account."),
            )
        })?;
    let vswitch = tx
        .get::<VSwitch>(ctx.account_id, vswitch_id)?
        .ok_or_else(|| {
            ApiError::business(
                "VSWITCH_NOT_EXIST",
                format!("vSwitch {vswitch_id} does not exist in this account."),
            )
        })?;
    if vswitch.doc.vpc_id != vpc.id {
        return Err(ApiError::business(
            "VSWITCH_NOT_IN_VPC",
            format!(
                "vSwitch {vswitch_id} belongs to VPC {}, not {vpc_id}.",
                vswitch.doc.vpc_id
            ),
        ));
    }
    if !zone_supports_vpc_build(&vswitch.doc.zone) {
        return Err(ApiError::business(
            "ZONE_NOT_SUPPORT_VPC_BUILD",
            format!("Zone {} of vSwitch {vswitch_id} does not support VPC builds; choose a vSwitch in a supported zone.", vswitch.doc.zone),
        ));
    }
    Ok(vswitch.doc.zone)
}

pub(super) fn create_link(ctx: &Ctx<'_>, params: &Params, tx: &Tx<'_>) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let vpc_id = params.required("VpcId")?;
    let vswitch_id = params.required("VswitchId")?;
    let gitlab_ip = params.required("GitLabIp")?;
    let client_token = params.get("ClientToken");
    if let Some(token) = client_token {
        let earlier = tx
            .list::<VpcLink>(ctx.account_id, &inst.id)?
            .into_iter()
            .find(|link| link.doc.client_token.as_deref() == Some(token));
        if let Some(link) = earlier {
            return Ok(reply(json!({ "LinkId": link.id })));
        }
    }
    link_addresses::check_host("GitLabIp", gitlab_ip)?;
    let allowed_ips = checked_list(params, "AllowedIps", link_addresses::check_host)?;
    let data_center_cidrs = checked_list(
        params,
        "DataCenterCidrs",
        link_addresses::check_data_center_cidr,
    )?;
    let zone_id = check_network(ctx, tx, &inst.doc.region, vpc_id, vswitch_id)?;
    let doc = VpcLink {
        instance_id: inst.id.clone(),
        vpc_id: vpc_id.to_string(),
        vswitch_id: vswitch_id.to_string(),
        zone_id,
        gitlab_ip: gitlab_ip.to_string(),
        allowed_ips,
        data_center_cidrs,
        security_group_id: ids::random_suffix("sg", 20),
        network_interface_id: ids::random_suffix("eni", 20),
        running_at_ms: ctx.now_ms + ctx.app.realism().link_create_ms as i64,
        client_token: client_token.map(str::to_string),
        gone_at_ms: None,
    };
    let id = ids::object_id("crvl");
    tx.insert(&id, ctx.account_id, &inst.id, None, ctx.now_ms, &doc)?;
    Ok(reply(json!({ "LinkId": id })))
}

pub(super) fn get_link(ctx: &Ctx<'_>, params: &Params, tx: &Tx<'_>) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let link = find_link(ctx, tx, &inst.id, params.required("LinkId")?)?;
    Ok(reply(link_json(&link, ctx.now_ms)))
}

pub(super) fn list_links(ctx: &Ctx<'_>, params: &Params, tx: &Tx<'_>) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let page = params.page("PageNo", "PageSize", 30, 100)?;
    let links: Vec<Stored<VpcLink>> = tx
        .list::<VpcLink>(ctx.account_id, &inst.id)?
        .into_iter()
        .filter(|link| link.doc.status(ctx.now_ms) != LinkStatus::Gone)
        .collect();
    let total = links.len();
    let items: Vec<Value> = page
        .slice(links)
        .iter()
        .map(|l| link_json(l, ctx.now_ms))
        .collect();
    Ok(paged(reply(json!({ "Links": items })), page, total))
}

fn require_running(link: &Stored<VpcLink>, now_ms: i64, operation: &str) -> Result<(), ApiError> {
    let status = link.doc.status(now_ms);
    if status == LinkStatus::Running {
        return Ok(());
    }
    Err(ApiError::business(
        "BUILD_VPC_LINK_STATUS_NOT_SUPPORT",
        format!(
            "VPC build link {} is {}; {operation} needs it RUNNING, so wait and retry.",
            link.id,
            status.as_str()
        ),
    ))
}

pub(super) fn update_link(ctx: &Ctx<'_>, params: &Params, tx: &Tx<'_>) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let mut link = find_link(ctx, tx, &inst.id, params.required("LinkId")?)?;
    require_running(&link, ctx.now_ms, "an update")?;
    link.doc.allowed_ips = checked_list(params, "AllowedIps", link_addresses::check_host)?;
    link.doc.data_center_cidrs = checked_list(
        params,
        "DataCenterCidrs",
        link_addresses::check_data_center_cidr,
    )?;
    tx.update(&link.id, &link.doc)?;
    Ok(empty())
}

pub(super) fn delete_link(ctx: &Ctx<'_>, params: &Params, tx: &Tx<'_>) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let mut link = find_link(ctx, tx, &inst.id, params.required("LinkId")?)?;
    require_running(&link, ctx.now_ms, "a delete")?;
    let users: Vec<String> = tx
        .list::<CodeSource>(ctx.account_id, &inst.id)?
        .into_iter()
        .filter(|source| source.doc.vpc_link_id == link.id)
        .map(|source| source.id)
        .collect();
    if !users.is_empty() {
        return Err(ApiError::business(
            "BUILD_VPC_LINK_IN_USE",
            format!(
                "VPC build link {} is used by code source {}; delete or move that binding first.",
                link.id,
                users.join(", ")
            ),
        ));
    }
    let delete_ms = ctx.app.realism().link_delete_ms as i64;
    if delete_ms == 0 {
        tx.delete::<VpcLink>(&link.id)?;
    } else {
        link.doc.gone_at_ms = Some(ctx.now_ms + delete_ms);
        tx.update(&link.id, &link.doc)?;
    }
    Ok(empty())
}

#[cfg(test)]
mod tests {
    use super::zone_supports_vpc_build;

    #[test]
    fn hangzhou_h_supported() {
        assert!(zone_supports_vpc_build("cn-hangzhou-h"));
    }

    #[test]
    fn hangzhou_b_unsupported() {
        assert!(!zone_supports_vpc_build("cn-hangzhou-b"));
    }

    #[test]
    fn compact_zone_name() {
        assert!(zone_supports_vpc_build("ap-southeast-1a"));
    }
}
