//! One HTTP attempt over reqwest with rustls: no retries, no parsing. Transport failures are
//! split by whether the request may have reached the server, and never carry the URL,
//! because V1 query strings contain `Signature` and `SecurityToken`.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::Method;
use tokio::sync::OnceCell;
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

/// Shared HTTP client. It is built on first use, because loading the system's
/// trust store takes milliseconds that a plan without API calls should not pay.
#[derive(Debug, Clone)]
pub(crate) struct Transport {
    settings: Arc<Settings>,
    http: Arc<OnceCell<reqwest::Client>>,
}

/// The settings the HTTP client is built from.
struct Settings {
    user_agent: String,
    connect_timeout: Duration,
    /// Certificates of `ca_bundle`, read and checked when the client is configured.
    extra_roots: Vec<reqwest::Certificate>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("user_agent", &self.user_agent)
            .field("connect_timeout", &self.connect_timeout)
            .field("extra_roots", &self.extra_roots.len())
            .finish()
    }
}

impl Settings {
    fn build(&self) -> Result<reqwest::Client, Error> {
        let mut builder = reqwest::Client::builder()
            .user_agent(self.user_agent.as_str())
            .connect_timeout(self.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .use_rustls_tls();
        for certificate in &self.extra_roots {
            builder = builder.add_root_certificate(certificate.clone());
        }
        builder.build().map_err(|e| {
            Error::config(
                "ca_bundle",
                format!("failed to build the HTTP client: {}", e.without_url()),
            )
        })
    }
}

impl Transport {
    pub(crate) fn new(
        user_agent: &str,
        connect_timeout: Duration,
        ca_bundle: Option<&Path>,
    ) -> Result<Self, Error> {
        let extra_roots = match ca_bundle {
            Some(path) => read_ca_bundle(path)?,
            None => Vec::new(),
        };
        let settings = Settings {
            user_agent: user_agent.to_owned(),
            connect_timeout,
            extra_roots,
        };
        Ok(Self {
            settings: Arc::new(settings),
            http: Arc::new(OnceCell::new()),
        })
    }

    /// Builds the HTTP client unless it exists; off the async threads, since
    /// the system's trust store is read from disk.
    pub(crate) async fn ready(&self) -> Result<&reqwest::Client, Error> {
        self.http
            .get_or_try_init(|| async {
                let settings = Arc::clone(&self.settings);
                tokio::task::spawn_blocking(move || settings.build())
                    .await
                    .map_err(|e| {
                        Error::config("ca_bundle", format!("failed to build the HTTP client: {e}"))
                    })?
            })
            .await
    }

    /// Sends one request and reads the whole body.
    /// Call [`Transport::ready`] first; its error is not a transport failure.
    pub(crate) async fn send(&self, request: HttpRequest) -> Result<HttpResponse, SendError> {
        let http = self.ready().await.map_err(|e| SendError {
            maybe_sent: false,
            source: Arc::new(e),
        })?;
        let mut builder = http
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
