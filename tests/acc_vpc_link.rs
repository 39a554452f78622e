//! Acceptance tests of `alicr_vpc_link`: the real `terraform` against the
//! emulator, through create, read, update, replace, import, drift, deletion
//! outside Terraform and destroy, plus one test per plan-time check.

mod acc_common;

use acc_common::*;

fn link_tf(name: &str, gitlab_ip: &str, allowed_ips: &str, data_center_cidrs: &str) -> String {
    format!(
        r#"resource "alicr_vpc_link" "{name}" {{
  instance_id       = "{INSTANCE}"
  vpc_id            = "{VPC}"
  vswitch_id        = "{VSWITCH}"
  gitlab_ip         = "{gitlab_ip}"
  allowed_ips       = [{allowed_ips}]
  data_center_cidrs = [{data_center_cidrs}]
}}
"#
    )
}

#[test]
fn vpc_link_lifecycle() {
    let h = harness();
    // Spelled with /32 and host bits on purpose: the API stores other forms.
    let v1 = link_tf(
        "main",
        "192.168.1.10/32",
        r#""192.168.1.20/32""#,
        r#""172.20.0.1/16""#,
    );
    let ws = h.workspace(&v1);
    ws.apply();
    let link_id = state_str(&ws, "alicr_vpc_link.main", "link_id");
    assert!(link_id.starts_with("crvl-"), "{link_id}");
    assert_eq!(state_str(&ws, "alicr_vpc_link.main", "status"), "RUNNING");
    assert_eq!(
        state_str(&ws, "alicr_vpc_link.main", "zone_id"),
        "cn-hangzhou-h"
    );
    assert!(state_str(&ws, "alicr_vpc_link.main", "security_group_id").starts_with("sg-"));
    assert!(state_str(&ws, "alicr_vpc_link.main", "network_interface_id").starts_with("eni-"));
    assert_eq!(
        state_str(&ws, "alicr_vpc_link.main", "id"),
        format!("{INSTANCE}:{link_id}")
    );

    // Equivalent spellings never diff.
    assert_eq!(plan_code(&ws).0, 0, "plan after create");
    assert_eq!(
        refresh_only_code(&ws).0,
        0,
        "refresh-only plan after create"
    );

    // Adding an allowed IP updates in place.
    let v2 = link_tf(
        "main",
        "192.168.1.10/32",
        r#""192.168.1.20", "192.168.1.21""#,
        r#""172.20.0.0/16""#,
    );
    ws.write("main.tf", &v2);
    let (code, plan) = plan_code(&ws);
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("update in-place"), "{plan}");
    assert!(!plan.contains("must be replaced"), "{plan}");
    ws.apply();
    assert_eq!(plan_code(&ws).0, 0, "plan after update");

    // A console edit shows as exactly that attribute's drift.
    let console = h.console();
    let (allowed, data_centers) = (["192.168.1.20".to_string()], ["172.20.0.0/16".to_string()]);
    let edit = console.update_build_vpc_link(INSTANCE, &link_id, &allowed, &data_centers);
    h.block_on(edit)
        .unwrap_or_else(|e| panic!("console edit failed: {e}"));
    let (code, plan) = plan_code(&ws);
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("~ allowed_ips"), "{plan}");
    assert!(plan.contains("192.168.1.21"), "{plan}");
    assert!(!plan.contains("~ data_center_cidrs"), "{plan}");
    assert!(!plan.contains("~ gitlab_ip"), "{plan}");
    assert_eq!(refresh_only_code(&ws).0, 2, "refresh-only plan after drift");
    ws.apply();
    assert_eq!(plan_code(&ws).0, 0, "plan after repairing drift");

    // Immutable network fields force a replacement.
    ws.write(
        "main.tf",
        &link_tf(
            "main",
            "192.168.1.11",
            r#""192.168.1.20", "192.168.1.21""#,
            r#""172.20.0.0/16""#,
        ),
    );
    let (code, plan) = plan_code(&ws);
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("must be replaced"), "{plan}");
    assert!(plan.contains("# forces replacement"), "{plan}");
    ws.write("main.tf", &v2);

    // Import into a second directory restores every attribute.
    let imported = h.workspace(&v2);
    imported
        .run(&[
            "import",
            "-input=false",
            "alicr_vpc_link.main",
            &format!("{INSTANCE}:{link_id}"),
        ])
        .success();
    let (code, plan) = plan_code(&imported);
    assert_eq!(code, 0, "plan after import:\n{plan}");
    imported
        .run(&["state", "rm", "alicr_vpc_link.main"])
        .success();

    // Deleted outside Terraform: the plan proposes a create, without error.
    h.block_on(console.delete_build_vpc_link(INSTANCE, &link_id))
        .unwrap_or_else(|e| panic!("console delete failed: {e}"));
    let (code, plan) = plan_code(&ws);
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("will be created"), "{plan}");
    assert!(!plan.contains("Error"), "{plan}");

    // Destroy of an object already gone succeeds.
    ws.destroy();
}

