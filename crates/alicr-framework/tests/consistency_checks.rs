//! Each violation class of the plan, apply and read checks, with the path it
//! must name; plus plan rules for nested attributes and set blocks.

use alicr_framework::consistency::{check_apply, check_plan, check_read};
use alicr_framework::path::AttributePath;
use alicr_framework::plan::plan_change;
use alicr_framework::schema::{Attribute, Block, NestedBlock, NestingMode};
use alicr_framework::{Type, Value};

fn block() -> Block {
    let item = Block::new()
        .attribute(Attribute::string("key").required().force_new())
        .attribute(Attribute::string("note").optional());
    Block::new()
        .attribute(Attribute::string("name").optional())
        .attribute(Attribute::string("id").computed())
        .attribute(Attribute::string("token").optional().write_only())
        .attribute(Attribute::string("secret").optional().sensitive())
        .attribute(
            Attribute::nested(
                "endpoint",
                NestingMode::Single,
                vec![
                    Attribute::string("host").required(),
                    Attribute::string("ip").computed(),
                ],
            )
            .optional(),
        )
        .block(NestedBlock::new("item", NestingMode::List, item.clone()))
        .block(NestedBlock::new("tag", NestingMode::Set, item))
}

fn item(key: &str) -> Value {
    Value::object([("key", Value::from(key)), ("note", Value::Null)])
}

fn base() -> Value {
    Value::object([
        ("name", Value::from("n")),
        ("id", Value::from("i")),
        ("token", Value::Null),
        ("secret", Value::Null),
        ("endpoint", Value::Null),
        ("item", Value::List(vec![item("a")])),
        ("tag", Value::Set(vec![item("t")])),
    ])
}

fn with(value: &Value, name: &str, v: Value) -> Value {
    let mut out = value.clone();
    out.set(name, v);
    out
}

fn paths(violations: &[alicr_framework::consistency::Violation]) -> Vec<AttributePath> {
    violations.iter().map(|v| v.path.clone()).collect()
}

#[test]
fn plan_valid_passes() {
    let config = with(&base(), "id", Value::Null);
    assert!(check_plan(
        &block(),
        &config,
        &Value::Null,
        &with(&base(), "id", Value::Unknown)
    )
    .is_empty());
}

#[test]
fn plan_write_only_value() {
    let config = with(&base(), "token", Value::from("t"));
    let planned = with(&base(), "token", Value::from("t"));
    assert_eq!(
        paths(&check_plan(&block(), &config, &Value::Null, &planned)),
        vec![AttributePath::root("token")]
    );
}

#[test]
fn plan_config_mismatch() {
    let planned = with(&base(), "name", Value::from("N"));
    assert_eq!(
        paths(&check_plan(&block(), &base(), &Value::Null, &planned)),
        vec![AttributePath::root("name")]
    );
}

#[test]
fn plan_unconfigured_value() {
    let config = with(&base(), "name", Value::Null);
    assert_eq!(
        paths(&check_plan(&block(), &config, &Value::Null, &base())),
        vec![AttributePath::root("name")]
    );
}

#[test]
fn plan_block_count() {
    let planned = with(&base(), "item", Value::List(vec![item("a"), item("b")]));
    assert_eq!(
        paths(&check_plan(&block(), &base(), &Value::Null, &planned)),
        vec![AttributePath::root("item")]
    );
}

#[test]
fn plan_null_list_block() {
    let planned = with(&base(), "item", Value::Null);
    assert_eq!(
        paths(&check_plan(&block(), &base(), &Value::Null, &planned)),
        vec![AttributePath::root("item")]
    );
}

#[test]
fn plan_unknown_block_element() {
    let planned = with(&base(), "item", Value::List(vec![Value::Unknown]));
    let expected = vec![AttributePath::root("item").index(0)];
    assert_eq!(
        paths(&check_plan(&block(), &base(), &Value::Null, &planned)),
        expected
    );
}

#[test]
fn plan_nested_element_mismatch() {
    let planned = with(&base(), "item", Value::List(vec![item("z")]));
    let expected = vec![AttributePath::root("item").index(0).attribute("key")];
    assert_eq!(
        paths(&check_plan(&block(), &base(), &Value::Null, &planned)),
        expected
    );
}

