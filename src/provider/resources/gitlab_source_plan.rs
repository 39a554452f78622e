//! Plan-time checks of `alicr_gitlab_source`: which token attribute is set,
//! which network fields go together, and, through the API, whether a VPC
//! binding's endpoint host is an address its link reaches.

use alicr_framework::resource::ModifyPlanRequest;
use alicr_framework::{AttributePath, Diagnostic, Diagnostics, Value};

use crate::provider::network::{self, LinkReach};
use crate::provider::{api, configured};

/// Checks attribute combinations; unknown values count as set but are not
/// inspected.
pub fn validate(config: &Value) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    let token = config.get("private_token");
    let token_wo = config.get("private_token_wo");
    if !token.is_null() && !token_wo.is_null() {
        diagnostics.push(
            Diagnostic::error(
                "Conflicting tokens",
                "Set either private_token or private_token_wo, not both.",
            )
            .with_attribute(AttributePath::root("private_token_wo")),
        );
    }
    if token.is_null() && token_wo.is_null() {
        diagnostics.push(
            Diagnostic::error("Missing token", "Set private_token, or private_token_wo on Terraform 1.11 and later; the API needs the GitLab token to bind.")
                .with_attribute(AttributePath::root("private_token")),
        );
    }
    let link = config.get("vpc_link_id");
    match config.get("network_type").as_str() {
        Some("VPC") if link.is_null() => diagnostics.push(
            Diagnostic::error("Missing vpc_link_id", "network_type is VPC, so set vpc_link_id to the link_id of the alicr_vpc_link that reaches GitLab.")
                .with_attribute(AttributePath::root("vpc_link_id")),
        ),
        Some("PUBLIC") if !link.is_null() => diagnostics.push(
            Diagnostic::error("Unexpected vpc_link_id", "vpc_link_id applies only when network_type is VPC; remove it or set network_type = \"VPC\".")
                .with_attribute(AttributePath::root("vpc_link_id")),
        ),
        Some("PUBLIC") => check_public_host(config, &mut diagnostics),
        _ => {}
    }
    diagnostics
}

/// Rejects a private GitLab host, which the public network cannot reach.
fn check_public_host(config: &Value, diagnostics: &mut Diagnostics) {
    let Some(endpoint) = config.get("endpoint").as_str() else {
        return;
    };
    let Ok(url) = network::check_gitlab_endpoint(endpoint) else {
        return;
    };
    let private = match url.host() {
        Some(url::Host::Ipv4(v4)) => network::is_private_ipv4(v4) || v4.is_loopback(),
        _ => false,
    };
    if private {
        diagnostics.push(
            Diagnostic::error(
                "Private GitLab over the public network",
                format!("endpoint {endpoint:?} has a private address, which Container Registry cannot reach over the public network. Use network_type = \"VPC\" with an alicr_vpc_link, or a public endpoint."),
            )
            .with_attribute(AttributePath::root("endpoint")),
        );
    }
}

/// For `VPC` bindings, looks up the link and warns when the endpoint's host
/// is not an address it reaches. Skipped while any input is unknown. It only
/// warns because the same plan may also update the link's addresses, which
/// this resource cannot see; the bind call at apply time rejects a real
/// mismatch.
pub async fn check_endpoint_on_link(request: &mut ModifyPlanRequest) {
    let config = &request.config;
    if config.get("network_type").as_str() != Some("VPC") {
        return;
    }
    let (Some(instance_id), Some(link_id), Some(endpoint)) = (
        config.get("instance_id").as_str().map(str::to_string),
        config.get("vpc_link_id").as_str().map(str::to_string),
        config.get("endpoint").as_str().map(str::to_string),
    ) else {
        return;
    };
    let Some(client) = configured(&request.ctx).ok().and_then(|p| p.ready_client()) else {
        return;
    };
    let link = match api::get_vpc_link(&request.ctx, &client, &instance_id, &link_id).await {
        Ok(link) => link,
        Err(e) => {
            let d = super::common::api_diagnostic(&format!("look up VPC link {link_id}"), &e);
            request
                .diagnostics
                .push(d.with_attribute(AttributePath::root("vpc_link_id")));
            return;
        }
    };
    let Some(link) = link else {
        request.diagnostics.push(
            Diagnostic::error("VPC link not found", format!("Instance {instance_id} has no VPC link {link_id}. Use the link_id of an alicr_vpc_link of the same instance."))
                .with_attribute(AttributePath::root("vpc_link_id")),
        );
        return;
    };
    let reach = LinkReach {
        gitlab_ip: link.gitlab_ip,
        allowed_ips: link.allowed_ips,
        data_center_cidrs: link.data_center_cidrs,
    };
    if let Err(e) = network::check_endpoint_on_link(&endpoint, &reach) {
        request.diagnostics.push(
            Diagnostic::warning(
                "Endpoint not reachable through the VPC link",
                format!("{e} (link {link_id} as it is now). Unless this plan also adds the host to the link's gitlab_ip or allowed_ips, binding will fail at apply."),
            )
            .with_attribute(AttributePath::root("endpoint")),
        );
    }
}
