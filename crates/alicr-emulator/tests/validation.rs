//! Parameter rules over raw HTTP: the address rules of VPC build links and the image tag rule
//! of build rules, on create and on update.

mod common;

use common::*;

const VPC_ID: &str = "vpc-bp1demo00000000000001";
const BUILD_VSW: &str = "vsw-bp1demoh0000000000001";

async fn create_link(caller: &Caller, gitlab_ip: &str, extra: &[(&str, &str)]) -> Reply {
    let mut params = vec![
        ("InstanceId", INSTANCE),
        ("VpcId", VPC_ID),
        ("VswitchId", BUILD_VSW),
        ("GitLabIp", gitlab_ip),
    ];
    params.extend_from_slice(extra);
    caller.cr("CreateBuildVpcLink", &params).await
}

async fn update_link(caller: &Caller, link_id: &str, extra: &[(&str, &str)]) -> Reply {
    let mut params = vec![("InstanceId", INSTANCE), ("LinkId", link_id)];
    params.extend_from_slice(extra);
    caller.cr("UpdateBuildVpcLink", &params).await
}

const NON_PRIVATE_HOSTS: [&str; 3] = ["8.8.8.8", "100.104.1.1", "fd00::1"];

#[tokio::test]
async fn gitlab_ip_must_be_private() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    for ip in NON_PRIVATE_HOSTS {
        let reply = create_link(&caller, ip, &[]).await;
        assert_eq!(reply.status, 400, "{ip}");
        assert_eq!(reply.code(), "InvalidGitLabIp", "{ip}");
    }
}

#[tokio::test]
async fn allowed_ips_must_be_private() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    for ip in NON_PRIVATE_HOSTS {
        let reply = create_link(&caller, "192.168.1.10", &[("AllowedIps.1", ip)]).await;
        assert_eq!(reply.code(), "InvalidAllowedIps", "{ip}");
    }
}

#[tokio::test]
async fn cidr_overlapping_back_route() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let reply = create_link(
        &caller,
        "192.168.1.10",
        &[("DataCenterCidrs.1", "100.0.0.0/8")],
    )
    .await;
    assert_eq!(reply.code(), "InvalidDataCenterCidrs");
    assert!(
        reply.str("Message").contains("100.104.0.0/16"),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn link_update_checks_addresses() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let link_id = create_link(&caller, "192.168.1.10", &[])
        .await
        .str("LinkId");
    let public_ip = update_link(&caller, &link_id, &[("AllowedIps.1", "8.8.8.8")]).await;
    assert_eq!(public_ip.code(), "InvalidAllowedIps");
    let overlap = update_link(
        &caller,
        &link_id,
        &[("DataCenterCidrs.1", "100.104.0.0/20")],
    )
    .await;
    assert_eq!(overlap.code(), "InvalidDataCenterCidrs");
    let valid = update_link(&caller, &link_id, &[("AllowedIps.1", "100.64.0.9")]).await;
    assert_eq!(valid.code(), "success", "{}", valid.body);
}

fn rule_params(tag: &str) -> Vec<(&str, &str)> {
    vec![
        ("InstanceId", INSTANCE),
        ("RepoId", APP_REPO),
        ("PushType", "GIT_BRANCH"),
        ("PushName", "main"),
        ("ImageTag", tag),
    ]
}

#[tokio::test]
async fn image_tag_rules_on_create() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let too_long = "a".repeat(129);
    let longest = "a".repeat(128);
    let cases = [
        ("v1.0 beta", "InvalidImageTag"),
        ("v1\tx", "InvalidImageTag"),
        (too_long.as_str(), "InvalidImageTag"),
        (longest.as_str(), "success"),
        ("release-1.2_rc", "success"),
    ];
    for (tag, expected) in cases {
        let reply = caller.cr("CreateRepoBuildRule", &rule_params(tag)).await;
        assert_eq!(reply.code(), expected, "{tag:?}");
    }
}

#[tokio::test]
async fn image_tag_rules_on_update() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let created = caller.cr("CreateRepoBuildRule", &rule_params("v1")).await;
    let rule_id = created.str("BuildRuleId");
    let reply = caller
        .cr(
            "UpdateRepoBuildRule",
            &[
                ("InstanceId", INSTANCE),
                ("RepoId", APP_REPO),
                ("BuildRuleId", &rule_id),
                ("ImageTag", "has space"),
            ],
        )
        .await;
    assert_eq!(reply.code(), "InvalidImageTag");
}
