//! Acceptance tests of `alicr_build_rule`: create, update with the complete
//! payload, drift, import, deletion outside Terraform and destroy. Other
//! tests create several rules on one repository in parallel and check the
//! enumerations at plan time. `acc_build_rule_adoption` covers the recovery
//! of rules that a killed create made.

mod acc_common;

use acc_common::*;
use alicr_client::BuildRuleSpec;

fn rule_tf(image_tag: &str) -> String {
    format!(
        r#"resource "alicr_build_rule" "main" {{
  instance_id = "{INSTANCE}"
  repo_id     = "{REPO_APP}"
  push_type   = "GIT_BRANCH"
  push_name   = "main"
  image_tag   = "{image_tag}"
  build_args  = {{ B = "2", A = "1=one" }}
  platforms   = ["linux/arm64", "linux/amd64"]
}}
"#
    )
}

#[test]
fn build_rule_lifecycle() {
    let h = harness();
    let ws = h.workspace(&rule_tf("latest"));
    ws.apply();
    let rule_id = state_str(&ws, "alicr_build_rule.main", "build_rule_id");
    assert!(rule_id.starts_with("crbr-"), "{rule_id}");
    assert_eq!(
        state_str(&ws, "alicr_build_rule.main", "dockerfile_location"),
        "/"
    );
    assert_eq!(
        state_str(&ws, "alicr_build_rule.main", "dockerfile_name"),
        "Dockerfile"
    );
    // Order of arguments and platforms never diffs.
    assert_eq!(plan_code(&ws).0, 0, "plan after create");
    assert_eq!(
        refresh_only_code(&ws).0,
        0,
        "refresh-only plan after create"
    );

    // An update sends the whole rule: arguments and platforms survive.
    ws.write("main.tf", &rule_tf("stable"));
    let (code, plan) = plan_code(&ws);
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("update in-place"), "{plan}");
    ws.apply();
    let remote = h
        .block_on(
            h.console()
                .find_repo_build_rule(INSTANCE, REPO_APP, &rule_id),
        )
        .unwrap_or_else(|e| panic!("console read failed: {e}"))
        .unwrap_or_else(|| panic!("rule {rule_id} is missing after update"));
    assert_eq!(remote.image_tag, "stable");
    let mut args = remote.build_args.clone();
    args.sort();
    assert_eq!(args, vec!["A=1=one".to_string(), "B=2".to_string()]);
    assert_eq!(remote.platforms.len(), 2);

    // A console edit shows as drift of exactly that attribute.
    let spec = BuildRuleSpec {
        push_type: remote.push_type.clone(),
        push_name: remote.push_name.clone(),
        image_tag: "drifted".to_string(),
        dockerfile_location: remote.dockerfile_location.clone(),
        dockerfile_name: remote.dockerfile_name.clone(),
        build_args: remote.build_args.clone(),
        platforms: remote.platforms.clone(),
    };
    h.block_on(
        h.console()
            .update_repo_build_rule(INSTANCE, REPO_APP, &rule_id, &spec),
    )
    .unwrap_or_else(|e| panic!("console edit failed: {e}"));
    let (code, plan) = plan_code(&ws);
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("~ image_tag"), "{plan}");
    assert!(!plan.contains("~ platforms"), "{plan}");
    assert!(!plan.contains("~ build_args"), "{plan}");
    assert_eq!(refresh_only_code(&ws).0, 2, "refresh-only plan after drift");
    ws.apply();

    // Changing the repository replaces the rule.
    ws.write("main.tf", &rule_tf("stable").replace(REPO_APP, REPO_WORKER));
    let (code, plan) = plan_code(&ws);
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("must be replaced"), "{plan}");
    ws.write("main.tf", &rule_tf("stable"));

    // Import restores every attribute.
    let imported = h.workspace(&rule_tf("stable"));
    imported
        .run(&[
            "import",
            "-input=false",
            "alicr_build_rule.main",
            &format!("{INSTANCE}:{REPO_APP}:{rule_id}"),
        ])
        .success();
    assert_eq!(plan_code(&imported).0, 0, "plan after import");
    imported
        .run(&["state", "rm", "alicr_build_rule.main"])
        .success();

    // Deleted outside Terraform: a create is planned, without error.
    h.block_on(
        h.console()
            .delete_repo_build_rule(INSTANCE, REPO_APP, &rule_id),
    )
    .unwrap_or_else(|e| panic!("console delete failed: {e}"));
    let (code, plan) = plan_code(&ws);
    assert_eq!(code, 2, "{plan}");
    assert!(
        plan.contains("alicr_build_rule.main will be created"),
        "{plan}"
    );
    ws.destroy();
}

