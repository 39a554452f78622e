//! The plan engine: turns Terraform's proposed new state into a planned state by
//! the schema's rules (defaults, write-only nulling, unknown computed values,
//! keep-prior-value, semantic equality, force-new).
//!
//! The order matches Terraform's Go framework, so plans look the way
//! practitioners expect. Defaults fill null configured values, and the prior
//! value replaces a configured value equivalent to it. Write-only values are
//! nulled. Only when something changed is every unconfigured computed value
//! marked "known after apply". Nested values are matched by list index
//! and map key. Set elements have no stable identity, so the engine leaves them
//! as Terraform proposed them (see the NOTE on `mark_unknown`).

mod force_new;

pub use force_new::force_new_paths;

use crate::path::AttributePath;
use crate::schema::{Attribute, AttributeType, Block, NestingMode};
use crate::shape::{nested_block, null_write_only};
use crate::value::{Value, NULL};

/// The framework's part of a plan, before the resource's `modify_plan`.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedChange {
    pub planned_state: Value,
    /// Force-new paths whose value changes; always empty on create.
    pub requires_replace: Vec<AttributePath>,
}

/// Plans a create (null `prior`) or an update. `proposed` must be non-null;
/// a destroy plan never reaches the engine.
pub fn plan_change(
    block: &Block,
    prior: &Value,
    proposed: &Value,
    config: &Value,
) -> PlannedChange {
    let mut planned = apply_defaults(block, proposed, config);
    planned = keep_equivalent_prior(block, &planned, config, prior);
    planned = null_write_only(block, &planned);

    let update = !prior.is_null();
    if planned != *prior {
        planned = mark_unknown(block, &planned, config, prior, update);
    }

    let requires_replace = if update {
        force_new_paths(block, prior, &planned)
    } else {
        Vec::new()
    };
    PlannedChange {
        planned_state: planned,
        requires_replace,
    }
}

/// Rebuilds a nested value by calling `f` on each element object with its
/// counterparts in `first` and `second`. Counterparts are matched by list
/// index or map key, and single nesting passes the values themselves. Sets and
/// values that are not known collections are returned unchanged.
fn zip_elements(
    nesting: NestingMode,
    value: &Value,
    first: &Value,
    second: &Value,
    mut f: impl FnMut(&Value, &Value, &Value) -> Value,
) -> Value {
    match (nesting, value) {
        (NestingMode::List, Value::List(items)) => {
            let firsts = first.as_elements().unwrap_or_default();
            let seconds = second.as_elements().unwrap_or_default();
            let out = items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    f(
                        item,
                        firsts.get(i).unwrap_or(&NULL),
                        seconds.get(i).unwrap_or(&NULL),
                    )
                })
                .collect();
            Value::List(out)
        }
        (NestingMode::Map, Value::Map(entries)) => {
            let lookup = |other: &'_ Value, key: &str| -> Value {
                other
                    .as_entries()
                    .and_then(|m| m.get(key))
                    .cloned()
                    .unwrap_or_default()
            };
            let out = entries
                .iter()
                .map(|(key, item)| {
                    (
                        key.clone(),
                        f(item, &lookup(first, key), &lookup(second, key)),
                    )
                })
                .collect();
            Value::Map(out)
        }
        (NestingMode::Single | NestingMode::Group, Value::Object(_)) => f(value, first, second),
        _ => value.clone(),
    }
}

/// Replaces, at every depth, null configured values of attributes that have a
/// default with the default. Set elements use their own value as a stand-in
/// for the configuration, since they cannot be matched to config elements.
fn apply_defaults(block: &Block, planned: &Value, config: &Value) -> Value {
    let Value::Object(_) = planned else {
        return planned.clone();
    };
    let mut out = planned.clone();
    for attribute in &block.attributes {
        let configured = config.get(&attribute.name);
        if let Some(default) = &attribute.default {
            if configured.is_null() {
                out.set(&attribute.name, default.clone());
            }
            continue;
        }
        if let AttributeType::Nested {
            attributes,
            nesting,
        } = &attribute.r#type
        {
            let inner = nested_block(attributes);
            let v =
                defaults_in_elements(&inner, *nesting, planned.get(&attribute.name), configured);
            out.set(&attribute.name, v);
        }
    }
    for nested in &block.blocks {
        let v = defaults_in_elements(
            &nested.block,
            nested.nesting,
            planned.get(&nested.type_name),
            config.get(&nested.type_name),
        );
        out.set(&nested.type_name, v);
    }
    out
}

