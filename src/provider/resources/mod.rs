//! The managed resource types of the alicr provider, one per file, with the
//! helpers they share (`common`, `timeouts`) and the plan-time checks that
//! need the API (`*_plan`).

pub mod build;
pub mod build_rule;
mod build_start;
pub mod build_wait;
pub mod common;
pub mod gitlab_source;
mod gitlab_source_plan;
pub mod repo_source;
pub mod timeouts;
pub mod vpc_link;
mod vpc_link_plan;

use std::sync::Arc;

use alicr_framework::Resource;

/// Returns every resource type the provider offers.
pub fn all() -> Vec<Arc<dyn Resource>> {
    vec![
        Arc::new(vpc_link::VpcLink),
        Arc::new(gitlab_source::GitlabSource),
        Arc::new(repo_source::RepoSource),
        Arc::new(build_rule::BuildRuleResource),
        Arc::new(build::Build::new()),
    ]
}
