//! Typed request and response models. Wire quirks (string counts, string booleans, epoch-ms
//! times as strings or numbers) are absorbed here once, so operations and callers see plain
//! Rust types. Times stay epoch milliseconds (`*_ms`).

mod build;
mod project_defined;
mod registry;
mod vpc;
pub(crate) mod wire;

#[cfg(test)]
mod tests;

pub use build::{
    BuildLogLine, BuildRecord, BuildRecordImage, BuildRule, BuildRuleSpec, RepoSourceCodeRepo,
};
pub use project_defined::{BuildVpcLink, BuildVpcLinkSpec, CodeSource, CodeSourceSpec};
pub use registry::{CreateRepository, Instance, Namespace, Repository, Tag};
pub use vpc::{VSwitch, Vpc};

/// One page of a paged list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// Items on this page.
    pub items: Vec<T>,
    /// 1-based page number the server returned.
    pub page_no: i64,
    /// Page size the server used.
    pub page_size: i64,
    /// Total items over all pages.
    pub total_count: i64,
}
