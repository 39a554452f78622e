//! Wire fidelity over raw HTTP: parameter placement, both signatures, the gateway error codes
//! and the response envelopes.

mod common;

use common::*;

#[tokio::test]
async fn v1_form_body_succeeds() {
    let emulator = start().await;
    let reply = Caller::demo(&emulator)
        .cr("GetInstance", &[("InstanceId", INSTANCE)])
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.code(), "success");
    assert_eq!(reply.body["IsSuccess"], true);
    assert_eq!(reply.str("InstanceId"), INSTANCE);
}

#[tokio::test]
async fn request_id_is_uppercase_uuid() {
    let emulator = start().await;
    let reply = Caller::demo(&emulator)
        .cr("GetInstance", &[("InstanceId", INSTANCE)])
        .await;
    let id = reply.str("RequestId");
    assert_eq!(id.len(), 36);
    assert_eq!(id, id.to_uppercase());
}

#[tokio::test]
async fn v1_query_get_succeeds() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let mut params = caller.v1_params(CR, "GetInstance", &[("InstanceId", INSTANCE)]);
    sign_v1("GET", &mut params, DEMO_SECRET);
    let response = caller
        .http
        .get(format!("{}/", caller.url))
        .query(&params)
        .send()
        .await;
    let reply = into_reply(response).await;
    assert_eq!(reply.code(), "success");
}

#[tokio::test]
async fn v1_plus_decodes_as_space() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let summary = "two words";
    let mut params = caller.v1_params(
        CR,
        "CreateRepository",
        &[
            ("InstanceId", INSTANCE),
            ("RepoNamespaceName", "demo"),
            ("RepoName", "spaced"),
            ("RepoType", "PRIVATE"),
            ("Summary", summary),
        ],
    );
    sign_v1("POST", &mut params, DEMO_SECRET);
    // serde_urlencoded writes a space as '+', which the server must decode before verifying.
    let query = serde_urlencoded::to_string(&params).unwrap_or_default();
    assert!(query.contains("two+words"));
    let reply = into_reply(
        caller
            .http
            .post(format!("{}/?{query}", caller.url))
            .send()
            .await,
    )
    .await;
    assert_eq!(reply.code(), "success");
    let repo = caller
        .cr(
            "GetRepository",
            &[("InstanceId", INSTANCE), ("RepoId", &reply.str("RepoId"))],
        )
        .await;
    assert_eq!(repo.str("Summary"), summary);
}

#[tokio::test]
async fn v3_headers_succeed() {
    let emulator = start().await;
    let reply = Caller::demo(&emulator)
        .v3(CR, "GetInstance", &[("InstanceId", INSTANCE)])
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.code(), "success");
}

#[tokio::test]
async fn v3_wrong_secret_mismatch() {
    let emulator = start().await;
    let caller = Caller::new(&emulator, DEMO_AK, "wrong-secret");
    let reply = caller
        .v3(CR, "GetInstance", &[("InstanceId", INSTANCE)])
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "SignatureDoesNotMatch");
}

#[tokio::test]
async fn v1_wrong_secret_shows_string_to_sign() {
    let emulator = start().await;
    let reply = Caller::new(&emulator, DEMO_AK, "wrong")
        .cr("GetInstance", &[("InstanceId", INSTANCE)])
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "SignatureDoesNotMatch");
    assert!(reply
        .str("Message")
        .contains("server string to sign is:POST&%2F&AccessKeyId"));
}

#[tokio::test]
async fn gateway_envelope_fields() {
    let emulator = start().await;
    let reply = Caller::new(&emulator, DEMO_AK, "wrong")
        .cr("GetInstance", &[("InstanceId", INSTANCE)])
        .await;
    for field in ["RequestId", "HostId", "Code", "Message", "Recommend"] {
        assert!(
            reply.body[field].is_string(),
            "missing {field} in {}",
            reply.body
        );
    }
    assert_eq!(
        reply.str("HostId"),
        emulator.url().trim_start_matches("http://")
    );
}

#[tokio::test]
async fn unknown_access_key_404() {
    let emulator = start().await;
    let reply = Caller::new(&emulator, "LTAInobody", "x")
        .cr("GetInstance", &[("InstanceId", INSTANCE)])
        .await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.code(), "InvalidAccessKeyId.NotFound");
}

