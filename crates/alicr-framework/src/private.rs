//! Private state: opaque bytes Terraform stores beside a resource's state and
//! hands back on every later call. The framework keeps it as a JSON object so
//! resources can store named keys.

use serde_json::{Map, Value as Json};

/// A resource instance's private state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Private(pub Map<String, Json>);

impl Private {
    /// Decodes private bytes; empty or non-JSON bytes give an empty map.
    pub fn from_bytes(bytes: &[u8]) -> Private {
        match serde_json::from_slice::<Json>(bytes) {
            Ok(Json::Object(map)) => Private(map),
            _ => Private::default(),
        }
    }

    /// Encodes private state; an empty map encodes as no bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        if self.0.is_empty() {
            return Vec::new();
        }
        serde_json::to_vec(&self.0).unwrap_or_default()
    }

    pub fn get(&self, key: &str) -> Option<&Json> {
        self.0.get(key)
    }

    pub fn set(&mut self, key: &str, value: Json) {
        self.0.insert(key.to_string(), value);
    }

    pub fn remove(&mut self, key: &str) {
        self.0.remove(key);
    }
}
