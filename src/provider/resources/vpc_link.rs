//! `alicr_vpc_link`: the VPC build link that lets Container Registry builds
//! reach a private GitLab through an ENI in the user's vSwitch. Schema, CRUD
//! and import live here; the plan-time network checks are in `vpc_link_plan`.

use std::time::Duration;

use alicr_client::model::BuildVpcLink;
use alicr_framework::resource::{
    CreateRequest, DeleteRequest, ImportStateRequest, ModifyPlanRequest, ReadRequest,
    StateResponse, UpdateRequest,
};
use alicr_framework::validators::StringCheck;
use alicr_framework::{
    Attribute, Block, Context, Diagnostic, Diagnostics, Resource, Schema, Type, Value,
};
use async_trait::async_trait;

use super::common::{self, Poll};
use super::timeouts::{self, Defaults, Operation};
use crate::provider::network::{self, cidr_equal};
use crate::provider::{api, client};

mod create;

const DEFAULTS: Defaults = Defaults {
    create: Duration::from_secs(10 * 60),
    update: Duration::from_secs(5 * 60),
    delete: Duration::from_secs(10 * 60),
};

const RUNNING: &str = "RUNNING";

/// The `alicr_vpc_link` resource type.
#[derive(Debug, Default)]
pub struct VpcLink;

fn address_check(value: &str) -> Result<(), String> {
    network::check_vpc_host_address(value).map_err(|e| e.to_string())
}

fn data_center_check(value: &str) -> Result<(), String> {
    network::check_data_center_cidr(value).map_err(|e| e.to_string())
}

fn schema() -> Schema {
    let addresses = StringCheck {
        check: address_check,
        description: "Each must be one private IPv4 address outside 100.104.0.0/16.",
    };
    let block = Block::new()
        .description("A VPC build link: Container Registry builds reach a private GitLab (and other listed servers) through a network interface in your vSwitch. A link that an `alicr_gitlab_source` uses cannot be deleted, so set `lifecycle { create_before_destroy = true }` on the link: a change of `gitlab_ip`, `vpc_id` or `vswitch_id` then creates the new link and moves the binding to it before the old link is deleted. Import with `<instance_id>:<link_id>`.")
        .attribute(Attribute::string("id").computed().use_state_for_unknown().description("`<instance_id>:<link_id>`."))
        .attribute(Attribute::string("instance_id").required().force_new().description("Container Registry instance, `cri-...`."))
        .attribute(Attribute::string("vpc_id").required().force_new().description("VPC of the GitLab server, `vpc-...`."))
        .attribute(Attribute::string("vswitch_id").required().force_new().description("vSwitch in `vpc_id`, in a zone that supports VPC builds."))
        .attribute(
            Attribute::string("gitlab_ip")
                .required()
                .force_new()
                .semantic_equality(network::cidr_value_equal)
                .validator(StringCheck { check: address_check, description: "Must be a private IPv4 address outside 100.104.0.0/16." })
                .description("Private IPv4 address of the GitLab server."),
        )
        .attribute(
            Attribute::new("allowed_ips", Type::set(Type::String))
                .default_value(Value::Set(vec![]))
                .semantic_equality(network::cidr_set_value_equal)
                .validator(addresses)
                .description("Other private IPv4 addresses builds may reach, such as a Maven mirror."),
        )
        .attribute(
            Attribute::new("data_center_cidrs", Type::set(Type::String))
                .default_value(Value::Set(vec![]))
                .semantic_equality(network::cidr_set_value_equal)
                .validator(StringCheck { check: data_center_check, description: "Must not overlap 100.104.0.0/16." })
                .description("Data center blocks reached through the VPC. They must not overlap 100.104.0.0/16, the range builds come from, and the data center needs a return route to it."),
        )
        .attribute(Attribute::string("link_id").computed().use_state_for_unknown().description("Link ID, `crvl-...`."))
        .attribute(Attribute::string("status").computed().use_state_for_unknown().description("CREATING, RUNNING or DELETING."))
        .attribute(Attribute::string("security_group_id").computed().use_state_for_unknown().description("Managed security group of the link."))
        .attribute(Attribute::string("network_interface_id").computed().use_state_for_unknown().description("Network interface of the link in the vSwitch."))
        .attribute(Attribute::string("zone_id").computed().use_state_for_unknown().description("Zone of the vSwitch."))
        .block(timeouts::block(DEFAULTS));
    Schema::new(0, block)
}

