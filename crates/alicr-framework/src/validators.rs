//! Attribute validators. The framework calls them only with known, non-null
//! values, so a value that is still unknown at validate time (it comes from a
//! resource not yet created) is checked again once it is known.

use crate::diagnostics::Diagnostics;
use crate::path::AttributePath;
use crate::value::Value;

/// Checks one known, non-null attribute value.
pub trait Validator: Send + Sync {
    /// Adds diagnostics for `value` at `path`. Called only for known, non-null
    /// values; elements of collections may still be unknown.
    fn validate(&self, path: &AttributePath, value: &Value, diagnostics: &mut Diagnostics);

    /// One sentence for the docs, such as "Must be one of `GIT_BRANCH`, `GIT_TAG`."
    fn description(&self) -> String;
}

/// Accepts only the listed strings, and names them all in the error.
#[derive(Debug, Clone)]
pub struct OneOf(pub &'static [&'static str]);

impl Validator for OneOf {
    fn validate(&self, path: &AttributePath, value: &Value, diagnostics: &mut Diagnostics) {
        let Some(s) = value.as_str() else { return };
        if !self.0.contains(&s) {
            // Values are case-sensitive; a value that differs only in case gets a hint.
            let hint = self
                .0
                .iter()
                .find(|accepted| accepted.eq_ignore_ascii_case(s))
                .map(|accepted| format!(" Did you mean {accepted:?}? Values are case-sensitive."))
                .unwrap_or_default();
            diagnostics.attribute_error(
                path.clone(),
                "Invalid attribute value",
                format!(
                    "{path} is {s:?}, but it must be one of: {}.{hint}",
                    self.0.join(", ")
                ),
            );
        }
    }

    fn description(&self) -> String {
        let quoted: Vec<String> = self.0.iter().map(|v| format!("`{v}`")).collect();
        format!("Must be one of {}.", quoted.join(", "))
    }
}

/// Applies a string check to a string or to every known string element of a
/// list, set or map.
#[derive(Clone)]
pub struct StringCheck {
    /// Returns an error sentence for an invalid string.
    pub check: fn(&str) -> Result<(), String>,
    pub description: &'static str,
}

impl std::fmt::Debug for StringCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StringCheck")
            .field("description", &self.description)
            .finish()
    }
}

impl Validator for StringCheck {
    fn validate(&self, path: &AttributePath, value: &Value, diagnostics: &mut Diagnostics) {
        let mut check_one = |s: &str| {
            if let Err(reason) = (self.check)(s) {
                diagnostics.attribute_error(path.clone(), "Invalid attribute value", reason);
            }
        };
        match value {
            Value::String(s) => check_one(s),
            Value::List(items) | Value::Set(items) => {
                for item in items {
                    if let Value::String(s) = item {
                        check_one(s);
                    }
                }
            }
            Value::Map(entries) => {
                for item in entries.values() {
                    if let Value::String(s) = item {
                        check_one(s);
                    }
                }
            }
            _ => {}
        }
    }

    fn description(&self) -> String {
        self.description.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_of_detail(value: &str) -> String {
        let mut diagnostics = Diagnostics::new();
        OneOf(&["GIT_BRANCH", "GIT_TAG"]).validate(
            &AttributePath::root("push_type"),
            &Value::string(value),
            &mut diagnostics,
        );
        diagnostics.iter().map(|d| d.detail.clone()).collect()
    }

    #[test]
    fn one_of_lists_accepted_values() {
        let detail = one_of_detail("GIT_BRANCHE");
        assert!(detail.contains("GIT_BRANCH, GIT_TAG"), "{detail}");
        assert!(!detail.contains("Did you mean"), "{detail}");
    }

    #[test]
    fn one_of_hints_case_mismatch() {
        let detail = one_of_detail("git_branch");
        assert!(detail.contains("Did you mean \"GIT_BRANCH\"?"), "{detail}");
    }

    #[test]
    fn one_of_accepts_listed_value() {
        assert_eq!(one_of_detail("GIT_TAG"), "");
    }
}