#[test]
fn parallel_rules_one_repo() {
    let tf = format!(
        r#"resource "alicr_build_rule" "many" {{
  count       = 6
  instance_id = "{INSTANCE}"
  repo_id     = "{REPO_WORKER}"
  push_type   = "GIT_TAG"
  push_name   = "v${{count.index}}.*"
  image_tag   = "v${{count.index}}"
}}
"#
    );
    let ws = harness().workspace(&tf);
    ws.apply();
    let rules = harness()
        .block_on(
            harness()
                .console()
                .list_repo_build_rules(INSTANCE, REPO_WORKER),
        )
        .unwrap_or_else(|e| panic!("console list failed: {e}"));
    let tags: Vec<&str> = rules
        .iter()
        .filter(|r| r.push_type == "GIT_TAG")
        .map(|r| r.image_tag.as_str())
        .collect();
    assert_eq!(tags.len(), 6, "{tags:?}");
    assert_eq!(plan_code(&ws).0, 0, "plan after parallel create");
    ws.destroy();
}

fn bad_rule_tf(push_type: &str, platforms: &str) -> String {
    format!(
        r#"resource "alicr_build_rule" "bad" {{
  instance_id = "{INSTANCE}"
  repo_id     = "{REPO_APP}"
  push_type   = "{push_type}"
  push_name   = "main"
  image_tag   = "latest"
  platforms   = [{platforms}]
}}
"#
    )
}

#[test]
fn push_type_lists_values() {
    let out = plan_fails(&harness().workspace(&bad_rule_tf("git_branch", "")));
    assert_diagnostic(
        &out,
        "Invalid attribute value",
        "alicr_build_rule.bad",
        4,
        "GIT_TAG",
    );
}

#[test]
fn platform_lists_values() {
    let out = plan_fails(&harness().workspace(&bad_rule_tf("GIT_BRANCH", r#""windows/amd64""#)));
    assert_diagnostic(
        &out,
        "Invalid attribute value",
        "alicr_build_rule.bad",
        7,
        "linux/arm/v7",
    );
}

#[test]
fn missing_repository_fails_clearly() {
    let tf =
        bad_rule_tf("GIT_BRANCH", r#""linux/amd64""#).replace(REPO_APP, "crr-doesnotexist0001");
    let ws = harness().workspace(&tf);
    let out = ws.run(&["apply", "-auto-approve", "-input=false"]);
    assert_eq!(out.code, 1, "{}", out.combined());
    out.assert_consistent();
    assert!(
        out.combined().contains("Repository not found"),
        "{}",
        out.combined()
    );
}

fn args_tf(build_args: &str) -> String {
    format!(
        r#"resource "alicr_build_rule" "args" {{
  instance_id         = "{INSTANCE}"
  repo_id             = "{REPO_WORKER}"
  push_type           = "GIT_TAG"
  push_name           = "release-*"
  image_tag           = "args"
  dockerfile_location = "/build"
  dockerfile_name     = "Containerfile"
  platforms           = ["linux/arm64", "linux/amd64"]
{build_args}
}}
"#
    )
}

#[test]
fn every_attribute_round_trips() {
    let ws = harness().workspace(&args_tf(r#"  build_args = { A = "1", B = "x=y" }"#));
    ws.apply();
    assert_eq!(plan_code(&ws).0, 0, "plan after create");

    ws.write("main.tf", &args_tf(r#"  build_args = { B = "" }"#));
    ws.apply();
    assert_eq!(plan_code(&ws).0, 0, "plan after update");

    // The API cannot clear every argument, so removing the last replaces.
    ws.write("main.tf", &args_tf(""));
    let (code, plan) = plan_code(&ws);
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("must be replaced"), "{plan}");
    ws.apply();
    assert_eq!(plan_code(&ws).0, 0, "plan after clearing build_args");
    ws.destroy();
}

#[test]
fn arg_name_with_equals_rejected() {
    let tf = args_tf(r#"  build_args = { "K=V" = "c" }"#);
    let out = plan_fails(&harness().workspace(&tf));
    assert!(
        out.combined().contains("Invalid build argument name"),
        "{}",
        out.combined()
    );
}

#[test]
fn empty_location_rejected() {
    let tf = args_tf("").replace(r#""/build""#, r#""""#);
    let out = plan_fails(&harness().workspace(&tf));
    assert!(
        out.combined().contains("which the API reads as unset"),
        "{}",
        out.combined()
    );
}
