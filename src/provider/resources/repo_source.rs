//! `alicr_repo_source`: binds one image repository to a code repository on a
//! platform the instance is bound to, with its build switches. The binding is
//! keyed by the image repository, so its import ID is `<instance_id>:<repo_id>`.

use alicr_client::model::RepoSourceCodeRepo;
use alicr_framework::resource::{
    CreateRequest, DeleteRequest, ImportStateRequest, ModifyPlanRequest, ReadRequest,
    StateResponse, UpdateRequest,
};
use alicr_framework::validators::OneOf;
use alicr_framework::{
    Attribute, AttributePath, Block, Context, Diagnostic, Diagnostics, Resource, Schema, Value,
};
use async_trait::async_trait;

use super::common;
use super::timeouts::{self, Defaults, Operation};
use crate::provider::{api, client, configured};

/// Binding calls are synchronous, so only `create` bounds a wait (for the new
/// binding to become readable). NOTE: `update` and `delete` bound nothing yet.
const DEFAULTS: Defaults = Defaults {
    create: std::time::Duration::from_secs(2 * 60),
    update: std::time::Duration::from_secs(2 * 60),
    delete: std::time::Duration::from_secs(2 * 60),
};

/// Code platforms the API accepts in `CodeRepoType`.
const CODE_REPO_TYPES: &[&str] = &["GITHUB", "GITLAB", "GITEE", "CODE", "CODEUP"];

/// The `alicr_repo_source` resource type.
#[derive(Debug, Default)]
pub struct RepoSource;

fn schema() -> Schema {
    let block = Block::new()
        .description("Binds an image repository to a code repository, so its build rules build from it. The instance must already be bound to the code platform (`alicr_gitlab_source` for GitLab). Import with `<instance_id>:<repo_id>`.")
        .attribute(Attribute::string("id").computed().use_state_for_unknown().description("`<instance_id>:<repo_id>`."))
        .attribute(Attribute::string("instance_id").required().force_new().description("Container Registry instance, `cri-...`."))
        .attribute(Attribute::string("repo_id").required().force_new().description("Image repository, `crr-...` (see the `alicr_repository` data source)."))
        .attribute(
            Attribute::string("code_repo_type")
                .default_value(Value::string("GITLAB"))
                .validator(OneOf(CODE_REPO_TYPES))
                .description("Code platform. Defaults to `GITLAB`."),
        )
        .attribute(Attribute::string("code_repo_namespace").required().description("Group or owner of the code repository."))
        .attribute(Attribute::string("code_repo_name").required().description("Name of the code repository."))
        .attribute(Attribute::bool("auto_build").default_value(Value::Bool(false)).description("Build on every push. Defaults to `false`."))
        .attribute(
            Attribute::bool("oversea_build")
                .default_value(Value::Bool(false))
                .description("Build on servers outside the Chinese mainland. Defaults to `false`. Not possible with a VPC GitLab source, because those servers cannot reach the VPC."),
        )
        .attribute(Attribute::bool("disable_cache_build").default_value(Value::Bool(false)).description("Build without the layer cache. Defaults to `false`."))
        .block(timeouts::block(DEFAULTS));
    Schema::new(0, block)
}

fn binding_from(plan: &Value) -> Result<RepoSourceCodeRepo, Diagnostic> {
    Ok(RepoSourceCodeRepo {
        instance_id: common::required_str(plan, "instance_id")?,
        repo_id: common::required_str(plan, "repo_id")?,
        code_repo_type: common::required_str(plan, "code_repo_type")?,
        code_repo_namespace_name: common::required_str(plan, "code_repo_namespace")?,
        code_repo_name: common::required_str(plan, "code_repo_name")?,
        code_repo_domain: String::new(),
        auto_build: plan.get("auto_build").as_bool().unwrap_or(false),
        oversea_build: plan.get("oversea_build").as_bool().unwrap_or(false),
        disable_cache_build: plan.get("disable_cache_build").as_bool().unwrap_or(false),
    })
}

