//! Instance actions: `GetInstance` and `ListInstance`. Instances come from the seed only.

use serde_json::{json, Value};

use super::{instance, reply, Ctx};
use crate::model::Instance;
use crate::store::{Stored, Tx};
use crate::wire::{ApiError, Params, Reply};

fn instance_json(inst: &Stored<Instance>, times_as_strings: bool) -> Value {
    let created = inst.created_ms;
    let (create_time, modified_time) = if times_as_strings {
        (json!(created.to_string()), json!(created.to_string()))
    } else {
        (json!(created), json!(created))
    };
    json!({
        "InstanceId": inst.id,
        "InstanceName": inst.doc.name,
        "InstanceStatus": "RUNNING",
        "InstanceSpecification": inst.doc.specification,
        "InstanceIssue": "",
        "RegionId": inst.doc.region,
        "CreateTime": create_time,
        "ModifiedTime": modified_time,
        "ResourceGroupId": "",
        "Tags": [],
    })
}

pub(super) fn get_instance(ctx: &Ctx<'_>, params: &Params, tx: &Tx<'_>) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    Ok(reply(instance_json(&inst, false)))
}

pub(super) fn list_instance(
    ctx: &Ctx<'_>,
    params: &Params,
    tx: &Tx<'_>,
) -> Result<Reply, ApiError> {
    let page = params.page("PageNo", "PageSize", 30, 100)?;
    let name = params.get("InstanceName");
    let status = params.get("InstanceStatus");
    let region = params.get("RegionId");
    let matching: Vec<Stored<Instance>> = tx
        .list_account::<Instance>(ctx.account_id)?
        .into_iter()
        .filter(|i| name.is_none_or(|n| i.doc.name == n))
        .filter(|_| status.is_none_or(|s| s == "RUNNING"))
        .filter(|i| region.is_none_or(|r| i.doc.region == r))
        .collect();
    let total = matching.len();
    let items: Vec<Value> = page
        .slice(matching)
        .iter()
        .map(|i| instance_json(i, true))
        .collect();
    // ListInstance is the one list whose TotalCount is an integer.
    Ok(reply(json!({
        "Instances": items,
        "PageNo": page.number,
        "PageSize": page.size,
        "TotalCount": total,
    })))
}
