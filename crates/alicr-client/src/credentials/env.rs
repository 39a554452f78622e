//! The environment part of the alicloud credential precedence, as a helper for the provider:
//! keys from environment variables, then a CLI profile, then an ECS RAM role name.
//! Explicit provider settings come first and are the caller's job.

use std::path::{Path, PathBuf};

use crate::config::CredentialSource;
use crate::secret::Secret;

const ACCESS_KEY_ID: [&str; 3] = [
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALICLOUD_ACCESS_KEY",
    "ALIBABACLOUD_ACCESS_KEY_ID",
];
const ACCESS_KEY_SECRET: [&str; 3] = [
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALICLOUD_SECRET_KEY",
    "ALIBABACLOUD_ACCESS_KEY_SECRET",
];
const SECURITY_TOKEN: [&str; 3] = [
    "ALIBABA_CLOUD_SECURITY_TOKEN",
    "ALICLOUD_SECURITY_TOKEN",
    "ALIBABACLOUD_SECURITY_TOKEN",
];
const PROFILE: [&str; 2] = ["ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE"];
const PROFILE_FILE: [&str; 2] = [
    "ALIBABA_CLOUD_CREDENTIALS_FILE",
    "ALICLOUD_SHARED_CREDENTIALS_FILE",
];
const ECS_ROLE: [&str; 2] = ["ALIBABA_CLOUD_ECS_METADATA", "ALICLOUD_ECS_ROLE_NAME"];

/// Resolves a credential source from the process environment and `$HOME/.aliyun/config.json`.
pub fn credential_source_from_env() -> Option<CredentialSource> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    credential_source_from_lookup(
        |name| std::env::var(name).ok(),
        home.as_deref(),
        |p| p.is_file(),
    )
}

/// Resolves a credential source from `lookup` (environment variable values). Access keys come
/// first, then a profile named by `ALIBABA_CLOUD_PROFILE` or any profile file that exists, then
/// an ECS RAM role named by `ALIBABA_CLOUD_ECS_METADATA`. Values are trimmed and empty ones
/// ignored.
pub fn credential_source_from_lookup(
    lookup: impl Fn(&str) -> Option<String>,
    home: Option<&Path>,
    file_exists: impl Fn(&Path) -> bool,
) -> Option<CredentialSource> {
    let first = |names: &[&str]| {
        names
            .iter()
            .filter_map(|name| lookup(name))
            .map(|value| value.trim().to_owned())
            .find(|value| !value.is_empty())
    };
    if let (Some(id), Some(secret)) = (first(&ACCESS_KEY_ID), first(&ACCESS_KEY_SECRET)) {
        return Some(CredentialSource::Static {
            access_key_id: id,
            access_key_secret: Secret::new(secret),
            security_token: first(&SECURITY_TOKEN).map(Secret::new),
        });
    }
    let profile_name = first(&PROFILE);
    let file = first(&PROFILE_FILE)
        .map(PathBuf::from)
        .or_else(|| home.map(default_profile_file));
    if let Some(file) = file.filter(|f| profile_name.is_some() || file_exists(f)) {
        return Some(CredentialSource::Profile {
            name: profile_name,
            file: Some(file),
        });
    }
    first(&ECS_ROLE).map(|role_name| CredentialSource::EcsRamRole {
        role_name,
        metadata_endpoint: None,
    })
}

/// Returns `<home>/.aliyun/config.json`, the aliyun CLI's profile file.
pub fn default_profile_file(home: &Path) -> PathBuf {
    home.join(".aliyun").join("config.json")
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn resolve(vars: &[(&str, &str)], file_exists: bool) -> Option<CredentialSource> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        credential_source_from_lookup(
            |n| map.get(n).cloned(),
            Some(Path::new("/home/u")),
            |_| file_exists,
        )
    }

    #[test]
    fn env_keys_preferred() {
        let source = resolve(
            &[
                ("ALIBABA_CLOUD_ACCESS_KEY_ID", "id"),
                ("ALICLOUD_SECRET_KEY", " sk "),
                ("ALIBABA_CLOUD_PROFILE", "p"),
            ],
            true,
        );
        let Some(CredentialSource::Static {
            access_key_id,
            access_key_secret,
            ..
        }) = source
        else {
            panic!("expected static keys, got {source:?}");
        };
        assert_eq!(access_key_id, "id");
        assert_eq!(access_key_secret.expose(), "sk");
    }

    #[test]
    fn env_new_names_win_over_old() {
        let source = resolve(
            &[
                ("ALICLOUD_ACCESS_KEY", "old"),
                ("ALIBABA_CLOUD_ACCESS_KEY_ID", "new"),
                ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s"),
            ],
            false,
        );
        assert!(
            matches!(source, Some(CredentialSource::Static { access_key_id, .. }) if access_key_id == "new")
        );
    }

    #[test]
    fn env_security_token_read() {
        let source = resolve(
            &[
                ("ALICLOUD_ACCESS_KEY", "STS.id"),
                ("ALICLOUD_SECRET_KEY", "s"),
                ("ALICLOUD_SECURITY_TOKEN", "tok"),
            ],
            false,
        );
        assert!(matches!(
            source,
            Some(CredentialSource::Static {
                security_token: Some(_),
                ..
            })
        ));
    }

    #[test]
    fn env_profile_when_file_exists() {
        let source = resolve(&[], true);
        assert!(
            matches!(source, Some(CredentialSource::Profile { name: None, file: Some(f) }) if f == Path::new("/home/u/.aliyun/config.json"))
        );
    }

    #[test]
    fn env_ecs_role_last() {
        let source = resolve(&[("ALIBABA_CLOUD_ECS_METADATA", "builder")], false);
        assert!(
            matches!(source, Some(CredentialSource::EcsRamRole { role_name, .. }) if role_name == "builder")
        );
    }

    #[test]
    fn env_nothing_found() {
        assert!(resolve(&[("ALIBABA_CLOUD_ACCESS_KEY_ID", "id")], false).is_none());
    }
}
