//! Shared in-flight reads with a short result cache: concurrent identical reads (such as
//! listing one repository's build rules) share one API round, and the result is reused for
//! a few seconds until a write to the same object invalidates it.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::{BoxFuture, Shared};
use futures::FutureExt as _;

use crate::clock::Clock;
use crate::error::Result;

type SharedFetch<V> = Shared<BoxFuture<'static, Result<Arc<V>>>>;

enum Slot<V> {
    Pending { id: u64, fetch: SharedFetch<V> },
    Ready { value: Arc<V>, at: Instant },
}

struct State<K, V> {
    slots: HashMap<K, Slot<V>>,
    next_id: u64,
}

/// Coalesces reads of `V` by key `K`.
pub(crate) struct Coalescer<K, V> {
    ttl: Duration,
    clock: Arc<dyn Clock>,
    state: Mutex<State<K, V>>,
}

impl<K, V> std::fmt::Debug for Coalescer<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Coalescer")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl<K, V> Coalescer<K, V>
where
    K: Eq + Hash + Clone,
    V: Send + Sync + 'static,
{
    pub(crate) fn new(ttl: Duration, clock: Arc<dyn Clock>) -> Self {
        Self {
            ttl,
            clock,
            state: Mutex::new(State {
                slots: HashMap::new(),
                next_id: 0,
            }),
        }
    }

    /// Returns the cached or in-flight value for `key`, or starts `fetch` and shares it.
    pub(crate) async fn get<F>(&self, key: K, fetch: F) -> Result<Arc<V>>
    where
        F: FnOnce() -> BoxFuture<'static, Result<V>>,
    {
        let (id, shared) = match self.join_or_start(&key, fetch) {
            Ok(value) => return Ok(value),
            Err(pending) => pending,
        };
        let result = shared.await;
        self.settle(&key, id, &result);
        result
    }

    /// Returns `Ok` on a cache hit, or the id and future to await.
    fn join_or_start<F>(&self, key: &K, fetch: F) -> Result<Arc<V>, (u64, SharedFetch<V>)>
    where
        F: FnOnce() -> BoxFuture<'static, Result<V>>,
    {
        let now = self.clock.now();
        let mut state = match self.state.lock() {
            Ok(state) => state,
            Err(poisoned) => poisoned.into_inner(),
        };
        match state.slots.get(key) {
            Some(Slot::Ready { value, at }) if now.saturating_duration_since(*at) < self.ttl => {
                return Ok(Arc::clone(value));
            }
            Some(Slot::Pending { id, fetch }) => return Err((*id, fetch.clone())),
            _ => {}
        }
        let id = state.next_id;
        state.next_id += 1;
        let shared = fetch().map(|r| r.map(Arc::new)).boxed().shared();
        state.slots.insert(
            key.clone(),
            Slot::Pending {
                id,
                fetch: shared.clone(),
            },
        );
        Err((id, shared))
    }

    /// Stores a finished fetch, unless the key was invalidated while it ran.
    fn settle(&self, key: &K, id: u64, result: &Result<Arc<V>>) {
        let mut state = match self.state.lock() {
            Ok(state) => state,
            Err(poisoned) => poisoned.into_inner(),
        };
        let still_current = matches!(state.slots.get(key), Some(Slot::Pending { id: current, .. }) if *current == id);
        if !still_current {
            return;
        }
        match result {
            Ok(value) => {
                let at = self.clock.now();
                state.slots.insert(
                    key.clone(),
                    Slot::Ready {
                        value: Arc::clone(value),
                        at,
                    },
                );
            }
            Err(_) => {
                state.slots.remove(key);
            }
        }
    }

    /// Drops cached and in-flight entries whose key matches, so the next read refetches.
    pub(crate) fn invalidate(&self, matches: impl Fn(&K) -> bool) {
        let mut state = match self.state.lock() {
            Ok(state) => state,
            Err(poisoned) => poisoned.into_inner(),
        };
        state.slots.retain(|key, _| !matches(key));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::clock::ManualClock;
    use crate::error::Error;

    fn counting_fetch(
        counter: &Arc<AtomicUsize>,
    ) -> impl FnOnce() -> BoxFuture<'static, Result<u32>> {
        let counter = Arc::clone(counter);
        move || {
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::task::yield_now().await;
                Ok(7)
            }
            .boxed()
        }
    }

    #[tokio::test]
    async fn concurrent_reads_share_fetch() {
        let coalescer =
            Coalescer::<&str, u32>::new(Duration::from_secs(2), Arc::new(ManualClock::new()));
        let counter = Arc::new(AtomicUsize::new(0));
        let reads = (0..50).map(|_| coalescer.get("repo", counting_fetch(&counter)));
        let results = futures::future::join_all(reads).await;
        assert!(results.iter().all(|r| matches!(r, Ok(v) if **v == 7)));
        assert_eq!(counter.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn cache_expires_after_ttl() {
        let clock = ManualClock::new();
        let coalescer =
            Coalescer::<&str, u32>::new(Duration::from_secs(2), Arc::new(clock.clone()));
        let counter = Arc::new(AtomicUsize::new(0));
        coalescer
            .get("repo", counting_fetch(&counter))
            .await
            .unwrap();
        coalescer
            .get("repo", counting_fetch(&counter))
            .await
            .unwrap();
        assert_eq!(counter.load(Ordering::SeqCst), 1);
        clock.advance(Duration::from_secs(3));
        coalescer
            .get("repo", counting_fetch(&counter))
            .await
            .unwrap();
        assert_eq!(counter.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn invalidate_forces_refetch() {
        let coalescer =
            Coalescer::<&str, u32>::new(Duration::from_secs(2), Arc::new(ManualClock::new()));
        let counter = Arc::new(AtomicUsize::new(0));
        coalescer
            .get("repo", counting_fetch(&counter))
            .await
            .unwrap();
        coalescer.invalidate(|k| *k == "repo");
        coalescer
            .get("repo", counting_fetch(&counter))
            .await
            .unwrap();
        assert_eq!(counter.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn errors_not_cached() {
        let coalescer =
            Coalescer::<&str, u32>::new(Duration::from_secs(2), Arc::new(ManualClock::new()));
        let failing = || {
            async {
                Err(Error::Cancelled {
                    action: "ListRepoBuildRule".into(),
                })
            }
            .boxed()
        };
        assert!(coalescer.get("repo", failing).await.is_err());
        let counter = Arc::new(AtomicUsize::new(0));
        coalescer
            .get("repo", counting_fetch(&counter))
            .await
            .unwrap();
        assert_eq!(counter.load(Ordering::SeqCst), 1);
    }
}
