//! Client configuration: region, credential source, optional AssumeRole, endpoint overrides,
//! retry budget and signing choice, plus the endpoint resolution rules. Nothing here touches
//! the network.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use url::Url;

use crate::error::Error;
use crate::secret::Secret;

/// Everything [`crate::CrClient::new`] needs. Build it with [`Config::new`] and override fields.
#[derive(Debug, Clone)]
pub struct Config {
    /// Region ID such as `cn-hangzhou`; it selects the default endpoints.
    pub region: String,
    /// Where the base credentials come from.
    pub credentials: CredentialSource,
    /// When set, the base credentials are exchanged for a role's STS credentials.
    pub assume_role: Option<AssumeRoleConfig>,
    /// Per-product endpoint overrides.
    pub endpoints: Endpoints,
    /// Retries after the first attempt of each call; default 8.
    pub max_retries: u32,
    /// PEM file of extra trusted CA certificates, added to the system roots.
    pub ca_bundle: Option<PathBuf>,
    /// Text appended to the User-Agent header.
    pub user_agent_suffix: Option<String>,
    /// Request signature scheme for CR and VPC calls; STS AssumeRole always uses V1.
    pub signature_version: SignatureVersion,
    /// Limit for one HTTP attempt, from connect to the last body byte; default 60 s.
    pub request_timeout: Duration,
    /// Limit for opening one connection; default 10 s.
    pub connect_timeout: Duration,
}

impl Config {
    /// Returns a configuration with the defaults: alicloud endpoints, 12 retries, signature V3.
    pub fn new(region: impl Into<String>, credentials: CredentialSource) -> Self {
        Self {
            region: region.into(),
            credentials,
            assume_role: None,
            endpoints: Endpoints::default(),
            max_retries: 12,
            ca_bundle: None,
            user_agent_suffix: None,
            signature_version: SignatureVersion::V3,
            request_timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// Source of the base credentials, before any AssumeRole.
#[derive(Debug, Clone)]
pub enum CredentialSource {
    /// Access key pair, optionally with an STS security token.
    Static {
        /// AccessKey ID (for STS credentials it starts with `STS.`).
        access_key_id: String,
        /// AccessKey secret.
        access_key_secret: Secret,
        /// STS security token, when the key pair is temporary.
        security_token: Option<Secret>,
    },
    /// A profile of the aliyun CLI file (`~/.aliyun/config.json` by default); modes AK,
    /// StsToken, RamRoleArn and EcsRamRole are supported.
    Profile {
        /// Profile name; `None` takes the file's `current` profile.
        name: Option<String>,
        /// File path; `None` means `$HOME/.aliyun/config.json`.
        file: Option<PathBuf>,
    },
    /// The RAM role attached to the ECS instance, read from the instance metadata service.
    EcsRamRole {
        /// Role name attached to the instance.
        role_name: String,
        /// Metadata base URL; `None` means `http://100.100.100.200`.
        metadata_endpoint: Option<String>,
    },
}

/// STS AssumeRole settings, with the alicloud provider's names and limits.
#[derive(Debug, Clone)]
pub struct AssumeRoleConfig {
    /// `acs:ram::<account>:role/<name>`.
    pub role_arn: String,
    /// RoleSessionName, 2 to 64 characters; default `terraform`.
    pub session_name: String,
    /// DurationSeconds, 900 to 43200; default 3600.
    pub session_expiration: u32,
    /// Optional policy JSON that narrows the role's permissions.
    pub policy: Option<String>,
    /// Optional ExternalId the role's trust policy requires.
    pub external_id: Option<String>,
}

impl AssumeRoleConfig {
    /// Returns settings for `role_arn` with session name `terraform` and 3600 s lifetime.
    pub fn new(role_arn: impl Into<String>) -> Self {
        Self {
            role_arn: role_arn.into(),
            session_name: "terraform".to_owned(),
            session_expiration: 3600,
            policy: None,
            external_id: None,
        }
    }

    pub(crate) fn validate(&self) -> Result<(), Error> {
        if self.role_arn.trim().is_empty() {
            return Err(Error::config("assume_role.role_arn", "must not be empty"));
        }
        if !(900..=43200).contains(&self.session_expiration) {
            return Err(Error::config(
                "assume_role.session_expiration",
                format!(
                    "{} is out of range; set a value from 900 to 43200 seconds",
                    self.session_expiration
                ),
            ));
        }
        let name_len = self.session_name.chars().count();
        if !(2..=64).contains(&name_len) {
            return Err(Error::config(
                "assume_role.session_name",
                format!("{:?} must be 2 to 64 characters long", self.session_name),
            ));
        }
        Ok(())
    }
}

/// Endpoint overrides: each is a URL (`https://host[:port]`) or a bare host (meaning https).
#[derive(Debug, Clone, Default)]
pub struct Endpoints {
    /// Container Registry; default `https://cr.{region}.aliyuncs.com`.
    pub cr: Option<String>,
    /// VPC; default `https://vpc.{region}.aliyuncs.com`.
    pub vpc: Option<String>,
    /// STS; default `https://sts.{region}.aliyuncs.com`.
    pub sts: Option<String>,
}

/// Request signature scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignatureVersion {
    /// RPC signature 1.0, HMAC-SHA1 in the `Signature` query parameter.
    V1,
    /// ACS3-HMAC-SHA256 in the `Authorization` header (the current SDK default).
    #[default]
    V3,
}

/// Endpoints after defaults and validation.
#[derive(Debug, Clone)]
pub(crate) struct ResolvedEndpoints {
    pub(crate) cr: Url,
    pub(crate) vpc: Url,
    pub(crate) sts: Url,
}

impl ResolvedEndpoints {
    pub(crate) fn resolve(region: &str, endpoints: &Endpoints) -> Result<Self, Error> {
        if !is_valid_region(region) {
            return Err(Error::config(
                "region",
                format!("{region:?} is not a region ID; use a value such as \"cn-hangzhou\""),
            ));
        }
        Ok(Self {
            cr: resolve_one("endpoints.cr", endpoints.cr.as_deref(), "cr", region)?,
            vpc: resolve_one("endpoints.vpc", endpoints.vpc.as_deref(), "vpc", region)?,
            sts: resolve_one("endpoints.sts", endpoints.sts.as_deref(), "sts", region)?,
        })
    }
}

fn is_valid_region(region: &str) -> bool {
    !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn resolve_one(
    field: &str,
    value: Option<&str>,
    product: &str,
    region: &str,
) -> Result<Url, Error> {
    let text = match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) if v.contains("://") => v.to_owned(),
        Some(host) => format!("https://{host}"),
        None => format!("https://{product}.{region}.aliyuncs.com"),
    };
    let url = Url::parse(&text)
        .map_err(|e| Error::config(field, format!("{text:?} is not a valid URL or host: {e}")))?;
    check_endpoint_url(field, &url)?;
    Ok(url)
}

/// Accepts https anywhere and plain http only on loopback hosts.
pub(crate) fn check_endpoint_url(field: &str, url: &Url) -> Result<(), Error> {
    let Some(host) = url.host_str() else {
        return Err(Error::config(field, format!("{url} has no host")));
    };
    if url.path() != "/" || url.query().is_some() {
        return Err(Error::config(
            field,
            format!("{url} must not have a path or query; give only scheme, host and port"),
        ));
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback_host(host) => Ok(()),
        "http" => Err(Error::config(
            field,
            format!("plain http is allowed only for loopback hosts, not {host:?}; use https"),
        )),
        other => Err(Error::config(
            field,
            format!("scheme {other:?} is not supported; use https"),
        )),
    }
}

pub(crate) fn is_loopback_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if bare.eq_ignore_ascii_case("localhost") {
        return true;
    }
    bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(endpoints: Endpoints) -> Result<ResolvedEndpoints, Error> {
        ResolvedEndpoints::resolve("cn-hangzhou", &endpoints)
    }

