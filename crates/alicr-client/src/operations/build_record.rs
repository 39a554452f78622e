//! Build runs: start from a rule, read status and records, list logs, cancel.

use crate::client::{decode, field, CrClient};
use crate::engine::Call;
use crate::error::{Error, Result};
use crate::model::{BuildLogLine, BuildRecord, Page};
use crate::params::Params;

use super::decode_page;

/// Upper bound on log pages read for one build.
const MAX_LOG_PAGES: usize = 200;

impl CrClient {
    /// `CreateBuildRecordByRule`; returns the `BuildRecordId`. Never resent once it may have
    /// reached the server, because a second send starts a second build.
    pub async fn create_build_record_by_rule(
        &self,
        instance_id: &str,
        repo_id: &str,
        build_rule_id: &str,
    ) -> Result<String> {
        let params = Params::new()
            .put("InstanceId", instance_id)
            .put("RepoId", repo_id)
            .put("BuildRuleId", build_rule_id);
        let value = self
            .call_cr(Call::post("CreateBuildRecordByRule", params))
            .await?;
        field("CreateBuildRecordByRule", &value, "BuildRecordId")
    }

    /// `GetRepoBuildRecord`.
    pub async fn get_repo_build_record(
        &self,
        instance_id: &str,
        build_record_id: &str,
    ) -> Result<BuildRecord> {
        let params = Params::new()
            .put("InstanceId", instance_id)
            .put("BuildRecordId", build_record_id);
        let value = self
            .call_cr(Call::post("GetRepoBuildRecord", params))
            .await?;
        decode("GetRepoBuildRecord", value)
    }

    /// `GetRepoBuildRecordStatus`; returns `BuildStatus` as sent (compare case-insensitively).
    pub async fn get_repo_build_record_status(
        &self,
        instance_id: &str,
        repo_id: &str,
        build_record_id: &str,
    ) -> Result<String> {
        let params = Params::new()
            .put("InstanceId", instance_id)
            .put("RepoId", repo_id)
            .put("BuildRecordId", build_record_id);
        let value = self
            .call_cr(Call::post("GetRepoBuildRecordStatus", params))
            .await?;
        field("GetRepoBuildRecordStatus", &value, "BuildStatus")
    }

    /// `ListRepoBuildRecord`, one page (`page_no` is 1-based).
    pub async fn list_repo_build_records(
        &self,
        instance_id: &str,
        repo_id: &str,
        page_no: u32,
        page_size: u32,
    ) -> Result<Page<BuildRecord>> {
        let params = Params::new()
            .put("InstanceId", instance_id)
            .put("RepoId", repo_id)
            .put("PageNo", page_no.max(1).to_string())
            .put("PageSize", page_size.max(1).to_string());
        let value = self
            .call_cr(Call::post("ListRepoBuildRecord", params))
            .await?;
        decode_page("ListRepoBuildRecord", value, "BuildRecords")
    }

    /// `ListRepoBuildRecordLog`, following `Offset` until every line is read.
    pub async fn list_repo_build_record_logs(
        &self,
        instance_id: &str,
        repo_id: &str,
        build_record_id: &str,
    ) -> Result<Vec<BuildLogLine>> {
        let mut lines = Vec::new();
        for _ in 0..MAX_LOG_PAGES {
            let params = Params::new()
                .put("InstanceId", instance_id)
                .put("RepoId", repo_id)
                .put("BuildRecordId", build_record_id)
                .put("Offset", lines.len().to_string());
            let value = self
                .call_cr(Call::post("ListRepoBuildRecordLog", params))
                .await?;
            let page: Page<BuildLogLine> =
                decode_page("ListRepoBuildRecordLog", value, "BuildRecordLogs")?;
            let received = page.items.len();
            lines.extend(page.items);
            if received == 0 || lines.len() as i64 >= page.total_count {
                return Ok(lines);
            }
        }
        Err(Error::Response {
            action: "ListRepoBuildRecordLog".to_owned(),
            http_status: 200,
            message: format!("the log did not end within {MAX_LOG_PAGES} pages"),
        })
    }

    /// `CancelRepoBuildRecord`.
    pub async fn cancel_repo_build_record(
        &self,
        instance_id: &str,
        repo_id: &str,
        build_record_id: &str,
    ) -> Result<()> {
        let params = Params::new()
            .put("InstanceId", instance_id)
            .put("RepoId", repo_id)
            .put("BuildRecordId", build_record_id);
        self.call_cr(Call::post("CancelRepoBuildRecord", params))
            .await?;
        Ok(())
    }
}
