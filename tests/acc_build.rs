//! Acceptance tests of `alicr_build` and `alicr_builds`: the real `terraform`
//! drives the built provider against an in-process `alicr-emulator`.
//!
//! Each test starts its own emulator, because build durations and build
//! failures are emulator-wide settings. Terraform needs to be on PATH.

use std::path::Path;

use alicr_emulator::{EmulatorConfig, Realism};
use alicr_testkit::{TestEmulator, Workspace, REQUIRED_PROVIDERS};
use serde_json::Value as Json;

/// IDs from the emulator's built-in seed.
const INSTANCE_ID: &str = "cri-demo000000000001";
const REPO_ID: &str = "crr-demoapp000000001";

/// Starts an emulator whose builds stay pending for `pending_ms` and then
/// run for `running_ms`.
fn start_emulator(pending_ms: u64, running_ms: u64) -> TestEmulator {
    TestEmulator::start_with(EmulatorConfig {
        realism: Realism {
            build_pending_ms: pending_ms,
            build_running_ms: running_ms,
            ..Realism::instant()
        },
        ..EmulatorConfig::default()
    })
}

/// Creates a Terraform directory whose `alicr` provider calls `emulator`.
fn workspace(emulator: &TestEmulator) -> Workspace {
    let provider = Path::new(env!("CARGO_BIN_EXE_terraform-provider-alicr"));
    let mut workspace = Workspace::with_dev_override(provider);
    emulator.configure(&mut workspace);
    workspace.write("provider.tf", REQUIRED_PROVIDERS);
    workspace
}

/// Returns a build rule of the seed's `app` repository and one build of it.
fn build_config(trigger: &str, extra_build_settings: &str) -> String {
    format!(
        r#"resource "alicr_build_rule" "main" {{
  instance_id = "{INSTANCE_ID}"
  repo_id     = "{REPO_ID}"
  push_type   = "GIT_BRANCH"
  push_name   = "main"
  image_tag   = "v1"
}}

resource "alicr_build" "smoke" {{
  instance_id   = "{INSTANCE_ID}"
  repo_id       = alicr_build_rule.main.repo_id
  build_rule_id = alicr_build_rule.main.build_rule_id
  triggers = {{
    source = "{trigger}"
  }}
{extra_build_settings}
}}
"#
    )
}

const BUILDS_DATA_SOURCE: &str = r#"
data "alicr_builds" "app" {
  instance_id = "cri-demo000000000001"
  repo_id     = "crr-demoapp000000001"
  limit       = 5
  depends_on  = [alicr_build.smoke]
}

output "builds" {
  value = data.alicr_builds.app.builds
}
"#;

fn string(value: &Json) -> String {
    value.as_str().unwrap_or_default().to_string()
}

/// Joins Terraform's wrapped diagnostic lines, so a test can look for a
/// sentence wherever Terraform broke it.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Returns whether `address` is tainted in `terraform show -json`.
fn is_tainted(workspace: &Workspace, address: &str) -> bool {
    let state = workspace.state_json();
    let resources = state["values"]["root_module"]["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    resources
        .iter()
        .find(|r| r["address"] == address)
        .is_some_and(|r| r["tainted"] == Json::Bool(true))
}

#[test]
fn build_succeeds_reruns_and_lists() {
    let api = start_emulator(0, 300);
    let workspace = workspace(&api);
    workspace.write(
        "main.tf",
        &format!("{}{BUILDS_DATA_SOURCE}", build_config("one", "")),
    );
    workspace.apply();

    let address = "alicr_build.smoke";
    let first_id = string(&workspace.state_attribute(address, "build_id"));
    assert!(!first_id.is_empty(), "build_id is empty");
    assert_eq!(workspace.state_attribute(address, "status"), "SUCCESS");
    assert_eq!(workspace.state_attribute(address, "image_tag"), "v1");
    assert_eq!(workspace.state_attribute(address, "digest"), Json::Null);
    let finished_at = string(&workspace.state_attribute(address, "finished_at"));
    assert!(
        finished_at.ends_with('Z'),
        "finished_at {finished_at:?} is not RFC 3339 UTC"
    );
    let plan = workspace.plan_exit_code();
    assert_eq!(
        plan.code,
        0,
        "plan after apply is not empty:\n{}",
        plan.combined()
    );

    workspace.write(
        "main.tf",
        &format!("{}{BUILDS_DATA_SOURCE}", build_config("two", "")),
    );
    workspace.apply().contains("must be replaced");
    let second_id = string(&workspace.state_attribute(address, "build_id"));
    assert_ne!(
        second_id, first_id,
        "changing triggers did not run a new build"
    );

    let builds = workspace.outputs()["builds"]["value"].clone();
    assert_eq!(
        builds[0]["build_id"],
        Json::String(second_id),
        "newest build is not first: {builds:#}"
    );
    assert_eq!(
        builds[1]["build_id"],
        Json::String(first_id),
        "older build is not second: {builds:#}"
    );
    assert_eq!(builds[0]["status"], "SUCCESS");

    workspace.destroy();
}

#[test]
fn build_failure_reports_log_tail() {
    let api = start_emulator(0, 300);
    let workspace = workspace(&api);
    workspace.write("main.tf", &build_config("one", ""));
    api.admin().fail_next_builds(1);

    let out = workspace.run(&["apply", "-auto-approve", "-input=false"]);
    out.failure().contains("Build FAILED").contains("log lines");
    assert_eq!(
        workspace.state_attribute("alicr_build.smoke", "status"),
        "FAILED"
    );
    assert!(
        is_tainted(&workspace, "alicr_build.smoke"),
        "failed build is not tainted"
    );

    workspace
        .apply()
        .contains("alicr_build.smoke is tainted, so must be replaced");
    assert_eq!(
        workspace.state_attribute("alicr_build.smoke", "status"),
        "SUCCESS"
    );
}

#[test]
fn build_timeout_cancels() {
    let api = start_emulator(0, 10 * 60 * 1000);
    let workspace = workspace(&api);
    let timeouts = "  timeouts {\n    create = \"2s\"\n  }";
    workspace.write("main.tf", &build_config("one", timeouts));

    let out = workspace.run(&["apply", "-auto-approve", "-input=false"]);
    out.failure().contains("Build timed out");
    let text = one_line(&out.combined());
    assert!(text.contains("did not finish within 2s"), "{text}");
    assert!(
        text.contains("canceled it with CancelRepoBuildRecord"),
        "{text}"
    );
    assert_eq!(
        workspace.state_attribute("alicr_build.smoke", "status"),
        "CANCELED"
    );
    assert!(
        is_tainted(&workspace, "alicr_build.smoke"),
        "timed-out build is not tainted"
    );
}

#[test]
fn build_import_by_ids() {
    let api = start_emulator(0, 0);
    let workspace = workspace(&api);
    workspace.write("main.tf", &build_config("one", ""));
    workspace.apply();
    let rule_id = string(&workspace.state_attribute("alicr_build_rule.main", "build_rule_id"));
    let build_id = string(&workspace.state_attribute("alicr_build.smoke", "build_id"));
    workspace
        .run(&["state", "rm", "alicr_build.smoke"])
        .success();

    let import_id = format!("{INSTANCE_ID}:{REPO_ID}:{rule_id}:{build_id}");
    workspace
        .run(&["import", "-input=false", "alicr_build.smoke", &import_id])
        .success();
    assert_eq!(
        workspace.state_attribute("alicr_build.smoke", "status"),
        "SUCCESS"
    );
    assert_eq!(
        workspace.state_attribute("alicr_build.smoke", "build_rule_id"),
        Json::String(rule_id)
    );
}
