//! `CrClient`: the cheap-to-clone handle every operation hangs off, its per-call options
//! (deadline and cancellation), and construction from a [`Config`] without network calls.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::clock::{Clock, SystemClock};
use crate::coalesce::Coalescer;
use crate::config::{Config, ResolvedEndpoints};
use crate::credentials::CredentialProvider;
use crate::engine::{self, Call, Engine, Target};
use crate::error::{Error, Result};
use crate::model::{BuildRule, BuildVpcLink};
use crate::retry::RetryPolicy;
use crate::transport::Transport;

pub(crate) const CR_VERSION: &str = "2018-12-01";
pub(crate) const VPC_VERSION: &str = "2016-04-28";

/// How long a coalesced list result is reused.
const READ_CACHE_TTL: Duration = Duration::from_secs(2);

/// Limits for the calls made through one handle.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// No attempt starts and no backoff runs past this instant; a Terraform timeout maps here.
    pub deadline: Option<Instant>,
    /// Cancelling it stops waiting at once with [`Error::Cancelled`] (Ctrl-C, StopProvider).
    pub cancel: CancellationToken,
}

/// Client for Container Registry, VPC and STS. Clones share connections, credentials and caches.
#[derive(Debug, Clone)]
pub struct CrClient {
    pub(crate) inner: Arc<Inner>,
    pub(crate) options: CallOptions,
}

#[derive(Debug)]
pub(crate) struct Inner {
    region: String,
    pub(crate) engine: Arc<Engine>,
    pub(crate) endpoints: ResolvedEndpoints,
    credentials: CredentialProvider,
    /// Keyed by (instance ID, repository ID).
    pub(crate) build_rules: Coalescer<(String, String), Vec<BuildRule>>,
    /// Keyed by instance ID.
    pub(crate) vpc_links: Coalescer<String, Vec<BuildVpcLink>>,
}

impl CrClient {
    /// Builds a client; validates the configuration and reads a profile file if one is
    /// configured, but sends nothing.
    pub fn new(config: Config) -> Result<Self> {
        Self::with_clock(config, Arc::new(SystemClock))
    }

    /// Builds a client with an injected clock, for tests of retries and caches.
    pub fn with_clock(config: Config, clock: Arc<dyn Clock>) -> Result<Self> {
        let endpoints = ResolvedEndpoints::resolve(&config.region, &config.endpoints)?;
        let user_agent = match config.user_agent_suffix.as_deref().map(str::trim) {
            Some(suffix) if !suffix.is_empty() => {
                format!("alicr/{} {suffix}", env!("CARGO_PKG_VERSION"))
            }
            _ => format!("alicr/{}", env!("CARGO_PKG_VERSION")),
        };
        let transport = Transport::new(
            &user_agent,
            config.connect_timeout,
            config.ca_bundle.as_deref(),
        )?;
        let engine = Arc::new(Engine {
            transport,
            clock: Arc::clone(&clock),
            retry: RetryPolicy::new(config.max_retries),
            signature: config.signature_version,
            request_timeout: config.request_timeout,
        });
        let credentials = CredentialProvider::build(&config, &engine, &endpoints.sts)?;
        let inner = Inner {
            region: config.region,
            engine,
            endpoints,
            credentials,
            build_rules: Coalescer::new(READ_CACHE_TTL, Arc::clone(&clock)),
            vpc_links: Coalescer::new(READ_CACHE_TTL, clock),
        };
        Ok(Self {
            inner: Arc::new(inner),
            options: CallOptions::default(),
        })
    }

    /// Returns the configured region ID.
    pub fn region(&self) -> &str {
        &self.inner.region
    }

    /// Returns a handle whose calls use `options`; shares everything else with `self`.
    pub fn with_options(&self, options: CallOptions) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
            options,
        }
    }

    /// Returns a handle whose calls stop at `deadline`.
    pub fn with_deadline(&self, deadline: Instant) -> Self {
        self.with_options(CallOptions {
            deadline: Some(deadline),
            cancel: self.options.cancel.clone(),
        })
    }

    /// Returns a handle whose calls stop when `cancel` is cancelled.
    pub fn with_cancel(&self, cancel: CancellationToken) -> Self {
        self.with_options(CallOptions {
            deadline: self.options.deadline,
            cancel,
        })
    }

    /// Returns a handle without this handle's deadline and cancellation, for shared reads.
    pub(crate) fn unbounded(&self) -> Self {
        self.with_options(CallOptions::default())
    }

    pub(crate) async fn call_cr(&self, call: Call) -> Result<Value> {
        let target = Target {
            url: &self.inner.endpoints.cr,
            version: CR_VERSION,
        };
        self.inner
            .engine
            .execute(target, &call, &self.inner.credentials, &self.options)
            .await
    }

    pub(crate) async fn call_vpc(&self, call: Call) -> Result<Value> {
        let target = Target {
            url: &self.inner.endpoints.vpc,
            version: VPC_VERSION,
        };
        self.inner
            .engine
            .execute(target, &call, &self.inner.credentials, &self.options)
            .await
    }

    /// Waits for a shared read, but gives up on this handle's deadline or cancellation.
    pub(crate) async fn bounded<T>(
        &self,
        action: &str,
        read: BoxFuture<'_, Result<T>>,
    ) -> Result<T> {
        let left = engine::time_left(self.inner.engine.clock.as_ref(), self.options.deadline);
        // A real timer, not the injected clock: a test clock's sleep returns at once.
        let timeout = async {
            match left {
                Some(left) => tokio::time::sleep(left).await,
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            result = read => result,
            () = self.options.cancel.cancelled() => Err(Error::Cancelled { action: action.to_owned() }),
            () = timeout => Err(Error::Timeout { action: action.to_owned(), attempts: 0, last_error: None }),
        }
    }
}

/// Decodes a response body into `T`.
pub(crate) fn decode<T: DeserializeOwned>(action: &str, value: Value) -> Result<T> {
    serde_json::from_value(value).map_err(|e| Error::Response {
        action: action.to_owned(),
        http_status: 200,
        message: format!("the response does not match the expected shape: {e}"),
    })
}

/// Returns a required string field of a response.
pub(crate) fn field(action: &str, value: &Value, name: &str) -> Result<String> {
    match value.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        _ => Err(Error::Response {
            action: action.to_owned(),
            http_status: 200,
            message: format!("the response has no {name}"),
        }),
    }
}
