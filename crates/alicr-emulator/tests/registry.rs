//! CR actions over raw HTTP: instances, namespaces, repositories, build rules, builds and the
//! repository source binding.

mod common;

use alicr_emulator::Realism;
use common::*;

#[tokio::test]
async fn list_instance_total_is_integer() {
    let emulator = start().await;
    let reply = Caller::demo(&emulator).cr("ListInstance", &[]).await;
    assert_eq!(reply.body["TotalCount"], 1);
    assert!(reply.body["Instances"][0]["CreateTime"].is_string());
}

#[tokio::test]
async fn get_instance_times_are_integers() {
    let emulator = start().await;
    let reply = Caller::demo(&emulator)
        .cr("GetInstance", &[("InstanceId", INSTANCE)])
        .await;
    assert!(reply.body["CreateTime"].is_i64());
    assert_eq!(reply.str("InstanceStatus"), "RUNNING");
}

#[tokio::test]
async fn namespace_lifecycle() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let created = caller
        .cr(
            "CreateNamespace",
            &[("InstanceId", INSTANCE), ("NamespaceName", "team-a")],
        )
        .await;
    assert_eq!(created.code(), "success");
    let duplicate = caller
        .cr(
            "CreateNamespace",
            &[("InstanceId", INSTANCE), ("NamespaceName", "team-a")],
        )
        .await;
    assert_eq!(duplicate.code(), "NAMESPACE_ALREADY_EXIST");
    let got = caller
        .cr(
            "GetNamespace",
            &[("InstanceId", INSTANCE), ("NamespaceName", "team-a")],
        )
        .await;
    assert!(got.str("NamespaceId").starts_with("crn-"));
    let by_id = caller
        .cr(
            "GetNamespace",
            &[
                ("InstanceId", INSTANCE),
                ("NamespaceId", &got.str("NamespaceId")),
            ],
        )
        .await;
    assert_eq!(by_id.str("NamespaceName"), "team-a");
    let listed = caller
        .cr("ListNamespace", &[("InstanceId", INSTANCE)])
        .await;
    assert_eq!(listed.body["TotalCount"], "2");
    let deleted = caller
        .cr(
            "DeleteNamespace",
            &[("InstanceId", INSTANCE), ("NamespaceName", "team-a")],
        )
        .await;
    assert_eq!(deleted.code(), "success");
    let gone = caller
        .cr(
            "GetNamespace",
            &[("InstanceId", INSTANCE), ("NamespaceName", "team-a")],
        )
        .await;
    assert_eq!(gone.code(), "NAMESPACE_NOT_EXIST");
}

#[tokio::test]
async fn namespace_name_rule() {
    let emulator = start().await;
    let reply = Caller::demo(&emulator)
        .cr(
            "CreateNamespace",
            &[("InstanceId", INSTANCE), ("NamespaceName", "-Bad")],
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "InvalidNamespaceName");
}

#[tokio::test]
async fn delete_namespace_removes_repositories() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    caller
        .cr(
            "DeleteNamespace",
            &[("InstanceId", INSTANCE), ("NamespaceName", "demo")],
        )
        .await;
    let repo = caller
        .cr(
            "GetRepository",
            &[("InstanceId", INSTANCE), ("RepoId", APP_REPO)],
        )
        .await;
    assert_eq!(repo.code(), "REPO_NOT_EXIST");
}

fn create_repo_params(name: &str) -> Vec<(&str, &str)> {
    vec![
        ("InstanceId", INSTANCE),
        ("RepoNamespaceName", "demo"),
        ("RepoName", name),
        ("RepoType", "PRIVATE"),
        ("Summary", "s"),
    ]
}