/// Builds the state from the API's link, keeping the configured spelling of
/// equivalent addresses and the `timeouts` block of `base`.
fn link_state(base: &Value, link: BuildVpcLink) -> Value {
    Value::object([
        (
            "id",
            Value::string(format!("{}:{}", link.instance_id, link.link_id)),
        ),
        ("instance_id", Value::string(link.instance_id)),
        ("vpc_id", Value::string(link.vpc_id)),
        ("vswitch_id", Value::string(link.vswitch_id)),
        (
            "gitlab_ip",
            common::keep_prior_string(base.get("gitlab_ip"), link.gitlab_ip, cidr_equal),
        ),
        (
            "allowed_ips",
            common::keep_prior_spelling(base.get("allowed_ips"), link.allowed_ips, cidr_equal),
        ),
        (
            "data_center_cidrs",
            common::keep_prior_spelling(
                base.get("data_center_cidrs"),
                link.data_center_cidrs,
                cidr_equal,
            ),
        ),
        ("link_id", Value::string(link.link_id)),
        ("status", Value::string(link.status)),
        ("security_group_id", Value::string(link.security_group_id)),
        (
            "network_interface_id",
            Value::string(link.network_interface_id),
        ),
        ("zone_id", Value::string(link.zone_id)),
        ("timeouts", base.get("timeouts").clone()),
    ])
}

/// Converts to the bare address the API takes (`10.0.0.1/32` to `10.0.0.1`).
fn canonical_address(value: &str) -> String {
    network::parse_host_address(value)
        .map(|a| a.to_string())
        .unwrap_or_else(|_| value.to_string())
}

fn canonical_addresses(plan: &Value) -> Vec<String> {
    common::string_list(plan, "allowed_ips")
        .iter()
        .map(|v| canonical_address(v))
        .collect()
}

fn canonical_blocks(plan: &Value) -> Vec<String> {
    let blocks = common::string_list(plan, "data_center_cidrs");
    blocks
        .iter()
        .map(|v| network::canonical_cidr(v).unwrap_or_else(|_| v.clone()))
        .collect()
}

/// Waits until the link is visible and RUNNING, and returns it.
pub(crate) async fn wait_running(
    ctx: &Context,
    client: &alicr_client::CrClient,
    instance_id: &str,
    link_id: &str,
    timeout: Duration,
    block: &str,
) -> Result<BuildVpcLink, Diagnostic> {
    let what = format!("VPC link {link_id} to be RUNNING");
    let outcome = common::poll_until(ctx, timeout, || async {
        let link = api::get_vpc_link(ctx, client, instance_id, link_id).await?;
        Ok(match link {
            Some(link) if link.status.eq_ignore_ascii_case(RUNNING) => Poll::Done(Ok(link)),
            Some(link) if link.status.to_ascii_uppercase().contains("FAIL") => {
                Poll::Done(Err(link.status))
            }
            Some(link) => Poll::Pending(link.status),
            // A link that was just created may not be listed yet.
            None => Poll::Pending("not visible yet".to_string()),
        })
    })
    .await
    .map_err(|e| common::wait_diagnostic(&what, timeout, block, e))?;
    outcome.map_err(|status| {
        Diagnostic::error(
            "VPC link failed",
            format!("VPC link {link_id} in {instance_id} ended in status {status}. Check the vSwitch's free addresses and the VPC's quotas, then replace the link (terraform apply -replace)."),
        )
    })
}

#[async_trait]
impl Resource for VpcLink {
    fn type_name(&self) -> &'static str {
        "alicr_vpc_link"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn modify_plan(&self, request: &mut ModifyPlanRequest) {
        super::vpc_link_plan::check_network(request).await;
    }

