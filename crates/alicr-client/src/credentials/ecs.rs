//! ECS RAM role credentials from the instance metadata service: an IMDSv2 session token when
//! the service issues one (falling back to v1 requests), then the role's temporary keys.
//! The service is contacted only when a role is configured, on the first call that needs keys.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use url::Url;

use super::cache::RefreshCache;
use super::Credentials;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::transport::HttpRequest;

const DEFAULT_METADATA_ENDPOINT: &str = "http://100.100.100.200";
const METADATA_TIMEOUT: Duration = Duration::from_secs(5);

/// Fetches and caches the instance role's keys.
#[derive(Debug)]
pub(crate) struct EcsRoleProvider {
    role_name: String,
    endpoint: Url,
    engine: Arc<Engine>,
    cache: RefreshCache,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct MetadataCredentials {
    #[serde(default)]
    code: String,
    access_key_id: String,
    access_key_secret: Secret,
    security_token: Secret,
    expiration: String,
}

impl EcsRoleProvider {
    pub(crate) fn new(
        role_name: &str,
        endpoint: Option<&str>,
        engine: Arc<Engine>,
    ) -> Result<Self> {
        let role_name = role_name.trim();
        if role_name.is_empty() || role_name.contains('/') {
            return Err(Error::config(
                "ecs_role_name",
                format!("{role_name:?} is not a RAM role name"),
            ));
        }
        let text = endpoint.unwrap_or(DEFAULT_METADATA_ENDPOINT);
        let endpoint = Url::parse(text).map_err(|e| {
            Error::config(
                "ecs_metadata_endpoint",
                format!("{text:?} is not a valid URL: {e}"),
            )
        })?;
        let cache = RefreshCache::new(Arc::clone(&engine.clock));
        Ok(Self {
            role_name: role_name.to_owned(),
            endpoint,
            engine,
            cache,
        })
    }

    pub(crate) async fn credentials(&self) -> Result<Credentials> {
        self.cache.get_or_refresh(|| self.fetch()).await
    }

    fn provider_name(&self) -> String {
        format!("ECS RAM role {:?}", self.role_name)
    }

    async fn fetch(&self) -> Result<Credentials> {
        let token = self.session_token().await;
        let path = format!(
            "latest/meta-data/ram/security-credentials/{}",
            self.role_name
        );
        let url = self
            .endpoint
            .join(&path)
            .map_err(|e| Error::credentials(self.provider_name(), e.to_string()))?;
        let mut headers = Vec::new();
        if let Some(token) = token {
            headers.push((
                "x-aliyun-ecs-metadata-token".to_owned(),
                token.expose().to_owned(),
            ));
        }
        let request = HttpRequest {
            method: Method::GET,
            url,
            headers,
            timeout: METADATA_TIMEOUT,
        };
        let response = self.engine.transport.send(request).await.map_err(|e| {
            Error::credentials(
                self.provider_name(),
                format!("the metadata service is unreachable: {}", e.source),
            )
        })?;
        if response.status != 200 {
            return Err(Error::credentials(
                self.provider_name(),
                format!("the metadata service returned HTTP {}; check that the role is attached to this instance", response.status),
            ));
        }
        self.parse(&response.body)
    }

    /// Asks for an IMDSv2 token; `None` means v1 requests are used.
    async fn session_token(&self) -> Option<Secret> {
        let url = self.endpoint.join("latest/api/token").ok()?;
        let headers = vec![(
            "x-aliyun-ecs-metadata-token-ttl-seconds".to_owned(),
            "21600".to_owned(),
        )];
        let request = HttpRequest {
            method: Method::PUT,
            url,
            headers,
            timeout: METADATA_TIMEOUT,
        };
        let response = self.engine.transport.send(request).await.ok()?;
        if response.status != 200 {
            tracing::debug!(
                http_status = response.status,
                "ECS metadata token not issued; using v1 requests"
            );
            return None;
        }
        String::from_utf8(response.body.to_vec())
            .ok()
            .map(|t| Secret::new(t.trim()))
    }

    fn parse(&self, body: &[u8]) -> Result<Credentials> {
        let parsed: MetadataCredentials = serde_json::from_slice(body).map_err(|e| {
            Error::credentials(
                self.provider_name(),
                format!("the metadata response is not credentials JSON: {e}"),
            )
        })?;
        if !parsed.code.is_empty() && !parsed.code.eq_ignore_ascii_case("success") {
            return Err(Error::credentials(
                self.provider_name(),
                format!("the metadata service returned Code {:?}", parsed.code),
            ));
        }
        let expiration = OffsetDateTime::parse(&parsed.expiration, &Rfc3339).map_err(|e| {
            Error::credentials(
                self.provider_name(),
                format!(
                    "Expiration {:?} is not an RFC 3339 time: {e}",
                    parsed.expiration
                ),
            )
        })?;
        Ok(Credentials {
            access_key_id: parsed.access_key_id,
            access_key_secret: parsed.access_key_secret,
            security_token: Some(parsed.security_token),
            expiration: Some(expiration),
        })
    }
}
