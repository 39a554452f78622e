//! Instance code sources (alicr's own GitLab binding operations): create with `ClientToken`
//! idempotency, get, list, update and delete. Binding checks reachability the way the console
//! does; the private token is stored but never returned.

use std::net::IpAddr;

use ipnet::IpNet;
use serde_json::{json, Value};
use url::{Host, Url};

use super::vpc_link::find_link;
use super::{empty, instance, reply, Ctx};
use crate::ids;
use crate::model::{CodeSource, LinkStatus};
use crate::store::{Stored, Tx};
use crate::wire::{ApiError, Params, Reply};

const UNREACHABLE_MESSAGE: &str = "The source code repository site is inaccessible. Please confirm that the binding information is correct or try again later.";

fn source_json(source: &Stored<CodeSource>) -> Value {
    let doc = &source.doc;
    json!({
        "CodeSourceId": source.id,
        "InstanceId": doc.instance_id,
        "CodeSourceType": doc.code_source_type,
        "NetworkType": doc.network_type,
        "VpcLinkId": doc.vpc_link_id,
        "EndpointUrl": doc.endpoint_url,
        "UserName": doc.user_name,
        "Status": "BOUND",
        "CreateTime": source.created_ms,
    })
}

fn find_source(
    ctx: &Ctx<'_>,
    tx: &Tx<'_>,
    instance_id: &str,
    id: &str,
) -> Result<Stored<CodeSource>, ApiError> {
    tx.get::<CodeSource>(ctx.account_id, id)?
        .filter(|source| source.scope == instance_id)
        .ok_or_else(|| {
            ApiError::business(
                "CODE_SOURCE_NOT_EXIST",
                format!("Code source {id} does not exist in this instance."),
            )
        })
}

/// The binding settings shared by create and update.
struct Binding {
    network_type: String,
    vpc_link_id: String,
    endpoint_url: String,
    user_name: String,
    private_token: String,
}

fn read_binding(
    ctx: &Ctx<'_>,
    params: &Params,
    tx: &Tx<'_>,
    instance_id: &str,
) -> Result<Binding, ApiError> {
    let network_type = params.required("NetworkType")?;
    params.one_of("NetworkType", &["VPC", "PUBLIC"])?;
    let endpoint_url = params.required("EndpointUrl")?;
    let user_name = params.required("UserName")?;
    let private_token = params.required("PrivateToken")?;
    let url = Url::parse(endpoint_url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .ok_or_else(|| {
            ApiError::invalid(
                "EndpointUrl",
                endpoint_url,
                "expected an http or https URL with a host",
            )
        })?;
    let vpc_link_id = if network_type == "VPC" {
        let link_id = params.required("VpcLinkId")?;
        let link = find_link(ctx, tx, instance_id, link_id)?;
        let reachable = link.doc.status(ctx.now_ms) == LinkStatus::Running
            && host_address(&url).is_some_and(|addr| link_reaches(&link.doc, addr));
        if !reachable {
            return Err(ApiError::business(
                "CODE_SOURCE_UNREACHABLE",
                UNREACHABLE_MESSAGE,
            ));
        }
        link_id.to_string()
    } else {
        if !publicly_reachable(&url) {
            return Err(ApiError::business(
                "CODE_SOURCE_UNREACHABLE",
                UNREACHABLE_MESSAGE,
            ));
        }
        String::new()
    };
    Ok(Binding {
        network_type: network_type.to_string(),
        vpc_link_id,
        endpoint_url: endpoint_url.to_string(),
        user_name: user_name.to_string(),
        private_token: private_token.to_string(),
    })
}

fn host_address(url: &Url) -> Option<IpAddr> {
    match url.host()? {
        Host::Ipv4(v4) => Some(IpAddr::V4(v4)),
        Host::Ipv6(v6) => Some(IpAddr::V6(v6)),
        Host::Domain(_) => None,
    }
}

/// Whether a link lets builds reach `addr`: its GitLab IP, an allowed IP or a data-center CIDR.
fn link_reaches(link: &crate::model::VpcLink, addr: IpAddr) -> bool {
    let same = |text: &String| text.parse::<IpAddr>().is_ok_and(|ip| ip == addr);
    same(&link.gitlab_ip)
        || link.allowed_ips.iter().any(same)
        || link
            .data_center_cidrs
            .iter()
            .any(|cidr| cidr.parse::<IpNet>().is_ok_and(|net| net.contains(&addr)))
}

/// Whether a host can be reached over the internet: not a private, loopback, link-local or
/// shared (100.64.0.0/10) address, and not `localhost`.
fn publicly_reachable(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(name)) => !name.eq_ignore_ascii_case("localhost"),
        Some(_) => match host_address(url) {
            Some(IpAddr::V4(v4)) => {
                let shared = v4.octets()[0] == 100 && (64..128).contains(&v4.octets()[1]);
                !(v4.is_private()
                    || v4.is_loopback()
                    || v4.is_link_local()
                    || v4.is_unspecified()
                    || shared)
            }
            Some(IpAddr::V6(v6)) => {
                let first = v6.segments()[0];
                let unique_local = first & 0xfe00 == 0xfc00;
                let link_local = first & 0xffc0 == 0xfe80;
                !(v6.is_loopback() || v6.is_unspecified() || unique_local || link_local)
            }
            None => false,
        },
        None => false,
    }
}

