//! Image repository operations.

use crate::client::{decode, field, CrClient};
use crate::engine::Call;
use crate::error::Result;
use crate::model::{CreateRepository, Repository};
use crate::params::Params;

impl CrClient {
    /// `GetRepository` by ID.
    pub async fn get_repository(&self, instance_id: &str, repo_id: &str) -> Result<Repository> {
        let params = Params::new()
            .put("InstanceId", instance_id)
            .put("RepoId", repo_id);
        let value = self.call_cr(Call::post("GetRepository", params)).await?;
        decode("GetRepository", value)
    }

    /// `GetRepository` by namespace and name.
    pub async fn get_repository_by_name(
        &self,
        instance_id: &str,
        namespace_name: &str,
        repo_name: &str,
    ) -> Result<Repository> {
        let params = Params::new()
            .put("InstanceId", instance_id)
            .put("RepoNamespaceName", namespace_name)
            .put("RepoName", repo_name);
        let value = self.call_cr(Call::post("GetRepository", params)).await?;
        decode("GetRepository", value)
    }

    /// `CreateRepository`; returns the new `RepoId`. Not resent once it may have been applied.
    pub async fn create_repository(&self, input: &CreateRepository) -> Result<String> {
        let mut params = Params::new()
            .put("InstanceId", input.instance_id.as_str())
            .put("RepoNamespaceName", input.namespace_name.as_str())
            .put("RepoName", input.repo_name.as_str())
            .put("RepoType", input.repo_type.as_str())
            .put("Summary", input.summary.as_str())
            .put_opt("Detail", input.detail.as_deref());
        if let Some(immutable) = input.tag_immutability {
            params = params.put_bool("TagImmutability", immutable);
        }
        let value = self.call_cr(Call::post("CreateRepository", params)).await?;
        field("CreateRepository", &value, "RepoId")
    }

    /// `DeleteRepository`.
    pub async fn delete_repository(&self, instance_id: &str, repo_id: &str) -> Result<()> {
        let params = Params::new()
            .put("InstanceId", instance_id)
            .put("RepoId", repo_id);
        self.call_cr(Call::post("DeleteRepository", params)).await?;
        self.invalidate_build_rules(instance_id, repo_id);
        Ok(())
    }
}