fn binding_state(base: &Value, instance_id: &str, binding: RepoSourceCodeRepo) -> Value {
    Value::object([
        (
            "id",
            Value::string(format!("{instance_id}:{}", binding.repo_id)),
        ),
        ("instance_id", Value::string(instance_id)),
        ("repo_id", Value::string(binding.repo_id)),
        (
            "code_repo_type",
            Value::string(binding.code_repo_type.to_ascii_uppercase()),
        ),
        (
            "code_repo_namespace",
            Value::string(binding.code_repo_namespace_name),
        ),
        ("code_repo_name", Value::string(binding.code_repo_name)),
        ("auto_build", Value::Bool(binding.auto_build)),
        ("oversea_build", Value::Bool(binding.oversea_build)),
        (
            "disable_cache_build",
            Value::Bool(binding.disable_cache_build),
        ),
        ("timeouts", base.get("timeouts").clone()),
    ])
}

fn same_binding(a: &RepoSourceCodeRepo, b: &RepoSourceCodeRepo) -> bool {
    a.code_repo_type.eq_ignore_ascii_case(&b.code_repo_type)
        && a.code_repo_namespace_name == b.code_repo_namespace_name
        && a.code_repo_name == b.code_repo_name
        && a.auto_build == b.auto_build
        && a.oversea_build == b.oversea_build
        && a.disable_cache_build == b.disable_cache_build
}

/// Returns an error when an oversea build is requested for a repository whose
/// instance reaches its GitLab through a VPC link. `None` when allowed or not
/// knowable.
async fn oversea_conflict(
    ctx: &Context,
    client: &alicr_client::CrClient,
    binding: &RepoSourceCodeRepo,
) -> Result<Option<Diagnostic>, alicr_client::Error> {
    if !binding.oversea_build || !binding.code_repo_type.eq_ignore_ascii_case("GITLAB") {
        return Ok(None);
    }
    let sources = api::list_code_sources(ctx, client, &binding.instance_id).await?;
    let vpc = sources.iter().find(|s| {
        s.code_source_type.eq_ignore_ascii_case("GITLAB")
            && s.network_type.eq_ignore_ascii_case("VPC")
    });
    Ok(vpc.map(|source| {
        Diagnostic::error(
            "Oversea build with a VPC GitLab",
            format!(
                "oversea_build = true, but instance {} reaches its GitLab through VPC link {} (code source {}). Builds outside the Chinese mainland cannot reach the VPC; set oversea_build = false.",
                binding.instance_id, source.vpc_link_id, source.code_source_id
            ),
        )
        .with_attribute(AttributePath::root("oversea_build"))
    }))
}

async fn create_binding(request: &CreateRequest) -> Result<Value, (Value, Diagnostic)> {
    let fail = |d: Diagnostic| (Value::Null, d);
    let client = client(&request.ctx).map_err(fail)?;
    let plan = &request.planned_state;
    let binding = binding_from(plan).map_err(fail)?;
    let ctx = &request.ctx;
    let what = format!(
        "bind repository {} to {}/{}",
        binding.repo_id, binding.code_repo_namespace_name, binding.code_repo_name
    );
    // Checked again here because the code source may have been created in
    // the same apply, after the plan could look it up.
    if let Some(d) = oversea_conflict(ctx, &client, &binding)
        .await
        .map_err(|e| fail(common::api_diagnostic(&what, &e)))?
    {
        return Err(fail(d));
    }
    let id = format!("{}:{}", binding.instance_id, binding.repo_id);
    let partial = |d: Diagnostic| (common::partial_state(plan, &[("id", id.as_str())]), d);
    if let Err(error) = api::create_repo_source(ctx, &client, &binding).await {
        if !error.may_have_been_applied() {
            return Err(fail(create_error(&what, &binding, &error)));
        }
        // A create whose reply was lost is adopted if the same binding exists.
        // If the binding is not visible yet, it may still exist, so it stays
        // in state as tainted and the next apply replaces it.
        let found = api::get_repo_source(ctx, &client, &binding.instance_id, &binding.repo_id)
            .await
            .ok()
            .flatten();
        if !found.is_some_and(|found| same_binding(&found, &binding)) {
            return Err(partial(create_error(&what, &binding, &error)));
        }
    }
    let found = wait_visible(request, &client, &binding)
        .await
        .map_err(partial)?;
    Ok(binding_state(plan, &binding.instance_id, found))
}

