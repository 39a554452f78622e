//! Acceptance tests of `alicr_repo_source`: a repository's binding to a GitLab
//! project, created after the instance's VPC GitLab binding, through update,
//! drift, import, deletion outside Terraform and destroy. The plan-time checks
//! reject oversea builds with a VPC GitLab and unknown code platforms.

mod acc_common;

use acc_common::*;
use alicr_client::RepoSourceCodeRepo;

fn binding_tf(auto_build: bool, oversea_build: bool) -> String {
    format!(
        r#"resource "alicr_vpc_link" "gitlab" {{
  instance_id = "{INSTANCE}"
  vpc_id      = "{VPC}"
  vswitch_id  = "{VSWITCH}"
  gitlab_ip   = "192.168.1.60"
}}

resource "alicr_gitlab_source" "gitlab" {{
  instance_id   = "{INSTANCE}"
  network_type  = "VPC"
  vpc_link_id   = alicr_vpc_link.gitlab.link_id
  endpoint      = "http://192.168.1.60"
  username      = "builder"
  private_token = "glpat-repo-source"
}}

resource "alicr_repo_source" "app" {{
  instance_id         = alicr_gitlab_source.gitlab.instance_id
  repo_id             = "{REPO_APP}"
  code_repo_namespace = "platform"
  code_repo_name      = "app"
  auto_build          = {auto_build}
  oversea_build       = {oversea_build}
}}
"#
    )
}

#[test]
fn repo_source_lifecycle() {
    let h = harness();
    let ws = h.workspace(&binding_tf(false, false));
    ws.apply();
    assert_eq!(
        state_str(&ws, "alicr_repo_source.app", "id"),
        format!("{INSTANCE}:{REPO_APP}")
    );
    assert_eq!(
        state_str(&ws, "alicr_repo_source.app", "code_repo_type"),
        "GITLAB"
    );
    assert_eq!(plan_code(&ws).0, 0, "plan after create");

    // A switch changes in place.
    ws.write("main.tf", &binding_tf(true, false));
    let (code, plan) = plan_code(&ws);
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("update in-place"), "{plan}");
    ws.apply();
    assert_eq!(
        ws.state_attribute("alicr_repo_source.app", "auto_build"),
        serde_json::Value::Bool(true)
    );

    // A console edit shows as drift of exactly that attribute.
    let edited = RepoSourceCodeRepo {
        instance_id: INSTANCE.to_string(),
        repo_id: REPO_APP.to_string(),
        code_repo_type: "GITLAB".to_string(),
        code_repo_namespace_name: "platform".to_string(),
        code_repo_name: "app".to_string(),
        disable_cache_build: true,
        auto_build: true,
        ..RepoSourceCodeRepo::default()
    };
    h.block_on(h.console().update_repo_source_code_repo(&edited))
        .unwrap_or_else(|e| panic!("console edit failed: {e}"));
    let (code, plan) = plan_code(&ws);
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("~ disable_cache_build"), "{plan}");
    assert!(!plan.contains("~ auto_build"), "{plan}");
    assert_eq!(refresh_only_code(&ws).0, 2, "refresh-only plan after drift");
    ws.apply();

    // An oversea build cannot reach the VPC GitLab: rejected at plan time on
    // the attribute.
    ws.write("main.tf", &binding_tf(true, true));
    let out = plan_fails(&ws);
    assert_diagnostic(
        &out,
        "Oversea build with a VPC GitLab",
        "alicr_repo_source.app",
        23,
        "oversea_build = false",
    );
    ws.write("main.tf", &binding_tf(true, false));

    // Import restores every attribute.
    let imported = h.workspace(&format!(
        r#"resource "alicr_repo_source" "app" {{
  instance_id         = "{INSTANCE}"
  repo_id             = "{REPO_APP}"
  code_repo_namespace = "platform"
  code_repo_name      = "app"
  auto_build          = true
}}
"#
    ));
    imported
        .run(&[
            "import",
            "-input=false",
            "alicr_repo_source.app",
            &format!("{INSTANCE}:{REPO_APP}"),
        ])
        .success();
    assert_eq!(plan_code(&imported).0, 0, "plan after import");
    imported
        .run(&["state", "rm", "alicr_repo_source.app"])
        .success();

    // Unbound outside Terraform: a create is planned, without error.
    h.block_on(h.console().delete_repo_source_code_repo(INSTANCE, REPO_APP))
        .unwrap_or_else(|e| panic!("console delete failed: {e}"));
    let (code, plan) = plan_code(&ws);
    assert_eq!(code, 2, "{plan}");
    assert!(
        plan.contains("alicr_repo_source.app will be created"),
        "{plan}"
    );
    ws.destroy();
}

#[test]
fn code_repo_type_lists_values() {
    let tf = format!(
        r#"resource "alicr_repo_source" "bad" {{
  instance_id         = "{INSTANCE}"
  repo_id             = "{REPO_WORKER}"
  code_repo_type      = "gitlab"
  code_repo_namespace = "platform"
  code_repo_name      = "worker"
}}
"#
    );
    let out = plan_fails(&harness().workspace(&tf));
    assert_diagnostic(
        &out,
        "Invalid attribute value",
        "alicr_repo_source.bad",
        4,
        "GITLAB",
    );
}