    #[test]
    fn endpoints_default_regional() {
        let resolved = resolve(Endpoints::default()).unwrap();
        assert_eq!(resolved.cr.as_str(), "https://cr.cn-hangzhou.aliyuncs.com/");
        assert_eq!(
            resolved.vpc.as_str(),
            "https://vpc.cn-hangzhou.aliyuncs.com/"
        );
        assert_eq!(
            resolved.sts.as_str(),
            "https://sts.cn-hangzhou.aliyuncs.com/"
        );
    }

    #[test]
    fn endpoint_bare_host_is_https() {
        let endpoints = Endpoints {
            sts: Some("sts.aliyuncs.com".into()),
            ..Default::default()
        };
        assert_eq!(
            resolve(endpoints).unwrap().sts.as_str(),
            "https://sts.aliyuncs.com/"
        );
    }

    #[test]
    fn endpoint_http_loopback_allowed() {
        for host in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
            "http://127.3.2.1",
        ] {
            let endpoints = Endpoints {
                cr: Some(host.into()),
                ..Default::default()
            };
            assert!(resolve(endpoints).is_ok(), "{host}");
        }
    }

    #[test]
    fn endpoint_http_remote_rejected() {
        for host in [
            "http://10.0.0.1",
            "http://cr.cn-hangzhou.aliyuncs.com",
            "http://192.168.1.1:80",
        ] {
            let endpoints = Endpoints {
                cr: Some(host.into()),
                ..Default::default()
            };
            assert!(
                matches!(resolve(endpoints), Err(Error::Config { .. })),
                "{host}"
            );
        }
    }

    #[test]
    fn endpoint_with_path_rejected() {
        let endpoints = Endpoints {
            cr: Some("https://example.test/api".into()),
            ..Default::default()
        };
        assert!(resolve(endpoints).is_err());
    }

    #[test]
    fn region_invalid_rejected() {
        assert!(ResolvedEndpoints::resolve("CN Hangzhou", &Endpoints::default()).is_err());
    }

    #[test]
    fn assume_role_expiration_range() {
        let mut role = AssumeRoleConfig::new("acs:ram::1:role/x");
        role.session_expiration = 899;
        assert!(role.validate().is_err());
        role.session_expiration = 43200;
        assert!(role.validate().is_ok());
    }
}
