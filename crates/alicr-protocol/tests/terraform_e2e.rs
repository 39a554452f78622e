//! End-to-end runs of the real Terraform 1.11.4 against the corner provider:
//! validate, plan, apply, refresh-only drift detection, import and destroy,
//! with AutoMTLS on (Terraform's default) and off, and once installed from a
//! filesystem mirror with `terraform init`.

mod common;

use common::terraform::{Install, Workspace};

const CONFIG: &str = r#"
terraform {
  required_providers {
    corner = {
      source  = "alicr/corner"
      version = "0.1.0"
    }
  }
}

variable "password" {
  type      = string
  default   = "hunter2"
  ephemeral = true
}

resource "corner_thing" "a" {
  name        = "alpha"
  description = "first"
  secret      = "s3cr3t"
  password_wo = var.password
  tags        = { env = "dev" }
  labels      = ["x", "y"]

  rule {
    port = 80
  }
  rule {
    port     = 443
    protocol = "udp"
  }
}

data "corner_lookup" "a" {
  id = corner_thing.a.id
}

output "upper_name" {
  value = provider::corner::upper(corner_thing.a.name)
}

output "looked_up_name" {
  value = data.corner_lookup.a.name
}
"#;

/// A root output holding a number read by a data source.
const NUMBER_OUTPUT: &str = r#"
output "looked_up_size" {
  value = data.corner_lookup.a.size
}
"#;

/// The full lifecycle on one workspace.
fn lifecycle(workspace: &Workspace) {
    workspace.write_config(CONFIG);
    workspace.expect(&["validate", "-no-color"], 0);
    workspace.expect(&["plan", "-no-color", "-detailed-exitcode"], 2);
    let apply = workspace.expect(&["apply", "-no-color", "-auto-approve"], 0);
    assert!(
        apply.stdout.contains("upper_name = \"ALPHA\""),
        "{}",
        apply.text()
    );
    assert!(
        apply.stdout.contains("looked_up_name = \"alpha\""),
        "{}",
        apply.text()
    );

    workspace.expect(&["plan", "-no-color", "-detailed-exitcode"], 0);
    workspace.expect(
        &["plan", "-no-color", "-refresh-only", "-detailed-exitcode"],
        0,
    );

    edit_stored_description(workspace, "edited outside terraform");
    let drift = workspace.expect(
        &["plan", "-no-color", "-refresh-only", "-detailed-exitcode"],
        2,
    );
    assert!(
        drift.stdout.contains("edited outside terraform"),
        "{}",
        drift.text()
    );

    workspace.expect(&["state", "rm", "-no-color", "corner_thing.a"], 0);
    workspace.expect(&["import", "-no-color", "corner_thing.a", "thing-alpha"], 0);
    workspace.expect(&["apply", "-no-color", "-auto-approve"], 0);
    workspace.expect(&["destroy", "-no-color", "-auto-approve"], 0);
    let stored = workspace.path("store/thing-alpha.json");
    assert!(!stored.exists(), "destroy left {}", stored.display());
}

fn edit_stored_description(workspace: &Workspace, description: &str) {
    let path = workspace.path("store/thing-alpha.json");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let mut object: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse: {e}"));
    object["description"] = serde_json::Value::from(description);
    std::fs::write(&path, object.to_string()).unwrap_or_else(|e| panic!("write: {e}"));
}

#[test]
fn lifecycle_with_auto_mtls() {
    lifecycle(&Workspace::new(Install::DevOverrides, false));
}

#[test]
fn lifecycle_without_tls() {
    lifecycle(&Workspace::new(Install::DevOverrides, true));
}

#[test]
fn mirror_install_and_apply() {
    let workspace = Workspace::new(Install::FilesystemMirror, false);
    workspace.write_config(CONFIG);
    let init = workspace.expect(&["init", "-no-color"], 0);
    assert!(
        init.stdout.contains("Installed alicr/corner v0.1.0"),
        "{}",
        init.text()
    );
    workspace.expect(&["apply", "-no-color", "-auto-approve"], 0);
    workspace.expect(&["destroy", "-no-color", "-auto-approve"], 0);
}

// NOTE: Terraform 1.11 to 1.14 compare refreshed root outputs with the stored
// ones by in-memory layout, so a number that arrives as a msgpack integer
// from ReadDataSource differs from the same number read from state JSON, and
// refresh-only exits 2 with "No changes". Sending decimal text from
// ReadDataSource, as ReadResource does, is not enough for a root output.
// NOTE: still exits 2 on Terraform 1.11.4; a literal number output exits 0.
#[test]
#[ignore = "Terraform 1.11 reports a number output from a data source as changed"]
fn refresh_only_number_output_unchanged() {
    let workspace = Workspace::new(Install::DevOverrides, false);
    workspace.write_config(&format!("{CONFIG}{NUMBER_OUTPUT}"));
    workspace.expect(&["apply", "-no-color", "-auto-approve"], 0);
    workspace.expect(
        &["plan", "-no-color", "-refresh-only", "-detailed-exitcode"],
        0,
    );
}