fn create_error(
    what: &str,
    binding: &RepoSourceCodeRepo,
    error: &alicr_client::Error,
) -> Diagnostic {
    if error.code() == Some("CODE_SOURCE_NOT_EXIST") {
        return Diagnostic::error(
            "Code platform not bound",
            format!(
                "Instance {} has no {} code source ({error}). Bind it first (alicr_gitlab_source for GitLab) and reference that resource, so Terraform creates it before this binding.",
                binding.instance_id, binding.code_repo_type
            ),
        )
        .with_attribute(AttributePath::root("code_repo_type"));
    }
    common::api_diagnostic(what, error)
}

async fn wait_visible(
    request: &CreateRequest,
    client: &alicr_client::CrClient,
    binding: &RepoSourceCodeRepo,
) -> Result<RepoSourceCodeRepo, Diagnostic> {
    let timeout = timeouts::get(&request.config, Operation::Create, DEFAULTS);
    let what = format!("binding of repository {}", binding.repo_id);
    common::poll_until(&request.ctx, timeout, || async {
        Ok(
            match api::get_repo_source(&request.ctx, client, &binding.instance_id, &binding.repo_id)
                .await?
            {
                Some(found) => common::Poll::Done(found),
                None => common::Poll::Pending("not visible yet".to_string()),
            },
        )
    })
    .await
    .map_err(|e| common::wait_diagnostic(&what, timeout, "create", e))
}

#[async_trait]
impl Resource for RepoSource {
    fn type_name(&self) -> &'static str {
        "alicr_repo_source"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn modify_plan(&self, request: &mut ModifyPlanRequest) {
        if request.config.get("oversea_build").as_bool() != Some(true) {
            return;
        }
        let Ok(binding) = binding_from(&request.planned_state) else {
            return;
        };
        let Some(client) = configured(&request.ctx).ok().and_then(|p| p.ready_client()) else {
            return;
        };
        match oversea_conflict(&request.ctx, &client, &binding).await {
            Ok(Some(d)) => request.diagnostics.push(d),
            Ok(None) => {}
            Err(e) => request.diagnostics.push(common::api_diagnostic(
                "look up the instance's code sources",
                &e,
            )),
        }
    }

    async fn create(&self, request: CreateRequest) -> StateResponse {
        match create_binding(&request).await {
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
        let (Some(instance_id), Some(repo_id)) = (
            common::optional_str(state, "instance_id"),
            common::optional_str(state, "repo_id"),
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
        match api::get_repo_source(&request.ctx, &client, &instance_id, &repo_id).await {
            Ok(Some(binding)) => response.new_state = binding_state(state, &instance_id, binding),
            Ok(None) => {
                tracing::info!(%instance_id, %repo_id, "repository source binding is gone; removing it from state")
            }
            Err(e) => {
                response.new_state = state.clone();
                response.diagnostics.push(common::api_diagnostic(
                    &format!("read the source binding of {repo_id}"),
                    &e,
                ));
            }
        }
        response
    }

    async fn update(&self, request: UpdateRequest) -> StateResponse {
        let result = async {
            let client = client(&request.ctx)?;
            let binding = binding_from(&request.planned_state)?;
            let what = format!("update the source binding of {}", binding.repo_id);
            if let Some(d) = oversea_conflict(&request.ctx, &client, &binding)
                .await
                .map_err(|e| common::api_diagnostic(&what, &e))?
            {
                return Err(d);
            }
            api::update_repo_source(&request.ctx, &client, &binding)
                .await
                .map_err(|e| create_error(&what, &binding, &e))?;
            let found = api::get_repo_source(
                &request.ctx,
                &client,
                &binding.instance_id,
                &binding.repo_id,
            )
            .await
            .map_err(|e| common::api_diagnostic(&what, &e))?;
            let instance_id = binding.instance_id.clone();
            Ok(binding_state(
                &request.planned_state,
                &instance_id,
                found.unwrap_or(binding),
            ))
        };
        match result.await {
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
            let repo_id = common::required_str(&request.prior_state, "repo_id")?;
            api::delete_repo_source(&request.ctx, &client, &instance_id, &repo_id)
                .await
                .map_err(|e| common::api_diagnostic(&format!("unbind repository {repo_id}"), &e))
        };
        match result.await {
            Ok(()) => Diagnostics::new(),
            Err(d) => d.into(),
        }
    }

    async fn import_state(&self, request: ImportStateRequest) -> StateResponse {
        common::import_by_id(&request.id, &["instance_id", "repo_id"])
    }
}
