//! Schema-directed MessagePack encoding of [`crate::Value`], the form of every
//! DynamicValue Terraform sends and expects.
//!
//! The wire carries no types except for `dynamic` values, so both directions
//! walk the schema's [`Type`]. Unknown is extension type 0 (`d4 00 00`); any
//! extension type decodes as unknown, which drops the refinements Terraform
//! sends as type 12. Objects are written with exactly their type's attributes,
//! nulls explicit, because Terraform rejects any other attribute count.

use std::collections::BTreeMap;

use rmpv::Value as Mp;

use crate::codec::{dedupe_set, infer_type, type_name, unique_elements, value_kind, CodecError};
use crate::number::{self, WireNumber};
use crate::path::AttributePath;
use crate::types::Type;
use crate::value::{Number, Value};

pub use crate::codec::{DecodeError, EncodeError};

/// Number format used by [`encode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NumberEncoding {
    /// Integer when whole and within 64 bits, else float64 when exact, else
    /// decimal text, as Terraform encodes numbers.
    #[default]
    Standard,
    /// Every number as its shortest exact decimal text (`10`, not `10.0`).
    /// Terraform 1.11 to 1.14 compare a refreshed state with the stored one
    /// by in-memory layout, and numbers decoded from msgpack integers or
    /// floats differ from the same numbers read from state JSON. So
    /// `plan -refresh-only -detailed-exitcode` exits 2 with "No changes".
    /// Numbers sent as text avoid that (verified with Terraform 1.11.4).
    DecimalString,
}

/// Decodes a MessagePack value of type `ty`.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    let mut reader = bytes;
    let raw = rmpv::decode::read_value(&mut reader).map_err(|e| CodecError::Malformed {
        format: "MessagePack",
        reason: e.to_string(),
    })?;
    if !reader.is_empty() {
        return Err(CodecError::TrailingBytes {
            count: reader.len(),
        });
    }
    let mut path = AttributePath::default();
    from_wire(&raw, ty, &mut path)
}

/// Encodes a value of type `ty` as MessagePack.
pub fn encode(value: &Value, ty: &Type, numbers: NumberEncoding) -> Result<Vec<u8>, EncodeError> {
    let mut path = AttributePath::default();
    let raw = to_wire(value, ty, numbers, &mut path)?;
    let mut out = Vec::new();
    rmpv::encode::write_value(&mut out, &raw).map_err(|e| CodecError::Malformed {
        format: "MessagePack",
        reason: e.to_string(),
    })?;
    Ok(out)
}

fn mismatch(path: &AttributePath, expected: &Type, found: &str) -> CodecError {
    CodecError::TypeMismatch {
        path: path.clone(),
        expected: type_name(expected),
        found: found.to_string(),
    }
}

fn wire_kind(raw: &Mp) -> &'static str {
    match raw {
        Mp::Nil => "nil",
        Mp::Boolean(_) => "a bool",
        Mp::Integer(_) | Mp::F32(_) | Mp::F64(_) => "a number",
        Mp::String(_) => "a string",
        Mp::Binary(_) => "binary data",
        Mp::Array(_) => "an array",
        Mp::Map(_) => "a map",
        Mp::Ext(..) => "an extension value",
    }
}

/// Runs `f` with `step` appended to the path, then removes the step again.
fn with_step<T>(
    path: &mut AttributePath,
    step: crate::path::Step,
    f: impl FnOnce(&mut AttributePath) -> T,
) -> T {
    path.steps.push(step);
    let out = f(path);
    path.steps.pop();
    out
}

