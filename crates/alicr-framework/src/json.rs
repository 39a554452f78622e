//! Schema-directed JSON decoding and encoding of [`crate::Value`], the form of
//! stored state handed to UpgradeResourceState.
//!
//! Decoding follows Terraform's own JSON reader. A missing object attribute
//! is null, and an attribute the type does not declare is an error naming it.
//! Numbers keep every digit. Strings, numbers and bools convert into each
//! other where the text allows it (`"10"` for a number). JSON has no unknown
//! value, so encoding one is an error. A `dynamic` value is
//! `{"type": <type JSON>, "value": <value>}`.

use std::collections::BTreeMap;
use std::str::FromStr;

use serde_json::Value as Json;

use crate::codec::{dedupe_set, infer_type, type_name, unique_elements, value_kind, CodecError};
use crate::number;
use crate::path::{AttributePath, Step};
use crate::types::Type;
use crate::value::Value;

/// Decodes JSON bytes holding a value of type `ty`.
pub fn decode_bytes(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    let json: Json = serde_json::from_slice(bytes).map_err(|e| CodecError::Malformed {
        format: "JSON",
        reason: e.to_string(),
    })?;
    decode(&json, ty)
}

/// Decodes a parsed JSON value of type `ty`.
pub fn decode(json: &Json, ty: &Type) -> Result<Value, CodecError> {
    let mut path = AttributePath::default();
    from_json(json, ty, &mut path)
}

/// Encodes a wholly known value of type `ty` as JSON.
pub fn encode(value: &Value, ty: &Type) -> Result<Json, CodecError> {
    let mut path = AttributePath::default();
    to_json(value, ty, &mut path)
}

/// Encodes a wholly known value of type `ty` as JSON bytes.
pub fn encode_bytes(value: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    let json = encode(value, ty)?;
    serde_json::to_vec(&json).map_err(|e| CodecError::Malformed {
        format: "JSON",
        reason: e.to_string(),
    })
}

/// Removes, at every depth, object attributes that `ty` does not declare.
/// Terraform does the same before UpgradeResourceState when the stored schema
/// version equals the current one, so an attribute removed from a schema
/// without a version bump does not break reading old state.
pub fn strip_unknown_attributes(json: &mut Json, ty: &Type) {
    match (json, ty) {
        (Json::Object(fields), Type::Object(attributes)) => {
            fields.retain(|name, _| attributes.contains_key(name));
            for (name, field) in fields.iter_mut() {
                if let Some(attribute_type) = attributes.get(name) {
                    strip_unknown_attributes(field, attribute_type);
                }
            }
        }
        (Json::Object(fields), Type::Map(element)) => {
            for field in fields.values_mut() {
                strip_unknown_attributes(field, element);
            }
        }
        (Json::Array(items), Type::List(element) | Type::Set(element)) => {
            for item in items {
                strip_unknown_attributes(item, element);
            }
        }
        (Json::Array(items), Type::Tuple(elements)) => {
            for (item, element) in items.iter_mut().zip(elements) {
                strip_unknown_attributes(item, element);
            }
        }
        _ => {}
    }
}

fn mismatch(path: &AttributePath, expected: &Type, found: &Json) -> CodecError {
    let found = match found {
        Json::Null => "null",
        Json::Bool(_) => "a bool",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    };
    CodecError::TypeMismatch {
        path: path.clone(),
        expected: type_name(expected),
        found: found.to_string(),
    }
}

fn index_step(i: usize) -> Step {
    Step::ElementKeyInt(i64::try_from(i).unwrap_or(i64::MAX))
}

