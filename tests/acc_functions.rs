//! Acceptance tests of the provider functions: the real `terraform` calls
//! them in variable validations, preconditions and outputs. Functions need no
//! API, so the provider block points at a loopback port that no
//! function call uses. Terraform needs to be on PATH.

use std::path::Path;

use alicr_testkit::{Workspace, REQUIRED_PROVIDERS};

const PROVIDER: &str = r#"
provider "alicr" {
  region     = "cn-hangzhou"
  access_key = "LTAIunusedaccesskey01"
  secret_key = "unused-secret"
  endpoints {
    cr = "http://127.0.0.1:9"
  }
}
"#;

const CONFIG: &str = r#"
variable "data_center_cidr" {
  type = string
  validation {
    condition     = !provider::alicr::cidr_overlaps_reserved(var.data_center_cidr)
    error_message = "data_center_cidr overlaps the reserved range."
  }
}

variable "zone" {
  type = string
}

resource "terraform_data" "zone_check" {
  input = var.zone
  lifecycle {
    precondition {
      condition     = provider::alicr::vpc_build_zone_supported("cn-hangzhou", var.zone)
      error_message = "zone does not support VPC builds."
    }
  }
}

variable "address" {
  type    = string
  default = "10.0.0.1/8"
}

output "normalized" {
  value = provider::alicr::normalize_cidr(var.address)
}
"#;

fn workspace() -> Workspace {
    let workspace =
        Workspace::with_dev_override(Path::new(env!("CARGO_BIN_EXE_terraform-provider-alicr")));
    workspace.write("provider.tf", &format!("{REQUIRED_PROVIDERS}{PROVIDER}"));
    workspace.write("main.tf", CONFIG);
    workspace
}

fn plan(workspace: &Workspace, vars: &[&str]) -> alicr_testkit::Output {
    let mut args = vec!["plan", "-input=false"];
    for var in vars {
        args.push("-var");
        args.push(var);
    }
    workspace.run(&args)
}

#[test]
fn functions_accept_valid_inputs() {
    let workspace = workspace();
    let vars = ["data_center_cidr=172.20.0.0/16", "zone=cn-hangzhou-h"];
    let out = plan(&workspace, &vars);
    out.success().contains("normalized = \"10.0.0.0/8\"");
}

#[test]
fn overlap_fails_validation() {
    let workspace = workspace();
    let out = plan(
        &workspace,
        &["data_center_cidr=100.104.8.0/24", "zone=cn-hangzhou-h"],
    );
    out.failure()
        .contains("data_center_cidr overlaps the reserved range.");
}

#[test]
fn unsupported_zone_fails_precondition() {
    let workspace = workspace();
    let out = plan(
        &workspace,
        &["data_center_cidr=172.20.0.0/16", "zone=cn-hangzhou-b"],
    );
    out.failure().contains("zone does not support VPC builds.");
}

#[test]
fn normalize_forms() {
    let workspace = workspace();
    let base = ["data_center_cidr=172.20.0.0/16", "zone=cn-hangzhou-h"];
    for (input, expected) in [
        ("10.0.0.1", "10.0.0.1/32"),
        ("2001:DB8:0::1", "2001:db8::1/128"),
    ] {
        let address = format!("address={input}");
        let out = plan(&workspace, &[base[0], base[1], &address]);
        out.success()
            .contains(&format!("normalized = \"{expected}\""));
    }
}

#[test]
fn normalize_invalid_names_argument() {
    let workspace = workspace();
    let out = plan(
        &workspace,
        &[
            "data_center_cidr=172.20.0.0/16",
            "zone=cn-hangzhou-h",
            "address=10.0.0.300",
        ],
    );
    out.failure()
        .contains("provider::alicr::normalize_cidr")
        .contains("\"10.0.0.300\" is not an IP address");
}
