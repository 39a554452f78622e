//! The `alicr` provider: configuration, resources, data sources and functions.
