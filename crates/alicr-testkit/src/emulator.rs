//! Starts `alicr-emulator` in-process on an ephemeral loopback port for one test
//! file, with its built-in default seed, and describes how the provider reaches it.
// NOTE: filled in once the emulator's library API lands.

/// A running emulator owned by a test.
#[derive(Debug)]
pub struct TestEmulator;