pub(super) fn create_source(
    ctx: &Ctx<'_>,
    params: &Params,
    tx: &Tx<'_>,
) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let source_type = params.required("CodeSourceType")?;
    params.one_of("CodeSourceType", &["GITLAB"])?;
    let client_token = params.get("ClientToken");
    let existing = tx.find_named::<CodeSource>(ctx.account_id, &inst.id, source_type)?;
    if let Some(existing) = existing {
        if client_token.is_some() && existing.doc.client_token.as_deref() == client_token {
            return Ok(reply(json!({ "CodeSourceId": existing.id })));
        }
        return Err(ApiError::business(
            "CODE_SOURCE_ALREADY_EXIST",
            format!(
                "Instance {} already has {source_type} code source {}.",
                inst.id, existing.id
            ),
        ));
    }
    let binding = read_binding(ctx, params, tx, &inst.id)?;
    let doc = CodeSource {
        instance_id: inst.id.clone(),
        code_source_type: source_type.to_string(),
        network_type: binding.network_type,
        vpc_link_id: binding.vpc_link_id,
        endpoint_url: binding.endpoint_url,
        user_name: binding.user_name,
        private_token: binding.private_token,
        client_token: client_token.map(str::to_string),
    };
    let id = ids::object_id("crcs");
    tx.insert(
        &id,
        ctx.account_id,
        &inst.id,
        Some(source_type),
        ctx.now_ms,
        &doc,
    )?;
    Ok(reply(json!({ "CodeSourceId": id })))
}

pub(super) fn get_source(ctx: &Ctx<'_>, params: &Params, tx: &Tx<'_>) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let source = find_source(ctx, tx, &inst.id, params.required("CodeSourceId")?)?;
    Ok(reply(source_json(&source)))
}

pub(super) fn list_sources(ctx: &Ctx<'_>, params: &Params, tx: &Tx<'_>) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let sources = tx.list::<CodeSource>(ctx.account_id, &inst.id)?;
    let items: Vec<Value> = sources.iter().map(source_json).collect();
    Ok(reply(
        json!({ "CodeSources": items, "TotalCount": items.len().to_string() }),
    ))
}

pub(super) fn update_source(
    ctx: &Ctx<'_>,
    params: &Params,
    tx: &Tx<'_>,
) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let mut source = find_source(ctx, tx, &inst.id, params.required("CodeSourceId")?)?;
    let binding = read_binding(ctx, params, tx, &inst.id)?;
    source.doc.network_type = binding.network_type;
    source.doc.vpc_link_id = binding.vpc_link_id;
    source.doc.endpoint_url = binding.endpoint_url;
    source.doc.user_name = binding.user_name;
    source.doc.private_token = binding.private_token;
    tx.update(&source.id, &source.doc)?;
    Ok(empty())
}

pub(super) fn delete_source(
    ctx: &Ctx<'_>,
    params: &Params,
    tx: &Tx<'_>,
) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let source = find_source(ctx, tx, &inst.id, params.required("CodeSourceId")?)?;
    tx.delete::<CodeSource>(&source.id)?;
    Ok(empty())
}
