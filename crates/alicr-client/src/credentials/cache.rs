//! Cache for temporary credentials with single-flight refresh: concurrent callers wait on one
//! refresh instead of each fetching, and keys are renewed before they expire.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;
use tokio::sync::Mutex;

use super::Credentials;
use crate::clock::Clock;
use crate::error::Result;

/// Keys are renewed this long before expiry, as the Alibaba credentials SDK does, or after
/// half their lifetime when they live shorter than twice this.
const REFRESH_MARGIN: Duration = Duration::from_secs(15 * 60);

#[derive(Debug)]
struct Cached {
    credentials: Credentials,
    refresh_at: OffsetDateTime,
}

/// Holds the current temporary credentials.
#[derive(Debug)]
pub(crate) struct RefreshCache {
    slot: Mutex<Option<Cached>>,
    clock: Arc<dyn Clock>,
}

impl RefreshCache {
    pub(crate) fn new(clock: Arc<dyn Clock>) -> Self {
        Self {
            slot: Mutex::new(None),
            clock,
        }
    }

    /// Returns cached credentials, or runs `fetch` once while other callers wait for it.
    pub(crate) async fn get_or_refresh<F, Fut>(&self, fetch: F) -> Result<Credentials>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Credentials>>,
    {
        let mut slot = self.slot.lock().await;
        let now = self.clock.now_utc();
        if let Some(cached) = slot.as_ref().filter(|c| now < c.refresh_at) {
            return Ok(cached.credentials.clone());
        }
        let credentials = fetch().await?;
        let refresh_at = refresh_time(now, credentials.expiration);
        *slot = Some(Cached {
            credentials: credentials.clone(),
            refresh_at,
        });
        Ok(credentials)
    }
}

fn refresh_time(fetched: OffsetDateTime, expiration: Option<OffsetDateTime>) -> OffsetDateTime {
    let Some(expiration) = expiration else {
        return fetched + Duration::from_secs(3600);
    };
    let lifetime = expiration - fetched;
    let margin = time::Duration::try_from(REFRESH_MARGIN).unwrap_or(time::Duration::ZERO);
    expiration - margin.min(lifetime / 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn refresh_fifteen_minutes_early() {
        let fetched = datetime!(2024-01-01 00:00 UTC);
        let refresh = refresh_time(fetched, Some(datetime!(2024-01-01 01:00 UTC)));
        assert_eq!(refresh, datetime!(2024-01-01 00:45 UTC));
    }

    #[test]
    fn refresh_short_lifetime_at_half() {
        let fetched = datetime!(2024-01-01 00:00 UTC);
        let refresh = refresh_time(fetched, Some(datetime!(2024-01-01 00:15 UTC)));
        assert_eq!(refresh, datetime!(2024-01-01 00:07:30 UTC));
    }
}
