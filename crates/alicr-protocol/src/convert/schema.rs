//! Schemas, functions and server capabilities, as GetProviderSchema and
//! GetFunctions return them.
//!
//! Descriptions are sent as markdown. An attribute carries either its cty type
//! as compact JSON bytes or, for nested attributes, a `nested_type`, never both,
//! because Terraform rejects such a schema.

use alicr_framework::function::{FunctionDefinition, Parameter};
use alicr_framework::schema::{Attribute, AttributeType, Block, NestedBlock, NestingMode, Schema};
use alicr_framework::server::{ProviderSchemas, ServerCapabilities};
use std::collections::{BTreeMap, HashMap};

use super::diagnostics_to_proto;

use crate::proto::tfplugin6 as pb;
use pb::schema::nested_block::NestingMode as BlockNesting;
use pb::schema::object::NestingMode as ObjectNesting;

pub fn schema_to_proto(schema: &Schema) -> pb::Schema {
    pb::Schema {
        version: schema.version,
        block: Some(block_to_proto(&schema.block)),
    }
}

fn block_to_proto(block: &Block) -> pb::schema::Block {
    pb::schema::Block {
        // Terraform reads the schema version from `Schema.version` and ignores this one.
        version: 0,
        attributes: block.attributes.iter().map(attribute_to_proto).collect(),
        block_types: block.blocks.iter().map(nested_block_to_proto).collect(),
        description: block.description.clone(),
        description_kind: pb::StringKind::Markdown.into(),
        deprecated: block.deprecated,
    }
}

fn attribute_to_proto(attribute: &Attribute) -> pb::schema::Attribute {
    let (type_json, nested_type) = match &attribute.r#type {
        AttributeType::Type(ty) => (ty.to_json_bytes(), None),
        AttributeType::Nested {
            attributes,
            nesting,
        } => (
            Vec::new(),
            Some(pb::schema::Object {
                attributes: attributes.iter().map(attribute_to_proto).collect(),
                nesting: object_nesting(*nesting).into(),
                ..Default::default()
            }),
        ),
    };
    pb::schema::Attribute {
        name: attribute.name.clone(),
        r#type: type_json,
        nested_type,
        description: attribute.description.clone(),
        required: attribute.required,
        optional: attribute.optional,
        computed: attribute.computed,
        sensitive: attribute.sensitive,
        description_kind: pb::StringKind::Markdown.into(),
        // NOTE: protocol 6.8 has no field for the deprecation message, so the
        // framework reports it as a warning when the attribute is configured.
        deprecated: !attribute.deprecation.is_empty(),
        write_only: attribute.write_only,
    }
}

fn nested_block_to_proto(block: &NestedBlock) -> pb::schema::NestedBlock {
    let nesting = match block.nesting {
        NestingMode::Single => BlockNesting::Single,
        NestingMode::List => BlockNesting::List,
        NestingMode::Set => BlockNesting::Set,
        NestingMode::Map => BlockNesting::Map,
        NestingMode::Group => BlockNesting::Group,
    };
    pb::schema::NestedBlock {
        type_name: block.type_name.clone(),
        block: Some(block_to_proto(&block.block)),
        nesting: nesting.into(),
        min_items: block.min_items,
        max_items: block.max_items,
    }
}

/// Maps a nesting mode onto nested attribute types, which have no GROUP
/// mode. A group of attributes becomes a single object whose absence is null.
fn object_nesting(nesting: NestingMode) -> ObjectNesting {
    match nesting {
        NestingMode::Single | NestingMode::Group => ObjectNesting::Single,
        NestingMode::List => ObjectNesting::List,
        NestingMode::Set => ObjectNesting::Set,
        NestingMode::Map => ObjectNesting::Map,
    }
}

pub fn function_to_proto(function: &FunctionDefinition) -> pb::Function {
    pb::Function {
        parameters: function.parameters.iter().map(parameter_to_proto).collect(),
        variadic_parameter: function.variadic_parameter.as_ref().map(parameter_to_proto),
        r#return: Some(pb::function::Return {
            r#type: function.return_type.to_json_bytes(),
        }),
        summary: function.summary.clone(),
        description: function.description.clone(),
        description_kind: pb::StringKind::Markdown.into(),
        deprecation_message: function.deprecation_message.clone(),
    }
}

fn parameter_to_proto(parameter: &Parameter) -> pb::function::Parameter {
    pb::function::Parameter {
        name: parameter.name.clone(),
        r#type: parameter.r#type.to_json_bytes(),
        allow_null_value: parameter.allow_null_value,
        allow_unknown_values: parameter.allow_unknown_values,
        description: parameter.description.clone(),
        description_kind: pb::StringKind::Markdown.into(),
    }
}

/// Builds the GetProviderSchema response.
pub fn provider_schemas_to_proto(schemas: &ProviderSchemas) -> pb::get_provider_schema::Response {
    let convert_all = |map: &BTreeMap<String, Schema>| {
        map.iter()
            .map(|(name, schema)| (name.clone(), schema_to_proto(schema)))
            .collect()
    };
    pb::get_provider_schema::Response {
        // Terraform dereferences the provider schema's block unconditionally,
        // so it is always present, even when empty.
        provider: Some(schema_to_proto(&schemas.provider)),
        resource_schemas: convert_all(&schemas.resources),
        data_source_schemas: convert_all(&schemas.data_sources),
        diagnostics: diagnostics_to_proto(&schemas.diagnostics),
        provider_meta: None,
        server_capabilities: Some(server_capabilities_to_proto(schemas.server_capabilities)),
        functions: functions_to_proto(&schemas.functions),
        ephemeral_resource_schemas: Default::default(),
    }
}

