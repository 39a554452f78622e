//! Fixed MessagePack and JSON cases: the exact bytes Terraform expects, and
//! errors that name the path at fault.

use std::str::FromStr;

use alicr_framework::codec::CodecError;
use alicr_framework::msgpack::{self, NumberEncoding};
use alicr_framework::path::AttributePath;
use alicr_framework::value::Number;
use alicr_framework::{json, Type, Value};

fn encode(v: &Value, ty: &Type) -> Vec<u8> {
    msgpack::encode(v, ty, NumberEncoding::Standard).unwrap_or_default()
}

fn num(text: &str) -> Value {
    Value::Number(Number::from_str(text).unwrap_or_default())
}

#[test]
fn unknown_is_ext_zero() {
    assert_eq!(
        encode(&Value::Unknown, &Type::String),
        vec![0xd4, 0x00, 0x00]
    );
}

#[test]
fn refined_unknown_decodes_unknown() {
    // Extension type 12 with a map body {1: true}.
    let bytes = [0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc3];
    assert_eq!(msgpack::decode(&bytes, &Type::String), Ok(Value::Unknown));
}

#[test]
fn number_encodings() {
    assert_eq!(encode(&num("10"), &Type::Number), vec![0x0a]);
    assert_eq!(encode(&num("1.5"), &Type::Number)[0], 0xcb);
    assert_eq!(
        encode(&num("0.1"), &Type::Number),
        vec![0xa3, b'0', b'.', b'1']
    );
    let decimal = msgpack::encode(&num("10.0"), &Type::Number, NumberEncoding::DecimalString);
    assert_eq!(decimal, Ok(vec![0xa2, b'1', b'0']));
}

#[test]
fn number_decodes_from_string() {
    let bytes = encode(
        &Value::string("123456789012345678901234567890.5"),
        &Type::String,
    );
    assert_eq!(
        msgpack::decode(&bytes, &Type::Number),
        Ok(num("123456789012345678901234567890.5"))
    );
}

#[test]
fn object_missing_attribute_is_null() {
    let ty = Type::object([("a", Type::String), ("b", Type::Number)]);
    let bytes = encode(&Value::object([("a", Value::from("x"))]), &ty);
    let back = msgpack::decode(&bytes, &ty);
    assert_eq!(
        back,
        Ok(Value::object([("a", Value::from("x")), ("b", Value::Null)]))
    );
}

#[test]
fn object_extra_attribute_rejected() {
    let ty = Type::object([("nested", Type::object([("a", Type::String)]))]);
    let v = Value::object([("nested", Value::object([("zzz", Value::from("x"))]))]);
    let err = msgpack::encode(&v, &ty, NumberEncoding::Standard);
    assert_eq!(
        err,
        Err(CodecError::UnsupportedAttribute {
            path: AttributePath::root("nested"),
            name: "zzz".into()
        })
    );
}

#[test]
fn mismatch_names_path() {
    let ty = Type::object([("a", Type::list(Type::Number))]);
    let v = Value::object([("a", Value::List(vec![num("1"), Value::from("x")]))]);
    let err = msgpack::encode(&v, &ty, NumberEncoding::Standard);
    let path = err.err().and_then(|e| e.path().cloned());
    assert_eq!(path, Some(AttributePath::root("a").index(1)));
}

#[test]
fn set_deduplicated() {
    let ty = Type::set(Type::String);
    let v = Value::Set(vec![Value::from("a"), Value::from("a"), Value::from("b")]);
    let back = msgpack::decode(&encode(&v, &ty), &ty);
    assert_eq!(
        back.ok().and_then(|v| v.as_elements().map(<[Value]>::len)),
        Some(2)
    );
}

#[test]
fn set_keeps_unknowns() {
    let ty = Type::set(Type::String);
    let v = Value::Set(vec![Value::Unknown, Value::Unknown]);
    let back = msgpack::decode(&encode(&v, &ty), &ty);
    assert_eq!(
        back.ok().and_then(|v| v.as_elements().map(<[Value]>::len)),
        Some(2)
    );
}

