//! The provider block: its schema, its checks, and how its values and the
//! environment variables alicloud users already set resolve into
//! [`ProviderSettings`]. Resolving reads no file and makes no network call;
//! credential files and STS are the client's work, on first use.

use alicr_framework::schema::NestedBlock;
use alicr_framework::{
    Attribute, AttributePath, Block, Diagnostic, Diagnostics, NestingMode, Schema, Value,
};

/// Retries of a throttled or failed API call when `max_retries` is not set.
pub const DEFAULT_MAX_RETRIES: u32 = 12;
/// STS session length in seconds when `session_expiration` is not set.
pub const DEFAULT_SESSION_EXPIRATION: u32 = 3600;
/// Shortest and longest STS session AssumeRole accepts, in seconds.
pub const SESSION_EXPIRATION_RANGE: (u32, u32) = (900, 43200);
/// Session name alicloud uses when `session_name` is not set.
pub const DEFAULT_SESSION_NAME: &str = "terraform";

/// Environment variables per setting, in order of precedence: the current
/// `ALIBABA_CLOUD_*` names first, then the older `ALICLOUD_*` ones.
pub const REGION_ENV: &[&str] = &["ALIBABA_CLOUD_REGION", "ALICLOUD_REGION"];
const ACCESS_KEY_ENV: &[&str] = &[
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALICLOUD_ACCESS_KEY",
    "ALIBABACLOUD_ACCESS_KEY_ID",
];
const SECRET_KEY_ENV: &[&str] = &[
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALICLOUD_SECRET_KEY",
    "ALIBABACLOUD_ACCESS_KEY_SECRET",
];
const SECURITY_TOKEN_ENV: &[&str] = &[
    "ALIBABA_CLOUD_SECURITY_TOKEN",
    "ALICLOUD_SECURITY_TOKEN",
    "ALIBABACLOUD_SECURITY_TOKEN",
];
const PROFILE_ENV: &[&str] = &["ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE"];
const CREDENTIALS_FILE_ENV: &[&str] = &[
    "ALIBABA_CLOUD_CREDENTIALS_FILE",
    "ALICLOUD_SHARED_CREDENTIALS_FILE",
];
const ROLE_ARN_ENV: &[&str] = &["ALIBABA_CLOUD_ROLE_ARN", "ALICLOUD_ASSUME_ROLE_ARN"];
const SESSION_NAME_ENV: &[&str] = &[
    "ALIBABA_CLOUD_ROLE_SESSION_NAME",
    "ALICLOUD_ASSUME_ROLE_SESSION_NAME",
];
const SESSION_EXPIRATION_ENV: &[&str] = &["ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION"];
const CR_ENDPOINT_ENV: &[&str] = &["ALIBABA_CLOUD_ENDPOINT_CR", "CR_ENDPOINT"];
const VPC_ENDPOINT_ENV: &[&str] = &["ALIBABA_CLOUD_ENDPOINT_VPC", "VPC_ENDPOINT"];
const STS_ENDPOINT_ENV: &[&str] = &["ALIBABA_CLOUD_ENDPOINT_STS", "STS_ENDPOINT"];

/// The `assume_role` block after defaults and environment variables.
#[derive(Clone, PartialEq, Eq)]
pub struct AssumeRoleSettings {
    pub role_arn: String,
    pub session_name: String,
    pub session_expiration: u32,
    pub policy: Option<String>,
    pub external_id: Option<String>,
}

/// Per-product endpoint overrides (host or URL).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointSettings {
    pub cr: Option<String>,
    pub vpc: Option<String>,
    pub sts: Option<String>,
}

/// The provider configuration after defaults and environment variables.
#[derive(Clone, PartialEq, Eq)]
pub struct ProviderSettings {
    pub region: String,
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
    pub security_token: Option<String>,
    pub profile: Option<String>,
    pub shared_credentials_file: Option<String>,
    pub assume_role: Option<AssumeRoleSettings>,
    pub endpoints: EndpointSettings,
    pub max_retries: u32,
}

// Secrets stay out of logs and panics: only whether they are set is shown.
impl std::fmt::Debug for ProviderSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderSettings")
            .field("region", &self.region)
            .field("access_key", &self.access_key)
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "** redacted **"),
            )
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "** redacted **"),
            )
            .field("profile", &self.profile)
            .field("shared_credentials_file", &self.shared_credentials_file)
            .field("assume_role", &self.assume_role)
            .field("endpoints", &self.endpoints)
            .field("max_retries", &self.max_retries)
            .finish()
    }
}

impl std::fmt::Debug for AssumeRoleSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssumeRoleSettings")
            .field("role_arn", &self.role_arn)
            .field("session_name", &self.session_name)
            .field("session_expiration", &self.session_expiration)
            .field("policy", &self.policy.as_ref().map(|_| "(set)"))
            .field("external_id", &self.external_id.as_ref().map(|_| "(set)"))
            .finish()
    }
}

