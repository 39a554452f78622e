//! Terraform's plugin protocol 6 (tfplugin6, minor 6.8) and the go-plugin
//! process contract, served from an [`alicr_framework::Provider`].
//!
//! A provider binary's `main` needs two calls:
//!
//! ```no_run
//! # use std::sync::Arc;
//! # async fn run(provider: Arc<dyn alicr_framework::Provider>) -> std::process::ExitCode {
//! alicr_protocol::logging::init();
//! let options = alicr_protocol::ServeOptions::from_args("registry.terraform.io/alicr/alicr");
//! alicr_protocol::exit_code(alicr_protocol::serve(provider, options).await)
//! # }
//! ```
//!
//! # Layout
//!
//! - [`proto`]: code generated from `proto/` (tfplugin6 and go-plugin's services).
//! - [`convert`]: framework types to and from protobuf messages.
//! - [`service`]: the `tfplugin6.Provider` service, one translation per RPC.
//! - [`plugin_services`]: go-plugin's controller, stdio and broker services.
//! - [`handshake`], [`listener`], [`tls`], [`server`]: the process contract
//!   (magic cookie, unix socket, AutoMTLS, handshake line, debug mode).
//! - [`logging`]: JSON log lines on stderr in the shape Terraform parses.
//!
//! This crate contains no provider logic. Every decision about values, plans and
//! diagnostics is made by [`alicr_framework::server::ProviderServer`].

pub mod convert;
pub mod handshake;
pub mod listener;
pub mod logging;
mod panic_guard;
pub mod plugin_services;
pub mod proto;
pub mod server;
pub mod service;
pub mod tls;

pub use server::{exit_code, plugin_router, serve, ServeError, ServeOptions};
