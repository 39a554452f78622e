//! Force-new detection: which attribute paths force the object to be replaced
//! because their planned value differs from the prior value.

use crate::path::AttributePath;
use crate::schema::{AttributeType, Block, NestingMode};
use crate::shape::nested_block;
use crate::value::{Value, NULL};

/// Returns every force-new path whose planned value differs from the prior
/// value, sorted and without duplicates.
pub fn force_new_paths(block: &Block, prior: &Value, planned: &Value) -> Vec<AttributePath> {
    let mut out = Vec::new();
    collect_force_new(block, prior, planned, &AttributePath::default(), &mut out);
    out.sort();
    out.dedup();
    out
}

fn contains_force_new(block: &Block) -> bool {
    block.attributes.iter().any(|a| {
        a.force_new
            || matches!(&a.r#type, AttributeType::Nested { attributes, .. } if contains_force_new(&nested_block(attributes)))
    }) || block.blocks.iter().any(|b| contains_force_new(&b.block))
}

fn collect_force_new(
    block: &Block,
    prior: &Value,
    planned: &Value,
    path: &AttributePath,
    out: &mut Vec<AttributePath>,
) {
    for attribute in &block.attributes {
        let here = path.clone().attribute(&attribute.name);
        let (r, p) = (prior.get(&attribute.name), planned.get(&attribute.name));
        if attribute.force_new {
            if r != p {
                out.push(here);
            }
            continue;
        }
        if let AttributeType::Nested {
            attributes,
            nesting,
        } = &attribute.r#type
        {
            let inner = nested_block(attributes);
            if contains_force_new(&inner) {
                force_new_in_elements(&inner, *nesting, r, p, &here, out);
            }
        }
    }
    for nested in &block.blocks {
        if contains_force_new(&nested.block) {
            let here = path.clone().attribute(&nested.type_name);
            let (r, p) = (prior.get(&nested.type_name), planned.get(&nested.type_name));
            force_new_in_elements(&nested.block, nested.nesting, r, p, &here, out);
        }
    }
}

fn force_new_in_elements(
    block: &Block,
    nesting: NestingMode,
    prior: &Value,
    planned: &Value,
    path: &AttributePath,
    out: &mut Vec<AttributePath>,
) {
    match (nesting, prior, planned) {
        (NestingMode::List, Value::List(r), Value::List(p)) => {
            for i in 0..r.len().max(p.len()) {
                let index = path.clone().index(i64::try_from(i).unwrap_or(i64::MAX));
                collect_force_new(
                    block,
                    r.get(i).unwrap_or(&NULL),
                    p.get(i).unwrap_or(&NULL),
                    &index,
                    out,
                );
            }
        }
        (NestingMode::Map, Value::Map(r), Value::Map(p)) => {
            let keys: std::collections::BTreeSet<&String> = r.keys().chain(p.keys()).collect();
            for key in keys {
                let here = path.clone().key(key);
                collect_force_new(
                    block,
                    r.get(key).unwrap_or(&NULL),
                    p.get(key).unwrap_or(&NULL),
                    &here,
                    out,
                );
            }
        }
        (NestingMode::Single | NestingMode::Group, Value::Object(_), Value::Object(_)) => {
            collect_force_new(block, prior, planned, path, out);
        }
        (NestingMode::Set, Value::Set(r), Value::Set(p)) => {
            let project = |items: &[Value]| -> Vec<Value> {
                items.iter().map(|v| project_force_new(block, v)).collect()
            };
            let (r, p) = (project(r), project(p));
            let same = r.iter().all(|x| p.contains(x)) && p.iter().all(|x| r.contains(x));
            if !same {
                out.push(path.clone());
            }
        }
        _ => {
            // Null, unknown or mismatched collections: compare whole values.
            if prior != planned {
                out.push(path.clone());
            }
        }
    }
}

/// Keeps only force-new attributes (and nested values containing them), so
/// set elements can be compared by what forces replacement.
fn project_force_new(block: &Block, value: &Value) -> Value {
    if !value.is_known() {
        return value.clone();
    }
    let mut out = Value::Object(Default::default());
    for attribute in &block.attributes {
        let v = value.get(&attribute.name);
        match &attribute.r#type {
            _ if attribute.force_new => out.set(&attribute.name, v.clone()),
            AttributeType::Nested { attributes, .. }
                if contains_force_new(&nested_block(attributes)) =>
            {
                let inner = nested_block(attributes);
                out.set(
                    &attribute.name,
                    crate::shape::map_elements(v, |e| project_force_new(&inner, e)),
                );
            }
            _ => {}
        }
    }
    for nested in &block.blocks {
        if contains_force_new(&nested.block) {
            let v = crate::shape::map_elements(value.get(&nested.type_name), |e| {
                project_force_new(&nested.block, e)
            });
            out.set(&nested.type_name, v);
        }
    }
    out
}
