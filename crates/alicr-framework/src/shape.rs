//! Schema walks that put a value into the shape Terraform requires without
//! changing what it means: every attribute present, list and set blocks `[]`
//! rather than null, write-only attributes null, and no unknown values where
//! state may not hold them.

use std::collections::BTreeMap;

use crate::schema::{Attribute, AttributeType, Block, NestedBlock, NestingMode};
use crate::value::Value;

/// Returns the value a block type has when the configuration omits it: null
/// for a single block, an empty collection for list, set and map blocks, and
/// an object of empty values for a group block.
pub fn absent_block(block: &NestedBlock) -> Value {
    match block.nesting {
        NestingMode::Single => Value::Null,
        NestingMode::List => Value::List(Vec::new()),
        NestingMode::Set => Value::Set(Vec::new()),
        NestingMode::Map => Value::Map(BTreeMap::new()),
        NestingMode::Group => complete(&block.block, &Value::Object(BTreeMap::new())),
    }
}

/// Completes an object of `block`'s type: missing attributes become null,
/// missing or null nested blocks become their empty form, recursively.
/// Null and unknown objects are returned unchanged.
pub fn complete(block: &Block, value: &Value) -> Value {
    let Value::Object(entries) = value else {
        return value.clone();
    };
    let mut out = BTreeMap::new();
    for attribute in &block.attributes {
        let v = entries.get(&attribute.name).cloned().unwrap_or_default();
        out.insert(attribute.name.clone(), complete_attribute(attribute, v));
    }
    for nested in &block.blocks {
        let v = match entries.get(&nested.type_name) {
            None | Some(Value::Null) => absent_block(nested),
            Some(v) => map_elements(v, |element| complete(&nested.block, element)),
        };
        out.insert(nested.type_name.clone(), v);
    }
    // Attributes the schema lacks are kept, so the encoder can name them.
    for (name, v) in entries {
        out.entry(name.clone()).or_insert_with(|| v.clone());
    }
    Value::Object(out)
}

fn complete_attribute(attribute: &Attribute, value: Value) -> Value {
    match &attribute.r#type {
        AttributeType::Type(_) => value,
        AttributeType::Nested { attributes, .. } => {
            let block = Block {
                attributes: attributes.clone(),
                ..Block::default()
            };
            map_elements(&value, |element| complete(&block, element))
        }
    }
}

/// Applies `f` to every element object of a nested block or nested attribute
/// value (the value itself for single nesting).
pub fn map_elements(value: &Value, mut f: impl FnMut(&Value) -> Value) -> Value {
    match value {
        Value::List(items) => Value::List(items.iter().map(&mut f).collect()),
        Value::Set(items) => Value::Set(items.iter().map(&mut f).collect()),
        Value::Map(entries) => Value::Map(entries.iter().map(|(k, v)| (k.clone(), f(v))).collect()),
        Value::Object(_) => f(value),
        other => other.clone(),
    }
}

/// Sets every write-only attribute to null, at any depth.
pub fn null_write_only(block: &Block, value: &Value) -> Value {
    let Value::Object(entries) = value else {
        return value.clone();
    };
    let mut out = entries.clone();
    for attribute in &block.attributes {
        if attribute.write_only {
            out.insert(attribute.name.clone(), Value::Null);
        } else if let AttributeType::Nested { attributes, .. } = &attribute.r#type {
            let inner = Block {
                attributes: attributes.clone(),
                ..Block::default()
            };
            if let Some(v) = out.get_mut(&attribute.name) {
                *v = map_elements(v, |element| null_write_only(&inner, element));
            }
        }
    }
    for nested in &block.blocks {
        if let Some(v) = out.get_mut(&nested.type_name) {
            *v = map_elements(v, |element| null_write_only(&nested.block, element));
        }
    }
    Value::Object(out)
}

/// Returns whether any write-only attribute has a non-null value.
pub fn has_write_only_value(block: &Block, value: &Value) -> bool {
    null_write_only(block, value) != *value
}

/// Replaces every unknown value with null.
pub fn unknowns_to_null(value: &Value) -> Value {
    match value {
        Value::Unknown => Value::Null,
        Value::List(items) => Value::List(items.iter().map(unknowns_to_null).collect()),
        Value::Set(items) => Value::Set(items.iter().map(unknowns_to_null).collect()),
        Value::Tuple(items) => Value::Tuple(items.iter().map(unknowns_to_null).collect()),
        Value::Map(entries) => Value::Map(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), unknowns_to_null(v)))
                .collect(),
        ),
        Value::Object(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), unknowns_to_null(v)))
                .collect(),
        ),
        Value::Dynamic(ty, inner) => Value::Dynamic(ty.clone(), Box::new(unknowns_to_null(inner))),
        other => other.clone(),
    }
}

/// Views the attributes of a nested attribute as a block, so block walks can
/// recurse into it.
pub fn nested_block(attributes: &[Attribute]) -> Block {
    Block {
        attributes: attributes.to_vec(),
        ..Block::default()
    }
}
