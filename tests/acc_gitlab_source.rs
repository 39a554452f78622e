//! Acceptance tests of `alicr_gitlab_source`: the GitLab binding over a VPC
//! link with a sensitive or write-only token, through create, update (the
//! token is sent again), drift, import, deletion outside Terraform and
//! destroy, plus one test per plan-time check. An instance has at most one
//! GitLab binding, so the lifecycle runs as one test.

mod acc_common;

use acc_common::*;
use alicr_client::{CodeSourceSpec, Secret};

const TOKEN_ONE: &str = "glpat-first-secret-token";
const TOKEN_TWO: &str = "glpat-second-secret-token";

fn source_tf(link_ip: &str, token_attributes: &str) -> String {
    format!(
        r#"resource "alicr_vpc_link" "gitlab" {{
  instance_id = "{INSTANCE}"
  vpc_id      = "{VPC}"
  vswitch_id  = "{VSWITCH}"
  gitlab_ip   = "{link_ip}"
}}

resource "alicr_gitlab_source" "main" {{
  instance_id  = "{INSTANCE}"
  network_type = "VPC"
  vpc_link_id  = alicr_vpc_link.gitlab.link_id
  endpoint     = "http://{link_ip}"
  username     = "builder"
{token_attributes}
}}
"#
    )
}

fn token(value: &str) -> String {
    format!("  private_token = \"{value}\"")
}

#[track_caller]
fn assert_no_secret(output: &Output) {
    for secret in [TOKEN_ONE, TOKEN_TWO, "glpat-write-only"] {
        assert!(
            !output.combined().contains(secret),
            "output shows a token:\n{}",
            output.combined()
        );
    }
}

#[test]
fn gitlab_source_lifecycle() {
    let h = harness();
    let mut ws = h.workspace(&source_tf("192.168.1.40", &token(TOKEN_ONE)));
    assert_no_secret(&ws.apply());
    let id = state_str(&ws, "alicr_gitlab_source.main", "code_source_id");
    assert!(id.starts_with("crcs-"), "{id}");
    assert_eq!(
        state_str(&ws, "alicr_gitlab_source.main", "status"),
        "BOUND"
    );
    assert_eq!(plan_code(&ws).0, 0, "plan after create");

    // A new token is an in-place update that sends it; it never shows, not
    // even in the provider's trace log.
    ws.write("main.tf", &source_tf("192.168.1.40", &token(TOKEN_TWO)));
    let (code, plan) = plan_code(&ws);
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("update in-place"), "{plan}");
    assert!(!plan.contains("must be replaced"), "{plan}");
    ws.set_env("TF_LOG_PROVIDER", "TRACE");
    assert_no_secret(&ws.apply());
    ws.set_env("TF_LOG_PROVIDER", "OFF");

    // A console edit of the user name shows as drift of that attribute.
    let spec = CodeSourceSpec {
        instance_id: INSTANCE.to_string(),
        code_source_type: "GITLAB".to_string(),
        network_type: "VPC".to_string(),
        vpc_link_id: Some(state_str(&ws, "alicr_vpc_link.gitlab", "link_id")),
        endpoint_url: "http://192.168.1.40".to_string(),
        user_name: "someone-else".to_string(),
        private_token: Secret::new("console-token"),
    };
    h.block_on(h.console().update_instance_code_source(&id, &spec))
        .unwrap_or_else(|e| panic!("console edit failed: {e}"));
    let (code, plan) = plan_code(&ws);
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("~ username"), "{plan}");
    assert_eq!(refresh_only_code(&ws).0, 2, "refresh-only plan after drift");
    ws.apply();
    assert_eq!(plan_code(&ws).0, 0, "plan after repairing drift");

    // Import: only the token, which the API never returns, differs, and it
    // is an update, not a replacement.
    let imported = h.workspace(&source_tf("192.168.1.40", &token(TOKEN_TWO)));
    let link_id = state_str(&ws, "alicr_vpc_link.gitlab", "link_id");
    imported
        .run(&[
            "import",
            "-input=false",
            "alicr_vpc_link.gitlab",
            &format!("{INSTANCE}:{link_id}"),
        ])
        .success();
    imported
        .run(&[
            "import",
            "-input=false",
            "alicr_gitlab_source.main",
            &format!("{INSTANCE}:{id}"),
        ])
        .success();
    let (code, plan) = plan_code(&imported);
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("+ private_token"), "{plan}");
    assert!(!plan.contains("must be replaced"), "{plan}");
    assert!(!plan.contains("~ username"), "{plan}");
    imported
        .run(&[
            "state",
            "rm",
            "alicr_gitlab_source.main",
            "alicr_vpc_link.gitlab",
        ])
        .success();

    // Switching to a write-only token keeps it out of state; bumping its
    // version sends it again.
    let write_only = |version: u32| {
        format!("  private_token_wo         = \"glpat-write-only\"\n  private_token_wo_version = {version}")
    };
    ws.write("main.tf", &source_tf("192.168.1.40", &write_only(1)));
    assert_no_secret(&ws.apply());
    assert!(ws
        .state_attribute("alicr_gitlab_source.main", "private_token_wo")
        .is_null());
    assert_eq!(plan_code(&ws).0, 0, "plan after write-only token");
    ws.write("main.tf", &source_tf("192.168.1.40", &write_only(2)));
    let (code, plan) = plan_code(&ws);
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("update in-place"), "{plan}");
    ws.apply();

    // Deleted outside Terraform: a create is planned, without error.
    h.block_on(h.console().delete_instance_code_source(INSTANCE, &id))
        .unwrap_or_else(|e| panic!("console delete failed: {e}"));
    let (code, plan) = plan_code(&ws);
    assert_eq!(code, 2, "{plan}");
    assert!(
        plan.contains("alicr_gitlab_source.main will be created"),
        "{plan}"
    );
    ws.destroy();
}

