//! The [`Resource`] trait: what a managed resource type implements, and the
//! request and response of each operation.
//!
//! The framework does the protocol work around these calls: it decodes values,
//! runs schema validators, builds the plan (defaults, unknown computed values,
//! force-new, write-only nulling), and checks each result against what
//! Terraform will accept before sending it.

use async_trait::async_trait;

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::path::AttributePath;
use crate::private::Private;
use crate::schema::Schema;
use crate::value::Value;

/// Request to validate a resource configuration beyond per-attribute
/// validators. Values may be unknown; skip checks on unknown values.
#[derive(Debug, Clone)]
pub struct ValidateConfigRequest {
    pub config: Value,
}

/// Request to adjust a planned change after the framework applied the schema's
/// plan rules. Plan-time checks that need the API (a vSwitch's zone) go here.
#[derive(Debug)]
pub struct ModifyPlanRequest {
    pub ctx: Context,
    pub config: Value,
    /// Null on create.
    pub prior_state: Value,
    /// The plan so far; the resource may change computed values in it.
    pub planned_state: Value,
    /// Paths that force replacement; the resource may add more.
    pub requires_replace: Vec<AttributePath>,
    pub private: Private,
    pub diagnostics: Diagnostics,
}

/// Request to create a remote object.
#[derive(Debug, Clone)]
pub struct CreateRequest {
    pub ctx: Context,
    /// Configuration including write-only values.
    pub config: Value,
    /// The plan: every known value must come back unchanged.
    pub planned_state: Value,
    pub private: Private,
}

/// Result of a create, update or read.
#[derive(Debug, Clone, Default)]
pub struct StateResponse {
    /// Null means "no object" (after read: it is gone). With an error, a non-null
    /// state is saved as tainted so nothing already created is lost.
    pub new_state: Value,
    pub private: Private,
    pub diagnostics: Diagnostics,
}

/// Request to refresh the state of a remote object.
#[derive(Debug, Clone)]
pub struct ReadRequest {
    pub ctx: Context,
    pub current_state: Value,
    pub private: Private,
}

/// Request to update a remote object in place.
#[derive(Debug, Clone)]
pub struct UpdateRequest {
    pub ctx: Context,
    pub config: Value,
    pub prior_state: Value,
    pub planned_state: Value,
    pub private: Private,
}

/// Request to delete a remote object.
#[derive(Debug, Clone)]
pub struct DeleteRequest {
    pub ctx: Context,
    pub prior_state: Value,
    pub private: Private,
}

/// Request to import an existing object by its import ID.
#[derive(Debug, Clone)]
pub struct ImportStateRequest {
    pub ctx: Context,
    pub id: String,
}

/// Request to upgrade state written with an older schema version.
#[derive(Debug, Clone)]
pub struct UpgradeStateRequest {
    /// The schema version the state was written with.
    pub version: i64,
    /// The stored state, in the shape of that version.
    pub raw_state: serde_json::Value,
}

/// A managed resource type.
#[async_trait]
pub trait Resource: Send + Sync + 'static {
    /// The full type name, such as `alicr_vpc_link`.
    fn type_name(&self) -> &'static str;

    /// The schema; built once per process by the server.
    fn schema(&self) -> Schema;

    /// Checks the configuration as a whole (attribute combinations).
    async fn validate_config(&self, _request: ValidateConfigRequest) -> Diagnostics {
        Diagnostics::new()
    }

    /// Adjusts the plan; called on create and update plans, never on destroy.
    async fn modify_plan(&self, _request: &mut ModifyPlanRequest) {}

    async fn create(&self, request: CreateRequest) -> StateResponse;

    /// Returns the current remote values, or a null state when the object is gone.
    async fn read(&self, request: ReadRequest) -> StateResponse;

    async fn update(&self, request: UpdateRequest) -> StateResponse;

    /// Deletes the object; an object already gone counts as deleted.
    async fn delete(&self, request: DeleteRequest) -> Diagnostics;

    /// Returns a partial state from an import ID; the framework fills the other
    /// attributes with null and then calls [`Resource::read`].
    async fn import_state(&self, request: ImportStateRequest) -> StateResponse {
        let mut response = StateResponse::default();
        response.diagnostics.error(
            "Import not supported",
            format!(
                "{} cannot be imported; remove the import block or command.",
                self.type_name()
            ),
        );
        let _ = request;
        response
    }

    /// Converts state written with an older schema version to the current
    /// schema's shape. Called only for older versions; the default rejects them.
    fn upgrade_state(
        &self,
        request: UpgradeStateRequest,
    ) -> Result<serde_json::Value, Diagnostics> {
        Err(crate::diagnostics::Diagnostic::error(
            "Unsupported state version",
            format!(
                "State of {} was written with schema version {}, which this provider \
                 version cannot upgrade. Use the provider version that wrote it, or remove \
                 the object from state and import it again.",
                self.type_name(),
                request.version
            ),
        )
        .into())
    }
}
