//! The [`Function`] trait: provider-defined functions (Terraform 1.8 and later),
//! called as `provider::<name>::<function>(...)` on an unconfigured provider.

use crate::types::Type;
use crate::value::Value;

/// One parameter of a function.
#[derive(Debug, Clone)]
pub struct Parameter {
    pub name: String,
    pub r#type: Type,
    pub description: String,
    pub allow_null_value: bool,
    pub allow_unknown_values: bool,
}

/// The signature and documentation of a function.
#[derive(Debug, Clone)]
pub struct FunctionDefinition {
    pub parameters: Vec<Parameter>,
    pub variadic_parameter: Option<Parameter>,
    pub return_type: Type,
    pub summary: String,
    /// Markdown.
    pub description: String,
    pub deprecation_message: String,
}

/// An error from a function call, optionally naming the argument at fault
/// (zero-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionError {
    pub text: String,
    pub function_argument: Option<i64>,
}

impl FunctionError {
    /// An error caused by the argument at `index` (zero-based).
    pub fn argument(index: i64, text: impl Into<String>) -> FunctionError {
        FunctionError {
            text: text.into(),
            function_argument: Some(index),
        }
    }
}

/// A provider-defined function. Calls must be deterministic: Terraform records
/// results in the plan and checks them again at apply.
pub trait Function: Send + Sync + 'static {
    /// The function name, an HCL identifier such as `normalize_cidr`.
    fn name(&self) -> &'static str;

    fn definition(&self) -> FunctionDefinition;

    /// Computes the result from decoded arguments, one per parameter.
    fn call(&self, arguments: &[Value]) -> Result<Value, FunctionError>;
}