fn from_json(json: &Json, ty: &Type, path: &mut AttributePath) -> Result<Value, CodecError> {
    match (json, ty) {
        (Json::Null, _) => Ok(Value::Null),
        (_, Type::Bool) => decode_bool(json, path),
        (_, Type::Number) => decode_number(json, path),
        (Json::String(s), Type::String) => Ok(Value::String(s.clone())),
        (Json::Number(n), Type::String) => Ok(Value::String(n.to_string())),
        (Json::Bool(b), Type::String) => Ok(Value::String(b.to_string())),
        (Json::Array(items), Type::List(element)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                path.steps.push(index_step(i));
                let v = from_json(item, element, path);
                path.steps.pop();
                out.push(v?);
            }
            Ok(Value::List(out))
        }
        (Json::Array(items), Type::Set(element)) => items
            .iter()
            .map(|item| from_json(item, element, path))
            .collect::<Result<Vec<_>, _>>()
            .map(|elements| Value::Set(unique_elements(elements))),
        (Json::Array(items), Type::Tuple(elements)) => {
            if items.len() != elements.len() {
                return Err(CodecError::TupleLength {
                    path: path.clone(),
                    expected: elements.len(),
                    found: items.len(),
                });
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, (item, element)) in items.iter().zip(elements).enumerate() {
                path.steps.push(index_step(i));
                let v = from_json(item, element, path);
                path.steps.pop();
                out.push(v?);
            }
            Ok(Value::Tuple(out))
        }
        (Json::Object(fields), Type::Map(element)) => {
            let mut out = BTreeMap::new();
            for (key, item) in fields {
                path.steps.push(Step::ElementKeyString(key.clone()));
                let v = from_json(item, element, path);
                path.steps.pop();
                out.insert(key.clone(), v?);
            }
            Ok(Value::Map(out))
        }
        (Json::Object(fields), Type::Object(attributes)) => decode_object(fields, attributes, path),
        (Json::Object(fields), Type::Dynamic) => decode_dynamic(fields, path),
        (other, _) => Err(mismatch(path, ty, other)),
    }
}

fn decode_bool(json: &Json, path: &AttributePath) -> Result<Value, CodecError> {
    match json {
        Json::Bool(b) => Ok(Value::Bool(*b)),
        Json::String(s) if s == "true" => Ok(Value::Bool(true)),
        Json::String(s) if s == "false" => Ok(Value::Bool(false)),
        other => Err(mismatch(path, &Type::Bool, other)),
    }
}

fn decode_number(json: &Json, path: &AttributePath) -> Result<Value, CodecError> {
    let text = match json {
        Json::Number(n) => n.to_string(),
        Json::String(s) => s.clone(),
        other => return Err(mismatch(path, &Type::Number, other)),
    };
    number::parse_decimal(&text)
        .map(Value::Number)
        .ok_or_else(|| CodecError::InvalidNumber {
            path: path.clone(),
            text,
        })
}

fn decode_object(
    fields: &serde_json::Map<String, Json>,
    attributes: &BTreeMap<String, Type>,
    path: &mut AttributePath,
) -> Result<Value, CodecError> {
    if let Some(extra) = fields.keys().find(|name| !attributes.contains_key(*name)) {
        return Err(CodecError::UnsupportedAttribute {
            path: path.clone(),
            name: extra.clone(),
        });
    }
    let mut out = BTreeMap::new();
    for (name, attribute_type) in attributes {
        let v = match fields.get(name) {
            None => Value::Null,
            Some(field) => {
                path.steps.push(Step::Attribute(name.clone()));
                let v = from_json(field, attribute_type, path);
                path.steps.pop();
                v?
            }
        };
        out.insert(name.clone(), v);
    }
    Ok(Value::Object(out))
}

fn decode_dynamic(
    fields: &serde_json::Map<String, Json>,
    path: &mut AttributePath,
) -> Result<Value, CodecError> {
    let (Some(type_json), Some(value_json)) = (fields.get("type"), fields.get("value")) else {
        return Err(CodecError::InvalidDynamicType {
            path: path.clone(),
            text: "a dynamic value needs the keys \"type\" and \"value\"".into(),
        });
    };
    let ty = Type::from_json(type_json).map_err(|e| CodecError::InvalidDynamicType {
        path: path.clone(),
        text: e.to_string(),
    })?;
    let inner = from_json(value_json, &ty, path)?;
    Ok(Value::Dynamic(ty, Box::new(inner)))
}

