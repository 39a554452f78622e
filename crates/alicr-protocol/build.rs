//! Compiles the vendored tfplugin6 and go-plugin protocol definitions in
//! `proto/` into Rust server code. protox parses the files in pure Rust
//! because there is no `protoc` on the build machines.

use std::path::PathBuf;

const PROTO_FILES: [&str; 4] = [
    "tfplugin6.proto",
    "plugin/grpc_controller.proto",
    "plugin/grpc_stdio.proto",
    "plugin/grpc_broker.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let proto_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../proto");
    for file in PROTO_FILES {
        println!("cargo:rerun-if-changed={}", proto_dir.join(file).display());
    }

    let descriptors = protox::compile(PROTO_FILES, [&proto_dir])?;
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(false)
        .compile_fds(descriptors)?;
    Ok(())
}