/// Builds the GetMetadata response: type names only.
pub fn metadata_to_proto(schemas: &ProviderSchemas) -> pb::get_metadata::Response {
    use pb::get_metadata::{DataSourceMetadata, FunctionMetadata, ResourceMetadata};
    pb::get_metadata::Response {
        server_capabilities: Some(server_capabilities_to_proto(schemas.server_capabilities)),
        diagnostics: diagnostics_to_proto(&schemas.diagnostics),
        data_sources: (schemas.data_sources.keys())
            .map(|type_name| DataSourceMetadata {
                type_name: type_name.clone(),
            })
            .collect(),
        resources: (schemas.resources.keys())
            .map(|type_name| ResourceMetadata {
                type_name: type_name.clone(),
            })
            .collect(),
        functions: (schemas.functions.keys())
            .map(|name| FunctionMetadata { name: name.clone() })
            .collect(),
        ephemeral_resources: Vec::new(),
    }
}

pub fn functions_to_proto(
    functions: &BTreeMap<String, FunctionDefinition>,
) -> HashMap<String, pb::Function> {
    functions
        .iter()
        .map(|(name, function)| (name.clone(), function_to_proto(function)))
        .collect()
}

pub fn server_capabilities_to_proto(capabilities: ServerCapabilities) -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: capabilities.plan_destroy,
        get_provider_schema_optional: capabilities.get_provider_schema_optional,
        move_resource_state: capabilities.move_resource_state,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alicr_framework::Type;

    fn sample_schema() -> Schema {
        let rule = Block::new().attribute(Attribute::number("port").required());
        let block = Block::new()
            .attribute(Attribute::string("id").computed())
            .attribute(
                Attribute::string("secret")
                    .optional()
                    .sensitive()
                    .write_only(),
            )
            .attribute(Attribute::string("old").optional().deprecated("Use new."))
            .attribute(Attribute::nested(
                "ports",
                NestingMode::List,
                vec![Attribute::number("from").required()],
            ))
            .block(NestedBlock {
                min_items: 1,
                max_items: 3,
                ..NestedBlock::new("rule", NestingMode::List, rule)
            })
            .description("A **thing**.");
        Schema::new(2, block)
    }

    fn attribute<'a>(block: &'a pb::schema::Block, name: &str) -> &'a pb::schema::Attribute {
        block
            .attributes
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("attribute {name} missing from converted schema"))
    }

    fn converted_block() -> pb::schema::Block {
        schema_to_proto(&sample_schema())
            .block
            .unwrap_or_else(|| panic!("converted schema has no block"))
    }

    #[test]
    fn schema_version_on_schema() {
        assert_eq!(schema_to_proto(&sample_schema()).version, 2);
    }

    #[test]
    fn attribute_type_is_cty_json() {
        assert_eq!(
            attribute(&converted_block(), "id").r#type,
            b"\"string\"".to_vec()
        );
    }

    #[test]
    fn attribute_flags() {
        let block = converted_block();
        let secret = attribute(&block, "secret");
        assert!(secret.optional);
        assert!(secret.sensitive);
        assert!(secret.write_only);
        assert!(!secret.computed);
        assert!(attribute(&block, "id").computed);
    }

    #[test]
    fn deprecation_sets_flag() {
        assert!(attribute(&converted_block(), "old").deprecated);
    }

    #[test]
    fn nested_attribute_uses_nested_type() {
        let block = converted_block();
        let ports = attribute(&block, "ports");
        assert!(ports.r#type.is_empty());
        let object = ports.nested_type.as_ref();
        assert_eq!(object.map(|o| o.nesting), Some(ObjectNesting::List as i32));
        assert_eq!(object.map(|o| o.attributes.len()), Some(1));
    }

    #[test]
    fn nested_block_mode_and_items() {
        let block = converted_block();
        let rule = &block.block_types[0];
        assert_eq!(rule.type_name, "rule");
        assert_eq!(rule.nesting, BlockNesting::List as i32);
        assert_eq!(rule.min_items, 1);
        assert_eq!(rule.max_items, 3);
    }

    #[test]
    fn descriptions_are_markdown() {
        let block = converted_block();
        assert_eq!(block.description, "A **thing**.");
        assert_eq!(block.description_kind, pb::StringKind::Markdown as i32);
    }

    #[test]
    fn group_nesting_becomes_single_object() {
        assert_eq!(object_nesting(NestingMode::Group), ObjectNesting::Single);
    }

    #[test]
    fn function_signature() {
        let parameter = Parameter {
            name: "cidr".into(),
            r#type: Type::String,
            description: String::new(),
            allow_null_value: true,
            allow_unknown_values: false,
        };
        let definition = FunctionDefinition {
            parameters: vec![parameter.clone()],
            variadic_parameter: Some(parameter),
            return_type: Type::list(Type::String),
            summary: "Normalize".into(),
            description: String::new(),
            deprecation_message: String::new(),
        };
        let converted = function_to_proto(&definition);
        assert_eq!(converted.parameters[0].r#type, b"\"string\"".to_vec());
        assert!(converted.parameters[0].allow_null_value);
        assert!(converted.variadic_parameter.is_some());
        let return_type = converted.r#return.map(|r| r.r#type);
        assert_eq!(return_type, Some(br#"["list","string"]"#.to_vec()));
    }
}
