//! A Terraform working directory with an offline CLI configuration, and a runner
//! for real `terraform` commands in it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The provider source address users write in `required_providers`.
pub const PROVIDER_SOURCE: &str = "alicr/alicr";

/// Output and exit code of one `terraform` command.
#[derive(Debug, Clone)]
pub struct Output {
    pub args: Vec<String>,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// stdout and stderr together, for assertions on messages.
    pub fn combined(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// Panics with the whole output unless the command exited 0.
    #[track_caller]
    pub fn success(&self) -> &Output {
        assert_eq!(
            self.code,
            0,
            "terraform {:?} failed:\n{}",
            self.args,
            self.combined()
        );
        self.assert_consistent();
        self
    }

    /// Panics with the whole output unless the command failed with exit code 1.
    #[track_caller]
    pub fn failure(&self) -> &Output {
        assert_eq!(
            self.code,
            1,
            "terraform {:?} should have failed:\n{}",
            self.args,
            self.combined()
        );
        self.assert_consistent();
        self
    }

    /// Panics when the output contains one of the errors Terraform raises for a
    /// provider that broke the protocol's rules, or a provider crash.
    #[track_caller]
    pub fn assert_consistent(&self) {
        let all = self.combined();
        for marker in [
            "Provider produced inconsistent",
            "Provider produced invalid",
            "Provider returned invalid result",
            "Plugin did not respond",
            "panicked at",
            "The plugin encountered an error",
        ] {
            assert!(
                !all.contains(marker),
                "terraform {:?} printed {marker:?}:\n{all}",
                self.args
            );
        }
    }

    /// Panics unless the combined output contains `needle`.
    #[track_caller]
    pub fn contains(&self, needle: &str) -> &Output {
        assert!(
            self.combined().contains(needle),
            "terraform {:?} output lacks {needle:?}:\n{}",
            self.args,
            self.combined()
        );
        self
    }
}

/// A temporary Terraform working directory bound to one provider binary.
#[derive(Debug)]
pub struct Workspace {
    dir: tempfile::TempDir,
    cli_config: PathBuf,
    env: BTreeMap<String, String>,
}

/// Returns the `terraform` executable on PATH, or panics with what to install.
pub fn terraform_binary() -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("terraform"))
            .find(|candidate| candidate.is_file())
    });
    match found {
        Some(path) => path,
        None => panic!(
            "terraform was not found on PATH. The acceptance tests drive the real Terraform \
             CLI (1.11 or later); install it and run the tests again."
        ),
    }
}

impl Workspace {
    /// Creates a directory whose CLI configuration runs `provider_binary` for
    /// `alicr/alicr` through a dev override, so no `terraform init` is needed.
    pub fn with_dev_override(provider_binary: &Path) -> Workspace {
        let provider_dir = provider_binary.parent().unwrap_or(Path::new("."));
        let config = format!(
            "disable_checkpoint = true\n\
             provider_installation {{\n  dev_overrides {{\n    \"{PROVIDER_SOURCE}\" = \"{}\"\n  }}\n\
             \x20 filesystem_mirror {{\n    path = \"/nonexistent-alicr-mirror\"\n  }}\n}}\n",
            provider_dir.display()
        );
        Workspace::with_cli_config(&config)
    }

    /// Creates a directory whose CLI configuration installs providers only from
    /// the filesystem mirror at `mirror`; run `terraform init` first.
    pub fn with_mirror(mirror: &Path) -> Workspace {
        let config = format!(
            "disable_checkpoint = true\n\
             provider_installation {{\n  filesystem_mirror {{\n    path = \"{}\"\n  }}\n}}\n",
            mirror.display()
        );
        Workspace::with_cli_config(&config)
    }

    fn with_cli_config(config: &str) -> Workspace {
        let dir = tempfile::Builder::new()
            .prefix("alicr-acc-")
            .tempdir()
            .unwrap_or_else(|e| panic!("failed to create a temporary directory: {e}"));
        let cli_config = dir.path().join(".terraformrc");
        std::fs::write(&cli_config, config)
            .unwrap_or_else(|e| panic!("failed to write {}: {e}", cli_config.display()));
        Workspace {
            dir,
            cli_config,
            env: BTreeMap::new(),
        }
    }

