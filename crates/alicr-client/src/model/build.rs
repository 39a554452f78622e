//! Models of a repository's source binding, build rules, build records and build logs.

use serde::Deserialize;

use super::wire;

/// A repository's binding to a code repository (`Get/Create/UpdateRepoSourceCodeRepo`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RepoSourceCodeRepo {
    /// Owning instance (input only; `GetRepoSourceCodeRepo` does not return it).
    #[serde(skip)]
    pub instance_id: String,
    /// Image repository, `crr-…`.
    pub repo_id: String,
    /// GITHUB, GITLAB, GITEE, CODE or CODEUP.
    pub code_repo_type: String,
    /// Group or owner on the code platform.
    pub code_repo_namespace_name: String,
    /// Repository name on the code platform.
    pub code_repo_name: String,
    /// Code platform base URL (response only).
    pub code_repo_domain: String,
    /// Build on every push.
    #[serde(deserialize_with = "wire::bool_or_false")]
    pub auto_build: bool,
    /// Build on servers outside mainland China.
    #[serde(deserialize_with = "wire::bool_or_false")]
    pub oversea_build: bool,
    /// Build without the layer cache.
    #[serde(deserialize_with = "wire::bool_or_false")]
    pub disable_cache_build: bool,
}

/// Settings of a build rule, sent whole on create and update.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildRuleSpec {
    /// GIT_BRANCH or GIT_TAG.
    pub push_type: String,
    /// Branch or tag name (a pattern for tags).
    pub push_name: String,
    /// Tag of the built image.
    pub image_tag: String,
    /// Directory of the Dockerfile, such as `/`.
    pub dockerfile_location: String,
    /// Dockerfile name.
    pub dockerfile_name: String,
    /// `NAME=value` build arguments, in order.
    pub build_args: Vec<String>,
    /// Target platforms such as `linux/amd64`.
    pub platforms: Vec<String>,
}

/// A build rule as `ListRepoBuildRule` returns it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct BuildRule {
    /// `crbr-…`.
    pub build_rule_id: String,
    /// GIT_BRANCH or GIT_TAG.
    pub push_type: String,
    /// Branch or tag name.
    pub push_name: String,
    /// Tag of the built image.
    pub image_tag: String,
    /// Directory of the Dockerfile.
    pub dockerfile_location: String,
    /// Dockerfile name.
    pub dockerfile_name: String,
    /// Build arguments.
    #[serde(deserialize_with = "wire::string_list")]
    pub build_args: Vec<String>,
    /// Target platforms.
    #[serde(deserialize_with = "wire::string_list")]
    pub platforms: Vec<String>,
}

/// A build run (`GetRepoBuildRecord`, `ListRepoBuildRecord`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct BuildRecord {
    /// UUID of the build.
    pub build_record_id: String,
    /// PENDING, BUILDING, SUCCESS, FAILED, CANCELED; compare case-insensitively. Filled from
    /// `BuildStatus` (list) or `Status` (get).
    #[serde(alias = "Status")]
    pub build_status: String,
    /// Start, epoch ms.
    #[serde(rename = "StartTime", deserialize_with = "wire::opt_i64")]
    pub start_time_ms: Option<i64>,
    /// End, epoch ms; absent while running.
    #[serde(rename = "EndTime", deserialize_with = "wire::opt_i64")]
    pub end_time_ms: Option<i64>,
    /// Image the build pushes.
    pub image: BuildRecordImage,
}

/// Image reference inside a build record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct BuildRecordImage {
    /// Image tag.
    pub image_tag: String,
    /// `crr-…` (list responses only).
    pub repo_id: String,
    /// Repository name.
    pub repo_name: String,
    /// Namespace name.
    pub repo_namespace_name: String,
}

/// One line of a build log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct BuildLogLine {
    /// Build stage the line belongs to.
    pub build_stage: String,
    /// Line number within the log.
    #[serde(deserialize_with = "wire::i64_or_zero")]
    pub line_number: i64,
    /// Log text.
    pub message: String,
}
