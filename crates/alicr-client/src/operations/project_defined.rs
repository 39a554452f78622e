//! Operations alicr defines itself: the VPC build link and the instance-level GitLab code
//! source. They are NOT Alibaba Cloud API. `docs/guides/project-defined-api.md` specifies
//! them; alicr-emulator implements them, and the real cloud returns `InvalidApi.NotFound`.

use std::sync::Arc;

use futures::FutureExt as _;

use crate::client::{decode, field, CrClient};
use crate::engine::Call;
use crate::error::Result;
use crate::model::{BuildVpcLink, BuildVpcLinkSpec, CodeSource, CodeSourceSpec};
use crate::params::Params;

fn code_source_params(spec: &CodeSourceSpec) -> Params {
    Params::new()
        .put("InstanceId", spec.instance_id.as_str())
        .put("NetworkType", spec.network_type.as_str())
        .put_opt(
            "VpcLinkId",
            spec.vpc_link_id.as_deref().filter(|id| !id.is_empty()),
        )
        .put("EndpointUrl", spec.endpoint_url.as_str())
        .put("UserName", spec.user_name.as_str())
        .put_secret("PrivateToken", &spec.private_token)
}

impl CrClient {
    /// `CreateBuildVpcLink`; returns the `LinkId`. `client_token` makes retries safe.
    pub async fn create_build_vpc_link(
        &self,
        spec: &BuildVpcLinkSpec,
        client_token: &str,
    ) -> Result<String> {
        let params = Params::new()
            .put("InstanceId", spec.instance_id.as_str())
            .put("VpcId", spec.vpc_id.as_str())
            .put("VswitchId", spec.vswitch_id.as_str())
            .put("GitLabIp", spec.gitlab_ip.as_str())
            .put_list("AllowedIps", &spec.allowed_ips)
            .put_list("DataCenterCidrs", &spec.data_center_cidrs)
            .put_opt("ClientToken", Some(client_token).filter(|t| !t.is_empty()));
        let result = self.call_cr(Call::post("CreateBuildVpcLink", params)).await;
        self.invalidate_vpc_links(&spec.instance_id);
        field("CreateBuildVpcLink", &result?, "LinkId")
    }

    /// `GetBuildVpcLink`.
    pub async fn get_build_vpc_link(
        &self,
        instance_id: &str,
        link_id: &str,
    ) -> Result<BuildVpcLink> {
        let params = Params::new()
            .put("InstanceId", instance_id)
            .put("LinkId", link_id);
        let value = self.call_cr(Call::post("GetBuildVpcLink", params)).await?;
        decode("GetBuildVpcLink", value)
    }

    /// `ListBuildVpcLink`, all pages, coalesced per instance like build rules.
    pub async fn list_build_vpc_links(&self, instance_id: &str) -> Result<Vec<BuildVpcLink>> {
        let client = self.unbounded();
        let instance = instance_id.to_owned();
        let fetch = move || {
            async move {
                let params = Params::new().put("InstanceId", instance);
                client
                    .list_all_pages("ListBuildVpcLink", params, "Links")
                    .await
            }
            .boxed()
        };
        let read = self.inner.vpc_links.get(instance_id.to_owned(), fetch);
        let links: Arc<Vec<BuildVpcLink>> = self.bounded("ListBuildVpcLink", read.boxed()).await?;
        Ok(links.as_ref().clone())
    }

    /// `UpdateBuildVpcLink`; both lists are replaced, and an empty list clears.
    pub async fn update_build_vpc_link(
        &self,
        instance_id: &str,
        link_id: &str,
        allowed_ips: &[String],
        data_center_cidrs: &[String],
    ) -> Result<()> {
        let params = Params::new()
            .put("InstanceId", instance_id)
            .put("LinkId", link_id)
            .put_list("AllowedIps", allowed_ips)
            .put_list("DataCenterCidrs", data_center_cidrs);
        let result = self.call_cr(Call::post("UpdateBuildVpcLink", params)).await;
        self.invalidate_vpc_links(instance_id);
        result.map(drop)
    }

    /// `DeleteBuildVpcLink`.
    pub async fn delete_build_vpc_link(&self, instance_id: &str, link_id: &str) -> Result<()> {
        let params = Params::new()
            .put("InstanceId", instance_id)
            .put("LinkId", link_id);
        let result = self.call_cr(Call::post("DeleteBuildVpcLink", params)).await;
        self.invalidate_vpc_links(instance_id);
        result.map(drop)
    }

    /// `CreateInstanceCodeSource`; returns the `CodeSourceId`. `client_token` makes retries safe.
    pub async fn create_instance_code_source(
        &self,
        spec: &CodeSourceSpec,
        client_token: &str,
    ) -> Result<String> {
        let params = code_source_params(spec)
            .put("CodeSourceType", spec.code_source_type.as_str())
            .put_opt("ClientToken", Some(client_token).filter(|t| !t.is_empty()));
        let value = self
            .call_cr(Call::post("CreateInstanceCodeSource", params))
            .await?;
        field("CreateInstanceCodeSource", &value, "CodeSourceId")
    }

    /// `GetInstanceCodeSource`.
    pub async fn get_instance_code_source(
        &self,
        instance_id: &str,
        code_source_id: &str,
    ) -> Result<CodeSource> {
        let params = Params::new()
            .put("InstanceId", instance_id)
            .put("CodeSourceId", code_source_id);
        let value = self
            .call_cr(Call::post("GetInstanceCodeSource", params))
            .await?;
        decode("GetInstanceCodeSource", value)
    }

    /// `ListInstanceCodeSource`.
    pub async fn list_instance_code_sources(&self, instance_id: &str) -> Result<Vec<CodeSource>> {
        let params = Params::new().put("InstanceId", instance_id);
        let value = self
            .call_cr(Call::post("ListInstanceCodeSource", params))
            .await?;
        let page = super::decode_page("ListInstanceCodeSource", value, "CodeSources")?;
        Ok(page.items)
    }

    /// `UpdateInstanceCodeSource`; the token is always sent because the API never returns it.
    pub async fn update_instance_code_source(
        &self,
        code_source_id: &str,
        spec: &CodeSourceSpec,
    ) -> Result<()> {
        let params = code_source_params(spec).put("CodeSourceId", code_source_id);
        self.call_cr(Call::post("UpdateInstanceCodeSource", params))
            .await?;
        Ok(())
    }

    /// `DeleteInstanceCodeSource`.
    pub async fn delete_instance_code_source(
        &self,
        instance_id: &str,
        code_source_id: &str,
    ) -> Result<()> {
        let params = Params::new()
            .put("InstanceId", instance_id)
            .put("CodeSourceId", code_source_id);
        self.call_cr(Call::post("DeleteInstanceCodeSource", params))
            .await?;
        Ok(())
    }

    fn invalidate_vpc_links(&self, instance_id: &str) {
        self.inner
            .vpc_links
            .invalidate(|instance| instance == instance_id);
    }
}
