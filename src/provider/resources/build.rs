//! `alicr_build`: one run of a build rule, started on create and waited for
//! until it succeeds, fails or is canceled. This file has the schema and the
//! resource operations. Polling, canceling and log reading are in
//! `build_wait`.
//!
//! A finished build cannot be deleted through the API, so destroying an
//! `alicr_build` only removes it from state. A change to `triggers` (or to
//! the rule) replaces it, which runs the build again.

use std::time::Duration;

use alicr_client::model::BuildRecord;
use alicr_framework::resource::{
    CreateRequest, DeleteRequest, ImportStateRequest, ReadRequest, StateResponse, UpdateRequest,
    ValidateConfigRequest,
};
use alicr_framework::schema::NestedBlock;
use alicr_framework::timeouts::DurationValidator;
use alicr_framework::{
    Attribute, Block, Diagnostic, Diagnostics, NestingMode, Resource, Schema, Type, Value,
};
use async_trait::async_trait;

use super::build_start::{start_or_adopt, StartTarget};
use super::build_wait::{self, BuildRef};
use super::common;
use super::timeouts::{self, Defaults, Operation};
use crate::provider::client;

/// Default for `timeouts.create`. It is generous because a timeout cancels
/// the build.
const CREATE_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// Only `create` is read; update and delete make no API call that waits.
const DEFAULTS: Defaults = Defaults {
    create: CREATE_TIMEOUT,
    update: CREATE_TIMEOUT,
    delete: CREATE_TIMEOUT,
};

/// The `alicr_build` resource type.
#[derive(Debug, Default, Clone, Copy)]
pub struct Build;

impl Build {
    pub fn new() -> Self {
        Build
    }
}

fn schema() -> Schema {
    let computed = |name: &str, description: &str| {
        Attribute::string(name)
            .computed()
            .use_state_for_unknown()
            .description(description)
    };
    let block = Block::new()
        .description(
            "Runs one build of a build rule and waits until it finishes. A failed, canceled or \
             timed-out build is an error and stays in state as tainted, so the next apply runs it \
             again. A timeout or an interrupt (Ctrl-C) cancels the build. Destroying the resource \
             only removes it from state: a finished build cannot be deleted, and its image stays \
             in the repository. Import with `<instance_id>:<repo_id>:<build_id>`, or with \
             `<instance_id>:<repo_id>:<build_rule_id>:<build_id>` so that `build_rule_id` is \
             known and the next plan does not replace the build.",
        )
        .attribute(computed("id", "`<instance_id>:<repo_id>:<build_id>`."))
        .attribute(required(
            "instance_id",
            "Container Registry instance, `cri-...`.",
        ))
        .attribute(required("repo_id", "Image repository, `crr-...`."))
        .attribute(required("build_rule_id", "Build rule to run, `crbr-...`."))
        .attribute(
            Attribute::new("triggers", Type::map(Type::String))
                .optional()
                .force_new()
                .description(
                    "Arbitrary values; any change replaces the resource, which runs the build \
                     again. Use it to rebuild when, for example, the rule's image tag changes.",
                ),
        )
        .attribute(computed("build_id", "Build record ID (a UUID)."))
        .attribute(computed(
            "status",
            "Final status in upper case: `SUCCESS`, or `FAILED` or `CANCELED` for a tainted build.",
        ))
        .attribute(computed("image_tag", "Tag of the image the build pushed."))
        .attribute(computed(
            "digest",
            "Digest of the pushed image. Always null for now, because the build record API does \
             not return it.",
        ))
        .attribute(computed(
            "started_at",
            "When the build started (RFC 3339, UTC).",
        ))
        .attribute(computed(
            "finished_at",
            "When the build finished (RFC 3339, UTC).",
        ))
        .block(timeouts_block());
    Schema::new(0, block)
}

fn required(name: &str, description: &str) -> Attribute {
    Attribute::string(name)
        .required()
        .force_new()
        .description(description)
}

