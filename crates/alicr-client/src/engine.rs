//! The call loop shared by every operation: sign with fresh credentials, send one attempt,
//! read the envelope, and retry transient failures within the retry budget, the caller's
//! deadline and its cancellation token. Each attempt is logged at DEBUG without URLs,
//! headers or parameter values.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::Rng as _;
use reqwest::Method;
use serde_json::Value;
use url::Url;

use crate::client::CallOptions;
use crate::clock::Clock;
use crate::config::SignatureVersion;
use crate::credentials::{CredentialProvider, Credentials};
use crate::envelope;
use crate::error::{Error, Result};
use crate::params::Params;
use crate::retry::{self, RetryPolicy};
use crate::signing::{self, percent, v1, v3};
use crate::transport::{HttpRequest, SendError, Transport};

/// API product endpoint and version.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'a> {
    pub(crate) url: &'a Url,
    pub(crate) version: &'static str,
}

/// One API action to invoke.
#[derive(Debug)]
pub(crate) struct Call {
    pub(crate) action: &'static str,
    pub(crate) params: Params,
    pub(crate) method: Method,
    /// Overrides the configured scheme (STS AssumeRole always uses V1).
    pub(crate) signature: Option<SignatureVersion>,
}

impl Call {
    pub(crate) fn post(action: &'static str, params: Params) -> Self {
        Self {
            action,
            params,
            method: Method::POST,
            signature: None,
        }
    }

    fn idempotent(&self) -> bool {
        retry::is_idempotent_action(self.action, self.params.contains("ClientToken"))
    }
}

/// Shared machinery for all calls of one client.
#[derive(Debug)]
pub(crate) struct Engine {
    pub(crate) transport: Transport,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) retry: RetryPolicy,
    pub(crate) signature: SignatureVersion,
    pub(crate) request_timeout: Duration,
}

struct AttemptFailure {
    error: Error,
    retry_after: Option<Duration>,
}

impl Engine {
    /// Invokes `call` until it succeeds, fails for good, runs out of retries or time.
    pub(crate) async fn execute(
        &self,
        target: Target<'_>,
        call: &Call,
        credentials: &CredentialProvider,
        options: &CallOptions,
    ) -> Result<Value> {
        let idempotent = call.idempotent();
        let mut attempt: u32 = 0;
        loop {
            let outcome = tokio::select! {
                () = options.cancel.cancelled() => return Err(self.cancelled(call)),
                outcome = self.attempt(target, call, credentials, options, attempt) => outcome,
            };
            let failure = match outcome {
                Ok(value) => return Ok(value),
                Err(failure) => failure,
            };
            if !retry::is_retryable(&failure.error, idempotent) || attempt >= self.retry.max_retries
            {
                return Err(failure.error);
            }
            let unit: f64 = rand::rng().random();
            let delay = self.retry.backoff(attempt, failure.retry_after, unit);
            if let Some(deadline) = options.deadline {
                if self.clock.now() + delay >= deadline {
                    return Err(Error::Timeout {
                        action: call.action.to_owned(),
                        attempts: attempt + 1,
                        last_error: Some(Box::new(failure.error)),
                    });
                }
            }
            tracing::debug!(
                api_action = call.action,
                retry_attempt = attempt + 1,
                delay_ms = delay.as_millis() as u64,
                error_code = failure.error.code().unwrap_or(""),
                "retrying API call after a transient failure"
            );
            tokio::select! {
                () = options.cancel.cancelled() => return Err(self.cancelled(call)),
                () = self.clock.sleep(delay) => {}
            }
            attempt += 1;
        }
    }

    fn cancelled(&self, call: &Call) -> Error {
        Error::Cancelled {
            action: call.action.to_owned(),
        }
    }

    async fn attempt(
        &self,
        target: Target<'_>,
        call: &Call,
        provider: &CredentialProvider,
        options: &CallOptions,
        attempt: u32,
    ) -> Result<Value, AttemptFailure> {
        let no_hint = |error| AttemptFailure {
            error,
            retry_after: None,
        };
        let timeout = self
            .attempt_timeout(call, options, attempt)
            .map_err(no_hint)?;
        let credentials = provider.credentials().await.map_err(no_hint)?;

        self.transport.ready().await.map_err(no_hint)?;
        let request = self.sign(target, call, &credentials, timeout);
        let started = self.clock.now();
        let result = self.transport.send(request).await;
        let duration_ms = self
            .clock
            .now()
            .saturating_duration_since(started)
            .as_millis() as u64;
        let response = match result {
            Ok(response) => response,
            Err(e) => {
                tracing::debug!(api_action = call.action, duration_ms, retry_attempt = attempt, maybe_sent = e.maybe_sent, error = %e.source, "API call failed in transport");
                return Err(no_hint(dispatch_error(call, e)));
            }
        };

        let parsed = envelope::parse(call.action, response.status, &response.body);
        let request_id = match &parsed {
            Ok(value) => value
                .get("RequestId")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            Err(e) => e.request_id().unwrap_or("").to_owned(),
        };
        tracing::debug!(
            api_action = call.action,
            http_status = response.status,
            duration_ms,
            api_request_id = %request_id,
            retry_attempt = attempt,
            error_code = parsed.as_ref().err().and_then(Error::code).unwrap_or(""),
            "API call finished"
        );
        parsed.map_err(|error| AttemptFailure {
            error,
            retry_after: response.retry_after,
        })
    }

