//! Shared setup of the reliability drills (`tests/drill_*.rs`): an emulator
//! per test, Terraform workspaces with many build rules, the emulator's view
//! of those rules, and the checks that a run converged (no duplicates, state
//! and emulator agree, the next plan is empty).
//!
//! The short forms run in `cargo test`; `scripts/drills.sh` runs the same
//! tests with larger sizes through `ALICR_DRILL_RESOURCES` and
//! `ALICR_DRILL_TRIALS`. Everything stays on 127.0.0.1.

// Each drill uses a different part of this module.
#![allow(dead_code, unused_imports)]

use std::path::{Path, PathBuf};
use std::process::Command;

use alicr_emulator::{Admin, EmulatorConfig, Params, Realism, DEMO_ACCOUNT_ID, DEMO_INSTANCE_ID};
pub use alicr_testkit::{TestEmulator, Workspace};

/// The seed's two repositories, which the drills spread their rules over.
pub const REPOS: [(&str, &str); 2] = [
    ("app", "crr-demoapp000000001"),
    ("worker", "crr-demoworker000001"),
];

/// Returns the provider binary Cargo built for these tests.
pub fn provider_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-alicr"))
}

/// Reads a size from the environment, or `default` when unset or invalid.
pub fn env_size(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Returns the seed of the drills' random choices: `ALICR_DRILL_SEED`, or the clock.
/// Failure messages print it so a run can be repeated.
pub fn drill_seed() -> u64 {
    std::env::var("ALICR_DRILL_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0x5eed)
        })
}

/// xorshift64*: enough randomness for kill times and mutations, no crate needed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Returns a value in `0..bound` (0 when `bound` is 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            0
        } else {
            self.next_u64() % bound
        }
    }
}

/// Starts an emulator with `realism` (faults are usually set later).
pub fn start_emulator(realism: Realism) -> TestEmulator {
    TestEmulator::start_with(EmulatorConfig {
        realism,
        ..EmulatorConfig::default()
    })
}

/// `count` build rules over [`REPOS`], each with its own branch and tag.
pub fn rules_tf(count: usize) -> String {
    let mut out = String::from("terraform {\n  required_providers {\n    alicr = { source = \"alicr/alicr\" }\n  }\n}\n\nprovider \"alicr\" {}\n");
    for (index, (name, repo_id)) in REPOS.iter().enumerate() {
        let n = count / REPOS.len() + usize::from(index < count % REPOS.len());
        out.push_str(&format!(
            "\nresource \"alicr_build_rule\" \"{name}\" {{\n  count       = {n}\n  instance_id = \"{DEMO_INSTANCE_ID}\"\n  repo_id     = \"{repo_id}\"\n  push_type   = \"GIT_BRANCH\"\n  push_name   = \"drill-{name}-${{count.index}}\"\n  image_tag   = \"{name}-${{count.index}}\"\n}}\n"
        ));
    }
    out
}

/// Returns the image tags [`rules_tf`] gives its rules, sorted.
pub fn expected_tags(count: usize) -> Vec<String> {
    let mut tags = Vec::new();
    for (index, (name, _)) in REPOS.iter().enumerate() {
        let n = count / REPOS.len() + usize::from(index < count % REPOS.len());
        tags.extend((0..n).map(|i| format!("{name}-{i}")));
    }
    tags.sort();
    tags
}

/// Creates a workspace running the test build of the provider against `emulator`,
/// with `count` rules in `main.tf`.
pub fn rules_workspace(emulator: &TestEmulator, count: usize) -> Workspace {
    let mut workspace = Workspace::with_dev_override(&provider_binary());
    emulator.configure(&mut workspace);
    workspace.write("main.tf", &rules_tf(count));
    workspace
}

/// One build rule as the emulator stores it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RemoteRule {
    pub image_tag: String,
    pub build_rule_id: String,
}

/// Lists every build rule in [`REPOS`] through the console (no faults, no lag).
pub fn remote_rules(admin: &Admin) -> Vec<RemoteRule> {
    let mut out = Vec::new();
    for (_, repo_id) in REPOS {
        for page in 1.. {
            let page_text = page.to_string();
            let params = Params::from_pairs([
                ("InstanceId", DEMO_INSTANCE_ID),
                ("RepoId", repo_id),
                ("PageNo", page_text.as_str()),
                ("PageSize", "100"),
            ]);
            let listed = admin.console(DEMO_ACCOUNT_ID, "ListRepoBuildRule", params);
            let rules = listed.body["BuildRules"].as_array().unwrap_or_else(|| {
                panic!("ListRepoBuildRule on {repo_id} failed: {}", listed.body)
            });
            out.extend(rules.iter().map(|rule| RemoteRule {
                image_tag: rule["ImageTag"].as_str().unwrap_or_default().to_string(),
                build_rule_id: rule["BuildRuleId"].as_str().unwrap_or_default().to_string(),
            }));
            if rules.len() < 100 {
                break;
            }
        }
    }
    out.sort();
    out
}

