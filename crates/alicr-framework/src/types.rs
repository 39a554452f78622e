//! The cty type system Terraform uses for every value, and its compact JSON form
//! (`"string"`, `["list","string"]`, `["object",{"a":"number"}]`) used in schemas
//! and for dynamic values.

use std::collections::BTreeMap;

/// A Terraform (cty) type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    Bool,
    Number,
    String,
    /// `any`: the value carries its own type on the wire.
    Dynamic,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Object(BTreeMap<String, Type>),
    Tuple(Vec<Type>),
}

/// Error returned when a type's JSON form cannot be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid type {0}")]
pub struct TypeParseError(pub String);

impl Type {
    pub fn list(element: Type) -> Type {
        Type::List(Box::new(element))
    }

    pub fn set(element: Type) -> Type {
        Type::Set(Box::new(element))
    }

    pub fn map(element: Type) -> Type {
        Type::Map(Box::new(element))
    }

    /// Builds an object type from `(name, type)` pairs.
    pub fn object<I, S>(attributes: I) -> Type
    where
        I: IntoIterator<Item = (S, Type)>,
        S: Into<String>,
    {
        Type::Object(
            attributes
                .into_iter()
                .map(|(name, ty)| (name.into(), ty))
                .collect(),
        )
    }

    /// Returns the element type of a list, set or map.
    pub fn element_type(&self) -> Option<&Type> {
        match self {
            Type::List(t) | Type::Set(t) | Type::Map(t) => Some(t),
            _ => None,
        }
    }

    /// Encodes the type in cty's JSON form.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Type::Bool => J::from("bool"),
            Type::Number => J::from("number"),
            Type::String => J::from("string"),
            Type::Dynamic => J::from("dynamic"),
            Type::List(t) => J::Array(vec![J::from("list"), t.to_json()]),
            Type::Set(t) => J::Array(vec![J::from("set"), t.to_json()]),
            Type::Map(t) => J::Array(vec![J::from("map"), t.to_json()]),
            Type::Object(attrs) => {
                let fields = attrs
                    .iter()
                    .map(|(name, ty)| (name.clone(), ty.to_json()))
                    .collect();
                J::Array(vec![J::from("object"), J::Object(fields)])
            }
            Type::Tuple(elems) => J::Array(vec![
                J::from("tuple"),
                J::Array(elems.iter().map(Type::to_json).collect()),
            ]),
        }
    }

    /// Encodes the type as the compact JSON bytes Terraform expects in a schema.
    pub fn to_json_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(&self.to_json()).unwrap_or_default()
    }

    /// Parses cty's JSON form of a type.
    pub fn from_json(json: &serde_json::Value) -> Result<Type, TypeParseError> {
        use serde_json::Value as J;
        let invalid = || TypeParseError(json.to_string());
        match json {
            J::String(s) => match s.as_str() {
                "bool" => Ok(Type::Bool),
                "number" => Ok(Type::Number),
                "string" => Ok(Type::String),
                "dynamic" => Ok(Type::Dynamic),
                _ => Err(invalid()),
            },
            J::Array(items) if items.len() >= 2 => {
                let kind = items[0].as_str().ok_or_else(invalid)?;
                match kind {
                    "list" => Ok(Type::list(Type::from_json(&items[1])?)),
                    "set" => Ok(Type::set(Type::from_json(&items[1])?)),
                    "map" => Ok(Type::map(Type::from_json(&items[1])?)),
                    "object" => {
                        let fields = items[1].as_object().ok_or_else(invalid)?;
                        let mut attrs = BTreeMap::new();
                        for (name, ty) in fields {
                            attrs.insert(name.clone(), Type::from_json(ty)?);
                        }
                        Ok(Type::Object(attrs))
                    }
                    "tuple" => {
                        let elems = items[1].as_array().ok_or_else(invalid)?;
                        let types = elems
                            .iter()
                            .map(Type::from_json)
                            .collect::<Result<Vec<_>, _>>()?;
                        Ok(Type::Tuple(types))
                    }
                    _ => Err(invalid()),
                }
            }
            _ => Err(invalid()),
        }
    }

    /// Parses the compact JSON bytes of a type.
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Type, TypeParseError> {
        let json: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|_| TypeParseError(String::from_utf8_lossy(bytes).into_owned()))?;
        Type::from_json(&json)
    }
}
