//! The rules a planned state must follow relative to configuration and prior
//! state; Terraform rejects a plan that breaks any of them as "Provider
//! produced invalid plan".

use super::{render, Violation};
use crate::path::AttributePath;
use crate::schema::{Attribute, AttributeType, Block, NestedBlock, NestingMode};
use crate::shape::nested_block;
use crate::value::{Value, NULL};

/// Checks a planned object against its configuration and prior state (null on
/// create).
pub fn check_plan(block: &Block, config: &Value, prior: &Value, planned: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    if planned.is_null() || planned.is_unknown() {
        out.push(Violation {
            path: AttributePath::default(),
            problem: "the planned object is null or unknown, but a create or update was requested."
                .into(),
        });
        return out;
    }
    check_block(
        block,
        config,
        prior,
        planned,
        &AttributePath::default(),
        &mut out,
    );
    out
}

fn check_block(
    block: &Block,
    config: &Value,
    prior: &Value,
    planned: &Value,
    path: &AttributePath,
    out: &mut Vec<Violation>,
) {
    for attribute in &block.attributes {
        let name = &attribute.name;
        let here = path.clone().attribute(name);
        check_attribute(
            attribute,
            config.get(name),
            prior.get(name),
            planned.get(name),
            &here,
            out,
        );
    }
    for nested in &block.blocks {
        let name = &nested.type_name;
        let here = path.clone().attribute(name);
        check_nested_block(
            nested,
            config.get(name),
            prior.get(name),
            planned.get(name),
            &here,
            out,
        );
    }
}

fn check_attribute(
    attribute: &Attribute,
    config: &Value,
    prior: &Value,
    planned: &Value,
    path: &AttributePath,
    out: &mut Vec<Violation>,
) {
    let shown = |v: &Value| render(v, attribute.sensitive);
    if attribute.write_only {
        if !planned.is_null() {
            out.push(Violation {
                path: path.clone(),
                problem: format!("{path} is write-only, so its planned value must be null."),
            });
        }
        return;
    }
    if planned == config {
        return;
    }
    if !prior.is_null() && !config.is_null() && planned == prior {
        return;
    }
    if attribute.computed && (!attribute.optional || config.is_null()) {
        return;
    }
    if config.is_null() {
        out.push(Violation {
            path: path.clone(),
            problem: format!(
                "{path} is not configured and not computed, so its planned value must be null, but it is {}.",
                shown(planned)
            ),
        });
        return;
    }
    if let AttributeType::Nested {
        attributes,
        nesting,
    } = &attribute.r#type
    {
        if planned.is_known() && config.is_known() {
            let inner = nested_block(attributes);
            check_elements(&inner, *nesting, config, prior, planned, path, out);
            return;
        }
    }
    let prior_note = if prior.is_null() {
        String::new()
    } else {
        format!(" nor the prior value {}", shown(prior))
    };
    out.push(Violation {
        path: path.clone(),
        problem: format!(
            "the planned value {} for {path} does not match the configured value {}{prior_note}.",
            shown(planned),
            shown(config)
        ),
    });
}

fn check_nested_block(
    nested: &NestedBlock,
    config: &Value,
    prior: &Value,
    planned: &Value,
    path: &AttributePath,
    out: &mut Vec<Violation>,
) {
    let collection = matches!(
        nested.nesting,
        NestingMode::List | NestingMode::Set | NestingMode::Map
    );
    if collection && planned.is_null() {
        out.push(Violation {
            path: path.clone(),
            problem: format!("the block {path} is planned as null; an absent block must be planned as an empty collection."),
        });
        return;
    }
    if config.is_unknown() || planned == config {
        return;
    }
    if planned.is_unknown() {
        out.push(Violation {
            path: path.clone(),
            problem: format!("the block {path} is planned as unknown, but it is configured; plan its attributes as unknown instead."),
        });
        return;
    }
    if nested.nesting == NestingMode::Single && config.is_null() {
        out.push(Violation {
            path: path.clone(),
            problem: format!("the block {path} is not configured, so it must be planned as null."),
        });
        return;
    }
    check_elements(
        &nested.block,
        nested.nesting,
        config,
        prior,
        planned,
        path,
        out,
    );
}

/// Checks nested objects element by element: list lengths and map keys must
/// match the configuration. Set elements are not matched, as in Terraform.
fn check_elements(
    block: &Block,
    nesting: NestingMode,
    config: &Value,
    prior: &Value,
    planned: &Value,
    path: &AttributePath,
    out: &mut Vec<Violation>,
) {
    match (nesting, config, planned) {
        (NestingMode::List, Value::List(c), Value::List(p)) => {
            if c.len() != p.len() {
                out.push(Violation {
                    path: path.clone(),
                    problem: format!(
                        "{path} has {} planned elements, but the configuration has {}.",
                        p.len(),
                        c.len()
                    ),
                });
                return;
            }
            let r = prior.as_elements().unwrap_or_default();
            for (i, (ce, pe)) in c.iter().zip(p).enumerate() {
                let here = path.clone().index(i64::try_from(i).unwrap_or(i64::MAX));
                check_element(block, ce, r.get(i).unwrap_or(&NULL), pe, &here, out);
            }
        }
        (NestingMode::Map, Value::Map(c), Value::Map(p)) => {
            if c.keys().ne(p.keys()) {
                out.push(Violation {
                    path: path.clone(),
                    problem: format!("the planned keys of {path} differ from the configured keys."),
                });
                return;
            }
            let r = prior.as_entries();
            for (key, ce) in c {
                let pe = p.get(key).unwrap_or(&NULL);
                let re = r.and_then(|m| m.get(key)).unwrap_or(&NULL);
                check_element(block, ce, re, pe, &path.clone().key(key), out);
            }
        }
        (NestingMode::Set, Value::Set(_), Value::Set(_)) => {}
        (NestingMode::Single | NestingMode::Group, Value::Object(_), Value::Object(_)) => {
            check_block(block, config, prior, planned, path, out);
        }
        _ => out.push(Violation {
            path: path.clone(),
            problem: format!("the planned value of {path} does not have the configured shape."),
        }),
    }
}

fn check_element(
    block: &Block,
    config: &Value,
    prior: &Value,
    planned: &Value,
    path: &AttributePath,
    out: &mut Vec<Violation>,
) {
    if planned.is_unknown() && !config.is_unknown() {
        out.push(Violation {
            path: path.clone(),
            problem: format!(
                "the element {path} is planned as unknown; plan its attributes as unknown instead."
            ),
        });
        return;
    }
    if planned.is_known() && config.is_known() {
        check_block(block, config, prior, planned, path, out);
    }
}
