//! ApplyResourceChange through the server: routing by nullness, and every
//! inconsistency turning into a diagnostic while the planned value is sent.

mod support;

use alicr_framework::path::AttributePath;
use alicr_framework::server::{ApplyResourceChangeResponse, DynamicValue};
use alicr_framework::{Diagnostic, Value};
use support::{decode_thing, harness, number, rule, thing, thing_dv, Bug, Harness};

fn config() -> Value {
    thing(&[
        ("name", Value::from("a")),
        ("size", number("10")),
        ("password_wo", Value::from("pw")),
        ("cidr", Value::from("10.0.0.1")),
        ("secret", Value::from("s3cr3t-value")),
        ("rule", Value::List(vec![rule(80, Value::Null)])),
    ])
}

fn planned() -> Value {
    let mut p = config();
    p.set("password_wo", Value::Null);
    p.set("id", Value::Unknown);
    p.set("etag", Value::Unknown);
    p.set("mode", Value::from("fast"));
    p.set("rule", Value::List(vec![rule(80, Value::Unknown)]));
    p
}

async fn create(h: &Harness) -> ApplyResourceChangeResponse {
    h.server
        .apply_resource_change(
            "test_thing",
            DynamicValue::default(),
            thing_dv(&planned()),
            thing_dv(&config()),
            b"{\"k\":1}".to_vec(),
        )
        .await
}

fn first_error(response: &ApplyResourceChangeResponse) -> Option<Diagnostic> {
    response.diagnostics.iter().find(|d| d.is_error()).cloned()
}

#[tokio::test]
async fn create_fills_unknowns() {
    let h = harness();
    let response = create(&h).await;
    let state = decode_thing(&response.new_state);
    assert!(
        response.diagnostics.is_empty(),
        "{:?}",
        response.diagnostics
    );
    assert_eq!(state.get("id"), &Value::from("thing-1"));
    assert_eq!(state.get("password_wo"), &Value::Null);
}

#[tokio::test]
async fn create_keeps_private() {
    let h = harness();
    assert_eq!(create(&h).await.private, b"{\"k\":1}".to_vec());
}

#[tokio::test]
async fn changed_value_reported_and_replaced() {
    let h = harness();
    h.set_bug(Bug::ChangeSize);
    let response = create(&h).await;
    let error = first_error(&response);
    assert_eq!(
        error.as_ref().and_then(|d| d.attribute.clone()),
        Some(AttributePath::root("size"))
    );
    assert!(error.is_some_and(|d| d.detail.contains("99")));
    assert_eq!(decode_thing(&response.new_state).get("size"), &number("10"));
}

#[tokio::test]
async fn unknown_after_apply_reported() {
    let h = harness();
    h.set_bug(Bug::LeaveUnknown);
    let response = create(&h).await;
    assert_eq!(
        first_error(&response).and_then(|d| d.attribute),
        Some(AttributePath::root("etag"))
    );
    assert_eq!(decode_thing(&response.new_state).get("etag"), &Value::Null);
}

#[tokio::test]
async fn write_only_result_reported() {
    let h = harness();
    h.set_bug(Bug::EchoWriteOnly);
    let response = create(&h).await;
    assert_eq!(
        first_error(&response).and_then(|d| d.attribute),
        Some(AttributePath::root("password_wo"))
    );
    assert_eq!(
        decode_thing(&response.new_state).get("password_wo"),
        &Value::Null
    );
}

#[tokio::test]
async fn semantic_equal_result_accepted() {
    let h = harness();
    h.set_bug(Bug::SpellCidrLong);
    let response = create(&h).await;
    assert!(
        response.diagnostics.is_empty(),
        "{:?}",
        response.diagnostics
    );
    assert_eq!(
        decode_thing(&response.new_state).get("cidr"),
        &Value::from("10.0.0.1")
    );
}

#[tokio::test]
async fn sensitive_value_hidden() {
    let h = harness();
    h.set_bug(Bug::ChangeSecret);
    let error = first_error(&create(&h).await);
    assert_eq!(
        error.as_ref().and_then(|d| d.attribute.clone()),
        Some(AttributePath::root("secret"))
    );
    let detail = error.map(|d| d.detail).unwrap_or_default();
    assert!(!detail.contains("s3cr3t-value"), "{detail}");
    assert!(!detail.contains("leaked-new"), "{detail}");
}

#[tokio::test]
async fn null_create_reported() {
    let h = harness();
    h.set_bug(Bug::NullState);
    let summary = first_error(&create(&h).await).map(|d| d.summary);
    assert_eq!(summary.as_deref(), Some("Provider returned a null object"));
}

#[tokio::test]
async fn update_routes_to_update() {
    let h = harness();
    let mut prior = decode_thing(&create(&h).await.new_state);
    prior.set("size", number("5"));
    let mut planned = prior.clone();
    planned.set("size", number("10"));
    planned.set("etag", Value::Unknown);
    let response = h
        .server
        .apply_resource_change(
            "test_thing",
            thing_dv(&prior),
            thing_dv(&planned),
            thing_dv(&config()),
            Vec::new(),
        )
        .await;
    assert!(
        response.diagnostics.is_empty(),
        "{:?}",
        response.diagnostics
    );
    assert_eq!(
        decode_thing(&response.new_state).get("etag"),
        &Value::from("e2")
    );
}

#[tokio::test]
async fn delete_returns_null() {
    let h = harness();
    let prior = decode_thing(&create(&h).await.new_state);
    let response = h
        .server
        .apply_resource_change(
            "test_thing",
            thing_dv(&prior),
            DynamicValue::default(),
            DynamicValue::default(),
            Vec::new(),
        )
        .await;
    assert!(
        response.diagnostics.is_empty(),
        "{:?}",
        response.diagnostics
    );
    assert_eq!(decode_thing(&response.new_state), Value::Null);
}

#[tokio::test]
async fn unknown_type_is_diagnostic() {
    let h = harness();
    let response = h
        .server
        .apply_resource_change(
            "test_nope",
            DynamicValue::default(),
            DynamicValue::default(),
            DynamicValue::default(),
            Vec::new(),
        )
        .await;
    assert_eq!(
        first_error(&response).map(|d| d.summary).as_deref(),
        Some("Unknown resource type")
    );
}

#[tokio::test]
async fn stop_cancels_context() {
    let h = harness();
    h.server.stop_provider();
    create(&h).await;
    assert!(*h
        .thing
        .saw_cancelled
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner));
}

#[tokio::test]
async fn configure_resets_stop() {
    let h = harness();
    h.server.stop_provider();
    h.server
        .configure_provider("1.11.4".into(), DynamicValue::default())
        .await;
    create(&h).await;
    assert!(!*h
        .thing
        .saw_cancelled
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner));
}

fn assert_send<T: Send>(_: &T) {}

#[test]
fn futures_are_send() {
    let h = harness();
    let plan = h.server.plan_resource_change(
        "test_thing",
        DynamicValue::default(),
        DynamicValue::default(),
        DynamicValue::default(),
        Vec::new(),
    );
    assert_send(&plan);
    let apply = h.server.apply_resource_change(
        "test_thing",
        DynamicValue::default(),
        DynamicValue::default(),
        DynamicValue::default(),
        Vec::new(),
    );
    assert_send(&apply);
    let read = h
        .server
        .read_resource("test_thing", DynamicValue::default(), Vec::new());
    assert_send(&read);
    let configure = h
        .server
        .configure_provider(String::new(), DynamicValue::default());
    assert_send(&configure);
}