fn from_wire(raw: &Mp, ty: &Type, path: &mut AttributePath) -> Result<Value, DecodeError> {
    use crate::path::Step;
    match (raw, ty) {
        (Mp::Nil, _) => Ok(Value::Null),
        (Mp::Ext(..), _) => Ok(Value::Unknown),
        (Mp::Boolean(b), Type::Bool) => Ok(Value::Bool(*b)),
        (_, Type::Number) => decode_number(raw, path).map(Value::Number),
        (Mp::String(s), Type::String) => match s.as_str() {
            Some(text) => Ok(Value::String(text.to_string())),
            None => Err(mismatch(path, ty, "a string that is not valid UTF-8")),
        },
        (Mp::Array(items), Type::List(element)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let index = i64::try_from(i).unwrap_or(i64::MAX);
                out.push(with_step(path, Step::ElementKeyInt(index), |p| {
                    from_wire(item, element, p)
                })?);
            }
            Ok(Value::List(out))
        }
        (Mp::Array(items), Type::Set(element)) => {
            // Set elements have no address, so errors point at the set.
            let out = items
                .iter()
                .map(|item| from_wire(item, element, path))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Value::Set(unique_elements(out)))
        }
        (Mp::Array(items), Type::Tuple(elements)) => {
            if items.len() != elements.len() {
                return Err(CodecError::TupleLength {
                    path: path.clone(),
                    expected: elements.len(),
                    found: items.len(),
                });
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, (item, element)) in items.iter().zip(elements).enumerate() {
                let index = i64::try_from(i).unwrap_or(i64::MAX);
                out.push(with_step(path, Step::ElementKeyInt(index), |p| {
                    from_wire(item, element, p)
                })?);
            }
            Ok(Value::Tuple(out))
        }
        (Mp::Map(entries), Type::Map(element)) => {
            let mut out = BTreeMap::new();
            for (key, item) in entries {
                let key = map_key(key, path, ty)?;
                let v = with_step(path, Step::ElementKeyString(key.clone()), |p| {
                    from_wire(item, element, p)
                })?;
                out.insert(key, v);
            }
            Ok(Value::Map(out))
        }
        (Mp::Map(entries), Type::Object(attributes)) => {
            decode_object(entries, attributes, ty, path)
        }
        (Mp::Array(pair), Type::Dynamic) if pair.len() == 2 => {
            decode_dynamic(&pair[0], &pair[1], path)
        }
        (other, _) => Err(mismatch(path, ty, wire_kind(other))),
    }
}

fn map_key(key: &Mp, path: &AttributePath, ty: &Type) -> Result<String, DecodeError> {
    match key {
        Mp::String(s) => s
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| mismatch(path, ty, "a map key that is not valid UTF-8")),
        other => Err(mismatch(
            path,
            ty,
            &format!("a map key that is {}", wire_kind(other)),
        )),
    }
}

/// Decodes an object. Missing attributes become null, which is lenient: the
/// values Terraform sends are always complete.
fn decode_object(
    entries: &[(Mp, Mp)],
    attributes: &BTreeMap<String, Type>,
    ty: &Type,
    path: &mut AttributePath,
) -> Result<Value, DecodeError> {
    let mut out: BTreeMap<String, Value> = attributes
        .keys()
        .map(|name| (name.clone(), Value::Null))
        .collect();
    for (key, item) in entries {
        let name = map_key(key, path, ty)?;
        let Some(attribute_type) = attributes.get(&name) else {
            return Err(CodecError::UnsupportedAttribute {
                path: path.clone(),
                name,
            });
        };
        let v = with_step(path, crate::path::Step::Attribute(name.clone()), |p| {
            from_wire(item, attribute_type, p)
        })?;
        out.insert(name, v);
    }
    Ok(Value::Object(out))
}

fn decode_dynamic(
    type_json: &Mp,
    raw: &Mp,
    path: &mut AttributePath,
) -> Result<Value, DecodeError> {
    let bytes: &[u8] = match type_json {
        Mp::Binary(b) => b,
        Mp::String(s) => s.as_bytes(),
        other => {
            return Err(CodecError::InvalidDynamicType {
                path: path.clone(),
                text: format!(
                    "expected the type as JSON bytes, found {}",
                    wire_kind(other)
                ),
            })
        }
    };
    let ty = Type::from_json_bytes(bytes).map_err(|e| CodecError::InvalidDynamicType {
        path: path.clone(),
        text: e.to_string(),
    })?;
    let inner = from_wire(raw, &ty, path)?;
    Ok(Value::Dynamic(ty, Box::new(inner)))
}

fn decode_number(raw: &Mp, path: &AttributePath) -> Result<Number, DecodeError> {
    let invalid = |text: String| CodecError::InvalidNumber {
        path: path.clone(),
        text,
    };
    match raw {
        Mp::Integer(i) => {
            if let Some(n) = i.as_i64() {
                Ok(Number::from(n))
            } else if let Some(n) = i.as_u64() {
                Ok(Number::from(n))
            } else {
                Err(invalid(i.to_string()))
            }
        }
        Mp::F32(f) => number::from_f64(f64::from(*f)).ok_or_else(|| invalid(f.to_string())),
        Mp::F64(f) => number::from_f64(*f).ok_or_else(|| invalid(f.to_string())),
        Mp::String(s) => {
            let text = s.as_str().unwrap_or_default();
            number::parse_decimal(text).ok_or_else(|| invalid(text.to_string()))
        }
        other => Err(mismatch(path, &Type::Number, wire_kind(other))),
    }
}

