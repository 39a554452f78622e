//! Accounts over raw HTTP: cross-account isolation, STS AssumeRole with and without trust,
//! security-token checks and the VPC describe actions.

mod common;

use common::*;

const ROLE_ARN: &str = "acs:ram::2345678901234567:role/alicr-deployer";

#[tokio::test]
async fn other_account_instance_hidden() {
    let emulator = start().await;
    let reply = Caller::second(&emulator)
        .cr("GetInstance", &[("InstanceId", INSTANCE)])
        .await;
    assert_eq!(reply.code(), "INSTANCE_NOT_EXIST");
}

#[tokio::test]
async fn other_account_cannot_delete() {
    let emulator = start().await;
    let reply = Caller::second(&emulator)
        .cr(
            "DeleteRepository",
            &[("InstanceId", INSTANCE), ("RepoId", APP_REPO)],
        )
        .await;
    assert_eq!(reply.code(), "INSTANCE_NOT_EXIST");
    let still = Caller::demo(&emulator)
        .cr(
            "GetRepository",
            &[("InstanceId", INSTANCE), ("RepoId", APP_REPO)],
        )
        .await;
    assert_eq!(still.code(), "success");
}

#[tokio::test]
async fn other_account_repo_id_hidden() {
    let emulator = start().await;
    let reply = Caller::second(&emulator)
        .cr(
            "GetRepository",
            &[("InstanceId", SECOND_INSTANCE), ("RepoId", APP_REPO)],
        )
        .await;
    assert_eq!(reply.code(), "REPO_NOT_EXIST");
}

#[tokio::test]
async fn list_instance_per_account() {
    let emulator = start().await;
    let reply = Caller::second(&emulator).cr("ListInstance", &[]).await;
    assert_eq!(reply.body["Instances"][0]["InstanceId"], SECOND_INSTANCE);
    assert_eq!(reply.body["TotalCount"], 1);
}

async fn assume(caller: &Caller, arn: &str, extra: &[(&str, &str)]) -> Reply {
    let mut params = vec![("RoleArn", arn), ("RoleSessionName", "terraform")];
    params.extend_from_slice(extra);
    caller.v1(STS, "AssumeRole", &params).await
}

fn sts_caller(emulator: &alicr_emulator::RunningEmulator, reply: &Reply) -> Caller {
    let creds = &reply.body["Credentials"];
    let mut caller = Caller::new(
        emulator,
        creds["AccessKeyId"].as_str().unwrap_or_default(),
        creds["AccessKeySecret"].as_str().unwrap_or_default(),
    );
    caller.token = creds["SecurityToken"].as_str().map(str::to_string);
    caller
}

#[tokio::test]
async fn assume_role_trusted() {
    let emulator = start().await;
    let reply = assume(&Caller::demo(&emulator), ROLE_ARN, &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let creds = &reply.body["Credentials"];
    assert!(creds["AccessKeyId"]
        .as_str()
        .unwrap_or_default()
        .starts_with("STS."));
    assert!(creds["Expiration"]
        .as_str()
        .unwrap_or_default()
        .ends_with('Z'));
    assert!(reply.body["AssumedRoleUser"]["Arn"].is_string());
    assert!(reply.body.get("IsSuccess").is_none());
}

#[tokio::test]
async fn sts_keys_act_as_role_account() {
    let emulator = start().await;
    let reply = assume(&Caller::demo(&emulator), ROLE_ARN, &[]).await;
    let sts = sts_caller(&emulator, &reply);
    let own = sts
        .cr("GetInstance", &[("InstanceId", SECOND_INSTANCE)])
        .await;
    assert_eq!(own.code(), "success");
    let other = sts.v3(CR, "GetInstance", &[("InstanceId", INSTANCE)]).await;
    assert_eq!(other.code(), "INSTANCE_NOT_EXIST");
}

#[tokio::test]
async fn assume_role_untrusted() {
    let emulator = start().await;
    let reply = assume(&Caller::second(&emulator), ROLE_ARN, &[]).await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.code(), "NoPermission");
}

#[tokio::test]
async fn assume_role_missing() {
    let emulator = start().await;
    let reply = assume(
        &Caller::demo(&emulator),
        "acs:ram::2345678901234567:role/nobody",
        &[],
    )
    .await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.code(), "EntityNotExist.Role");
}

