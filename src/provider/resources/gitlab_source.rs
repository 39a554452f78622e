//! `alicr_gitlab_source`: an instance's binding to a self-managed GitLab (URL,
//! user and personal access token), over the public network or a VPC link.
//! The token is never read back: it stays as configured in `private_token`
//! (sensitive) or is passed write-only in `private_token_wo`, and every update
//! sends it again from the configuration.

use std::time::Duration;

use alicr_client::model::{CodeSource, CodeSourceSpec};
use alicr_client::Secret;
use alicr_framework::resource::{
    CreateRequest, DeleteRequest, ImportStateRequest, ModifyPlanRequest, ReadRequest,
    StateResponse, UpdateRequest, ValidateConfigRequest,
};
use alicr_framework::validators::{OneOf, StringCheck};
use alicr_framework::{
    Attribute, AttributePath, Block, Context, Diagnostic, Diagnostics, Resource, Schema, Value,
};
use async_trait::async_trait;

use super::common::{self, Poll};
use super::timeouts::{self, Defaults, Operation};
use crate::provider::{api, client};

const DEFAULTS: Defaults = Defaults {
    create: Duration::from_secs(10 * 60),
    update: Duration::from_secs(5 * 60),
    delete: Duration::from_secs(5 * 60),
};

/// The `alicr_gitlab_source` resource type.
#[derive(Debug, Default)]
pub struct GitlabSource;

