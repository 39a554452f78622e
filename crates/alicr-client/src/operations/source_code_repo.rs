//! A repository's binding to a code repository (`*RepoSourceCodeRepo`).

use crate::client::{decode, CrClient};
use crate::engine::Call;
use crate::error::Result;
use crate::model::RepoSourceCodeRepo;
use crate::params::Params;

fn binding_params(binding: &RepoSourceCodeRepo) -> Params {
    // Create takes booleans and Update takes the strings "true"/"false"; both read the same
    // text on the wire, so one encoding serves both.
    Params::new()
        .put("InstanceId", binding.instance_id.as_str())
        .put("RepoId", binding.repo_id.as_str())
        .put("CodeRepoType", binding.code_repo_type.as_str())
        .put(
            "CodeRepoNamespaceName",
            binding.code_repo_namespace_name.as_str(),
        )
        .put("CodeRepoName", binding.code_repo_name.as_str())
        .put_bool("AutoBuild", binding.auto_build)
        .put_bool("OverseaBuild", binding.oversea_build)
        .put_bool("DisableCacheBuild", binding.disable_cache_build)
}

impl CrClient {
    /// `CreateRepoSourceCodeRepo`.
    pub async fn create_repo_source_code_repo(&self, binding: &RepoSourceCodeRepo) -> Result<()> {
        self.call_cr(Call::post(
            "CreateRepoSourceCodeRepo",
            binding_params(binding),
        ))
        .await?;
        Ok(())
    }

    /// `GetRepoSourceCodeRepo`; the result carries `instance_id` from the argument.
    pub async fn get_repo_source_code_repo(
        &self,
        instance_id: &str,
        repo_id: &str,
    ) -> Result<RepoSourceCodeRepo> {
        let params = Params::new()
            .put("InstanceId", instance_id)
            .put("RepoId", repo_id);
        let value = self
            .call_cr(Call::post("GetRepoSourceCodeRepo", params))
            .await?;
        let mut binding: RepoSourceCodeRepo = decode("GetRepoSourceCodeRepo", value)?;
        binding.instance_id = instance_id.to_owned();
        if binding.repo_id.is_empty() {
            binding.repo_id = repo_id.to_owned();
        }
        Ok(binding)
    }

    /// `UpdateRepoSourceCodeRepo`, sending every field.
    pub async fn update_repo_source_code_repo(&self, binding: &RepoSourceCodeRepo) -> Result<()> {
        self.call_cr(Call::post(
            "UpdateRepoSourceCodeRepo",
            binding_params(binding),
        ))
        .await?;
        Ok(())
    }

    /// `DeleteRepoSourceCodeRepo`.
    // NOTE: this action exists only in Alibaba's newer Java SDK and in alicr-emulator; older
    // API versions may return InvalidApi.NotFound.
    pub async fn delete_repo_source_code_repo(
        &self,
        instance_id: &str,
        repo_id: &str,
    ) -> Result<()> {
        let params = Params::new()
            .put("InstanceId", instance_id)
            .put("RepoId", repo_id);
        self.call_cr(Call::post("DeleteRepoSourceCodeRepo", params))
            .await?;
        Ok(())
    }
}