#[test]
fn apply_consistent_passes() {
    let (value, violations) = check_apply(&block(), &with(&base(), "id", Value::Unknown), &base());
    assert!(violations.is_empty());
    assert_eq!(value, base());
}

#[test]
fn apply_list_length() {
    let new = with(&base(), "item", Value::List(Vec::new()));
    let (value, violations) = check_apply(&block(), &base(), &new);
    assert_eq!(paths(&violations), vec![AttributePath::root("item")]);
    assert_eq!(value, base());
}

#[test]
fn apply_set_element_vanished() {
    let new = with(&base(), "tag", Value::Set(vec![item("other")]));
    let (value, violations) = check_apply(&block(), &base(), &new);
    assert_eq!(paths(&violations), vec![AttributePath::root("tag")]);
    assert_eq!(value, base());
}

#[test]
fn apply_nested_attribute_path() {
    let endpoint = |ip: Value| Value::object([("host", Value::from("h")), ("ip", ip)]);
    let planned = with(&base(), "endpoint", endpoint(Value::from("1.1.1.1")));
    let new = with(&base(), "endpoint", endpoint(Value::from("2.2.2.2")));
    let (_, violations) = check_apply(&block(), &planned, &new);
    assert_eq!(
        paths(&violations),
        vec![AttributePath::root("endpoint").attribute("ip")]
    );
}

#[test]
fn apply_null_became_value() {
    let planned = with(&base(), "name", Value::Null);
    let (value, violations) = check_apply(&block(), &planned, &base());
    assert_eq!(paths(&violations), vec![AttributePath::root("name")]);
    assert_eq!(value.get("name"), &Value::Null);
}

#[test]
fn apply_sensitive_hidden() {
    let planned = with(&base(), "secret", Value::from("old-secret"));
    let new = with(&base(), "secret", Value::from("new-secret"));
    let (_, violations) = check_apply(&block(), &planned, &new);
    let problem = violations
        .first()
        .map(|v| v.problem.clone())
        .unwrap_or_default();
    assert!(!problem.contains("secret\""), "{problem}");
    assert!(problem.contains("(sensitive value)"), "{problem}");
}

#[test]
fn read_unknown_nested_path() {
    let new = with(
        &base(),
        "item",
        Value::List(vec![Value::object([
            ("key", Value::Unknown),
            ("note", Value::Null),
        ])]),
    );
    let (value, violations) = check_read(&block(), &base(), &new);
    assert_eq!(
        paths(&violations),
        vec![AttributePath::root("item").index(0).attribute("key")]
    );
    assert!(value.is_wholly_known());
}

#[test]
fn plan_set_block_force_new() {
    let prior = base();
    let proposed = with(&base(), "tag", Value::Set(vec![item("u")]));
    let change = plan_change(&block(), &prior, &proposed, &proposed);
    assert_eq!(change.requires_replace, vec![AttributePath::root("tag")]);
}

#[test]
fn plan_set_block_note_not_force_new() {
    let prior = base();
    let note = Value::object([("key", Value::from("t")), ("note", Value::from("x"))]);
    let proposed = with(&base(), "tag", Value::Set(vec![note]));
    let change = plan_change(&block(), &prior, &proposed, &proposed);
    assert!(change.requires_replace.is_empty());
}

#[test]
fn plan_nested_attribute_computed_unknown() {
    let config = with(
        &with(&base(), "id", Value::Null),
        "endpoint",
        Value::object([("host", Value::from("h")), ("ip", Value::Null)]),
    );
    let change = plan_change(&block(), &Value::Null, &config, &config);
    assert_eq!(
        change.planned_state.get("endpoint").get("ip"),
        &Value::Unknown
    );
}

#[test]
fn plan_output_conforms() {
    let config = with(&base(), "id", Value::Null);
    let change = plan_change(&block(), &Value::Null, &config, &config);
    let ty: Type = block().implied_type();
    let encoded = alicr_framework::msgpack::encode(&change.planned_state, &ty, Default::default());
    assert!(encoded.is_ok(), "{encoded:?}");
}