fn endpoint_check(value: &str) -> Result<(), String> {
    crate::provider::network::check_gitlab_endpoint(value)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn schema() -> Schema {
    let block = Block::new()
        .description("Binds a Container Registry instance to a self-managed GitLab with a personal access token. The token is never read back from the API. Import with `<instance_id>:<code_source_id>`; after import, set the token in the configuration and apply once.")
        .attribute(Attribute::string("id").computed().use_state_for_unknown().description("`<instance_id>:<code_source_id>`."))
        .attribute(Attribute::string("instance_id").required().force_new().description("Container Registry instance, `cri-...`."))
        .attribute(Attribute::string("network_type").required().validator(OneOf(&["VPC", "PUBLIC"])).description("`VPC` to reach GitLab through `vpc_link_id`, or `PUBLIC`."))
        .attribute(Attribute::string("vpc_link_id").optional().description("`link_id` of an `alicr_vpc_link`; required when `network_type` is `VPC`."))
        .attribute(
            Attribute::string("endpoint")
                .required()
                .validator(StringCheck {
                    check: endpoint_check,
                    description: "HTTPS only on port 443; HTTP on 80, 21, 70, 210, 280, 443, 488, 591, 777 or 1025-65535.",
                })
                .description("GitLab base URL, such as `http://192.168.0.10`. HTTPS only on port 443; HTTP on 80, 21, 70, 210, 280, 443, 488, 591, 777 or 1025-65535. With `VPC`, the host must be the link's `gitlab_ip` or one of its `allowed_ips`."),
        )
        .attribute(Attribute::string("username").required().description("GitLab user that owns the token."))
        .attribute(Attribute::string("private_token").optional().sensitive().description("GitLab personal access token, stored in state as sensitive. Set this or `private_token_wo`."))
        .attribute(Attribute::string("private_token_wo").optional().write_only().description("GitLab personal access token, never stored (Terraform 1.11 and later). Change `private_token_wo_version` to send a new token."))
        .attribute(Attribute::number("private_token_wo_version").optional().description("Any value; changing it sends `private_token_wo` again."))
        .attribute(Attribute::string("code_source_id").computed().use_state_for_unknown().description("Code source ID, `crcs-...`."))
        .attribute(Attribute::string("status").computed().use_state_for_unknown().description("Binding status, such as `BOUND`."))
        .block(timeouts::block(DEFAULTS));
    Schema::new(0, block)
}

/// Returns the token from the configuration: the sensitive or the write-only
/// attribute.
fn token_from_config(config: &Value) -> Option<Secret> {
    config
        .get("private_token")
        .as_str()
        .or_else(|| config.get("private_token_wo").as_str())
        .map(Secret::new)
}

fn spec_from(config: &Value, plan: &Value) -> Result<CodeSourceSpec, Diagnostic> {
    let private_token = token_from_config(config).ok_or_else(|| {
        Diagnostic::error("Missing token", "Set private_token or private_token_wo; the API needs the GitLab token on every create and update.")
            .with_attribute(AttributePath::root("private_token"))
    })?;
    Ok(CodeSourceSpec {
        instance_id: common::required_str(plan, "instance_id")?,
        code_source_type: "GITLAB".to_string(),
        network_type: common::required_str(plan, "network_type")?,
        vpc_link_id: common::optional_str(plan, "vpc_link_id").filter(|s| !s.is_empty()),
        endpoint_url: common::required_str(plan, "endpoint")?,
        user_name: common::required_str(plan, "username")?,
        private_token,
    })
}

/// Builds the state from the API's binding; the token attributes come from
/// `base` (prior state or plan) because the API never returns them.
fn source_state(base: &Value, source: CodeSource) -> Value {
    let vpc_link_id = if source.vpc_link_id.is_empty() {
        Value::Null
    } else {
        Value::string(source.vpc_link_id)
    };
    Value::object([
        (
            "id",
            Value::string(format!("{}:{}", source.instance_id, source.code_source_id)),
        ),
        ("instance_id", Value::string(source.instance_id)),
        ("network_type", Value::string(source.network_type)),
        ("vpc_link_id", vpc_link_id),
        (
            "endpoint",
            common::keep_prior_string(base.get("endpoint"), source.endpoint_url, same_url),
        ),
        ("username", Value::string(source.user_name)),
        ("private_token", base.get("private_token").clone()),
        ("private_token_wo", Value::Null),
        (
            "private_token_wo_version",
            base.get("private_token_wo_version").clone(),
        ),
        ("code_source_id", Value::string(source.code_source_id)),
        ("status", Value::string(source.status)),
        ("timeouts", base.get("timeouts").clone()),
    ])
}

/// URLs equal apart from a trailing slash or the letter case of scheme and host.
fn same_url(a: &str, b: &str) -> bool {
    match (url::Url::parse(a), url::Url::parse(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a.trim_end_matches('/') == b.trim_end_matches('/'),
    }
}

/// Waits for a VPC link the binding uses to be RUNNING, so a binding planned
/// together with its link is not created while the link is still CREATING.
async fn wait_for_link(
    ctx: &Context,
    client: &alicr_client::CrClient,
    spec: &CodeSourceSpec,
    timeout: Duration,
) -> Result<(), Diagnostic> {
    let Some(link_id) = spec.vpc_link_id.as_deref() else {
        return Ok(());
    };
    if spec.network_type != "VPC" {
        return Ok(());
    }
    super::vpc_link::wait_running(ctx, client, &spec.instance_id, link_id, timeout, "create")
        .await
        .map(|_| ())
}

async fn wait_visible(
    ctx: &Context,
    client: &alicr_client::CrClient,
    instance_id: &str,
    id: &str,
    timeout: Duration,
    block: &str,
) -> Result<CodeSource, Diagnostic> {
    let what = format!("GitLab code source {id} to be bound");
    common::poll_until(ctx, timeout, || async {
        Ok(
            match api::get_code_source(ctx, client, instance_id, id).await? {
                Some(source) => Poll::Done(source),
                None => Poll::Pending("not visible yet".to_string()),
            },
        )
    })
    .await
    .map_err(|e| common::wait_diagnostic(&what, timeout, block, e))
}

/// Creates the binding, or adopts the instance's existing GitLab binding to
/// the same endpoint, and returns its ID and whether it was adopted. The
/// ClientToken is derived from the instance and endpoint, so a create
/// repeated after a crash or a lost reply returns the binding the first
/// attempt made.
async fn create_or_adopt(
    ctx: &Context,
    client: &alicr_client::CrClient,
    spec: &CodeSourceSpec,
) -> Result<(String, bool), Diagnostic> {
    let token = common::client_token("crcs", &[&spec.instance_id, &spec.endpoint_url]);
    let mut created = api::create_code_source(ctx, client, spec, &token).await;
    if let Err(error) = &created {
        if error.may_have_been_applied() {
            tracing::warn!(instance_id = %spec.instance_id, "CreateInstanceCodeSource may have been applied; repeating it with the same ClientToken");
            created = api::create_code_source(ctx, client, spec, &token).await;
        }
    }
    let error = match created {
        Ok(id) => return Ok((id, false)),
        Err(error) => error,
    };
    if error.code() != Some("CODE_SOURCE_ALREADY_EXIST") {
        return Err(create_error(&spec.instance_id, &error));
    }
    // Only one GitLab binding per instance exists. One to the same endpoint
    // is this configuration's, made by an attempt whose result was lost.
    let sources = api::list_code_sources(ctx, client, &spec.instance_id)
        .await
        .map_err(|e| create_error(&spec.instance_id, &e))?;
    let same = sources.into_iter().find(|source| {
        source.code_source_type.eq_ignore_ascii_case("GITLAB")
            && same_url(&source.endpoint_url, &spec.endpoint_url)
    });
    match same {
        Some(source) => {
            tracing::info!(instance_id = %spec.instance_id, code_source_id = %source.code_source_id, "adopting the existing GitLab binding to the same endpoint");
            Ok((source.code_source_id, true))
        }
        None => Err(create_error(&spec.instance_id, &error)),
    }
}

/// True when the binding differs from the configuration in a value the API
/// returns (the token is never returned).
fn differs(source: &CodeSource, spec: &CodeSourceSpec) -> bool {
    !source.network_type.eq_ignore_ascii_case(&spec.network_type)
        || source.vpc_link_id != spec.vpc_link_id.clone().unwrap_or_default()
        || !same_url(&source.endpoint_url, &spec.endpoint_url)
        || source.user_name != spec.user_name
}

async fn create_source(request: &CreateRequest) -> Result<Value, (Value, Diagnostic)> {
    let fail = |d: Diagnostic| (Value::Null, d);
    let client = client(&request.ctx).map_err(fail)?;
    let plan = &request.planned_state;
    let spec = spec_from(&request.config, plan).map_err(fail)?;
    let timeout = timeouts::get(&request.config, Operation::Create, DEFAULTS);
    let ctx = &request.ctx;
    wait_for_link(ctx, &client, &spec, timeout)
        .await
        .map_err(fail)?;
    let (id, adopted) = create_or_adopt(ctx, &client, &spec).await.map_err(fail)?;

    // From here on the binding exists, so every error returns it as a
    // partial state that Terraform keeps as tainted.
    let finish = async {
        let source = wait_visible(ctx, &client, &spec.instance_id, &id, timeout, "create").await?;
        if !adopted && !differs(&source, &spec) {
            return Ok(source);
        }
        // An adopted binding gets the configured token and values.
        api::update_code_source(ctx, &client, &id, &spec)
            .await
            .map_err(|e| create_error(&spec.instance_id, &e))?;
        wait_visible(ctx, &client, &spec.instance_id, &id, timeout, "create").await
    };
    match finish.await {
        Ok(source) => Ok(source_state(plan, source)),
        Err(diagnostic) => {
            let full_id = format!("{}:{id}", spec.instance_id);
            let ids = [("id", full_id.as_str()), ("code_source_id", id.as_str())];
            Err((common::partial_state(plan, &ids), diagnostic))
        }
    }
}

fn create_error(instance_id: &str, error: &alicr_client::Error) -> Diagnostic {
    match error.code() {
        Some("CODE_SOURCE_ALREADY_EXIST") => Diagnostic::error(
            "GitLab already bound",
            format!("Instance {instance_id} already has a GitLab code source ({error}). Import it with `terraform import <address> {instance_id}:<code_source_id>` instead of creating another."),
        ),
        Some("CODE_SOURCE_UNREACHABLE") => Diagnostic::error(
            "GitLab unreachable",
            format!("Container Registry could not reach the GitLab endpoint ({error}). With VPC, check that the endpoint's host is the link's gitlab_ip or an allowed_ips entry and that GitLab accepts traffic from 100.104.0.0/16; with PUBLIC, check that GitLab is reachable from the internet."),
        )
        .with_attribute(AttributePath::root("endpoint")),
        _ => common::api_diagnostic(&format!("bind GitLab to {instance_id}"), error),
    }
}

async fn update_source(request: &UpdateRequest) -> Result<Value, Diagnostic> {
    let client = client(&request.ctx)?;
    let spec = spec_from(&request.config, &request.planned_state)?;
    let id = common::required_str(&request.prior_state, "code_source_id")?;
    let timeout = timeouts::get(&request.config, Operation::Update, DEFAULTS);
    let ctx = &request.ctx;
    wait_for_link(ctx, &client, &spec, timeout).await?;
    api::update_code_source(ctx, &client, &id, &spec)
        .await
        .map_err(|e| create_error(&spec.instance_id, &e))?;
    let source = wait_visible(ctx, &client, &spec.instance_id, &id, timeout, "update").await?;
    Ok(source_state(&request.planned_state, source))
}

#[async_trait]
impl Resource for GitlabSource {
    fn type_name(&self) -> &'static str {
        "alicr_gitlab_source"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn validate_config(&self, request: ValidateConfigRequest) -> Diagnostics {
        super::gitlab_source_plan::validate(&request.config)
    }

    async fn modify_plan(&self, request: &mut ModifyPlanRequest) {
        super::gitlab_source_plan::check_endpoint_on_link(request).await;
    }

    async fn create(&self, request: CreateRequest) -> StateResponse {
        match create_source(&request).await {
            Ok(new_state) => StateResponse {
                new_state,
                private: request.private,
                ..StateResponse::default()
            },
            Err((new_state, d)) => StateResponse {
                new_state,
                diagnostics: d.into(),
                ..StateResponse::default()
            },
        }
    }

    async fn read(&self, request: ReadRequest) -> StateResponse {
        let mut response = StateResponse {
            private: request.private.clone(),
            ..StateResponse::default()
        };
        let state = &request.current_state;
        let (Some(instance_id), Some(id)) = (
            common::optional_str(state, "instance_id"),
            common::optional_str(state, "code_source_id"),
        ) else {
            return response;
        };
        let client = match client(&request.ctx) {
            Ok(client) => client,
            Err(d) => {
                response.diagnostics.push(d);
                return response;
            }
        };
        match api::get_code_source(&request.ctx, &client, &instance_id, &id).await {
            Ok(Some(source)) => response.new_state = source_state(state, source),
            Ok(None) => {
                tracing::info!(%instance_id, code_source_id = %id, "GitLab code source is gone; removing it from state")
            }
            Err(e) => {
                response.new_state = state.clone();
                response.diagnostics.push(common::api_diagnostic(
                    &format!("read GitLab code source {id}"),
                    &e,
                ));
            }
        }
        response
    }

    async fn update(&self, request: UpdateRequest) -> StateResponse {
        match update_source(&request).await {
            Ok(new_state) => StateResponse {
                new_state,
                private: request.private,
                ..StateResponse::default()
            },
            Err(d) => StateResponse {
                new_state: request.prior_state,
                private: request.private,
                diagnostics: d.into(),
            },
        }
    }

    async fn delete(&self, request: DeleteRequest) -> Diagnostics {
        let result = async {
            let client = client(&request.ctx)?;
            let instance_id = common::required_str(&request.prior_state, "instance_id")?;
            let id = common::required_str(&request.prior_state, "code_source_id")?;
            api::delete_code_source(&request.ctx, &client, &instance_id, &id)
                .await
                .map_err(|e| common::api_diagnostic(&format!("delete GitLab code source {id}"), &e))
        };
        match result.await {
            Ok(()) => Diagnostics::new(),
            Err(d) => d.into(),
        }
    }

    async fn import_state(&self, request: ImportStateRequest) -> StateResponse {
        common::import_by_id(&request.id, &["instance_id", "code_source_id"])
    }
}
