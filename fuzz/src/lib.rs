//! Fuzz targets for alicr's decoders and the emulator's request parsing, run
//! by AFL++ through cargo-afl on the stable toolchain (`scripts/drills.sh`).

#[path = "targets.rs"]
pub mod targets;
