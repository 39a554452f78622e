//! Conversions between framework types and tfplugin6 messages. Each function
//! maps one type, and nothing here decides anything about values or plans.

mod diagnostics;
mod schema;

pub use diagnostics::{
    attribute_path_to_proto, diagnostic_to_proto, diagnostics_to_proto, dynamic_value_from_proto,
    dynamic_value_to_proto, error_diagnostics, function_error_to_proto,
};
pub use schema::{
    function_to_proto, functions_to_proto, metadata_to_proto, provider_schemas_to_proto,
    schema_to_proto, server_capabilities_to_proto,
};
