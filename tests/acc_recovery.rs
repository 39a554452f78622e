//! Acceptance tests of creates that cannot finish: a wait that outlasts its
//! timeout must keep the new object in state as tainted (one test per
//! resource type), and a build whose start reply is lost must be adopted,
//! never started twice. Each test starts its own emulator, because read lag
//! and lost responses are emulator-wide settings.

mod acc_common;

use acc_common::*;
use alicr_emulator::Realism;

/// Each resource waits for its new object with a 1s create timeout while the
/// emulator hides new objects for longer.
const LAGGING_CREATES: &str = r#"resource "alicr_vpc_link" "lag" {
  instance_id = "cri-demo000000000001"
  vpc_id      = "vpc-bp1demo00000000000001"
  vswitch_id  = "vsw-bp1demoh0000000000001"
  gitlab_ip   = "192.168.1.60"
  timeouts {
    create = "1s"
  }
}

resource "alicr_gitlab_source" "lag" {
  instance_id   = "cri-demo000000000001"
  network_type  = "PUBLIC"
  endpoint      = "https://gitlab.example.com"
  username      = "builder"
  private_token = "x"
  timeouts {
    create = "1s"
  }
}

resource "alicr_build_rule" "lag" {
  instance_id = "cri-demo000000000001"
  repo_id     = "crr-demoworker000001"
  push_type   = "GIT_BRANCH"
  push_name   = "main"
  image_tag   = "lagging"
  timeouts {
    create = "1s"
  }
}
"#;

const LAGGING_BINDING: &str = r#"resource "alicr_repo_source" "lag" {
  instance_id         = "cri-demo000000000001"
  repo_id             = "crr-demoapp000000001"
  code_repo_namespace = "platform"
  code_repo_name      = "app"
  timeouts {
    create = "1s"
  }
}
"#;

fn lagging() -> Realism {
    Realism {
        read_lag_ms: 2_500,
        ..Realism::instant()
    }
}

fn count_rules(h: &Harness, image_tag: &str) -> usize {
    let rules = h
        .block_on(h.console().list_repo_build_rules(INSTANCE, REPO_WORKER))
        .unwrap_or_else(|e| panic!("console list failed: {e}"));
    rules.iter().filter(|r| r.image_tag == image_tag).count()
}

#[test]
fn create_timeouts_keep_state() {
    let h = Harness::start(lagging());
    let ws = h.workspace(LAGGING_CREATES);
    let out = ws.run(&["apply", "-auto-approve", "-input=false"]);
    assert_eq!(out.code, 1, "{}", out.combined());
    out.assert_consistent();

    for address in [
        "alicr_vpc_link.lag",
        "alicr_gitlab_source.lag",
        "alicr_build_rule.lag",
    ] {
        let id = state_str(&ws, address, "id");
        assert!(id.starts_with(INSTANCE), "{address}: {id}");
    }
    // Once objects are visible, the tainted ones are replaced; nothing is
    // duplicated and the GitLab binding is not rejected as already bound.
    h.admin().set_realism(Realism::instant());
    let (code, plan) = plan_code(&ws);
    assert_eq!(code, 2, "{plan}");
    assert_eq!(plan.matches("is tainted").count(), 3, "{plan}");
    ws.apply();
    assert_eq!(count_rules(&h, "lagging"), 1, "build rules after replace");
    assert_eq!(plan_code(&ws).0, 0, "plan after replace");

    // The repository binding needs the GitLab binding above.
    h.admin().set_realism(lagging());
    let binding = h.workspace(LAGGING_BINDING);
    let out = binding.run(&["apply", "-auto-approve", "-input=false"]);
    assert_eq!(out.code, 1, "{}", out.combined());
    let id = state_str(&binding, "alicr_repo_source.lag", "id");
    assert_eq!(id, format!("{INSTANCE}:{REPO_APP}"));

    h.admin().set_realism(Realism::instant());
    binding.apply();
    assert_eq!(plan_code(&binding).0, 0, "plan after binding replace");
    binding.destroy();
    ws.destroy();
}

