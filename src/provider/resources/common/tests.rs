//! Unit tests of the parent module `common`.

use super::*;

#[test]
fn import_id_split() {
    let parts = parse_import_id("cri-a:crr-b", &["instance_id", "repo_id"]).unwrap_or_default();
    assert_eq!(parts, vec!["cri-a", "crr-b"]);
}

#[test]
fn import_id_wrong_count() {
    let error = parse_import_id("cri-a", &["instance_id", "repo_id"]).err();
    let detail = error.map(|d| d.detail).unwrap_or_default();
    assert!(detail.contains("<instance_id>:<repo_id>"), "{detail}");
}

#[test]
fn import_id_empty_part() {
    assert!(parse_import_id("cri-a:", &["instance_id", "repo_id"]).is_err());
}

#[test]
fn humanize_minutes() {
    assert_eq!(humanize(Duration::from_secs(600)), "10m");
}

#[test]
fn humanize_mixed() {
    assert_eq!(humanize(Duration::from_secs(90)), "1m30s");
}

#[test]
fn prior_spelling_kept() {
    let prior = Value::string_set(["10.0.0.1"]);
    let kept = keep_prior_spelling(
        &prior,
        vec!["10.0.0.1/32".into()],
        crate::provider::network::cidr_equal,
    );
    assert_eq!(kept, Value::string_set(["10.0.0.1"]));
}

#[test]
fn partial_state_sets_ids() {
    let plan = Value::object([("id", Value::Unknown), ("name", Value::string("a"))]);
    let state = partial_state(&plan, &[("id", "x:y")]);
    assert_eq!(state.get("id"), &Value::string("x:y"));
}

#[test]
fn partial_state_nulls_unknown() {
    let plan = Value::object([("id", Value::Unknown), ("status", Value::Unknown)]);
    let state = partial_state(&plan, &[("id", "x:y")]);
    assert_eq!(state.get("status"), &Value::Null);
}

#[test]
fn client_token_stable() {
    assert_eq!(
        client_token("link", &["a", "b"]),
        client_token("link", &["a", "b"])
    );
}

#[test]
fn client_token_separates_parts() {
    assert_ne!(
        client_token("link", &["ab", "c"]),
        client_token("link", &["a", "bc"])
    );
}

#[test]
fn client_token_fits_api() {
    assert!(client_token("link", &["a"]).len() <= 64);
}

#[test]
fn created_within_old_object() {
    assert!(!created_within(Some(1_000), Duration::from_secs(60)));
}

#[test]
fn created_within_missing_time() {
    assert!(created_within(None, Duration::from_secs(60)));
}

#[test]
fn deadline_huge_timeout() {
    let deadline = deadline_after(Duration::from_secs(u64::MAX));
    assert!(deadline > Instant::now());
}

#[tokio::test]
async fn poll_cancelled() {
    let ctx = Context::default();
    ctx.cancel.cancel();
    let result: Result<(), WaitError> = poll_until(&ctx, Duration::from_secs(60), || async {
        Ok(Poll::Pending("CREATING".into()))
    })
    .await;
    assert!(matches!(result, Err(WaitError::Cancelled)));
}

#[tokio::test]
async fn poll_times_out() {
    let ctx = Context::default();
    let result: Result<(), WaitError> = poll_until(&ctx, Duration::from_millis(1), || async {
        Ok(Poll::Pending("CREATING".into()))
    })
    .await;
    assert!(matches!(result, Err(WaitError::TimedOut { .. })));
}
