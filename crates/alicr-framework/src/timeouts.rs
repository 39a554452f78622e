//! The `timeouts` block (`create`, `read`, `update`, `delete` as duration strings
//! like `"30s"`, `"10m"`, `"1h30m"`), which resources add to their schema and
//! read with a default per operation.
//!
//! Durations are validated at validate time, so `timeouts { create = "10x" }`
//! fails with an error pointing at `timeouts.create` before anything runs.

use std::time::Duration;

use crate::diagnostics::Diagnostics;
use crate::path::AttributePath;
use crate::schema::{Attribute, Block, NestedBlock, NestingMode};
use crate::validators::Validator;
use crate::value::Value;

/// The name of the block in the schema and configuration.
pub const BLOCK_NAME: &str = "timeouts";

/// An operation that can have its own timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    Create,
    Read,
    Update,
    Delete,
}

impl Operation {
    /// Returns the attribute name inside the `timeouts` block.
    pub fn attribute_name(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Read => "read",
            Operation::Update => "update",
            Operation::Delete => "delete",
        }
    }
}

/// Builds the `timeouts` block.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts;

impl Timeouts {
    /// Builds a single `timeouts` block with one optional duration string per
    /// operation, described without a default.
    pub fn block(operations: &[Operation]) -> NestedBlock {
        let attributes = operations.iter().map(|op| attribute(*op, None)).collect();
        timeouts_block(attributes)
    }

    /// Like [`Timeouts::block`], with each operation's default named in its
    /// description, such as "Default: `20m`.". Pass the same defaults to
    /// [`timeout`].
    pub fn block_with_defaults(defaults: &[(Operation, Duration)]) -> NestedBlock {
        let attributes = defaults
            .iter()
            .map(|(op, default)| attribute(*op, Some(*default)))
            .collect();
        timeouts_block(attributes)
    }
}

fn timeouts_block(attributes: Vec<Attribute>) -> NestedBlock {
    let block = Block {
        attributes,
        description: "How long each operation may take before Terraform gives up on it.".into(),
        ..Block::default()
    };
    NestedBlock::new(BLOCK_NAME, NestingMode::Single, block)
}

fn attribute(op: Operation, default: Option<Duration>) -> Attribute {
    let mut description = format!(
        "Maximum time for the {} operation, as a duration such as `30s`, `10m` or `1h30m`.",
        op.attribute_name()
    );
    if let Some(default) = default {
        description.push_str(&format!(" Default: `{}`.", format_duration(default)));
    }
    Attribute::string(op.attribute_name())
        .optional()
        .description(&description)
        .validator(DurationValidator)
}

/// Error from parsing a duration string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("the duration is empty")]
    Empty,
    #[error("{0:?} is missing a number before a unit")]
    MissingNumber(String),
    #[error("{0:?} is missing a unit (h, m, s or ms) after a number")]
    MissingUnit(String),
    #[error("{text:?} uses the unknown unit {unit:?}; use h, m, s or ms")]
    UnknownUnit { text: String, unit: String },
    #[error("{0:?} is too long")]
    Overflow(String),
    #[error("{0:?} is longer than the maximum of {MAX_DURATION_YEARS} years")]
    TooLong(String),
}

/// Maximum duration [`parse_duration`] accepts, in years of 365 days. Longer
/// values are surely mistakes, and rejecting them keeps every deadline that
/// adds a duration to the current time far from overflow.
pub const MAX_DURATION_YEARS: u64 = 100;

/// [`MAX_DURATION_YEARS`] as a duration.
pub const MAX_DURATION: Duration = Duration::from_secs(MAX_DURATION_YEARS * 365 * 24 * 3600);

/// Parses a duration such as `30s`, `10m`, `1h30m` or `500ms`: one or more
/// whole numbers, each followed by a unit.
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(DurationError::Empty);
    }
    let mut total = Duration::ZERO;
    let mut rest = trimmed;
    while !rest.is_empty() {
        let digits_end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits_end == 0 {
            return Err(DurationError::MissingNumber(trimmed.to_string()));
        }
        let number: u64 = rest[..digits_end]
            .parse()
            .map_err(|_| DurationError::Overflow(trimmed.to_string()))?;
        rest = &rest[digits_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = &rest[..unit_end];
        rest = &rest[unit_end..];
        let part = match unit {
            "" => return Err(DurationError::MissingUnit(trimmed.to_string())),
            "h" => number.checked_mul(3600).map(Duration::from_secs),
            "m" => number.checked_mul(60).map(Duration::from_secs),
            "s" => Some(Duration::from_secs(number)),
            "ms" => Some(Duration::from_millis(number)),
            other => {
                return Err(DurationError::UnknownUnit {
                    text: trimmed.to_string(),
                    unit: other.to_string(),
                })
            }
        };
        total = part
            .and_then(|p| total.checked_add(p))
            .ok_or_else(|| DurationError::Overflow(trimmed.to_string()))?;
        if total > MAX_DURATION {
            return Err(DurationError::TooLong(trimmed.to_string()));
        }
    }
    Ok(total)
}

