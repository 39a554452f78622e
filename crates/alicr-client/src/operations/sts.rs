//! STS AssumeRole (2015-04-01), called by the credential chain. It is sent as a V1-signed
//! GET, as Alibaba's credentials SDK sends it.

use reqwest::Method;
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use url::Url;

use crate::client::{decode, CallOptions};
use crate::config::{AssumeRoleConfig, SignatureVersion};
use crate::credentials::{CredentialProvider, Credentials};
use crate::engine::{Call, Engine, Target};
use crate::error::{Error, Result};
use crate::params::Params;
use crate::secret::Secret;

const STS_VERSION: &str = "2015-04-01";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AssumeRoleResponse {
    credentials: StsCredentials,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StsCredentials {
    access_key_id: String,
    access_key_secret: Secret,
    security_token: Secret,
    expiration: String,
}

/// Calls AssumeRole signed with `signer`'s credentials.
pub(crate) async fn assume_role(
    engine: &Engine,
    sts: &Url,
    signer: &CredentialProvider,
    role: &AssumeRoleConfig,
    options: &CallOptions,
) -> Result<Credentials> {
    let params = Params::new()
        .put("RoleArn", role.role_arn.as_str())
        .put("RoleSessionName", role.session_name.as_str())
        .put("DurationSeconds", role.session_expiration.to_string())
        .put_opt("Policy", role.policy.as_deref())
        .put_opt("ExternalId", role.external_id.as_deref());
    let call = Call {
        action: "AssumeRole",
        params,
        method: Method::GET,
        signature: Some(SignatureVersion::V1),
    };
    let target = Target {
        url: sts,
        version: STS_VERSION,
    };
    let value = engine.execute(target, &call, signer, options).await?;
    let response: AssumeRoleResponse = decode("AssumeRole", value)?;
    let expiration =
        OffsetDateTime::parse(&response.credentials.expiration, &Rfc3339).map_err(|e| {
            Error::Response {
                action: "AssumeRole".to_owned(),
                http_status: 200,
                message: format!(
                    "Expiration {:?} is not an RFC 3339 time: {e}",
                    response.credentials.expiration
                ),
            }
        })?;
    Ok(Credentials {
        access_key_id: response.credentials.access_key_id,
        access_key_secret: response.credentials.access_key_secret,
        security_token: Some(response.credentials.security_token),
        expiration: Some(expiration),
    })
}
