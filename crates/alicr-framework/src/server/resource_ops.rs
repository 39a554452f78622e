//! UpgradeResourceState, ReadResource and ImportResourceState: the operations
//! that produce a resource's state without a plan.

use super::{
    decode_value, encode_value, log_done, private_bytes, DynamicValue, ImportResourceStateResponse,
    ImportedResource, ProviderServer, ReadResourceResponse, UpgradeResourceStateResponse,
};
use crate::consistency::{check_read, to_diagnostics, Phase};
use crate::diagnostics::Diagnostic;
use crate::msgpack::NumberEncoding;
use crate::private::Private;
use crate::resource::{ImportStateRequest, ReadRequest, UpgradeStateRequest};
use crate::shape::{complete, null_write_only};
use crate::value::Value;

impl ProviderServer {
    /// Upgrades stored state (JSON in the shape of schema `version`) to the
    /// current schema and returns it as msgpack. Terraform calls this on every
    /// read of state, also when the version is current.
    pub async fn upgrade_resource_state(
        &self,
        type_name: &str,
        version: i64,
        raw_state_json: Vec<u8>,
    ) -> UpgradeResourceStateResponse {
        let mut response = UpgradeResourceStateResponse::default();
        match self.upgrade(type_name, version, &raw_state_json) {
            Ok(state) => response.upgraded_state = Some(state),
            Err(diagnostics) => response.diagnostics.extend(diagnostics),
        }
        log_done("UpgradeResourceState", type_name, &response.diagnostics);
        response
    }

    fn upgrade(
        &self,
        type_name: &str,
        version: i64,
        raw_state_json: &[u8],
    ) -> Result<DynamicValue, crate::diagnostics::Diagnostics> {
        let entry = self.resource_entry(type_name)?;
        let current_version = entry.schema.version;
        if version > current_version {
            return Err(Diagnostic::error(
                "Resource instance managed by newer provider version",
                format!(
                    "The state of this {type_name} was written with schema version {version}, but \
                     this provider build knows version {current_version} at most. Upgrade the \
                     provider to the version that wrote the state."
                ),
            )
            .into());
        }
        let raw_state = if raw_state_json.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_slice(raw_state_json).map_err(|e| {
                Diagnostic::error(
                    "Invalid value from Terraform",
                    format!("The stored state of this {type_name} is not valid JSON: {e}."),
                )
            })?
        };
        // Terraform upgrades on every read of state, so the common case of a
        // current version skips the resource's upgrader entirely.
        let mut upgraded = if version == current_version {
            raw_state
        } else {
            entry
                .resource
                .upgrade_state(UpgradeStateRequest { version, raw_state })?
        };
        if version == current_version {
            crate::json::strip_unknown_attributes(&mut upgraded, &entry.ty);
        }
        let value = crate::json::decode(&upgraded, &entry.ty).map_err(|e| {
            Diagnostic::error(
                "Invalid upgraded state",
                format!(
                    "The state of this {type_name} (schema version {version}) does not fit schema \
                     version {current_version}: {e}. This is a bug in the provider's state \
                     upgrade; please report it."
                ),
            )
        })?;
        let value = null_write_only(&entry.schema.block, &complete(&entry.schema.block, &value));
        encode_value(
            &value,
            &entry.ty,
            NumberEncoding::Standard,
            "upgraded state",
        )
        .map_err(Into::into)
    }

    /// Refreshes a resource. A null new state means the remote object is gone.
    /// Numbers are sent as decimal text, which keeps Terraform 1.14 and older
    /// from reporting unchanged numbers as drift.
    pub async fn read_resource(
        &self,
        type_name: &str,
        current_state: DynamicValue,
        private: Vec<u8>,
    ) -> ReadResourceResponse {
        let mut response = ReadResourceResponse::default();
        let entry = match self.resource_entry(type_name) {
            Ok(entry) => entry,
            Err(d) => {
                response.diagnostics.push(d);
                log_done("ReadResource", type_name, &response.diagnostics);
                return response;
            }
        };
        let current = match decode_value(&current_state, &entry.ty, "current state") {
            Ok(current) => current,
            Err(d) => {
                response.diagnostics.push(d);
                log_done("ReadResource", type_name, &response.diagnostics);
                return response;
            }
        };
        response.private = private.clone();
        if current.is_null() {
            response.new_state = encode_value(
                &Value::Null,
                &entry.ty,
                NumberEncoding::DecimalString,
                "state",
            )
            .ok();
            log_done("ReadResource", type_name, &response.diagnostics);
            return response;
        }

        let request = ReadRequest {
            ctx: self.context(),
            current_state: current.clone(),
            private: Private::from_bytes(&private),
        };
        let result = entry.resource.read(request).await;
        response.diagnostics.extend(result.diagnostics);
        response.private = private_bytes(&result.private, &private);

        let block = &entry.schema.block;
        let new_state = if result.new_state.is_null() {
            // With an error, Terraform keeps the current state anyway. Without
            // one, null means the object is gone.
            if response.diagnostics.has_error() {
                current
            } else {
                Value::Null
            }
        } else {
            let completed = complete(block, &result.new_state);
            let completed = crate::timeouts::keep_prior_timeouts(block, &current, completed);
            let (value, violations) = check_read(block, &current, &completed);
            response
                .diagnostics
                .extend(to_diagnostics(Phase::Read, type_name, violations));
            value
        };
        match encode_value(
            &new_state,
            &entry.ty,
            NumberEncoding::DecimalString,
            "refreshed state",
        ) {
            Ok(state) => response.new_state = Some(state),
            Err(d) => response.diagnostics.push(d),
        }
        log_done("ReadResource", type_name, &response.diagnostics);
        response
    }

    /// Imports an object by ID. The resource returns a partial state; the
    /// framework completes it (null attributes, empty blocks) and Terraform
    /// calls ReadResource with it next.
    pub async fn import_resource_state(
        &self,
        type_name: &str,
        id: String,
    ) -> ImportResourceStateResponse {
        let mut response = ImportResourceStateResponse::default();
        let entry = match self.resource_entry(type_name) {
            Ok(entry) => entry,
            Err(d) => {
                response.diagnostics.push(d);
                log_done("ImportResourceState", type_name, &response.diagnostics);
                return response;
            }
        };
        let result = entry
            .resource
            .import_state(ImportStateRequest {
                ctx: self.context(),
                id: id.clone(),
            })
            .await;
        response.diagnostics.extend(result.diagnostics);
        if response.diagnostics.has_error() {
            log_done("ImportResourceState", type_name, &response.diagnostics);
            return response;
        }
        if result.new_state.is_null() {
            response.diagnostics.push(Diagnostic::error(
                "Import returned no object",
                format!(
                    "Importing {type_name} with ID {id:?} returned no state. This is a bug in the \
                     provider; please report it."
                ),
            ));
            log_done("ImportResourceState", type_name, &response.diagnostics);
            return response;
        }
        let block = &entry.schema.block;
        let (value, violations) =
            check_read(block, &Value::Null, &complete(block, &result.new_state));
        response
            .diagnostics
            .extend(to_diagnostics(Phase::Read, type_name, violations));
        match encode_value(
            &value,
            &entry.ty,
            NumberEncoding::Standard,
            "imported state",
        ) {
            Ok(state) => response.imported_resources.push(ImportedResource {
                type_name: type_name.to_string(),
                state,
                private: result.private.to_bytes(),
            }),
            Err(d) => response.diagnostics.push(d),
        }
        log_done("ImportResourceState", type_name, &response.diagnostics);
        response
    }
}
