//! The error type shared by the MessagePack and JSON codecs, and small helpers
//! both use to describe values and types in those errors.

use crate::path::AttributePath;
use crate::types::Type;
use crate::value::Value;

/// Why a value could not be decoded from, or encoded to, its wire form. Every
/// variant that concerns one value names its attribute path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    /// The bytes are not valid MessagePack or JSON at all.
    #[error("malformed {format}: {reason}")]
    Malformed {
        format: &'static str,
        reason: String,
    },
    /// A complete value was read but more bytes follow it.
    #[error("{count} unexpected bytes after the value")]
    TrailingBytes { count: usize },
    /// The value does not have the kind the schema type requires.
    #[error("{}: expected {expected}, found {found}", location(path))]
    TypeMismatch {
        path: AttributePath,
        expected: String,
        found: String,
    },
    /// An object carries an attribute its type does not declare.
    #[error("{}: unsupported attribute {name:?}", location(path))]
    UnsupportedAttribute { path: AttributePath, name: String },
    /// A number is not a finite decimal within the supported range.
    #[error("{}: invalid number {text:?}", location(path))]
    InvalidNumber { path: AttributePath, text: String },
    /// A dynamic value carries a type that cannot be parsed or inferred.
    #[error("{}: invalid type for a dynamic value: {text}", location(path))]
    InvalidDynamicType { path: AttributePath, text: String },
    /// A tuple has the wrong number of elements.
    #[error("{}: tuple needs {expected} elements, found {found}", location(path))]
    TupleLength {
        path: AttributePath,
        expected: usize,
        found: usize,
    },
    /// JSON cannot represent an unknown value.
    #[error("{}: unknown value cannot be written as JSON", location(path))]
    UnknownInJson { path: AttributePath },
}

/// Error from decoding a wire value.
pub type DecodeError = CodecError;

/// Error from encoding a wire value.
pub type EncodeError = CodecError;

impl CodecError {
    /// The attribute path the error concerns, when it concerns one value.
    pub fn path(&self) -> Option<&AttributePath> {
        match self {
            CodecError::Malformed { .. } | CodecError::TrailingBytes { .. } => None,
            CodecError::TypeMismatch { path, .. }
            | CodecError::UnsupportedAttribute { path, .. }
            | CodecError::InvalidNumber { path, .. }
            | CodecError::InvalidDynamicType { path, .. }
            | CodecError::TupleLength { path, .. }
            | CodecError::UnknownInJson { path } => Some(path),
        }
    }
}

/// Formats a path for a message; the root object has no steps.
pub fn location(path: &AttributePath) -> String {
    if path.is_empty() {
        "at the root object".to_string()
    } else {
        format!("at {path}")
    }
}

/// Names the kind of a value for error messages.
pub fn value_kind(value: &Value) -> &'static str {
    match value {
        Value::Unknown => "an unknown value",
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::List(_) => "a list",
        Value::Set(_) => "a set",
        Value::Map(_) => "a map",
        Value::Object(_) => "an object",
        Value::Tuple(_) => "a tuple",
        Value::Dynamic(..) => "a dynamic value",
    }
}

/// Writes a type in Terraform's type-constraint syntax, such as
/// `list(string)`, for error messages.
pub fn type_name(ty: &Type) -> String {
    match ty {
        Type::Bool => "bool".into(),
        Type::Number => "number".into(),
        Type::String => "string".into(),
        Type::Dynamic => "any".into(),
        Type::List(t) => format!("list({})", type_name(t)),
        Type::Set(t) => format!("set({})", type_name(t)),
        Type::Map(t) => format!("map({})", type_name(t)),
        Type::Object(attributes) => {
            let parts: Vec<String> = attributes
                .iter()
                .map(|(name, t)| format!("{name}={}", type_name(t)))
                .collect();
            format!("object({{{}}})", parts.join(", "))
        }
        Type::Tuple(elements) => {
            let parts: Vec<String> = elements.iter().map(type_name).collect();
            format!("tuple([{}])", parts.join(", "))
        }
    }
}

/// Infers the concrete type of a value given for a `dynamic` attribute
/// without an explicit type. Returns `None` for null, unknown and empty or
/// mixed collections, whose type cannot be inferred.
pub fn infer_type(value: &Value) -> Option<Type> {
    match value {
        Value::Unknown | Value::Null => None,
        Value::Bool(_) => Some(Type::Bool),
        Value::Number(_) => Some(Type::Number),
        Value::String(_) => Some(Type::String),
        Value::Dynamic(ty, _) => Some(ty.clone()),
        Value::List(items) => common_type(items).map(Type::list),
        Value::Set(items) => common_type(items).map(Type::set),
        Value::Map(entries) => common_type(entries.values()).map(Type::map),
        Value::Object(attributes) => {
            let mut types = Vec::new();
            for (name, v) in attributes {
                types.push((name.clone(), infer_type(v)?));
            }
            Some(Type::object(types))
        }
        Value::Tuple(items) => items
            .iter()
            .map(infer_type)
            .collect::<Option<Vec<_>>>()
            .map(Type::Tuple),
    }
}

fn common_type<'a>(items: impl IntoIterator<Item = &'a Value>) -> Option<Type> {
    let mut found: Option<Type> = None;
    for item in items {
        let ty = infer_type(item)?;
        match &found {
            None => found = Some(ty),
            Some(existing) if *existing == ty => {}
            Some(_) => return None,
        }
    }
    found
}

/// Removes duplicate set elements, keeping the first of each. Elements that
/// contain unknown values are all kept: two unknowns may turn out different,
/// so merging them would change the count Terraform expects.
pub fn dedupe_set(items: &[Value]) -> Vec<&Value> {
    let mut out: Vec<&Value> = Vec::with_capacity(items.len());
    for item in items {
        let duplicate = item.is_wholly_known()
            && out
                .iter()
                .any(|kept| kept.is_wholly_known() && *kept == item);
        if !duplicate {
            out.push(item);
        }
    }
    out
}

/// Drops repeated wholly known elements from decoded set elements, by the same
/// rule as [`dedupe_set`], because a [`Value::Set`] contains unique elements and a
/// peer may send duplicates (cty collapses them the same way).
pub fn unique_elements(items: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::with_capacity(items.len());
    for item in items {
        let duplicate = item.is_wholly_known()
            && out
                .iter()
                .any(|kept| kept.is_wholly_known() && *kept == item);
        if !duplicate {
            out.push(item);
        }
    }
    out
}
