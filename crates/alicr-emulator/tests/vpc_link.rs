//! alicr's own operations over raw HTTP: VPC build links and instance code sources, with
//! their asynchronous states, idempotency, network checks and the reachability rule.

mod common;

use alicr_emulator::{Emulator, EmulatorConfig, Realism, Seed};
use common::*;

const VPC_ID: &str = "vpc-bp1demo00000000000001";
const BUILD_VSW: &str = "vsw-bp1demoh0000000000001";
const NO_BUILD_VSW: &str = "vsw-bp1demob0000000000001";

async fn create_link(caller: &Caller, extra: &[(&str, &str)]) -> Reply {
    let mut params = vec![
        ("InstanceId", INSTANCE),
        ("VpcId", VPC_ID),
        ("VswitchId", BUILD_VSW),
        ("GitLabIp", "192.168.1.10"),
    ];
    params.extend_from_slice(extra);
    caller.cr("CreateBuildVpcLink", &params).await
}

async fn get_link(caller: &Caller, link_id: &str) -> Reply {
    caller
        .cr(
            "GetBuildVpcLink",
            &[("InstanceId", INSTANCE), ("LinkId", link_id)],
        )
        .await
}

#[tokio::test]
async fn link_running_with_managed_ids() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let created = create_link(&caller, &[("AllowedIps.1", "192.168.1.11")]).await;
    let link_id = created.str("LinkId");
    assert!(link_id.starts_with("crvl-"), "{link_id}");
    assert_eq!(link_id.len(), 21);
    let link = get_link(&caller, &link_id).await;
    assert_eq!(link.str("Status"), "RUNNING");
    assert!(link.str("SecurityGroupId").starts_with("sg-"));
    assert!(link.str("NetworkInterfaceId").starts_with("eni-"));
    assert_eq!(link.str("ZoneId"), "cn-hangzhou-h");
    assert_eq!(link.body["AllowedIps"], serde_json::json!(["192.168.1.11"]));
    assert!(link.body["CreateTime"].is_i64());
}

#[tokio::test]
async fn link_creating_until_ready() {
    let emulator = start_with(Realism {
        link_create_ms: 600_000,
        ..Realism::instant()
    })
    .await;
    let caller = Caller::demo(&emulator);
    let link_id = create_link(&caller, &[]).await.str("LinkId");
    assert_eq!(get_link(&caller, &link_id).await.str("Status"), "CREATING");
    let delete = caller
        .cr(
            "DeleteBuildVpcLink",
            &[("InstanceId", INSTANCE), ("LinkId", &link_id)],
        )
        .await;
    assert_eq!(delete.code(), "BUILD_VPC_LINK_STATUS_NOT_SUPPORT");
}

#[tokio::test]
async fn link_deleting_then_gone() {
    let emulator = start_with(Realism {
        link_delete_ms: 600_000,
        ..Realism::instant()
    })
    .await;
    let caller = Caller::demo(&emulator);
    let link_id = create_link(&caller, &[]).await.str("LinkId");
    let delete = caller
        .cr(
            "DeleteBuildVpcLink",
            &[("InstanceId", INSTANCE), ("LinkId", &link_id)],
        )
        .await;
    assert_eq!(delete.code(), "success");
    assert_eq!(get_link(&caller, &link_id).await.str("Status"), "DELETING");
}

#[tokio::test]
async fn link_delete_instant_gone() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let link_id = create_link(&caller, &[]).await.str("LinkId");
    caller
        .cr(
            "DeleteBuildVpcLink",
            &[("InstanceId", INSTANCE), ("LinkId", &link_id)],
        )
        .await;
    assert_eq!(
        get_link(&caller, &link_id).await.code(),
        "BUILD_VPC_LINK_NOT_EXIST"
    );
    let listed = caller
        .cr("ListBuildVpcLink", &[("InstanceId", INSTANCE)])
        .await;
    assert_eq!(listed.body["TotalCount"], "0");
}

#[tokio::test]
async fn link_client_token_idempotent() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let first = create_link(&caller, &[("ClientToken", "token-1")])
        .await
        .str("LinkId");
    let second = create_link(&caller, &[("ClientToken", "token-1")])
        .await
        .str("LinkId");
    assert_eq!(first, second);
    let listed = caller
        .cr("ListBuildVpcLink", &[("InstanceId", INSTANCE)])
        .await;
    assert_eq!(listed.body["TotalCount"], "1");
}

#[tokio::test]
async fn link_zone_not_supported() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let reply = caller
        .cr(
            "CreateBuildVpcLink",
            &[
                ("InstanceId", INSTANCE),
                ("VpcId", VPC_ID),
                ("VswitchId", NO_BUILD_VSW),
                ("GitLabIp", "192.168.2.5"),
            ],
        )
        .await;
    assert_eq!(reply.code(), "ZONE_NOT_SUPPORT_VPC_BUILD");
}

