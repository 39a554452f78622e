//! The `timeouts` block of alicr resources: one set of defaults per resource
//! type, passed both to the schema (so the docs name them) and to the lookup
//! (so the code uses them). Parsing and validation are the framework's.

use std::time::Duration;

use alicr_framework::schema::NestedBlock;
use alicr_framework::timeouts::{self as framework, Operation as FrameworkOperation, Timeouts};
use alicr_framework::{Diagnostics, Value};

/// Default timeout per operation of one resource type.
#[derive(Debug, Clone, Copy)]
pub struct Defaults {
    pub create: Duration,
    pub update: Duration,
    pub delete: Duration,
}

/// Operations a timeout can be set for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Create,
    Update,
    Delete,
}

impl Defaults {
    fn of(self, operation: Operation) -> (FrameworkOperation, Duration) {
        match operation {
            Operation::Create => (FrameworkOperation::Create, self.create),
            Operation::Update => (FrameworkOperation::Update, self.update),
            Operation::Delete => (FrameworkOperation::Delete, self.delete),
        }
    }
}

/// Builds the `timeouts` block, each default named in its description.
pub fn block(defaults: Defaults) -> NestedBlock {
    Timeouts::block_with_defaults(&[
        defaults.of(Operation::Create),
        defaults.of(Operation::Update),
        defaults.of(Operation::Delete),
    ])
}

/// Returns the configured timeout for `operation` from a configuration, plan
/// or state object, or the resource type's default.
// NOTE: only build-rule creates bound their API retries by this timeout. The
// other resources bound only their waits, so one call may retry past it.
pub fn get(object: &Value, operation: Operation, defaults: Defaults) -> Duration {
    let (operation, default) = defaults.of(operation);
    framework::timeout(object, operation, default)
}

/// Returns no diagnostics: the framework's duration validator on each
/// attribute of the block already reports invalid durations at validate time.
/// Kept so a resource's `validate_config` can add it beside its own checks.
pub fn validate(_config: &Value) -> Diagnostics {
    Diagnostics::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULTS: Defaults = Defaults {
        create: Duration::from_secs(600),
        update: Duration::from_secs(60),
        delete: Duration::from_secs(300),
    };

    #[test]
    fn default_used_when_unset() {
        assert_eq!(
            get(&Value::Null, Operation::Create, DEFAULTS),
            Duration::from_secs(600)
        );
    }

    #[test]
    fn configured_value_used() {
        let config = Value::object([(
            "timeouts",
            Value::object([
                ("delete", Value::string("90s")),
                ("create", Value::Null),
                ("update", Value::Null),
            ]),
        )]);
        assert_eq!(
            get(&config, Operation::Delete, DEFAULTS),
            Duration::from_secs(90)
        );
    }

    #[test]
    fn block_names_default() {
        let block = block(DEFAULTS);
        let create = block
            .block
            .find_attribute("create")
            .map(|a| a.description.clone())
            .unwrap_or_default();
        assert!(create.contains("10m"), "{create}");
    }
}
