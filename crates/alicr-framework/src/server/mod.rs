//! The engine behind the protocol: one method per tfplugin6 operation, taking
//! and returning wire values as opaque [`DynamicValue`] bytes. The protocol crate
//! calls these methods and does nothing else; everything Terraform checks is
//! enforced here.
//!
//! Schemas are built once, when the server is created, because Terraform may
//! skip GetProviderSchema in later provider processes.
//!
//! One file per group of operations: [`schemas`] builds and checks schemas,
//! `config_ops` validates configurations and configures the provider,
//! `resource_ops` upgrades, reads and imports resources, `change_ops` plans
//! and applies changes, and `data_ops` reads data sources and calls functions.

mod change_ops;
mod config_ops;
mod data_ops;
mod resource_ops;
pub mod schemas;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use tokio_util::sync::CancellationToken;

use crate::context::{Context, ProviderData};
use crate::data_source::DataSource;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::function::{Function, FunctionDefinition, FunctionError};
use crate::msgpack::NumberEncoding;
use crate::path::AttributePath;
use crate::provider::Provider;
use crate::resource::Resource;
use crate::schema::Schema;
use crate::types::Type;
use crate::value::Value;

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

/// A resource type with its schema, built once.
struct ResourceEntry {
    resource: Arc<dyn Resource>,
    schema: Schema,
    ty: Type,
}

/// A data source with its schema, built once.
struct DataSourceEntry {
    data_source: Arc<dyn DataSource>,
    schema: Schema,
    ty: Type,
}

/// A function with its definition, built once.
struct FunctionEntry {
    function: Arc<dyn Function>,
    definition: FunctionDefinition,
}

/// Serves one provider implementation. Safe to share between concurrent
/// requests.
pub struct ProviderServer {
    provider: Arc<dyn Provider>,
    provider_schema: Schema,
    provider_type: Type,
    resources: BTreeMap<String, ResourceEntry>,
    data_sources: BTreeMap<String, DataSourceEntry>,
    functions: BTreeMap<String, FunctionEntry>,
    /// Problems found while building schemas, returned by GetProviderSchema.
    schema_diagnostics: Diagnostics,
    /// Set by ConfigureProvider; replaced on every configuration because the
    /// debug (reattach) mode configures the same process once per connection.
    provider_data: RwLock<Option<ProviderData>>,
    /// Cancelled by StopProvider; every [`Context`] carries a clone.
    cancel: Mutex<CancellationToken>,
}

