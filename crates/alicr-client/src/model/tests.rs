//! Fixture tests for response decoding: string and integer counts, string booleans and
//! epoch-ms times in either form. The fixtures are written for this crate, shaped like the
//! documented responses.

use serde_json::json;

use super::*;

fn decode<T: serde::de::DeserializeOwned>(text: &str) -> T {
    // Parse from text, not from json!(), so arbitrary_precision numbers go through the same
    // path as real responses.
    serde_json::from_str(text).unwrap()
}

#[test]
fn instance_get_int_times() {
    let instance: Instance = decode(
        r#"{"InstanceId":"cri-a","InstanceStatus":"RUNNING","CreateTime":1570759546000,"ModifiedTime":1570759546001,"Code":"success","IsSuccess":true}"#,
    );
    assert_eq!(instance.create_time_ms, Some(1_570_759_546_000));
    assert_eq!(instance.instance_status, "RUNNING");
}

#[test]
fn instance_list_string_times() {
    let instance: Instance =
        decode(r#"{"InstanceId":"cri-a","CreateTime":"1570759546000","Tags":null}"#);
    assert_eq!(instance.create_time_ms, Some(1_570_759_546_000));
    assert!(instance.tags.is_empty());
}

#[test]
fn source_repo_string_booleans() {
    let binding: RepoSourceCodeRepo = decode(
        r#"{"RepoId":"crr-a","CodeRepoType":"GITLAB","AutoBuild":"true","OverseaBuild":"False","DisableCacheBuild":"TRUE"}"#,
    );
    assert!(binding.auto_build);
    assert!(!binding.oversea_build);
    assert!(binding.disable_cache_build);
}

#[test]
fn source_repo_json_booleans() {
    let binding: RepoSourceCodeRepo = decode(r#"{"AutoBuild":true,"OverseaBuild":false}"#);
    assert!(binding.auto_build);
}

#[test]
fn build_rule_lists() {
    let rule: BuildRule = decode(
        r#"{"BuildRuleId":"crbr-a","BuildArgs":["http_proxy=127.0.0.1 "],"Platforms":null}"#,
    );
    assert_eq!(rule.build_args, vec!["http_proxy=127.0.0.1 ".to_owned()]);
    assert!(rule.platforms.is_empty());
}

#[test]
fn build_record_list_shape() {
    let record: BuildRecord = decode(
        r#"{"EndTime":"1572875610000","StartTime":"1572872207000","BuildStatus":"SUCCESS","BuildRecordId":"537e08ab","Image":{"RepoNamespaceName":"test","ImageTag":"v0.1","RepoId":"crr-g","RepoName":"test"}}"#,
    );
    assert_eq!(record.end_time_ms, Some(1_572_875_610_000));
    assert_eq!(record.build_status, "SUCCESS");
    assert_eq!(record.image.image_tag, "v0.1");
}

#[test]
fn build_record_get_shape() {
    let record: BuildRecord = decode(
        r#"{"BuildRecordId":"b","Status":"BUILDING","StartTime":1572872207000,"EndTime":null}"#,
    );
    assert_eq!(record.build_status, "BUILDING");
    assert_eq!(record.end_time_ms, None);
}

#[test]
fn log_line_string_number() {
    let line: BuildLogLine =
        decode(r#"{"BuildStage":"build","LineNumber":"12","Message":"Step 1/3"}"#);
    assert_eq!(line.line_number, 12);
}

#[test]
fn vpc_link_fields() {
    let link: BuildVpcLink = decode(
        r#"{"LinkId":"crvl-a","GitLabIp":"10.0.0.5","AllowedIps":["10.0.0.6"],"DataCenterCidrs":[],"Status":"RUNNING","NetworkInterfaceId":"eni-1","CreateTime":1700000000000}"#,
    );
    assert_eq!(link.gitlab_ip, "10.0.0.5");
    assert_eq!(link.allowed_ips, vec!["10.0.0.6".to_owned()]);
    assert_eq!(link.network_interface_id, "eni-1");
}

#[test]
fn vswitch_capital_s() {
    let vswitch: VSwitch = decode(
        r#"{"VSwitchId":"vsw-a","VpcId":"vpc-a","ZoneId":"cn-hangzhou-h","CidrBlock":"10.0.1.0/24"}"#,
    );
    assert_eq!(vswitch.vswitch_id, "vsw-a");
}

#[test]
fn bad_bool_rejected() {
    let result: Result<RepoSourceCodeRepo, _> = serde_json::from_str(r#"{"AutoBuild":"maybe"}"#);
    assert!(result.is_err());
}

#[test]
fn page_string_total() {
    let value: serde_json::Value = serde_json::from_str(
        r#"{"BuildRules":[{"BuildRuleId":"crbr-a"}],"PageNo":1,"PageSize":30,"TotalCount":"1"}"#,
    )
    .unwrap();
    let page: Page<BuildRule> =
        crate::operations::decode_page("ListRepoBuildRule", value, "BuildRules").unwrap();
    assert_eq!(page.total_count, 1);
    assert_eq!(page.items.len(), 1);
}

#[test]
fn page_missing_items_empty() {
    let page: Page<BuildRule> =
        crate::operations::decode_page("ListRepoBuildRule", json!({"TotalCount": 0}), "BuildRules")
            .unwrap();
    assert!(page.items.is_empty());
}