#[tokio::test]
async fn repository_lifecycle() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let created = caller
        .cr("CreateRepository", &create_repo_params("api"))
        .await;
    let repo_id = created.str("RepoId");
    assert!(repo_id.starts_with("crr-"), "{repo_id}");
    assert_eq!(repo_id.len(), 20);
    let by_name = caller
        .cr(
            "GetRepository",
            &[
                ("InstanceId", INSTANCE),
                ("RepoNamespaceName", "demo"),
                ("RepoName", "api"),
            ],
        )
        .await;
    assert_eq!(by_name.str("RepoId"), repo_id);
    let updated = caller
        .cr(
            "UpdateRepository",
            &[
                ("InstanceId", INSTANCE),
                ("RepoId", &repo_id),
                ("RepoType", "PUBLIC"),
                ("Summary", "new"),
            ],
        )
        .await;
    assert_eq!(updated.code(), "success");
    let got = caller
        .cr(
            "GetRepository",
            &[("InstanceId", INSTANCE), ("RepoId", &repo_id)],
        )
        .await;
    assert_eq!(got.str("RepoType"), "PUBLIC");
    let listed = caller
        .cr(
            "ListRepository",
            &[("InstanceId", INSTANCE), ("RepoNamespaceName", "demo")],
        )
        .await;
    assert_eq!(listed.body["TotalCount"], "3");
    caller
        .cr(
            "DeleteRepository",
            &[("InstanceId", INSTANCE), ("RepoId", &repo_id)],
        )
        .await;
    let gone = caller
        .cr(
            "GetRepository",
            &[("InstanceId", INSTANCE), ("RepoId", &repo_id)],
        )
        .await;
    assert_eq!(gone.code(), "REPO_NOT_EXIST");
}

#[tokio::test]
async fn repository_needs_namespace() {
    let emulator = start().await;
    let mut params = create_repo_params("x");
    params[1] = ("RepoNamespaceName", "nowhere");
    let reply = Caller::demo(&emulator)
        .cr("CreateRepository", &params)
        .await;
    assert_eq!(reply.code(), "NAMESPACE_NOT_EXIST");
}

#[tokio::test]
async fn list_repository_pages() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let page = caller
        .cr(
            "ListRepository",
            &[("InstanceId", INSTANCE), ("PageNo", "2"), ("PageSize", "1")],
        )
        .await;
    assert_eq!(page.body["TotalCount"], "2");
    assert_eq!(page.body["Repositories"][0]["RepoName"], "worker");
}

fn rule_params<'a>() -> Vec<(&'a str, &'a str)> {
    vec![
        ("InstanceId", INSTANCE),
        ("RepoId", APP_REPO),
        ("PushType", "GIT_BRANCH"),
        ("PushName", "main"),
        ("ImageTag", "v1"),
        ("BuildArgs.2", "B=2"),
        ("BuildArgs.1", "A=1"),
        ("Platforms.1", "linux/amd64"),
        ("Platforms.2", "linux/arm64"),
    ]
}

async fn create_rule(caller: &Caller) -> String {
    let reply = caller.cr("CreateRepoBuildRule", &rule_params()).await;
    assert_eq!(reply.code(), "success", "{}", reply.body);
    reply.str("BuildRuleId")
}

#[tokio::test]
async fn build_rule_update_keeps_omitted() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let rule_id = create_rule(&caller).await;
    assert!(rule_id.starts_with("crbr-"));
    let update = caller
        .cr(
            "UpdateRepoBuildRule",
            &[
                ("InstanceId", INSTANCE),
                ("RepoId", APP_REPO),
                ("BuildRuleId", &rule_id),
                ("ImageTag", "v2"),
            ],
        )
        .await;
    assert_eq!(update.code(), "success");
    let listed = caller
        .cr(
            "ListRepoBuildRule",
            &[("InstanceId", INSTANCE), ("RepoId", APP_REPO)],
        )
        .await;
    let rule = &listed.body["BuildRules"][0];
    assert_eq!(rule["ImageTag"], "v2");
    assert_eq!(rule["BuildArgs"], serde_json::json!(["A=1", "B=2"]));
    assert_eq!(
        rule["Platforms"],
        serde_json::json!(["linux/amd64", "linux/arm64"])
    );
    assert_eq!(listed.body["TotalCount"], "1");
}

#[tokio::test]
async fn build_rule_delete_then_missing() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let rule_id = create_rule(&caller).await;
    let ids = [
        ("InstanceId", INSTANCE),
        ("RepoId", APP_REPO),
        ("BuildRuleId", rule_id.as_str()),
    ];
    assert_eq!(
        caller.cr("DeleteRepoBuildRule", &ids).await.code(),
        "success"
    );
    assert_eq!(
        caller.cr("DeleteRepoBuildRule", &ids).await.code(),
        "BUILD_RULE_NOT_EXIST"
    );
}

#[tokio::test]
async fn build_rule_bad_push_type() {
    let emulator = start().await;
    let mut params = rule_params();
    params[2] = ("PushType", "GIT_COMMIT");
    let reply = Caller::demo(&emulator)
        .cr("CreateRepoBuildRule", &params)
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "InvalidPushType");
}

