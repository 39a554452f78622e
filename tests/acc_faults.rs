//! Acceptance tests against a slow and faulty emulator: a link that outlasts
//! its create timeout, objects that appear only after a read lag, throttling
//! and server errors, and creates whose responses are lost (they must be
//! reconciled, never duplicated). The phases share one emulator and change
//! its realism settings in turn, so they run as one test. A second test
//! checks that writes to one repository overlap on a slow API.

mod acc_common;

use acc_common::*;
use alicr_emulator::Realism;

const STACK: &str = r#"resource "alicr_vpc_link" "gitlab" {
  instance_id = "cri-demo000000000001"
  vpc_id      = "vpc-bp1demo00000000000001"
  vswitch_id  = "vsw-bp1demoh0000000000001"
  gitlab_ip   = "192.168.1.70"
}

resource "alicr_gitlab_source" "gitlab" {
  instance_id   = "cri-demo000000000001"
  network_type  = "VPC"
  vpc_link_id   = alicr_vpc_link.gitlab.link_id
  endpoint      = "http://192.168.1.70"
  username      = "builder"
  private_token = "glpat-faults"
}

resource "alicr_repo_source" "app" {
  instance_id         = alicr_gitlab_source.gitlab.instance_id
  repo_id             = "crr-demoapp000000001"
  code_repo_namespace = "platform"
  code_repo_name      = "app"
}

resource "alicr_build_rule" "tags" {
  count       = 3
  instance_id = "cri-demo000000000001"
  repo_id     = "crr-demoworker000001"
  push_type   = "GIT_TAG"
  push_name   = "r${count.index}-*"
  image_tag   = "faulty-${count.index}"
}
"#;

/// Returns the provider block with a larger retry budget, as a user facing a
/// busy API would write it.
fn patient_provider(h: &Harness) -> String {
    h.provider_tf().replace(
        "region     = \"cn-hangzhou\"",
        "region      = \"cn-hangzhou\"\n  max_retries = 12",
    )
}

fn count_rules(h: &Harness, prefix: &str) -> usize {
    let rules = h
        .block_on(h.console().list_repo_build_rules(INSTANCE, REPO_WORKER))
        .unwrap_or_else(|e| panic!("console list failed: {e}"));
    rules
        .iter()
        .filter(|r| r.image_tag.starts_with(prefix))
        .count()
}

fn count_links(h: &Harness, gitlab_ip: &str) -> usize {
    let links = h
        .block_on(h.console().list_build_vpc_links(INSTANCE))
        .unwrap_or_else(|e| panic!("console list failed: {e}"));
    links
        .iter()
        .filter(|l| l.gitlab_ip == gitlab_ip && l.status != "DELETING")
        .count()
}

#[test]
fn faulty_api_phases() {
    let h = Harness::start(Realism {
        link_create_ms: 3_000,
        ..Realism::instant()
    });

    // A link still CREATING when its create timeout ends fails clearly and
    // is kept as tainted, so the next apply replaces it instead of leaking it.
    let timeout_tf = r#"resource "alicr_vpc_link" "slow" {
  instance_id = "cri-demo000000000001"
  vpc_id      = "vpc-bp1demo00000000000001"
  vswitch_id  = "vsw-bp1demoh0000000000001"
  gitlab_ip   = "192.168.1.80"
  timeouts {
    create = "1s"
  }
}
"#;
    let slow = h.workspace(timeout_tf);
    let out = slow.run(&["apply", "-auto-approve", "-input=false"]);
    assert_eq!(out.code, 1, "{}", out.combined());
    out.assert_consistent();
    assert!(
        out.combined().contains("Timed out waiting for VPC link"),
        "{}",
        out.combined()
    );
    assert!(
        out.combined().contains("timeouts.create"),
        "{}",
        out.combined()
    );
    let (code, plan) = plan_code(&slow);
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("tainted"), "{plan}");
    slow.destroy();

    // New objects stay invisible for a while after create; every create
    // waits for them instead of reporting them gone.
    h.admin().set_realism(Realism {
        read_lag_ms: 800,
        link_create_ms: 300,
        ..Realism::instant()
    });
    let ws = h.workspace(STACK);
    ws.write("provider.tf", &patient_provider(&h));
    ws.apply();
    assert_eq!(plan_code(&ws).0, 0, "plan after lagging creates");
    ws.destroy();

    // Throttling and server errors are retried with growing waits.
    h.admin().set_realism(Realism {
        throttle_rate: 0.2,
        server_error_rate: 0.1,
        ..Realism::instant()
    });
    ws.apply();
    assert_eq!(plan_code(&ws).0, 0, "plan after throttled creates");
    ws.destroy();

    // Lost responses: creates that reached the server are reconciled by
    // ClientToken (links) or adopted (build rules), never duplicated.
    h.admin().set_realism(Realism {
        lost_response_rate: 0.2,
        ..Realism::instant()
    });
    ws.apply();
    h.admin().set_realism(Realism::instant());
    assert_eq!(
        count_rules(&h, "faulty-"),
        3,
        "build rules after lost responses"
    );
    assert_eq!(
        count_links(&h, "192.168.1.70"),
        1,
        "links after lost responses"
    );
    assert_eq!(plan_code(&ws).0, 0, "plan after lost responses");
    ws.destroy();
}

