//! STS `AssumeRole` (`2015-04-01`): checks the role's trust list and issues temporary `STS.`
//! access keys with a security token and an expiration, stored so they survive restarts.

use serde_json::json;

use super::{reply, Ctx};
use crate::auth::SECURITY_TOKEN_PREFIX;
use crate::ids;
use crate::model::{AccessKey, Role};
use crate::store::Tx;
use crate::wire::{ApiError, Params, Reply};

const MIN_DURATION_SECONDS: i64 = 900;
const DEFAULT_DURATION_SECONDS: i64 = 3600;

/// Splits `acs:ram::<account>:role/<name>` into account and lowercase role name.
fn parse_role_arn(arn: &str) -> Option<(&str, String)> {
    let rest = arn.strip_prefix("acs:ram::")?;
    let (account, role) = rest.split_once(":role/")?;
    let valid =
        account.len() == 16 && account.bytes().all(|b| b.is_ascii_digit()) && !role.is_empty();
    valid.then(|| (account, role.to_ascii_lowercase()))
}

fn check_session_name(name: &str) -> Result<(), ApiError> {
    let allowed = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b".@-_".contains(&b));
    if (2..=64).contains(&name.len()) && allowed {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "RoleSessionName",
            name,
            "use 2 to 64 letters, digits, '.', '@', '-' or '_'",
        ))
    }
}

pub(super) fn assume_role(ctx: &Ctx<'_>, params: &Params, tx: &Tx<'_>) -> Result<Reply, ApiError> {
    let arn = params.required("RoleArn")?;
    let session_name = params.required("RoleSessionName")?;
    check_session_name(session_name)?;
    let (role_account, role_name) = parse_role_arn(arn).ok_or_else(|| {
        ApiError::invalid(
            "RoleArn",
            arn,
            "expected acs:ram::<16-digit account>:role/<name>",
        )
    })?;
    let canonical_arn = format!("acs:ram::{role_account}:role/{role_name}");
    let role = tx.get_any::<Role>(&canonical_arn)?.ok_or_else(|| {
        ApiError::gateway(
            404,
            "EntityNotExist.Role",
            format!("The role {arn} does not exist."),
        )
    })?;
    if !role
        .doc
        .trusted_accounts
        .iter()
        .any(|a| a == ctx.account_id)
    {
        return Err(ApiError::gateway(
            403,
            "NoPermission",
            format!("You are not authorized to do this action: account {} is not in the trust policy of role {arn}.", ctx.account_id),
        ));
    }
    let max = role
        .doc
        .max_session_seconds
        .clamp(MIN_DURATION_SECONDS, 43_200);
    let duration = params
        .int("DurationSeconds")?
        .unwrap_or(DEFAULT_DURATION_SECONDS);
    if !(MIN_DURATION_SECONDS..=max).contains(&duration) {
        let reason =
            format!("the duration must be {MIN_DURATION_SECONDS} to {max} seconds for this role");
        return Err(ApiError::invalid(
            "DurationSeconds",
            &duration.to_string(),
            &reason,
        ));
    }

    let access_key_id = format!("STS.{}", &ids::random_suffix("x", 24)[2..]);
    let secret = ids::random_suffix("s", 40)[2..].to_string();
    let token = format!(
        "{SECURITY_TOKEN_PREFIX}{}",
        &ids::random_suffix("t", 96)[2..]
    );
    let expires_ms = ctx.now_ms + duration * 1000;
    let key = AccessKey {
        secret: secret.clone(),
        security_token: Some(token.clone()),
        expires_ms: Some(expires_ms),
    };
    tx.insert(&access_key_id, &role.account_id, "", None, ctx.now_ms, &key)?;
    let session_id = &ids::random_suffix("r", 17)[2..];
    Ok(reply(json!({
        "AssumedRoleUser": {
            "Arn": format!("acs:ram::{role_account}:assumed-role/{}/{session_name}", role.doc.name),
            "AssumedRoleId": format!("{session_id}:{session_name}"),
        },
        "Credentials": {
            "AccessKeyId": access_key_id,
            "AccessKeySecret": secret,
            "SecurityToken": token,
            "Expiration": ids::iso_time(expires_ms),
        },
    })))
}
