//! Unit tests of provider configuration resolution, with a fake environment.

use std::collections::BTreeMap;

use super::*;

fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: BTreeMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

fn config(pairs: Vec<(&str, Value)>) -> Value {
    let mut object = Value::object(
        [
            "region",
            "access_key",
            "secret_key",
            "security_token",
            "profile",
            "shared_credentials_file",
            "max_retries",
        ]
        .map(|n| (n, Value::Null)),
    );
    object.set("assume_role", Value::List(vec![]));
    object.set("endpoints", Value::List(vec![]));
    for (name, value) in pairs {
        object.set(name, value);
    }
    object
}

fn ready(resolved: Result<Resolved, Diagnostics>) -> ProviderSettings {
    match resolved {
        Ok(Resolved::Ready(settings)) => *settings,
        other => panic!("expected settings, got {other:?}"),
    }
}

#[test]
fn region_from_config() {
    let settings = ready(resolve(
        &config(vec![("region", "cn-hangzhou".into())]),
        &env_of(&[]),
    ));
    assert_eq!(settings.region, "cn-hangzhou");
}

#[test]
fn region_config_beats_env() {
    let env = env_of(&[("ALIBABA_CLOUD_REGION", "cn-beijing")]);
    let settings = ready(resolve(
        &config(vec![("region", "cn-hangzhou".into())]),
        &env,
    ));
    assert_eq!(settings.region, "cn-hangzhou");
}

#[test]
fn region_new_env_first() {
    let env = env_of(&[
        ("ALIBABA_CLOUD_REGION", "cn-beijing"),
        ("ALICLOUD_REGION", "cn-shanghai"),
    ]);
    assert_eq!(ready(resolve(&config(vec![]), &env)).region, "cn-beijing");
}

#[test]
fn region_old_env_read() {
    let env = env_of(&[("ALICLOUD_REGION", "cn-shanghai")]);
    assert_eq!(ready(resolve(&config(vec![]), &env)).region, "cn-shanghai");
}

#[test]
fn region_missing_names_env() {
    let diagnostics = resolve(&config(vec![]), &env_of(&[]))
        .err()
        .unwrap_or_default();
    let first = diagnostics.iter().next().cloned();
    let detail = first.as_ref().map(|d| d.detail.clone()).unwrap_or_default();
    assert!(detail.contains("ALIBABA_CLOUD_REGION"), "{detail}");
    assert!(detail.contains("ALICLOUD_REGION"), "{detail}");
    assert_eq!(
        first.and_then(|d| d.attribute),
        Some(AttributePath::root("region"))
    );
}

#[test]
fn unknown_region_defers() {
    let resolved = resolve(&config(vec![("region", Value::Unknown)]), &env_of(&[]));
    assert_eq!(resolved, Ok(Resolved::Deferred(vec!["region".to_string()])));
}

#[test]
fn unknown_role_arn_defers() {
    let assume = Value::List(vec![Value::object([
        ("role_arn", Value::Unknown),
        ("session_name", Value::Null),
        ("session_expiration", Value::Null),
        ("policy", Value::Null),
        ("external_id", Value::Null),
    ])]);
    let resolved = resolve(
        &config(vec![
            ("region", "cn-hangzhou".into()),
            ("assume_role", assume),
        ]),
        &env_of(&[]),
    );
    assert_eq!(
        resolved,
        Ok(Resolved::Deferred(vec!["assume_role.role_arn".to_string()]))
    );
}

#[test]
fn defaults_applied() {
    let env = env_of(&[("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/r")]);
    let settings = ready(resolve(
        &config(vec![("region", "cn-hangzhou".into())]),
        &env,
    ));
    assert_eq!(settings.max_retries, DEFAULT_MAX_RETRIES);
    let role = settings
        .assume_role
        .unwrap_or_else(|| panic!("assume_role missing"));
    assert_eq!(role.session_name, "terraform");
    assert_eq!(role.session_expiration, 3600);
}

#[test]
fn keys_from_env() {
    let env = env_of(&[
        ("ALICLOUD_ACCESS_KEY", "ak"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "sk"),
        ("ALIBABA_CLOUD_SECURITY_TOKEN", "tok"),
    ]);
    let settings = ready(resolve(&config(vec![("region", "r".into())]), &env));
    assert_eq!(settings.access_key.as_deref(), Some("ak"));
    assert_eq!(settings.secret_key.as_deref(), Some("sk"));
    assert_eq!(settings.security_token.as_deref(), Some("tok"));
}

#[test]
fn endpoint_env_names() {
    let env = env_of(&[
        ("CR_ENDPOINT", "127.0.0.1:1"),
        ("ALIBABA_CLOUD_ENDPOINT_STS", "127.0.0.1:2"),
    ]);
    let settings = ready(resolve(&config(vec![("region", "r".into())]), &env));
    assert_eq!(settings.endpoints.cr.as_deref(), Some("127.0.0.1:1"));
    assert_eq!(settings.endpoints.sts.as_deref(), Some("127.0.0.1:2"));
}

#[test]
fn expiration_out_of_range() {
    let assume = Value::List(vec![Value::object([
        ("role_arn", "acs:ram::1:role/r".into()),
        ("session_name", Value::Null),
        ("session_expiration", Value::number_i64(60)),
        ("policy", Value::Null),
        ("external_id", Value::Null),
    ])]);
    let diagnostics = validate_provider_config(&config(vec![("assume_role", assume)]));
    let path = diagnostics.iter().next().and_then(|d| d.attribute.clone());
    assert_eq!(
        path.map(|p| p.to_string()).as_deref(),
        Some("assume_role[0].session_expiration")
    );
}

#[test]
fn debug_hides_secrets() {
    let env = env_of(&[
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "very-secret"),
        ("ALIBABA_CLOUD_SECURITY_TOKEN", "sts-secret"),
    ]);
    let settings = ready(resolve(&config(vec![("region", "r".into())]), &env));
    let printed = format!("{settings:?}");
    assert!(!printed.contains("very-secret"), "{printed}");
    assert!(!printed.contains("sts-secret"), "{printed}");
}