fn defaults_in_elements(
    block: &Block,
    nesting: NestingMode,
    planned: &Value,
    config: &Value,
) -> Value {
    if let (NestingMode::Set, Value::Set(items)) = (nesting, planned) {
        return Value::Set(
            items
                .iter()
                .map(|item| apply_defaults(block, item, item))
                .collect(),
        );
    }
    zip_elements(nesting, planned, config, &NULL, |item, configured, _| {
        apply_defaults(block, item, configured)
    })
}

/// Plans the prior value for attributes whose configured value is
/// equivalent to it by the attribute's semantic equality, so a different
/// spelling of the same value plans no change.
fn keep_equivalent_prior(block: &Block, planned: &Value, config: &Value, prior: &Value) -> Value {
    if !planned.is_known() || !prior.is_known() {
        return planned.clone();
    }
    let mut out = planned.clone();
    for attribute in &block.attributes {
        let (p, c, r) = (
            planned.get(&attribute.name),
            config.get(&attribute.name),
            prior.get(&attribute.name),
        );
        if let Some(equal) = attribute.semantic_equality {
            let equivalent = p == c && c.is_wholly_known() && r.is_known() && c != r && equal(c, r);
            if equivalent {
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
            out.set(
                &attribute.name,
                keep_prior_in_elements(&inner, *nesting, p, c, r),
            );
        }
    }
    for nested in &block.blocks {
        let name = &nested.type_name;
        let v = keep_prior_in_elements(
            &nested.block,
            nested.nesting,
            planned.get(name),
            config.get(name),
            prior.get(name),
        );
        out.set(name, v);
    }
    out
}

fn keep_prior_in_elements(
    block: &Block,
    nesting: NestingMode,
    planned: &Value,
    config: &Value,
    prior: &Value,
) -> Value {
    zip_elements(nesting, planned, config, prior, |item, c, r| {
        keep_equivalent_prior(block, item, c, r)
    })
}

/// Marks every computed attribute the configuration leaves null as unknown,
/// except attributes with a default (already planned) and, on update,
/// `use_state_for_unknown` attributes with a known prior value.
///
/// NOTE: computed attributes inside set elements keep the value Terraform
/// proposed. Marking them unknown could make two distinct elements look
/// equal to the set de-duplication, so resources that compute values inside
/// sets must plan them in `modify_plan`.
fn mark_unknown(
    block: &Block,
    planned: &Value,
    config: &Value,
    prior: &Value,
    update: bool,
) -> Value {
    let Value::Object(_) = planned else {
        return planned.clone();
    };
    let mut out = planned.clone();
    for attribute in &block.attributes {
        let p = planned.get(&attribute.name);
        let c = config.get(&attribute.name);
        let r = prior.get(&attribute.name);
        out.set(&attribute.name, mark_attribute(attribute, p, c, r, update));
    }
    for nested in &block.blocks {
        let name = &nested.type_name;
        let v = mark_in_elements(
            &nested.block,
            nested.nesting,
            planned.get(name),
            config.get(name),
            prior.get(name),
            update,
        );
        out.set(name, v);
    }
    out
}

fn mark_attribute(
    attribute: &Attribute,
    planned: &Value,
    config: &Value,
    prior: &Value,
    update: bool,
) -> Value {
    if attribute.computed
        && config.is_null()
        && attribute.default.is_none()
        && !attribute.write_only
    {
        let keep_prior = update && attribute.use_state_for_unknown && prior.is_known();
        return if keep_prior {
            prior.clone()
        } else {
            Value::Unknown
        };
    }
    match &attribute.r#type {
        AttributeType::Nested {
            attributes,
            nesting,
        } if planned.is_known() => {
            let inner = nested_block(attributes);
            mark_in_elements(&inner, *nesting, planned, config, prior, update)
        }
        _ => planned.clone(),
    }
}

fn mark_in_elements(
    block: &Block,
    nesting: NestingMode,
    planned: &Value,
    config: &Value,
    prior: &Value,
    update: bool,
) -> Value {
    zip_elements(nesting, planned, config, prior, |item, c, r| {
        mark_unknown(block, item, c, r, update && !r.is_null())
    })
}
