//! The per-request context handed to provider code: cancellation (Terraform's
//! StopProvider) and the data the provider produced when it was configured.

use std::any::Any;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::diagnostics::Diagnostic;

/// Data shared by every request of one configured provider, such as an API client.
pub type ProviderData = Arc<dyn Any + Send + Sync>;

/// What every resource, data source and provider call receives.
#[derive(Clone, Default)]
pub struct Context {
    /// Cancelled when Terraform calls StopProvider (Ctrl-C); long waits must
    /// watch it and return promptly.
    pub cancel: CancellationToken,
    /// Set by [`crate::Provider::configure`]; `None` before configuration and
    /// for function calls, which Terraform makes on an unconfigured provider.
    pub provider_data: Option<ProviderData>,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("cancelled", &self.cancel.is_cancelled())
            .field("configured", &self.provider_data.is_some())
            .finish()
    }
}

impl Context {
    /// Returns the provider data as `T`, or an error diagnostic explaining that
    /// the provider is not configured.
    pub fn provider_data<T: Any + Send + Sync>(&self) -> Result<Arc<T>, Diagnostic> {
        let data = self.provider_data.clone().ok_or_else(|| {
            Diagnostic::error(
                "Provider not configured",
                "The provider was used before Terraform configured it. If the provider \
                 configuration depends on values known only after apply, apply those first.",
            )
        })?;
        data.downcast::<T>().map_err(|_| {
            Diagnostic::error(
                "Unexpected provider data",
                "The configured provider data has an unexpected type. This is always a bug \
                 in the provider; please report it.",
            )
        })
    }
}
