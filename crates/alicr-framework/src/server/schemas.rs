//! Builds every schema once and checks it for mistakes Terraform would
//! reject, or that would break planning, so they surface as diagnostics on the
//! first command instead of as confusing errors later.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{DataSourceEntry, FunctionEntry, ResourceEntry};
use crate::diagnostics::Diagnostics;
use crate::path::AttributePath;
use crate::provider::Provider;
use crate::schema::{Attribute, AttributeType, Block, NestingMode, Schema};
use crate::shape::nested_block;

/// Everything built from the provider at startup.
pub(super) struct Built {
    pub provider: Schema,
    pub resources: BTreeMap<String, ResourceEntry>,
    pub data_sources: BTreeMap<String, DataSourceEntry>,
    pub functions: BTreeMap<String, FunctionEntry>,
    pub diagnostics: Diagnostics,
}

pub(super) fn build(provider: &dyn Provider) -> Built {
    let mut diagnostics = Diagnostics::new();
    let provider_schema = provider.schema();
    check_schema(
        "provider",
        provider.type_name(),
        &provider_schema,
        &mut diagnostics,
    );

    let mut resources = BTreeMap::new();
    for resource in provider.resources() {
        let name = resource.type_name().to_string();
        let schema = resource.schema();
        check_schema("resource type", &name, &schema, &mut diagnostics);
        let entry = ResourceEntry {
            ty: schema.implied_type(),
            schema,
            resource: Arc::clone(&resource),
        };
        if resources.insert(name.clone(), entry).is_some() {
            duplicate("resource type", &name, &mut diagnostics);
        }
    }

    let mut data_sources = BTreeMap::new();
    for data_source in provider.data_sources() {
        let name = data_source.type_name().to_string();
        let schema = data_source.schema();
        check_schema("data source", &name, &schema, &mut diagnostics);
        let entry = DataSourceEntry {
            ty: schema.implied_type(),
            schema,
            data_source: Arc::clone(&data_source),
        };
        if data_sources.insert(name.clone(), entry).is_some() {
            duplicate("data source", &name, &mut diagnostics);
        }
    }

    let mut functions = BTreeMap::new();
    for function in provider.functions() {
        let name = function.name().to_string();
        let entry = FunctionEntry {
            definition: function.definition(),
            function: Arc::clone(&function),
        };
        if functions.insert(name.clone(), entry).is_some() {
            duplicate("function", &name, &mut diagnostics);
        }
    }

    Built {
        provider: provider_schema,
        resources,
        data_sources,
        functions,
        diagnostics,
    }
}

fn duplicate(kind: &str, name: &str, diagnostics: &mut Diagnostics) {
    diagnostics.error(
        "Invalid provider schema",
        format!("The {kind} {name:?} is declared twice; only the last one is served. This is a bug in the provider; please report it."),
    );
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Adds an error for every attribute or block that breaks a schema rule.
pub fn check_schema(kind: &str, name: &str, schema: &Schema, diagnostics: &mut Diagnostics) {
    if schema.version < 0 {
        invalid(
            kind,
            name,
            &AttributePath::default(),
            "the schema version is negative",
            diagnostics,
        );
    }
    check_block(
        kind,
        name,
        &schema.block,
        &AttributePath::default(),
        false,
        diagnostics,
    );
}

fn invalid(
    kind: &str,
    name: &str,
    path: &AttributePath,
    problem: &str,
    diagnostics: &mut Diagnostics,
) {
    let location = if path.is_empty() {
        String::new()
    } else {
        format!(" at {path}")
    };
    diagnostics.error(
        "Invalid provider schema",
        format!("The schema of the {kind} {name:?} is invalid{location}: {problem}. This is a bug in the provider; please report it."),
    );
}

fn check_block(
    kind: &str,
    name: &str,
    block: &Block,
    path: &AttributePath,
    in_set: bool,
    diagnostics: &mut Diagnostics,
) {
    for attribute in &block.attributes {
        let here = path.clone().attribute(&attribute.name);
        check_attribute(kind, name, attribute, &here, in_set, diagnostics);
    }
    for nested in &block.blocks {
        let here = path.clone().attribute(&nested.type_name);
        if !valid_name(&nested.type_name) {
            invalid(
                kind,
                name,
                &here,
                "block names may contain only a-z, 0-9 and _",
                diagnostics,
            );
        }
        if block.attributes.iter().any(|a| a.name == nested.type_name) {
            invalid(
                kind,
                name,
                &here,
                "a block has the same name as an attribute",
                diagnostics,
            );
        }
        let set = in_set || nested.nesting == NestingMode::Set;
        check_block(kind, name, &nested.block, &here, set, diagnostics);
    }
}

fn check_attribute(
    kind: &str,
    name: &str,
    attribute: &Attribute,
    path: &AttributePath,
    in_set: bool,
    diagnostics: &mut Diagnostics,
) {
    let flags = (attribute.required, attribute.optional, attribute.computed);
    let problem = match flags {
        (false, false, false) => Some("the attribute is none of required, optional or computed"),
        (true, true, _) => Some("the attribute is both required and optional"),
        (true, _, true) => Some("the attribute is both required and computed"),
        _ => None,
    };
    if let Some(problem) = problem {
        invalid(kind, name, path, problem, diagnostics);
    }
    if !valid_name(&attribute.name) {
        invalid(
            kind,
            name,
            path,
            "attribute names may contain only a-z, 0-9 and _",
            diagnostics,
        );
    }
    if attribute.default.is_some() && !(attribute.optional && attribute.computed) {
        invalid(
            kind,
            name,
            path,
            "an attribute with a default must be optional and computed",
            diagnostics,
        );
    }
    if attribute.write_only && in_set {
        invalid(
            kind,
            name,
            path,
            "write-only attributes are not allowed inside set nesting",
            diagnostics,
        );
    }
    if attribute.write_only && attribute.computed {
        invalid(
            kind,
            name,
            path,
            "a write-only attribute cannot be computed",
            diagnostics,
        );
    }
    if let AttributeType::Nested {
        attributes,
        nesting,
    } = &attribute.r#type
    {
        let set = in_set || *nesting == NestingMode::Set;
        check_block(
            kind,
            name,
            &nested_block(attributes),
            path,
            set,
            diagnostics,
        );
    }
}
