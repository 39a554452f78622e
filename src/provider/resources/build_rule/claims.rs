//! State about build rules that every `alicr_build_rule` of one provider
//! process shares. It records which resource of this process has each rule
//! (claims) and which rules its creates made. It also keeps one listing of
//! each repository from before its first create (the snapshot), and the
//! locks that order writes.
//!
//! Writes to one repository run a few at a time, so the retry waits of
//! throttled calls overlap instead of adding up, while the API sees no burst
//! of changes to one parent. Creates of identical rules run one at a time,
//! because only those could take over each other's rule.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, OnceLock};

use alicr_client::model::{BuildRule, BuildRuleSpec};
use alicr_client::{CrClient, Error as ApiError};
use alicr_framework::Context;
use tokio::sync::{OnceCell, Semaphore};

use crate::provider::api;

/// Creates and deletes that may run at once on one repository. Conflicts the
/// API reports for parallel changes are retried by the client.
pub(crate) const WRITES_PER_REPOSITORY: usize = 4;

/// One value per key, made on first use and kept for the process lifetime.
struct Keyed<K, V>(OnceLock<Mutex<HashMap<K, Arc<V>>>>);

impl<K: Eq + Hash, V> Keyed<K, V> {
    const fn new() -> Self {
        Self(OnceLock::new())
    }

    fn get(&self, key: K, make: impl FnOnce() -> V) -> Arc<V> {
        let map = self.0.get_or_init(Default::default);
        let mut map = map.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(map.entry(key).or_insert_with(|| Arc::new(make())))
    }
}

fn repo_key(instance_id: &str, repo_id: &str) -> String {
    format!("{instance_id}:{repo_id}")
}

/// `<instance_id>:<repo_id>:<build_rule_id>`, the key of a claim.
pub(super) fn rule_key(instance_id: &str, repo_id: &str, rule_id: &str) -> String {
    format!("{instance_id}:{repo_id}:{rule_id}")
}

/// Returns the permits for writes to one repository (see
/// [`WRITES_PER_REPOSITORY`]).
pub(super) fn repo_writes(instance_id: &str, repo_id: &str) -> Arc<Semaphore> {
    static WRITES: Keyed<String, Semaphore> = Keyed::new();
    WRITES.get(repo_key(instance_id, repo_id), || {
        Semaphore::new(WRITES_PER_REPOSITORY)
    })
}

/// Returns the lock that build starts on one repository hold, so the build
/// record that appears after a start's lost reply is known to be that start's.
pub(crate) fn build_start_lock(instance_id: &str, repo_id: &str) -> Arc<tokio::sync::Mutex<()>> {
    static LOCKS: Keyed<String, tokio::sync::Mutex<()>> = Keyed::new();
    LOCKS.get(repo_key(instance_id, repo_id), Default::default)
}

/// Returns the lock that creates of rules with exactly these settings in one
/// repository hold, so two such creates never take the same rule.
pub(super) fn same_spec_lock(
    instance_id: &str,
    repo_id: &str,
    spec: &BuildRuleSpec,
) -> Arc<tokio::sync::Mutex<()>> {
    static LOCKS: Keyed<String, tokio::sync::Mutex<()>> = Keyed::new();
    LOCKS.get(made_key(instance_id, repo_id, spec), Default::default)
}

/// Joins the settings that [`super::create::same_rule`] compares into one
/// string.
pub(super) fn spec_key(spec: &BuildRuleSpec) -> String {
    let sorted = |items: &[String]| {
        let mut items = items.to_vec();
        items.sort();
        items.join("\u{1}")
    };
    [
        spec.push_type.to_ascii_uppercase(),
        spec.push_name.clone(),
        spec.image_tag.clone(),
        spec.dockerfile_location.clone(),
        spec.dockerfile_name.clone(),
        sorted(&spec.build_args),
        sorted(&spec.platforms),
    ]
    .join("\0")
}

/// The reason a resource of this process has a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Holder {
    /// A create of this process made the rule.
    Created,
    /// A create of this process adopted the rule. The token is stored in that
    /// resource's private state too, so its own delete is recognized.
    Adopted { token: String },
    /// An update of this process changed the rule, so a resource in state
    /// manages it.
    Updating,
    /// A delete of this process is removing the rule.
    Deleting,
}

/// The action a delete takes on its rule.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum DeleteDecision {
    /// Send DeleteRepoBuildRule.
    Delete,
    /// Leave the rule alone: another resource of this process adopted it.
    TakenOver,
}

/// Records that a create of this process made or adopted `rule_id` with these
/// settings, so later creates with the same settings count it as existing.
pub(super) fn record_made(instance_id: &str, repo_id: &str, spec: &BuildRuleSpec, rule_id: &str) {
    made_rules()
        .entry(made_key(instance_id, repo_id, spec))
        .or_default()
        .push(rule_id.to_string());
}

/// Returns the rules with these settings that creates of this process made or
/// adopted.
pub(super) fn made(instance_id: &str, repo_id: &str, spec: &BuildRuleSpec) -> Vec<String> {
    made_rules()
        .get(&made_key(instance_id, repo_id, spec))
        .cloned()
        .unwrap_or_default()
}

fn made_key(instance_id: &str, repo_id: &str, spec: &BuildRuleSpec) -> String {
    format!("{}\0{}", repo_key(instance_id, repo_id), spec_key(spec))
}

fn made_rules() -> std::sync::MutexGuard<'static, HashMap<String, Vec<String>>> {
    static MADE: OnceLock<Mutex<HashMap<String, Vec<String>>>> = OnceLock::new();
    MADE.get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn holders() -> std::sync::MutexGuard<'static, HashMap<String, Holder>> {
    static HOLDERS: OnceLock<Mutex<HashMap<String, Holder>>> = OnceLock::new();
    HOLDERS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Records `holder` for the rule unless a resource of this process already
