//! `terraform-provider-alicr`: the process Terraform starts. It parses the few
//! command-line flags, installs logging, and serves the provider; everything else
//! lives in the library and the `alicr-protocol` crate.

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

/// Terraform provider for Alibaba Cloud Container Registry Enterprise Edition.
///
/// Terraform starts this program itself; run it by hand only with `--debug`.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Serve without TLS and print a TF_REATTACH_PROVIDERS line, for attaching
    /// a debugger; runs until interrupted.
    #[arg(long)]
    debug: bool,
}

const PROVIDER_ADDRESS: &str = "registry.terraform.io/alicr/alicr";

fn main() -> ExitCode {
    // Terraform starts the provider with no arguments; skipping clap then
    // saves part of the start-up that Terraform waits for on every launch.
    let args = if std::env::args_os().len() > 1 {
        Args::parse()
    } else {
        Args { debug: false }
    };
    alicr_protocol::logging::init();
    // Two workers serve any number of concurrent RPCs, because the work is
    // waiting on the API; a fixed count also skips probing the CPU quota.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("terraform-provider-alicr: failed to start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let provider = Arc::new(terraform_provider_alicr::provider::AlicrProvider::new());
    let options = alicr_protocol::ServeOptions {
        provider_address: PROVIDER_ADDRESS.to_string(),
        debug: args.debug,
    };
    match runtime.block_on(alicr_protocol::serve(provider, options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("terraform-provider-alicr: {error}");
            ExitCode::FAILURE
        }
    }
}
