//! Request parameters: the query string and a form body merged into one map, with the typed
//! readers every action uses (required values, booleans, integers, `Name.N` lists, paging).

use std::collections::BTreeMap;

use super::ApiError;

/// The decoded parameters of one request. Form-body values win over query values of the same name.
#[derive(Debug, Clone, Default)]
pub struct Params {
    values: BTreeMap<String, String>,
}

/// A 1-based page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: usize,
    pub size: usize,
}

impl Page {
    /// Selects this page's slice of `items`.
    pub fn slice<T>(&self, items: Vec<T>) -> Vec<T> {
        let skip = (self.number - 1).saturating_mul(self.size);
        items.into_iter().skip(skip).take(self.size).collect()
    }
}

impl Params {
    /// Decodes `application/x-www-form-urlencoded` text (`+` is a space) into `self`.
    pub fn merge_urlencoded(&mut self, text: &[u8]) {
        for (key, value) in url::form_urlencoded::parse(text) {
            self.values.insert(key.into_owned(), value.into_owned());
        }
    }

    /// Builds parameters from key/value pairs, as console calls and tests supply them.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let values = pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        Params { values }
    }

    /// Sets one parameter, replacing an earlier value.
    pub fn insert(&mut self, key: &str, value: &str) {
        self.values.insert(key.to_string(), value.to_string());
    }

    /// All parameters in byte order of their names, as signature V1 canonicalizes them.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Returns a parameter's value; an empty value counts as absent, as the SDKs never send one.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Returns a required parameter or `Missing<name>`.
    pub fn required(&self, name: &str) -> Result<&str, ApiError> {
        self.get(name).ok_or_else(|| ApiError::missing(name))
    }

    /// Reads a boolean; `true`/`false` in any letter case (the Python SDK sends `True`).
    pub fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        let Some(raw) = self.get(name) else {
            return Ok(None);
        };
        match raw.to_ascii_lowercase().as_str() {
            "true" => Ok(Some(true)),
            "false" => Ok(Some(false)),
            _ => Err(ApiError::invalid(name, raw, "expected true or false")),
        }
    }

    /// Reads a signed integer.
    pub fn int(&self, name: &str) -> Result<Option<i64>, ApiError> {
        let Some(raw) = self.get(name) else {
            return Ok(None);
        };
        raw.trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| ApiError::invalid(name, raw, "expected an integer"))
    }

    /// Reads a flattened list `Name.1`, `Name.2`, …; indexes are 1-based, may be sparse and are
    /// sorted numerically. Returns `None` when no `Name.N` parameter is present.
    pub fn list(&self, name: &str) -> Result<Option<Vec<String>>, ApiError> {
        let prefix = format!("{name}.");
        let mut indexed = Vec::new();
        for (key, value) in self.values.range(prefix.clone()..) {
            let Some(index) = key.strip_prefix(&prefix) else {
                break;
            };
            let n = index
                .parse::<u32>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| ApiError::invalid(key, value, "list indexes start at 1"))?;
            indexed.push((n, value.clone()));
        }
        if indexed.is_empty() {
            return Ok(None);
        }
        indexed.sort_by_key(|(n, _)| *n);
        Ok(Some(indexed.into_iter().map(|(_, v)| v).collect()))
    }

    /// Reads a value that must be one of `allowed` (compared exactly).
    pub fn one_of(&self, name: &str, allowed: &[&str]) -> Result<Option<&str>, ApiError> {
        let Some(raw) = self.get(name) else {
            return Ok(None);
        };
        if allowed.contains(&raw) {
            Ok(Some(raw))
        } else {
            let reason = format!("expected one of {}", allowed.join(", "));
            Err(ApiError::invalid(name, raw, &reason))
        }
    }

    /// Reads a page request from the named number and size parameters.
    pub fn page(
        &self,
        number_param: &str,
        size_param: &str,
        default_size: usize,
        max_size: usize,
    ) -> Result<Page, ApiError> {
        let number = self.int(number_param)?.unwrap_or(1);
        let size = self.int(size_param)?.unwrap_or(default_size as i64);
        if number < 1 {
            return Err(ApiError::invalid(
                number_param,
                &number.to_string(),
                "pages start at 1",
            ));
        }
        if size < 1 || size as usize > max_size {
            let reason = format!("the page size must be 1 to {max_size}");
            return Err(ApiError::invalid(size_param, &size.to_string(), &reason));
        }
        Ok(Page {
            number: number as usize,
            size: size as usize,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Params {
        let mut params = Params::default();
        params.merge_urlencoded(text.as_bytes());
        params
    }

    #[test]
    fn plus_is_space() {
        assert_eq!(parse("ImageTag=v1+beta").get("ImageTag"), Some("v1 beta"));
    }

    #[test]
    fn body_wins_over_query() {
        let mut params = parse("A=query");
        params.merge_urlencoded(b"A=body");
        assert_eq!(params.get("A"), Some("body"));
    }

    #[test]
    fn bool_any_case() {
        assert_eq!(parse("B=True").bool("B").ok().flatten(), Some(true));
        assert_eq!(parse("B=FALSE").bool("B").ok().flatten(), Some(false));
        assert!(parse("B=yes").bool("B").is_err());
    }

    #[test]
    fn list_sorted_by_index() {
        let params = parse("L.10=c&L.2=b&L.1=a&Lx=z");
        let list = params.list("L").ok().flatten();
        assert_eq!(list, Some(vec!["a".into(), "b".into(), "c".into()]));
    }

    #[test]
    fn list_rejects_zero_index() {
        assert!(parse("L.0=a").list("L").is_err());
    }

    #[test]
    fn list_absent() {
        assert_eq!(parse("X=1").list("L").ok().flatten(), None);
    }

    #[test]
    fn page_defaults_and_limits() {
        let page = parse("").page("PageNo", "PageSize", 30, 100).ok();
        assert_eq!(
            page,
            Some(Page {
                number: 1,
                size: 30
            })
        );
        assert!(parse("PageSize=101")
            .page("PageNo", "PageSize", 30, 100)
            .is_err());
    }
}
