//! Test helpers for acceptance tests: run the real `terraform` binary offline
//! against the built provider, and start `alicr-emulator` in-process on
//! loopback. Nothing here reaches beyond 127.0.0.1: every Terraform run gets its
//! own CLI configuration with the checkpoint disabled and the provider taken
//! from a dev override or a local filesystem mirror.

pub mod emulator;
pub mod terraform;

pub use emulator::{TestEmulator, REQUIRED_PROVIDERS};
pub use terraform::{Output, Workspace};
