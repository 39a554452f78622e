//! Serde helpers for the API's loose typing: counts and epoch-millisecond times that arrive as
//! JSON numbers or strings, and booleans that arrive as `true`, `"true"` or `"True"`.
//! They go through `serde_json::Value` because the workspace enables `arbitrary_precision`,
//! which hides plain numbers from hand-written visitors.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Reads an integer given as a number or a decimal string; null and `""` become `None`.
pub(crate) fn opt_i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    let value = Option::<Value>::deserialize(deserializer)?;
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f as i64))
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("number {n} is not an integer"))),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("string {s:?} is not an integer"))),
        Some(other) => Err(serde::de::Error::custom(format!(
            "expected an integer, got {other}"
        ))),
    }
}

/// Reads an integer like [`opt_i64`], with 0 for a missing value.
pub(crate) fn i64_or_zero<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    Ok(opt_i64(deserializer)?.unwrap_or(0))
}

/// Reads a boolean given as a JSON bool or a case-insensitive `"true"`/`"false"` string.
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<bool>, D::Error> {
    let value = Option::<Value>::deserialize(deserializer)?;
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(b)),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) if s.trim().eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(Value::String(s)) if s.trim().eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(other) => Err(serde::de::Error::custom(format!(
            "expected a boolean, got {other}"
        ))),
    }
}

/// Reads a boolean like [`opt_bool`], with `false` for a missing value.
pub(crate) fn bool_or_false<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    Ok(opt_bool(deserializer)?.unwrap_or(false))
}

/// Reads a string array; null becomes empty, and the XML-style `{"Item":[…]}` wrapper is
/// unwrapped whatever its key.
pub(crate) fn string_list<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<String>, D::Error> {
    let value = Option::<Value>::deserialize(deserializer)?;
    let items = match value {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(Value::Object(map)) if map.len() == 1 => match map.into_iter().next() {
            Some((_, Value::Array(items))) => items,
            _ => return Err(serde::de::Error::custom("expected a string array")),
        },
        Some(other) => {
            return Err(serde::de::Error::custom(format!(
                "expected a string array, got {other}"
            )))
        }
    };
    items
        .into_iter()
        .map(|item| match item {
            Value::String(s) => Ok(s),
            other => Err(serde::de::Error::custom(format!(
                "expected a string, got {other}"
            ))),
        })
        .collect()
}
