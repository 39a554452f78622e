//! A protocol-agnostic framework for writing Terraform providers in Rust.
//!
//! Provider code implements [`Provider`], [`Resource`], [`DataSource`] and
//! [`Function`] against decoded [`Value`]s and declarative [`schema`]s. The
//! [`server::ProviderServer`] turns those into the operations of Terraform's
//! plugin protocol: it decodes and encodes wire values, runs validators, plans
//! changes by the rules Terraform enforces, and checks every result before it
//! leaves the process, so a provider bug surfaces as a diagnostic that names the
//! attribute instead of "Provider produced inconsistent result".
//!
//! # Layout
//!
//! - [`types`], [`value`], [`msgpack`], [`json`]: the cty type system and its two
//!   wire forms, with [`codec`] (their shared error) and [`number`] (exact
//!   number text and wire forms).
//! - [`path`], [`diagnostics`]: attribute paths and user-facing messages.
//! - [`schema`], [`validators`], [`timeouts`], [`private`]: what a resource
//!   declares.
//! - [`resource`], [`data_source`], [`function`], [`provider`]: the traits provider
//!   code implements.
//! - [`plan`], [`consistency`], [`server`]: the engine behind the protocol, with
//!   [`validate`] (configuration checks) and [`shape`] (completing values to
//!   the schema's shape).
//!
//! Nothing here names a cloud service or a gRPC type; the `alicr-protocol` crate
//! translates between these types and tfplugin6.

pub mod codec;
pub mod consistency;
pub mod context;
pub mod data_source;
pub mod diagnostics;
pub mod function;
pub mod json;
pub mod msgpack;
pub mod number;
pub mod path;
pub mod plan;
pub mod private;
pub mod provider;
pub mod resource;
pub mod schema;
pub mod server;
pub mod shape;
pub mod timeouts;
pub mod types;
pub mod validate;
pub mod validators;
pub mod value;

pub use context::Context;
pub use data_source::DataSource;
pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use function::Function;
pub use path::AttributePath;
pub use provider::Provider;
pub use resource::Resource;
pub use schema::{Attribute, Block, NestedBlock, NestingMode, Schema};
pub use types::Type;
pub use value::Value;
