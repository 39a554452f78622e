//! Shared setup of the resource acceptance tests: one in-process emulator per
//! test file (started on first use), Terraform workspaces whose `alicr`
//! provider talks to it, an API client for changes made "in the console"
//! (outside Terraform), and assertions on Terraform's diagnostics.
//!
//! Everything runs on 127.0.0.1; Terraform gets an offline CLI configuration
//! from `alicr_testkit::Workspace`. Terraform must be on PATH.

#![allow(dead_code)]

use std::future::Future;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use alicr_client::{Config, CrClient, CredentialSource, Endpoints, Secret};
use alicr_emulator::{Admin, EmulatorConfig, Realism};
pub use alicr_testkit::{Output, TestEmulator, Workspace};

/// IDs and keys from the emulator's built-in seed.
pub const INSTANCE: &str = "cri-demo000000000001";
pub const VPC: &str = "vpc-bp1demo00000000000001";
pub const VSWITCH: &str = "vsw-bp1demoh0000000000001";
pub const VSWITCH_UNSUPPORTED_ZONE: &str = "vsw-bp1demob0000000000001";
pub const REPO_APP: &str = "crr-demoapp000000001";
pub const REPO_WORKER: &str = "crr-demoworker000001";
pub const ACCESS_KEY: &str = "LTAIdemoaccesskey0001";
pub const SECRET_KEY: &str = "demo-secret-0001-not-a-real-key";
pub const SHARED_INSTANCE: &str = "cri-shared0000000001";
pub const SHARED_ROLE_ARN: &str = "acs:ram::2345678901234567:role/alicr-deployer";

/// The emulator of one test file, and a client for console edits.
pub struct Harness {
    emulator: TestEmulator,
    client: CrClient,
}

/// Returns this test file's emulator, starting it on first use. Links become
/// RUNNING after a short delay so the waits are exercised without slowing
/// the suite much.
pub fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        Harness::start(Realism {
            link_create_ms: 300,
            link_delete_ms: 300,
            ..Realism::instant()
        })
    })
}

impl Harness {
    /// Starts an emulator with these realism settings, for a test file that
    /// needs faults or delays of its own.
    pub fn start(realism: Realism) -> Harness {
        let emulator = TestEmulator::start_with(EmulatorConfig {
            realism,
            ..EmulatorConfig::default()
        });
        let client = console_client(emulator.url().trim_end_matches('/'));
        Harness { emulator, client }
    }

    /// Returns the emulator's base URL, such as `http://127.0.0.1:40123`.
    pub fn url(&self) -> String {
        self.emulator.url().trim_end_matches('/').to_string()
    }

    /// Runs a future on the emulator's runtime.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.emulator.block_on(future)
    }

    /// Returns the emulator's admin handle (faults, request counts).
    pub fn admin(&self) -> Admin {
        self.emulator.admin()
    }

    /// Returns an API client of the demo account, for changes made outside
    /// Terraform.
    pub fn console(&self) -> &CrClient {
        &self.client
    }

    /// Returns the provider block (and `required_providers`) for the demo account.
    pub fn provider_tf(&self) -> String {
        provider_tf(&self.url())
    }

    /// Creates a Terraform directory with `provider.tf` and with `main_tf` as
    /// `main.tf`, so diagnostics' line numbers count from `main_tf`'s start.
    pub fn workspace(&self, main_tf: &str) -> Workspace {
        let workspace =
            Workspace::with_dev_override(Path::new(env!("CARGO_BIN_EXE_terraform-provider-alicr")));
        workspace.write("provider.tf", &self.provider_tf());
        workspace.write("main.tf", main_tf);
        workspace
    }
}

fn console_client(url: &str) -> CrClient {
    let credentials = CredentialSource::Static {
        access_key_id: ACCESS_KEY.to_string(),
        access_key_secret: Secret::new(SECRET_KEY),
        security_token: None,
    };
    let mut config = Config::new("cn-hangzhou", credentials);
    config.endpoints = Endpoints {
        cr: Some(url.to_string()),
        vpc: Some(url.to_string()),
        sts: Some(url.to_string()),
    };
    CrClient::new(config).unwrap_or_else(|e| panic!("failed to build the console client: {e}"))
}

/// Returns the provider configuration for the demo account against `url`.
pub fn provider_tf(url: &str) -> String {
    format!(
        r#"terraform {{
  required_providers {{
    alicr = {{ source = "alicr/alicr" }}
  }}
}}

provider "alicr" {{
  region     = "cn-hangzhou"
  access_key = "{ACCESS_KEY}"
  secret_key = "{SECRET_KEY}"
  endpoints {{
    cr  = "{url}"
    vpc = "{url}"
    sts = "{url}"
  }}
}}
"#
    )
}

/// Returns a string attribute of a resource in state.
pub fn state_str(workspace: &Workspace, address: &str, attribute: &str) -> String {
    let value = workspace.state_attribute(address, attribute);
    value
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| panic!("{address}.{attribute} is {value}, not a string"))
}

/// Asserts that Terraform reported `summary` on `address` at `main.tf` line
/// `line`, with `detail` somewhere in the output.
#[track_caller]
pub fn assert_diagnostic(output: &Output, summary: &str, address: &str, line: u32, detail: &str) {
    let all = output.combined();
    output.assert_consistent();
    assert!(all.contains(summary), "missing summary {summary:?}:\n{all}");
    // Terraform wraps details at 78 columns, so compare with whitespace squashed.
    assert!(
        squash(&all).contains(&squash(detail)),
        "missing detail {detail:?}:\n{all}"
    );
    let location = format!("with {address},\n  on main.tf line {line}");
    assert!(
        all.contains(&location),
        "missing location {location:?}:\n{all}"
    );
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Runs `terraform plan` and asserts it failed (exit code 1).
#[track_caller]
pub fn plan_fails(workspace: &Workspace) -> Output {
    let output = workspace.run(&["plan", "-input=false"]);
    assert_eq!(output.code, 1, "plan should fail:\n{}", output.combined());
    output
}

/// Exit code of `terraform plan -detailed-exitcode`, asserting Terraform
/// raised no provider consistency error.
#[track_caller]
pub fn plan_code(workspace: &Workspace) -> (i32, String) {
    let output = workspace.plan_exit_code();
    output.assert_consistent();
    (output.code, output.combined())
}

/// Exit code of `terraform plan -refresh-only -detailed-exitcode`.
#[track_caller]
pub fn refresh_only_code(workspace: &Workspace) -> (i32, String) {
    let output = workspace.refresh_only_exit_code();
    output.assert_consistent();
    (output.code, output.combined())
}

/// Polls `check` until it returns true or 10 seconds pass; for changes made
/// through the API that take effect asynchronously (a link's deletion).
pub fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..100 {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{what} did not happen within 10 seconds");
}
