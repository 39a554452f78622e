//! Checks a resource's result against the rules Terraform applies after plan,
//! apply and read, and turns every violation into a diagnostic that names the
//! attribute, before Terraform would report "Provider produced inconsistent
//! result".
//!
//! Each check also returns the value the framework should send instead. After
//! apply, the planned value replaces a mismatch, so Terraform saves a state
//! that matches the plan (a failed create is then saved as tainted). After
//! read, an unknown value is replaced by null. Values of sensitive
//! attributes never appear in a message.

mod apply;
mod plan;
mod read;

pub use apply::check_apply;
pub use plan::check_plan;
pub use read::{check_read, keep_equivalent};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::path::AttributePath;
use crate::value::Value;

/// One broken rule, at one attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub path: AttributePath,
    /// A sentence saying what is wrong, with values unless they are sensitive.
    pub problem: String,
}

/// The phase whose result was checked; it picks the diagnostic's summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Plan,
    Apply,
    Read,
}

impl Phase {
    fn summary(self) -> &'static str {
        match self {
            Phase::Plan => "Provider produced an invalid plan",
            Phase::Apply => "Provider returned an inconsistent value",
            Phase::Read => "Provider returned an invalid value",
        }
    }
}

/// Turns violations into error diagnostics that name the resource type and the
/// attribute.
pub fn to_diagnostics(phase: Phase, type_name: &str, violations: Vec<Violation>) -> Diagnostics {
    violations
        .into_iter()
        .map(|v| {
            let detail = format!(
                "{type_name}: {} This is a bug in the provider; please report it.",
                v.problem
            );
            let diagnostic = Diagnostic::error(phase.summary(), detail);
            if v.path.is_empty() {
                diagnostic
            } else {
                diagnostic.with_attribute(v.path)
            }
        })
        .collect()
}

/// Maximum length of a rendered value in a message.
const MAX_RENDERED: usize = 120;

/// Renders a value for a message in Terraform's syntax, or a placeholder for
/// sensitive values.
pub fn render(value: &Value, sensitive: bool) -> String {
    if sensitive {
        return "(sensitive value)".to_string();
    }
    let mut text = String::new();
    write_value(value, &mut text);
    if text.chars().count() > MAX_RENDERED {
        let cut: String = text.chars().take(MAX_RENDERED).collect();
        return format!("{cut}...");
    }
    text
}

fn write_value(value: &Value, out: &mut String) {
    let join = |items: &mut dyn Iterator<Item = String>| items.collect::<Vec<_>>().join(", ");
    let render_one = |v: &Value| {
        let mut s = String::new();
        write_value(v, &mut s);
        s
    };
    match value {
        Value::Unknown => out.push_str("(known after apply)"),
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(&b.to_string()),
        Value::Number(n) => out.push_str(&crate::number::decimal_string(n)),
        Value::String(s) => out.push_str(&format!("{s:?}")),
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
            out.push_str(&format!("[{}]", join(&mut items.iter().map(render_one))));
        }
        Value::Map(entries) | Value::Object(entries) => {
            let mut parts = entries
                .iter()
                .map(|(k, v)| format!("{k} = {}", render_one(v)));
            out.push_str(&format!("{{{}}}", join(&mut parts)));
        }
        Value::Dynamic(_, inner) => write_value(inner, out),
    }
}

/// Lists the paths of unknown values inside `value`; a path stops at a set.
pub fn unknown_paths(value: &Value, path: &AttributePath, out: &mut Vec<AttributePath>) {
    match value {
        Value::Unknown => out.push(path.clone()),
        Value::List(items) | Value::Tuple(items) => {
            for (i, item) in items.iter().enumerate() {
                unknown_paths(
                    item,
                    &path.clone().index(i64::try_from(i).unwrap_or(i64::MAX)),
                    out,
                );
            }
        }
        Value::Set(items) if !items.iter().all(Value::is_wholly_known) => out.push(path.clone()),
        Value::Map(entries) => {
            for (key, item) in entries {
                unknown_paths(item, &path.clone().key(key), out);
            }
        }
        Value::Object(entries) => {
            for (name, item) in entries {
                unknown_paths(item, &path.clone().attribute(name), out);
            }
        }
        Value::Dynamic(_, inner) => unknown_paths(inner, path, out),
        _ => {}
    }
}

/// Returns whether `actual` is a valid result for `planned`: equal where
/// `planned` is known, anything where it is unknown. Set elements are
/// matched in both directions.
pub fn compatible(planned: &Value, actual: &Value) -> bool {
    match (planned, actual) {
        (Value::Unknown, _) => true,
        (Value::List(p), Value::List(a)) | (Value::Tuple(p), Value::Tuple(a)) => {
            p.len() == a.len() && p.iter().zip(a).all(|(x, y)| compatible(x, y))
        }
        (Value::Set(p), Value::Set(a)) => {
            p.iter().all(|x| a.iter().any(|y| compatible(x, y)))
                && a.iter().all(|y| p.iter().any(|x| compatible(x, y)))
        }
        (Value::Map(p), Value::Map(a)) | (Value::Object(p), Value::Object(a)) => {
            p.len() == a.len()
                && p.iter()
                    .all(|(k, x)| a.get(k).is_some_and(|y| compatible(x, y)))
        }
        (Value::Dynamic(tp, p), Value::Dynamic(ta, a)) => tp == ta && compatible(p, a),
        _ => planned == actual,
    }
}