/// Returns the `timeouts` block. It has `create` only, because create is the
/// only operation of this resource that waits.
fn timeouts_block() -> NestedBlock {
    let create = Attribute::string("create")
        .optional()
        .validator(DurationValidator)
        .description(&format!(
            "How long to wait for the build, such as `90s`, `20m` or `1h`. Default `{}`. When it \
         passes, the provider cancels the build and reports an error.",
            common::humanize(CREATE_TIMEOUT)
        ));
    let block = Block::new()
        .description("How long create may wait for the build before canceling it.")
        .attribute(create);
    NestedBlock::new("timeouts", NestingMode::Single, block)
}

#[async_trait]
impl Resource for Build {
    fn type_name(&self) -> &'static str {
        "alicr_build"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn validate_config(&self, request: ValidateConfigRequest) -> Diagnostics {
        timeouts::validate(&request.config)
    }

    async fn create(&self, request: CreateRequest) -> StateResponse {
        let mut response = StateResponse::default();
        let client = match client(&request.ctx) {
            Ok(client) => client,
            Err(diagnostic) => return error_response(response, diagnostic),
        };
        let plan = &request.planned_state;
        let (instance_id, repo_id, build_rule_id) = match planned_ids(plan) {
            Ok(ids) => ids,
            Err(diagnostic) => return error_response(response, diagnostic),
        };
        let timeout = timeouts::get(&request.config, Operation::Create, DEFAULTS);
        let deadline = common::deadline_after(timeout);

        let target = StartTarget {
            instance_id: &instance_id,
            repo_id: &repo_id,
            build_rule_id: &build_rule_id,
        };
        let build_id = match start_or_adopt(&request.ctx, &client, &target, timeout).await {
            Ok(id) => id,
            Err(diagnostic) => return error_response(response, diagnostic),
        };
        tracing::info!(%instance_id, %repo_id, %build_rule_id, %build_id, "build started");
        let build = BuildRef {
            instance_id,
            repo_id,
            build_id,
        };

        let fetch = || build_wait::fetch_status(&request.ctx, &client, &build);
        let outcome = build_wait::wait_for_final_status(&request.ctx.cancel, deadline, fetch).await;
        let (status, diagnostic) =
            build_wait::finish(&client, &build, &build_rule_id, timeout, outcome).await;
        let record = build_wait::fetch_final_record(&client, &build).await;
        response.new_state = build_state(plan, &build, &status, record.as_ref());
        if let Some(diagnostic) = diagnostic {
            response.diagnostics.push(diagnostic);
        }
        response
    }

    async fn read(&self, request: ReadRequest) -> StateResponse {
        let mut response = StateResponse {
            new_state: request.current_state.clone(),
            private: request.private.clone(),
            ..StateResponse::default()
        };
        let client = match client(&request.ctx) {
            Ok(client) => client,
            Err(diagnostic) => return error_response(response, diagnostic),
        };
        let Some(build) = build_ref(&request.current_state) else {
            return error_response(response, missing_ids_diagnostic());
        };
        let record = match build_wait::fetch_record(&request.ctx, &client, &build).await {
            Ok(Some(record)) => record,
            Ok(None) => {
                tracing::info!(build_id = %build.build_id, "build record not found, removing it from state");
                response.new_state = Value::Null;
                return response;
            }
            Err(error) => {
                let operation = format!("read build {}", build.build_id);
                return error_response(response, common::api_diagnostic(&operation, &error));
            }
        };
        let status = match build_wait::fetch_status(&request.ctx, &client, &build).await {
            Ok(status) => build_wait::normalize_status(&status),
            Err(error) if error.is_not_found() => {
                response.new_state = Value::Null;
                return response;
            }
            Err(error) => {
                let operation = format!("read the status of build {}", build.build_id);
                return error_response(response, common::api_diagnostic(&operation, &error));
            }
        };
        response.new_state = build_state(&request.current_state, &build, &status, Some(&record));
        response
    }

    /// Applies a change of `timeouts`, the only in-place change. Every
    /// computed value stays as it was, because the build itself does not change.
    async fn update(&self, request: UpdateRequest) -> StateResponse {
        StateResponse {
            new_state: fill_unknown(request.planned_state, &request.prior_state),
            private: request.private,
            diagnostics: Diagnostics::new(),
        }
    }

