//! alicr-emulator: a local Alibaba Cloud Container Registry EE API with durable state, several
//! accounts, STS roles and injectable faults, for the alicr provider's demo and tests.
//!
//! # Layout
//!
//! - [`emulator`]: `EmulatorConfig`, `Emulator::start`, `RunningEmulator`.
//! - `server`: the accept loop and the API request pipeline.
//! - `auth` and `signing`: V1/V3 signature checks, timestamps, nonces, STS tokens.
//! - `wire`: parameters, error codes and response envelopes.
//! - `actions`: the `Action` enum and one file per action group.
//! - `store` and `model`: the SQLite state and the stored object types.
//! - [`seed`], [`realism`], [`admin`]: the seed file, fault settings and the admin surface.
//!
//! ```no_run
//! # async fn demo() -> Result<(), alicr_emulator::EmulatorError> {
//! use alicr_emulator::{Emulator, EmulatorConfig, Realism};
//! let emulator = Emulator::start(EmulatorConfig { realism: Realism::instant(), ..Default::default() }).await?;
//! println!("{}", emulator.url());
//! emulator.shutdown().await;
//! # Ok(()) }
//! ```

mod actions;
pub mod admin;
mod app;
mod auth;
mod auth_v3_headers;
pub mod emulator;
mod ids;
mod model;
pub mod realism;
pub mod seed;
mod server;
mod signing;
mod store;
pub mod wire;

pub use admin::{Admin, ConsoleResult};
pub use app::RequestCounts;
pub use emulator::{Emulator, EmulatorConfig, EmulatorError, RunningEmulator};
pub use realism::Realism;
pub use seed::{Seed, SeedError};
pub use wire::{ApiError, Params};

/// The demo account's ID in the default seed.
pub const DEMO_ACCOUNT_ID: &str = "1234567890123456";
/// The demo account's access key ID in the default seed.
pub const DEMO_ACCESS_KEY_ID: &str = "LTAIdemoaccesskey0001";
/// The demo account's access key secret in the default seed (a fixed, public test value).
pub const DEMO_ACCESS_KEY_SECRET: &str = "demo-secret-0001-not-a-real-key";
/// The demo instance's ID in the default seed.
pub const DEMO_INSTANCE_ID: &str = "cri-demo000000000001";
/// The second account's ID in the default seed.
pub const SECOND_ACCOUNT_ID: &str = "2345678901234567";
/// The second account's access key ID in the default seed.
pub const SECOND_ACCESS_KEY_ID: &str = "LTAIdemoaccesskey0002";
/// The second account's access key secret in the default seed.
pub const SECOND_ACCESS_KEY_SECRET: &str = "demo-secret-0002-not-a-real-key";
/// The role in the second account that the demo account may assume.
pub const SECOND_ACCOUNT_ROLE_ARN: &str = "acs:ram::2345678901234567:role/alicr-deployer";
