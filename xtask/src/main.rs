//! Project tasks that are easier in Rust than in make.
//!
//! `cargo xtask docs` regenerates `docs/` in the Terraform Registry layout from
//! the provider's real schema (read through `terraform providers schema -json`)
//! and the example files under `examples/`; `--check` fails when the committed
//! docs are stale instead of writing them. Hand-written pages under
//! `docs/guides/` are left alone.

mod docs;
mod render;

use anyhow::{bail, Result};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("docs") => docs::run(args.iter().any(|a| a == "--check")),
        _ => bail!("usage: cargo xtask docs [--check]"),
    }
}