#[tokio::test]
async fn delete_repository_cascades_rules() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let rule_id = create_rule(&caller).await;
    caller
        .cr(
            "DeleteRepository",
            &[("InstanceId", INSTANCE), ("RepoId", APP_REPO)],
        )
        .await;
    let console = emulator.admin().console(
        DEMO_ACCOUNT,
        "ListRepoBuildRule",
        alicr_emulator::Params::from_pairs([("InstanceId", INSTANCE), ("RepoId", APP_REPO)]),
    );
    assert_eq!(console.body["Code"], "REPO_NOT_EXIST");
    assert!(!rule_id.is_empty());
}

const DEMO_ACCOUNT: &str = "1234567890123456";

async fn run_build(caller: &Caller, rule_id: &str) -> String {
    let reply = caller
        .cr(
            "CreateBuildRecordByRule",
            &[
                ("InstanceId", INSTANCE),
                ("RepoId", APP_REPO),
                ("BuildRuleId", rule_id),
            ],
        )
        .await;
    assert_eq!(reply.code(), "success", "{}", reply.body);
    reply.str("BuildRecordId")
}

#[tokio::test]
async fn build_succeeds() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let rule_id = create_rule(&caller).await;
    let record = run_build(&caller, &rule_id).await;
    assert!(uuid::Uuid::parse_str(&record).is_ok());
    let status = caller
        .cr(
            "GetRepoBuildRecordStatus",
            &[
                ("InstanceId", INSTANCE),
                ("RepoId", APP_REPO),
                ("BuildRecordId", &record),
            ],
        )
        .await;
    assert_eq!(status.str("BuildStatus"), "SUCCESS");
    let got = caller
        .cr(
            "GetRepoBuildRecord",
            &[("InstanceId", INSTANCE), ("BuildRecordId", &record)],
        )
        .await;
    assert!(got.body["EndTime"].is_i64());
    assert_eq!(got.body["Image"]["ImageTag"], "v1");
    let listed = caller
        .cr(
            "ListRepoBuildRecord",
            &[("InstanceId", INSTANCE), ("RepoId", APP_REPO)],
        )
        .await;
    assert_eq!(listed.body["TotalCount"], "1");
    assert!(listed.body["BuildRecords"][0]["StartTime"].is_string());
}

#[tokio::test]
async fn failed_build_log_ends_in_error() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    let rule_id = create_rule(&caller).await;
    admin_post(
        &emulator,
        "builds/fail-next",
        serde_json::json!({ "count": 1 }),
    )
    .await;
    let record = run_build(&caller, &rule_id).await;
    let got = caller
        .cr(
            "GetRepoBuildRecord",
            &[("InstanceId", INSTANCE), ("BuildRecordId", &record)],
        )
        .await;
    assert_eq!(got.str("Status"), "FAILED");
    let log = caller
        .cr(
            "ListRepoBuildRecordLog",
            &[("InstanceId", INSTANCE), ("BuildRecordId", &record)],
        )
        .await;
    let lines = log.body["BuildRecordLogs"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let last = lines
        .last()
        .map(|l| l["Message"].as_str().unwrap_or_default().to_string())
        .unwrap_or_default();
    assert!(last.starts_with("ERROR"), "{last}");
    let next = run_build(&caller, &rule_id).await;
    let status = caller
        .cr(
            "GetRepoBuildRecord",
            &[("InstanceId", INSTANCE), ("BuildRecordId", &next)],
        )
        .await;
    assert_eq!(status.str("Status"), "SUCCESS");
}

#[tokio::test]
async fn build_pending_then_canceled() {
    let realism = Realism {
        build_pending_ms: 600_000,
        build_running_ms: 600_000,
        ..Realism::instant()
    };
    let emulator = start_with(realism).await;
    let caller = Caller::demo(&emulator);
    let rule_id = create_rule(&caller).await;
    let record = run_build(&caller, &rule_id).await;
    let ids = [
        ("InstanceId", INSTANCE),
        ("RepoId", APP_REPO),
        ("BuildRecordId", record.as_str()),
    ];
    assert_eq!(
        caller
            .cr("GetRepoBuildRecordStatus", &ids)
            .await
            .str("BuildStatus"),
        "PENDING"
    );
    assert_eq!(
        caller.cr("CancelRepoBuildRecord", &ids).await.code(),
        "success"
    );
    assert_eq!(
        caller
            .cr("GetRepoBuildRecordStatus", &ids)
            .await
            .str("BuildStatus"),
        "CANCELED"
    );
}

