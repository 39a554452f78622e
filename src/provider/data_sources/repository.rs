//! `alicr_repository`: looks up an image repository by instance, namespace and
//! name, mainly for its `repo_id`, which build rules and source bindings need.

use alicr_framework::data_source::{ReadDataSourceRequest, ReadDataSourceResponse};
use alicr_framework::{Attribute, Block, DataSource, Diagnostic, Schema, Value};
use async_trait::async_trait;

use crate::provider::resources::common;
use crate::provider::{api, client};

/// The `alicr_repository` data source.
#[derive(Debug, Default)]
pub struct RepositoryDataSource;

fn schema() -> Schema {
    let block = Block::new()
        .description(
            "An image repository of a Container Registry instance, found by namespace and name.",
        )
        .attribute(
            Attribute::string("id")
                .computed()
                .description("`<instance_id>:<repo_id>`."),
        )
        .attribute(
            Attribute::string("instance_id")
                .required()
                .description("Container Registry instance, `cri-...`."),
        )
        .attribute(
            Attribute::string("namespace")
                .required()
                .description("Namespace name."),
        )
        .attribute(
            Attribute::string("name")
                .required()
                .description("Repository name."),
        )
        .attribute(
            Attribute::string("repo_id")
                .computed()
                .description("Repository ID, `crr-...`."),
        )
        .attribute(
            Attribute::string("repo_type")
                .computed()
                .description("`PUBLIC` or `PRIVATE`."),
        )
        .attribute(
            Attribute::string("repo_status")
                .computed()
                .description("Repository status, such as `NORMAL`."),
        )
        .attribute(
            Attribute::string("repo_build_type")
                .computed()
                .description("`MANUAL` or `AUTO`."),
        )
        .attribute(
            Attribute::string("summary")
                .computed()
                .description("One-line summary."),
        )
        .attribute(
            Attribute::bool("tag_immutability")
                .computed()
                .description("Whether tags cannot be overwritten."),
        );
    Schema::new(0, block)
}

#[async_trait]
impl DataSource for RepositoryDataSource {
    fn type_name(&self) -> &'static str {
        "alicr_repository"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(&self, request: ReadDataSourceRequest) -> ReadDataSourceResponse {
        let mut response = ReadDataSourceResponse::default();
        let result = async {
            let client = client(&request.ctx)?;
            let config = &request.config;
            let instance_id = common::required_str(config, "instance_id")?;
            let namespace = common::required_str(config, "namespace")?;
            let name = common::required_str(config, "name")?;
            let repository = api::get_repository(&request.ctx, &client, &instance_id, &namespace, &name)
                .await
                .map_err(|e| common::api_diagnostic(&format!("look up repository {namespace}/{name}"), &e))?
                .ok_or_else(|| {
                    Diagnostic::error(
                        "Repository not found",
                        format!("Instance {instance_id} has no repository {namespace}/{name}. Check the namespace and name, and that the instance is in the provider's region."),
                    )
                })?;
            Ok::<Value, Diagnostic>(Value::object([
                (
                    "id",
                    Value::string(format!("{instance_id}:{}", repository.repo_id)),
                ),
                ("instance_id", Value::string(instance_id)),
                ("namespace", Value::string(namespace)),
                ("name", Value::string(name)),
                ("repo_id", Value::string(repository.repo_id)),
                ("repo_type", Value::string(repository.repo_type)),
                ("repo_status", Value::string(repository.repo_status)),
                ("repo_build_type", Value::string(repository.repo_build_type)),
                ("summary", Value::string(repository.summary)),
                ("tag_immutability", Value::Bool(repository.tag_immutability)),
            ]))
        };
        match result.await {
            Ok(state) => response.state = state,
            Err(d) => response.diagnostics.push(d),
        }
        response
    }
}