    /// Forgets the build: the API cannot delete a finished build record.
    async fn delete(&self, request: DeleteRequest) -> Diagnostics {
        let build_id = request
            .prior_state
            .get("build_id")
            .as_str()
            .unwrap_or_default()
            .to_string();
        tracing::debug!(%build_id, "removing build from state only, because build records cannot be deleted");
        Diagnostics::new()
    }

    async fn import_state(&self, request: ImportStateRequest) -> StateResponse {
        let mut response = StateResponse::default();
        let parts = if request.id.split(':').count() == 4 {
            common::parse_import_id(
                &request.id,
                &["instance_id", "repo_id", "build_rule_id", "build_id"],
            )
        } else {
            common::parse_import_id(&request.id, &["instance_id", "repo_id", "build_id"])
        };
        let parts = match parts {
            Ok(parts) => parts,
            Err(diagnostic) => return error_response(response, diagnostic),
        };
        let (instance_id, repo_id, rule, build_id) = match parts.as_slice() {
            [i, r, rule, b] => (i, r, Value::string(rule), b),
            [i, r, b] => (i, r, Value::Null, b),
            _ => return error_response(response, missing_ids_diagnostic()),
        };
        response.new_state = Value::object([
            ("instance_id", Value::string(instance_id)),
            ("repo_id", Value::string(repo_id)),
            ("build_rule_id", rule),
            ("build_id", Value::string(build_id)),
        ]);
        response
    }
}

/// Builds the state of a build from the plan or prior state, the build's
/// status and its record. Values the record lacks keep their prior value or,
/// when unknown, become null, because state contains no unknown values.
fn build_state(
    base: &Value,
    build: &BuildRef,
    status: &str,
    record: Option<&BuildRecord>,
) -> Value {
    let mut state = base.clone();
    let id = format!("{}:{}:{}", build.instance_id, build.repo_id, build.build_id);
    state.set("id", Value::string(id));
    state.set("instance_id", Value::string(&build.instance_id));
    state.set("repo_id", Value::string(&build.repo_id));
    state.set("build_id", Value::string(&build.build_id));
    state.set("status", Value::string(status));
    if let Some(record) = record {
        let tag = &record.image.image_tag;
        state.set(
            "image_tag",
            if tag.is_empty() {
                Value::Null
            } else {
                Value::string(tag)
            },
        );
        state.set(
            "started_at",
            build_wait::rfc3339_from_ms(record.start_time_ms),
        );
        state.set(
            "finished_at",
            build_wait::rfc3339_from_ms(record.end_time_ms),
        );
    }
    // NOTE: the build record API returns no image digest, so digest stays null.
    for name in ["image_tag", "digest", "started_at", "finished_at"] {
        if state.get(name).is_unknown() {
            state.set(name, Value::Null);
        }
    }
    state
}

/// Replaces each unknown top-level attribute of `planned` with its prior value.
fn fill_unknown(mut planned: Value, prior: &Value) -> Value {
    let names: Vec<String> = planned
        .as_entries()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    for name in names {
        if planned.get(&name).is_unknown() {
            planned.set(&name, prior.get(&name).clone());
        }
    }
    planned
}

fn planned_ids(plan: &Value) -> Result<(String, String, String), Diagnostic> {
    Ok((
        common::required_str(plan, "instance_id")?,
        common::required_str(plan, "repo_id")?,
        common::required_str(plan, "build_rule_id")?,
    ))
}

fn build_ref(state: &Value) -> Option<BuildRef> {
    let text = |name: &str| state.get(name).as_str().map(str::to_string);
    Some(BuildRef {
        instance_id: text("instance_id")?,
        repo_id: text("repo_id")?,
        build_id: text("build_id")?,
    })
}

fn missing_ids_diagnostic() -> Diagnostic {
    Diagnostic::error(
        "Incomplete build state",
        "The state of this alicr_build lacks instance_id, repo_id or build_id, so the build cannot \
         be read. Remove it with terraform state rm and import it again with \
         <instance_id>:<repo_id>:<build_id>.",
    )
}

fn error_response(mut response: StateResponse, diagnostic: Diagnostic) -> StateResponse {
    response.diagnostics.push(diagnostic);
    response
}

#[cfg(test)]
mod tests;
