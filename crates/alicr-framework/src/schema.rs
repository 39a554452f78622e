//! Schemas: what a provider, resource or data source declares about each
//! attribute and nested block, including how it is validated and planned.
//!
//! Terraform receives the protocol part (types, required/optional/computed,
//! sensitive, write-only, descriptions). The framework alone uses the plan part
//! (defaults, force-new, keep-prior-value, semantic equality, validators).

use std::fmt;
use std::sync::Arc;

use crate::types::Type;
use crate::validators::Validator;
use crate::value::Value;

/// Tells whether two known values of an attribute mean the same thing, such as
/// `10.0.0.1` and `10.0.0.1/32`. The framework keeps the prior or planned
/// spelling whenever the new one is equivalent, so equivalent spellings never
/// produce a diff or an inconsistent-result error.
pub type SemanticEquality = fn(&Value, &Value) -> bool;

/// The schema of a provider, resource or data source.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// Resource schema version; state written with an older version is passed
    /// to the resource's state upgrader.
    pub version: i64,
    pub block: Block,
}

/// A block: attributes plus nested blocks.
#[derive(Debug, Clone, Default)]
pub struct Block {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<NestedBlock>,
    /// Markdown description shown in docs and editors.
    pub description: String,
    pub deprecated: bool,
}

/// Repetition mode of a nested block or nested attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NestingMode {
    Single,
    List,
    Set,
    Map,
    Group,
}

/// A nested block such as `timeouts { ... }` or `assume_role { ... }`.
#[derive(Debug, Clone)]
pub struct NestedBlock {
    pub type_name: String,
    pub block: Block,
    pub nesting: NestingMode,
    pub min_items: i64,
    pub max_items: i64,
}

/// Content of an attribute: a plain cty type or nested attributes.
#[derive(Debug, Clone)]
pub enum AttributeType {
    Type(Type),
    Nested {
        attributes: Vec<Attribute>,
        nesting: NestingMode,
    },
}

/// One attribute with its protocol flags and its plan behaviour.
#[derive(Clone)]
pub struct Attribute {
    pub name: String,
    pub r#type: AttributeType,
    pub description: String,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    /// Never stored in plan or state; Terraform 1.11 and later.
    pub write_only: bool,
    /// Deprecation message; empty when not deprecated.
    pub deprecation: String,
    /// Value planned when the configuration leaves the attribute null. Only for
    /// optional and computed attributes.
    pub default: Option<Value>,
    /// A change to this attribute replaces the object.
    pub force_new: bool,
    /// A computed value that never changes after create: the plan keeps the
    /// prior value instead of marking it unknown.
    pub use_state_for_unknown: bool,
    pub semantic_equality: Option<SemanticEquality>,
    pub validators: Vec<Arc<dyn Validator>>,
}

impl fmt::Debug for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attribute")
            .field("name", &self.name)
            .field("type", &self.r#type)
            .field("required", &self.required)
            .field("optional", &self.optional)
            .field("computed", &self.computed)
            .field("sensitive", &self.sensitive)
            .field("write_only", &self.write_only)
            .field("force_new", &self.force_new)
            .field("validators", &self.validators.len())
            .finish_non_exhaustive()
    }
}

impl Attribute {
    /// Creates an attribute of the given type; call one of `required`, `optional`,
    /// `computed` or `optional_computed` next.
    pub fn new(name: &str, ty: Type) -> Attribute {
        Attribute {
            name: name.to_string(),
            r#type: AttributeType::Type(ty),
            description: String::new(),
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            write_only: false,
            deprecation: String::new(),
            default: None,
            force_new: false,
            use_state_for_unknown: false,
            semantic_equality: None,
            validators: Vec::new(),
        }
    }

    pub fn string(name: &str) -> Attribute {
        Attribute::new(name, Type::String)
    }

    pub fn bool(name: &str) -> Attribute {
        Attribute::new(name, Type::Bool)
    }

    pub fn number(name: &str) -> Attribute {
        Attribute::new(name, Type::Number)
    }

