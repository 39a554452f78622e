//! The wire format shared by every action: request parameters, error codes and response envelopes.

pub mod error;
pub mod params;
pub mod reply;

pub use error::ApiError;
pub use params::Params;
pub use reply::{Product, Reply};
