//! The rules a new state must follow after a create or update: every known
//! planned value returned exactly, no unknown values, write-only attributes
//! null. Terraform reports a break as "Provider produced inconsistent result
//! after apply".

use super::{compatible, render, unknown_paths, Violation};
use crate::path::AttributePath;
use crate::schema::{Attribute, AttributeType, Block, NestedBlock, NestingMode};
use crate::shape::{complete, nested_block, unknowns_to_null};
use crate::value::{Value, NULL};

/// Checks a non-null new state against the plan. Returns the state to send:
/// the new state, with the planned value wherever the two disagree (unknown
/// parts of the plan become null) and null for write-only attributes.
pub fn check_apply(block: &Block, planned: &Value, new: &Value) -> (Value, Vec<Violation>) {
    let mut out = Vec::new();
    let value = check_block(block, planned, new, &AttributePath::default(), &mut out);
    (value, out)
}

fn check_block(
    block: &Block,
    planned: &Value,
    new: &Value,
    path: &AttributePath,
    out: &mut Vec<Violation>,
) -> Value {
    let Value::Object(entries) = new else {
        return new.clone();
    };
    let mut result = Value::Object(entries.clone());
    for attribute in &block.attributes {
        let name = &attribute.name;
        let here = path.clone().attribute(name);
        let v = check_attribute(attribute, planned.get(name), new.get(name), &here, out);
        result.set(name, v);
    }
    for nested in &block.blocks {
        let name = &nested.type_name;
        let here = path.clone().attribute(name);
        let v = check_nested_block(nested, planned.get(name), new.get(name), &here, out);
        result.set(name, v);
    }
    result
}

/// Replaces unknown values in `new` by null, reporting each one.
fn without_unknowns(new: &Value, path: &AttributePath, out: &mut Vec<Violation>) -> Value {
    let mut paths = Vec::new();
    unknown_paths(new, path, &mut paths);
    if paths.is_empty() {
        return new.clone();
    }
    for p in paths {
        out.push(Violation {
            problem: format!(
                "{p} is still unknown after apply; every unknown planned value must be set."
            ),
            path: p,
        });
    }
    unknowns_to_null(new)
}

fn check_attribute(
    attribute: &Attribute,
    planned: &Value,
    new: &Value,
    path: &AttributePath,
    out: &mut Vec<Violation>,
) -> Value {
    if attribute.write_only {
        if !new.is_null() {
            out.push(Violation {
                path: path.clone(),
                problem: format!("{path} is write-only, but apply returned a value for it; write-only values are never stored."),
            });
        }
        return Value::Null;
    }
    let new = without_unknowns(new, path, out);
    if planned.is_unknown() || *planned == new {
        return new;
    }
    if let Some(equal) = attribute.semantic_equality {
        if planned.is_wholly_known() && new.is_known() && equal(planned, &new) {
            return planned.clone();
        }
    }
    if let AttributeType::Nested {
        attributes,
        nesting,
    } = &attribute.r#type
    {
        if planned.is_known() && new.is_known() {
            let inner = nested_block(attributes);
            return check_elements(
                &inner,
                *nesting,
                planned,
                &new,
                path,
                attribute.sensitive,
                out,
            );
        }
    }
    if compatible(planned, &new) {
        return new;
    }
    mismatch(planned, &new, path, attribute.sensitive, out)
}

fn mismatch(
    planned: &Value,
    new: &Value,
    path: &AttributePath,
    sensitive: bool,
    out: &mut Vec<Violation>,
) -> Value {
    out.push(Violation {
        path: path.clone(),
        problem: format!(
            "{path} was planned as {}, but apply returned {}. The planned value is saved instead.",
            render(planned, sensitive),
            render(new, sensitive)
        ),
    });
    unknowns_to_null(planned)
}

fn check_nested_block(
    nested: &NestedBlock,
    planned: &Value,
    new: &Value,
    path: &AttributePath,
    out: &mut Vec<Violation>,
) -> Value {
    let new = match (nested.nesting, new) {
        (NestingMode::List, Value::Null) => Value::List(Vec::new()),
        (NestingMode::Set, Value::Null) => Value::Set(Vec::new()),
        (NestingMode::Map, Value::Null) => Value::Map(Default::default()),
        _ => without_unknowns(new, path, out),
    };
    if planned.is_unknown() || *planned == new {
        return new;
    }
    if planned.is_known() && new.is_known() {
        return check_elements(
            &nested.block,
            nested.nesting,
            planned,
            &new,
            path,
            false,
            out,
        );
    }
    let fallback = mismatch(planned, &new, path, false, out);
    crate::shape::map_elements(&fallback, |element| complete(&nested.block, element))
}

/// Checks nested objects: lists by index with equal lengths, maps by key with
/// equal keys, sets element-wise as a whole.
fn check_elements(
    block: &Block,
    nesting: NestingMode,
    planned: &Value,
    new: &Value,
    path: &AttributePath,
    sensitive: bool,
    out: &mut Vec<Violation>,
) -> Value {
    match (nesting, planned, new) {
        (NestingMode::List, Value::List(p), Value::List(n)) if p.len() == n.len() => {
            let items = p
                .iter()
                .zip(n)
                .enumerate()
                .map(|(i, (pe, ne))| {
                    let here = path.clone().index(i64::try_from(i).unwrap_or(i64::MAX));
                    check_element(block, pe, ne, &here, sensitive, out)
                })
                .collect();
            Value::List(items)
        }
        (NestingMode::Map, Value::Map(p), Value::Map(n)) if p.keys().eq(n.keys()) => {
            let entries = n
                .iter()
                .map(|(key, ne)| {
                    let pe = p.get(key).unwrap_or(&NULL);
                    (
                        key.clone(),
                        check_element(block, pe, ne, &path.clone().key(key), sensitive, out),
                    )
                })
                .collect();
            Value::Map(entries)
        }
        (NestingMode::Single | NestingMode::Group, Value::Object(_), Value::Object(_)) => {
            check_block(block, planned, new, path, out)
        }
        _ if compatible(planned, new) => new.clone(),
        _ => {
            let fallback = mismatch(planned, new, path, sensitive, out);
            crate::shape::map_elements(&fallback, |element| complete(block, element))
        }
    }
}

fn check_element(
    block: &Block,
    planned: &Value,
    new: &Value,
    path: &AttributePath,
    sensitive: bool,
    out: &mut Vec<Violation>,
) -> Value {
    match (planned, new) {
        (Value::Unknown, _) => new.clone(),
        (Value::Object(_), Value::Object(_)) => check_block(block, planned, new, path, out),
        _ if planned == new => new.clone(),
        _ => complete(block, &mismatch(planned, new, path, sensitive, out)),
    }
}