fn to_json(value: &Value, ty: &Type, path: &mut AttributePath) -> Result<Json, CodecError> {
    match (value, ty) {
        (Value::Null, _) => Ok(Json::Null),
        (Value::Unknown, _) => Err(CodecError::UnknownInJson { path: path.clone() }),
        (Value::Dynamic(_, inner), t) if *t != Type::Dynamic => to_json(inner, t, path),
        (_, Type::Dynamic) => encode_dynamic(value, path),
        (Value::Bool(b), Type::Bool) => Ok(Json::Bool(*b)),
        (Value::Number(n), Type::Number) => {
            serde_json::Number::from_str(&number::decimal_string(n))
                .map(Json::Number)
                .map_err(|_| CodecError::InvalidNumber {
                    path: path.clone(),
                    text: number::decimal_string(n),
                })
        }
        (Value::String(s), Type::String) => Ok(Json::String(s.clone())),
        (Value::List(items) | Value::Tuple(items) | Value::Set(items), Type::List(element)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                path.steps.push(index_step(i));
                let v = to_json(item, element, path);
                path.steps.pop();
                out.push(v?);
            }
            Ok(Json::Array(out))
        }
        (Value::Set(items) | Value::List(items) | Value::Tuple(items), Type::Set(element)) => {
            dedupe_set(items)
                .into_iter()
                .map(|item| to_json(item, element, path))
                .collect::<Result<Vec<_>, _>>()
                .map(Json::Array)
        }
        (Value::Tuple(items) | Value::List(items), Type::Tuple(elements)) => {
            if items.len() != elements.len() {
                return Err(CodecError::TupleLength {
                    path: path.clone(),
                    expected: elements.len(),
                    found: items.len(),
                });
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, (item, element)) in items.iter().zip(elements).enumerate() {
                path.steps.push(index_step(i));
                let v = to_json(item, element, path);
                path.steps.pop();
                out.push(v?);
            }
            Ok(Json::Array(out))
        }
        (Value::Map(entries) | Value::Object(entries), Type::Map(element)) => {
            let mut out = serde_json::Map::new();
            for (key, item) in entries {
                path.steps.push(Step::ElementKeyString(key.clone()));
                let v = to_json(item, element, path);
                path.steps.pop();
                out.insert(key.clone(), v?);
            }
            Ok(Json::Object(out))
        }
        (Value::Object(entries) | Value::Map(entries), Type::Object(attributes)) => {
            encode_object(entries, attributes, path)
        }
        (other, _) => Err(CodecError::TypeMismatch {
            path: path.clone(),
            expected: type_name(ty),
            found: value_kind(other).to_string(),
        }),
    }
}

fn encode_object(
    entries: &BTreeMap<String, Value>,
    attributes: &BTreeMap<String, Type>,
    path: &mut AttributePath,
) -> Result<Json, CodecError> {
    if let Some(extra) = entries.keys().find(|name| !attributes.contains_key(*name)) {
        return Err(CodecError::UnsupportedAttribute {
            path: path.clone(),
            name: extra.clone(),
        });
    }
    let mut out = serde_json::Map::new();
    for (name, attribute_type) in attributes {
        let item = entries.get(name).unwrap_or(&crate::value::NULL);
        path.steps.push(Step::Attribute(name.clone()));
        let v = to_json(item, attribute_type, path);
        path.steps.pop();
        out.insert(name.clone(), v?);
    }
    Ok(Json::Object(out))
}

fn encode_dynamic(value: &Value, path: &mut AttributePath) -> Result<Json, CodecError> {
    let (ty, inner) = match value {
        Value::Dynamic(ty, inner) => (ty.clone(), inner.as_ref()),
        other => {
            let ty = infer_type(other).ok_or_else(|| CodecError::InvalidDynamicType {
                path: path.clone(),
                text: format!(
                    "cannot infer a type for {}; wrap it in Value::Dynamic",
                    value_kind(other)
                ),
            })?;
            (ty, other)
        }
    };
    let encoded = to_json(inner, &ty, path)?;
    let mut out = serde_json::Map::new();
    out.insert("value".into(), encoded);
    out.insert("type".into(), ty.to_json());
    Ok(Json::Object(out))
}
