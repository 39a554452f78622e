//! Plan-time checks of `alicr_vpc_link` that need the VPC API: the vSwitch
//! belongs to the VPC and sits in a zone that supports VPC builds, and the
//! GitLab address is one the link can plausibly route to.

use alicr_framework::resource::ModifyPlanRequest;
use alicr_framework::{AttributePath, Diagnostic};

use crate::provider::network::parse_network;
use crate::provider::zones::{self, ZoneSupport};
use crate::provider::{api, configured};

/// The attributes whose change calls for a new lookup.
const NETWORK_ATTRIBUTES: [&str; 4] = ["vpc_id", "vswitch_id", "gitlab_ip", "data_center_cidrs"];

/// Runs the checks on a create, or when a network attribute changed. Unknown
/// values and a provider whose configuration is not known yet skip them.
pub async fn check_network(request: &mut ModifyPlanRequest) {
    // The plan, not the configuration, is compared with the state: an omitted
    // data_center_cidrs is null in the configuration but its default [] in
    // both the plan and the state, and must not count as a change.
    let planned = &request.planned_state;
    let changed = request.prior_state.is_null()
        || NETWORK_ATTRIBUTES
            .iter()
            .any(|name| planned.get(name) != request.prior_state.get(name));
    let config = &request.config;
    if !changed {
        return;
    }
    let Some(vswitch_id) = config.get("vswitch_id").as_str().map(str::to_string) else {
        return;
    };
    let Ok(provider) = configured(&request.ctx) else {
        return;
    };
    let (Some(client), Some(region)) = (provider.ready_client(), provider.region.clone()) else {
        return;
    };

    let ctx = request.ctx.clone();
    let vswitch_path = AttributePath::root("vswitch_id");
    let vswitch = match api::get_vswitch(&ctx, &client, &vswitch_id).await {
        Ok(Some(vswitch)) => vswitch,
        Ok(None) => {
            request.diagnostics.push(
                Diagnostic::error(
                    "vSwitch not found",
                    format!("vSwitch {vswitch_id} does not exist in region {region}. Use a vSwitch of the VPC in the provider's region."),
                )
                .with_attribute(vswitch_path),
            );
            return;
        }
        Err(e) => {
            // A failed lookup says nothing about vswitch_id itself (bad keys,
            // unreachable endpoint), so the diagnostic points at no attribute.
            let d = super::common::api_diagnostic(&format!("look up vSwitch {vswitch_id}"), &e);
            request.diagnostics.push(d);
            return;
        }
    };

    if let Some(vpc_id) = config.get("vpc_id").as_str() {
        if vswitch.vpc_id != vpc_id {
            request.diagnostics.push(
                Diagnostic::error(
                    "vSwitch not in VPC",
                    format!("vSwitch {vswitch_id} belongs to VPC {}, not to vpc_id {vpc_id}. Use a vSwitch of {vpc_id}.", vswitch.vpc_id),
                )
                .with_attribute(vswitch_path.clone()),
            );
        }
    }
    if let Some(d) = zone_diagnostic(&region, &vswitch_id, &vswitch.zone_id) {
        request.diagnostics.push(d.with_attribute(vswitch_path));
    }
    warn_unrouted_gitlab_ip(request, &client).await;
}

fn zone_diagnostic(region: &str, vswitch_id: &str, zone_id: &str) -> Option<Diagnostic> {
    match zones::zone_support(region, zone_id) {
        ZoneSupport::Supported => None,
        ZoneSupport::NotSupported => {
            let supported = zones::vpc_build_zones(region).unwrap_or_default().join(", ");
            Some(Diagnostic::error(
                "Zone does not support VPC builds",
                format!("vSwitch {vswitch_id} is in zone {zone_id}, which does not support VPC builds. Use a vSwitch in one of: {supported}."),
            ))
        }
        ZoneSupport::UnknownRegion => Some(Diagnostic::warning(
            "Zone support unknown",
            format!("The provider's list of zones that support VPC builds has no entry for region {region}, so zone {zone_id} of vSwitch {vswitch_id} was not checked. The API checks it when the link is created."),
        )),
    }
}

/// Warns when the GitLab address is outside the VPC's block and every data
/// center block: builds could reach it only through routes alicr cannot see.
async fn warn_unrouted_gitlab_ip(request: &mut ModifyPlanRequest, client: &alicr_client::CrClient) {
    let config = &request.config;
    let (Some(vpc_id), Some(gitlab_ip)) = (
        config.get("vpc_id").as_str(),
        config.get("gitlab_ip").as_str(),
    ) else {
        return;
    };
    let Ok(address) = parse_network(gitlab_ip) else {
        return;
    };
    let Some(data_centers) = config
        .get("data_center_cidrs")
        .as_string_list()
        .or_else(|| {
            // Null means none were configured; unknown means the check must wait.
            config.get("data_center_cidrs").is_null().then(Vec::new)
        })
    else {
        return;
    };
    let Ok(Some(vpc)) = api::get_vpc(&request.ctx, client, vpc_id).await else {
        return;
    };
    let blocks =
        std::iter::once(vpc.cidr_block.as_str()).chain(data_centers.iter().map(String::as_str));
    let routed = blocks
        .filter_map(|block| parse_network(block).ok())
        .any(|net| net.contains(&address));
    if !routed {
        request.diagnostics.push(
            Diagnostic::warning(
                "GitLab address outside the VPC",
                format!(
                    "gitlab_ip {gitlab_ip} is neither in VPC {vpc_id} ({}) nor in data_center_cidrs, so builds can reach it only through routes alicr cannot see. Add the data center's block to data_center_cidrs if GitLab runs there.",
                    vpc.cidr_block
                ),
            )
            .with_attribute(AttributePath::root("gitlab_ip")),
        );
    }
}
