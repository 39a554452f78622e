//! Realism controls and the admin surface over raw HTTP: throttling, server errors, dropped
//! connections, lost responses, read lag, request counts, console actions and reset.

mod common;

use alicr_emulator::{Params, Realism};
use common::*;
use serde_json::json;

#[tokio::test]
async fn throttle_rate_one_throttles() {
    let emulator = start_with(Realism {
        throttle_rate: 1.0,
        ..Realism::instant()
    })
    .await;
    let caller = Caller::demo(&emulator);
    let first = caller.cr("GetInstance", &[("InstanceId", INSTANCE)]).await;
    assert_eq!(first.status, 400);
    assert_eq!(first.code(), "Throttling.User");
    let second = caller.cr("GetInstance", &[("InstanceId", INSTANCE)]).await;
    let headers = [
        first.headers.get("x-acs-retry-after"),
        second.headers.get("x-acs-retry-after"),
    ];
    assert_eq!(headers.iter().filter(|h| h.is_some()).count(), 1);
}

#[tokio::test]
async fn server_error_rate_one() {
    let emulator = start_with(Realism {
        server_error_rate: 1.0,
        ..Realism::instant()
    })
    .await;
    let reply = Caller::demo(&emulator)
        .cr("GetInstance", &[("InstanceId", INSTANCE)])
        .await;
    assert_eq!(reply.status, 503);
    assert_eq!(reply.code(), "ServiceUnavailable");
}

fn create_repo_form(caller: &Caller, name: &str) -> Vec<(String, String)> {
    caller.v1_params(
        CR,
        "CreateRepository",
        &[
            ("InstanceId", INSTANCE),
            ("RepoNamespaceName", "demo"),
            ("RepoName", name),
            ("RepoType", "PRIVATE"),
            ("Summary", "s"),
        ],
    )
}

async fn send_raw(
    caller: &Caller,
    mut params: Vec<(String, String)>,
) -> Result<reqwest::Response, reqwest::Error> {
    sign_v1("POST", &mut params, DEMO_SECRET);
    caller
        .http
        .post(format!("{}/", caller.url))
        .form(&params)
        .send()
        .await
}

fn repo_exists(emulator: &alicr_emulator::RunningEmulator, name: &str) -> bool {
    let params = Params::from_pairs([
        ("InstanceId", INSTANCE),
        ("RepoNamespaceName", "demo"),
        ("RepoName", name),
    ]);
    emulator
        .admin()
        .console("1234567890123456", "GetRepository", params)
        .body["Code"]
        == "success"
}

#[tokio::test]
async fn dropped_connection_applies_nothing() {
    let emulator = start_with(Realism {
        drop_rate: 1.0,
        ..Realism::instant()
    })
    .await;
    let caller = Caller::demo(&emulator);
    let result = send_raw(&caller, create_repo_form(&caller, "dropped")).await;
    assert!(result.is_err());
    assert!(!repo_exists(&emulator, "dropped"));
}

#[tokio::test]
async fn lost_response_applies_write() {
    let emulator = start_with(Realism {
        lost_response_rate: 1.0,
        ..Realism::instant()
    })
    .await;
    let caller = Caller::demo(&emulator);
    let result = send_raw(&caller, create_repo_form(&caller, "lost")).await;
    assert!(result.is_err());
    assert!(repo_exists(&emulator, "lost"));
}

#[tokio::test]
async fn read_lag_hides_new_objects() {
    let emulator = start_with(Realism {
        read_lag_ms: 600_000,
        ..Realism::instant()
    })
    .await;
    let caller = Caller::demo(&emulator);
    let created = caller
        .cr(
            "CreateNamespace",
            &[("InstanceId", INSTANCE), ("NamespaceName", "fresh")],
        )
        .await;
    assert_eq!(created.code(), "success");
    let read = caller
        .cr(
            "GetNamespace",
            &[("InstanceId", INSTANCE), ("NamespaceName", "fresh")],
        )
        .await;
    assert_eq!(read.code(), "NAMESPACE_NOT_EXIST");
    let seeded = caller
        .cr(
            "GetNamespace",
            &[("InstanceId", INSTANCE), ("NamespaceName", "demo")],
        )
        .await;
    assert_eq!(seeded.code(), "success");
    let console = emulator.admin().console(
        "1234567890123456",
        "GetNamespace",
        Params::from_pairs([("InstanceId", INSTANCE), ("NamespaceName", "fresh")]),
    );
    assert_eq!(console.body["Code"], "success");
}