#[test]
fn lost_build_start_adopted() {
    let h = Harness::start(Realism::instant());
    let config = r#"resource "alicr_build_rule" "main" {
  instance_id = "cri-demo000000000001"
  repo_id     = "crr-demoapp000000001"
  push_type   = "GIT_BRANCH"
  push_name   = "main"
  image_tag   = "lost"
}

resource "alicr_build" "run" {
  count         = 4
  instance_id   = "cri-demo000000000001"
  repo_id       = alicr_build_rule.main.repo_id
  build_rule_id = alicr_build_rule.main.build_rule_id
  triggers      = { run = count.index }
}
"#;
    let ws = h.workspace(config);
    ws.write("provider.tf", &patient_provider(&h));
    h.admin().set_realism(Realism {
        lost_response_rate: 0.3,
        ..Realism::instant()
    });
    // A start is never repeated, so an apply may still fail; the next one
    // must not add builds for the resources already in state.
    let first = ws.run(&["apply", "-auto-approve", "-input=false"]);
    h.admin().set_realism(Realism::instant());
    if first.code != 0 {
        ws.apply();
    }
    let page = h
        .block_on(
            h.console()
                .list_repo_build_records(INSTANCE, REPO_APP, 1, 100),
        )
        .unwrap_or_else(|e| panic!("console list failed: {e}"));
    let builds = page
        .items
        .iter()
        .filter(|r| r.image.image_tag == "lost")
        .count();
    assert_eq!(builds, 4, "{}", first.combined());
    assert_eq!(plan_code(&ws).0, 0, "plan after lost starts");
}

/// Returns the provider block with a larger retry budget, so reads retried
/// after lost responses do not run out.
fn patient_provider(h: &Harness) -> String {
    h.provider_tf().replace(
        "region     = \"cn-hangzhou\"",
        "region      = \"cn-hangzhou\"\n  max_retries = 12",
    )
}

#[test]
fn unchanged_link_skips_network_lookups() {
    let h = Harness::start(Realism::instant());
    let ws = h.workspace(
        r#"resource "alicr_vpc_link" "quiet" {
  instance_id = "cri-demo000000000001"
  vpc_id      = "vpc-bp1demo00000000000001"
  vswitch_id  = "vsw-bp1demoh0000000000001"
  gitlab_ip   = "192.168.1.61"
}
"#,
    );
    ws.apply();
    h.admin().reset_requests();
    assert_eq!(plan_code(&ws).0, 0, "plan after create");
    let lookups = h.admin().request_counts().action("DescribeVSwitches");
    assert_eq!(lookups, 0, "DescribeVSwitches calls on a no-change plan");
    ws.destroy();
}

#[test]
fn absurd_timeouts_rejected() {
    let h = Harness::start(Realism::instant());
    let ws = h.workspace(
        r#"resource "alicr_vpc_link" "forever" {
  instance_id = "cri-demo000000000001"
  vpc_id      = "vpc-bp1demo00000000000001"
  vswitch_id  = "vsw-bp1demoh0000000000001"
  gitlab_ip   = "192.168.1.62"
  timeouts {
    create = "18446744073709551615s"
  }
}

resource "alicr_build" "banana" {
  instance_id   = "cri-demo000000000001"
  repo_id       = "crr-demoapp000000001"
  build_rule_id = "crbr-doesnotexist001"
  timeouts {
    create = "banana"
  }
}
"#,
    );
    let out = ws.run(&["validate"]);
    assert_eq!(out.code, 1, "{}", out.combined());
    // Terraform wraps details at 78 columns, so compare with whitespace squashed.
    let text = out
        .combined()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains("longer than the maximum of 100 years"),
        "{text}"
    );
    assert!(text.contains("\"banana\" is missing a number"), "{text}");
    assert_eq!(h.admin().request_counts().total, 0, "API calls by validate");
}