async fn send_with(emulator: &alicr_emulator::RunningEmulator, name: &str, value: &str) -> Reply {
    let caller = Caller::demo(emulator);
    let mut params = caller.v1_params(CR, "GetInstance", &[("InstanceId", INSTANCE)]);
    params.retain(|(k, _)| k != name);
    params.push((name.to_string(), value.to_string()));
    caller.send_v1_form(params).await
}

#[tokio::test]
async fn expired_timestamp_rejected() {
    let emulator = start().await;
    let reply = send_with(&emulator, "Timestamp", "2020-01-01T00:00:00Z").await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "InvalidTimeStamp.Expired");
}

#[tokio::test]
async fn malformed_timestamp_rejected() {
    let emulator = start().await;
    let reply = send_with(&emulator, "Timestamp", "yesterday").await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "InvalidTimeStamp.Format");
}

#[tokio::test]
async fn reused_nonce_rejected() {
    let emulator = start().await;
    let first = send_with(&emulator, "SignatureNonce", "fixed-nonce-1").await;
    assert_eq!(first.code(), "success");
    let second = send_with(&emulator, "SignatureNonce", "fixed-nonce-1").await;
    assert_eq!(second.status, 400);
    assert_eq!(second.code(), "SignatureNonceUsed");
}

#[tokio::test]
async fn unsigned_request_incomplete() {
    let emulator = start().await;
    let response = reqwest::Client::new()
        .post(format!(
            "{}/?Action=GetInstance&Version=2018-12-01&InstanceId={INSTANCE}",
            emulator.url()
        ))
        .send()
        .await;
    let reply = into_reply(response).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "IncompleteSignature");
}

#[tokio::test]
async fn malformed_authorization_incomplete() {
    let emulator = start().await;
    let response = reqwest::Client::new()
        .post(format!("{}/", emulator.url()))
        .header(
            "authorization",
            "ACS3-HMAC-SHA256 Credential=LTAIdemoaccesskey0001",
        )
        .header("x-acs-action", "GetInstance")
        .header("x-acs-version", CR)
        .send()
        .await;
    let reply = into_reply(response).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "IncompleteSignature");
}

#[tokio::test]
async fn missing_param_400() {
    let emulator = start().await;
    let reply = Caller::demo(&emulator).cr("GetInstance", &[]).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "MissingInstanceId");
    assert_eq!(
        reply.str("Message"),
        "InstanceId is mandatory for this action."
    );
}

#[tokio::test]
async fn unknown_action_404() {
    let emulator = start().await;
    let reply = Caller::demo(&emulator).cr("GetEverything", &[]).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.code(), "InvalidApi.NotFound");
}

#[tokio::test]
async fn unknown_version_404() {
    let emulator = start().await;
    let reply = Caller::demo(&emulator)
        .v1("2099-01-01", "GetInstance", &[("InstanceId", INSTANCE)])
        .await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.code(), "InvalidApi.NotFound");
}

#[tokio::test]
async fn business_error_is_http_200() {
    let emulator = start().await;
    let reply = Caller::demo(&emulator)
        .cr("GetInstance", &[("InstanceId", "cri-nosuchinstance00")])
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.code(), "INSTANCE_NOT_EXIST");
    assert_eq!(reply.body["IsSuccess"], false);
    assert!(reply.body["Message"].is_string());
}

#[tokio::test]
async fn invalid_boolean_rejected() {
    let emulator = start().await;
    let reply = Caller::demo(&emulator)
        .cr(
            "CreateNamespace",
            &[
                ("InstanceId", INSTANCE),
                ("NamespaceName", "flags"),
                ("AutoCreateRepo", "maybe"),
            ],
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "InvalidAutoCreateRepo");
}

#[tokio::test]
async fn boolean_any_case_accepted() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let reply = caller
        .cr(
            "CreateNamespace",
            &[
                ("InstanceId", INSTANCE),
                ("NamespaceName", "flags"),
                ("AutoCreateRepo", "True"),
            ],
        )
        .await;
    assert_eq!(reply.code(), "success");
    let ns = caller
        .cr(
            "GetNamespace",
            &[("InstanceId", INSTANCE), ("NamespaceName", "flags")],
        )
        .await;
    assert_eq!(ns.body["AutoCreateRepo"], true);
}