#[tokio::test]
async fn assume_role_duration_bounds() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    assert_eq!(
        assume(&caller, ROLE_ARN, &[("DurationSeconds", "899")])
            .await
            .code(),
        "InvalidDurationSeconds"
    );
    assert_eq!(
        assume(&caller, ROLE_ARN, &[("DurationSeconds", "43201")])
            .await
            .code(),
        "InvalidDurationSeconds"
    );
    assert_eq!(
        assume(&caller, ROLE_ARN, &[("DurationSeconds", "43200")])
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn sts_key_needs_token() {
    let emulator = start().await;
    let reply = assume(&Caller::demo(&emulator), ROLE_ARN, &[]).await;
    let mut sts = sts_caller(&emulator, &reply);
    sts.token = None;
    let call = sts
        .cr("GetInstance", &[("InstanceId", SECOND_INSTANCE)])
        .await;
    assert_eq!(call.code(), "MissingSecurityToken");
}

#[tokio::test]
async fn sts_token_malformed() {
    let emulator = start().await;
    let reply = assume(&Caller::demo(&emulator), ROLE_ARN, &[]).await;
    let mut sts = sts_caller(&emulator, &reply);
    sts.token = Some("garbage".into());
    let call = sts
        .cr("GetInstance", &[("InstanceId", SECOND_INSTANCE)])
        .await;
    assert_eq!(call.code(), "InvalidSecurityToken.Malformed");
}

#[tokio::test]
async fn sts_token_of_other_key() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let first = sts_caller(&emulator, &assume(&caller, ROLE_ARN, &[]).await);
    let mut second = sts_caller(&emulator, &assume(&caller, ROLE_ARN, &[]).await);
    second.token = first.token.clone();
    let call = second
        .cr("GetInstance", &[("InstanceId", SECOND_INSTANCE)])
        .await;
    assert_eq!(call.code(), "InvalidSecurityToken.MismatchWithAccessKey");
}

#[tokio::test]
async fn token_with_permanent_key() {
    let emulator = start().await;
    let mut caller = Caller::demo(&emulator);
    caller.token = Some("CAISsomething".into());
    let call = caller.cr("GetInstance", &[("InstanceId", INSTANCE)]).await;
    assert_eq!(call.code(), "InvalidSecurityToken.MismatchWithAccessKey");
}

#[tokio::test]
async fn describe_vswitches_nesting() {
    let emulator = start().await;
    let reply = Caller::demo(&emulator)
        .v1(
            VPC,
            "DescribeVSwitches",
            &[
                ("RegionId", "cn-hangzhou"),
                ("VpcId", "vpc-bp1demo00000000000001"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["TotalCount"], 2);
    let zones: Vec<String> = reply.body["VSwitches"]["VSwitch"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|v| v["ZoneId"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(zones, vec!["cn-hangzhou-h", "cn-hangzhou-b"]);
    assert!(reply.body.get("Code").is_none());
}

#[tokio::test]
async fn describe_vswitches_paging() {
    let emulator = start().await;
    let reply = Caller::demo(&emulator)
        .v3(
            VPC,
            "DescribeVSwitches",
            &[
                ("RegionId", "cn-hangzhou"),
                ("PageNumber", "2"),
                ("PageSize", "1"),
            ],
        )
        .await;
    assert_eq!(
        reply.body["VSwitches"]["VSwitch"][0]["ZoneId"],
        "cn-hangzhou-b"
    );
    assert_eq!(reply.body["PageNumber"], 2);
}

#[tokio::test]
async fn describe_vpcs_region_filter() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let hangzhou = caller
        .v1(VPC, "DescribeVpcs", &[("RegionId", "cn-hangzhou")])
        .await;
    assert_eq!(
        hangzhou.body["Vpcs"]["Vpc"][0]["CidrBlock"],
        "192.168.0.0/16"
    );
    assert_eq!(
        hangzhou.body["Vpcs"]["Vpc"][0]["VSwitchIds"]["VSwitchId"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    let beijing = caller
        .v1(VPC, "DescribeVpcs", &[("RegionId", "cn-beijing")])
        .await;
    assert_eq!(beijing.body["TotalCount"], 0);
}

#[tokio::test]
async fn describe_vpcs_needs_region() {
    let emulator = start().await;
    let reply = Caller::demo(&emulator).v1(VPC, "DescribeVpcs", &[]).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "MissingRegionId");
}
