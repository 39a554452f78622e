//! One HTTP attempt over reqwest with rustls: no retries, no parsing. Transport failures are
//! split by whether the request may have reached the server, and never carry the URL,
//! because V1 query strings contain `Signature` and `SecurityToken`.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::Method;
use url::Url;

use crate::error::{Error, Source};

/// A prepared request.
#[derive(Debug)]
pub(crate) struct HttpRequest {
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) timeout: Duration,
}

/// A received response.
#[derive(Debug)]
pub(crate) struct HttpResponse {
    pub(crate) status: u16,
    /// `x-acs-retry-after`, when the server sent a positive value.
    pub(crate) retry_after: Option<Duration>,
    pub(crate) body: Bytes,
}

/// A transport failure.
#[derive(Debug)]
pub(crate) struct SendError {
    /// False when the connection was never established, so the server saw nothing.
    pub(crate) maybe_sent: bool,
    pub(crate) source: Source,
}

/// Shared HTTP client.
#[derive(Debug, Clone)]
pub(crate) struct Transport {
    http: reqwest::Client,
}

impl Transport {
    pub(crate) fn new(
        user_agent: &str,
        connect_timeout: Duration,
        ca_bundle: Option<&Path>,
    ) -> Result<Self, Error> {
        let mut builder = reqwest::Client::builder()
            .user_agent(user_agent)
            .connect_timeout(connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .use_rustls_tls();
        if let Some(path) = ca_bundle {
            for certificate in read_ca_bundle(path)? {
                builder = builder.add_root_certificate(certificate);
            }
        }
        let http = builder.build().map_err(|e| {
            Error::config(
                "ca_bundle",
                format!("failed to build the HTTP client: {}", e.without_url()),
            )
        })?;
        Ok(Self { http })
    }

    /// Sends one request and reads the whole body.
    pub(crate) async fn send(&self, request: HttpRequest) -> Result<HttpResponse, SendError> {
        let mut builder = self
            .http
            .request(request.method, request.url)
            .timeout(request.timeout);
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let response = builder.send().await.map_err(send_error)?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("x-acs-retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|ms| *ms > 0)
            // NOTE: the unit of x-acs-retry-after is not documented; milliseconds is assumed,
            // as the Darabonba runtime sleeps for that many milliseconds.
            .map(Duration::from_millis);
        let body = response.bytes().await.map_err(send_error)?;
        Ok(HttpResponse {
            status,
            retry_after,
            body,
        })
    }
}

fn send_error(error: reqwest::Error) -> SendError {
    let maybe_sent = !error.is_connect();
    SendError {
        maybe_sent,
        source: Arc::new(error.without_url()),
    }
}

fn read_ca_bundle(path: &Path) -> Result<Vec<reqwest::Certificate>, Error> {
    let pem = std::fs::read(path).map_err(|e| {
        Error::config(
            "ca_bundle",
            format!("failed to read {}: {e}", path.display()),
        )
    })?;
    let certificates = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
        Error::config(
            "ca_bundle",
            format!("{} is not a PEM certificate bundle: {e}", path.display()),
        )
    })?;
    if certificates.is_empty() {
        return Err(Error::config(
            "ca_bundle",
            format!("{} contains no PEM certificate", path.display()),
        ));
    }
    Ok(certificates)
}
