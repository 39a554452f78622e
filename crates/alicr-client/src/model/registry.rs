//! Instance, namespace and repository models.

use serde::Deserialize;

use super::wire;

/// A Container Registry Enterprise Edition instance (`GetInstance`, `ListInstance`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Instance {
    /// `cri-…`.
    pub instance_id: String,
    /// Display name.
    pub instance_name: String,
    /// PENDING, RUNNING, STOPPED, …
    pub instance_status: String,
    /// Enterprise_Basic, Enterprise_Standard or Enterprise_Advanced.
    pub instance_specification: String,
    /// Reason the instance is unhealthy, if any.
    pub instance_issue: String,
    /// Region ID (set by `ListInstance` only).
    pub region_id: String,
    /// Resource group ID.
    pub resource_group_id: String,
    /// Creation time, epoch ms.
    #[serde(rename = "CreateTime", deserialize_with = "wire::opt_i64")]
    pub create_time_ms: Option<i64>,
    /// Last change, epoch ms.
    #[serde(rename = "ModifiedTime", deserialize_with = "wire::opt_i64")]
    pub modified_time_ms: Option<i64>,
    /// Resource tags.
    #[serde(deserialize_with = "tags")]
    pub tags: Vec<Tag>,
}

/// A resource tag.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Tag {
    /// Tag key.
    pub tag_key: String,
    /// Tag value.
    pub tag_value: String,
}

fn tags<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<Tag>, D::Error> {
    Ok(Option::<Vec<Tag>>::deserialize(deserializer)?.unwrap_or_default())
}

/// An image namespace (`GetNamespace`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Namespace {
    /// `crn-…`.
    pub namespace_id: String,
    /// Name used in image paths.
    pub namespace_name: String,
    /// NORMAL or DELETING.
    pub namespace_status: String,
    /// Owning instance.
    pub instance_id: String,
    /// Whether a push to a missing repository creates it.
    #[serde(deserialize_with = "wire::bool_or_false")]
    pub auto_create_repo: bool,
    /// PUBLIC or PRIVATE (deprecated by the API in favour of DefaultRepoConfiguration).
    pub default_repo_type: String,
}

/// An image repository (`GetRepository`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Repository {
    /// `crr-…`.
    pub repo_id: String,
    /// Repository name.
    pub repo_name: String,
    /// Namespace name.
    pub repo_namespace_name: String,
    /// Owning instance.
    pub instance_id: String,
    /// PUBLIC or PRIVATE.
    pub repo_type: String,
    /// NORMAL, DELETING, …
    pub repo_status: String,
    /// MANUAL or AUTO.
    pub repo_build_type: String,
    /// One-line summary.
    pub summary: String,
    /// Long description.
    pub detail: String,
    /// Whether tags can be overwritten.
    #[serde(deserialize_with = "wire::bool_or_false")]
    pub tag_immutability: bool,
    /// Creation time, epoch ms.
    #[serde(rename = "CreateTime", deserialize_with = "wire::opt_i64")]
    pub create_time_ms: Option<i64>,
    /// Last change, epoch ms.
    #[serde(rename = "ModifiedTime", deserialize_with = "wire::opt_i64")]
    pub modified_time_ms: Option<i64>,
}

/// Input of `CreateRepository`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreateRepository {
    /// Owning instance.
    pub instance_id: String,
    /// Existing namespace name.
    pub namespace_name: String,
    /// Repository name.
    pub repo_name: String,
    /// PUBLIC or PRIVATE.
    pub repo_type: String,
    /// One-line summary (required by the API).
    pub summary: String,
    /// Long description.
    pub detail: Option<String>,
    /// Whether tags cannot be overwritten.
    pub tag_immutability: Option<bool>,
}
