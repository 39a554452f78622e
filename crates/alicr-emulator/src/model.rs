//! Stored object types, one per kind, and the lazily computed states of asynchronous objects
//! (VPC links and builds), derived from timestamps so they advance across restarts.

use serde::{Deserialize, Serialize};

use crate::store::Record;

/// An Alibaba Cloud account.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Account {
    pub name: String,
}

/// An access key: a permanent one from the seed, or a temporary `STS.` one from `AssumeRole`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessKey {
    pub secret: String,
    #[serde(default)]
    pub security_token: Option<String>,
    #[serde(default)]
    pub expires_ms: Option<i64>,
}

/// A RAM role; stored with the role ARN as its ID.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Role {
    pub name: String,
    pub trusted_accounts: Vec<String>,
    pub max_session_seconds: i64,
}

/// A CR EE instance.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Instance {
    pub name: String,
    pub region: String,
    pub specification: String,
}

/// A namespace; scope is the instance ID, name is the namespace name.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Namespace {
    pub instance_id: String,
    pub name: String,
    pub auto_create_repo: bool,
    pub default_repo_type: String,
}

/// A repository; scope is the instance ID, name is `namespace/repo`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Repository {
    pub instance_id: String,
    pub namespace: String,
    pub name: String,
    pub repo_type: String,
    pub summary: String,
    pub detail: String,
    pub tag_immutability: bool,
    pub modified_ms: i64,
}

/// A repository's source-code binding; its ID is the repository ID.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RepoSource {
    pub instance_id: String,
    pub code_repo_type: String,
    pub code_repo_domain: String,
    pub namespace_name: String,
    pub name: String,
    pub auto_build: bool,
    pub oversea_build: bool,
    pub disable_cache_build: bool,
}

/// A build rule; scope is the repository ID.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BuildRule {
    pub instance_id: String,
    pub push_type: String,
    pub push_name: String,
    pub image_tag: String,
    pub dockerfile_location: String,
    pub dockerfile_name: String,
    pub build_args: Vec<String>,
    pub platforms: Vec<String>,
}

/// A build record; scope is the repository ID. Its status follows from the stored times.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BuildRecord {
    pub instance_id: String,
    pub build_rule_id: String,
    pub image_tag: String,
    pub repo_name: String,
    pub namespace: String,
    pub building_at_ms: i64,
    pub finish_at_ms: i64,
    pub fails: bool,
    #[serde(default)]
    pub canceled_at_ms: Option<i64>,
}

/// The status of a build at a point in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildStatus {
    Pending,
    Building,
    Success,
    Failed,
    Canceled,
}

impl BuildStatus {
    /// The status as CR spells it on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            BuildStatus::Pending => "PENDING",
            BuildStatus::Building => "BUILDING",
            BuildStatus::Success => "SUCCESS",
            BuildStatus::Failed => "FAILED",
            BuildStatus::Canceled => "CANCELED",
        }
    }

    /// Whether the build can still change.
    pub fn is_running(self) -> bool {
        matches!(self, BuildStatus::Pending | BuildStatus::Building)
    }
}

impl BuildRecord {
    /// Computes the status at `now_ms`.
    pub fn status(&self, now_ms: i64) -> BuildStatus {
        if let Some(canceled) = self.canceled_at_ms {
            if canceled < self.finish_at_ms {
                return BuildStatus::Canceled;
            }
        }
        if now_ms < self.building_at_ms {
            BuildStatus::Pending
        } else if now_ms < self.finish_at_ms {
            BuildStatus::Building
        } else if self.fails {
            BuildStatus::Failed
        } else {
            BuildStatus::Success
        }
    }

    /// The time the build ended, if it has.
    pub fn end_ms(&self, now_ms: i64) -> Option<i64> {
        match self.status(now_ms) {
            BuildStatus::Canceled => self.canceled_at_ms,
            BuildStatus::Success | BuildStatus::Failed => Some(self.finish_at_ms),
            _ => None,
        }
    }
}

/// A VPC build link; scope is the instance ID.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VpcLink {
    pub instance_id: String,
    pub vpc_id: String,
    pub vswitch_id: String,
    pub zone_id: String,
    pub gitlab_ip: String,
    pub allowed_ips: Vec<String>,
    pub data_center_cidrs: Vec<String>,
    pub security_group_id: String,
    pub network_interface_id: String,
    pub running_at_ms: i64,
    #[serde(default)]
    pub client_token: Option<String>,
    #[serde(default)]
    pub gone_at_ms: Option<i64>,
}

/// The status of a VPC link at a point in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkStatus {
    Creating,
    Running,
    Deleting,
    Gone,
}

impl LinkStatus {
    /// The status as the wire spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkStatus::Creating => "CREATING",
            LinkStatus::Running => "RUNNING",
            LinkStatus::Deleting => "DELETING",
            LinkStatus::Gone => "DELETED",
        }
    }
}

impl VpcLink {
    /// Computes the status at `now_ms`.
    pub fn status(&self, now_ms: i64) -> LinkStatus {
        match self.gone_at_ms {
            Some(gone) if now_ms >= gone => LinkStatus::Gone,
            Some(_) => LinkStatus::Deleting,
            None if now_ms < self.running_at_ms => LinkStatus::Creating,
            None => LinkStatus::Running,
        }
    }
}

/// An instance code source (GitLab binding); scope is the instance ID, name is its type.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CodeSource {
    pub instance_id: String,
    pub code_source_type: String,
    pub network_type: String,
    pub vpc_link_id: String,
    pub endpoint_url: String,
    pub user_name: String,
    /// Stored because the real service keeps it; no response ever includes it.
    pub private_token: String,
    #[serde(default)]
    pub client_token: Option<String>,
}

/// A VPC; scope is its region.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Vpc {
    pub region: String,
    pub cidr: String,
    pub name: String,
}

/// A vSwitch; scope is its VPC ID.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VSwitch {
    pub vpc_id: String,
    pub zone: String,
    pub cidr: String,
    pub name: String,
}

macro_rules! record_kinds {
    ($($ty:ty => $kind:literal),* $(,)?) => {
        $(impl Record for $ty { const KIND: &'static str = $kind; })*
    };
}

record_kinds! {
    Account => "account",
    AccessKey => "access_key",
    Role => "role",
    Instance => "instance",
    Namespace => "namespace",
    Repository => "repository",
    RepoSource => "repo_source",
    BuildRule => "build_rule",
    BuildRecord => "build_record",
    VpcLink => "vpc_link",
    CodeSource => "code_source",
    Vpc => "vpc",
    VSwitch => "vswitch",
}