/// Creates and deletes of distinct rules in one repository run a few at a
/// time, so slow or retried calls overlap. Identical rules still get one
/// remote rule each.
#[test]
fn writes_to_one_repository_overlap() {
    let h = Harness::start(Realism {
        latency_ms: 150,
        ..Realism::instant()
    });
    let tf = format!(
        r#"resource "alicr_build_rule" "distinct" {{
  count       = 8
  instance_id = "{INSTANCE}"
  repo_id     = "{REPO_WORKER}"
  push_type   = "GIT_TAG"
  push_name   = "o${{count.index}}-*"
  image_tag   = "overlap-${{count.index}}"
}}

resource "alicr_build_rule" "twin" {{
  count       = 2
  instance_id = "{INSTANCE}"
  repo_id     = "{REPO_WORKER}"
  push_type   = "GIT_TAG"
  push_name   = "twin-*"
  image_tag   = "overlap-twin"
}}
"#
    );
    let ws = h.workspace(&tf);
    ws.apply();
    let peak = |action: &str| {
        h.admin()
            .request_counts()
            .peak_in_flight
            .get(action)
            .copied()
            .unwrap_or(0)
    };
    let creates = peak("CreateRepoBuildRule");
    assert!(
        (2..=4).contains(&creates),
        "CreateRepoBuildRule calls at once: {creates}"
    );
    assert_eq!(count_rules(&h, "overlap-"), 10, "rules after apply");
    let twins = [
        state_str(&ws, "alicr_build_rule.twin[0]", "build_rule_id"),
        state_str(&ws, "alicr_build_rule.twin[1]", "build_rule_id"),
    ];
    assert_ne!(twins[0], twins[1], "identical resources share one rule");
    assert_eq!(plan_code(&ws).0, 0, "plan after overlapping creates");
    ws.destroy();
    let deletes = peak("DeleteRepoBuildRule");
    assert!(
        (2..=4).contains(&deletes),
        "DeleteRepoBuildRule calls at once: {deletes}"
    );
    // The console client reuses a listing for 2 s, so the check may need a
    // second look.
    eventually("every rule deleted", || count_rules(&h, "overlap-") == 0);
}

/// A rule whose settings move away while a new resource with its old settings
/// is added: the new resource gets a rule of its own, on a throttled API too.
#[test]
fn moved_settings_not_shared() {
    let h = Harness::start(Realism {
        latency_ms: 30,
        throttle_rate: 0.5,
        ..Realism::instant()
    });
    let tf = |branches: &str| {
        format!(
            r#"resource "alicr_build_rule" "r" {{
  count       = length({branches})
  instance_id = "{INSTANCE}"
  repo_id     = "{REPO_APP}"
  push_type   = "GIT_BRANCH"
  push_name   = {branches}[count.index]
  image_tag   = "moved-settings"
}}
"#
        )
    };
    let ws = h.workspace(&tf(r#"["main"]"#));
    ws.apply();
    ws.write("main.tf", &tf(r#"["dev", "main"]"#));
    ws.apply();

    let (code, plan) = plan_code(&ws);
    assert_eq!(code, 0, "{plan}");
    let first = state_str(&ws, "alicr_build_rule.r[0]", "build_rule_id");
    let second = state_str(&ws, "alicr_build_rule.r[1]", "build_rule_id");
    assert_ne!(first, second, "two resources share one rule");
    h.admin().set_realism(Realism::instant());
    ws.destroy();
}

/// A create that the API keeps throttling ends at `timeouts.create` with an
/// error that names it, instead of retrying for a minute.
#[test]
fn create_timeout_covers_retries() {
    let h = Harness::start(Realism {
        throttle_rate: 1.0,
        ..Realism::instant()
    });
    let tf = format!(
        r#"resource "alicr_build_rule" "slow" {{
  instance_id = "{INSTANCE}"
  repo_id     = "{REPO_APP}"
  push_type   = "GIT_BRANCH"
  push_name   = "throttled"
  image_tag   = "throttled"
  timeouts {{
    create = "2s"
  }}
}}
"#
    );
    let ws = h.workspace(&tf);
    let out = ws.run(&["apply", "-auto-approve", "-input=false"]);
    assert_eq!(out.code, 1, "{}", out.combined());
    out.assert_consistent();
    assert!(
        out.combined().contains("Timed out creating a build rule"),
        "{}",
        out.combined()
    );
    assert!(
        out.combined().contains("timeouts.create"),
        "{}",
        out.combined()
    );
}

/// Replies lost while new rules are still invisible to reads: the rules that
/// those calls made are found, and none is created twice.
#[test]
fn lost_replies_with_read_lag() {
    let h = Harness::start(Realism {
        lost_response_rate: 0.3,
        read_lag_ms: 1_500,
        ..Realism::instant()
    });
    let tf = format!(
        r#"resource "alicr_build_rule" "lagging" {{
  count       = 8
  instance_id = "{INSTANCE}"
  repo_id     = "{REPO_WORKER}"
  push_type   = "GIT_TAG"
  push_name   = "lag${{count.index}}-*"
  image_tag   = "lagging-${{count.index}}"
}}
"#
    );
    let ws = h.workspace(&tf);
    ws.write("provider.tf", &patient_provider(&h));
    ws.apply();
    h.admin().set_realism(Realism::instant());
    eventually("eight rules, none twice", || {
        count_rules(&h, "lagging-") == 8
    });
    assert_eq!(plan_code(&ws).0, 0, "plan after lost replies");
    ws.destroy();
}
