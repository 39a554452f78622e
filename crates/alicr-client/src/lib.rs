//! API client for Alibaba Cloud Container Registry Enterprise Edition (`cr`, 2018-12-01),
//! plus the VPC (2016-04-28) lookups and STS AssumeRole that the provider needs.
//!
//! # Layout
//! - [`config`]: [`Config`], credential sources, endpoint rules (no network in construction).
//! - [`credentials`]: static keys, profile file, ECS RAM role, AssumeRole with a shared cache.
//! - `signing`: RFC 3986 encoding, signature V1 (HMAC-SHA1) and V3 (ACS3-HMAC-SHA256).
//! - `transport`, `retry`, `engine`: one attempt, the retry rules, and the call loop.
//! - `envelope`, [`error`]: reading responses into values or typed [`Error`]s.
//! - `coalesce`: shared in-flight reads with a short cache.
//! - [`model`]: typed requests and responses, with the API's type quirks handled once.
//! - `operations`: one `CrClient` method per action. `operations/project_defined.rs` contains
//!   the operations alicr defines itself, which are not Alibaba API.
//!
//! # Example
//! ```no_run
//! # async fn run() -> alicr_client::Result<()> {
//! use alicr_client::{Config, CredentialSource, CrClient, Secret};
//! let credentials = CredentialSource::Static {
//!     access_key_id: "id".into(),
//!     access_key_secret: Secret::new("secret"),
//!     security_token: None,
//! };
//! let client = CrClient::new(Config::new("cn-hangzhou", credentials))?;
//! let rules = client.list_repo_build_rules("cri-…", "crr-…").await?;
//! # Ok(()) }
//! ```

mod client;
pub mod clock;
mod coalesce;
pub mod config;
pub mod credentials;
mod engine;
mod envelope;
pub mod error;
pub mod model;
mod operations;
mod params;
mod retry;
mod secret;
mod signing;
mod transport;

pub use client::{CallOptions, CrClient};
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{AssumeRoleConfig, Config, CredentialSource, Endpoints, SignatureVersion};
pub use credentials::Credentials;
pub use error::{Error, Result};
pub use model::*;
pub use secret::Secret;
