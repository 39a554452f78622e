//! The emulator side of the Terraform benchmarks: a third repository for the
//! rules, and the build rules the emulator holds, read through console
//! actions (unsigned, never faulted, not counted as API requests).

use alicr_emulator::{Admin, Params, DEMO_ACCOUNT_ID, DEMO_INSTANCE_ID};
use anyhow::{bail, Context as _};

use crate::configs::Repos;

/// The seed's two repositories plus `bench`, created here.
pub fn prepare_repos(admin: &Admin) -> anyhow::Result<Repos> {
    let params = Params::from_pairs([
        ("InstanceId", DEMO_INSTANCE_ID),
        ("RepoNamespaceName", "demo"),
        ("RepoName", "bench"),
        ("RepoType", "PRIVATE"),
        ("Summary", "Benchmark repository"),
    ]);
    let created = admin.console(DEMO_ACCOUNT_ID, "CreateRepository", params);
    let bench_repo = created.body["RepoId"]
        .as_str()
        .with_context(|| format!("CreateRepository returned no RepoId: {}", created.body))?
        .to_string();
    Ok(Repos {
        instance_id: DEMO_INSTANCE_ID.to_string(),
        repos: vec![
            ("app".to_string(), "crr-demoapp000000001".to_string()),
            ("worker".to_string(), "crr-demoworker000001".to_string()),
            ("bench".to_string(), bench_repo),
        ],
    })
}

/// The image tags of every build rule in the three repositories, read page by page.
pub fn rule_tags(admin: &Admin, repos: &Repos) -> anyhow::Result<Vec<String>> {
    let mut tags = Vec::new();
    for (_, repo_id) in &repos.repos {
        for page in 1.. {
            let page_text = page.to_string();
            let params = Params::from_pairs([
                ("InstanceId", repos.instance_id.as_str()),
                ("RepoId", repo_id.as_str()),
                ("PageNo", page_text.as_str()),
                ("PageSize", "100"),
            ]);
            let listed = admin.console(DEMO_ACCOUNT_ID, "ListRepoBuildRule", params);
            let Some(rules) = listed.body["BuildRules"].as_array() else {
                bail!("ListRepoBuildRule on {repo_id} failed: {}", listed.body);
            };
            tags.extend(
                rules
                    .iter()
                    .filter_map(|rule| rule["ImageTag"].as_str().map(str::to_string)),
            );
            if rules.len() < 100 {
                break;
            }
        }
    }
    Ok(tags)
}

/// Checks that the emulator contains exactly `expected` rules, none twice.
pub fn check_rules(admin: &Admin, repos: &Repos, expected: usize) -> anyhow::Result<()> {
    let mut tags = rule_tags(admin, repos)?;
    let listed = tags.len();
    tags.sort();
    tags.dedup();
    if listed != tags.len() {
        bail!(
            "the emulator contains {} duplicate build rules",
            listed - tags.len()
        );
    }
    if listed != expected {
        bail!("the emulator contains {listed} build rules, expected {expected}");
    }
    Ok(())
}