#[test]
fn dynamic_carries_type() {
    let v = Value::Dynamic(Type::String, Box::new(Value::from("x")));
    let bytes = encode(&v, &Type::Dynamic);
    assert_eq!(
        bytes,
        vec![0x92, 0xc4, 0x08, b'"', b's', b't', b'r', b'i', b'n', b'g', b'"', 0xa1, b'x']
    );
}

#[test]
fn dynamic_infers_plain_type() {
    let bytes = encode(&Value::from("x"), &Type::Dynamic);
    let back = msgpack::decode(&bytes, &Type::Dynamic);
    assert_eq!(
        back,
        Ok(Value::Dynamic(Type::String, Box::new(Value::from("x"))))
    );
}

#[test]
fn malformed_msgpack_rejected() {
    let err = msgpack::decode(&[0xdc, 0x00], &Type::list(Type::String));
    assert!(matches!(err, Err(CodecError::Malformed { .. })), "{err:?}");
}

#[test]
fn trailing_bytes_rejected() {
    assert_eq!(
        msgpack::decode(&[0xc0, 0xc0], &Type::String),
        Err(CodecError::TrailingBytes { count: 1 })
    );
}

#[test]
fn wrong_kind_rejected() {
    let err = msgpack::decode(&[0xc3], &Type::String);
    assert!(
        matches!(err, Err(CodecError::TypeMismatch { .. })),
        "{err:?}"
    );
}

#[test]
fn json_missing_attribute_null() {
    let ty = Type::object([("a", Type::String), ("b", Type::Number)]);
    let v = json::decode_bytes(br#"{"a":"x"}"#, &ty);
    assert_eq!(
        v,
        Ok(Value::object([("a", Value::from("x")), ("b", Value::Null)]))
    );
}

#[test]
fn json_unknown_attribute_named() {
    let ty = Type::object([("a", Type::String)]);
    let err = json::decode_bytes(br#"{"a":"x","old":1}"#, &ty);
    assert_eq!(
        err,
        Err(CodecError::UnsupportedAttribute {
            path: AttributePath::default(),
            name: "old".into()
        })
    );
}

#[test]
fn json_number_exact() {
    let v = json::decode_bytes(b"123456789012345678901234567890.000000001", &Type::Number);
    assert_eq!(v, Ok(num("123456789012345678901234567890.000000001")));
}

#[test]
fn json_unknown_rejected() {
    let err = json::encode(&Value::Unknown, &Type::String);
    assert_eq!(
        err,
        Err(CodecError::UnknownInJson {
            path: AttributePath::default()
        })
    );
}

#[test]
fn json_malformed_rejected() {
    let err = json::decode_bytes(b"{\"a\":", &Type::object([("a", Type::String)]));
    assert!(matches!(err, Err(CodecError::Malformed { .. })), "{err:?}");
}

#[test]
fn json_strip_unknown_attributes() {
    let ty = Type::object([("a", Type::list(Type::object([("x", Type::String)])))]);
    let mut raw = serde_json::json!({"a": [{"x": "1", "gone": 2}], "removed": true});
    json::strip_unknown_attributes(&mut raw, &ty);
    assert_eq!(raw, serde_json::json!({"a": [{"x": "1"}]}));
}

#[test]
fn msgpack_set_duplicates_collapse() {
    // A set of numbers [1, 2, 1], as a peer might send it.
    let decoded = msgpack::decode(&[0x93, 1, 2, 1], &Type::set(Type::Number));
    assert_eq!(decoded.ok(), Some(Value::Set(vec![num("1"), num("2")])));
}

#[test]
fn json_set_duplicates_collapse() {
    let decoded = json::decode_bytes(br#"["a","b","a"]"#, &Type::set(Type::String));
    let elements = decoded
        .ok()
        .and_then(|v| v.as_elements().map(<[Value]>::len));
    assert_eq!(elements, Some(2));
}
