//! Credentials and their providers: static keys, the aliyun CLI profile file, the ECS RAM
//! role from instance metadata, and STS AssumeRole wrapping any of them. Refreshing
//! providers share one cache per client with single-flight refresh.

mod assume_role;
mod cache;
mod ecs;
mod env;
mod profile;

use std::sync::Arc;

use futures::future::BoxFuture;
use futures::FutureExt as _;
use time::OffsetDateTime;
use url::Url;

use crate::config::{AssumeRoleConfig, Config, CredentialSource};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::secret::Secret;

pub use env::{credential_source_from_env, credential_source_from_lookup, default_profile_file};

pub(crate) use assume_role::AssumeRoleProvider;
pub(crate) use ecs::EcsRoleProvider;

/// A resolved access key, possibly temporary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// AccessKey ID.
    pub access_key_id: String,
    /// AccessKey secret.
    pub access_key_secret: Secret,
    /// STS token for temporary keys.
    pub security_token: Option<Secret>,
    /// When temporary keys stop working.
    pub expiration: Option<OffsetDateTime>,
}

/// Produces credentials for each attempt.
#[derive(Debug)]
pub(crate) enum CredentialProvider {
    Static(Credentials),
    EcsRole(EcsRoleProvider),
    AssumeRole(AssumeRoleProvider),
}

impl CredentialProvider {
    /// Returns current credentials, refreshing them when they are close to expiry.
    pub(crate) fn credentials(&self) -> BoxFuture<'_, Result<Credentials>> {
        match self {
            Self::Static(credentials) => futures::future::ready(Ok(credentials.clone())).boxed(),
            Self::EcsRole(provider) => provider.credentials().boxed(),
            Self::AssumeRole(provider) => provider.credentials().boxed(),
        }
    }

    /// Builds the provider chain for `config`. Reads the profile file if one is named, but
    /// makes no network call.
    pub(crate) fn build(config: &Config, engine: &Arc<Engine>, sts: &Url) -> Result<Self> {
        let (base, profile_role) = match &config.credentials {
            CredentialSource::Profile { name, file } => {
                let resolved = profile::load(name.as_deref(), file.as_deref())?;
                (resolved.source, resolved.assume_role)
            }
            other => (other.clone(), None),
        };
        let mut provider = Self::from_base(&base, engine)?;
        for role in [profile_role.as_ref(), config.assume_role.as_ref()]
            .into_iter()
            .flatten()
        {
            provider = Self::assume(provider, role, engine, sts)?;
        }
        Ok(provider)
    }

    fn from_base(source: &CredentialSource, engine: &Arc<Engine>) -> Result<Self> {
        match source {
            CredentialSource::Static { access_key_id, access_key_secret, security_token } => {
                if access_key_id.trim().is_empty() || access_key_secret.is_empty() {
                    return Err(Error::credentials(
                        "static keys",
                        "the access key ID or secret is empty; set both access_key and secret_key",
                    ));
                }
                Ok(Self::Static(Credentials {
                    access_key_id: access_key_id.trim().to_owned(),
                    access_key_secret: Secret::new(access_key_secret.expose().trim()),
                    security_token: security_token.clone().filter(|t| !t.is_empty()),
                    expiration: None,
                }))
            }
            CredentialSource::EcsRamRole { role_name, metadata_endpoint } => Ok(Self::EcsRole(
                EcsRoleProvider::new(role_name, metadata_endpoint.as_deref(), Arc::clone(engine))?,
            )),
            CredentialSource::Profile { .. } => Err(Error::credentials(
                "profile",
                "a profile cannot refer to another profile; use mode AK, StsToken, RamRoleArn or EcsRamRole",
            )),
        }
    }

    fn assume(
        base: Self,
        role: &AssumeRoleConfig,
        engine: &Arc<Engine>,
        sts: &Url,
    ) -> Result<Self> {
        role.validate()?;
        Ok(Self::AssumeRole(AssumeRoleProvider::new(
            Arc::new(base),
            role.clone(),
            Arc::clone(engine),
            sts.clone(),
        )))
    }
}
