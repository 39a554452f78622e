//! Acceptance tests of the provider block and the data sources. They cover
//! region and credentials from the environment, a missing region, provider
//! arguments unknown at plan time, no API call before the first resource
//! operation, and two accounts through provider aliases and AssumeRole. The
//! `alicr_repository` and `alicr_vpc_build_zones` data sources are read too.

mod acc_common;

use std::path::Path;

use acc_common::*;

const REQUIRED_PROVIDERS: &str = r#"terraform {
  required_providers {
    alicr = { source = "alicr/alicr" }
  }
}
"#;

/// Creates a workspace whose only file is `main.tf`, without a provider block.
fn bare_workspace(main_tf: &str) -> Workspace {
    let ws =
        Workspace::with_dev_override(Path::new(env!("CARGO_BIN_EXE_terraform-provider-alicr")));
    ws.write("main.tf", main_tf);
    ws
}

#[test]
fn missing_region_names_env() {
    let ws = bare_workspace(&format!("{REQUIRED_PROVIDERS}\nprovider \"alicr\" {{}}\n\ndata \"alicr_vpc_build_zones\" \"z\" {{}}\n"));
    let out = plan_fails(&ws);
    out.assert_consistent();
    assert!(
        out.combined().contains("Missing region"),
        "{}",
        out.combined()
    );
    assert!(
        out.combined().contains("ALIBABA_CLOUD_REGION"),
        "{}",
        out.combined()
    );
}

#[test]
fn settings_from_environment() {
    let h = harness();
    let tf = format!(
        r#"{REQUIRED_PROVIDERS}
provider "alicr" {{}}

data "alicr_repository" "app" {{
  instance_id = "{INSTANCE}"
  namespace   = "demo"
  name        = "app"
}}

output "repo_id" {{
  value = data.alicr_repository.app.repo_id
}}
"#
    );
    let mut ws = bare_workspace(&tf);
    ws.set_env("ALICLOUD_REGION", "cn-hangzhou")
        .set_env("ALICLOUD_ACCESS_KEY", ACCESS_KEY)
        .set_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET_KEY)
        .set_env("CR_ENDPOINT", &h.url())
        .set_env("ALIBABA_CLOUD_ENDPOINT_VPC", &h.url());
    ws.apply();
    assert_eq!(ws.outputs()["repo_id"]["value"], REPO_APP);
}

#[test]
fn configure_makes_no_api_call() {
    // Nothing listens on port 9 of loopback: any call would fail the plan.
    let tf = format!(
        r#"{REQUIRED_PROVIDERS}
provider "alicr" {{
  region     = "cn-hangzhou"
  access_key = "{ACCESS_KEY}"
  secret_key = "{SECRET_KEY}"
  endpoints {{
    cr  = "http://127.0.0.1:9"
    vpc = "http://127.0.0.1:9"
    sts = "http://127.0.0.1:9"
  }}
  assume_role {{
    role_arn = "{SHARED_ROLE_ARN}"
  }}
}}

data "alicr_vpc_build_zones" "here" {{}}

output "zones" {{
  value = data.alicr_vpc_build_zones.here.zone_ids
}}
"#
    );
    let ws = bare_workspace(&tf);
    ws.apply();
    let zones = ws.outputs()["zones"]["value"].clone();
    assert!(
        zones
            .as_array()
            .is_some_and(|z| z.iter().any(|v| v == "cn-hangzhou-h")),
        "{zones}"
    );
}

#[test]
fn unknown_provider_config_deferred() {
    let h = harness();
    let tf = format!(
        r#"{REQUIRED_PROVIDERS}
resource "terraform_data" "region" {{
  input = "cn-hangzhou"
}}

provider "alicr" {{
  region     = terraform_data.region.output
  access_key = "{ACCESS_KEY}"
  secret_key = "{SECRET_KEY}"
  endpoints {{
    cr  = "{url}"
    vpc = "{url}"
  }}
}}

resource "alicr_build_rule" "later" {{
  instance_id = "{INSTANCE}"
  repo_id     = "{REPO_WORKER}"
  push_type   = "GIT_BRANCH"
  push_name   = "deferred"
  image_tag   = "deferred"
}}
"#,
        url = h.url()
    );
    let ws = bare_workspace(&tf);
    let out = ws.plan_exit_code();
    out.assert_consistent();
    assert_eq!(out.code, 2, "{}", out.combined());
    ws.apply();
    assert_eq!(plan_code(&ws).0, 0, "plan once the region is known");
    ws.destroy();
}

