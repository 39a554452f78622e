//! Build rule operations. The API has no `GetRepoBuildRule`, so a read lists every page and
//! searches; that list is coalesced per repository and invalidated by every write.

use std::sync::Arc;

use futures::FutureExt as _;

use crate::client::{field, CrClient};
use crate::engine::Call;
use crate::error::Result;
use crate::model::{BuildRule, BuildRuleSpec};
use crate::params::Params;

fn rule_params(instance_id: &str, repo_id: &str, spec: &BuildRuleSpec) -> Params {
    Params::new()
        .put("InstanceId", instance_id)
        .put("RepoId", repo_id)
        .put("PushType", spec.push_type.as_str())
        .put("PushName", spec.push_name.as_str())
        .put("ImageTag", spec.image_tag.as_str())
        .put("DockerfileLocation", spec.dockerfile_location.as_str())
        .put("DockerfileName", spec.dockerfile_name.as_str())
        .put_list("BuildArgs", &spec.build_args)
        .put_list("Platforms", &spec.platforms)
}

impl CrClient {
    /// `CreateRepoBuildRule`; returns the `BuildRuleId`.
    pub async fn create_repo_build_rule(
        &self,
        instance_id: &str,
        repo_id: &str,
        spec: &BuildRuleSpec,
    ) -> Result<String> {
        let params = rule_params(instance_id, repo_id, spec);
        let result = self
            .call_cr(Call::post("CreateRepoBuildRule", params))
            .await;
        // Invalidate even on failure: a create that timed out may still have been applied.
        self.invalidate_build_rules(instance_id, repo_id);
        field("CreateRepoBuildRule", &result?, "BuildRuleId")
    }

    /// `UpdateRepoBuildRule`, sending every field.
    pub async fn update_repo_build_rule(
        &self,
        instance_id: &str,
        repo_id: &str,
        build_rule_id: &str,
        spec: &BuildRuleSpec,
    ) -> Result<()> {
        let params = rule_params(instance_id, repo_id, spec).put("BuildRuleId", build_rule_id);
        let result = self
            .call_cr(Call::post("UpdateRepoBuildRule", params))
            .await;
        self.invalidate_build_rules(instance_id, repo_id);
        result.map(drop)
    }

    /// `DeleteRepoBuildRule`.
    pub async fn delete_repo_build_rule(
        &self,
        instance_id: &str,
        repo_id: &str,
        build_rule_id: &str,
    ) -> Result<()> {
        let params = Params::new()
            .put("InstanceId", instance_id)
            .put("RepoId", repo_id)
            .put("BuildRuleId", build_rule_id);
        let result = self
            .call_cr(Call::post("DeleteRepoBuildRule", params))
            .await;
        self.invalidate_build_rules(instance_id, repo_id);
        result.map(drop)
    }

    /// `ListRepoBuildRule`, all pages. Concurrent callers share one listing, and the result
    /// is reused for 2 seconds unless a build rule write to this repository happens.
    pub async fn list_repo_build_rules(
        &self,
        instance_id: &str,
        repo_id: &str,
    ) -> Result<Arc<Vec<BuildRule>>> {
        let key = (instance_id.to_owned(), repo_id.to_owned());
        let client = self.unbounded();
        let (instance, repo) = key.clone();
        let fetch = move || {
            async move {
                let params = Params::new()
                    .put("InstanceId", instance)
                    .put("RepoId", repo);
                client
                    .list_all_pages("ListRepoBuildRule", params, "BuildRules")
                    .await
            }
            .boxed()
        };
        let read = self.inner.build_rules.get(key, fetch);
        self.bounded("ListRepoBuildRule", read.boxed()).await
    }

    /// Finds one rule in [`Self::list_repo_build_rules`]; `None` means it does not exist.
    pub async fn find_repo_build_rule(
        &self,
        instance_id: &str,
        repo_id: &str,
        build_rule_id: &str,
    ) -> Result<Option<BuildRule>> {
        let rules = self.list_repo_build_rules(instance_id, repo_id).await?;
        Ok(rules
            .iter()
            .find(|rule| rule.build_rule_id == build_rule_id)
            .cloned())
    }

    /// Drops the shared listing of the repository's rules, so the next read
    /// fetches them again. For callers that need the rules as they are now.
    pub fn invalidate_build_rules(&self, instance_id: &str, repo_id: &str) {
        self.inner
            .build_rules
            .invalidate(|(instance, repo)| instance == instance_id && repo == repo_id);
    }
}
