//! The data sources of the alicr provider: read-only lookups that never change
//! cloud state.

pub mod builds;
pub mod repository;
pub mod vpc_build_zones;

use std::sync::Arc;

use alicr_framework::DataSource;

/// Returns every data source the provider offers.
pub fn all() -> Vec<Arc<dyn DataSource>> {
    vec![
        Arc::new(repository::RepositoryDataSource),
        Arc::new(vpc_build_zones::VpcBuildZones),
        Arc::new(builds::Builds::new()),
    ]
}