/// has it, and returns whether it was recorded.
pub(super) fn try_hold(key: &str, holder: Holder) -> bool {
    let mut holders = holders();
    if holders.contains_key(key) {
        return false;
    }
    holders.insert(key.to_string(), holder);
    true
}

/// Forgets the holder of a rule that this process does not keep after all.
pub(super) fn release(key: &str) {
    holders().remove(key);
}

/// Reports whether a resource of this process has the rule.
#[cfg(test)]
fn is_held(key: &str) -> bool {
    holders().contains_key(key)
}

/// Decides whether the delete of a rule goes ahead, given the adoption token
/// in the deleting resource's private state, and marks the rule as being
/// deleted when it does.
pub(super) fn start_delete(key: &str, own_token: Option<&str>) -> DeleteDecision {
    let mut holders = holders();
    if let Some(Holder::Adopted { token }) = holders.get(key) {
        if own_token != Some(token.as_str()) {
            return DeleteDecision::TakenOver;
        }
    }
    holders.insert(key.to_string(), Holder::Deleting);
    DeleteDecision::Delete
}

/// Returns a new token that identifies one adoption.
pub(super) fn new_adoption_token() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The repository's rules as listed before this process created any there;
/// `None` when the repository is gone. Rules left by an earlier, interrupted
/// apply are in it; rules this process makes are claimed instead. One
/// listing serves every create of the repository, and a failed listing is
/// tried again by the next create.
pub(super) async fn snapshot(
    ctx: &Context,
    client: &CrClient,
    instance_id: &str,
    repo_id: &str,
) -> Result<Option<Arc<Vec<BuildRule>>>, ApiError> {
    type Listing = OnceCell<Option<Arc<Vec<BuildRule>>>>;
    static SNAPSHOTS: Keyed<String, Listing> = Keyed::new();
    let cell = SNAPSHOTS.get(repo_key(instance_id, repo_id), OnceCell::new);
    let listed = cell
        .get_or_try_init(|| async {
            let rules = api::list_build_rules(ctx, client, instance_id, repo_id).await?;
            Ok::<_, ApiError>(rules.map(Arc::new))
        })
        .await?;
    Ok(listed.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(args: &[&str]) -> BuildRuleSpec {
        BuildRuleSpec {
            push_type: "GIT_BRANCH".into(),
            push_name: "main".into(),
            build_args: args.iter().map(|a| a.to_string()).collect(),
            ..BuildRuleSpec::default()
        }
    }

    #[test]
    fn spec_key_ignores_argument_order() {
        assert_eq!(
            spec_key(&spec(&["A=1", "B=2"])),
            spec_key(&spec(&["B=2", "A=1"]))
        );
    }

    #[test]
    fn spec_key_tells_fields_apart() {
        let mut moved = spec(&[]);
        moved.push_name = String::new();
        moved.image_tag = "main".into();
        assert_ne!(spec_key(&spec(&[])), spec_key(&moved));
    }

    #[test]
    fn same_settings_share_a_lock() {
        let a = same_spec_lock("cri-u", "crr-u", &spec(&["A=1"]));
        let b = same_spec_lock("cri-u", "crr-u", &spec(&["A=1"]));
        let other = same_spec_lock("cri-u", "crr-u", &spec(&["A=2"]));
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &other));
    }

    #[test]
    fn repositories_have_their_own_permits() {
        let a = repo_writes("cri-u", "crr-permits-a");
        assert_eq!(a.available_permits(), WRITES_PER_REPOSITORY);
        assert!(!Arc::ptr_eq(&a, &repo_writes("cri-u", "crr-permits-b")));
    }

    #[test]
    fn held_rule_not_held_twice() {
        let key = rule_key("cri-unit", "crr-unit", "crbr-held");
        assert!(try_hold(&key, Holder::Created));
        assert!(!try_hold(&key, Holder::Deleting));
        assert!(is_held(&key));
        assert!(!is_held("cri-unit:crr-unit:crbr-never"));
    }

    #[test]
    fn delete_leaves_rule_adopted_by_other() {
        let key = rule_key("cri-unit", "crr-unit", "crbr-adopted");
        let token = new_adoption_token();
        assert!(try_hold(
            &key,
            Holder::Adopted {
                token: token.clone()
            }
        ));
        assert_eq!(start_delete(&key, None), DeleteDecision::TakenOver);
        assert_eq!(start_delete(&key, Some("other")), DeleteDecision::TakenOver);
        assert_eq!(start_delete(&key, Some(&token)), DeleteDecision::Delete);
    }

    #[test]
    fn deleted_rule_not_adoptable() {
        let key = rule_key("cri-unit", "crr-unit", "crbr-deleting");
        assert_eq!(start_delete(&key, None), DeleteDecision::Delete);
        let adopted = try_hold(
            &key,
            Holder::Adopted {
                token: new_adoption_token(),
            },
        );
        assert!(!adopted);
    }

    #[test]
    fn made_rules_listed_per_settings() {
        record_made("cri-u", "crr-made", &spec(&["A=1"]), "crbr-a");
        assert_eq!(made("cri-u", "crr-made", &spec(&["A=1"])), vec!["crbr-a"]);
        assert!(made("cri-u", "crr-made", &spec(&["A=2"])).is_empty());
    }

    #[test]
    fn adoption_tokens_differ() {
        assert_ne!(new_adoption_token(), new_adoption_token());
    }
}