/// Formats a duration in the form [`parse_duration`] reads, such as `1h30m`.
pub fn format_duration(duration: Duration) -> String {
    let secs = duration.as_secs();
    let millis = duration.subsec_millis();
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    let mut out = String::new();
    for (amount, unit) in [(h, "h"), (m, "m"), (s, "s"), (u64::from(millis), "ms")] {
        if amount > 0 {
            out.push_str(&format!("{amount}{unit}"));
        }
    }
    if out.is_empty() {
        out.push_str("0s");
    }
    out
}

/// Validates a duration string attribute.
#[derive(Debug, Clone, Copy)]
pub struct DurationValidator;

impl Validator for DurationValidator {
    fn validate(&self, path: &AttributePath, value: &Value, diagnostics: &mut Diagnostics) {
        let Some(text) = value.as_str() else { return };
        if let Err(e) = parse_duration(text) {
            diagnostics.attribute_error(
                path.clone(),
                "Invalid duration",
                format!("{path} is invalid: {e}. Write a duration such as \"30s\", \"10m\" or \"1h30m\"."),
            );
        }
    }

    fn description(&self) -> String {
        "Must be a duration such as `30s`, `10m` or `1h30m`.".into()
    }
}

/// Returns the timeout for `op` from a resource's state, plan or configuration
/// object, or `default` when the block or attribute is absent, unknown or
/// invalid (validation has already reported an invalid one).
pub fn timeout(state_or_config: &Value, op: Operation, default: Duration) -> Duration {
    state_or_config
        .get(BLOCK_NAME)
        .get(op.attribute_name())
        .as_str()
        .and_then(|text| parse_duration(text).ok())
        .unwrap_or(default)
}

/// Keeps the prior `timeouts` block when a refreshed state leaves it null: the
/// block is configuration only, so a read never finds it remotely, and
/// dropping it would plan a needless update.
pub fn keep_prior_timeouts(block: &Block, prior: &Value, mut new: Value) -> Value {
    let declared = block.blocks.iter().any(|b| b.type_name == BLOCK_NAME);
    let prior_timeouts = prior.get(BLOCK_NAME);
    if declared && new.get(BLOCK_NAME).is_null() && prior_timeouts.is_known() {
        new.set(BLOCK_NAME, prior_timeouts.clone());
    }
    new
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_duration_forms() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
    }

    #[test]
    fn parse_duration_errors() {
        assert_eq!(parse_duration(""), Err(DurationError::Empty));
        assert_eq!(
            parse_duration("10"),
            Err(DurationError::MissingUnit("10".into()))
        );
        assert_eq!(
            parse_duration("m"),
            Err(DurationError::MissingNumber("m".into()))
        );
        assert!(matches!(
            parse_duration("10x"),
            Err(DurationError::UnknownUnit { .. })
        ));
        assert!(matches!(
            parse_duration("-5m"),
            Err(DurationError::MissingNumber(_))
        ));
        assert!(matches!(
            parse_duration("99999999999999999999h"),
            Err(DurationError::Overflow(_))
        ));
    }

    #[test]
    fn parse_duration_rejects_u64_seconds() {
        assert!(matches!(
            parse_duration("18446744073709551615s"),
            Err(DurationError::TooLong(_))
        ));
    }

    #[test]
    fn parse_duration_accepts_maximum() {
        let hours = MAX_DURATION_YEARS * 365 * 24;
        assert_eq!(parse_duration(&format!("{hours}h")), Ok(MAX_DURATION));
    }

    #[test]
    fn parse_duration_rejects_above_maximum() {
        let hours = MAX_DURATION_YEARS * 365 * 24;
        assert!(matches!(
            parse_duration(&format!("{hours}h1ms")),
            Err(DurationError::TooLong(_))
        ));
    }

    #[test]
    fn format_duration_round_trip() {
        let d = Duration::from_secs(5400);
        assert_eq!(format_duration(d), "1h30m");
        assert_eq!(parse_duration(&format_duration(d)), Ok(d));
    }

    #[test]
    fn timeout_reads_block() {
        let state = Value::object([("timeouts", Value::object([("create", Value::from("5m"))]))]);
        assert_eq!(
            timeout(&state, Operation::Create, Duration::from_secs(1)),
            Duration::from_secs(300)
        );
    }

    #[test]
    fn timeout_default_when_absent() {
        let state = Value::object([("timeouts", Value::Null)]);
        assert_eq!(
            timeout(&state, Operation::Delete, Duration::from_secs(7)),
            Duration::from_secs(7)
        );
    }

    #[test]
    fn validator_names_path() {
        let mut diagnostics = Diagnostics::new();
        let path = AttributePath::root("timeouts").attribute("create");
        DurationValidator.validate(&path, &Value::from("soon"), &mut diagnostics);
        let attribute = diagnostics.iter().next().and_then(|d| d.attribute.clone());
        assert_eq!(attribute, Some(path));
    }

    #[test]
    fn block_describes_default() {
        let block =
            Timeouts::block_with_defaults(&[(Operation::Create, Duration::from_secs(1200))]);
        let description = block
            .block
            .attributes
            .first()
            .map(|a| a.description.clone())
            .unwrap_or_default();
        assert!(description.contains("Default: `20m`."), "{description}");
    }
}
