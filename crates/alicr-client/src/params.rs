//! Action parameters in wire form: strings keyed by PascalCase names, lists flattened as
//! `Name.1`, `Name.2`, … and booleans as `true`/`false`. Debug prints keys only, because
//! parameters can carry tokens.

use std::fmt;

use crate::secret::Secret;

/// Ordered action parameters.
#[derive(Clone, Default)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    pub(crate) fn put(mut self, key: &str, value: impl Into<String>) -> Self {
        self.0.push((key.to_owned(), value.into()));
        self
    }

    pub(crate) fn put_opt(self, key: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.put(key, v),
            None => self,
        }
    }

    pub(crate) fn put_bool(self, key: &str, value: bool) -> Self {
        self.put(key, if value { "true" } else { "false" })
    }

    pub(crate) fn put_secret(self, key: &str, value: &Secret) -> Self {
        self.put(key, value.expose())
    }

    /// Adds `key.1 … key.N`; an empty list adds nothing, which the API reads as empty.
    pub(crate) fn put_list(mut self, key: &str, values: &[String]) -> Self {
        for (index, value) in values.iter().enumerate() {
            self.0.push((format!("{key}.{}", index + 1), value.clone()));
        }
        self
    }

    pub(crate) fn contains(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    pub(crate) fn pairs(&self) -> &[(String, String)] {
        &self.0
    }
}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(k, _)| k))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_flattened_one_based() {
        let params = Params::new().put_list("Platforms", &["a".into(), "b".into()]);
        assert_eq!(
            params.pairs()[1],
            ("Platforms.2".to_owned(), "b".to_owned())
        );
    }

    #[test]
    fn debug_hides_values() {
        let params = Params::new().put_secret("PrivateToken", &Secret::new("glpat-123"));
        assert!(!format!("{params:?}").contains("glpat"));
    }

    #[test]
    fn bool_lowercase() {
        let params = Params::new().put_bool("AutoBuild", true);
        assert_eq!(params.pairs()[0].1, "true");
    }
}
