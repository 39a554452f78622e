//! API operations as `CrClient` methods, one file per group. Each method builds the action's
//! parameters, calls through the engine and decodes the typed result. Paging helpers live here.

mod build_record;
mod build_rule;
mod instance;
mod project_defined;
mod repository;
mod source_code_repo;
pub(crate) mod sts;
mod vpc;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::client::{decode, CrClient};
use crate::engine::Call;
use crate::error::{Error, Result};
use crate::model::{wire, Page};
use crate::params::Params;

/// Page size used when reading every page.
const FULL_LIST_PAGE_SIZE: i64 = 50;
/// Upper bound on pages read by one list, against a server that never reports the end.
const MAX_PAGES: i64 = 1000;

#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PageMeta {
    #[serde(default, deserialize_with = "wire::i64_or_zero")]
    page_no: i64,
    #[serde(default, deserialize_with = "wire::i64_or_zero")]
    page_size: i64,
    #[serde(default, deserialize_with = "wire::i64_or_zero")]
    total_count: i64,
}

/// Decodes a page whose items sit under `items_key`.
pub(crate) fn decode_page<T: DeserializeOwned>(
    action: &str,
    mut value: Value,
    items_key: &str,
) -> Result<Page<T>> {
    let items = value
        .get_mut(items_key)
        .map(Value::take)
        .unwrap_or(Value::Null);
    let items: Vec<T> = match items {
        Value::Null => Vec::new(),
        other => decode(action, other)?,
    };
    let meta: PageMeta = decode(action, value)?;
    Ok(Page {
        items,
        page_no: meta.page_no,
        page_size: meta.page_size,
        total_count: meta.total_count,
    })
}

impl CrClient {
    /// Reads every page of a `PageNo`/`PageSize` list.
    pub(crate) async fn list_all_pages<T: DeserializeOwned>(
        &self,
        action: &'static str,
        params: Params,
        items_key: &str,
    ) -> Result<Vec<T>> {
        let mut all = Vec::new();
        for page_no in 1..=MAX_PAGES {
            let page_params = params
                .clone()
                .put("PageNo", page_no.to_string())
                .put("PageSize", FULL_LIST_PAGE_SIZE.to_string());
            let value = self.call_cr(Call::post(action, page_params)).await?;
            let page: Page<T> = decode_page(action, value, items_key)?;
            let received = page.items.len() as i64;
            all.extend(page.items);
            let total_reached = page.total_count > 0 && all.len() as i64 >= page.total_count;
            if received == 0 || received < FULL_LIST_PAGE_SIZE || total_reached {
                return Ok(all);
            }
        }
        Err(Error::Response {
            action: action.to_owned(),
            http_status: 200,
            message: format!("the list did not end within {MAX_PAGES} pages"),
        })
    }
}
