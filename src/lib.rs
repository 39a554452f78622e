//! The alicr Terraform provider for Alibaba Cloud Container Registry Enterprise
//! Edition: provider configuration, resources, data sources and functions.
//!
//! The binary (`src/main.rs`) serves [`provider::AlicrProvider`] over Terraform's
//! plugin protocol through `alicr-protocol`.

pub mod provider;