#[test]
fn repository_lookup() {
    let tf = format!(
        r#"data "alicr_repository" "worker" {{
  instance_id = "{INSTANCE}"
  namespace   = "demo"
  name        = "worker"
}}

output "worker" {{
  value = data.alicr_repository.worker
}}
"#
    );
    let ws = harness().workspace(&tf);
    ws.apply();
    let worker = ws.outputs()["worker"]["value"].clone();
    assert_eq!(worker["repo_id"], REPO_WORKER);
    assert_eq!(worker["repo_type"], "PRIVATE");
    assert_eq!(worker["summary"], "Demo worker image");
}

#[test]
fn repository_missing_fails() {
    let tf = format!(
        r#"data "alicr_repository" "nope" {{
  instance_id = "{INSTANCE}"
  namespace   = "demo"
  name        = "nope"
}}
"#
    );
    let out = plan_fails(&harness().workspace(&tf));
    assert!(
        out.combined().contains("Repository not found"),
        "{}",
        out.combined()
    );
}

#[test]
fn build_zones_other_region() {
    let tf = r#"data "alicr_vpc_build_zones" "bj" {
  region = "cn-beijing"
}

output "zones" {
  value = data.alicr_vpc_build_zones.bj.zone_ids
}
"#;
    let ws = harness().workspace(tf);
    ws.apply();
    let zones = ws.outputs()["zones"]["value"].clone();
    assert_eq!(zones.as_array().map(Vec::len), Some(9), "{zones}");
}

/// A module that puts a build rule in the build account and a VPC link in the
/// shared-services account, reached through AssumeRole.
const TWO_ACCOUNT_MODULE: &str = r#"terraform {
  required_providers {
    alicr = {
      source                = "alicr/alicr"
      configuration_aliases = [alicr.build, alicr.shared]
    }
  }
}

resource "alicr_build_rule" "app" {
  provider    = alicr.build
  instance_id = "cri-demo000000000001"
  repo_id     = "crr-demoapp000000001"
  push_type   = "GIT_TAG"
  push_name   = "release-*"
  image_tag   = "release"
}

resource "alicr_vpc_link" "shared" {
  provider    = alicr.shared
  instance_id = "cri-shared0000000001"
  vpc_id      = "vpc-bp1shared000000000001"
  vswitch_id  = "vsw-bp1sharedh00000000001"
  gitlab_ip   = "172.16.1.10"
}

output "shared_link" {
  value = alicr_vpc_link.shared.link_id
}
"#;

#[test]
fn two_accounts_with_assume_role() {
    let h = harness();
    let tf = format!(
        r#"{REQUIRED_PROVIDERS}
provider "alicr" {{
  alias      = "build"
  region     = "cn-hangzhou"
  access_key = "{ACCESS_KEY}"
  secret_key = "{SECRET_KEY}"
  endpoints {{
    cr  = "{url}"
    vpc = "{url}"
  }}
}}

provider "alicr" {{
  alias      = "shared"
  region     = "cn-hangzhou"
  access_key = "{ACCESS_KEY}"
  secret_key = "{SECRET_KEY}"
  assume_role {{
    role_arn           = "{SHARED_ROLE_ARN}"
    session_expiration = 900
  }}
  endpoints {{
    cr  = "{url}"
    vpc = "{url}"
    sts = "{url}"
  }}
}}

module "pair" {{
  source = "./pair"
  providers = {{
    alicr.build  = alicr.build
    alicr.shared = alicr.shared
  }}
}}
"#,
        url = h.url()
    );
    let ws = bare_workspace(&tf);
    ws.write("pair/main.tf", TWO_ACCOUNT_MODULE);
    ws.run(&["init", "-input=false", "-backend=false"]);
    ws.apply();
    assert_eq!(
        state_str(&ws, "module.pair.alicr_vpc_link.shared", "instance_id"),
        SHARED_INSTANCE
    );
    assert_eq!(plan_code(&ws).0, 0, "plan after two-account apply");
    ws.destroy();
}
