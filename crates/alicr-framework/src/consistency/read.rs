//! The rules a refreshed state must follow: wholly known, write-only
//! attributes null, and equivalent spellings kept as they were before.

use super::{unknown_paths, Violation};
use crate::path::AttributePath;
use crate::schema::{AttributeType, Block, NestingMode};
use crate::shape::{nested_block, null_write_only, unknowns_to_null};
use crate::value::{Value, NULL};

/// Checks a non-null state returned by read (or import, or a data source).
/// Returns the state to send: unknown values replaced by null, write-only
/// attributes null, and the prior value kept wherever the attribute's
/// semantic equality finds the new one equivalent.
pub fn check_read(block: &Block, prior: &Value, new: &Value) -> (Value, Vec<Violation>) {
    let mut paths = Vec::new();
    unknown_paths(new, &AttributePath::default(), &mut paths);
    let violations = paths
        .into_iter()
        .map(|path| Violation {
            problem: format!(
                "{path} is unknown in the returned state; state values must be known."
            ),
            path,
        })
        .collect();
    let value = null_write_only(block, &unknowns_to_null(new));
    (keep_equivalent(block, prior, &value), violations)
}

/// Replaces attribute values in `new` by their counterpart in `reference`
/// when the attribute's semantic equality finds them equivalent. Nested
/// values are matched by list index and map key; sets are left as they are.
pub fn keep_equivalent(block: &Block, reference: &Value, new: &Value) -> Value {
    if !new.is_known() || !reference.is_known() {
        return new.clone();
    }
    let mut out = new.clone();
    for attribute in &block.attributes {
        let (r, n) = (reference.get(&attribute.name), new.get(&attribute.name));
        if let Some(equal) = attribute.semantic_equality {
            if r.is_wholly_known() && n.is_known() && r != n && equal(r, n) {
                out.set(&attribute.name, r.clone());
            }
            continue;
        }
        if let AttributeType::Nested {
            attributes,
            nesting,
        } = &attribute.r#type
        {
            let inner = nested_block(attributes);
            out.set(&attribute.name, keep_in_elements(&inner, *nesting, r, n));
        }
    }
    for nested in &block.blocks {
        let name = &nested.type_name;
        out.set(
            name,
            keep_in_elements(
                &nested.block,
                nested.nesting,
                reference.get(name),
                new.get(name),
            ),
        );
    }
    out
}

fn keep_in_elements(block: &Block, nesting: NestingMode, reference: &Value, new: &Value) -> Value {
    match (nesting, new) {
        (NestingMode::List, Value::List(items)) => {
            let refs = reference.as_elements().unwrap_or_default();
            let out = items
                .iter()
                .enumerate()
                .map(|(i, item)| keep_equivalent(block, refs.get(i).unwrap_or(&NULL), item))
                .collect();
            Value::List(out)
        }
        (NestingMode::Map, Value::Map(entries)) => {
            let refs = reference.as_entries();
            let out = entries
                .iter()
                .map(|(key, item)| {
                    let r = refs.and_then(|m| m.get(key)).unwrap_or(&NULL);
                    (key.clone(), keep_equivalent(block, r, item))
                })
                .collect();
            Value::Map(out)
        }
        (NestingMode::Single | NestingMode::Group, Value::Object(_)) => {
            keep_equivalent(block, reference, new)
        }
        _ => new.clone(),
    }
}
