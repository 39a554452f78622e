//! ReadResource, ImportResourceState, UpgradeResourceState, ReadDataSource,
//! CallFunction, validation and GetProviderSchema through the server.

mod support;

use alicr_framework::msgpack;
use alicr_framework::path::AttributePath;
use alicr_framework::server::DynamicValue;
use alicr_framework::{Type, Value};
use support::{decode_thing, dv, harness, number, rule, thing, thing_dv, thing_type, Bug};

fn state() -> Value {
    thing(&[
        ("id", Value::from("thing-1")),
        ("name", Value::from("a")),
        ("size", number("10")),
        ("mode", Value::from("fast")),
        ("etag", Value::from("e1")),
        ("cidr", Value::from("10.0.0.1")),
        ("rule", Value::List(vec![rule(80, Value::from("tcp"))])),
        (
            "timeouts",
            Value::object([("create", Value::from("5m")), ("delete", Value::Null)]),
        ),
    ])
}

#[tokio::test]
async fn read_numbers_as_decimal_text() {
    let h = harness();
    let response = h
        .server
        .read_resource("test_thing", thing_dv(&state()), Vec::new())
        .await;
    let bytes = response.new_state.map(|v| v.msgpack).unwrap_or_default();
    // "size" followed by the string "10" (0xa2 '1' '0'), not the integer 0x0a.
    let needle = [0xa4, b's', b'i', b'z', b'e', 0xa2, b'1', b'0'];
    assert!(bytes.windows(needle.len()).any(|w| w == needle));
}

#[tokio::test]
async fn read_keeps_state_and_timeouts() {
    let h = harness();
    let response = h
        .server
        .read_resource("test_thing", thing_dv(&state()), Vec::new())
        .await;
    assert!(
        response.diagnostics.is_empty(),
        "{:?}",
        response.diagnostics
    );
    assert_eq!(decode_thing(&response.new_state), state());
}

#[tokio::test]
async fn read_echoes_private() {
    let h = harness();
    let response = h
        .server
        .read_resource("test_thing", thing_dv(&state()), b"opaque".to_vec())
        .await;
    assert_eq!(response.private, b"opaque".to_vec());
}

#[tokio::test]
async fn read_gone_is_null() {
    let h = harness();
    let mut gone = state();
    gone.set("name", Value::from("gone"));
    let response = h
        .server
        .read_resource("test_thing", thing_dv(&gone), Vec::new())
        .await;
    assert!(
        response.diagnostics.is_empty(),
        "{:?}",
        response.diagnostics
    );
    assert_eq!(decode_thing(&response.new_state), Value::Null);
}

#[tokio::test]
async fn read_keeps_equivalent_prior() {
    let h = harness();
    h.set_bug(Bug::SpellCidrLong);
    let response = h
        .server
        .read_resource("test_thing", thing_dv(&state()), Vec::new())
        .await;
    assert_eq!(
        decode_thing(&response.new_state).get("cidr"),
        &Value::from("10.0.0.1")
    );
}

#[tokio::test]
async fn read_unknown_reported() {
    let h = harness();
    h.set_bug(Bug::LeaveUnknown);
    let response = h
        .server
        .read_resource("test_thing", thing_dv(&state()), Vec::new())
        .await;
    let path = response
        .diagnostics
        .iter()
        .next()
        .and_then(|d| d.attribute.clone());
    assert_eq!(path, Some(AttributePath::root("etag")));
    assert_eq!(decode_thing(&response.new_state).get("etag"), &Value::Null);
}

#[tokio::test]
async fn read_nulls_write_only() {
    let h = harness();
    h.set_bug(Bug::EchoWriteOnly);
    let response = h
        .server
        .read_resource("test_thing", thing_dv(&state()), Vec::new())
        .await;
    assert_eq!(
        decode_thing(&response.new_state).get("password_wo"),
        &Value::Null
    );
}

#[tokio::test]
async fn import_completes_object() {
    let h = harness();
    let response = h
        .server
        .import_resource_state("test_thing", "thing-9".into())
        .await;
    let imported = response
        .imported_resources
        .first()
        .map(|r| Some(r.state.clone()));
    let state = decode_thing(&imported.flatten());
    assert_eq!(state, thing(&[("id", Value::from("thing-9"))]));
}

#[tokio::test]
async fn upgrade_strips_removed_attribute() {
    let h = harness();
    let raw =
        br#"{"id":"thing-1","name":"a","removed_long_ago":true,"rule":[{"port":80}]}"#.to_vec();
    let response = h.server.upgrade_resource_state("test_thing", 1, raw).await;
    assert!(
        response.diagnostics.is_empty(),
        "{:?}",
        response.diagnostics
    );
    let state = decode_thing(&response.upgraded_state);
    assert_eq!(state.get("rule"), &Value::List(vec![rule(80, Value::Null)]));
}

#[tokio::test]
async fn upgrade_old_version_rejected() {
    let h = harness();
    let response = h
        .server
        .upgrade_resource_state("test_thing", 0, b"{}".to_vec())
        .await;
    let summary = response
        .diagnostics
        .iter()
        .next()
        .map(|d| d.summary.clone());
    assert_eq!(summary.as_deref(), Some("Unsupported state version"));
}

#[tokio::test]
async fn upgrade_newer_version_rejected() {
    let h = harness();
    let response = h
        .server
        .upgrade_resource_state("test_thing", 2, b"{}".to_vec())
        .await;
    assert!(response.diagnostics.has_error());
}

