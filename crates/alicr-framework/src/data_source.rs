//! The [`DataSource`] trait: a read-only lookup evaluated during plan when its
//! configuration is known, and during apply otherwise.

use async_trait::async_trait;

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::schema::Schema;
use crate::value::Value;

/// Request to read a data source.
#[derive(Debug, Clone)]
pub struct ReadDataSourceRequest {
    pub ctx: Context,
    /// Wholly known configuration; computed attributes are null.
    pub config: Value,
}

/// Result of reading a data source: a complete, wholly known object.
#[derive(Debug, Clone, Default)]
pub struct ReadDataSourceResponse {
    pub state: Value,
    pub diagnostics: Diagnostics,
}

/// A data source type.
#[async_trait]
pub trait DataSource: Send + Sync + 'static {
    /// The full type name, such as `alicr_repository`.
    fn type_name(&self) -> &'static str;

    fn schema(&self) -> Schema;

    /// Checks the configuration as a whole; values may be unknown.
    async fn validate_config(&self, _config: Value) -> Diagnostics {
        Diagnostics::new()
    }

    async fn read(&self, request: ReadDataSourceRequest) -> ReadDataSourceResponse;
}
