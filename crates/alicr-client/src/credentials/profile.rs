//! The aliyun CLI profile file (`~/.aliyun/config.json`): picks a profile and turns modes AK,
//! StsToken, RamRoleArn and EcsRamRole into a base credential source plus an optional role.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config::{AssumeRoleConfig, CredentialSource};
use crate::error::{Error, Result};
use crate::model::wire;
use crate::secret::Secret;

#[derive(Debug, Deserialize)]
struct ProfileFile {
    #[serde(default)]
    current: String,
    #[serde(default)]
    profiles: Vec<Profile>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Profile {
    name: String,
    mode: String,
    access_key_id: String,
    access_key_secret: Secret,
    sts_token: Secret,
    ram_role_arn: String,
    ram_session_name: String,
    #[serde(deserialize_with = "wire::opt_i64")]
    expired_seconds: Option<i64>,
    policy: String,
    external_id: String,
    ram_role_name: String,
}

/// Base source and optional role from one profile.
#[derive(Debug)]
pub(crate) struct ResolvedProfile {
    pub(crate) source: CredentialSource,
    pub(crate) assume_role: Option<AssumeRoleConfig>,
}

/// Reads the profile `name` (or the file's current one) from `file` (or the default file).
pub(crate) fn load(name: Option<&str>, file: Option<&Path>) -> Result<ResolvedProfile> {
    let path = match file {
        Some(path) => path.to_owned(),
        None => default_path()?,
    };
    let provider = format!("profile file {}", path.display());
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Error::credentials(&provider, format!("failed to read the file: {e}")))?;
    parse(&text, name).map_err(|message| Error::credentials(provider, message))
}

fn default_path() -> Result<PathBuf> {
    std::env::var_os("HOME")
        .map(|home| super::default_profile_file(Path::new(&home)))
        .ok_or_else(|| Error::credentials("profile", "HOME is not set; give the profile file path"))
}

fn parse(text: &str, name: Option<&str>) -> Result<ResolvedProfile, String> {
    let file: ProfileFile = serde_json::from_str(text)
        .map_err(|e| format!("the file is not valid profile JSON: {e}"))?;
    let requested = name.filter(|n| !n.is_empty()).unwrap_or(&file.current);
    let profile = file
        .profiles
        .into_iter()
        .find(|p| p.name == requested)
        .ok_or_else(|| {
            format!("profile {requested:?} is not in the file; check the profile name")
        })?;
    resolve(profile)
}

fn resolve(profile: Profile) -> Result<ResolvedProfile, String> {
    let keys = |token: Option<Secret>| CredentialSource::Static {
        access_key_id: profile.access_key_id.clone(),
        access_key_secret: profile.access_key_secret.clone(),
        security_token: token,
    };
    let (source, assume_role) = match profile.mode.as_str() {
        "AK" | "" => (keys(None), None),
        "StsToken" => (keys(Some(profile.sts_token.clone())), None),
        "RamRoleArn" => (keys(None), Some(role(&profile))),
        "EcsRamRole" => (
            CredentialSource::EcsRamRole { role_name: profile.ram_role_name.clone(), metadata_endpoint: None },
            None,
        ),
        other => {
            return Err(format!(
                "profile {:?} uses mode {other:?}, which is not supported; use AK, StsToken, RamRoleArn or EcsRamRole",
                profile.name
            ))
        }
    };
    Ok(ResolvedProfile {
        source,
        assume_role,
    })
}

fn role(profile: &Profile) -> AssumeRoleConfig {
    let mut role = AssumeRoleConfig::new(&profile.ram_role_arn);
    if !profile.ram_session_name.is_empty() {
        role.session_name = profile.ram_session_name.clone();
    }
    if let Some(seconds) = profile.expired_seconds.and_then(|s| u32::try_from(s).ok()) {
        role.session_expiration = seconds;
    }
    role.policy = Some(profile.policy.clone()).filter(|p| !p.is_empty());
    role.external_id = Some(profile.external_id.clone()).filter(|e| !e.is_empty());
    role
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"{
      "current": "ak",
      "profiles": [
        {"name": "ak", "mode": "AK", "access_key_id": "id1", "access_key_secret": "s1", "region_id": "cn-hangzhou"},
        {"name": "sts", "mode": "StsToken", "access_key_id": "STS.id2", "access_key_secret": "s2", "sts_token": "t2"},
        {"name": "role", "mode": "RamRoleArn", "access_key_id": "id3", "access_key_secret": "s3",
         "ram_role_arn": "acs:ram::1:role/deploy", "ram_session_name": "ci", "expired_seconds": 900},
        {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "builder"},
        {"name": "sso", "mode": "CloudSSO"}
      ]
    }"#;

    #[test]
    fn profile_current_used() {
        let resolved = parse(FILE, None).unwrap();
        assert!(
            matches!(resolved.source, CredentialSource::Static { access_key_id, .. } if access_key_id == "id1")
        );
    }

    #[test]
    fn profile_sts_token() {
        let resolved = parse(FILE, Some("sts")).unwrap();
        assert!(
            matches!(resolved.source, CredentialSource::Static { security_token: Some(t), .. } if t.expose() == "t2")
        );
    }

    #[test]
    fn profile_ram_role_arn() {
        let role = parse(FILE, Some("role")).unwrap().assume_role.unwrap();
        assert_eq!(role.role_arn, "acs:ram::1:role/deploy");
        assert_eq!(role.session_name, "ci");
        assert_eq!(role.session_expiration, 900);
    }

    #[test]
    fn profile_ecs_role() {
        let resolved = parse(FILE, Some("ecs")).unwrap();
        assert!(
            matches!(resolved.source, CredentialSource::EcsRamRole { role_name, .. } if role_name == "builder")
        );
    }

    #[test]
    fn profile_unsupported_mode() {
        let message = parse(FILE, Some("sso")).unwrap_err();
        assert!(message.contains("CloudSSO"), "{message}");
    }

    #[test]
    fn profile_missing_name() {
        assert!(parse(FILE, Some("nope")).is_err());
    }

    #[test]
    fn profile_error_hides_secret() {
        let error = load(Some("nope"), Some(Path::new("/nonexistent/config.json"))).unwrap_err();
        assert!(error.to_string().contains("/nonexistent/config.json"));
    }
}
