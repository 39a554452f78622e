//! Diagnostics, attribute paths, wire values and function errors.

use alicr_framework::diagnostics::{Diagnostic, Diagnostics, Severity};
use alicr_framework::function::FunctionError;
use alicr_framework::path::{AttributePath, Step};
use alicr_framework::server::DynamicValue;

use crate::proto::tfplugin6 as pb;

/// Converts one diagnostic, including the attribute path it points at.
pub fn diagnostic_to_proto(diagnostic: &Diagnostic) -> pb::Diagnostic {
    let severity = match diagnostic.severity {
        Severity::Error => pb::diagnostic::Severity::Error,
        Severity::Warning => pb::diagnostic::Severity::Warning,
    };
    pb::Diagnostic {
        severity: severity.into(),
        summary: diagnostic.summary.clone(),
        detail: diagnostic.detail.clone(),
        attribute: diagnostic.attribute.as_ref().map(attribute_path_to_proto),
    }
}

pub fn diagnostics_to_proto(diagnostics: &Diagnostics) -> Vec<pb::Diagnostic> {
    diagnostics.iter().map(diagnostic_to_proto).collect()
}

/// Builds the diagnostics of an RPC that this provider does not support, so
/// Terraform shows a readable error instead of "Unsupported plugin method".
pub fn error_diagnostics(summary: &str, detail: String) -> Vec<pb::Diagnostic> {
    vec![diagnostic_to_proto(&Diagnostic::error(summary, detail))]
}

pub fn attribute_path_to_proto(path: &AttributePath) -> pb::AttributePath {
    use pb::attribute_path::step::Selector;
    let steps = path
        .steps
        .iter()
        .map(|step| {
            let selector = match step {
                Step::Attribute(name) => Selector::AttributeName(name.clone()),
                Step::ElementKeyString(key) => Selector::ElementKeyString(key.clone()),
                Step::ElementKeyInt(index) => Selector::ElementKeyInt(*index),
            };
            pb::attribute_path::Step {
                selector: Some(selector),
            }
        })
        .collect();
    pb::AttributePath { steps }
}

/// Converts a request value. A missing message is a null value, as Terraform
/// treats it.
pub fn dynamic_value_from_proto(value: Option<pb::DynamicValue>) -> DynamicValue {
    match value {
        Some(value) => DynamicValue {
            msgpack: value.msgpack,
            json: value.json,
        },
        None => DynamicValue::default(),
    }
}

/// Converts a response value. `None` stays absent, which Terraform reads as null.
pub fn dynamic_value_to_proto(value: Option<DynamicValue>) -> Option<pb::DynamicValue> {
    value.map(|value| pb::DynamicValue {
        msgpack: value.msgpack,
        json: value.json,
    })
}

pub fn function_error_to_proto(error: FunctionError) -> pb::FunctionError {
    pb::FunctionError {
        text: error.text,
        function_argument: error.function_argument,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pb::attribute_path::step::Selector;

    fn selectors(path: &AttributePath) -> Vec<Selector> {
        attribute_path_to_proto(path)
            .steps
            .into_iter()
            .filter_map(|step| step.selector)
            .collect()
    }

    #[test]
    fn path_steps_keep_order_and_kind() {
        let path = AttributePath::root("rule").index(1).attribute("port");
        let expected = vec![
            Selector::AttributeName("rule".into()),
            Selector::ElementKeyInt(1),
            Selector::AttributeName("port".into()),
        ];
        assert_eq!(selectors(&path), expected);
    }

    #[test]
    fn path_map_key_is_string_step() {
        let path = AttributePath::root("tags").key("env");
        assert_eq!(
            selectors(&path)[1],
            Selector::ElementKeyString("env".into())
        );
    }

    #[test]
    fn diagnostic_warning_severity() {
        let converted = diagnostic_to_proto(&Diagnostic::warning("Deprecated", "Use x."));
        assert_eq!(converted.severity, pb::diagnostic::Severity::Warning as i32);
    }

    #[test]
    fn diagnostic_error_severity_and_text() {
        let converted = diagnostic_to_proto(&Diagnostic::error("Bad", "Fix it."));
        assert_eq!(converted.severity, pb::diagnostic::Severity::Error as i32);
        assert_eq!(converted.summary, "Bad");
        assert_eq!(converted.detail, "Fix it.");
        assert!(converted.attribute.is_none());
    }

    #[test]
    fn missing_value_is_null() {
        assert_eq!(dynamic_value_from_proto(None), DynamicValue::default());
    }

    #[test]
    fn value_bytes_pass_through() {
        let wire = pb::DynamicValue {
            msgpack: vec![0xc0],
            json: b"null".to_vec(),
        };
        let value = dynamic_value_from_proto(Some(wire));
        assert_eq!(value.msgpack, vec![0xc0]);
        assert_eq!(value.json, b"null".to_vec());
    }

    #[test]
    fn function_error_keeps_argument() {
        let converted = function_error_to_proto(FunctionError::argument(2, "bad"));
        assert_eq!(converted.function_argument, Some(2));
    }
}
