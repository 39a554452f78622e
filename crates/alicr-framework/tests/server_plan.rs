//! PlanResourceChange through the server: the plan rules table (create,
//! update, no-op, defaults, write-only, force-new, use_state_for_unknown,
//! semantic equality, nested blocks) and the destroy path.

mod support;

use alicr_framework::path::AttributePath;
use alicr_framework::server::{DynamicValue, PlanResourceChangeResponse};
use alicr_framework::Value;
use support::{decode_thing, harness, number, rule, thing, thing_dv, Harness};

fn config() -> Value {
    thing(&[
        ("name", Value::from("a")),
        ("size", number("10")),
        ("password_wo", Value::from("pw")),
        ("cidr", Value::from("10.0.0.1")),
        ("rule", Value::List(vec![rule(80, Value::Null)])),
    ])
}

fn prior() -> Value {
    thing(&[
        ("id", Value::from("thing-1")),
        ("name", Value::from("a")),
        ("size", number("10")),
        ("mode", Value::from("fast")),
        ("etag", Value::from("e1")),
        ("cidr", Value::from("10.0.0.1")),
        ("rule", Value::List(vec![rule(80, Value::from("tcp"))])),
    ])
}

/// Builds the proposed new state as Terraform does: configured values, with
/// computed attributes the configuration leaves null taken from the prior state.
fn proposed(prior: &Value, config: &Value) -> Value {
    let mut out = config.clone();
    for name in ["id", "mode", "etag"] {
        if config.get(name).is_null() {
            out.set(name, prior.get(name).clone());
        }
    }
    if let (Some(Value::List(rules)), Some(prior_rules)) =
        (out.get_mut("rule"), prior.get("rule").as_elements())
    {
        for (i, r) in rules.iter_mut().enumerate() {
            if r.get("proto").is_null() {
                let proto = prior_rules
                    .get(i)
                    .map(|p| p.get("proto").clone())
                    .unwrap_or_default();
                r.set("proto", proto);
            }
        }
    }
    out
}

async fn plan(h: &Harness, prior: &Value, config: &Value) -> PlanResourceChangeResponse {
    let proposed = if prior.is_null() {
        proposed(&Value::Null, config)
    } else {
        proposed(prior, config)
    };
    h.server
        .plan_resource_change(
            "test_thing",
            thing_dv(prior),
            thing_dv(&proposed),
            thing_dv(config),
            b"{\"k\":1}".to_vec(),
        )
        .await
}

#[tokio::test]
async fn create_marks_computed_unknown() {
    let h = harness();
    let response = plan(&h, &Value::Null, &config()).await;
    let planned = decode_thing(&response.planned_state);
    assert!(
        response.diagnostics.is_empty(),
        "{:?}",
        response.diagnostics
    );
    assert_eq!(planned.get("id"), &Value::Unknown);
    assert_eq!(planned.get("etag"), &Value::Unknown);
    assert_eq!(planned.get("size"), &number("10"));
}

#[tokio::test]
async fn create_applies_default() {
    let h = harness();
    let planned = decode_thing(&plan(&h, &Value::Null, &config()).await.planned_state);
    assert_eq!(planned.get("mode"), &Value::from("fast"));
}

#[tokio::test]
async fn create_nulls_write_only() {
    let h = harness();
    let planned = decode_thing(&plan(&h, &Value::Null, &config()).await.planned_state);
    assert_eq!(planned.get("password_wo"), &Value::Null);
}

#[tokio::test]
async fn create_marks_nested_computed() {
    let h = harness();
    let planned = decode_thing(&plan(&h, &Value::Null, &config()).await.planned_state);
    let proto = planned
        .get("rule")
        .as_elements()
        .and_then(|r| r.first())
        .map(|r| r.get("proto").clone());
    assert_eq!(proto, Some(Value::Unknown));
}

#[tokio::test]
async fn create_requires_no_replace() {
    let h = harness();
    assert!(plan(&h, &Value::Null, &config())
        .await
        .requires_replace
        .is_empty());
}

