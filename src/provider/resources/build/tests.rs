//! Unit tests of the parent module `build`.

use super::*;

fn build() -> BuildRef {
    BuildRef {
        instance_id: "cri-a".into(),
        repo_id: "crr-b".into(),
        build_id: "0a311fc5-b8c6-4332-80e4-539eb73a0001".into(),
    }
}

fn planned() -> Value {
    let mut plan = Value::object([
        ("instance_id", Value::string("cri-a")),
        ("repo_id", Value::string("crr-b")),
        ("build_rule_id", Value::string("crbr-c")),
        ("triggers", Value::Null),
        ("timeouts", Value::Null),
    ]);
    for name in [
        "id",
        "build_id",
        "status",
        "image_tag",
        "digest",
        "started_at",
        "finished_at",
    ] {
        plan.set(name, Value::Unknown);
    }
    plan
}

#[test]
fn state_without_record_wholly_known() {
    let state = build_state(&planned(), &build(), "CANCELED", None);
    assert!(state.is_wholly_known(), "{state:?}");
}

#[test]
fn state_takes_record_values() {
    let mut record = BuildRecord::default();
    record.image.image_tag = "v1".into();
    record.start_time_ms = Some(1_572_872_207_000);
    let state = build_state(&planned(), &build(), "SUCCESS", Some(&record));
    assert_eq!(state.get("image_tag"), &Value::string("v1"));
    assert_eq!(
        state.get("started_at"),
        &Value::string("2019-11-04T12:56:47Z")
    );
    assert_eq!(state.get("finished_at"), &Value::Null);
}

#[test]
fn state_id_joins_ids() {
    let state = build_state(&planned(), &build(), "SUCCESS", None);
    assert_eq!(
        state.get("id"),
        &Value::string("cri-a:crr-b:0a311fc5-b8c6-4332-80e4-539eb73a0001")
    );
}

#[test]
fn update_keeps_prior_computed() {
    let prior = build_state(&planned(), &build(), "SUCCESS", None);
    let updated = fill_unknown(planned(), &prior);
    assert_eq!(updated.get("build_id"), prior.get("build_id"));
}

#[tokio::test]
async fn import_four_parts() {
    let request = ImportStateRequest {
        ctx: Default::default(),
        id: "cri-a:crr-b:crbr-c:0a311fc5".into(),
    };
    let state = Build::new().import_state(request).await.new_state;
    assert_eq!(state.get("build_rule_id"), &Value::string("crbr-c"));
}

#[tokio::test]
async fn import_three_parts() {
    let request = ImportStateRequest {
        ctx: Default::default(),
        id: "cri-a:crr-b:0a311fc5".into(),
    };
    let state = Build::new().import_state(request).await.new_state;
    assert_eq!(state.get("build_id"), &Value::string("0a311fc5"));
}

#[tokio::test]
async fn import_rejects_two_parts() {
    let request = ImportStateRequest {
        ctx: Default::default(),
        id: "cri-a:crr-b".into(),
    };
    let response = Build::new().import_state(request).await;
    assert!(response.diagnostics.has_error());
}

#[test]
fn identity_forces_replacement() {
    let schema = schema();
    for name in ["instance_id", "repo_id", "build_rule_id", "triggers"] {
        let force_new = schema
            .block
            .find_attribute(name)
            .is_some_and(|a| a.force_new);
        assert!(force_new, "{name}");
    }
}