/// Result of resolving: settings, or the attributes whose values are not known
/// yet because they refer to resources not yet created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Ready(Box<ProviderSettings>),
    Deferred(Vec<String>),
}

fn env_note(names: &[&str]) -> String {
    names.join(" or ")
}

fn string_attribute(name: &str, env: &[&str], description: &str) -> Attribute {
    let text = if env.is_empty() {
        description.to_string()
    } else {
        format!("{description} Environment: `{}`.", env.join("`, `"))
    };
    Attribute::string(name).optional().description(&text)
}

/// Builds the provider block's schema.
pub fn provider_schema() -> Schema {
    let assume_role = Block::new()
        .description("Exchange the base credentials for a RAM role's through STS AssumeRole.")
        .attribute(string_attribute("role_arn", ROLE_ARN_ENV, "ARN of the role to assume, `acs:ram::<account>:role/<name>`."))
        .attribute(string_attribute("session_name", SESSION_NAME_ENV, "Session name; defaults to `terraform`."))
        .attribute(
            Attribute::number("session_expiration")
                .optional()
                .description("Session length in seconds, 900-43200; defaults to 3600. Environment: `ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION`."),
        )
        .attribute(string_attribute("policy", &[], "A JSON policy that narrows the role's permissions for this session."))
        .attribute(string_attribute("external_id", &[], "External ID the role's trust policy requires."));
    let endpoints = Block::new()
        .description("Endpoint overrides per API, as host or URL.")
        .attribute(string_attribute(
            "cr",
            CR_ENDPOINT_ENV,
            "Container Registry API endpoint; defaults to `cr.<region>.aliyuncs.com`.",
        ))
        .attribute(string_attribute(
            "vpc",
            VPC_ENDPOINT_ENV,
            "VPC API endpoint; defaults to `vpc.<region>.aliyuncs.com`.",
        ))
        .attribute(string_attribute(
            "sts",
            STS_ENDPOINT_ENV,
            "STS endpoint; defaults to `sts.aliyuncs.com`.",
        ));
    let mut assume_block = NestedBlock::new("assume_role", NestingMode::List, assume_role);
    assume_block.max_items = 1;
    let mut endpoints_block = NestedBlock::new("endpoints", NestingMode::List, endpoints);
    endpoints_block.max_items = 1;
    let block = Block::new()
        .description("Alibaba Cloud Container Registry Enterprise Edition: VPC image builds from a private GitLab.")
        .attribute(string_attribute("region", REGION_ENV, "Region of the Container Registry instances, such as `cn-hangzhou`. Required, here or in the environment."))
        .attribute(string_attribute("access_key", ACCESS_KEY_ENV, "AccessKey ID."))
        .attribute(string_attribute("secret_key", SECRET_KEY_ENV, "AccessKey secret.").sensitive())
        .attribute(string_attribute("security_token", SECURITY_TOKEN_ENV, "STS security token, for temporary credentials.").sensitive())
        .attribute(string_attribute("profile", PROFILE_ENV, "Profile in the shared credentials file."))
        .attribute(string_attribute("shared_credentials_file", CREDENTIALS_FILE_ENV, "Path of the aliyun CLI credentials file; defaults to `~/.aliyun/config.json`."))
        .attribute(
            Attribute::number("max_retries")
                .optional()
                .description("How many times a throttled or failed API call is retried, with growing waits (from at most 0.05 s, doubling up to 30 s, or longer when the API asks; about a minute in all). Defaults to 12."),
        )
        .block(assume_block)
        .block(endpoints_block);
    Schema::new(0, block)
}

/// Checks what can be checked while values may still be unknown.
pub fn validate_provider_config(config: &Value) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    if let Some(retries) = config.get("max_retries").as_number() {
        if config
            .get("max_retries")
            .as_i64()
            .is_none_or(|n| !(0..=100).contains(&n))
        {
            diagnostics.push(
                Diagnostic::error(
                    "Invalid max_retries",
                    format!("max_retries is {retries}; use a whole number from 0 to 100."),
                )
                .with_attribute(AttributePath::root("max_retries")),
            );
        }
    }
    let assume = first_block(config, "assume_role");
    let expiration = assume.get("session_expiration");
    if expiration.is_known() {
        let path = AttributePath::root("assume_role")
            .index(0)
            .attribute("session_expiration");
        if let Err(reason) = check_session_expiration(expiration.as_i64()) {
            diagnostics
                .push(Diagnostic::error("Invalid session_expiration", reason).with_attribute(path));
        }
    }
    diagnostics
}

fn check_session_expiration(value: Option<i64>) -> Result<u32, String> {
    let (min, max) = SESSION_EXPIRATION_RANGE;
    match value {
        Some(n) if (i64::from(min)..=i64::from(max)).contains(&n) => Ok(n as u32),
        _ => Err(format!(
            "session_expiration must be a whole number of seconds from {min} to {max} (AssumeRole's limits); \
             the role's maximum session duration may be lower."
        )),
    }
}