/// Returns the `build_rule_id` of every rule in the workspace's state file, sorted;
/// empty when there is no state yet.
pub fn state_rule_ids(workspace: &Workspace) -> Vec<String> {
    let path = workspace.path().join("terraform.tfstate");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Vec::new();
    };
    let state: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not valid JSON ({e}):\n{text}", path.display()));
    let mut ids: Vec<String> = state["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|resource| resource["type"] == "alicr_build_rule")
        .flat_map(|resource| {
            resource["instances"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|instance| {
            instance["attributes"]["build_rule_id"]
                .as_str()
                .map(str::to_string)
        })
        .collect();
    ids.sort();
    ids
}

/// Asserts the emulator contains exactly the configured rules, each once.
#[track_caller]
pub fn assert_no_duplicates(admin: &Admin, count: usize, context: &str) {
    let tags: Vec<String> = remote_rules(admin)
        .into_iter()
        .map(|rule| rule.image_tag)
        .collect();
    assert_eq!(tags, expected_tags(count), "{context}: the emulator's build rules differ from the configuration (duplicates or missing rules)");
}

/// Asserts state and emulator hold the same rule IDs.
#[track_caller]
pub fn assert_state_matches(workspace: &Workspace, admin: &Admin, context: &str) {
    let remote: Vec<String> = {
        let mut ids: Vec<String> = remote_rules(admin)
            .into_iter()
            .map(|rule| rule.build_rule_id)
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(
        state_rule_ids(workspace),
        remote,
        "{context}: the rule IDs in state differ from those in the emulator"
    );
}

/// Asserts `terraform plan -detailed-exitcode` reports no changes.
#[track_caller]
pub fn assert_plan_empty(workspace: &Workspace, context: &str) {
    let output = workspace.plan_exit_code();
    output.assert_consistent();
    assert_eq!(
        output.code,
        0,
        "{context}: the next plan is not empty:\n{}",
        output.combined()
    );
}

/// Runs `terraform apply` and asserts it succeeded.
#[track_caller]
pub fn assert_apply(workspace: &Workspace, context: &str) {
    let output = workspace.run(&["apply", "-auto-approve", "-input=false"]);
    output.assert_consistent();
    assert_eq!(
        output.code,
        0,
        "{context}: apply failed:\n{}",
        output.combined()
    );
}

/// Runs `terraform destroy` and asserts it succeeded.
#[track_caller]
pub fn assert_destroy(workspace: &Workspace, context: &str) {
    let output = workspace.run(&["destroy", "-auto-approve", "-input=false"]);
    output.assert_consistent();
    assert_eq!(
        output.code,
        0,
        "{context}: destroy failed:\n{}",
        output.combined()
    );
}

/// Builds a `terraform` command for `workspace` that the caller spawns itself, with
/// the same offline environment `Workspace::run` uses (its CLI configuration
/// is `.terraformrc` in the working directory).
pub fn terraform_command(workspace: &Workspace, emulator: &TestEmulator, args: &[&str]) -> Command {
    let cli_config = workspace.path().join(".terraformrc");
    assert!(
        cli_config.is_file(),
        "the workspace has no CLI configuration at {}; alicr-testkit changed where it writes it",
        cli_config.display()
    );
    let mut command = Command::new(alicr_testkit::terraform::terraform_binary());
    command
        .current_dir(workspace.path())
        .args(args)
        .arg("-no-color")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", workspace.path())
        .env("TF_CLI_CONFIG_FILE", &cli_config)
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_IN_AUTOMATION", "1")
        .env("TF_INPUT", "0")
        .envs(emulator.provider_env());
    command
}

/// Reads the parent PID of a process from `/proc/<pid>/stat`.
pub fn parent_pid(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may contain spaces.
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(1)?.parse().ok()
}

/// PIDs of the running processes whose executable is `binary` and whose
/// parent is `parent`.
pub fn children_running(parent: u32, binary: &Path) -> Vec<u32> {
    let binary = binary
        .canonicalize()
        .unwrap_or_else(|_| binary.to_path_buf());
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| parent_pid(*pid) == Some(parent))
        .filter(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == binary))
        .collect()
}

/// Sends SIGKILL to a process that is not this test's child.
pub fn kill_9(pid: u32) {
    let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
}
