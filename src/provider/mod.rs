//! The `alicr` provider: configuration, resources, data sources and functions.
//!
//! [`AlicrProvider`] declares the provider block ([`config`]), builds one API
//! client per configured provider without any network call, and registers the
//! resources and data sources. [`network`] and [`zones`] hold the pure rules the
//! plan checks share.

pub mod api;
pub mod config;
pub mod data_sources;
pub mod functions;
pub mod network;
pub mod resources;
pub mod zones;

use std::sync::Arc;

use alicr_client::{CrClient, Secret};
use alicr_framework::provider::{ConfigureRequest, ConfigureResponse};
use alicr_framework::{
    AttributePath, Context, DataSource, Diagnostic, Diagnostics, Function, Provider, Resource,
    Schema, Value,
};
use async_trait::async_trait;

use config::{ProviderSettings, Resolved};

/// The provider's type name, as in `provider "alicr" { ... }`.
pub const PROVIDER_TYPE_NAME: &str = "alicr";

/// The alicr Terraform provider.
#[derive(Debug, Default, Clone)]
pub struct AlicrProvider;

impl AlicrProvider {
    pub fn new() -> AlicrProvider {
        AlicrProvider
    }
}

/// Provider data that resources receive through [`Context::provider_data`]:
/// the API client, or the reason there is none yet.
#[derive(Debug)]
pub struct Configured {
    /// The provider's region; `None` while it is unknown.
    pub region: Option<String>,
    client: Result<Arc<CrClient>, Vec<String>>,
}

impl Configured {
    /// Returns the API client, or an error diagnostic naming the provider
    /// arguments that were still unknown when Terraform configured the provider.
    pub fn client(&self) -> Result<Arc<CrClient>, Diagnostic> {
        self.client.clone().map_err(|unknown| {
            Diagnostic::error(
                "Provider configuration not known yet",
                format!(
                    "The alicr provider arguments {} depend on values known only after apply, so the \
                     provider cannot call the API in this run. Apply the resources they depend on first \
                     (terraform apply -target=...), then run Terraform again.",
                    unknown.join(", ")
                ),
            )
        })
    }

    /// Returns the API client when the provider configuration is known.
    pub fn ready_client(&self) -> Option<Arc<CrClient>> {
        self.client.as_ref().ok().cloned()
    }
}

/// Returns the configured provider data of a request.
pub fn configured(ctx: &Context) -> Result<Arc<Configured>, Diagnostic> {
    ctx.provider_data::<Configured>()
}

/// Returns the API client of a request, or the diagnostic explaining why there
/// is none.
pub fn client(ctx: &Context) -> Result<Arc<CrClient>, Diagnostic> {
    configured(ctx)?.client()
}

fn build_client(settings: &ProviderSettings) -> Result<CrClient, Diagnostic> {
    let credentials = match (&settings.access_key, &settings.secret_key) {
        (Some(id), Some(secret)) => alicr_client::CredentialSource::Static {
            access_key_id: id.clone(),
            access_key_secret: Secret::new(secret.clone()),
            security_token: settings.security_token.clone().map(Secret::new),
        },
        (Some(_), None) | (None, Some(_)) => {
            let missing = if settings.access_key.is_none() {
                "access_key"
            } else {
                "secret_key"
            };
            return Err(Diagnostic::error(
                "Incomplete access key",
                format!("Only one half of the access key pair is set; set {missing} too, or neither to use a profile."),
            )
            .with_attribute(AttributePath::root(missing)));
        }
        (None, None) => alicr_client::CredentialSource::Profile {
            name: settings.profile.clone(),
            file: settings.shared_credentials_file.clone().map(Into::into),
        },
    };
    let mut config = alicr_client::Config::new(settings.region.clone(), credentials);
    config.max_retries = settings.max_retries;
    config.endpoints = alicr_client::Endpoints {
        cr: settings.endpoints.cr.clone(),
        vpc: settings.endpoints.vpc.clone(),
        sts: settings.endpoints.sts.clone(),
    };
    config.assume_role = settings
        .assume_role
        .as_ref()
        .map(|role| alicr_client::AssumeRoleConfig {
            role_arn: role.role_arn.clone(),
            session_name: role.session_name.clone(),
            session_expiration: role.session_expiration,
            policy: role.policy.clone(),
            external_id: role.external_id.clone(),
        });
    CrClient::new(config).map_err(|error| {
        let path = config_error_path(&error);
        let diagnostic = Diagnostic::error("Invalid provider configuration", format!("{error}."));
        match path {
            Some(path) => diagnostic.with_attribute(path),
            None => diagnostic,
        }
    })
}

/// Maps a client configuration field such as `endpoints.cr` to the provider
/// block path `endpoints[0].cr`.
fn config_error_path(error: &alicr_client::Error) -> Option<AttributePath> {
    let alicr_client::Error::Config { field, .. } = error else {
        return None;
    };
    let mut parts = field.split('.');
    let first = parts.next()?;
    let mut path = AttributePath::root(first);
    if let Some(second) = parts.next() {
        path = path.index(0).attribute(second);
    }
    Some(path)
}

#[async_trait]
impl Provider for AlicrProvider {
    fn type_name(&self) -> &'static str {
        PROVIDER_TYPE_NAME
    }

    fn schema(&self) -> Schema {
        config::provider_schema()
    }

    async fn validate_config(&self, config: Value) -> Diagnostics {
        config::validate_provider_config(&config)
    }

    async fn configure(&self, request: ConfigureRequest) -> ConfigureResponse {
        let mut response = ConfigureResponse::default();
        let env = |name: &str| std::env::var(name).ok();
        let configured = match config::resolve(&request.config, &env) {
            Err(diagnostics) => {
                response.diagnostics = diagnostics;
                return response;
            }
            Ok(Resolved::Deferred(unknown)) => {
                tracing::debug!(
                    ?unknown,
                    "provider configuration has unknown values; API calls are deferred"
                );
                Configured {
                    region: request.config.get("region").as_str().map(str::to_string),
                    client: Err(unknown),
                }
            }
            Ok(Resolved::Ready(settings)) => match build_client(&settings) {
                Ok(client) => Configured {
                    region: Some(settings.region.clone()),
                    client: Ok(Arc::new(client)),
                },
                Err(diagnostic) => {
                    response.diagnostics.push(diagnostic);
                    return response;
                }
            },
        };
        response.provider_data = Some(Arc::new(configured));
        response
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        resources::all()
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        data_sources::all()
    }

    fn functions(&self) -> Vec<Arc<dyn Function>> {
        functions::all()
    }

    fn shut_down(&self) {
        resources::build_rule::shut_down();
    }
}