fn first_block<'a>(config: &'a Value, name: &str) -> &'a Value {
    config
        .get(name)
        .as_elements()
        .and_then(|blocks| blocks.first())
        .unwrap_or(&alicr_framework::value::NULL)
}

/// Lists the attributes whose values are unknown, as paths.
fn unknown_attributes(config: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for name in [
        "region",
        "access_key",
        "secret_key",
        "security_token",
        "profile",
        "shared_credentials_file",
        "max_retries",
    ] {
        if config.get(name).is_unknown() {
            out.push(name.to_string());
        }
    }
    for block in ["assume_role", "endpoints"] {
        let value = config.get(block);
        if value.is_unknown() {
            out.push(block.to_string());
            continue;
        }
        for (name, v) in first_block(config, block)
            .as_entries()
            .into_iter()
            .flatten()
        {
            if !v.is_wholly_known() {
                out.push(format!("{block}.{name}"));
            }
        }
    }
    out
}

/// Resolves the provider block and the environment into settings. `env`
/// returns a variable's value; tests pass a map instead of the process
/// environment.
pub fn resolve(
    config: &Value,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Resolved, Diagnostics> {
    let unknown = unknown_attributes(config);
    if !unknown.is_empty() {
        return Ok(Resolved::Deferred(unknown));
    }
    let lookup = |value: &Value, names: &[&str]| -> Option<String> {
        value
            .as_str()
            .map(str::to_string)
            .or_else(|| names.iter().find_map(|n| env(n)))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let Some(region) = lookup(config.get("region"), REGION_ENV) else {
        return Err(Diagnostic::error(
            "Missing region",
            format!(
                "The provider has no region, and alicr picks none by default. Set region in the \
                 provider block, or set {}.",
                env_note(REGION_ENV)
            ),
        )
        .with_attribute(AttributePath::root("region"))
        .into());
    };
    let assume_role = resolve_assume_role(first_block(config, "assume_role"), env, &lookup)?;
    let endpoints_block = first_block(config, "endpoints");
    let max_retries = match config.get("max_retries").as_i64() {
        Some(n) => u32::try_from(n).unwrap_or(DEFAULT_MAX_RETRIES),
        None => DEFAULT_MAX_RETRIES,
    };
    Ok(Resolved::Ready(Box::new(ProviderSettings {
        region,
        access_key: lookup(config.get("access_key"), ACCESS_KEY_ENV),
        secret_key: lookup(config.get("secret_key"), SECRET_KEY_ENV),
        security_token: lookup(config.get("security_token"), SECURITY_TOKEN_ENV),
        profile: lookup(config.get("profile"), PROFILE_ENV),
        shared_credentials_file: lookup(
            config.get("shared_credentials_file"),
            CREDENTIALS_FILE_ENV,
        ),
        assume_role,
        endpoints: EndpointSettings {
            cr: lookup(endpoints_block.get("cr"), CR_ENDPOINT_ENV),
            vpc: lookup(endpoints_block.get("vpc"), VPC_ENDPOINT_ENV),
            sts: lookup(endpoints_block.get("sts"), STS_ENDPOINT_ENV),
        },
        max_retries,
    })))
}

type Lookup<'a> = dyn Fn(&Value, &[&str]) -> Option<String> + 'a;

fn resolve_assume_role(
    block: &Value,
    env: &dyn Fn(&str) -> Option<String>,
    lookup: &Lookup<'_>,
) -> Result<Option<AssumeRoleSettings>, Diagnostics> {
    let Some(role_arn) = lookup(block.get("role_arn"), ROLE_ARN_ENV) else {
        return Ok(None);
    };
    let path = AttributePath::root("assume_role")
        .index(0)
        .attribute("session_expiration");
    let expiration = match block.get("session_expiration").as_i64() {
        Some(n) => Some(n),
        None => SESSION_EXPIRATION_ENV
            .iter()
            .find_map(|n| env(n))
            .map(|s| s.trim().parse::<i64>().unwrap_or(-1)),
    };
    let session_expiration = match expiration {
        None => DEFAULT_SESSION_EXPIRATION,
        Some(n) => check_session_expiration(Some(n)).map_err(|reason| {
            Diagnostics::from(
                Diagnostic::error("Invalid session_expiration", reason).with_attribute(path),
            )
        })?,
    };
    Ok(Some(AssumeRoleSettings {
        role_arn,
        session_name: lookup(block.get("session_name"), SESSION_NAME_ENV)
            .unwrap_or_else(|| DEFAULT_SESSION_NAME.to_string()),
        session_expiration,
        policy: lookup(block.get("policy"), &[]),
        external_id: lookup(block.get("external_id"), &[]),
    }))
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