    /// Bounds one attempt by the request timeout and the time left before the deadline.
    fn attempt_timeout(
        &self,
        call: &Call,
        options: &CallOptions,
        attempt: u32,
    ) -> Result<Duration> {
        let Some(deadline) = options.deadline else {
            return Ok(self.request_timeout);
        };
        let left = deadline.saturating_duration_since(self.clock.now());
        if left.is_zero() {
            return Err(Error::Timeout {
                action: call.action.to_owned(),
                attempts: attempt,
                last_error: None,
            });
        }
        Ok(left.min(self.request_timeout))
    }

    fn sign(
        &self,
        target: Target<'_>,
        call: &Call,
        credentials: &Credentials,
        timeout: Duration,
    ) -> HttpRequest {
        let now = self.clock.now_utc();
        match call.signature.unwrap_or(self.signature) {
            SignatureVersion::V1 => sign_v1(target, call, credentials, now, timeout),
            SignatureVersion::V3 => sign_v3(target, call, credentials, now, timeout),
        }
    }
}

fn dispatch_error(call: &Call, error: SendError) -> Error {
    Error::Dispatch {
        action: call.action.to_owned(),
        may_have_been_applied: error.maybe_sent,
        source: error.source,
    }
}

fn url_with_query(base: &Url, pairs: &[(String, String)]) -> Url {
    let mut url = base.clone();
    let query = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent::encode(k), percent::encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    url.set_query(if query.is_empty() { None } else { Some(&query) });
    url
}

fn host_header(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

fn sign_v1(
    target: Target<'_>,
    call: &Call,
    credentials: &Credentials,
    now: time::OffsetDateTime,
    timeout: Duration,
) -> HttpRequest {
    let mut params = call
        .params
        .clone()
        .put("Action", call.action)
        .put("Version", target.version)
        .put("Format", "JSON")
        .put("Timestamp", signing::timestamp(now))
        .put("SignatureNonce", signing::nonce())
        .put("SignatureMethod", "HMAC-SHA1")
        .put("SignatureVersion", "1.0")
        .put("AccessKeyId", credentials.access_key_id.as_str());
    if let Some(token) = &credentials.security_token {
        params = params.put_secret("SecurityToken", token);
    }
    let method = call.method.as_str();
    let signature = v1::sign(
        method,
        params.pairs(),
        credentials.access_key_secret.expose(),
    );
    let params = params.put("Signature", signature);
    HttpRequest {
        method: call.method.clone(),
        url: url_with_query(target.url, params.pairs()),
        headers: vec![
            ("x-acs-action".to_owned(), call.action.to_owned()),
            ("x-acs-version".to_owned(), target.version.to_owned()),
        ],
        timeout,
    }
}

fn sign_v3(
    target: Target<'_>,
    call: &Call,
    credentials: &Credentials,
    now: time::OffsetDateTime,
    timeout: Duration,
) -> HttpRequest {
    let payload_hash = v3::sha256_hex(b"");
    let mut headers = vec![
        ("host".to_owned(), host_header(target.url)),
        ("x-acs-action".to_owned(), call.action.to_owned()),
        ("x-acs-version".to_owned(), target.version.to_owned()),
        ("x-acs-date".to_owned(), signing::timestamp(now)),
        ("x-acs-signature-nonce".to_owned(), signing::nonce()),
        ("x-acs-content-sha256".to_owned(), payload_hash.clone()),
    ];
    if let Some(token) = &credentials.security_token {
        headers.push(("x-acs-security-token".to_owned(), token.expose().to_owned()));
        headers.push((
            "x-acs-accesskey-id".to_owned(),
            credentials.access_key_id.clone(),
        ));
    }
    let canonical = v3::Canonical {
        method: call.method.as_str(),
        path: "/",
        query: call.params.pairs(),
        headers: &headers,
        payload_hash: &payload_hash,
    };
    let authorization = canonical.authorization(
        &credentials.access_key_id,
        credentials.access_key_secret.expose(),
    );
    headers.push(("authorization".to_owned(), authorization));
    headers.push(("accept".to_owned(), "application/json".to_owned()));
    HttpRequest {
        method: call.method.clone(),
        url: url_with_query(target.url, call.params.pairs()),
        headers,
        timeout,
    }
}

/// Returns the time left before `deadline`, or `None` when there is no deadline.
pub(crate) fn time_left(clock: &dyn Clock, deadline: Option<Instant>) -> Option<Duration> {
    deadline.map(|d| d.saturating_duration_since(clock.now()))
}
