//! Configuration validation driven by the schema: missing required
//! attributes, values for attributes that cannot be configured, attribute
//! validators, block item counts and deprecation warnings, at every depth.
//!
//! Unknown values are skipped: Terraform validates again once they are known.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::path::AttributePath;
use crate::schema::{Attribute, AttributeType, Block, NestedBlock, NestingMode};
use crate::shape::nested_block;
use crate::value::Value;

/// Validates a configuration object against its block's schema.
pub fn validate_block(
    block: &Block,
    config: &Value,
    path: &AttributePath,
    diagnostics: &mut Diagnostics,
) {
    if !config.is_known() {
        return;
    }
    for attribute in &block.attributes {
        let attribute_path = path.clone().attribute(&attribute.name);
        validate_attribute(
            attribute,
            config.get(&attribute.name),
            &attribute_path,
            diagnostics,
        );
    }
    for nested in &block.blocks {
        let block_path = path.clone().attribute(&nested.type_name);
        validate_nested_block(
            nested,
            config.get(&nested.type_name),
            &block_path,
            diagnostics,
        );
    }
}

fn validate_attribute(
    attribute: &Attribute,
    value: &Value,
    path: &AttributePath,
    diagnostics: &mut Diagnostics,
) {
    if value.is_null() {
        if attribute.required {
            diagnostics.push(
                Diagnostic::error(
                    "Missing required argument",
                    format!("The argument {path} is required, but no value was set. Add `{} = ...` to the configuration.", attribute.name),
                )
                .with_attribute(path.clone()),
            );
        }
        return;
    }
    if attribute.computed && !attribute.optional && !attribute.required {
        diagnostics.push(
            Diagnostic::error(
                "Value for unconfigurable attribute",
                format!("{path} is set by the provider and cannot be configured; remove it from the configuration."),
            )
            .with_attribute(path.clone()),
        );
        return;
    }
    if !attribute.deprecation.is_empty() {
        diagnostics.push(
            Diagnostic::warning("Argument is deprecated", attribute.deprecation.clone())
                .with_attribute(path.clone()),
        );
    }
    if value.is_unknown() {
        return;
    }
    for validator in &attribute.validators {
        validator.validate(path, value, diagnostics);
    }
    if let AttributeType::Nested {
        attributes,
        nesting,
    } = &attribute.r#type
    {
        let inner = nested_block(attributes);
        for_each_element(*nesting, value, path, |element, element_path| {
            validate_block(&inner, element, &element_path, diagnostics);
        });
    }
}

fn validate_nested_block(
    nested: &NestedBlock,
    value: &Value,
    path: &AttributePath,
    diagnostics: &mut Diagnostics,
) {
    if !value.is_known() {
        return;
    }
    if nested.block.deprecated {
        diagnostics.push(
            Diagnostic::warning(
                "Block is deprecated",
                format!("The block {path} is deprecated; see the provider documentation for its replacement."),
            )
            .with_attribute(path.clone()),
        );
    }
    if let Some(count) = value.as_elements().map(<[Value]>::len).or_else(|| {
        value
            .as_entries()
            .filter(|_| nested.nesting == NestingMode::Map)
            .map(|m| m.len())
    }) {
        check_item_count(nested, count, path, diagnostics);
    }
    for_each_element(nested.nesting, value, path, |element, element_path| {
        validate_block(&nested.block, element, &element_path, diagnostics);
    });
}

fn check_item_count(
    nested: &NestedBlock,
    count: usize,
    path: &AttributePath,
    diagnostics: &mut Diagnostics,
) {
    let count = i64::try_from(count).unwrap_or(i64::MAX);
    if nested.min_items > 0 && count < nested.min_items {
        diagnostics.push(
            Diagnostic::error(
                "Not enough blocks",
                format!(
                    "At least {} {} block(s) are required, but {count} were given.",
                    nested.min_items, nested.type_name
                ),
            )
            .with_attribute(path.clone()),
        );
    }
    if nested.max_items > 0 && count > nested.max_items {
        diagnostics.push(
            Diagnostic::error(
                "Too many blocks",
                format!(
                    "No more than {} {} block(s) are allowed, but {count} were given.",
                    nested.max_items, nested.type_name
                ),
            )
            .with_attribute(path.clone()),
        );
    }
}

/// Calls `f` with every element object of a nested value and its path. Set
/// elements get the path of the set, because they have no address.
pub fn for_each_element(
    nesting: NestingMode,
    value: &Value,
    path: &AttributePath,
    mut f: impl FnMut(&Value, AttributePath),
) {
    match (nesting, value) {
        (NestingMode::List, Value::List(items) | Value::Tuple(items)) => {
            for (i, item) in items.iter().enumerate() {
                f(
                    item,
                    path.clone().index(i64::try_from(i).unwrap_or(i64::MAX)),
                );
            }
        }
        (NestingMode::Set, Value::Set(items) | Value::List(items)) => {
            for item in items {
                f(item, path.clone());
            }
        }
        (NestingMode::Map, Value::Map(entries) | Value::Object(entries)) => {
            for (key, item) in entries {
                f(item, path.clone().key(key));
            }
        }
        (NestingMode::Single | NestingMode::Group, Value::Object(_)) => f(value, path.clone()),
        _ => {}
    }
}
