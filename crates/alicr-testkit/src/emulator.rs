//! Starts `alicr-emulator` in-process on an ephemeral loopback port, owned by a
//! test, and returns the settings that point the provider at it.

use alicr_emulator::{Admin, Emulator, EmulatorConfig, Realism, RunningEmulator};

use crate::terraform::Workspace;

/// A running emulator with its own async runtime, so synchronous tests can use
/// it while they run `terraform` as a child process.
pub struct TestEmulator {
    runtime: tokio::runtime::Runtime,
    running: Option<RunningEmulator>,
    url: String,
}

impl std::fmt::Debug for TestEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestEmulator")
            .field("url", &self.url)
            .finish()
    }
}

impl TestEmulator {
    /// Starts an emulator with the default seed and no waiting for asynchronous
    /// work, which suits most tests.
    pub fn start() -> TestEmulator {
        TestEmulator::start_with(EmulatorConfig {
            realism: Realism::instant(),
            ..EmulatorConfig::default()
        })
    }

    /// Starts an emulator with the given configuration (seed, realism, data dir).
    pub fn start_with(config: EmulatorConfig) -> TestEmulator {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("failed to build a tokio runtime for the emulator: {e}"));
        let running = runtime
            .block_on(Emulator::start(config))
            .unwrap_or_else(|e| panic!("alicr-emulator failed to start: {e}"));
        let url = running.url();
        TestEmulator {
            runtime,
            running: Some(running),
            url,
        }
    }

    /// Returns the base URL, such as `http://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Returns the admin handle: faults, request counts, console edits, failing builds.
    pub fn admin(&self) -> Admin {
        match &self.running {
            Some(running) => running.admin(),
            None => panic!("the emulator was already shut down"),
        }
    }

    /// Runs a future on the emulator's runtime.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Returns the environment that points the provider at this emulator as the demo
    /// account: region, keys and the three endpoints.
    pub fn provider_env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("ALIBABA_CLOUD_REGION", "cn-hangzhou".to_string()),
            (
                "ALIBABA_CLOUD_ACCESS_KEY_ID",
                alicr_emulator::DEMO_ACCESS_KEY_ID.to_string(),
            ),
            (
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                alicr_emulator::DEMO_ACCESS_KEY_SECRET.to_string(),
            ),
            ("ALIBABA_CLOUD_ENDPOINT_CR", self.url.clone()),
            ("ALIBABA_CLOUD_ENDPOINT_VPC", self.url.clone()),
            ("ALIBABA_CLOUD_ENDPOINT_STS", self.url.clone()),
        ]
    }

    /// Applies [`TestEmulator::provider_env`] to a workspace.
    pub fn configure(&self, workspace: &mut Workspace) {
        for (name, value) in self.provider_env() {
            workspace.set_env(name, &value);
        }
    }

    /// Stops the emulator and waits for it to finish.
    pub fn shutdown(mut self) {
        if let Some(running) = self.running.take() {
            self.runtime.block_on(running.shutdown());
        }
    }
}

/// The `terraform { required_providers { ... } }` block every test config needs.
pub const REQUIRED_PROVIDERS: &str = r#"terraform {
  required_providers {
    alicr = { source = "alicr/alicr" }
  }
}
"#;