fn public_tf(endpoint: &str, extra: &str) -> String {
    format!(
        r#"resource "alicr_gitlab_source" "bad" {{
  instance_id   = "{INSTANCE}"
  network_type  = "PUBLIC"
  endpoint      = "{endpoint}"
  username      = "builder"
  private_token = "x"
{extra}
}}
"#
    )
}

#[test]
fn https_port_rejected() {
    let out = plan_fails(&harness().workspace(&public_tf("https://gitlab.example.com:8443", "")));
    assert_diagnostic(
        &out,
        "Invalid attribute value",
        "alicr_gitlab_source.bad",
        4,
        "HTTPS only on port 443",
    );
}

#[test]
fn http_port_rejected() {
    let out = plan_fails(&harness().workspace(&public_tf("http://gitlab.example.com:1024", "")));
    assert_diagnostic(
        &out,
        "Invalid attribute value",
        "alicr_gitlab_source.bad",
        4,
        "1025-65535",
    );
}

#[test]
fn private_host_over_public_rejected() {
    let out = plan_fails(&harness().workspace(&public_tf("http://192.168.1.40", "")));
    assert_diagnostic(
        &out,
        "Private GitLab over the public network",
        "alicr_gitlab_source.bad",
        4,
        "public network",
    );
}

#[test]
fn both_tokens_rejected() {
    let tf = public_tf("https://gitlab.example.com", "  private_token_wo = \"y\"");
    let out = plan_fails(&harness().workspace(&tf));
    assert_diagnostic(
        &out,
        "Conflicting tokens",
        "alicr_gitlab_source.bad",
        7,
        "not both",
    );
}

#[test]
fn network_type_lists_values() {
    let tf = public_tf("https://gitlab.example.com", "").replace("\"PUBLIC\"", "\"public\"");
    let out = plan_fails(&harness().workspace(&tf));
    assert_diagnostic(
        &out,
        "Invalid attribute value",
        "alicr_gitlab_source.bad",
        3,
        "VPC, PUBLIC",
    );
}

#[test]
fn vpc_needs_link() {
    let tf = public_tf("http://192.168.1.40", "").replace("\"PUBLIC\"", "\"VPC\"");
    let out = plan_fails(&harness().workspace(&tf));
    assert!(
        out.combined().contains("Missing vpc_link_id"),
        "{}",
        out.combined()
    );
}

#[test]
fn endpoint_off_link_warns() {
    let h = harness();
    let link = format!(
        r#"resource "alicr_vpc_link" "other" {{
  instance_id = "{INSTANCE}"
  vpc_id      = "{VPC}"
  vswitch_id  = "{VSWITCH}"
  gitlab_ip   = "192.168.1.50"
}}
"#
    );
    let ws = h.workspace(&link);
    ws.apply();
    let source = format!(
        r#"{link}
resource "alicr_gitlab_source" "bad" {{
  instance_id   = "{INSTANCE}"
  network_type  = "VPC"
  vpc_link_id   = alicr_vpc_link.other.link_id
  endpoint      = "http://192.168.1.99"
  username      = "builder"
  private_token = "x"
}}
"#
    );
    ws.write("main.tf", &source);
    // A warning, not an error: the same plan could add the host to the link.
    let (code, out) = plan_code(&ws);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("Endpoint not reachable through the VPC link"),
        "{out}"
    );
    ws.write("main.tf", &link);
    ws.destroy();
}
