//! Attribute paths: where in a configuration, plan or state a value sits, so a
//! diagnostic can point at the exact line of the user's configuration.

use std::fmt;

/// One step of an [`AttributePath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    /// An object attribute or a nested block's name.
    Attribute(String),
    /// A map key or a map block label.
    ElementKeyString(String),
    /// A list or tuple index.
    ElementKeyInt(i64),
}

/// A path from the root object of a schema to one value. Set elements cannot be
/// addressed; a path stops at the set itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttributePath {
    pub steps: Vec<Step>,
}

impl AttributePath {
    /// The path of a top-level attribute or block.
    pub fn root(name: &str) -> AttributePath {
        AttributePath {
            steps: vec![Step::Attribute(name.to_string())],
        }
    }

    pub fn attribute(mut self, name: &str) -> AttributePath {
        self.steps.push(Step::Attribute(name.to_string()));
        self
    }

    pub fn index(mut self, index: i64) -> AttributePath {
        self.steps.push(Step::ElementKeyInt(index));
        self
    }

    pub fn key(mut self, key: &str) -> AttributePath {
        self.steps.push(Step::ElementKeyString(key.to_string()));
        self
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

impl fmt::Display for AttributePath {
    /// Formats the path as Terraform prints it: `rule[1].port`, `tags["env"]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.steps.iter().enumerate() {
            match step {
                Step::Attribute(name) if i == 0 => write!(f, "{name}")?,
                Step::Attribute(name) => write!(f, ".{name}")?,
                Step::ElementKeyString(key) => write!(f, "[{key:?}]")?,
                Step::ElementKeyInt(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}
