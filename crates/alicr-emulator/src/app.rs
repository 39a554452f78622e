//! The state one running emulator shares between connections: the database handle, realism
//! settings, the request log (counts and concurrency), the nonce cache and the build-failure
//! switch.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};

use serde::Serialize;

use crate::realism::Realism;
use crate::seed::Seed;
use crate::store::Db;

/// How long a signature nonce stays remembered; also the allowed clock skew.
pub const NONCE_WINDOW_MS: i64 = 15 * 60 * 1000;

/// Shared emulator state.
#[derive(Debug)]
pub struct App {
    pub db: Db,
    pub seed: Seed,
    realism: RwLock<Realism>,
    requests: Mutex<HashMap<(String, String), u64>>,
    /// Per action: calls running now, and the most that ran at once.
    in_flight: Mutex<HashMap<String, (u64, u64)>>,
    nonces: Mutex<NonceCache>,
    fail_next_builds: AtomicU32,
    throttled: AtomicU64,
}

#[derive(Debug, Default)]
struct NonceCache {
    seen: HashMap<String, i64>,
    last_prune_ms: i64,
}

/// Request counts since start or the last reset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RequestCounts {
    pub total: u64,
    pub by_action: BTreeMap<String, u64>,
    pub by_account: BTreeMap<String, u64>,
    /// Counts keyed `Action/account_id`; the account is empty for unauthenticated calls.
    pub by_action_and_account: BTreeMap<String, u64>,
    /// Per action, the most authenticated calls that were being handled at the same time.
    pub peak_in_flight: BTreeMap<String, u64>,
}

/// Marks one call of an action as running until dropped; see [`App::start_call`].
#[derive(Debug)]
pub struct InFlight<'a> {
    app: &'a App,
    action: &'static str,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if let Ok(mut in_flight) = self.app.in_flight.lock() {
            if let Some((running, _)) = in_flight.get_mut(self.action) {
                *running = running.saturating_sub(1);
            }
        }
    }
}

impl RequestCounts {
    /// Calls of one action, from any account.
    pub fn action(&self, action: &str) -> u64 {
        self.by_action.get(action).copied().unwrap_or(0)
    }
}

impl App {
    /// Builds the shared state.
    pub fn new(db: Db, seed: Seed, realism: Realism) -> App {
        App {
            db,
            seed,
            realism: RwLock::new(realism),
            requests: Mutex::new(HashMap::new()),
            in_flight: Mutex::new(HashMap::new()),
            nonces: Mutex::new(NonceCache::default()),
            fail_next_builds: AtomicU32::new(0),
            throttled: AtomicU64::new(0),
        }
    }

    /// A copy of the current realism settings.
    pub fn realism(&self) -> Realism {
        match self.realism.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Replaces the realism settings.
    pub fn set_realism(&self, realism: Realism) {
        match self.realism.write() {
            Ok(mut guard) => *guard = realism,
            Err(poisoned) => *poisoned.into_inner() = realism,
        }
    }

    /// Counts one API call.
    pub fn record_request(&self, action: &str, account_id: &str) {
        if let Ok(mut counts) = self.requests.lock() {
            *counts
                .entry((action.to_string(), account_id.to_string()))
                .or_insert(0) += 1;
        }
    }

    /// Counts a call of `action` as running until the returned guard is dropped, so that
    /// tests can see how many calls a client sends at once.
    pub fn start_call(&self, action: &'static str) -> InFlight<'_> {
        if let Ok(mut in_flight) = self.in_flight.lock() {
            let (running, peak) = in_flight.entry(action.to_string()).or_insert((0, 0));
            *running += 1;
            *peak = (*peak).max(*running);
        }
        InFlight { app: self, action }
    }

    /// A snapshot of the request counts.
    pub fn request_counts(&self) -> RequestCounts {
        let mut out = RequestCounts::default();
        let Ok(counts) = self.requests.lock() else {
            return out;
        };
        for ((action, account), n) in counts.iter() {
            out.total += n;
            *out.by_action.entry(action.clone()).or_insert(0) += n;
            *out.by_account.entry(account.clone()).or_insert(0) += n;
            out.by_action_and_account
                .insert(format!("{action}/{account}"), *n);
        }
        drop(counts);
        if let Ok(in_flight) = self.in_flight.lock() {
            out.peak_in_flight = in_flight
                .iter()
                .map(|(action, (_, peak))| (action.clone(), *peak))
                .collect();
        }
        out
    }

    /// Clears the request counts.
    pub fn reset_requests(&self) {
        if let Ok(mut counts) = self.requests.lock() {
            counts.clear();
        }
        if let Ok(mut in_flight) = self.in_flight.lock() {
            in_flight.retain(|_, (running, peak)| {
                *peak = *running;
                *running > 0
            });
        }
    }

    /// Remembers a nonce; returns false if it was already used within the window.
    pub fn use_nonce(&self, nonce: &str, now_ms: i64) -> bool {
        let Ok(mut cache) = self.nonces.lock() else {
            return true;
        };
        if now_ms - cache.last_prune_ms > 60_000 {
            cache
                .seen
                .retain(|_, seen| now_ms - *seen < NONCE_WINDOW_MS);
            cache.last_prune_ms = now_ms;
        }
        match cache.seen.get(nonce) {
            Some(seen) if now_ms - *seen < NONCE_WINDOW_MS => false,
            _ => {
                cache.seen.insert(nonce.to_string(), now_ms);
                true
            }
        }
    }

    /// Counts one throttled response; true for every second one, which gets `x-acs-retry-after`.
    pub fn throttle_with_retry_after(&self) -> bool {
        self.throttled.fetch_add(1, Ordering::Relaxed) % 2 == 0
    }

    /// Makes the next `count` builds fail.
    pub fn fail_next_builds(&self, count: u32) {
        self.fail_next_builds.fetch_add(count, Ordering::SeqCst);
    }

    /// Consumes one pending build failure, if any.
    pub fn take_build_failure(&self) -> bool {
        self.fail_next_builds
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> App {
        let db = Db::open(None).unwrap_or_else(|e| panic!("in-memory database: {e}"));
        App::new(db, Seed::default_seed(), Realism::instant())
    }

    #[test]
    fn peak_in_flight_counts_overlapping_calls() {
        let app = app();
        let first = app.start_call("ListRepoBuildRule");
        let second = app.start_call("ListRepoBuildRule");
        drop(first);
        let third = app.start_call("ListRepoBuildRule");
        assert_eq!(app.request_counts().peak_in_flight["ListRepoBuildRule"], 2);
        drop((second, third));
        app.reset_requests();
        assert!(app.request_counts().peak_in_flight.is_empty());
    }

    #[test]
    fn reset_keeps_calls_still_running() {
        let app = app();
        let running = app.start_call("CreateRepoBuildRule");
        drop(app.start_call("CreateRepoBuildRule"));
        app.reset_requests();
        assert_eq!(
            app.request_counts().peak_in_flight["CreateRepoBuildRule"],
            1
        );
        drop(running);
    }
}
