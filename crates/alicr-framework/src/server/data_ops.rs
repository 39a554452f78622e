//! ReadDataSource and CallFunction.

use super::{
    decode_value, encode_value, log_done, CallFunctionResponse, DynamicValue, ProviderServer,
    ReadDataSourceResponse,
};
use crate::consistency::{check_plan, check_read, keep_equivalent, to_diagnostics, Phase};
use crate::data_source::ReadDataSourceRequest;
use crate::diagnostics::Diagnostic;
use crate::function::FunctionError;
use crate::msgpack::NumberEncoding;
use crate::shape::complete;
use crate::value::Value;

impl ProviderServer {
    /// Reads a data source. The result must be a non-null, wholly known object
    /// that keeps every configured value.
    pub async fn read_data_source(
        &self,
        type_name: &str,
        config: DynamicValue,
    ) -> ReadDataSourceResponse {
        let mut response = ReadDataSourceResponse::default();
        let decoded = self.data_source_entry(type_name).and_then(|entry| {
            Ok((
                entry,
                decode_value(&config, &entry.ty, "data source configuration")?,
            ))
        });
        let (entry, config) = match decoded {
            Ok(decoded) => decoded,
            Err(d) => {
                response.diagnostics.push(d);
                log_done("ReadDataSource", type_name, &response.diagnostics);
                return response;
            }
        };
        let request = ReadDataSourceRequest {
            ctx: self.context(),
            config: config.clone(),
        };
        let result = entry.data_source.read(request).await;
        response.diagnostics.extend(result.diagnostics);
        if response.diagnostics.has_error() {
            log_done("ReadDataSource", type_name, &response.diagnostics);
            return response;
        }
        if result.state.is_null() {
            response.diagnostics.push(Diagnostic::error(
                "Provider produced null object",
                format!("Reading the data source {type_name} returned no state. This is a bug in the provider; please report it."),
            ));
            log_done("ReadDataSource", type_name, &response.diagnostics);
            return response;
        }

        let block = &entry.schema.block;
        let state = keep_equivalent(block, &config, &complete(block, &result.state));
        let (state, violations) = check_read(block, &Value::Null, &state);
        response
            .diagnostics
            .extend(to_diagnostics(Phase::Read, type_name, violations));
        // The configured arguments must come back as configured.
        let violations = check_plan(block, &config, &Value::Null, &state);
        response
            .diagnostics
            .extend(to_diagnostics(Phase::Read, type_name, violations));
        // Decimal strings, as for ReadResource: Terraform 1.11 compares refreshed
        // outputs with stored ones and reports a number decoded from msgpack as changed.
        match encode_value(
            &state,
            &entry.ty,
            NumberEncoding::DecimalString,
            "data source state",
        ) {
            Ok(state) => response.state = Some(state),
            Err(d) => response.diagnostics.push(d),
        }
        log_done("ReadDataSource", type_name, &response.diagnostics);
        response
    }

    /// Calls a provider function. Arguments are decoded by their parameter's
    /// type (extra arguments by the variadic parameter's type); any failure
    /// becomes a function error naming the argument.
    pub async fn call_function(
        &self,
        name: &str,
        arguments: Vec<DynamicValue>,
    ) -> CallFunctionResponse {
        let response = match self.call(name, &arguments) {
            Ok(result) => CallFunctionResponse {
                result: Some(result),
                error: None,
            },
            Err(error) => CallFunctionResponse {
                result: None,
                error: Some(error),
            },
        };
        let errors = usize::from(response.error.is_some());
        tracing::trace!(
            tf_rpc = "CallFunction",
            tf_function_name = name,
            diagnostic_error_count = errors,
            "Finished operation"
        );
        response
    }

    fn call(&self, name: &str, arguments: &[DynamicValue]) -> Result<DynamicValue, FunctionError> {
        let entry = self.functions.get(name).ok_or_else(|| FunctionError {
            text: format!("This provider has no function named {name:?}."),
            function_argument: None,
        })?;
        let definition = &entry.definition;
        let mut values = Vec::with_capacity(arguments.len());
        for (i, argument) in arguments.iter().enumerate() {
            let index = i64::try_from(i).unwrap_or(i64::MAX);
            let parameter = definition
                .parameters
                .get(i)
                .or(definition.variadic_parameter.as_ref())
                .ok_or_else(|| {
                    FunctionError::argument(
                        index,
                        format!(
                            "{name} takes {} arguments, but more were given.",
                            definition.parameters.len()
                        ),
                    )
                })?;
            let value = decode_value(argument, &parameter.r#type, "argument").map_err(|d| {
                FunctionError::argument(
                    index,
                    format!("Invalid value for {}: {}", parameter.name, d.detail),
                )
            })?;
            if value.is_null() && !parameter.allow_null_value {
                return Err(FunctionError::argument(
                    index,
                    format!("{} must not be null.", parameter.name),
                ));
            }
            values.push(value);
        }
        if values.len() < definition.parameters.len() {
            return Err(FunctionError {
                text: format!(
                    "{name} takes {} arguments, but {} were given.",
                    definition.parameters.len(),
                    values.len()
                ),
                function_argument: None,
            });
        }
        let result = entry.function.call(&values)?;
        encode_value(
            &result,
            &definition.return_type,
            NumberEncoding::Standard,
            "function result",
        )
        .map_err(|d| FunctionError {
            text: d.detail,
            function_argument: None,
        })
    }
}
