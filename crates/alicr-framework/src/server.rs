//! The engine behind the protocol: one method per tfplugin6 operation, taking
//! and returning wire values as opaque [`DynamicValue`] bytes. The protocol crate
//! calls these methods and does nothing else; everything Terraform checks is
//! enforced here.
//!
//! Schemas are built once, when the server is created, because Terraform may
//! skip GetProviderSchema in later provider processes.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::function::FunctionDefinition;
use crate::function::FunctionError;
use crate::path::AttributePath;
use crate::provider::Provider;
use crate::schema::Schema;

/// A value on the wire: msgpack (always preferred) or JSON. Both empty means null.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DynamicValue {
    pub msgpack: Vec<u8>,
    pub json: Vec<u8>,
}

/// Capabilities the server announces in GetProviderSchema.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServerCapabilities {
    pub plan_destroy: bool,
    pub get_provider_schema_optional: bool,
    pub move_resource_state: bool,
}

/// Everything GetProviderSchema returns.
#[derive(Debug, Clone)]
pub struct ProviderSchemas {
    pub provider: Schema,
    pub resources: BTreeMap<String, Schema>,
    pub data_sources: BTreeMap<String, Schema>,
    pub functions: BTreeMap<String, FunctionDefinition>,
    pub server_capabilities: ServerCapabilities,
    pub diagnostics: Diagnostics,
}

/// Result of UpgradeResourceState.
#[derive(Debug, Clone, Default)]
pub struct UpgradeResourceStateResponse {
    pub upgraded_state: Option<DynamicValue>,
    pub diagnostics: Diagnostics,
}

/// Result of ReadResource.
#[derive(Debug, Clone, Default)]
pub struct ReadResourceResponse {
    /// `None` or a null value: the object is gone.
    pub new_state: Option<DynamicValue>,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

/// Result of PlanResourceChange.
#[derive(Debug, Clone, Default)]
pub struct PlanResourceChangeResponse {
    pub planned_state: Option<DynamicValue>,
    pub requires_replace: Vec<AttributePath>,
    pub planned_private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

/// Result of ApplyResourceChange.
#[derive(Debug, Clone, Default)]
pub struct ApplyResourceChangeResponse {
    pub new_state: Option<DynamicValue>,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

/// One object returned by ImportResourceState.
#[derive(Debug, Clone, Default)]
pub struct ImportedResource {
    pub type_name: String,
    pub state: DynamicValue,
    pub private: Vec<u8>,
}

/// Result of ImportResourceState.
#[derive(Debug, Clone, Default)]
pub struct ImportResourceStateResponse {
    pub imported_resources: Vec<ImportedResource>,
    pub diagnostics: Diagnostics,
}

/// Result of ReadDataSource.
#[derive(Debug, Clone, Default)]
pub struct ReadDataSourceResponse {
    pub state: Option<DynamicValue>,
    pub diagnostics: Diagnostics,
}

/// Result of CallFunction.
#[derive(Debug, Clone, Default)]
pub struct CallFunctionResponse {
    pub result: Option<DynamicValue>,
    pub error: Option<FunctionError>,
}

/// Serves one provider implementation.
pub struct ProviderServer {
    provider: Arc<dyn Provider>,
}

impl std::fmt::Debug for ProviderServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderServer")
            .field("provider", &self.provider.type_name())
            .finish_non_exhaustive()
    }
}

fn not_implemented(operation: &str) -> Diagnostics {
    Diagnostic::error(
        "Operation not implemented",
        format!("{operation} is not implemented yet by this provider build."),
    )
    .into()
}

// NOTE: the method bodies below are placeholders; the engine fills them in.
impl ProviderServer {
    /// Builds the server and every schema once.
    pub fn new(provider: Arc<dyn Provider>) -> ProviderServer {
        ProviderServer { provider }
    }

    pub fn get_provider_schema(&self) -> ProviderSchemas {
        ProviderSchemas {
            provider: self.provider.schema(),
            resources: BTreeMap::new(),
            data_sources: BTreeMap::new(),
            functions: BTreeMap::new(),
            server_capabilities: ServerCapabilities::default(),
            diagnostics: Diagnostics::new(),
        }
    }

    pub async fn validate_provider_config(&self, _config: DynamicValue) -> Diagnostics {
        not_implemented("ValidateProviderConfig")
    }

    pub async fn configure_provider(&self, _terraform_version: String, _config: DynamicValue) -> Diagnostics {
        not_implemented("ConfigureProvider")
    }

    pub async fn validate_resource_config(&self, _type_name: &str, _config: DynamicValue) -> Diagnostics {
        not_implemented("ValidateResourceConfig")
    }

    pub async fn validate_data_resource_config(&self, _type_name: &str, _config: DynamicValue) -> Diagnostics {
        not_implemented("ValidateDataResourceConfig")
    }

    /// `raw_state_json` is the stored state in the shape of `version`.
    pub async fn upgrade_resource_state(
        &self,
        _type_name: &str,
        _version: i64,
        _raw_state_json: Vec<u8>,
    ) -> UpgradeResourceStateResponse {
        UpgradeResourceStateResponse {
            diagnostics: not_implemented("UpgradeResourceState"),
            ..Default::default()
        }
    }

    pub async fn read_resource(
        &self,
        _type_name: &str,
        _current_state: DynamicValue,
        _private: Vec<u8>,
    ) -> ReadResourceResponse {
        ReadResourceResponse {
            diagnostics: not_implemented("ReadResource"),
            ..Default::default()
        }
    }

    pub async fn plan_resource_change(
        &self,
        _type_name: &str,
        _prior_state: DynamicValue,
        _proposed_new_state: DynamicValue,
        _config: DynamicValue,
        _prior_private: Vec<u8>,
    ) -> PlanResourceChangeResponse {
        PlanResourceChangeResponse {
            diagnostics: not_implemented("PlanResourceChange"),
            ..Default::default()
        }
    }

    pub async fn apply_resource_change(
        &self,
        _type_name: &str,
        _prior_state: DynamicValue,
        _planned_state: DynamicValue,
        _config: DynamicValue,
        _planned_private: Vec<u8>,
    ) -> ApplyResourceChangeResponse {
        ApplyResourceChangeResponse {
            diagnostics: not_implemented("ApplyResourceChange"),
            ..Default::default()
        }
    }

    pub async fn import_resource_state(&self, _type_name: &str, _id: String) -> ImportResourceStateResponse {
        ImportResourceStateResponse {
            diagnostics: not_implemented("ImportResourceState"),
            ..Default::default()
        }
    }

    pub async fn read_data_source(&self, _type_name: &str, _config: DynamicValue) -> ReadDataSourceResponse {
        ReadDataSourceResponse {
            diagnostics: not_implemented("ReadDataSource"),
            ..Default::default()
        }
    }

    /// `arguments` holds one value per parameter, typed by that parameter.
    pub async fn call_function(&self, _name: &str, _arguments: Vec<DynamicValue>) -> CallFunctionResponse {
        CallFunctionResponse {
            error: Some(FunctionError {
                text: "functions are not implemented yet".into(),
                function_argument: None,
            }),
            ..Default::default()
        }
    }

    /// Cancels every in-flight operation (Terraform's StopProvider).
    pub fn stop_provider(&self) {}
}
