//! Time source for signing, retries, deadlines and caches. Production code uses
//! [`SystemClock`]; tests inject [`ManualClock`] so backoff runs without real waiting.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use futures::FutureExt as _;
use time::OffsetDateTime;

/// Wall time, monotonic time and sleeping, as one injectable unit.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Current wall-clock time, for signature timestamps and credential expiry.
    fn now_utc(&self) -> OffsetDateTime;
    /// Current monotonic time, for deadlines and cache ages.
    fn now(&self) -> Instant;
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

/// The real clock, backed by the OS and tokio timers.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_utc(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }

    fn now(&self) -> Instant {
        Instant::now()
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        tokio::time::sleep(duration).boxed()
    }
}

/// A test clock: `sleep` returns at once after advancing the clock and recording the duration.
#[derive(Debug, Clone)]
pub struct ManualClock {
    state: Arc<Mutex<ManualState>>,
}

#[derive(Debug)]
struct ManualState {
    start: Instant,
    start_utc: OffsetDateTime,
    elapsed: Duration,
    sleeps: Vec<Duration>,
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl ManualClock {
    /// Starts a clock at the real current time.
    pub fn new() -> Self {
        let state = ManualState {
            start: Instant::now(),
            start_utc: OffsetDateTime::now_utc(),
            elapsed: Duration::ZERO,
            sleeps: Vec::new(),
        };
        Self {
            state: Arc::new(Mutex::new(state)),
        }
    }

    /// Moves the clock forward without recording a sleep.
    pub fn advance(&self, duration: Duration) {
        if let Ok(mut state) = self.state.lock() {
            state.elapsed += duration;
        }
    }

    /// Returns every duration passed to `sleep`, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.state
            .lock()
            .map(|s| s.sleeps.clone())
            .unwrap_or_default()
    }
}

impl Clock for ManualClock {
    fn now_utc(&self) -> OffsetDateTime {
        self.state
            .lock()
            .map(|s| s.start_utc + s.elapsed)
            .unwrap_or_else(|_| OffsetDateTime::now_utc())
    }

    fn now(&self) -> Instant {
        self.state
            .lock()
            .map(|s| s.start + s.elapsed)
            .unwrap_or_else(|_| Instant::now())
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        if let Ok(mut state) = self.state.lock() {
            state.elapsed += duration;
            state.sleeps.push(duration);
        }
        tokio::task::yield_now().boxed()
    }
}
