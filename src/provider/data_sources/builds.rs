//! `alicr_builds`: the most recent builds of one repository, newest first,
//! for outputs and checks such as "did the last build of this repository
//! succeed".

use alicr_client::model::BuildRecord;
use alicr_client::{CrClient, Error as ApiError};
use alicr_framework::data_source::{ReadDataSourceRequest, ReadDataSourceResponse};
use alicr_framework::{
    Attribute, AttributePath, Block, Context, DataSource, Diagnostic, Diagnostics, Schema, Type,
    Value,
};
use async_trait::async_trait;

use crate::provider::resources::build_wait::{normalize_status, rfc3339_from_ms};
use crate::provider::resources::common::api_diagnostic;
use crate::provider::{api, client};

/// Builds returned when `limit` is not set.
const DEFAULT_LIMIT: i64 = 10;
/// Builds requested per ListRepoBuildRecord page; the API's examples use 30.
const PAGE_SIZE: u32 = 30;
/// Pages read at most, so a repository with a very long history cannot make
/// one plan call the API without end.
// NOTE: builds beyond MAX_PAGES * PAGE_SIZE are not seen; if the API lists
// oldest first, such a repository shows an older window of builds.
const MAX_PAGES: u32 = 50;

/// The `alicr_builds` data source.
#[derive(Debug, Default, Clone, Copy)]
pub struct Builds;

impl Builds {
    pub fn new() -> Self {
        Builds
    }
}

fn build_type() -> Type {
    Type::object([
        ("build_id", Type::String),
        ("status", Type::String),
        ("image_tag", Type::String),
        ("started_at", Type::String),
        ("finished_at", Type::String),
    ])
}

fn schema() -> Schema {
    let block = Block::new()
        .description("The most recent builds of a repository, newest first.")
        .attribute(
            Attribute::string("instance_id")
                .required()
                .description("Container Registry instance, `cri-...`."),
        )
        .attribute(
            Attribute::string("repo_id")
                .required()
                .description("Image repository, `crr-...`."),
        )
        .attribute(Attribute::number("limit").optional().description(&format!(
            "How many builds to return, at least 1. Default {DEFAULT_LIMIT}."
        )))
        .attribute(
            Attribute::new("builds", Type::list(build_type()))
                .computed()
                .description(
                    "The builds, newest first. Each has `build_id`, `status` (upper case, such as \
             `SUCCESS` or `BUILDING`), `image_tag`, and `started_at` and `finished_at` (RFC 3339, \
             UTC, null while unknown).",
                ),
        );
    Schema::new(0, block)
}

/// Returns `limit` from the configuration, or an error naming it when it is
/// not a whole number of at least 1. An unknown limit returns the default,
/// because Terraform reads the data source only once it is known.
fn limit(config: &Value) -> Result<i64, Diagnostic> {
    let value = config.get("limit");
    if !value.is_known() {
        return Ok(DEFAULT_LIMIT);
    }
    match value.as_i64() {
        Some(n) if n >= 1 => Ok(n),
        _ => Err(Diagnostic::error(
            "Invalid limit",
            format!(
                "limit is {}, but it must be a whole number of at least 1.",
                number_text(value)
            ),
        )
        .with_attribute(AttributePath::root("limit"))),
    }
}

fn number_text(value: &Value) -> String {
    value
        .as_number()
        .map_or_else(|| "not a number".to_string(), |n| n.to_string())
}

#[async_trait]
impl DataSource for Builds {
    fn type_name(&self) -> &'static str {
        "alicr_builds"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn validate_config(&self, config: Value) -> Diagnostics {
        limit(&config).err().into_iter().collect()
    }

