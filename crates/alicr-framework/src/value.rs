//! Terraform values: known, null or unknown, at any depth, for every cty type.
//!
//! A [`Value`] does not carry its type; the schema does (see [`crate::types`]).
//! Numbers are exact decimals ([`Number`]), never `f64` or `i64`, because
//! Terraform numbers are arbitrary precision.

use std::collections::BTreeMap;
use std::str::FromStr;

/// An exact, arbitrary-precision decimal number.
pub type Number = bigdecimal::BigDecimal;

/// A Terraform value. `Unknown` may appear at any depth of configuration and
/// planned values, never in state.
#[derive(Debug, Clone, Default)]
pub enum Value {
    /// Known only after apply. Refinements sent by Terraform are dropped on decode.
    Unknown,
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    List(Vec<Value>),
    /// Elements are unique; their order carries no meaning.
    Set(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Object(BTreeMap<String, Value>),
    Tuple(Vec<Value>),
    /// A value of a `dynamic` attribute, with the concrete type it carries.
    Dynamic(crate::types::Type, Box<Value>),
}

/// The null value, for returning references to absent attributes.
pub static NULL: Value = Value::Null;

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (Unknown, Unknown) | (Null, Null) => true,
            (Bool(a), Bool(b)) => a == b,
            (Number(a), Number(b)) => a == b,
            (String(a), String(b)) => a == b,
            (List(a), List(b)) | (Tuple(a), Tuple(b)) => a == b,
            (Set(a), Set(b)) => {
                a.len() == b.len()
                    && a.iter().all(|x| b.contains(x))
                    && b.iter().all(|x| a.contains(x))
            }
            (Map(a), Map(b)) | (Object(a), Object(b)) => a == b,
            (Dynamic(ta, a), Dynamic(tb, b)) => ta == tb && a == b,
            _ => false,
        }
    }
}

impl Value {
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    pub fn number_i64(n: i64) -> Value {
        Value::Number(Number::from(n))
    }

    /// Builds a set of strings, dropping duplicates.
    pub fn string_set<I, S>(items: I) -> Value
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut out: Vec<Value> = Vec::new();
        for item in items {
            let v = Value::String(item.into());
            if !out.contains(&v) {
                out.push(v);
            }
        }
        Value::Set(out)
    }

    /// Builds a map of strings.
    pub fn string_map<I, K, V>(items: I) -> Value
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Value::Map(
            items
                .into_iter()
                .map(|(k, v)| (k.into(), Value::String(v.into())))
                .collect(),
        )
    }

    /// Builds an object from `(name, value)` pairs.
    pub fn object<I, S>(attributes: I) -> Value
    where
        I: IntoIterator<Item = (S, Value)>,
        S: Into<String>,
    {
        Value::Object(
            attributes
                .into_iter()
                .map(|(name, v)| (name.into(), v))
                .collect(),
        )
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    /// True when the value itself is neither null nor unknown (its parts may be).
    pub fn is_known(&self) -> bool {
        !self.is_null() && !self.is_unknown()
    }

    /// True when no unknown value appears anywhere inside.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => {
                v.iter().all(Value::is_wholly_known)
            }
            Value::Map(m) | Value::Object(m) => m.values().all(Value::is_wholly_known),
            Value::Dynamic(_, v) => v.is_wholly_known(),
            _ => true,
        }
    }

    /// Returns an object attribute, or null when this is not an object or the
    /// attribute is absent.
    pub fn get(&self, name: &str) -> &Value {
        match self {
            Value::Object(m) => m.get(name).unwrap_or(&NULL),
            _ => &NULL,
        }
    }

    /// Returns a mutable object attribute, inserting null when absent.
    /// Returns `None` when this is not an object.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        match self {
            Value::Object(m) => Some(m.entry(name.to_string()).or_insert(Value::Null)),
            _ => None,
        }
    }

    /// Sets an object attribute. Does nothing when this is not an object.
    pub fn set(&mut self, name: &str, value: Value) {
        if let Value::Object(m) = self {
            m.insert(name.to_string(), value);
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// Returns the number as `i64` when it is a whole number in range.
    pub fn as_i64(&self) -> Option<i64> {
        let n = self.as_number()?;
        if !n.is_integer() {
            return None;
        }
        i64::from_str(&n.with_scale(0).to_string()).ok()
    }

    /// Returns the elements of a list, set or tuple.
    pub fn as_elements(&self) -> Option<&[Value]> {
        match self {
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => Some(v),
            _ => None,
        }
    }

    /// Returns the entries of a map or object.
    pub fn as_entries(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Map(m) | Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// Returns the strings of a known collection of known strings; `None` when the
    /// value is null, unknown, or holds a non-string or unknown element.
    pub fn as_string_list(&self) -> Option<Vec<String>> {
        self.as_elements()?
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect()
    }

    /// Returns the entries of a known map of known strings.
    pub fn as_string_map(&self) -> Option<BTreeMap<String, String>> {
        self.as_entries()?
            .iter()
            .map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
            .collect()
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<Option<String>> for Value {
    fn from(s: Option<String>) -> Value {
        s.map(Value::String).unwrap_or(Value::Null)
    }
}