impl std::fmt::Debug for ProviderServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderServer")
            .field("provider", &self.provider.type_name())
            .field("resources", &self.resources.keys().collect::<Vec<_>>())
            .field(
                "data_sources",
                &self.data_sources.keys().collect::<Vec<_>>(),
            )
            .field("functions", &self.functions.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl ProviderServer {
    /// Builds the server and every schema once. Problems in the schemas (such
    /// as a duplicate type name) are returned by [`Self::get_provider_schema`]
    /// as error diagnostics, so Terraform shows them on the first command.
    pub fn new(provider: Arc<dyn Provider>) -> ProviderServer {
        let built = schemas::build(provider.as_ref());
        ProviderServer {
            provider_type: built.provider.implied_type(),
            provider_schema: built.provider,
            resources: built.resources,
            data_sources: built.data_sources,
            functions: built.functions,
            schema_diagnostics: built.diagnostics,
            provider,
            provider_data: RwLock::new(None),
            cancel: Mutex::new(CancellationToken::new()),
        }
    }

    /// Returns every schema and the server capabilities. Schemas are built
    /// eagerly, so `get_provider_schema_optional` is true. Terraform plans
    /// destroys itself, so `plan_destroy` is false.
    pub fn get_provider_schema(&self) -> ProviderSchemas {
        let response = ProviderSchemas {
            provider: self.provider_schema.clone(),
            resources: self
                .resources
                .iter()
                .map(|(k, e)| (k.clone(), e.schema.clone()))
                .collect(),
            data_sources: self
                .data_sources
                .iter()
                .map(|(k, e)| (k.clone(), e.schema.clone()))
                .collect(),
            functions: self
                .functions
                .iter()
                .map(|(k, e)| (k.clone(), e.definition.clone()))
                .collect(),
            server_capabilities: ServerCapabilities {
                plan_destroy: false,
                get_provider_schema_optional: true,
                move_resource_state: false,
            },
            diagnostics: self.schema_diagnostics.clone(),
        };
        log_done("GetProviderSchema", "", &response.diagnostics);
        response
    }

    /// Cancels every in-flight operation (Terraform's StopProvider). The next
    /// ConfigureProvider installs a fresh token, so a debug-mode process that
    /// serves another command afterwards is not left cancelled.
    pub fn stop_provider(&self) {
        self.cancel
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .cancel();
        log_done("StopProvider", "", &Diagnostics::new());
    }

    /// Builds the context for one request from the current cancellation token
    /// and the configured provider data.
    fn context(&self) -> Context {
        Context {
            cancel: self
                .cancel
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
            provider_data: self
                .provider_data
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        }
    }

    fn resource_entry(&self, type_name: &str) -> Result<&ResourceEntry, Diagnostic> {
        self.resources
            .get(type_name)
            .ok_or_else(|| unknown_type("resource type", type_name, self.resources.keys()))
    }

    fn data_source_entry(&self, type_name: &str) -> Result<&DataSourceEntry, Diagnostic> {
        self.data_sources
            .get(type_name)
            .ok_or_else(|| unknown_type("data source", type_name, self.data_sources.keys()))
    }
}

fn unknown_type<'a>(
    kind: &str,
    type_name: &str,
    known: impl Iterator<Item = &'a String>,
) -> Diagnostic {
    let known: Vec<&str> = known.map(String::as_str).collect();
    Diagnostic::error(
        format!("Unknown {kind}"),
        format!(
            "This provider has no {kind} named {type_name:?}; it has: {}. Check the name in the \
             configuration, or upgrade the provider if the {kind} is newer than this build.",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        ),
    )
}

/// Decodes a value Terraform sent: msgpack when present, else JSON, else null.
fn decode_value(value: &DynamicValue, ty: &Type, what: &str) -> Result<Value, Diagnostic> {
    let decoded = if !value.msgpack.is_empty() {
        crate::msgpack::decode(&value.msgpack, ty)
    } else if !value.json.is_empty() {
        crate::json::decode_bytes(&value.json, ty)
    } else {
        Ok(Value::Null)
    };
    decoded.map_err(|e| {
        let diagnostic = Diagnostic::error(
            "Invalid value from Terraform",
            format!(
                "The {what} sent by Terraform could not be decoded: {e}. The provider's schema \
                 may not match the one Terraform cached; run the command again, and report it if \
                 it persists."
            ),
        );
        match e.path() {
            Some(path) if !path.is_empty() => diagnostic.with_attribute(path.clone()),
            _ => diagnostic,
        }
    })
}

/// Encodes a value for Terraform as msgpack.
fn encode_value(
    value: &Value,
    ty: &Type,
    numbers: NumberEncoding,
    what: &str,
) -> Result<DynamicValue, Diagnostic> {
    crate::msgpack::encode(value, ty, numbers)
        .map(|msgpack| DynamicValue {
            msgpack,
            json: Vec::new(),
        })
        .map_err(|e| {
            Diagnostic::error(
                "Provider returned an invalid value",
                format!(
                    "The {what} does not match the schema: {e}. This is a bug in the provider; \
                     please report it."
                ),
            )
        })
}

/// Picks the private bytes to send: the resource's private state when it set
/// any, otherwise the bytes received (which keeps bytes that are not JSON).
fn private_bytes(returned: &crate::private::Private, received: &[u8]) -> Vec<u8> {
    // NOTE: an empty private map means "unchanged", so a resource cannot
    // clear every key at once; it can set a key to null instead.
    if returned.0.is_empty() {
        received.to_vec()
    } else {
        returned.to_bytes()
    }
}

/// Logs the end of one operation at TRACE, without any value.
fn log_done(rpc: &str, type_name: &str, diagnostics: &Diagnostics) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    tracing::trace!(
        tf_rpc = rpc,
        tf_resource_type = type_name,
        diagnostic_error_count = errors,
        "Finished operation"
    );
}
