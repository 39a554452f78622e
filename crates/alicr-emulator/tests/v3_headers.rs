//! V3 signatures must cover `host`, `content-type` and every `x-acs-*` header, and
//! `x-acs-content-sha256` must be the body's hash, so a captured request cannot be replayed with
//! a new nonce or turned into another action.

mod common;

use common::*;

const REPO_QUERY: &[(&str, &str)] = &[("InstanceId", INSTANCE), ("RepoId", APP_REPO)];

fn get_repository() -> V3Request {
    V3Request::new(CR, "GetRepository", REPO_QUERY)
}

async fn app_repo_code(caller: &Caller) -> String {
    caller
        .cr("GetRepository", REPO_QUERY)
        .await
        .code()
        .to_string()
}

#[tokio::test]
async fn host_only_rejected() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let reply = caller
        .send_v3(get_repository().signing_only(&["host"]))
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "IncompleteSignature");
    assert!(reply.str("Message").contains("x-acs-"), "{}", reply.body);
}

#[tokio::test]
async fn unsigned_action_rejected() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let request = get_repository().signing_only(&[
        "host",
        "x-acs-content-sha256",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-version",
    ]);
    let reply = caller.send_v3(request).await;
    assert_eq!(reply.code(), "IncompleteSignature");
    assert!(
        reply.str("Message").contains("x-acs-action"),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn swapped_action_rejected() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let mut request = get_repository().signing_only(&["host"]);
    request.replace_after_signing = vec![("x-acs-action", "DeleteRepository")];
    let reply = caller.send_v3(request).await;
    assert_eq!(reply.status, 400);
    assert_eq!(app_repo_code(&caller).await, "success");
}

#[tokio::test]
async fn fully_signed_swap_mismatch() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let mut request = get_repository();
    request.replace_after_signing = vec![("x-acs-action", "DeleteRepository")];
    let reply = caller.send_v3(request).await;
    assert_eq!(reply.code(), "SignatureDoesNotMatch");
    assert_eq!(app_repo_code(&caller).await, "success");
}

#[tokio::test]
async fn unsigned_extra_header_rejected() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let mut request = get_repository().signing_only(&[
        "host",
        "x-acs-action",
        "x-acs-content-sha256",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-version",
    ]);
    request.extra_headers = vec![("x-acs-credentials-provider", "static_ak")];
    let reply = caller.send_v3(request).await;
    assert_eq!(reply.code(), "IncompleteSignature");
}

#[tokio::test]
async fn missing_content_hash_rejected() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let mut request = get_repository();
    request.omitted = vec!["x-acs-content-sha256"];
    let reply = caller.send_v3(request).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "IncompleteSignature");
}

fn form_body_request() -> V3Request {
    let mut request = V3Request::new(CR, "DeleteRepository", &[]);
    request.body = format!("InstanceId={INSTANCE}&RepoId={APP_REPO}").into_bytes();
    request.extra_headers = vec![("content-type", "application/x-www-form-urlencoded")];
    request
}

#[tokio::test]
async fn form_body_accepted() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let reply = caller.send_v3(form_body_request()).await;
    assert_eq!(reply.code(), "success", "{}", reply.body);
    assert_eq!(app_repo_code(&caller).await, "REPO_NOT_EXIST");
}

#[tokio::test]
async fn unsigned_content_type_rejected() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let request = form_body_request().signing_only(&[
        "host",
        "x-acs-action",
        "x-acs-content-sha256",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-version",
    ]);
    let reply = caller.send_v3(request).await;
    assert_eq!(reply.code(), "IncompleteSignature");
    assert_eq!(app_repo_code(&caller).await, "success");
}

#[tokio::test]
async fn false_content_hash_rejected() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let mut request = form_body_request();
    // The canonical request still carries the body's real hash, so only the header check
    // can notice that the signed header value is wrong.
    request.replace_before_signing = vec![(
        "x-acs-content-sha256",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    )];
    let reply = caller.send_v3(request).await;
    assert_eq!(reply.code(), "SignatureDoesNotMatch");
    assert!(
        reply.str("Message").contains("x-acs-content-sha256"),
        "{}",
        reply.body
    );
    assert_eq!(app_repo_code(&caller).await, "success");
}