#[tokio::test]
async fn link_unknown_vpc_and_vswitch() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let vpc = caller
        .cr(
            "CreateBuildVpcLink",
            &[
                ("InstanceId", INSTANCE),
                ("VpcId", "vpc-none"),
                ("VswitchId", BUILD_VSW),
                ("GitLabIp", "10.0.0.1"),
            ],
        )
        .await;
    assert_eq!(vpc.code(), "VPC_NOT_EXIST");
    // The second account's vSwitch is invisible to the demo account.
    let vsw = caller
        .cr(
            "CreateBuildVpcLink",
            &[
                ("InstanceId", INSTANCE),
                ("VpcId", VPC_ID),
                ("VswitchId", "vsw-bp1sharedh00000000001"),
                ("GitLabIp", "10.0.0.1"),
            ],
        )
        .await;
    assert_eq!(vsw.code(), "VSWITCH_NOT_EXIST");
}

#[tokio::test]
async fn link_vswitch_in_other_vpc() {
    let seed = r#"
[[accounts]]
id = "1234567890123456"
access_keys = [{ id = "LTAIdemoaccesskey0001", secret = "demo-secret-0001-not-a-real-key" }]
instances = [{ id = "cri-demo000000000001", name = "demo", region = "cn-hangzhou" }]
vpcs = [
  { id = "vpc-one", region = "cn-hangzhou", cidr = "10.0.0.0/16" },
  { id = "vpc-two", region = "cn-hangzhou", cidr = "10.1.0.0/16" },
]
vswitches = [{ id = "vsw-two", vpc = "vpc-two", zone = "cn-hangzhou-h", cidr = "10.1.1.0/24" }]
"#;
    let seed = Seed::from_toml_str(seed).unwrap_or_else(|err| panic!("{err}"));
    let config = EmulatorConfig {
        seed,
        realism: Realism::instant(),
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start(config)
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    let reply = Caller::demo(&emulator)
        .cr(
            "CreateBuildVpcLink",
            &[
                ("InstanceId", INSTANCE),
                ("VpcId", "vpc-one"),
                ("VswitchId", "vsw-two"),
                ("GitLabIp", "10.0.0.1"),
            ],
        )
        .await;
    assert_eq!(reply.code(), "VSWITCH_NOT_IN_VPC");
}

#[tokio::test]
async fn link_invalid_gitlab_ip() {
    let emulator = start().await;
    let reply = Caller::demo(&emulator)
        .cr(
            "CreateBuildVpcLink",
            &[
                ("InstanceId", INSTANCE),
                ("VpcId", VPC_ID),
                ("VswitchId", BUILD_VSW),
                ("GitLabIp", "gitlab.local"),
            ],
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "InvalidGitLabIp");
}

#[tokio::test]
async fn link_update_replaces_lists() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let link_id = create_link(
        &caller,
        &[
            ("AllowedIps.1", "192.168.1.11"),
            ("DataCenterCidrs.1", "10.8.0.0/16"),
        ],
    )
    .await
    .str("LinkId");
    let update = caller
        .cr(
            "UpdateBuildVpcLink",
            &[
                ("InstanceId", INSTANCE),
                ("LinkId", &link_id),
                ("AllowedIps.1", "192.168.1.12"),
            ],
        )
        .await;
    assert_eq!(update.code(), "success");
    let link = get_link(&caller, &link_id).await;
    assert_eq!(link.body["AllowedIps"], serde_json::json!(["192.168.1.12"]));
    assert_eq!(link.body["DataCenterCidrs"], serde_json::json!([]));
}

fn vpc_source<'a>(link_id: &'a str, url: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("InstanceId", INSTANCE),
        ("CodeSourceType", "GITLAB"),
        ("NetworkType", "VPC"),
        ("VpcLinkId", link_id),
        ("EndpointUrl", url),
        ("UserName", "ci"),
        ("PrivateToken", "glpat-very-secret"),
    ]
}

#[tokio::test]
async fn code_source_reachability_rule() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let extra = [
        ("AllowedIps.1", "192.168.1.11"),
        ("DataCenterCidrs.1", "10.8.0.0/16"),
    ];
    let link_id = create_link(&caller, &extra).await.str("LinkId");
    let cases = [
        ("http://192.168.1.10", "success"),
        ("http://192.168.1.11:8080", "success"),
        ("https://10.8.3.4", "success"),
        ("http://192.168.1.99", "CODE_SOURCE_UNREACHABLE"),
        ("https://gitlab.internal", "CODE_SOURCE_UNREACHABLE"),
    ];
    for (url, expected) in cases {
        let reply = caller
            .cr("CreateInstanceCodeSource", &vpc_source(&link_id, url))
            .await;
        assert_eq!(reply.code(), expected, "{url}");
        if reply.code() == "success" {
            let id = reply.str("CodeSourceId");
            caller
                .cr(
                    "DeleteInstanceCodeSource",
                    &[("InstanceId", INSTANCE), ("CodeSourceId", &id)],
                )
                .await;
        }
    }
}

