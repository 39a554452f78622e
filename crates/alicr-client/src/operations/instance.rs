//! Instance and namespace operations.

use crate::client::{decode, CrClient};
use crate::engine::Call;
use crate::error::Result;
use crate::model::{Instance, Namespace};
use crate::params::Params;

impl CrClient {
    /// `GetInstance`.
    pub async fn get_instance(&self, instance_id: &str) -> Result<Instance> {
        let params = Params::new().put("InstanceId", instance_id);
        let value = self.call_cr(Call::post("GetInstance", params)).await?;
        decode("GetInstance", value)
    }

    /// `ListInstance`, all pages.
    pub async fn list_instances(&self) -> Result<Vec<Instance>> {
        self.list_all_pages("ListInstance", Params::new(), "Instances")
            .await
    }

    /// `GetNamespace` by name.
    pub async fn get_namespace(
        &self,
        instance_id: &str,
        namespace_name: &str,
    ) -> Result<Namespace> {
        let params = Params::new()
            .put("InstanceId", instance_id)
            .put("NamespaceName", namespace_name);
        let value = self.call_cr(Call::post("GetNamespace", params)).await?;
        decode("GetNamespace", value)
    }

    /// `CreateNamespace` with the API's defaults for everything but the name.
    pub async fn create_namespace(&self, instance_id: &str, namespace_name: &str) -> Result<()> {
        let params = Params::new()
            .put("InstanceId", instance_id)
            .put("NamespaceName", namespace_name);
        self.call_cr(Call::post("CreateNamespace", params)).await?;
        Ok(())
    }
}
