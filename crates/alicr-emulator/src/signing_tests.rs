//! The five published signing vectors: official V1 (GET and POST), CR V1, official V3 and CR V3.

use super::*;

const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn official_v1_params() -> Vec<(&'static str, &'static str)> {
    vec![
        ("AccessKeyId", "testid"),
        ("Action", "DescribeRegions"),
        ("Format", "XML"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
        ("SignatureVersion", "1.0"),
        ("Timestamp", "2016-02-23T12:46:24Z"),
        ("Version", "2014-05-26"),
    ]
}

fn cr_action_params() -> Vec<(&'static str, &'static str)> {
    vec![
        ("InstanceId", "cri-testinstance01"),
        ("RepoId", "crr-testrepo0001"),
        ("PushType", "GIT_BRANCH"),
        ("PushName", "main"),
        ("ImageTag", "v1.0 *beta"),
        ("DockerfileLocation", "/"),
        ("DockerfileName", "Dockerfile"),
        ("BuildArgs.1", "FOO=bar"),
        ("Platforms.1", "linux/amd64"),
        ("Platforms.2", "linux/arm64"),
    ]
}

#[test]
fn v1_official_get() {
    let params = official_v1_params();
    let canonical = v1_canonical_query(params.iter().copied());
    let expected_canonical = "AccessKeyId=testid&Action=DescribeRegions&Format=XML&SignatureMethod=HMAC-SHA1&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0&Timestamp=2016-02-23T12%3A46%3A24Z&Version=2014-05-26";
    assert_eq!(canonical, expected_canonical);
    let to_sign = v1_string_to_sign("GET", &canonical);
    assert_eq!(
        v1_signature("testsecret", &to_sign),
        "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
    );
}

#[test]
fn v1_official_post() {
    let params = official_v1_params();
    let to_sign = v1_string_to_sign("POST", &v1_canonical_query(params.iter().copied()));
    assert_eq!(
        v1_signature("testsecret", &to_sign),
        "MxbnVAM4w6sft9xjVpe/GCKueuk="
    );
}

#[test]
fn v1_cr_vector() {
    let mut params = cr_action_params();
    params.extend([
        ("Action", "CreateRepoBuildRule"),
        ("Format", "JSON"),
        ("Version", "2018-12-01"),
        ("AccessKeyId", "testid"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("SignatureNonce", "c0ffee00-0000-4000-8000-000000000001"),
        ("Timestamp", "2024-01-02T03:04:05Z"),
        ("Signature", "ignored"),
    ]);
    let to_sign = v1_string_to_sign("POST", &v1_canonical_query(params.iter().copied()));
    assert_eq!(
        v1_signature("testsecret", &to_sign),
        "Avel/sG8nEDJrjgVSPLZBoKrjY4="
    );
}

fn signed_headers(
    host: &str,
    action: &str,
    version: &str,
    date: &str,
    nonce: &str,
) -> Vec<(String, String)> {
    [
        ("host", host),
        ("x-acs-action", action),
        ("x-acs-content-sha256", EMPTY_SHA256),
        ("x-acs-date", date),
        ("x-acs-signature-nonce", nonce),
        ("x-acs-version", version),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

const MINIMAL_SIGNED: &str =
    "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version";

#[test]
fn v3_official_vector() {
    let query = [
        (
            "ImageId",
            "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
        ),
        ("RegionId", "cn-shanghai"),
    ];
    let headers = signed_headers(
        "ecs.cn-shanghai.aliyuncs.com",
        "RunInstances",
        "2014-05-26",
        "2023-10-26T10:22:32Z",
        "3156853299f313e23d1673dc12e1703d",
    );
    let canonical_query = v3_canonical_query(query.iter().copied());
    let request = v3_canonical_request(
        "POST",
        &canonical_query,
        &headers,
        MINIMAL_SIGNED,
        EMPTY_SHA256,
    );
    assert_eq!(
        sha256_hex(request.as_bytes()),
        "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
    );
    let signature = v3_signature("YourAccessKeySecret", &v3_string_to_sign(&request));
    assert_eq!(
        signature,
        "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
    );
}

#[test]
fn v3_cr_vector() {
    let params = cr_action_params();
    let canonical_query = v3_canonical_query(params.iter().copied());
    assert_eq!(
        canonical_query,
        "BuildArgs.1=FOO%3Dbar&DockerfileLocation=%2F&DockerfileName=Dockerfile&ImageTag=v1.0%20%2Abeta&InstanceId=cri-testinstance01&Platforms.1=linux%2Famd64&Platforms.2=linux%2Farm64&PushName=main&PushType=GIT_BRANCH&RepoId=crr-testrepo0001"
    );
    let headers = signed_headers(
        "cr.cn-hangzhou.aliyuncs.com",
        "CreateRepoBuildRule",
        "2018-12-01",
        "2024-01-02T03:04:05Z",
        "c0ffee0000004000800000000000000a",
    );
    let request = v3_canonical_request(
        "POST",
        &canonical_query,
        &headers,
        MINIMAL_SIGNED,
        EMPTY_SHA256,
    );
    assert_eq!(
        sha256_hex(request.as_bytes()),
        "e7efe6ede67c6cbfdc129338123fe192ccfc1ab0e78565fcc2263f694fb87902"
    );
    let signature = v3_signature("testsecret", &v3_string_to_sign(&request));
    assert_eq!(
        signature,
        "07d2f072780a28bc0727127798d94fb65ec6047e3c9aea7bb32ef19c89ab5f8b"
    );
}

#[test]
fn v3_authorization_parsed() {
    let parsed = parse_v3_authorization(
        "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host;x-acs-date,Signature=abc",
    );
    assert_eq!(
        parsed,
        Some(V3Authorization {
            access_key_id: "ak".into(),
            signed_headers: "host;x-acs-date".into(),
            signature: "abc".into(),
        })
    );
}

#[test]
fn v3_authorization_incomplete() {
    assert_eq!(
        parse_v3_authorization("ACS3-HMAC-SHA256 Credential=ak,Signature=abc"),
        None
    );
}
