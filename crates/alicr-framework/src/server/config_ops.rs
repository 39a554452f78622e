//! ValidateProviderConfig, ConfigureProvider, ValidateResourceConfig and
//! ValidateDataResourceConfig.

use std::sync::PoisonError;

use tokio_util::sync::CancellationToken;

use super::{decode_value, log_done, DynamicValue, ProviderServer};
use crate::diagnostics::Diagnostics;
use crate::path::AttributePath;
use crate::provider::ConfigureRequest;
use crate::resource::ValidateConfigRequest;
use crate::schema::Block;
use crate::validate::validate_block;
use crate::value::Value;

/// Runs the schema's checks on a configuration.
fn validate_schema(block: &Block, config: &Value) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    validate_block(block, config, &AttributePath::default(), &mut diagnostics);
    diagnostics
}

impl ProviderServer {
    pub async fn validate_provider_config(&self, config: DynamicValue) -> Diagnostics {
        let mut diagnostics = Diagnostics::new();
        match decode_value(&config, &self.provider_type, "provider configuration") {
            Ok(config) => {
                diagnostics.extend(validate_schema(&self.provider_schema.block, &config));
                diagnostics.extend(self.provider.validate_config(config).await);
            }
            Err(d) => diagnostics.push(d),
        }
        log_done("ValidateProviderConfig", "", &diagnostics);
        diagnostics
    }

    /// Configures the provider and stores its data for later requests. A
    /// cancelled stop token is replaced here, because a new configuration
    /// starts a new command in debug mode.
    pub async fn configure_provider(
        &self,
        terraform_version: String,
        config: DynamicValue,
    ) -> Diagnostics {
        let mut diagnostics = Diagnostics::new();
        let config = match decode_value(&config, &self.provider_type, "provider configuration") {
            Ok(config) => config,
            Err(d) => {
                diagnostics.push(d);
                log_done("ConfigureProvider", "", &diagnostics);
                return diagnostics;
            }
        };
        {
            let mut cancel = self.cancel.lock().unwrap_or_else(PoisonError::into_inner);
            if cancel.is_cancelled() {
                *cancel = CancellationToken::new();
            }
        }
        let response = self
            .provider
            .configure(ConfigureRequest {
                terraform_version,
                config,
            })
            .await;
        *self
            .provider_data
            .write()
            .unwrap_or_else(PoisonError::into_inner) = response.provider_data;
        diagnostics.extend(response.diagnostics);
        log_done("ConfigureProvider", "", &diagnostics);
        diagnostics
    }

    pub async fn validate_resource_config(
        &self,
        type_name: &str,
        config: DynamicValue,
    ) -> Diagnostics {
        let mut diagnostics = Diagnostics::new();
        match self.resource_entry(type_name) {
            Ok(entry) => match decode_value(&config, &entry.ty, "resource configuration") {
                Ok(config) => {
                    diagnostics.extend(validate_schema(&entry.schema.block, &config));
                    diagnostics.extend(
                        entry
                            .resource
                            .validate_config(ValidateConfigRequest { config })
                            .await,
                    );
                }
                Err(d) => diagnostics.push(d),
            },
            Err(d) => diagnostics.push(d),
        }
        log_done("ValidateResourceConfig", type_name, &diagnostics);
        diagnostics
    }

    pub async fn validate_data_resource_config(
        &self,
        type_name: &str,
        config: DynamicValue,
    ) -> Diagnostics {
        let mut diagnostics = Diagnostics::new();
        match self.data_source_entry(type_name) {
            Ok(entry) => match decode_value(&config, &entry.ty, "data source configuration") {
                Ok(config) => {
                    diagnostics.extend(validate_schema(&entry.schema.block, &config));
                    diagnostics.extend(entry.data_source.validate_config(config).await);
                }
                Err(d) => diagnostics.push(d),
            },
            Err(d) => diagnostics.push(d),
        }
        log_done("ValidateDataResourceConfig", type_name, &diagnostics);
        diagnostics
    }
}