#[tokio::test]
async fn admin_not_faulted() {
    let emulator = start_with(Realism {
        throttle_rate: 1.0,
        drop_rate: 1.0,
        ..Realism::instant()
    })
    .await;
    let reply = admin_get(&emulator, "health").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["ok"], true);
}

#[tokio::test]
async fn admin_realism_update() {
    let emulator = start().await;
    let reply = admin_post(&emulator, "realism", json!({ "throttle_rate": 1.0 })).await;
    assert_eq!(reply.body["throttle_rate"], 1.0);
    let call = Caller::demo(&emulator)
        .cr("GetInstance", &[("InstanceId", INSTANCE)])
        .await;
    assert_eq!(call.code(), "Throttling.User");
    let reset = admin_post(&emulator, "reset", json!({})).await;
    assert_eq!(reset.status, 200);
    let after = Caller::demo(&emulator)
        .cr("GetInstance", &[("InstanceId", INSTANCE)])
        .await;
    assert_eq!(after.code(), "success");
}

#[tokio::test]
async fn admin_realism_rejects_bad_rate() {
    let emulator = start().await;
    let reply = admin_post(&emulator, "realism", json!({ "drop_rate": 2.0 })).await;
    assert_eq!(reply.status, 400);
}

#[tokio::test]
async fn request_counts_by_action_and_account() {
    let emulator = start().await;
    Caller::demo(&emulator)
        .cr("GetInstance", &[("InstanceId", INSTANCE)])
        .await;
    Caller::demo(&emulator)
        .cr("GetInstance", &[("InstanceId", INSTANCE)])
        .await;
    Caller::second(&emulator).cr("ListInstance", &[]).await;
    let counts = admin_get(&emulator, "requests").await;
    assert_eq!(counts.body["total"], 3);
    assert_eq!(counts.body["by_action"]["GetInstance"], 2);
    assert_eq!(counts.body["by_account"]["2345678901234567"], 1);
    assert_eq!(
        counts.body["by_action_and_account"]["GetInstance/1234567890123456"],
        2
    );
    admin_post(&emulator, "reset", json!({})).await;
    assert_eq!(emulator.admin().request_counts().total, 0);
}

#[tokio::test]
async fn console_deletes_as_owner() {
    let emulator = start().await;
    let body = json!({
        "account_id": "1234567890123456",
        "action": "DeleteRepository",
        "params": { "InstanceId": INSTANCE, "RepoId": APP_REPO },
    });
    let reply = admin_post(&emulator, "console", body).await;
    assert_eq!(reply.code(), "success");
    let read = Caller::demo(&emulator)
        .cr(
            "GetRepository",
            &[("InstanceId", INSTANCE), ("RepoId", APP_REPO)],
        )
        .await;
    assert_eq!(read.code(), "REPO_NOT_EXIST");
}

#[tokio::test]
async fn console_unknown_action() {
    let emulator = start().await;
    let body = json!({ "account_id": "1234567890123456", "action": "Nope", "params": {} });
    let reply = admin_post(&emulator, "console", body).await;
    assert_eq!(reply.status, 404);
}

#[tokio::test]
async fn reset_state_restores_seed() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    caller
        .cr(
            "DeleteRepository",
            &[("InstanceId", INSTANCE), ("RepoId", APP_REPO)],
        )
        .await;
    admin_post(&emulator, "reset", json!({ "state": true })).await;
    let read = caller
        .cr(
            "GetRepository",
            &[("InstanceId", INSTANCE), ("RepoId", APP_REPO)],
        )
        .await;
    assert_eq!(read.code(), "success");
}