#[test]
fn import_id_malformed() {
    let h = harness();
    let ws = h.workspace(&link_tf("main", "192.168.1.10", "", ""));
    let out = ws.run(&["import", "-input=false", "alicr_vpc_link.main", "crvl-only"]);
    assert_eq!(out.code, 1, "{}", out.combined());
    assert!(
        out.combined().contains("<instance_id>:<link_id>"),
        "{}",
        out.combined()
    );
}

#[test]
fn public_gitlab_ip_rejected() {
    let ws = harness().workspace(&link_tf("bad", "8.8.8.8", "", ""));
    let out = plan_fails(&ws);
    assert_diagnostic(
        &out,
        "Invalid attribute value",
        "alicr_vpc_link.bad",
        5,
        "is not a private address",
    );
}

#[test]
fn back_route_gitlab_ip_rejected() {
    let ws = harness().workspace(&link_tf("bad", "100.104.0.5", "", ""));
    let out = plan_fails(&ws);
    assert_diagnostic(
        &out,
        "Invalid attribute value",
        "alicr_vpc_link.bad",
        5,
        "overlaps 100.104.0.0/16",
    );
}

#[test]
fn allowed_ip_block_rejected() {
    let ws = harness().workspace(&link_tf("bad", "192.168.1.10", r#""192.168.1.0/24""#, ""));
    let out = plan_fails(&ws);
    assert_diagnostic(
        &out,
        "Invalid attribute value",
        "alicr_vpc_link.bad",
        6,
        "is a block of several addresses",
    );
}

#[test]
fn data_center_overlap_rejected() {
    let ws = harness().workspace(&link_tf("bad", "192.168.1.10", "", r#""100.104.0.0/20""#));
    let out = plan_fails(&ws);
    assert_diagnostic(
        &out,
        "Invalid attribute value",
        "alicr_vpc_link.bad",
        7,
        "return route",
    );
}

#[test]
fn vswitch_outside_vpc_rejected() {
    let tf = link_tf("bad", "192.168.1.10", "", "").replace(VPC, "vpc-bp1other00000000000001");
    let out = plan_fails(&harness().workspace(&tf));
    assert_diagnostic(
        &out,
        "vSwitch not in VPC",
        "alicr_vpc_link.bad",
        4,
        "belongs to VPC vpc-bp1demo00000000000001",
    );
}

#[test]
fn unsupported_zone_rejected() {
    let tf = link_tf("bad", "192.168.2.10", "", "").replace(VSWITCH, VSWITCH_UNSUPPORTED_ZONE);
    let out = plan_fails(&harness().workspace(&tf));
    assert_diagnostic(
        &out,
        "Zone does not support VPC builds",
        "alicr_vpc_link.bad",
        4,
        "cn-hangzhou-h",
    );
}

#[test]
fn unrouted_gitlab_ip_warns() {
    let ws = harness().workspace(&link_tf("warn", "10.9.9.9", "", ""));
    let out = ws.plan_exit_code();
    assert_eq!(out.code, 2, "{}", out.combined());
    assert_diagnostic(
        &out,
        "GitLab address outside the VPC",
        "alicr_vpc_link.warn",
        5,
        "neither in VPC",
    );
}

#[test]
fn unknown_values_pass_validation() {
    let tf = r#"resource "terraform_data" "ip" {
  input = "192.168.1.30"
}

resource "alicr_vpc_link" "later" {
  instance_id       = "cri-demo000000000001"
  vpc_id            = "vpc-bp1demo00000000000001"
  vswitch_id        = "vsw-bp1demoh0000000000001"
  gitlab_ip         = terraform_data.ip.output
  allowed_ips       = [terraform_data.ip.output]
  data_center_cidrs = []
}
"#;
    let out = harness().workspace(tf).plan_exit_code();
    out.assert_consistent();
    assert_eq!(out.code, 2, "{}", out.combined());
}
