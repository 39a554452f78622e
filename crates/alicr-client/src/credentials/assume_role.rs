//! STS AssumeRole on top of base credentials. One cache per client and single-flight refresh,
//! so any number of concurrent calls trigger one AssumeRole per credential lifetime.

use std::sync::Arc;

use url::Url;

use super::cache::RefreshCache;
use super::{CredentialProvider, Credentials};
use crate::client::CallOptions;
use crate::config::AssumeRoleConfig;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::operations::sts;

/// Exchanges base credentials for the role's temporary keys.
#[derive(Debug)]
pub(crate) struct AssumeRoleProvider {
    base: Arc<CredentialProvider>,
    role: AssumeRoleConfig,
    engine: Arc<Engine>,
    sts: Url,
    cache: RefreshCache,
}

impl AssumeRoleProvider {
    pub(crate) fn new(
        base: Arc<CredentialProvider>,
        role: AssumeRoleConfig,
        engine: Arc<Engine>,
        sts: Url,
    ) -> Self {
        let cache = RefreshCache::new(Arc::clone(&engine.clock));
        Self {
            base,
            role,
            engine,
            sts,
            cache,
        }
    }

    pub(crate) async fn credentials(&self) -> Result<Credentials> {
        self.cache.get_or_refresh(|| self.fetch()).await
    }

    async fn fetch(&self) -> Result<Credentials> {
        let base = self.base.credentials().await?;
        let signer = CredentialProvider::Static(base);
        let options = CallOptions::default();
        sts::assume_role(&self.engine, &self.sts, &signer, &self.role, &options)
            .await
            .map_err(|source| Error::Credentials {
                provider: "AssumeRole".to_owned(),
                message: format!(
                    "failed to assume role {}; check that the base credentials may assume it (AliyunSTSAssumeRoleAccess) and that its trust policy allows them",
                    self.role.role_arn
                ),
                source: Some(Box::new(source)),
            })
    }
}