fn encode_number(n: &Number, numbers: NumberEncoding) -> Mp {
    let form = match numbers {
        NumberEncoding::DecimalString => WireNumber::Decimal,
        NumberEncoding::Standard => number::wire_form(n),
    };
    use bigdecimal::ToPrimitive;
    match form {
        WireNumber::Signed => n.to_i64().map(Mp::from),
        WireNumber::Unsigned => n.to_u64().map(Mp::from),
        WireNumber::Float => n.to_f64().map(Mp::F64),
        WireNumber::Decimal => None,
    }
    .unwrap_or_else(|| Mp::from(number::decimal_string(n)))
}

fn to_wire(
    value: &Value,
    ty: &Type,
    numbers: NumberEncoding,
    path: &mut AttributePath,
) -> Result<Mp, EncodeError> {
    use crate::path::Step;
    match (value, ty) {
        (Value::Null, _) => Ok(Mp::Nil),
        (Value::Unknown, _) => Ok(Mp::Ext(0, vec![0])),
        (Value::Dynamic(_, inner), t) if *t != Type::Dynamic => to_wire(inner, t, numbers, path),
        (_, Type::Dynamic) => encode_dynamic(value, numbers, path),
        (Value::Bool(b), Type::Bool) => Ok(Mp::Boolean(*b)),
        (Value::Number(n), Type::Number) => Ok(encode_number(n, numbers)),
        (Value::String(s), Type::String) => Ok(Mp::from(s.as_str())),
        (Value::List(items) | Value::Tuple(items) | Value::Set(items), Type::List(element)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let index = i64::try_from(i).unwrap_or(i64::MAX);
                out.push(with_step(path, Step::ElementKeyInt(index), |p| {
                    to_wire(item, element, numbers, p)
                })?);
            }
            Ok(Mp::Array(out))
        }
        (Value::Set(items) | Value::List(items) | Value::Tuple(items), Type::Set(element)) => {
            let out = dedupe_set(items)
                .into_iter()
                .map(|item| to_wire(item, element, numbers, path))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Mp::Array(out))
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
                let index = i64::try_from(i).unwrap_or(i64::MAX);
                out.push(with_step(path, Step::ElementKeyInt(index), |p| {
                    to_wire(item, element, numbers, p)
                })?);
            }
            Ok(Mp::Array(out))
        }
        (Value::Map(entries) | Value::Object(entries), Type::Map(element)) => {
            let mut out = Vec::with_capacity(entries.len());
            for (key, item) in entries {
                let v = with_step(path, Step::ElementKeyString(key.clone()), |p| {
                    to_wire(item, element, numbers, p)
                })?;
                out.push((Mp::from(key.as_str()), v));
            }
            Ok(Mp::Map(out))
        }
        (Value::Object(entries) | Value::Map(entries), Type::Object(attributes)) => {
            encode_object(entries, attributes, numbers, path)
        }
        (other, _) => Err(mismatch(path, ty, value_kind(other))),
    }
}

/// Writes exactly the type's attributes; an attribute missing from the value is
/// written as null, and one the type lacks is an error.
fn encode_object(
    entries: &BTreeMap<String, Value>,
    attributes: &BTreeMap<String, Type>,
    numbers: NumberEncoding,
    path: &mut AttributePath,
) -> Result<Mp, EncodeError> {
    if let Some(extra) = entries.keys().find(|name| !attributes.contains_key(*name)) {
        return Err(CodecError::UnsupportedAttribute {
            path: path.clone(),
            name: extra.clone(),
        });
    }
    let mut out = Vec::with_capacity(attributes.len());
    for (name, attribute_type) in attributes {
        let item = entries.get(name).unwrap_or(&crate::value::NULL);
        let v = with_step(path, crate::path::Step::Attribute(name.clone()), |p| {
            to_wire(item, attribute_type, numbers, p)
        })?;
        out.push((Mp::from(name.as_str()), v));
    }
    Ok(Mp::Map(out))
}

/// Writes a known value of a `dynamic` attribute as `[type JSON, value]`.
fn encode_dynamic(
    value: &Value,
    numbers: NumberEncoding,
    path: &mut AttributePath,
) -> Result<Mp, EncodeError> {
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
    if ty == Type::Dynamic {
        return Err(CodecError::InvalidDynamicType {
            path: path.clone(),
            text: "a dynamic value needs a concrete type, not `any`".into(),
        });
    }
    let encoded = to_wire(inner, &ty, numbers, path)?;
    Ok(Mp::Array(vec![Mp::Binary(ty.to_json_bytes()), encoded]))
}
