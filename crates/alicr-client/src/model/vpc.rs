//! VPC API (2016-04-28) models used to validate VPC build links.

use serde::Deserialize;

/// A VPC (`DescribeVpcs`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Vpc {
    /// `vpc-…`.
    pub vpc_id: String,
    /// IPv4 CIDR of the VPC.
    pub cidr_block: String,
    /// Region ID.
    pub region_id: String,
}

/// A vSwitch (`DescribeVSwitches`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct VSwitch {
    /// `vsw-…`.
    #[serde(rename = "VSwitchId")]
    pub vswitch_id: String,
    /// VPC the vSwitch belongs to.
    pub vpc_id: String,
    /// Zone ID.
    pub zone_id: String,
    /// IPv4 CIDR of the vSwitch.
    pub cidr_block: String,
}
