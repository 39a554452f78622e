//! The [`Provider`] trait: the provider's own schema and configuration, and the
//! resource types, data sources and functions it offers.

use std::sync::Arc;

use async_trait::async_trait;

use crate::context::ProviderData;
use crate::data_source::DataSource;
use crate::diagnostics::Diagnostics;
use crate::function::Function;
use crate::resource::Resource;
use crate::schema::Schema;
use crate::value::Value;

/// Request to configure the provider.
#[derive(Debug, Clone)]
pub struct ConfigureRequest {
    /// Such as `1.11.4`.
    pub terraform_version: String,
    /// May contain unknown values during plan when provider arguments refer to
    /// resources not yet created.
    pub config: Value,
}

/// Result of configuring the provider.
#[derive(Default)]
pub struct ConfigureResponse {
    /// Handed to every later request through [`crate::Context::provider_data`].
    pub provider_data: Option<ProviderData>,
    pub diagnostics: Diagnostics,
}

/// A Terraform provider.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// The provider's type name, such as `alicr`.
    fn type_name(&self) -> &'static str;

    fn schema(&self) -> Schema;

    /// Checks the provider configuration; values may be unknown.
    async fn validate_config(&self, _config: Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Configures the provider. Must make no network call.
    async fn configure(&self, request: ConfigureRequest) -> ConfigureResponse;

    fn resources(&self) -> Vec<Arc<dyn Resource>>;

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>>;

    fn functions(&self) -> Vec<Arc<dyn Function>> {
        Vec::new()
    }

    /// Runs when Terraform shuts the provider down in an orderly way, after
    /// the last RPC. Terraform saves its state after it closes its providers,
    /// so work that must outlive a killed Terraform is cleaned up here, never
    /// when an RPC returns. Not called when the process is killed.
    fn shut_down(&self) {}
}
