//! The seed: a TOML file declaring accounts, access keys, RAM roles, instances, VPCs, vSwitches,
//! namespaces and repositories. It is written into a new state database once; a database that
//! already holds state keeps it. The crate README documents the format.

use ipnet::IpNet;
use serde::Deserialize;
use thiserror::Error;

use crate::ids;
use crate::model::{AccessKey, Account, Instance, Namespace, Repository, Role, VSwitch, Vpc};
use crate::store::Tx;
use crate::wire::ApiError;

const DEFAULT_SEED: &str = include_str!("../seed/default.toml");

/// A seed file that cannot be used.
#[derive(Debug, Error)]
pub enum SeedError {
    #[error("the seed is not valid TOML for alicr-emulator: {0}")]
    Parse(#[from] toml::de::Error),
    #[error("the seed is inconsistent: {0}")]
    Invalid(String),
}

/// A parsed seed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    #[serde(default)]
    pub accounts: Vec<SeedAccount>,
}

/// One account of the seed with everything it owns.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedAccount {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub access_keys: Vec<SeedAccessKey>,
    #[serde(default)]
    pub roles: Vec<SeedRole>,
    #[serde(default)]
    pub instances: Vec<SeedInstance>,
    #[serde(default)]
    pub vpcs: Vec<SeedVpc>,
    #[serde(default)]
    pub vswitches: Vec<SeedVSwitch>,
    #[serde(default)]
    pub namespaces: Vec<SeedNamespace>,
    #[serde(default)]
    pub repositories: Vec<SeedRepository>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedAccessKey {
    pub id: String,
    pub secret: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedRole {
    pub name: String,
    #[serde(default)]
    pub trusted_accounts: Vec<String>,
    #[serde(default = "default_max_session")]
    pub max_session_seconds: i64,
}

fn default_max_session() -> i64 {
    43_200
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedInstance {
    pub id: String,
    pub name: String,
    pub region: String,
    #[serde(default = "default_specification")]
    pub specification: String,
}

fn default_specification() -> String {
    "Enterprise_Basic".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedVpc {
    pub id: String,
    pub region: String,
    pub cidr: String,
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedVSwitch {
    pub id: String,
    pub vpc: String,
    pub zone: String,
    pub cidr: String,
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedNamespace {
    #[serde(default)]
    pub id: Option<String>,
    pub instance: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedRepository {
    #[serde(default)]
    pub id: Option<String>,
    pub instance: String,
    pub namespace: String,
    pub name: String,
    #[serde(default = "default_repo_type")]
    pub repo_type: String,
    #[serde(default)]
    pub summary: String,
}

fn default_repo_type() -> String {
    "PRIVATE".into()
}

impl Seed {
    /// The built-in seed (`seed/default.toml`).
    pub fn default_seed() -> Seed {
        match Seed::from_toml_str(DEFAULT_SEED) {
            Ok(seed) => seed,
            // The built-in seed is checked by a unit test, so this arm only guards edits to it.
            Err(_) => Seed {
                accounts: Vec::new(),
            },
        }
    }

    /// Parses and checks a seed.
    pub fn from_toml_str(text: &str) -> Result<Seed, SeedError> {
        let seed: Seed = toml::from_str(text)?;
        seed.check()?;
        Ok(seed)
    }

    fn check(&self) -> Result<(), SeedError> {
        let invalid = |msg: String| Err(SeedError::Invalid(msg));
        for account in &self.accounts {
            if account.id.len() != 16 || !account.id.bytes().all(|b| b.is_ascii_digit()) {
                return invalid(format!("account id {:?} must be 16 digits", account.id));
            }
            for vpc in &account.vpcs {
                if vpc.cidr.parse::<IpNet>().is_err() {
                    return invalid(format!("VPC {} has an invalid cidr {:?}", vpc.id, vpc.cidr));
                }
            }
            for vsw in &account.vswitches {
                let Some(vpc) = account.vpcs.iter().find(|v| v.id == vsw.vpc) else {
                    return invalid(format!(
                        "vSwitch {} names VPC {}, which the account does not declare",
                        vsw.id, vsw.vpc
                    ));
                };
                let (Ok(outer), Ok(inner)) = (vpc.cidr.parse::<IpNet>(), vsw.cidr.parse::<IpNet>())
                else {
                    return invalid(format!(
                        "vSwitch {} has an invalid cidr {:?}",
                        vsw.id, vsw.cidr
                    ));
                };
                if !outer.contains(&inner) {
                    return invalid(format!(
                        "vSwitch {} cidr {} is outside VPC {} cidr {}",
                        vsw.id, vsw.cidr, vpc.id, vpc.cidr
                    ));
                }
            }
            for ns in &account.namespaces {
                if !account.instances.iter().any(|i| i.id == ns.instance) {
                    return invalid(format!(
                        "namespace {} names instance {}, which the account does not declare",
                        ns.name, ns.instance
                    ));
                }
            }
            for repo in &account.repositories {
                if !account
                    .namespaces
                    .iter()
                    .any(|n| n.instance == repo.instance && n.name == repo.namespace)
                {
                    return invalid(format!("repository {} names namespace {} in {}, which the account does not declare", repo.name, repo.namespace, repo.instance));
                }
            }
        }
        Ok(())
    }

    /// Writes the seed's objects into an empty database.
    pub fn apply(&self, tx: &Tx<'_>, now_ms: i64) -> Result<(), ApiError> {
        // Objects get one creation millisecond each, starting a day in the past, so lists keep
        // the seed's order and read-after-write lag (far shorter than a day) never hides them.
        let mut clock = SeedClock(now_ms - 86_400_000);
        for account in &self.accounts {
            apply_account(tx, account, &mut clock)?;
        }
        Ok(())
    }
}

struct SeedClock(i64);

impl SeedClock {
    fn tick(&mut self) -> i64 {
        self.0 += 1;
        self.0
    }
}

fn apply_account(
    tx: &Tx<'_>,
    account: &SeedAccount,
    clock: &mut SeedClock,
) -> Result<(), ApiError> {
    let owner = account.id.as_str();
    let now = clock.tick();
    tx.insert(
        owner,
        owner,
        "",
        None,
        now,
        &Account {
            name: account.name.clone(),
        },
    )?;
    for key in &account.access_keys {
        let doc = AccessKey {
            secret: key.secret.clone(),
            security_token: None,
            expires_ms: None,
        };
        tx.insert(&key.id, owner, "", None, clock.tick(), &doc)?;
    }
    for role in &account.roles {
        let arn = role_arn(owner, &role.name);
        let doc = Role {
            name: role.name.clone(),
            trusted_accounts: role.trusted_accounts.clone(),
            max_session_seconds: role.max_session_seconds,
        };
        tx.insert(&arn, owner, "", None, clock.tick(), &doc)?;
    }
    for inst in &account.instances {
        let doc = Instance {
            name: inst.name.clone(),
            region: inst.region.clone(),
            specification: inst.specification.clone(),
        };
        tx.insert(&inst.id, owner, "", None, clock.tick(), &doc)?;
    }
    for vpc in &account.vpcs {
        let doc = Vpc {
            region: vpc.region.clone(),
            cidr: vpc.cidr.clone(),
            name: vpc.name.clone(),
        };
        tx.insert(&vpc.id, owner, &vpc.region, None, clock.tick(), &doc)?;
    }
    for vsw in &account.vswitches {
        let doc = VSwitch {
            vpc_id: vsw.vpc.clone(),
            zone: vsw.zone.clone(),
            cidr: vsw.cidr.clone(),
            name: vsw.name.clone(),
        };
        tx.insert(&vsw.id, owner, &vsw.vpc, None, clock.tick(), &doc)?;
    }
    for ns in &account.namespaces {
        let id = ns.id.clone().unwrap_or_else(|| ids::object_id("crn"));
        let doc = Namespace {
            instance_id: ns.instance.clone(),
            name: ns.name.clone(),
            auto_create_repo: false,
            default_repo_type: "PRIVATE".into(),
        };
        tx.insert(&id, owner, &ns.instance, Some(&ns.name), clock.tick(), &doc)?;
    }
    for repo in &account.repositories {
        let id = repo.id.clone().unwrap_or_else(|| ids::object_id("crr"));
        let doc = Repository {
            instance_id: repo.instance.clone(),
            namespace: repo.namespace.clone(),
            name: repo.name.clone(),
            repo_type: repo.repo_type.clone(),
            summary: repo.summary.clone(),
            detail: String::new(),
            tag_immutability: false,
            modified_ms: now,
        };
        let key = format!("{}/{}", repo.namespace, repo.name);
        tx.insert(&id, owner, &repo.instance, Some(&key), clock.tick(), &doc)?;
    }
    Ok(())
}

/// Builds a RAM role ARN, `acs:ram::<account>:role/<name>`.
pub fn role_arn(account_id: &str, role_name: &str) -> String {
    format!(
        "acs:ram::{account_id}:role/{}",
        role_name.to_ascii_lowercase()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_seed_parses() {
        let seed = Seed::from_toml_str(DEFAULT_SEED);
        assert!(seed.is_ok(), "{seed:?}");
    }

    #[test]
    fn default_seed_accounts() {
        assert_eq!(Seed::default_seed().accounts.len(), 2);
    }

    #[test]
    fn vswitch_outside_vpc_rejected() {
        let text = r#"
[[accounts]]
id = "1111111111111111"
vpcs = [{ id = "vpc-a", region = "cn-hangzhou", cidr = "10.0.0.0/16" }]
vswitches = [{ id = "vsw-a", vpc = "vpc-a", zone = "cn-hangzhou-h", cidr = "10.1.0.0/24" }]
"#;
        assert!(matches!(
            Seed::from_toml_str(text),
            Err(SeedError::Invalid(_))
        ));
    }

    #[test]
    fn unknown_field_rejected() {
        let text = "[[accounts]]\nid = \"1111111111111111\"\ncolour = \"red\"\n";
        assert!(matches!(
            Seed::from_toml_str(text),
            Err(SeedError::Parse(_))
        ));
    }
}
