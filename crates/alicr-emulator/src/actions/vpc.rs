//! VPC actions (`2016-04-28`): `DescribeVpcs` and `DescribeVSwitches`, with the XML-style
//! nesting (`Vpcs.Vpc[]`, `VSwitches.VSwitch[]`), integer `TotalCount` and `PageNumber` paging.

use ipnet::IpNet;
use serde_json::{json, Value};

use super::{reply, Ctx};
use crate::ids;
use crate::model::{VSwitch, Vpc};
use crate::store::{Stored, Tx};
use crate::wire::{ApiError, Params, Reply};

fn id_filter(params: &Params, name: &str) -> Option<Vec<String>> {
    params
        .get(name)
        .map(|v| v.split(',').map(|s| s.trim().to_string()).collect())
}

fn vpc_json(vpc: &Stored<Vpc>, vswitch_ids: Vec<String>) -> Value {
    json!({
        "VpcId": vpc.id,
        "RegionId": vpc.doc.region,
        "VpcName": vpc.doc.name,
        "CidrBlock": vpc.doc.cidr,
        "Status": "Available",
        "IsDefault": false,
        "Description": "",
        "CreationTime": ids::iso_time(vpc.created_ms),
        "ResourceGroupId": "",
        "VSwitchIds": { "VSwitchId": vswitch_ids },
    })
}

pub(super) fn describe_vpcs(
    ctx: &Ctx<'_>,
    params: &Params,
    tx: &Tx<'_>,
) -> Result<Reply, ApiError> {
    let region = params.required("RegionId")?;
    let page = params.page("PageNumber", "PageSize", 10, 50)?;
    let wanted = id_filter(params, "VpcId");
    let vpcs: Vec<Stored<Vpc>> = tx
        .list::<Vpc>(ctx.account_id, region)?
        .into_iter()
        .filter(|vpc| wanted.as_ref().is_none_or(|ids| ids.contains(&vpc.id)))
        .collect();
    let total = vpcs.len();
    let mut items = Vec::new();
    for vpc in page.slice(vpcs) {
        let vswitch_ids = tx
            .list::<VSwitch>(ctx.account_id, &vpc.id)?
            .into_iter()
            .map(|v| v.id)
            .collect();
        items.push(vpc_json(&vpc, vswitch_ids));
    }
    Ok(reply(json!({
        "TotalCount": total,
        "PageNumber": page.number,
        "PageSize": page.size,
        "Vpcs": { "Vpc": items },
    })))
}

/// Addresses a vSwitch offers: the block size less the 4 Alibaba reserves and the network address.
fn available_ips(cidr: &str) -> u64 {
    match cidr.parse::<IpNet>() {
        Ok(IpNet::V4(net)) => (1u64 << (32 - u32::from(net.prefix_len()))).saturating_sub(5),
        _ => 0,
    }
}

fn vswitch_json(vsw: &Stored<VSwitch>) -> Value {
    json!({
        "VSwitchId": vsw.id,
        "VpcId": vsw.doc.vpc_id,
        "ZoneId": vsw.doc.zone,
        "CidrBlock": vsw.doc.cidr,
        "Status": "Available",
        "VSwitchName": vsw.doc.name,
        "Description": "",
        "AvailableIpAddressCount": available_ips(&vsw.doc.cidr),
        "IsDefault": false,
        "CreationTime": ids::iso_time(vsw.created_ms),
        "ResourceGroupId": "",
    })
}

pub(super) fn describe_vswitches(
    ctx: &Ctx<'_>,
    params: &Params,
    tx: &Tx<'_>,
) -> Result<Reply, ApiError> {
    let page = params.page("PageNumber", "PageSize", 50, 50)?;
    let region = params.get("RegionId");
    let vpc_filter = params.get("VpcId");
    let wanted = id_filter(params, "VSwitchId");
    let zone = params.get("ZoneId");
    let vpcs = tx.list_account::<Vpc>(ctx.account_id)?;
    let mut matching = Vec::new();
    for vpc in vpcs {
        let region_ok = region.is_none_or(|r| vpc.doc.region == r);
        let vpc_ok = vpc_filter.is_none_or(|v| vpc.id == v);
        if !(region_ok && vpc_ok) {
            continue;
        }
        for vsw in tx.list::<VSwitch>(ctx.account_id, &vpc.id)? {
            let id_ok = wanted.as_ref().is_none_or(|ids| ids.contains(&vsw.id));
            if id_ok && zone.is_none_or(|z| vsw.doc.zone == z) {
                matching.push(vsw);
            }
        }
    }
    let total = matching.len();
    let items: Vec<Value> = page.slice(matching).iter().map(vswitch_json).collect();
    Ok(reply(json!({
        "TotalCount": total,
        "PageNumber": page.number,
        "PageSize": page.size,
        "VSwitches": { "VSwitch": items },
    })))
}