    /// Creates an attribute holding nested attributes (protocol 6 only).
    pub fn nested(name: &str, nesting: NestingMode, attributes: Vec<Attribute>) -> Attribute {
        let mut a = Attribute::new(name, Type::Dynamic);
        a.r#type = AttributeType::Nested {
            attributes,
            nesting,
        };
        a
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    pub fn computed(mut self) -> Self {
        self.computed = true;
        self
    }

    pub fn optional_computed(mut self) -> Self {
        self.optional = true;
        self.computed = true;
        self
    }

    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    pub fn write_only(mut self) -> Self {
        self.write_only = true;
        self
    }

    pub fn description(mut self, markdown: &str) -> Self {
        self.description = markdown.to_string();
        self
    }

    pub fn deprecated(mut self, message: &str) -> Self {
        self.deprecation = message.to_string();
        self
    }

    /// Sets the default; also makes the attribute optional and computed, which
    /// Terraform requires for a provider-supplied value.
    pub fn default_value(mut self, value: Value) -> Self {
        self.default = Some(value);
        self.optional = true;
        self.computed = true;
        self
    }

    pub fn force_new(mut self) -> Self {
        self.force_new = true;
        self
    }

    pub fn use_state_for_unknown(mut self) -> Self {
        self.use_state_for_unknown = true;
        self
    }

    pub fn semantic_equality(mut self, equal: SemanticEquality) -> Self {
        self.semantic_equality = Some(equal);
        self
    }

    pub fn validator(mut self, validator: impl Validator + 'static) -> Self {
        self.validators.push(Arc::new(validator));
        self
    }

    /// Returns the cty type this attribute contributes to its block's object type.
    pub fn implied_type(&self) -> Type {
        match &self.r#type {
            AttributeType::Type(t) => t.clone(),
            AttributeType::Nested {
                attributes,
                nesting,
            } => {
                let object = Type::object(
                    attributes
                        .iter()
                        .map(|a| (a.name.clone(), a.implied_type())),
                );
                match nesting {
                    NestingMode::Single | NestingMode::Group => object,
                    NestingMode::List => Type::list(object),
                    NestingMode::Set => Type::set(object),
                    NestingMode::Map => Type::map(object),
                }
            }
        }
    }
}

impl NestedBlock {
    pub fn new(type_name: &str, nesting: NestingMode, block: Block) -> NestedBlock {
        NestedBlock {
            type_name: type_name.to_string(),
            block,
            nesting,
            min_items: 0,
            max_items: 0,
        }
    }

    /// Returns the cty type this block contributes to its parent's object type.
    pub fn implied_type(&self) -> Type {
        let object = self.block.implied_type();
        match self.nesting {
            NestingMode::Single | NestingMode::Group => object,
            NestingMode::List => Type::list(object),
            NestingMode::Set => Type::set(object),
            NestingMode::Map => Type::map(object),
        }
    }
}

impl Block {
    pub fn new() -> Block {
        Block::default()
    }

    pub fn attribute(mut self, attribute: Attribute) -> Self {
        self.attributes.push(attribute);
        self
    }

    pub fn block(mut self, block: NestedBlock) -> Self {
        self.blocks.push(block);
        self
    }

    pub fn description(mut self, markdown: &str) -> Self {
        self.description = markdown.to_string();
        self
    }

    /// Finds a top-level attribute by name.
    pub fn find_attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// Returns the object type of this block: its attributes plus one attribute per
    /// nested block type.
    pub fn implied_type(&self) -> Type {
        let attributes = self
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.implied_type()));
        let blocks = self
            .blocks
            .iter()
            .map(|b| (b.type_name.clone(), b.implied_type()));
        Type::object(attributes.chain(blocks))
    }
}

impl Schema {
    pub fn new(version: i64, block: Block) -> Schema {
        Schema { version, block }
    }

    /// Returns the object type of the whole schema.
    pub fn implied_type(&self) -> Type {
        self.block.implied_type()
    }
}
