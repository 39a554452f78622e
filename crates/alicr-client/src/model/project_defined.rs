//! Models of the operations alicr defines itself (VPC build link, instance code source).
//! They are not Alibaba Cloud API; `docs/guides/project-defined-api.md` is their spec.

use serde::Deserialize;

use super::wire;
use crate::secret::Secret;

/// Input of `CreateBuildVpcLink`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildVpcLinkSpec {
    /// Owning instance.
    pub instance_id: String,
    /// `vpc-…`.
    pub vpc_id: String,
    /// `vsw-…` inside the VPC.
    pub vswitch_id: String,
    /// Private IP of the GitLab server.
    pub gitlab_ip: String,
    /// Other IPs builds may reach.
    pub allowed_ips: Vec<String>,
    /// Data-centre CIDRs builds may reach.
    pub data_center_cidrs: Vec<String>,
}

/// A VPC build link (`GetBuildVpcLink`, `ListBuildVpcLink`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct BuildVpcLink {
    /// `crvl-…`.
    pub link_id: String,
    /// Owning instance.
    pub instance_id: String,
    /// `vpc-…`.
    pub vpc_id: String,
    /// `vsw-…`.
    pub vswitch_id: String,
    /// Zone of the vSwitch.
    pub zone_id: String,
    /// Private IP of the GitLab server.
    #[serde(rename = "GitLabIp")]
    pub gitlab_ip: String,
    /// Other reachable IPs.
    #[serde(deserialize_with = "wire::string_list")]
    pub allowed_ips: Vec<String>,
    /// Reachable data-centre CIDRs.
    #[serde(deserialize_with = "wire::string_list")]
    pub data_center_cidrs: Vec<String>,
    /// CREATING, RUNNING or DELETING.
    pub status: String,
    /// Managed security group, `sg-…`.
    pub security_group_id: String,
    /// Elastic network interface, `eni-…`.
    pub network_interface_id: String,
    /// Creation time, epoch ms.
    #[serde(rename = "CreateTime", deserialize_with = "wire::opt_i64")]
    pub create_time_ms: Option<i64>,
}

/// Input of `CreateInstanceCodeSource` and `UpdateInstanceCodeSource`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeSourceSpec {
    /// Owning instance.
    pub instance_id: String,
    /// `GITLAB`.
    pub code_source_type: String,
    /// `VPC` or `PUBLIC`.
    pub network_type: String,
    /// Link to use when `network_type` is `VPC`.
    pub vpc_link_id: Option<String>,
    /// GitLab base URL.
    pub endpoint_url: String,
    /// GitLab user name.
    pub user_name: String,
    /// GitLab personal access token; write-only on the API side.
    pub private_token: Secret,
}

/// A bound code source (`GetInstanceCodeSource`). The API never returns the token.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct CodeSource {
    /// `crcs-…`.
    pub code_source_id: String,
    /// Owning instance.
    pub instance_id: String,
    /// `GITLAB`.
    pub code_source_type: String,
    /// `VPC` or `PUBLIC`.
    pub network_type: String,
    /// Link used for `VPC`; empty for `PUBLIC`.
    pub vpc_link_id: String,
    /// GitLab base URL.
    pub endpoint_url: String,
    /// GitLab user name.
    pub user_name: String,
    /// `BOUND`.
    pub status: String,
    /// Creation time, epoch ms.
    #[serde(rename = "CreateTime", deserialize_with = "wire::opt_i64")]
    pub create_time_ms: Option<i64>,
}