    /// Returns the working directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Sets an environment variable for every later command.
    pub fn set_env(&mut self, name: &str, value: &str) -> &mut Workspace {
        self.env.insert(name.to_string(), value.to_string());
        self
    }

    /// Writes a file relative to the working directory.
    pub fn write(&self, name: &str, contents: &str) -> &Workspace {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .unwrap_or_else(|e| panic!("failed to create {}: {e}", parent.display()));
        }
        std::fs::write(&path, contents)
            .unwrap_or_else(|e| panic!("failed to write {}: {e}", path.display()));
        self
    }

    /// Removes a file relative to the working directory, if present.
    pub fn remove(&self, name: &str) -> &Workspace {
        let _ = std::fs::remove_file(self.dir.path().join(name));
        self
    }

    /// Runs `terraform <args> -no-color` and returns its output.
    pub fn run(&self, args: &[&str]) -> Output {
        let mut command = Command::new(terraform_binary());
        command.current_dir(self.dir.path());
        command.args(args);
        if args
            .first()
            .is_some_and(|first| *first != "version" && *first != "fmt")
        {
            command.arg("-no-color");
        }
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("TF_CLI_CONFIG_FILE", &self.cli_config)
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .envs(&self.env);
        let output = command
            .output()
            .unwrap_or_else(|e| panic!("failed to run terraform: {e}"));
        Output {
            args: args.iter().map(|a| a.to_string()).collect(),
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// `terraform apply -auto-approve`, asserting success.
    #[track_caller]
    pub fn apply(&self) -> Output {
        let out = self.run(&["apply", "-auto-approve", "-input=false"]);
        out.success();
        out
    }

    /// `terraform destroy -auto-approve`, asserting success.
    #[track_caller]
    pub fn destroy(&self) -> Output {
        let out = self.run(&["destroy", "-auto-approve", "-input=false"]);
        out.success();
        out
    }

    /// Exit code of `terraform plan -detailed-exitcode` (0 no changes, 2 changes).
    pub fn plan_exit_code(&self) -> Output {
        self.run(&["plan", "-detailed-exitcode", "-input=false"])
    }

    /// Exit code of `terraform plan -refresh-only -detailed-exitcode`.
    pub fn refresh_only_exit_code(&self) -> Output {
        self.run(&[
            "plan",
            "-refresh-only",
            "-detailed-exitcode",
            "-input=false",
        ])
    }

    /// Returns the state as JSON (`terraform show -json`).
    pub fn state_json(&self) -> serde_json::Value {
        let out = self.run(&["show", "-json"]);
        out.success();
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "terraform show -json printed invalid JSON ({e}):\n{}",
                out.stdout
            )
        })
    }

    /// Returns the value of one attribute of a resource in state, such as
    /// `("alicr_build_rule.main", "build_rule_id")`.
    pub fn state_attribute(&self, address: &str, attribute: &str) -> serde_json::Value {
        let state = self.state_json();
        let resources = find_resources(&state["values"]["root_module"]);
        resources
            .into_iter()
            .find(|r| r["address"] == address)
            .map(|r| r["values"][attribute].clone())
            .unwrap_or_else(|| panic!("{address} is not in state:\n{state:#}"))
    }

    /// Returns the outputs as JSON (`terraform output -json`).
    pub fn outputs(&self) -> serde_json::Value {
        let out = self.run(&["output", "-json"]);
        out.success();
        serde_json::from_str(&out.stdout).unwrap_or(serde_json::Value::Null)
    }
}

fn find_resources(module: &serde_json::Value) -> Vec<serde_json::Value> {
    let mut out: Vec<serde_json::Value> =
        module["resources"].as_array().cloned().unwrap_or_default();
    for child in module["child_modules"].as_array().into_iter().flatten() {
        out.extend(find_resources(child));
    }
    out
}
