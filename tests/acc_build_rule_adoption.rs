//! Acceptance tests of how `alicr_build_rule` creates deal with rules that
//! already exist. A rule made by a killed create, known from the record the
//! create left in Terraform's data directory, is adopted. Any other rule with
//! identical settings belongs to someone else and is left alone.

mod acc_common;

use acc_common::*;
use alicr_client::BuildRuleSpec;
use alicr_testkit::Workspace;

fn rules_tf(name: &str, count: usize, lifecycle: &str) -> String {
    format!(
        r#"resource "alicr_build_rule" "x" {{
  count       = {count}
  instance_id = "{INSTANCE}"
  repo_id     = "{REPO_APP}"
  push_type   = "GIT_BRANCH"
  push_name   = "{name}"
  image_tag   = "{name}"
  build_args  = {{ A = "1" }}
{lifecycle}}}
"#
    )
}

fn spec(name: &str) -> BuildRuleSpec {
    BuildRuleSpec {
        push_type: "GIT_BRANCH".to_string(),
        push_name: name.to_string(),
        image_tag: name.to_string(),
        dockerfile_location: "/".to_string(),
        dockerfile_name: "Dockerfile".to_string(),
        build_args: vec!["A=1".to_string()],
        platforms: vec!["linux/amd64".to_string()],
    }
}

/// Lists the IDs of the rules named `name` on the server. The console client reuses
/// a listing for 2 s, so callers wait for the expected list with `eventually`.
fn remote_rules(h: &Harness, name: &str) -> Vec<String> {
    let rules = h
        .block_on(h.console().list_repo_build_rules(INSTANCE, REPO_APP))
        .unwrap_or_else(|e| panic!("console list failed: {e}"));
    let mut ids: Vec<String> = rules
        .iter()
        .filter(|rule| rule.push_name == name)
        .map(|rule| rule.build_rule_id.clone())
        .collect();
    ids.sort();
    ids
}

fn state_rules(ws: &Workspace, count: usize) -> Vec<String> {
    let mut ids: Vec<String> = (0..count)
        .map(|i| state_str(ws, &format!("alicr_build_rule.x[{i}]"), "build_rule_id"))
        .collect();
    ids.sort();
    ids
}

/// Writes the record a create leaves when its process is killed after
/// sending CreateRepoBuildRule, in the on-disk format of the provider.
fn write_killed_create_record(ws: &Workspace, name: &str, before: &[String]) {
    let settings = [
        "GIT_BRANCH",
        name,
        name,
        "/",
        "Dockerfile",
        "A=1",
        "linux/amd64",
    ]
    .join("\0");
    let record = serde_json::json!({
        "instance_id": INSTANCE,
        "repo_id": REPO_APP,
        "settings": settings,
        "before": before,
        "started_ms": std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or_default(),
    });
    ws.write(
        ".terraform/alicr/pending-build-rules/killed.json",
        &record.to_string(),
    );
}

#[test]
fn untracked_identical_rule_left_alone() {
    let h = harness();
    let foreign = h
        .block_on(
            h.console()
                .create_repo_build_rule(INSTANCE, REPO_APP, &spec("foreign")),
        )
        .unwrap_or_else(|e| panic!("console create failed: {e}"));
    let ws = h.workspace(&rules_tf("foreign", 2, ""));
    let out = ws.apply();
    assert!(!out.combined().contains("Adopted"), "{}", out.combined());

    let owned = state_rules(&ws, 2);
    assert!(!owned.contains(&foreign), "{owned:?} took over {foreign}");
    let mut expected = owned.clone();
    expected.push(foreign.clone());
    expected.sort();
    eventually("two new rules next to the foreign one", || {
        remote_rules(h, "foreign") == expected
    });
    assert_eq!(plan_code(&ws).0, 0, "plan after create");

    ws.destroy();
    eventually("only the foreign rule left", || {
        remote_rules(h, "foreign") == [foreign.clone()]
    });
    h.block_on(
        h.console()
            .delete_repo_build_rule(INSTANCE, REPO_APP, &foreign),
    )
    .unwrap_or_else(|e| panic!("console delete failed: {e}"));
}

#[test]
fn killed_create_recovered() {
    let h = harness();
    let existing = h
        .block_on(
            h.console()
                .create_repo_build_rule(INSTANCE, REPO_APP, &spec("killed")),
        )
        .unwrap_or_else(|e| panic!("console create failed: {e}"));
    let ws = h.workspace(&rules_tf("killed", 1, ""));
    write_killed_create_record(&ws, "killed", std::slice::from_ref(&existing));
    let made_by_killed = h
        .block_on(
            h.console()
                .create_repo_build_rule(INSTANCE, REPO_APP, &spec("killed")),
        )
        .unwrap_or_else(|e| panic!("console create failed: {e}"));

    let out = ws.apply();
    let output = out.combined();
    assert!(
        output.contains("Adopted an existing build rule"),
        "{output}"
    );
    assert_eq!(state_rules(&ws, 1), vec![made_by_killed.clone()]);
    let mut expected = vec![existing.clone(), made_by_killed];
    expected.sort();
    eventually("no rule made by the apply", || {
        remote_rules(h, "killed") == expected
    });
    assert_eq!(plan_code(&ws).0, 0, "plan after recovery");

    ws.destroy();
    h.block_on(
        h.console()
            .delete_repo_build_rule(INSTANCE, REPO_APP, &existing),
    )
    .unwrap_or_else(|e| panic!("console delete failed: {e}"));
}

#[test]
fn replace_before_destroy_new_rule() {
    let h = harness();
    let lifecycle = "  lifecycle {\n    create_before_destroy = true\n  }\n";
    let ws = h.workspace(&rules_tf("cbd", 1, lifecycle));
    ws.apply();
    let original = state_rules(&ws, 1);

    let out = ws.run(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-replace=alicr_build_rule.x[0]",
    ]);
    assert_eq!(out.code, 0, "{}", out.combined());
    out.assert_consistent();
    let replaced = state_rules(&ws, 1);
    assert_ne!(replaced, original, "the replacement kept the old rule");
    eventually("only the new rule left", || {
        remote_rules(h, "cbd") == replaced
    });
    assert_eq!(plan_code(&ws).0, 0, "plan after replacement");
    ws.destroy();
}

#[test]
fn identical_rules_stay_separate() {
    let h = harness();
    let ws = h.workspace(&rules_tf("twins", 2, ""));
    ws.apply();

    let out = ws.run(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-replace=alicr_build_rule.x[0]",
    ]);
    assert_eq!(out.code, 0, "{}", out.combined());
    let owned = state_rules(&ws, 2);
    assert_ne!(
        owned[0], owned[1],
        "the replacement took over its twin's rule"
    );
    eventually("one rule per resource", || {
        remote_rules(h, "twins") == owned
    });

    // A rule removed from state stays behind and is not taken over.
    let first_rule = state_str(&ws, "alicr_build_rule.x[0]", "build_rule_id");
    let removed = state_str(&ws, "alicr_build_rule.x[1]", "build_rule_id");
    let out = ws.run(&["state", "rm", "alicr_build_rule.x[1]"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    ws.apply();
    let after = state_rules(&ws, 2);
    assert!(
        !after.contains(&removed),
        "{after:?} took over the removed rule"
    );
    assert!(after.contains(&first_rule), "{after:?} lost its own rule");
    assert_eq!(plan_code(&ws).0, 0, "plan after state rm");

    ws.destroy();
    h.block_on(
        h.console()
            .delete_repo_build_rule(INSTANCE, REPO_APP, &removed),
    )
    .unwrap_or_else(|e| panic!("console delete failed: {e}"));
}
