//! Unit tests of the parent module `build_wait`.

use super::*;

fn line(number: i64, message: &str) -> BuildLogLine {
    BuildLogLine {
        build_stage: "BUILD".into(),
        line_number: number,
        message: message.into(),
    }
}

#[test]
fn final_statuses_any_case() {
    for status in ["SUCCESS", "success", "Failed", "CANCELED", " canceled "] {
        assert!(is_final(status), "{status:?}");
    }
}

#[test]
fn running_statuses_not_final() {
    for status in ["PENDING", "building", "", "true"] {
        assert!(!is_final(status), "{status:?}");
    }
}

#[test]
fn status_normalized_upper() {
    assert_eq!(normalize_status(" success "), "SUCCESS");
}

#[test]
fn time_formatted_utc() {
    assert_eq!(
        rfc3339_from_ms(Some(1_572_872_207_000)),
        Value::string("2019-11-04T12:56:47Z")
    );
}

#[test]
fn time_keeps_milliseconds() {
    assert_eq!(
        rfc3339_from_ms(Some(1_572_872_207_250)),
        Value::string("2019-11-04T12:56:47.25Z")
    );
}

#[test]
fn time_missing_null() {
    assert_eq!(rfc3339_from_ms(None), Value::Null);
}

#[test]
fn time_zero_null() {
    assert_eq!(rfc3339_from_ms(Some(0)), Value::Null);
}

#[test]
fn tail_keeps_last_in_order() {
    let lines = vec![line(3, "c"), line(1, "a"), line(2, "b")];
    assert_eq!(tail_messages(lines, 2), vec!["b", "c"]);
}

#[test]
fn tail_of_short_log() {
    assert_eq!(tail_messages(vec![line(1, "only")], 20), vec!["only"]);
}

#[tokio::test]
async fn wait_returns_final_status() {
    let cancel = CancellationToken::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let outcome =
        wait_for_final_status(&cancel, deadline, || async { Ok("success".to_string()) }).await;
    assert!(
        matches!(outcome, WaitOutcome::Finished(ref s) if s == "SUCCESS"),
        "{outcome:?}"
    );
}

#[test]
fn pauses_double_to_cap() {
    let mut pause = POLL_START;
    let mut pauses = Vec::new();
    for _ in 0..6 {
        pauses.push(pause.as_secs());
        pause = next_pause(pause);
    }
    assert_eq!(pauses, vec![1, 2, 4, 8, 15, 15]);
}

#[tokio::test]
async fn wait_times_out_with_last_status() {
    let cancel = CancellationToken::new();
    let deadline = Instant::now() + Duration::from_millis(50);
    let outcome =
        wait_for_final_status(&cancel, deadline, || async { Ok("building".to_string()) }).await;
    assert!(
        matches!(outcome, WaitOutcome::TimedOut(ref s) if s == "BUILDING"),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn wait_interrupted() {
    let cancel = CancellationToken::new();
    cancel.cancel();
    let deadline = Instant::now() + Duration::from_secs(60);
    let outcome =
        wait_for_final_status(&cancel, deadline, || async { Ok("PENDING".to_string()) }).await;
    assert!(
        matches!(outcome, WaitOutcome::Interrupted(_)),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn wait_reports_api_error() {
    let cancel = CancellationToken::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let outcome = wait_for_final_status(&cancel, deadline, || async {
        Err(ApiError::Cancelled {
            action: "GetRepoBuildRecordStatus".into(),
        })
    })
    .await;
    assert!(matches!(outcome, WaitOutcome::Failed { .. }), "{outcome:?}");
}