#[tokio::test]
async fn no_op_plans_prior() {
    let h = harness();
    let response = plan(&h, &prior(), &config()).await;
    assert_eq!(decode_thing(&response.planned_state), prior());
    assert!(response.requires_replace.is_empty());
}

#[tokio::test]
async fn update_keeps_use_state_for_unknown() {
    let h = harness();
    let mut changed = config();
    changed.set("size", number("20"));
    let planned = decode_thing(&plan(&h, &prior(), &changed).await.planned_state);
    assert_eq!(planned.get("id"), &Value::from("thing-1"));
    assert_eq!(planned.get("etag"), &Value::Unknown);
    assert_eq!(planned.get("size"), &number("20"));
}

#[tokio::test]
async fn update_force_new_replaces() {
    let h = harness();
    let mut changed = config();
    changed.set("name", Value::from("b"));
    let response = plan(&h, &prior(), &changed).await;
    assert_eq!(response.requires_replace, vec![AttributePath::root("name")]);
}

#[tokio::test]
async fn update_nested_force_new_path() {
    let h = harness();
    let mut changed = config();
    changed.set("rule", Value::List(vec![rule(443, Value::Null)]));
    let response = plan(&h, &prior(), &changed).await;
    assert_eq!(
        response.requires_replace,
        vec![AttributePath::root("rule").index(0).attribute("port")]
    );
}

#[tokio::test]
async fn semantic_equality_keeps_prior() {
    let h = harness();
    let mut long = config();
    long.set("cidr", Value::from("10.0.0.1/32"));
    let response = plan(&h, &prior(), &long).await;
    assert!(
        response.diagnostics.is_empty(),
        "{:?}",
        response.diagnostics
    );
    assert_eq!(decode_thing(&response.planned_state), prior());
}

#[tokio::test]
async fn destroy_plans_null() {
    let h = harness();
    let response = h
        .server
        .plan_resource_change(
            "test_thing",
            thing_dv(&prior()),
            DynamicValue::default(),
            DynamicValue::default(),
            b"p".to_vec(),
        )
        .await;
    assert_eq!(decode_thing(&response.planned_state), Value::Null);
    assert_eq!(response.planned_private, b"p".to_vec());
}

#[tokio::test]
async fn private_passed_on() {
    let h = harness();
    assert_eq!(
        plan(&h, &prior(), &config()).await.planned_private,
        b"{\"k\":1}".to_vec()
    );
}

#[tokio::test]
async fn unknown_type_is_diagnostic() {
    let h = harness();
    let response = h
        .server
        .plan_resource_change(
            "test_nope",
            DynamicValue::default(),
            DynamicValue::default(),
            DynamicValue::default(),
            Vec::new(),
        )
        .await;
    let summary = response
        .diagnostics
        .iter()
        .next()
        .map(|d| d.summary.clone());
    assert_eq!(summary.as_deref(), Some("Unknown resource type"));
}

#[tokio::test]
async fn malformed_msgpack_is_diagnostic() {
    let h = harness();
    let garbage = DynamicValue {
        msgpack: vec![0xdc, 0xff],
        json: Vec::new(),
    };
    let response = h
        .server
        .plan_resource_change(
            "test_thing",
            DynamicValue::default(),
            garbage.clone(),
            garbage,
            Vec::new(),
        )
        .await;
    let summary = response
        .diagnostics
        .iter()
        .next()
        .map(|d| d.summary.clone());
    assert_eq!(summary.as_deref(), Some("Invalid value from Terraform"));
}

#[tokio::test]
async fn malformed_json_is_diagnostic() {
    let h = harness();
    let garbage = DynamicValue {
        msgpack: Vec::new(),
        json: b"{\"name\":".to_vec(),
    };
    let response = h
        .server
        .validate_resource_config("test_thing", garbage)
        .await;
    let summary = response.iter().next().map(|d| d.summary.clone());
    assert_eq!(summary.as_deref(), Some("Invalid value from Terraform"));
}
