//! A test-only Terraform provider, `corner`, that exercises the protocol's
//! corner cases (every attribute kind, a nested block, a data source and a
//! function) against a local JSON file store. It is not shipped; the crate's
//! tests build it and drive it with the real `terraform`.
//!
//! Objects live in `$CORNER_STORE_DIR/<id>.json`. `--debug` serves for
//! `TF_REATTACH_PROVIDERS`.

mod provider;

use std::process::ExitCode;
use std::sync::Arc;

#[tokio::main]
async fn main() -> ExitCode {
    alicr_protocol::logging::init_with(
        "provider.terraform-provider-corner",
        alicr_protocol::logging::level_from_env(
            &["TF_LOG_PROVIDER_CORNER", "TF_LOG_PROVIDER", "TF_LOG"],
            |name| std::env::var(name).ok(),
        ),
    );
    let options = alicr_protocol::ServeOptions::from_args(provider::ADDRESS);
    alicr_protocol::exit_code(
        alicr_protocol::serve(Arc::new(provider::CornerProvider), options).await,
    )
}