    async fn create(&self, request: CreateRequest) -> StateResponse {
        match create::create_link(request).await {
            Ok(new_state) => StateResponse {
                new_state,
                ..StateResponse::default()
            },
            Err((new_state, diagnostics)) => StateResponse {
                new_state,
                diagnostics,
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
        let (instance_id, link_id) = (
            common::optional_str(state, "instance_id"),
            common::optional_str(state, "link_id"),
        );
        let (Some(instance_id), Some(link_id)) = (instance_id, link_id) else {
            return response;
        };
        let client = match client(&request.ctx) {
            Ok(client) => client,
            Err(d) => {
                response.diagnostics.push(d);
                return response;
            }
        };
        match api::get_vpc_link(&request.ctx, &client, &instance_id, &link_id).await {
            // A DELETING link can no longer carry builds, so it counts as gone.
            Ok(Some(link)) if !link.status.eq_ignore_ascii_case("DELETING") => {
                response.new_state = link_state(state, link)
            }
            Ok(_) => {
                tracing::info!(%instance_id, %link_id, "VPC link is gone or being deleted; removing it from state")
            }
            Err(e) => {
                response.new_state = state.clone();
                response.diagnostics.push(common::api_diagnostic(
                    &format!("read VPC link {link_id}"),
                    &e,
                ));
            }
        }
        response
    }

    async fn update(&self, request: UpdateRequest) -> StateResponse {
        match update_link(&request).await {
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
        match delete_link(&request).await {
            Ok(()) => Diagnostics::new(),
            Err(d) => d.into(),
        }
    }

    async fn import_state(&self, request: ImportStateRequest) -> StateResponse {
        common::import_by_id(&request.id, &["instance_id", "link_id"])
    }
}

/// Replaces the two address lists, the only fields the API can change; the
/// link must be RUNNING before and is RUNNING again after.
async fn update_link(request: &UpdateRequest) -> Result<Value, Diagnostic> {
    let client = client(&request.ctx)?;
    let plan = &request.planned_state;
    let instance_id = common::required_str(plan, "instance_id")?;
    let link_id = common::required_str(&request.prior_state, "link_id")?;
    let timeout = timeouts::get(&request.config, Operation::Update, DEFAULTS);
    let ctx = &request.ctx;
    wait_running(ctx, &client, &instance_id, &link_id, timeout, "update").await?;
    let allowed_ips = canonical_addresses(plan);
    let data_center_cidrs = canonical_blocks(plan);
    api::update_vpc_link(
        ctx,
        &client,
        &instance_id,
        &link_id,
        &allowed_ips,
        &data_center_cidrs,
    )
    .await
    .map_err(|e| common::api_diagnostic(&format!("update VPC link {link_id}"), &e))?;
    let link = wait_running(ctx, &client, &instance_id, &link_id, timeout, "update").await?;
    Ok(link_state(plan, link))
}

/// Deletes the link and waits until it is gone. A link still CREATING is
/// first awaited, because the API deletes only RUNNING links.
async fn delete_link(request: &DeleteRequest) -> Result<(), Diagnostic> {
    let client = client(&request.ctx)?;
    let state = &request.prior_state;
    let instance_id = common::required_str(state, "instance_id")?;
    let link_id = common::required_str(state, "link_id")?;
    let timeout = timeouts::get(state, Operation::Delete, DEFAULTS);
    let ctx = &request.ctx;
    let Some(link) = api::get_vpc_link(ctx, &client, &instance_id, &link_id)
        .await
        .map_err(|e| common::api_diagnostic(&format!("read VPC link {link_id}"), &e))?
    else {
        return Ok(());
    };
    if link.status.eq_ignore_ascii_case("CREATING") {
        wait_running(ctx, &client, &instance_id, &link_id, timeout, "delete").await?;
    }
    if !link.status.eq_ignore_ascii_case("DELETING") {
        api::delete_vpc_link(ctx, &client, &instance_id, &link_id).await.map_err(|e| {
            if e.code() == Some("BUILD_VPC_LINK_IN_USE") {
                Diagnostic::error(
                    "VPC link in use",
                    format!("VPC link {link_id} cannot be deleted because a GitLab code source uses it ({e}). Delete or move the alicr_gitlab_source that references it first."),
                )
            } else {
                common::api_diagnostic(&format!("delete VPC link {link_id}"), &e)
            }
        })?;
    }
    let what = format!("VPC link {link_id} to be deleted");
    common::poll_until(ctx, timeout, || async {
        Ok(
            match api::get_vpc_link(ctx, &client, &instance_id, &link_id).await? {
                None => Poll::Done(()),
                Some(link) => Poll::Pending(link.status),
            },
        )
    })
    .await
    .map_err(|e| common::wait_diagnostic(&what, timeout, "delete", e))
}