#[tokio::test]
async fn building_after_pending() {
    let realism = Realism {
        build_pending_ms: 0,
        build_running_ms: 600_000,
        ..Realism::instant()
    };
    let emulator = start_with(realism).await;
    let caller = Caller::demo(&emulator);
    let rule_id = create_rule(&caller).await;
    let record = run_build(&caller, &rule_id).await;
    let ids = [
        ("InstanceId", INSTANCE),
        ("RepoId", APP_REPO),
        ("BuildRecordId", record.as_str()),
    ];
    assert_eq!(
        caller
            .cr("GetRepoBuildRecordStatus", &ids)
            .await
            .str("BuildStatus"),
        "BUILDING"
    );
}

#[tokio::test]
async fn unknown_build_record() {
    let emulator = start().await;
    let reply = Caller::demo(&emulator)
        .cr(
            "GetRepoBuildRecord",
            &[
                ("InstanceId", INSTANCE),
                ("BuildRecordId", "00000000-0000-4000-8000-000000000000"),
            ],
        )
        .await;
    assert_eq!(reply.code(), "BUILD_RECORD_NOT_EXIST");
}

async fn bind_public_gitlab(caller: &Caller) {
    let reply = caller
        .cr(
            "CreateInstanceCodeSource",
            &[
                ("InstanceId", INSTANCE),
                ("CodeSourceType", "GITLAB"),
                ("NetworkType", "PUBLIC"),
                ("EndpointUrl", "https://gitlab.example.com"),
                ("UserName", "ci"),
                ("PrivateToken", "glpat-secret-value"),
            ],
        )
        .await;
    assert_eq!(reply.code(), "success", "{}", reply.body);
}

fn source_params(auto_build: &str) -> Vec<(&str, &str)> {
    vec![
        ("InstanceId", INSTANCE),
        ("RepoId", APP_REPO),
        ("CodeRepoType", "GITLAB"),
        ("CodeRepoNamespaceName", "group"),
        ("CodeRepoName", "app"),
        ("AutoBuild", auto_build),
    ]
}

#[tokio::test]
async fn source_binding_needs_code_source() {
    let emulator = start().await;
    let reply = Caller::demo(&emulator)
        .cr("CreateRepoSourceCodeRepo", &source_params("true"))
        .await;
    assert_eq!(reply.code(), "CODE_SOURCE_NOT_EXIST");
}

#[tokio::test]
async fn source_binding_lifecycle() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    bind_public_gitlab(&caller).await;
    assert_eq!(
        caller
            .cr("CreateRepoSourceCodeRepo", &source_params("True"))
            .await
            .code(),
        "success"
    );
    let ids = [("InstanceId", INSTANCE), ("RepoId", APP_REPO)];
    let got = caller.cr("GetRepoSourceCodeRepo", &ids).await;
    assert_eq!(got.body["AutoBuild"], "true");
    assert_eq!(got.body["OverseaBuild"], "false");
    assert_eq!(got.str("CodeRepoDomain"), "https://gitlab.example.com");
    let mut update = source_params("false");
    update.push(("DisableCacheBuild", "true"));
    assert_eq!(
        caller.cr("UpdateRepoSourceCodeRepo", &update).await.code(),
        "success"
    );
    let updated = caller.cr("GetRepoSourceCodeRepo", &ids).await;
    assert_eq!(updated.body["AutoBuild"], "false");
    assert_eq!(updated.body["DisableCacheBuild"], "true");
    assert_eq!(
        caller.cr("DeleteRepoSourceCodeRepo", &ids).await.code(),
        "success"
    );
    assert_eq!(
        caller.cr("GetRepoSourceCodeRepo", &ids).await.code(),
        "CODE_REPO_NOT_EXIST"
    );
}

#[tokio::test]
async fn delete_repository_cascades_binding() {
    let emulator = start().await;
    let caller = Caller::demo(&emulator);
    bind_public_gitlab(&caller).await;
    caller
        .cr("CreateRepoSourceCodeRepo", &source_params("true"))
        .await;
    caller
        .cr(
            "DeleteRepository",
            &[("InstanceId", INSTANCE), ("RepoId", APP_REPO)],
        )
        .await;
    let recreated = caller
        .cr("CreateRepository", &create_repo_params("app"))
        .await;
    let got = caller
        .cr(
            "GetRepoSourceCodeRepo",
            &[
                ("InstanceId", INSTANCE),
                ("RepoId", &recreated.str("RepoId")),
            ],
        )
        .await;
    assert_eq!(got.code(), "CODE_REPO_NOT_EXIST");
}
