//! VPC API (2016-04-28) lookups used to validate build links. Responses nest lists the XML
//! way (`Vpcs.Vpc[]`, `VSwitches.VSwitch[]`).

use serde_json::Value;

use crate::client::{decode, CrClient};
use crate::engine::Call;
use crate::error::Result;
use crate::model::{VSwitch, Vpc};
use crate::params::Params;

fn first_nested<T: serde::de::DeserializeOwned>(
    action: &str,
    value: &Value,
    outer: &str,
    inner: &str,
) -> Result<Option<T>> {
    match value
        .get(outer)
        .and_then(|v| v.get(inner))
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        Some(item) => decode(action, item.clone()).map(Some),
        None => Ok(None),
    }
}

impl CrClient {
    /// `DescribeVpcs` for one ID in the client's region; `None` when it does not exist.
    pub async fn describe_vpc(&self, vpc_id: &str) -> Result<Option<Vpc>> {
        let params = Params::new()
            .put("RegionId", self.region())
            .put("VpcId", vpc_id);
        let value = match self.call_vpc(Call::post("DescribeVpcs", params)).await {
            Ok(value) => value,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e),
        };
        first_nested("DescribeVpcs", &value, "Vpcs", "Vpc")
    }

    /// `DescribeVSwitches` for one ID in the client's region; `None` when it does not exist.
    pub async fn describe_vswitch(&self, vswitch_id: &str) -> Result<Option<VSwitch>> {
        let params = Params::new()
            .put("RegionId", self.region())
            .put("VSwitchId", vswitch_id);
        let value = match self.call_vpc(Call::post("DescribeVSwitches", params)).await {
            Ok(value) => value,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e),
        };
        first_nested("DescribeVSwitches", &value, "VSwitches", "VSwitch")
    }
}