#[tokio::test]
async fn upgrade_malformed_json_is_diagnostic() {
    let h = harness();
    let response = h
        .server
        .upgrade_resource_state("test_thing", 1, b"{\"id\":".to_vec())
        .await;
    assert!(response.diagnostics.has_error());
}

fn lookup_type() -> Type {
    support::lookup_schema().implied_type()
}

#[tokio::test]
async fn data_source_null_reported() {
    let h = harness();
    let config = Value::object([("name", Value::from("x")), ("arn", Value::Null)]);
    let response = h
        .server
        .read_data_source("test_lookup", dv(&config, &lookup_type()))
        .await;
    let summary = response
        .diagnostics
        .iter()
        .next()
        .map(|d| d.summary.clone());
    assert_eq!(summary.as_deref(), Some("Provider produced null object"));
}

#[tokio::test]
async fn data_source_result_complete() {
    let h = harness();
    *h.lookup
        .result
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) =
        Value::object([("name", Value::from("x"))]);
    let config = Value::object([("name", Value::from("x")), ("arn", Value::Null)]);
    let response = h
        .server
        .read_data_source("test_lookup", dv(&config, &lookup_type()))
        .await;
    let bytes = response.state.map(|v| v.msgpack).unwrap_or_default();
    assert_eq!(msgpack::decode(&bytes, &lookup_type()), Ok(config));
}

#[tokio::test]
async fn data_source_unknown_reported() {
    let h = harness();
    *h.lookup
        .result
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) =
        Value::object([("name", Value::from("x")), ("arn", Value::Unknown)]);
    let config = Value::object([("name", Value::from("x")), ("arn", Value::Null)]);
    let response = h
        .server
        .read_data_source("test_lookup", dv(&config, &lookup_type()))
        .await;
    let path = response
        .diagnostics
        .iter()
        .next()
        .and_then(|d| d.attribute.clone());
    assert_eq!(path, Some(AttributePath::root("arn")));
}

#[tokio::test]
async fn function_doubles() {
    let h = harness();
    let response = h
        .server
        .call_function("double", vec![dv(&number("2.5"), &Type::Number)])
        .await;
    let bytes = response.result.map(|v| v.msgpack).unwrap_or_default();
    assert_eq!(msgpack::decode(&bytes, &Type::Number), Ok(number("5")));
}

#[tokio::test]
async fn function_bad_argument_indexed() {
    let h = harness();
    let response = h
        .server
        .call_function(
            "double",
            vec![DynamicValue {
                msgpack: vec![0xa1, b'x'],
                json: Vec::new(),
            }],
        )
        .await;
    assert_eq!(response.error.and_then(|e| e.function_argument), Some(0));
}

#[tokio::test]
async fn function_unknown_name() {
    let h = harness();
    let response = h.server.call_function("triple", Vec::new()).await;
    assert!(response.error.is_some());
}

#[tokio::test]
async fn validate_missing_required() {
    let h = harness();
    let config = thing(&[]);
    let diagnostics = h
        .server
        .validate_resource_config("test_thing", thing_dv(&config))
        .await;
    let path = diagnostics.iter().next().and_then(|d| d.attribute.clone());
    assert_eq!(path, Some(AttributePath::root("name")));
}

#[tokio::test]
async fn validate_skips_unknown_required() {
    let h = harness();
    let config = thing(&[("name", Value::Unknown), ("mode", Value::Unknown)]);
    let diagnostics = h
        .server
        .validate_resource_config("test_thing", thing_dv(&config))
        .await;
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
}

#[tokio::test]
async fn validate_runs_validators() {
    let h = harness();
    let config = thing(&[("name", Value::from("a")), ("mode", Value::from("turbo"))]);
    let diagnostics = h
        .server
        .validate_resource_config("test_thing", thing_dv(&config))
        .await;
    let path = diagnostics.iter().next().and_then(|d| d.attribute.clone());
    assert_eq!(path, Some(AttributePath::root("mode")));
}

#[tokio::test]
async fn validate_timeouts_path() {
    let h = harness();
    let timeouts = Value::object([("create", Value::from("soon")), ("delete", Value::Null)]);
    let config = thing(&[("name", Value::from("a")), ("timeouts", timeouts)]);
    let diagnostics = h
        .server
        .validate_resource_config("test_thing", thing_dv(&config))
        .await;
    let path = diagnostics.iter().next().and_then(|d| d.attribute.clone());
    assert_eq!(
        path,
        Some(AttributePath::root("timeouts").attribute("create"))
    );
}

#[tokio::test]
async fn validate_unknown_type() {
    let h = harness();
    let diagnostics = h
        .server
        .validate_data_resource_config("test_nope", DynamicValue::default())
        .await;
    assert!(diagnostics.has_error());
}

#[tokio::test]
async fn schema_capabilities() {
    let h = harness();
    let schemas = h.server.get_provider_schema();
    assert!(schemas.server_capabilities.get_provider_schema_optional);
    assert!(!schemas.server_capabilities.plan_destroy);
    assert!(schemas.diagnostics.is_empty(), "{:?}", schemas.diagnostics);
    assert_eq!(
        schemas
            .resources
            .get("test_thing")
            .map(|s| s.implied_type()),
        Some(thing_type())
    );
    assert!(schemas.data_sources.contains_key("test_lookup"));
    assert!(schemas.functions.contains_key("double"));
}