    async fn read(&self, request: ReadDataSourceRequest) -> ReadDataSourceResponse {
        let mut response = ReadDataSourceResponse::default();
        let config = &request.config;
        let (Some(instance_id), Some(repo_id)) = (
            config.get("instance_id").as_str(),
            config.get("repo_id").as_str(),
        ) else {
            response.diagnostics.error(
                "Missing value",
                "instance_id and repo_id have no known value at read time. This is always a bug in the provider; please report it.",
            );
            return response;
        };
        let limit = match limit(config) {
            Ok(limit) => limit,
            Err(diagnostic) => {
                response.diagnostics.push(diagnostic);
                return response;
            }
        };
        let client = match client(&request.ctx) {
            Ok(client) => client,
            Err(diagnostic) => {
                response.diagnostics.push(diagnostic);
                return response;
            }
        };
        let records = match list_all(&request.ctx, &client, instance_id, repo_id).await {
            Ok(records) => records,
            Err(error) => {
                let operation =
                    format!("list the builds of repository {repo_id} in instance {instance_id}");
                response
                    .diagnostics
                    .push(api_diagnostic(&operation, &error));
                return response;
            }
        };
        let mut state = config.clone();
        state.set(
            "builds",
            Value::List(newest(records, limit).iter().map(build_value).collect()),
        );
        response.state = state;
        response
    }
}

/// Reads every page of a repository's builds, up to [`MAX_PAGES`].
async fn list_all(
    ctx: &Context,
    client: &CrClient,
    instance_id: &str,
    repo_id: &str,
) -> Result<Vec<BuildRecord>, ApiError> {
    let mut records = Vec::new();
    for page_no in 1..=MAX_PAGES {
        let call = client.list_repo_build_records(instance_id, repo_id, page_no, PAGE_SIZE);
        let page = api::cancellable(ctx, "ListRepoBuildRecord", call).await?;
        let received = page.items.len();
        records.extend(page.items);
        let total = usize::try_from(page.total_count).unwrap_or(0);
        if received == 0 || records.len() >= total {
            break;
        }
    }
    Ok(records)
}

/// Sorts builds newest first and keeps `limit` of them. A build without a
/// start time has not started yet, so it counts as newer than any that has;
/// ties keep the API's order.
fn newest(mut records: Vec<BuildRecord>, limit: i64) -> Vec<BuildRecord> {
    records.sort_by_key(|record| std::cmp::Reverse(record.start_time_ms.unwrap_or(i64::MAX)));
    records.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    records
}

fn build_value(record: &BuildRecord) -> Value {
    let tag = &record.image.image_tag;
    Value::object([
        ("build_id", Value::string(&record.build_record_id)),
        (
            "status",
            Value::string(normalize_status(&record.build_status)),
        ),
        (
            "image_tag",
            if tag.is_empty() {
                Value::Null
            } else {
                Value::string(tag)
            },
        ),
        ("started_at", rfc3339_from_ms(record.start_time_ms)),
        ("finished_at", rfc3339_from_ms(record.end_time_ms)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, start: Option<i64>) -> BuildRecord {
        BuildRecord {
            build_record_id: id.into(),
            build_status: "success".into(),
            start_time_ms: start,
            ..BuildRecord::default()
        }
    }

    fn ids(records: &[BuildRecord]) -> Vec<&str> {
        records.iter().map(|r| r.build_record_id.as_str()).collect()
    }

    #[test]
    fn newest_first() {
        let records = vec![
            record("old", Some(1_000)),
            record("new", Some(3_000)),
            record("mid", Some(2_000)),
        ];
        assert_eq!(ids(&newest(records, 10)), vec!["new", "mid", "old"]);
    }

    #[test]
    fn pending_counts_newest() {
        let records = vec![record("done", Some(1_000)), record("pending", None)];
        assert_eq!(ids(&newest(records, 10)), vec!["pending", "done"]);
    }

    #[test]
    fn limit_truncates() {
        let records = vec![
            record("a", Some(1)),
            record("b", Some(2)),
            record("c", Some(3)),
        ];
        assert_eq!(ids(&newest(records, 2)), vec!["c", "b"]);
    }

    #[test]
    fn limit_default_when_null() {
        assert_eq!(
            limit(&Value::object([("limit", Value::Null)])).ok(),
            Some(DEFAULT_LIMIT)
        );
    }

    #[test]
    fn limit_zero_rejected() {
        let error = limit(&Value::object([("limit", Value::number_i64(0))])).err();
        assert_eq!(
            error.and_then(|d| d.attribute),
            Some(AttributePath::root("limit"))
        );
    }

    #[test]
    fn status_upper_case() {
        assert_eq!(
            build_value(&record("a", None)).get("status"),
            &Value::string("SUCCESS")
        );
    }

    #[test]
    fn empty_tag_null() {
        assert_eq!(
            build_value(&record("a", None)).get("image_tag"),
            &Value::Null
        );
    }
}