#[tokio::test]
async fn code_source_link_must_run() {
    let emulator = start_with(Realism {
        link_create_ms: 600_000,
        ..Realism::instant()
    })
    .await;
    let caller = Caller::demo(&emulator);
    let link_id = create_link(&caller, &[]).await.str("LinkId");
    let reply = caller
        .cr(
            "CreateInstanceCodeSource",
            &vpc_source(&link_id, "http://192.168.1.10"),
        )
        .await;
    assert_eq!(reply.code(), "CODE_SOURCE_UNREACHABLE");
}

#[tokio::test]
async fn code_source_public_private_address() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let reply = caller
        .cr(
            "CreateInstanceCodeSource",
            &[
                ("InstanceId", INSTANCE),
                ("CodeSourceType", "GITLAB"),
                ("NetworkType", "PUBLIC"),
                ("EndpointUrl", "http://10.1.2.3"),
                ("UserName", "ci"),
                ("PrivateToken", "t"),
            ],
        )
        .await;
    assert_eq!(reply.code(), "CODE_SOURCE_UNREACHABLE");
}

#[tokio::test]
async fn code_source_token_never_returned() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let link_id = create_link(&caller, &[]).await.str("LinkId");
    let id = caller
        .cr(
            "CreateInstanceCodeSource",
            &vpc_source(&link_id, "http://192.168.1.10"),
        )
        .await
        .str("CodeSourceId");
    assert!(id.starts_with("crcs-"));
    let got = caller
        .cr(
            "GetInstanceCodeSource",
            &[("InstanceId", INSTANCE), ("CodeSourceId", &id)],
        )
        .await;
    assert_eq!(got.str("Status"), "BOUND");
    assert!(!got.body.to_string().contains("glpat-very-secret"));
    let listed = caller
        .cr("ListInstanceCodeSource", &[("InstanceId", INSTANCE)])
        .await;
    assert_eq!(listed.body["TotalCount"], "1");
    assert!(!listed.body.to_string().contains("glpat-very-secret"));
}

#[tokio::test]
async fn code_source_one_per_type() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let link_id = create_link(&caller, &[]).await.str("LinkId");
    caller
        .cr(
            "CreateInstanceCodeSource",
            &vpc_source(&link_id, "http://192.168.1.10"),
        )
        .await;
    let again = caller
        .cr(
            "CreateInstanceCodeSource",
            &vpc_source(&link_id, "http://192.168.1.10"),
        )
        .await;
    assert_eq!(again.code(), "CODE_SOURCE_ALREADY_EXIST");
}

#[tokio::test]
async fn code_source_client_token_idempotent() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let link_id = create_link(&caller, &[]).await.str("LinkId");
    let mut params = vpc_source(&link_id, "http://192.168.1.10");
    params.push(("ClientToken", "cs-1"));
    let first = caller
        .cr("CreateInstanceCodeSource", &params)
        .await
        .str("CodeSourceId");
    let second = caller
        .cr("CreateInstanceCodeSource", &params)
        .await
        .str("CodeSourceId");
    assert_eq!(first, second);
}

#[tokio::test]
async fn link_in_use_blocks_delete() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let link_id = create_link(&caller, &[]).await.str("LinkId");
    caller
        .cr(
            "CreateInstanceCodeSource",
            &vpc_source(&link_id, "http://192.168.1.10"),
        )
        .await;
    let delete = caller
        .cr(
            "DeleteBuildVpcLink",
            &[("InstanceId", INSTANCE), ("LinkId", &link_id)],
        )
        .await;
    assert_eq!(delete.code(), "BUILD_VPC_LINK_IN_USE");
}

#[tokio::test]
async fn code_source_update() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let link_id = create_link(&caller, &[("AllowedIps.1", "192.168.1.11")])
        .await
        .str("LinkId");
    let id = caller
        .cr(
            "CreateInstanceCodeSource",
            &vpc_source(&link_id, "http://192.168.1.10"),
        )
        .await
        .str("CodeSourceId");
    let mut update = vpc_source(&link_id, "http://192.168.1.11");
    update.retain(|(k, _)| *k != "CodeSourceType");
    update.push(("CodeSourceId", &id));
    assert_eq!(
        caller.cr("UpdateInstanceCodeSource", &update).await.code(),
        "success"
    );
    let got = caller
        .cr(
            "GetInstanceCodeSource",
            &[("InstanceId", INSTANCE), ("CodeSourceId", &id)],
        )
        .await;
    assert_eq!(got.str("EndpointUrl"), "http://192.168.1.11");
}

#[tokio::test]
async fn code_source_unknown_link() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let missing = caller
        .cr(
            "CreateInstanceCodeSource",
            &vpc_source("crvl-nosuchlink000000", "http://192.168.1.10"),
        )
        .await;
    assert_eq!(missing.code(), "BUILD_VPC_LINK_NOT_EXIST");
}
